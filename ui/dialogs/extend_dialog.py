"""延期: give one open measure a later deadline, with the reason the ledger keeps beside it.

A problem usually has several measures; only open ones can be extended, so the dialog offers
exactly those (the caller may preselect one). The current deadline is shown as written and as
read, so the user sees what they are extending from.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from tracker import services, workflow
from tracker.dates import format_date
from tracker.detail import MeasureView, ProblemDetail, problem_detail

from ..session import Session
from ..widgets import DeadlineEdit
from .reason_dialog import field_error


def open_measures(detail: ProblemDetail) -> list[MeasureView]:
    """The measures of a problem that 延期 applies to (open ones; done/long-term/void cannot)."""
    return [m for m in detail.measures if m.status == workflow.M_OPEN]


def _measure_title(m: MeasureView) -> str:
    text = m.text if len(m.text) <= 40 else m.text[:40] + "……"
    return f"措施{m.seq}：{text}"


def describe_deadline(m: MeasureView) -> str:
    """“2026年6月底前（即 2026年6月30日，已延期 1 次）” — the text as written, then its reading."""
    if not m.deadline_text:
        return "（未填写）"
    parts = []
    if m.deadline_date is not None and format_date(m.deadline_date) != m.deadline_text:
        parts.append(f"即 {format_date(m.deadline_date)}")
    elif m.deadline_date is None:
        parts.append(m.deadline_reading)
    if m.overdue:
        parts.append("已逾期")
    if m.extensions:
        parts.append(f"已延期 {m.extensions} 次")
    return m.deadline_text + (f"（{'，'.join(parts)}）" if parts else "")


class ExtendDialog(QDialog):
    """Pick the measure (if several are open), type the new deadline and why."""

    def __init__(
        self,
        session: Session,
        problem_id: int,
        *,
        measure_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.problem_id = problem_id
        detail = problem_detail(session.ledger, problem_id)
        self.measures = open_measures(detail)
        self.setWindowTitle(f"延期 — {detail.row['code']}")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.measure = QComboBox()
        for m in self.measures:
            self.measure.addItem(_measure_title(m), m.id)
            self.measure.setItemData(self.measure.count() - 1, m.text, Qt.ItemDataRole.ToolTipRole)
        self.measure.setEnabled(len(self.measures) > 1)
        self.measure.setToolTip("只有未完成的整改措施可以延期")
        form.addRow("整改措施：", self.measure)
        self.owner = QLabel()
        form.addRow("责任人：", self.owner)
        self.current = QLabel()
        self.current.setWordWrap(True)
        form.addRow("当前期限：", self.current)
        self.deadline = DeadlineEdit()
        today = session.ledger.today()
        self.deadline.set_context(today, today)  # a new 立行立改 counts from today
        form.addRow("新期限（必填）：", self.deadline)
        self.reason = QPlainTextEdit()
        self.reason.setPlaceholderText("写明延期的原因，如：涉及上级审批，需等待批复")
        self.reason.setTabChangesFocus(True)
        self.reason.setMaximumHeight(110)
        form.addRow("延期理由（必填）：", self.reason)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("延期")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.measure.currentIndexChanged.connect(self._show_measure)
        if measure_id is not None:
            self.select_measure(measure_id)
        self._show_measure()
        self.deadline.edit.setFocus()

    def select_measure(self, measure_id: int) -> None:
        index = self.measure.findData(measure_id)
        if index >= 0:
            self.measure.setCurrentIndex(index)

    def current_measure(self) -> MeasureView | None:
        index = self.measure.currentIndex()
        return self.measures[index] if 0 <= index < len(self.measures) else None

    def _show_measure(self) -> None:
        m = self.current_measure()
        self.owner.setText((m.owner or "（未指定）") if m else "")
        self.current.setText(describe_deadline(m) if m else "该问题没有未完成的整改措施。")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(m is not None)

    def values(self) -> dict:
        m = self.current_measure()
        return {
            "measure_id": m.id if m else None,
            "new_deadline": self.deadline.text(),
            "reason": self.reason.toPlainText().strip(),
        }

    def accept(self) -> None:
        values = self.values()
        if values["measure_id"] is None:
            return
        if not values["new_deadline"]:
            field_error(self, self.deadline.edit, "新期限", "不能为空：请填写延期后的整改时限。")
            return
        if not values["reason"]:
            field_error(self, self.reason, "延期理由", "不能为空：请写明延期的原因。")
            return
        changes = self.session.perform(
            self,
            services.extend_deadline,
            values["measure_id"],
            values["new_deadline"],
            values["reason"],
        )
        if changes is not None:
            super().accept()
