"""Small readers the GUI tests share."""

from __future__ import annotations

from tracker.models import Problem


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


def answer_box(qtbot, *, button: str | None = None, key=None, seen: list | None = None) -> None:
    """Answer the next modal message box when it appears: click a button by its text, or press a
    key (Esc); the box's text and informative text are appended to `seen`."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        if seen is not None:
            seen.append(f"{box.text()}\n{box.informativeText()}")
        if key is not None:
            qtbot.keyClick(box, key)
        else:
            next(b for b in box.buttons() if b.text() == button).click()

    QTimer.singleShot(0, answer)


def run_python(args: list, env: dict | None = None, timeout: int = 120):
    """A fresh Python process in the repository (the program, a screenshot, a probe): the things
    a test cannot do inside its own process (Qt's scale factor, no display, a second program)."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    return subprocess.run(
        [sys.executable, *map(str, args)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
