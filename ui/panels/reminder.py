"""The start-up reminder: a non-blocking banner saying what is overdue and what falls due within 7 days."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from tracker.dashboard import due_soon_items, overdue_items

from ..session import Session

DUE_DAYS = 7


class ReminderBanner(QWidget):
    """Shown above the table after a ledger opens; never modal, dismissed with ×."""

    show_view = Signal(str)  # "overdue" or "due7"

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setObjectName("reminderBanner")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.text = QLabel()
        self.text.setObjectName("reminderText")
        self.text.setWordWrap(True)
        layout.addWidget(self.text, 1)
        self.overdue_button = QPushButton("查看逾期")
        self.overdue_button.setToolTip("在台账中只显示有逾期措施的问题")
        self.overdue_button.clicked.connect(lambda: self.show_view.emit("overdue"))
        self.soon_button = QPushButton("查看7天内到期")
        self.soon_button.setToolTip("在台账中只显示7天内有措施到期的问题")
        self.soon_button.clicked.connect(lambda: self.show_view.emit("due7"))
        close = QToolButton()
        close.setText("×")
        close.setToolTip("关闭提醒")
        close.clicked.connect(self.hide)
        for widget in (self.overdue_button, self.soon_button, close):
            layout.addWidget(widget)
        self.overdue = 0
        self.overdue_problems = 0
        self.soon = 0
        self.hide()

    def check(self) -> None:
        """Count what needs attention; show the banner if anything does, hide it otherwise."""
        ledger = self.session.ledger
        if ledger is None:
            self.hide()
            return
        late = overdue_items(ledger)
        soon = due_soon_items(ledger, DUE_DAYS)
        self.overdue, self.soon = len(late), len(soon)
        self.overdue_problems = len({item.problem_id for item in late})
        if not (self.overdue or self.soon):
            self.hide()
            return
        parts = []
        if self.overdue:
            parts.append(f"逾期 {self.overdue} 项整改措施（涉及 {self.overdue_problems} 个问题）")
        if self.soon:
            parts.append(f"7天内到期 {self.soon} 项")
        self.text.setText("提醒：" + "，".join(parts) + "。")
        self.overdue_button.setVisible(bool(self.overdue))
        self.soon_button.setVisible(bool(self.soon))
        colour = "#fde2e1" if self.overdue else "#fff4cc"
        border = "#f3b5b1" if self.overdue else "#f0d98a"
        self.setStyleSheet(
            f"#reminderBanner {{ background: {colour}; border: 1px solid {border}; border-radius: 6px; }}"
            " QLabel#reminderText { font-weight: bold; color: #5c2b29; }"
        )
        self.show()
