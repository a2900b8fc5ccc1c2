"""The read-only 销号信息 of a problem: who applied, who reviewed, when, and what they wrote.

These fields change only through the closure workflow (申请销号, 审核通过, 驳回, 重新整改), so the
form shows them as text, never as inputs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QGroupBox, QLabel, QWidget

from tracker.dates import format_date

FIELDS = [
    ("applicant", "申请人"),
    ("reviewer", "审核人"),
    ("closed_on", "销号日期"),
    ("closure_note", "销号说明"),
    ("review_opinion", "审核意见"),
    ("status_reason", "理由"),
]


class ClosureBox(QGroupBox):
    """Hidden while the problem has no closure data at all."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("销号信息", parent)
        self.setToolTip("申请销号、审核时填写的内容，只能通过销号流程修改")
        self.form = QFormLayout(self)

    def show_row(self, row: dict) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        for name, label in FIELDS:
            value = row.get(name)
            if not value:
                continue
            field = QLabel(format_date(value) if name == "closed_on" else str(value))
            field.setWordWrap(True)
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setToolTip(f"{label}（只读，随销号流程记录）")
            self.form.addRow(label, field)
        self.setVisible(self.form.rowCount() > 0)

    def values(self) -> dict[str, str]:
        """What is shown, by label (for tests and for copying)."""
        out = {}
        for i in range(self.form.rowCount()):
            label = self.form.itemAt(i, QFormLayout.ItemRole.LabelRole).widget().text()
            out[label] = self.form.itemAt(i, QFormLayout.ItemRole.FieldRole).widget().text()
        return out
