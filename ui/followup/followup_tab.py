"""督办: the detail panel's tab of what was done to follow one problem through — 回头看, 催办,
延期申请, 抽查, 复发 — with the buttons that record the next step for this problem."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.detail import ProblemDetail
from tracker.followup.details import followup_sections
from tracker.workflow import ACCEPTS_WORK

from ..session import Session


class FollowupTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.detail: ProblemDetail | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setToolTip("本问题的回头看、催办、延期申请、抽查和复发记录（均记入历史记录）")
        layout.addWidget(self.tree, 1)
        buttons = QHBoxLayout()
        self.chase_button = QPushButton("催办…")
        self.chase_button.setToolTip("记录对本问题未完成措施的催办")
        self.lookback_button = QPushButton("回头看…")
        self.lookback_button.setToolTip("记录本问题的回头看（巩固或反弹），或改回头看日期")
        self.similar_button = QPushButton("相似问题与复发…")
        self.similar_button.setToolTip("其他批次中描述相似的早先问题；把本问题记为复发")
        for button in (self.chase_button, self.lookback_button, self.similar_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.chase_button.clicked.connect(self.chase)
        self.lookback_button.clicked.connect(self.lookback)
        self.similar_button.clicked.connect(self.similar)

    def load(self, detail: ProblemDetail) -> None:
        self.detail = detail
        self.tree.clear()
        for heading, lines in followup_sections(detail):
            top = QTreeWidgetItem([heading])
            for line in lines or ["（无）"]:
                child = QTreeWidgetItem([line])
                child.setToolTip(0, line)
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            top.setExpanded(bool(lines))
        writable = not self.session.read_only
        status = detail.row["status"]
        self.chase_button.setEnabled(writable and status in ACCEPTS_WORK)
        self.lookback_button.setEnabled(writable and detail.followup.lookback is not None)
        self.similar_button.setEnabled(True)

    def chase(self) -> None:
        from .chase_dialog import ChaseDialog

        ChaseDialog(self.session, [self.detail.row["id"]], self).exec()

    def lookback(self) -> None:
        from .lookback_dialog import LookbackDialog

        LookbackDialog(self.session, self.detail.row["id"], self).exec()

    def similar(self) -> None:
        from .similar_dialog import SimilarDialog

        SimilarDialog(self.session, self.detail.row["id"], parent=self).exec()
