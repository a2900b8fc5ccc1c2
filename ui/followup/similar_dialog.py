"""复发: earlier problems of other batches whose description resembles this one, with a score and
the words they share, and the link that records this problem as a repeat of one of them.

Shown on demand (督办 → 相似问题与复发…) and offered once after a new problem is entered, when
something similar exists (`offer_after_entry`). Only a crossed-off problem can be repeated: one
still being worked on is the same problem, not a recurrence.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.followup import repeats, similar
from tracker.followup.similar import Similar
from tracker.services.lookup import problem_row
from tracker.workflow import CLOSED

from ..session import Session
from ..widgets import close_row

HEADINGS = ["相似度", "问题编号", "状态", "整改批次", "问题描述", "相同的词"]


def similar_to(session: Session, problem_id: int) -> list[Similar]:
    row = problem_row(session.ledger, problem_id)
    return similar.similar_problems(
        session.ledger,
        row["description"],
        batch=row["batch"],
        found_on=row["found_on"],
        exclude=[problem_id],
    )


class SimilarDialog(QDialog):
    """The similar earlier problems, best first; 记为复发 links the chosen (crossed-off) one."""

    def __init__(
        self,
        session: Session,
        problem_id: int,
        found: list[Similar] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.problem_id = problem_id
        self.problem = problem_row(session.ledger, problem_id)
        self.found = similar_to(session, problem_id) if found is None else found
        self.setWindowTitle(f"相似的早先问题 — 问题 {self.problem['code']}")
        self.setMinimumSize(820, 380)
        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(HEADINGS)
        self.tree.setRootIsDecorated(False)
        for column, width in enumerate((60, 80, 70, 160, 300)):
            self.tree.setColumnWidth(column, width)
        for s in self.found:
            item = QTreeWidgetItem(
                [
                    s.percent,
                    s.code,
                    s.status_label,
                    s.batch or "（未分批次）",
                    s.description,
                    s.words_text,
                ]
            )
            item.setToolTip(4, s.description)
            item.setToolTip(5, s.words_text)
            self.tree.addTopLevelItem(item)
        self.tree.currentItemChanged.connect(lambda *_: self._update())
        layout.addWidget(self.tree, 1)
        self.link_button = QPushButton("记为所选问题的复发")
        self.link_button.setToolTip("本问题是所选已销号问题的再次出现：记入历史，计入月报和统计")
        self.link_button.clicked.connect(self.link)
        self.clear_button = QPushButton("取消复发关联")
        self.clear_button.clicked.connect(self.clear)
        layout.addLayout(close_row(self.reject, self.link_button, self.clear_button))
        if self.found:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        self._update()

    def chosen(self) -> Similar | None:
        index = self.tree.indexOfTopLevelItem(self.tree.currentItem())
        return self.found[index] if 0 <= index < len(self.found) else None

    def _update(self) -> None:
        linked = self.problem["recurrence_of"]
        if linked is not None:
            code = problem_row(self.session.ledger, linked)["code"]
            text = f"本问题已记为问题 {code} 的复发。"
        elif self.found:
            text = (
                f"其他批次中有 {len(self.found)} 个早先问题的描述与本问题相似（相似度从高到低）。"
                "如果本问题就是其中一个已销号问题的再次出现，选中它并点“记为所选问题的复发”。"
            )
        else:
            text = "其他批次中没有描述相似的早先问题。"
        self.intro.setText(text)
        chosen = self.chosen()
        can_link = chosen is not None and chosen.status == CLOSED and chosen.id != linked
        self.link_button.setEnabled(can_link and not self.session.read_only)
        if chosen is not None and chosen.status != CLOSED:
            self.link_button.setToolTip("只能关联已销号的问题：还在整改中的是同一个问题，不算复发")
        self.clear_button.setVisible(linked is not None)

    def link(self) -> None:
        chosen = self.chosen()
        if chosen is None:
            return
        if self.session.perform(self, repeats.mark_repeat, self.problem_id, chosen.id):
            self.accept()

    def clear(self) -> None:
        if self.session.perform(self, repeats.clear_repeat, self.problem_id):
            self.problem = problem_row(self.session.ledger, self.problem_id)
            self._update()


def offer_after_entry(
    session: Session, problem_id: int, parent: QWidget | None, run=None
) -> SimilarDialog | None:
    """After 新建问题: show the similar earlier problems, if there are any (else nothing)."""
    found = similar_to(session, problem_id)
    if not found:
        return None
    dialog = SimilarDialog(session, problem_id, found, parent)
    (run or QDialog.exec)(dialog)
    return dialog
