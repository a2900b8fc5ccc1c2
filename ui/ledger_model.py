"""The ledger table's model: SQL gives the ordered ids, rows are fetched in pages as the view needs them.

The model reports every row the id list holds, so the scroll bar covers the whole list from the
start and Ctrl+End or dragging to the bottom reaches the last problem; what a row shows is read
when the view first asks for it, a page of `PAGE` rows at a time (one query for the page), and
only the most recent pages are kept. A 100000-problem ledger paints its first screen after one id
query of the first page and one page of rows; the rest of the ids follow from a pool thread and
are appended as rows in one step.
"""

from __future__ import annotations

import logging
from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from tracker import workflow
from tracker.changes import Changes
from tracker.dates import format_date
from tracker.ledger import Ledger
from tracker.overdue import BLUE, RED, YELLOW
from tracker.queries import Filter, ProblemRow, problem_ids, problem_rows

from .background import BackgroundReads

log = logging.getLogger(__name__)
PAGE = 200
KEPT_PAGES = 50  # pages of rows kept in memory (10000 rows); older ones are read again if needed
ROOT = QModelIndex()  # the table's invisible root (a shared default argument)
COLUMNS = [
    # (header, sort key, width): what matters most first, so it stays visible beside the detail panel
    ("编号", "code", 82),
    ("问题描述", "description", 280),
    # where a search or a department/person filter matched, when no visible column shows it;
    # shown only while such a filter is on (sorting by it keeps the numbering order)
    ("匹配之处", "matched", 220),
    ("状态", "status", 88),
    ("最近时限", "deadline", 175),
    ("整改进展", "progress", 100),
    ("责任部门", "department", 96),
    ("责任领导", "leader", 70),
    ("问题类别", "category", 76),
    ("整改批次", "batch", 170),
]
BAND_COLOURS = {RED: QColor("#fde2e1"), YELLOW: QColor("#fff4cc"), BLUE: QColor("#e3f0ff")}
MUTED = QColor("#8a9099")
ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
MATCH_COLUMN = next(i for i, column in enumerate(COLUMNS) if column[1] == "matched")


