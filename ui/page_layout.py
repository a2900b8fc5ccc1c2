"""How the ledger page fits a screen: where the detail panel goes and how wide the columns are.

- The detail panel sits right of the list, under it, or is hidden (查看 → 详情面板); 自动, the
  default, puts it right of the list when the list still shows 编号 to 整改进展 beside it (from
  about 1366 px), and under the list on a narrower window (1280×720, or a larger font size).
- Minimum widths are fixed numbers, not the contents' wishes: opening the filter row or the first
  problem's detail never makes the side list narrower, and the window can be narrow.
- Columns: 最近时限 and 整改进展 are wide enough for their text (the overdue days at its end are
  what supervisors look at first) and are never dragged narrower; 问题描述 takes the width left
  over; the rest keep their widths and scroll sideways on a narrow window.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtWidgets import (
    QHeaderView,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

PLACES = {"auto": "自动（按窗口宽度）", "right": "右侧", "below": "下方", "hidden": "隐藏"}
PLACE_KEY = "layout/detail"
SIDE_KEY = "layout/side-list"
BODY_KEY = "layout/body-"  # + right / below: the list/detail split for each placement
SIDE_MIN, SIDE_WIDTH = 150, 180
CENTRE_MIN, CENTRE_MIN_HEIGHT = 440, 220
DETAIL_MIN_WIDTH, DETAIL_WIDTH = 430, 440  # the tabs need about 428 px
DETAIL_MIN_HEIGHT = 200
DETAIL_HEIGHT = 340  # under the list: about the tabs' own minimum height

# The longest texts the two guarded columns show in practice (ui/ledger_model.display)
GUARDED = {
    "deadline": "2026年12月31日（逾期999天）",
    "progress": "完成 10/12，长期 2",
}
DESCRIPTION_MIN = 180
DESCRIPTION_WISH = 340  # 问题描述 gets this much before the columns after 整改进展 are in view
LIST_MARGINS = 40  # the table's frame and scrollbar, the list column's margins, the handle


class DetailPlacement:
    """Moves the detail panel between right, below and hidden inside `body`, a QSplitter holding
    the list column and the detail; remembers the choice and each placement's split.
    `list_needs()` is the width the list needs to show its columns up to 整改进展."""

    def __init__(
        self,
        body: QSplitter,
        detail: QWidget,
        settings: QSettings,
        list_needs: Callable[[], int],
    ) -> None:
        self.body, self.detail, self.settings = body, detail, settings
        self.list_needs = list_needs
        self.choice = settings.value(PLACE_KEY, "auto")
        if self.choice not in PLACES:
            self.choice = "auto"
        self.current: str | None = None
        self.pending = False  # the first split waits for the page's real size
        body.splitterMoved.connect(self._moved)

    def _moved(self, *_) -> None:
        self.pending = False

    def choose(self, place: str) -> None:
        self.choice = place
        self.settings.setValue(PLACE_KEY, place)
        self.apply()

    def effective(self) -> str:
        if self.choice != "auto":
            return self.choice
        fits = self.body.width() >= self.list_needs() + DETAIL_MIN_WIDTH
        return "right" if fits else "below"

    def apply(self) -> None:
        place = self.effective()
        if place == self.current:
            if self.pending:
                self._split(place)
            return
        self.save()
        self.current = place
        self.detail.setVisible(place != "hidden")
        if place == "hidden":
            return
        vertical = place == "below"
        self.body.setOrientation(Qt.Orientation.Vertical if vertical else Qt.Orientation.Horizontal)
        self.body.setStretchFactor(1, 1 if vertical else 0)  # under the list both grow
        saved = self.settings.value(BODY_KEY + place)
        self.pending = saved is None or not self.body.restoreState(saved)
        if self.pending:
            self._split(place)

    def _split(self, place: str) -> None:
        """The first split of a placement, once the page has its real size (the window is
        laid out in steps while it opens); a split the user drags is kept."""
        if place == "below":
            height = self.body.height()
            if height < 2 * DETAIL_MIN_HEIGHT:
                return
            # two fifths of a small screen, the list the rest (the list comes first)
            detail = max(DETAIL_MIN_HEIGHT, min(DETAIL_HEIGHT, height * 2 // 5))
            self.body.setSizes([height - detail, detail])
        else:
            width = self.body.width()
            if width < CENTRE_MIN + DETAIL_MIN_WIDTH:
                return
            wish = max(DETAIL_WIDTH, width * 3 // 10)  # about a third of a wide window
            detail = max(DETAIL_MIN_WIDTH, min(wish, width - self.list_needs()))
            self.body.setSizes([width - detail, detail])
        self.pending = False

    def save(self) -> None:
        if self.current in ("right", "below"):
            self.settings.setValue(BODY_KEY + self.current, self.body.saveState())


class KeepEndDelegate(QStyledItemDelegate):
    """Elides a cell's text in the middle, so that what it ends with — （逾期90天）— stays."""

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class ColumnFitter(QObject):
    """Keeps 最近时限 and 整改进展 readable and gives 问题描述 the spare width of the table."""

    def __init__(self, table: QTableView, keys: list[str]) -> None:
        super().__init__(table)
        self.table, self.keys = table, keys
        self.header = table.horizontalHeader()
        self.header.setStretchLastSection(False)
        self.header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.delegate = KeepEndDelegate(table)
        for key in GUARDED:
            table.setItemDelegateForColumn(keys.index(key), self.delegate)
        self._busy = False
        self.header.sectionResized.connect(self._resized)
        table.viewport().installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def needed(self, key: str) -> int:
        """Text width plus the cell's margins, in this font (it follows the font size setting)."""
        metrics = self.table.fontMetrics()
        return metrics.horizontalAdvance(GUARDED[key]) + 2 * metrics.averageCharWidth() + 10

    def list_needs(self) -> int:
        """Width for every column up to 整改进展 with 问题描述 at its minimum, plus margins."""
        last = max(self.header.visualIndex(self.keys.index(key)) for key in GUARDED)
        width = 0
        for visual in range(last + 1):
            column = self.header.logicalIndex(visual)
            if self.header.isSectionHidden(column):
                continue
            key = self.keys[column]
            if key == "description":
                width += DESCRIPTION_MIN
            elif key in GUARDED:
                width += max(self.needed(key), self.header.sectionSize(column))
            else:
                width += self.header.sectionSize(column)
        return width + LIST_MARGINS

    def fit(self) -> None:
        """Guarded columns at least as wide as their text; 问题描述 fills what the viewport has
        left (never below DESCRIPTION_MIN: then the table scrolls sideways)."""
        self._busy = True
        try:
            for key in GUARDED:
                column = self.keys.index(key)
                if self.table.columnWidth(column) < self.needed(key):
                    self.table.setColumnWidth(column, self.needed(key))
            column = self.keys.index("description")
            others = sum(
                self.header.sectionSize(i)
                for i in range(self.header.count())
                if i != column and not self.header.isSectionHidden(i)
            )
            viewport = self.table.viewport().width()
            width = viewport - others  # every column in view: 问题描述 fills the rest
            if width < DESCRIPTION_WISH:  # else the columns after 整改进展 scroll first
                before = self.list_needs() - LIST_MARGINS - DESCRIPTION_MIN
                width = min(DESCRIPTION_WISH, viewport - before)
            self.table.setColumnWidth(column, max(DESCRIPTION_MIN, width))
        finally:
            self._busy = False

    def _resized(self, column: int, _old: int, new: int) -> None:
        if self._busy:
            return
        key = self.keys[column]
        if key in GUARDED and new < self.needed(key):  # dragged too narrow: the days would go
            self._busy = True
            self.table.setColumnWidth(column, self.needed(key))
            self._busy = False
        elif key != "description":
            self.fit()
