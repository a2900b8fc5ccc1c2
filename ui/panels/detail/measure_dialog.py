"""Dialogs for one measure: entering or correcting it, and extending its deadline (延期).

The deadline is typed the way ledgers write it and the dialog shows, live, what the text was
read as (against today, and for 立行立改 the problem's 查摆日期); a correction and an extension
are different dialogs because only an extension is counted and reported with its reason. The
owner and department pickers take a new name too (offered to 名录 before the measure is saved).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker.detail import MeasureView
from tracker.models import Person
from tracker.services import MeasureInput
from ui.session import Session
from ui.unsaved import mark_save_button
from ui.widgets import DeadlineEdit, DictionaryCombo, resolve_all

from .common import select_entry


def _buttons(dialog: QDialog, ok_text: str) -> tuple[QDialogButtonBox, QPushButton]:
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = box.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    box.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    box.accepted.connect(dialog.accept)
    box.rejected.connect(dialog.reject)
    return box, ok


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color:#5f6b7a;")
    return label


class MeasureDialog(QDialog):
    """新增 or 修改 a measure: text, owner, department and deadline."""

    def __init__(
        self,
        session: Session,
        measure: MeasureView | None = None,
        parent: QWidget | None = None,
        *,
        found_on: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.ledger = ledger = session.ledger
        self.setWindowTitle("修改整改措施" if measure else "新增整改措施")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(80)
        self.text.setPlaceholderText(
            "具体、可检验的整改措施，如：修订会议管理办法，压减会议数量 30%"
        )
        self.text.setToolTip("整改措施的内容")
        self.owner = DictionaryCombo(ledger, "person", session=session)
        self.owner.setToolTip("具体负责落实这项措施的同志；选择后自动带出其所在部门")
        self.department = DictionaryCombo(ledger, "department", session=session)
        self.department.setToolTip("负责落实这项措施的部门")
        self.deadline = DeadlineEdit()
        self.deadline.set_context(ledger.today(), found_on)
        form.addRow("整改措施", self.text)
        form.addRow("责任人", self.owner)
        form.addRow("责任部门", self.department)
        form.addRow("整改时限", self.deadline)
        layout.addLayout(form)
        if measure is not None:
            self.text.setPlainText(measure.text)
            select_entry(self.owner, measure.owner_id, measure.owner)
            select_entry(self.department, measure.department_id, measure.department)
            self.deadline.setText(measure.deadline_text)
            layout.addWidget(
                _hint(
                    "修改时限只用于更正录入错误；到期后需要推迟的，请使用“延期”，"
                    "以便记录延期次数和理由。"
                )
            )
        box, self.ok = _buttons(self, "保存" if measure else "添加")
        mark_save_button(self.ok)  # Ctrl+S adds a new measure too
        layout.addWidget(box)
        self.owner.currentIndexChanged.connect(self._owner_picked)
        self.text.textChanged.connect(self._check)
        self._check()

    def _owner_picked(self) -> None:
        """Most owners work in one department: fill it in unless the user already chose one."""
        if self.department.value() is not None or self.owner.value() is None:
            return
        row = (
            self.ledger.select(Person, Person.department)
            .where(Person.id == self.owner.value())
            .tuples()
            .first()
        )
        if row and row[0] is not None:
            self.department.set_value(row[0])

    def _check(self) -> None:
        self.ok.setEnabled(bool(self.text.toPlainText().strip()))

    def accept(self) -> None:
        if resolve_all(self, [self.owner, self.department]):  # new names: into 名录 first
            super().accept()

    def measure_input(self) -> MeasureInput:
        return MeasureInput(
            self.text.toPlainText().strip(),
            self.owner.value(),
            self.department.value(),
            self.deadline.text(),
        )


class ExtendDialog(QDialog):
    """延期: a later deadline and the reason; both are kept in the extension record."""

    def __init__(self, measure: MeasureView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"延期：措施 {measure.seq}")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        about = _hint(
            f"{measure.text}\n原期限：{measure.deadline_text or '未填写'}"
            f"（识别为 {measure.deadline_reading}），已延期 {measure.extensions} 次。"
        )
        layout.addWidget(about)
        form = QFormLayout()
        self.deadline = DeadlineEdit()
        self.reason = QPlainTextEdit()
        self.reason.setTabChangesFocus(True)
        self.reason.setFixedHeight(64)
        self.reason.setPlaceholderText("为什么不能按期完成（必填，记入延期记录）")
        self.reason.setToolTip("延期理由，必填；会出现在历史记录和报表中")
        form.addRow("新期限", self.deadline)
        form.addRow("延期理由", self.reason)
        layout.addLayout(form)
        box, self.ok = _buttons(self, "延期")
        layout.addWidget(box)
        self.deadline.changed.connect(self._check)
        self.reason.textChanged.connect(self._check)
        self._check()

    def _check(self, *_) -> None:
        self.ok.setEnabled(bool(self.deadline.text() and self.reason.toPlainText().strip()))

    def values(self) -> tuple[str, str]:
        return self.deadline.text(), self.reason.toPlainText().strip()
