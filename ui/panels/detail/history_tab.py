"""历史记录: this problem's journal, readable — who changed what from what to what, and when.

Read lazily (only when the tab is shown), because a long-lived problem can have a long history and
most selections never look at it. The tree elides long lines to keep one line per change; the box
below it shows the chosen entry whole (a changed 问题描述 can run to paragraphs), wrapped and
selectable for copying.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.history import HistoryItem, problem_history
from tracker.ledger import Ledger


class HistoryTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[HistoryItem] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.summary = QLabel()
        self.summary.setStyleSheet("color:#5f6b7a;")
        self.summary.setToolTip("历史记录来自台账的防篡改日志，只能查看，不能修改")
        layout.addWidget(self.summary)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["时间", "操作人", "操作"])
        self.tree.setToolTip("每次修改一条记录，展开可见具体改了什么（原值 → 新值）")
        self.tree.setTextElideMode(Qt.TextElideMode.ElideRight)  # full line in the tooltip
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.header().setStretchLastSection(True)
        self.tree.currentItemChanged.connect(lambda *_: self._show_whole())
        self.whole = QPlainTextEdit()
        self.whole.setObjectName("historyWhole")
        self.whole.setReadOnly(True)
        self.whole.setPlaceholderText("点选上面的一条记录，这里显示它的全部内容。")
        self.whole.setToolTip("所选记录的完整内容，可选中复制")
        self.whole.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tree)
        split.addWidget(self.whole)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout.addWidget(split, 1)

    def load(self, ledger: Ledger, problem_id: int) -> None:
        """Newest first: the last change is usually the one someone asks about."""
        self.items = list(reversed(problem_history(ledger, problem_id)))
        self.tree.clear()
        for index, entry in enumerate(self.items):
            top = QTreeWidgetItem([entry.when, entry.actor, entry.title])
            top.setData(0, Qt.ItemDataRole.UserRole, index)
            top.setToolTip(0, f"日志序号 {entry.seq}，{entry.at}")
            top.setToolTip(2, entry.title)
            font = top.font(2)
            font.setBold(True)
            top.setFont(2, font)
            for line in entry.lines:
                child = QTreeWidgetItem([line])
                child.setData(0, Qt.ItemDataRole.UserRole, index)
                child.setToolTip(0, _wrapped(line))
                top.addChild(child)
            self.tree.addTopLevelItem(top)
            for i in range(top.childCount()):  # spanning only takes effect once in the tree
                top.child(i).setFirstColumnSpanned(True)
        self.tree.expandAll()
        self._fit_columns()
        self.summary.setText(
            f"共 {len(self.items)} 次修改，最新的在最上面；点选一条，下方显示全部内容。"
            if self.items
            else "还没有历史记录。"
        )
        if self.items:
            self.tree.setCurrentItem(self.tree.topLevelItem(0))
        self._show_whole()

    def _show_whole(self) -> None:
        """The chosen entry in full: when, who, what, and every change unshortened."""
        item = self.tree.currentItem()
        index = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        if index is None or not 0 <= index < len(self.items):
            self.whole.clear()
            return
        entry = self.items[index]
        text = "\n".join([f"{entry.when}  {entry.actor}  {entry.title}", *entry.lines])
        self.whole.setPlainText(text)

    def _fit_columns(self) -> None:
        """Size 时间 and 操作人 to the entries only: the spanned change lines must not widen them."""
        metrics = self.tree.fontMetrics()
        header = self.tree.header()
        for col in (0, 1):
            texts = [self.tree.headerItem().text(col)] + [
                e.when if col == 0 else e.actor for e in self.items
            ]
            width = max(metrics.horizontalAdvance(t) for t in texts) + 24
            header.resizeSection(col, width + (self.tree.indentation() if col == 0 else 0))

    def clear(self) -> None:
        self.items = []
        self.tree.clear()
        self.whole.clear()
        self.summary.setText("")


def _wrapped(line: str, width: int = 40) -> str:
    """A tooltip a long value can be read in: broken into lines of `width` characters."""
    return "\n".join(line[i : i + width] for i in range(0, len(line), width)) or line
