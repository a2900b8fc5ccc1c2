"""Small readers the GUI tests share."""

from __future__ import annotations

from tracker.models import Measure, Problem


def first(ledger, status: str) -> int:
    return (
        ledger.select(Problem, Problem.id)
        .where(Problem.status == status)
        .order_by(Problem.id)
        .scalar()
    )


def problem(ledger, pid: int) -> dict:
    return ledger.select(Problem).where(Problem.id == pid).dicts().first()


def main_window(qtbot, tmp_path, location: str, actor: str = "周晓梅"):
    """The program's window, settings in a test file, with the ledger at `location` open."""
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow

    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), actor=actor)
    qtbot.addWidget(window)
    window.open_location(str(location), synchronous=True)
    return window


def measure_in_time(ledger) -> tuple[int, int]:
    """(problem, measure) of an open measure whose deadline has not passed, in a problem that is
    being worked on: what a 延期申请 may be made for."""
    return (
        ledger.select(Measure, Problem.id, Measure.id)
        .join(Problem, on=(Measure.problem == Problem.id))
        .where(
            (Measure.status == "open")
            & (Measure.deadline_date >= ledger.today())
            & Problem.status.in_(["listed", "in_progress"])
        )
        .order_by(Problem.id, Measure.seq)
        .tuples()
        .first()
    )