class LedgerModel(QAbstractTableModel):
    """Problems matching the current filter, in the current order; holds ids and a page cache."""

    query_finished = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._reads = BackgroundReads(self)
        self.ledger: Ledger | None = None
        self.filter = Filter()
        self.sort_key = "code"
        self.descending = False
        self._ids: list[int] = []
        self._complete = True  # False while the ids after the first page are being read
        self._seen = 0  # rows the view has asked about since the last reset (kept on refresh)
        self._cache: dict[int, ProblemRow] = {}
        self._pages: OrderedDict[int, list[int]] = OrderedDict()  # page start -> ids, oldest first
        self._notes: dict[int, str] = {}  # problem id -> where the filter matched it

    # -- what to show ----------------------------------------------------------------------------
    def set_ledger(self, ledger: Ledger | None) -> None:
        self.ledger = ledger
        self.requery()

    def set_filter(self, flt: Filter, *, background: bool = False) -> None:
        self.filter = flt
        self.requery_async() if background else self.requery()

    def requery(self, keep: int = 0) -> None:
        """Ask SQL for the ids again (filter, order); rows are re-read lazily.

        The ids of the rows to show (a page, or the `keep` rows already loaded) are read at once;
        on a large ledger the rest (100000 ids take longer to list than a page takes to paint)
        follow from a pool thread.
        """
        self._reads.cancel("ids")
        if self.ledger is None:
            self._reset([])
            return
        ledger, flt, key, desc = self.ledger, self.filter, self.sort_key, self.descending
        shown = max(keep, PAGE)
        first = problem_ids(ledger, flt, key, desc, limit=shown + 1)
        if len(first) <= shown:
            self._reset(first)
            return
        self._reset(first[:shown], complete=False)
        self._reads.read(
            "ids", ledger, lambda: problem_ids(ledger, flt, key, desc), self._complete_ids
        )

    def _complete_ids(self, ids: list[int]) -> None:
        if self.ledger is None:
            return
        known = len(self._ids)
        if ids[:known] != self._ids:  # changed meanwhile: start again from the top
            self._reset(ids)
            return
        if len(ids) > known:  # the rows shown stay; the rest are appended in one step
            self.beginInsertRows(ROOT, known, len(ids) - 1)
            self._ids, self._complete = ids, True
            self.endInsertRows()
        else:
            self._complete = True
        self.query_finished.emit()

    def _finish_ids(self) -> None:
        """Someone needs the whole list now (a row far down, the count for an export)."""
        if not self._complete and self.ledger is not None:
            self._reads.cancel("ids")
            self._complete_ids(
                problem_ids(self.ledger, self.filter, self.sort_key, self.descending)
            )

    def requery_async(self) -> None:
        """The same query on a worker thread (search as you type): the window never waits for it.

        Only the newest request's answer is applied; answers to older keystrokes are dropped.
        """
        if self.ledger is None:
            self.requery()
            return
        ledger, flt, key, desc = self.ledger, self.filter, self.sort_key, self.descending
        self._reads.read(
            "ids", ledger, lambda: problem_ids(ledger, flt, key, desc), self._apply_ids
        )

    def _apply_ids(self, ids: list[int]) -> None:
        if self.ledger is not None:
            self._reset(ids)

    def _reset(self, ids: list[int], *, complete: bool = True) -> None:
        self.beginResetModel()
        self._ids, self._complete = ids, complete
        self._seen = 0
        self._cache.clear()
        self._pages.clear()
        self._notes.clear()
        self.endResetModel()
        self.query_finished.emit()

    def refresh(self, changes: Changes) -> None:
        """After an action: statuses and fields may move problems in or out of the filter, so re-query,
        reading at once the ids of the rows the view has shown, so it does not jump to the top."""
        if self.ledger is not None:
            self.requery(keep=self._seen)

    @property
    def complete(self) -> bool:
        """True once the whole id list is known (False while the rest is read on a pool thread)."""
        return self._complete

    @property
    def total(self) -> int:
        """How many problems the filter selects (reads the rest of the ids if still pending)."""
        self._finish_ids()
        return len(self._ids)

    @property
    def known_total(self) -> int | None:
        """The same, or None while the rest of the ids are still being read."""
        return len(self._ids) if self._complete else None

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, problem_id: int) -> int | None:
        """The row showing `problem_id`, reading the rest of the ids at once if it may be there."""
        position = self.position(problem_id)
        if position is None and not self._complete:  # perhaps among the ids still being read
            self._finish_ids()
            position = self.position(problem_id)
        return position

    def position(self, problem_id: int) -> int | None:
        """The row of `problem_id` among the ids known so far (nothing is read)."""
        try:
            return self._ids.index(problem_id)
        except ValueError:
            return None

    def problem(self, row: int) -> ProblemRow | None:
        pid = self.id_at(row)
        if pid is None:
            return None
        self._seen = max(self._seen, row + 1)
        if pid not in self._cache:
            self._read_page((row // PAGE) * PAGE)
        return self._cache.get(pid)

    def note(self, row: int) -> str:
        """Where the filter matched the problem in `row`, when no visible column shows it."""
        pid = self.id_at(row)
        if pid is None:
            return ""
        if pid not in self._cache:
            self.problem(row)
        return self._notes.get(pid, "")

    def _read_page(self, start: int) -> None:
        """One page of rows (and where the filter matched them); the oldest page makes room."""
        page = self._ids[start : start + PAGE]
        self._cache.update(problem_rows(self.ledger, page))
        if explains(self.filter):
            from tracker.matches import where_matched

            self._notes.update(where_matched(self.ledger, self.filter, page))
        self._pages[start] = page
        self._pages.move_to_end(start)
        while len(self._pages) > KEPT_PAGES:
            _, old = self._pages.popitem(last=False)
            for pid in old:
                self._cache.pop(pid, None)
                self._notes.pop(pid, None)

    # -- Qt model contract -----------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Header click: the database sorts, the model shows the first page of the new order."""
        key = COLUMNS[column][1]
        self.sort_key = "code" if key == "matched" else key
        self.descending = order == Qt.SortOrder.DescendingOrder
        self.requery()

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ):
        if not index.isValid():
            return None
        row = self.problem(index.row())
        if row is None:
            return None
        column = COLUMNS[index.column()][1]
        if column == "matched" and role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return self._notes.get(row.id, "")
        if role == Qt.ItemDataRole.DisplayRole:
            return display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return tooltip(row, column)
        if role == Qt.ItemDataRole.BackgroundRole and row.band in BAND_COLOURS:
            return QBrush(BAND_COLOURS[row.band])
        if role == Qt.ItemDataRole.ForegroundRole and row.status in (
            workflow.CLOSED,
            workflow.VOID,
        ):
            return QBrush(MUTED)
        if role == Qt.ItemDataRole.FontRole and row.status == workflow.VOID:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == ID_ROLE:
            return row.id
        if role == ROW_ROLE:
            return row
        return None


def explains(flt: Filter) -> bool:
    """Whether rows under this filter can match somewhere the list does not show (匹配之处)."""
    return bool(flt.search.strip()) or flt.department is not None or flt.person is not None


def display(row: ProblemRow, column: str) -> str:
    if column == "code":
        return row.code
    if column == "batch":
        return row.batch
    if column == "category":
        return row.category
    if column == "description":
        return row.description.replace("\n", " ")
    if column == "department":
        return row.department
    if column == "leader":
        return row.leader
    if column == "deadline":
        return deadline_text(row)
    if column == "status":
        return row.status_label + ("·逾期" if row.overdue else "")
    if column == "progress":
        return row.progress_text
    return ""


def deadline_text(row: ProblemRow) -> str:
    if row.status == workflow.CLOSED:
        return f"{format_date(row.closed_on)}销号" if row.closed_on else "已销号"
    if row.nearest_due is None:
        return "长期坚持" if row.measures_long_term else "—"
    if row.days_left is not None and row.days_left < 0:
        return f"{row.nearest_text}（逾期{-row.days_left}天）"
    if row.days_left == 0:
        return f"{row.nearest_text}（今天到期）"
    if row.days_left is not None and row.days_left <= 30:
        return f"{row.nearest_text}（剩{row.days_left}天）"
    return row.nearest_text


def tooltip(row: ProblemRow, column: str) -> str:
    if column == "description":
        return row.description
    if column == "deadline" and row.nearest_due:
        return f"最近一项未完成措施的期限：{row.nearest_text}（{format_date(row.nearest_due)}）"
    if column == "progress" and row.owners:
        return "责任人：" + "、".join(row.owners)
    return display(row, column)
