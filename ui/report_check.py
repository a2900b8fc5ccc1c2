"""文件 → 核对月报…: check a monthly report file, against the open ledger when it is the report's own."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QVBoxLayout,
    QWidget,
)

from . import files
from .operations import run_in_background
from .widgets import headline, report_text

if TYPE_CHECKING:
    from tracker.excel.verify_report import ReportCheck
    from tracker.ledger import Ledger

    from .main_window import MainWindow


def run_check(ledger: Ledger | None, path: Path) -> ReportCheck:
    """The file alone, and against `ledger` too when the report is that ledger's (off the GUI thread)."""
    from tracker.excel.verify_report import check_file, check_report
    from tracker.exchange import identity

    check = check_file(path)
    if ledger is None:
        check.notes.append(
            "没有打开台账，只核对了文件本身。打开生成该报表的台账后再核对，可逐格对照。"
        )
        return check
    theirs = check.payload.get("ledger", {}).get("id")
    if theirs is not None and theirs != identity.identity(ledger.db).ledger_id:
        check.notes.append(
            "当前打开的台账不是生成该报表的台账，只核对了文件本身（上级收到的报表通常如此）。"
        )
        return check
    return check_report(ledger, path)


class ReportCheckDialog(QDialog):
    """The result: a large verdict, then every finding in words; copyable."""

    def __init__(self, check: ReportCheck, parent: QWidget | None = None) -> None:
        from tracker.excel.verify_report import describe

        super().__init__(parent)
        self.setWindowTitle(f"核对月报 — {check.path.name}")
        self.resize(760, 460)
        layout = QVBoxLayout(self)
        verdict = headline(scale=1.4)
        if check.ok:
            verdict.setText(
                "✔ 核对通过：报表生成后没有被改动"
                + ("，台账历史也支持它。" if check.against_ledger else "。")
            )
            verdict.setStyleSheet("color: #1b6e20;")
        else:
            verdict.setText("✘ 核对未通过：报表或它所依据的台账历史被改动过，详见下面各条。")
            verdict.setStyleSheet("color: #b00020;")
        layout.addWidget(verdict)
        self.text = report_text("\n".join(describe(check)))
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("复制结果", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(
                verdict.text() + "\n" + self.text.toPlainText()
            )
        )
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.verdict = verdict


def check_report_file(window: MainWindow) -> None:
    path = files.open_file(window, "check", "选择要核对的月报", "Excel 工作簿 (*.xlsx)")
    if not path:
        return
    ledger = window.session.ledger
    run_in_background(
        window,
        "正在核对月报…",
        lambda progress: run_check(ledger, Path(path)),
        lambda check: ReportCheckDialog(check, window).exec(),
    )
