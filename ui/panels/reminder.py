"""The start-up reminder: a dismissible banner saying what is overdue, what falls due within 7 days
(of problems not overdue: those count under 逾期), and how many open measures have a deadline that
names no date (时限不明确: they would otherwise never be flagged).

A banner rather than a dialog, because the user opened the program to work, not to click "OK";
the reminder stays in view at the top of the ledger until it is acted on or dismissed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from tracker import dashboard
from tracker.overdue import YELLOW_DAYS

from ..background import BackgroundReads
from ..session import Session

# Red when anything is overdue, yellow when something only falls due soon: the table's bands.
STYLES = {
    "overdue": ("#fdecea", "#f3b9b4", "#a12a25"),
    "due": ("#fff7da", "#f0d98a", "#7a5a00"),
}


class ReminderBanner(QFrame):
    """“逾期 N 项整改措施（涉及 M 个问题），7天内到期 K 项，时限不明确 U 项”, with buttons that
    open those views."""

    show_view = Signal(str)  # "overdue", "due7" or "unclear": the ledger's view names

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.overdue_measures = 0
        self.overdue_problems = 0
        self.due_soon = 0
        self.unclear = 0
        self._reads = BackgroundReads(self)
        self.setObjectName("reminderBanner")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 6, 6, 6)
        layout.setSpacing(8)
        self.icon = QLabel("⚠")
        self.text = QLabel()
        self.text.setTextFormat(Qt.TextFormat.PlainText)
        self.overdue_button = QPushButton("查看逾期")
        self.overdue_button.setToolTip("在台账中只显示有逾期整改措施的问题")
        self.due_button = QPushButton(f"查看{YELLOW_DAYS}天内到期")
        self.due_button.setToolTip(f"在台账中只显示{YELLOW_DAYS}天内到期的问题")
        self.unclear_button = QPushButton("查看时限不明确")
        self.unclear_button.setToolTip(
            "整改时限没有填写或读不出日期的措施永远不会提示逾期：请改为具体日期"
        )
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setToolTip("关闭提醒（不影响任何数据）")
        self.close_button.setAutoRaise(True)
        layout.addWidget(self.icon)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.overdue_button)
        layout.addWidget(self.due_button)
        layout.addWidget(self.unclear_button)
        layout.addWidget(self.close_button)
        self.overdue_button.clicked.connect(lambda: self.show_view.emit("overdue"))
        self.due_button.clicked.connect(lambda: self.show_view.emit("due7"))
        self.unclear_button.clicked.connect(lambda: self.show_view.emit("unclear"))
        self.close_button.clicked.connect(self.hide)
        # Once shown, the counts follow the user's edits, and the banner leaves when all is done.
        session.changed.connect(self._changed)
        session.closed.connect(self.check)
        self.hide()

    def check(self) -> None:
        """Count overdue and soon-due measures in the open ledger (on a pool thread for a file
        ledger); show the banner if there are any."""
        ledger = self.session.ledger
        if ledger is None:
            self._reads.cancel("due")
            self.hide()
            return
        self._reads.read(
            "due", ledger, lambda: dashboard.due_counts(ledger, YELLOW_DAYS), self._show_counts
        )

    def _show_counts(self, counts: dashboard.DueCounts) -> None:
        self.overdue_measures = counts.overdue_measures
        self.overdue_problems = counts.overdue_problems
        self.due_soon = counts.due_soon
        self.unclear = counts.unclear
        if not (self.overdue_measures or self.due_soon or self.unclear):
            self.hide()
            return
        self.text.setText(self.message())
        self.overdue_button.setVisible(self.overdue_measures > 0)
        self.due_button.setVisible(self.due_soon > 0)
        self.unclear_button.setVisible(self.unclear > 0)
        self._style("overdue" if self.overdue_measures else "due")
        self.show()

    def message(self) -> str:
        parts = []
        if self.overdue_measures:
            parts.append(
                f"逾期 {self.overdue_measures} 项整改措施（涉及 {self.overdue_problems} 个问题）"
            )
        if self.due_soon:
            noun = "项" if parts else "项整改措施"
            parts.append(f"{YELLOW_DAYS}天内到期 {self.due_soon} {noun}")
        if self.unclear:
            noun = "项" if parts else "项整改措施"
            parts.append(f"时限不明确 {self.unclear} {noun}")
        return "，".join(parts)

    def _changed(self, _changes) -> None:
        if self.isVisible():
            self.check()

    def _style(self, kind: str) -> None:
        background, border, text = STYLES[kind]
        self.setStyleSheet(
            f"""
            QFrame#reminderBanner {{ background: {background}; border: 1px solid {border};
                                     border-radius: 6px; }}
            QLabel {{ color: {text}; font-size: 10pt; background: transparent; }}
            QPushButton {{ color: {text}; background: white; border: 1px solid {border};
                           border-radius: 4px; padding: 3px 12px; }}
            QPushButton:hover {{ background: {background}; }}
            QToolButton {{ color: {text}; font-size: 13pt; border: none; padding: 0 6px; }}
            """
        )
