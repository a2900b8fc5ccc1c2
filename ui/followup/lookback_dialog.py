"""回头看: record what the look-back at a crossed-off problem found, or move its date.

巩固 closes the look-back; 反弹 needs the reason and reopens the problem (重新整改) in the same
action (`tracker.followup.lookbacks.record_lookback`). Moving the date is its own action.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from tracker.dates import format_date
from tracker.followup import lookbacks
from tracker.services.lookup import problem_row
from tracker.workflow import LOOKBACK_HELD, LOOKBACK_SLIPPED

from ..dialogs.reason_dialog import field_error
from ..session import Session
from ..widgets import DateEdit, note_edit, ok_cancel, past_date


class LookbackDialog(QDialog):
    """巩固 or 反弹 (with the reason), the day it was done; or a new date for the look-back."""

    def __init__(self, session: Session, problem_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.problem_id = problem_id
        ledger = session.ledger
        problem = problem_row(ledger, problem_id)
        self.pending = lookbacks.pending_of(ledger, problem_id)
        self.setWindowTitle(f"回头看 — 问题 {problem['code']}")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        description = QLabel(problem["description"])
        description.setWordWrap(True)
        form.addRow("问题描述：", description)
        closed = format_date(problem["closed_on"]) if problem["closed_on"] else "—"
        form.addRow("销号日期：", QLabel(closed))
        due = format_date(self.pending["due_on"]) if self.pending else "（没有待做的回头看）"
        self.due_label = QLabel(due)
        form.addRow("回头看日期：", self.due_label)
        self.held = QRadioButton("巩固：整改成效保持，没有反弹")
        self.slipped = QRadioButton("反弹：问题又出现了，重新整改")
        self.held.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.held)
        group.addButton(self.slipped)
        choice = QVBoxLayout()
        choice.addWidget(self.held)
        choice.addWidget(self.slipped)
        form.addRow("回头看结果：", choice)
        self.on = past_date(ledger.today())
        form.addRow("回头看日期：", self.on)
        self.note = note_edit("怎样回头看的、看到了什么；反弹时必填，写明反弹情况")
        form.addRow("情况说明：", self.note)
        layout.addLayout(form)
        move = QHBoxLayout()
        move.addWidget(QLabel("改回头看日期为："))
        self.move_to = DateEdit(self.pending["due_on"] if self.pending else ledger.today())
        move.addWidget(self.move_to)
        self.move_button = QPushButton("改日期")
        self.move_button.setToolTip("只改这个问题的回头看日期（记入历史），不记录结果")
        self.move_button.clicked.connect(self.move_date)
        move.addWidget(self.move_button)
        move.addStretch(1)
        layout.addLayout(move)
        self.buttons = ok_cancel(self, "记录回头看")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        for widget in (self.ok_button, self.move_button):
            widget.setEnabled(self.pending is not None)
        layout.addWidget(self.buttons)

    def result_status(self) -> str:
        return LOOKBACK_SLIPPED if self.slipped.isChecked() else LOOKBACK_HELD

    def accept(self) -> None:
        note = self.note.toPlainText().strip()
        if self.slipped.isChecked() and not note:
            field_error(self, self.note, "反弹情况", "不能为空：请写明问题怎样反弹了。")
            return
        changes = self.session.perform(
            self,
            lookbacks.record_lookback,
            self.problem_id,
            self.result_status(),
            note,
            on=self.on.value(),
        )
        if changes is not None:
            super().accept()

    def move_date(self) -> None:
        changes = self.session.perform(
            self, lookbacks.move_lookback, self.problem_id, self.move_to.value()
        )
        if changes is not None:
            self.due_label.setText(format_date(self.move_to.value()))
