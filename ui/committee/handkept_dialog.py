"""收取手工台账…: a branch's own Excel ledger (no seal), taken in as 未校验 for a month.

The user names the file, the branch (from the list, or a new name) and the month; the workbook is
then read in the background and shown in the same review as sealed reports.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from tracker.exchange.branches import branches

from .. import files
from ..dialogs.reason_dialog import field_error
from ..operations import run_in_background
from ..session import Session
from ..widgets import ok_cancel
from . import jobs
from .collecting import Done, review_and_receive
from .month_box import Month, MonthBox, shift


class HandkeptDialog(QDialog):
    """File, branch, month; OK only when all three are given."""

    def __init__(
        self,
        names: list[str],
        today: dt.date,
        month: Month | None = None,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("收取手工台账")
        self.setMinimumWidth(560)
        form = QFormLayout(self)
        note = QLabel(
            "没有使用本程序的支部，可报送手工填写的 Excel 整改台账。程序按表中内容统计该月的数字，"
            "在汇总中标为“未校验（手工台账）”：它没有校验数据，无法证明未被改动。"
        )
        note.setWordWrap(True)
        form.addRow(note)
        self.path = QLineEdit()
        self.path.setReadOnly(True)
        self.path.setPlaceholderText("请选择 .xlsx 或 .xls 文件")
        browse = QPushButton("选择文件…")
        browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        form.addRow("台账文件：", row)
        self.branch = QComboBox()
        self.branch.setEditable(True)
        self.branch.addItems(names)
        self.branch.setCurrentIndex(-1)
        self.branch.lineEdit().setPlaceholderText("从名单中选择，或输入新支部的名称")
        form.addRow("支部：", self.branch)
        self.month = MonthBox()
        current = (today.year, today.month)
        self.month.set_range(shift(current, -23), current, month or current)
        form.addRow("月份：", self.month)
        form.addRow(ok_cancel(self, "读取并核对…", self._accept))

    def _browse(self) -> None:
        path = files.open_file(
            self,
            "collect",
            "选择支部的手工台账",
            "Excel 工作簿 (*.xlsx *.xlsm *.xls);;所有文件 (*)",
        )
        if path:
            self.path.setText(path)

    def _accept(self) -> None:
        if not self.path.text():
            field_error(self, self.path, "台账文件", "请选择支部的手工台账文件。")
        elif not self.branch_name():
            field_error(self, self.branch, "支部", "请选择或输入支部名称。")
        else:
            self.accept()

    def branch_name(self) -> str:
        return self.branch.currentText().strip()

    def values(self) -> tuple[Path, str, int, int]:
        return Path(self.path.text()), self.branch_name(), *self.month.value()


def collect_handkept(
    parent: QWidget,
    session: Session,
    settings: QSettings | None = None,
    month: Month | None = None,
    done: Done = None,
) -> None:
    """Ask for file, branch and month; read it in the background; the review; keep it."""
    ledger = session.ledger
    if ledger is None or ledger.read_only:
        return
    names = [b.name for b in branches(ledger)]
    dialog = HandkeptDialog(names, ledger.today(), month, settings, parent)
    if not dialog.exec():
        return
    path, name, year, number = dialog.values()
    run_in_background(
        parent,
        "正在读取手工台账…",
        lambda progress: [jobs.inspect_handkept_file(ledger, path, name, year, number)],
        lambda incomings: review_and_receive(parent, session, incomings, "收取手工台账", done),
    )
