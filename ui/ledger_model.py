"""The ledger table's model: SQL gives the ordered ids, rows are fetched in pages as the view needs them.

Qt's `canFetchMore`/`fetchMore` contract lets the view grow the row count page by page, so a
100000-problem ledger paints its first screen after one id query and one page of rows.
"""

from __future__ import annotations

import logging

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
ROOT = QModelIndex()  # the table's invisible root (a shared default argument)
COLUMNS = [
    # (header, sort key, width): what matters most first, so it stays visible beside the detail panel
    ("编号", "code", 82),
    ("问题描述", "description", 280),
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
        self._loaded = 0
        self._cache: dict[int, ProblemRow] = {}

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
            self._reset(first, loaded=shown)
            return
        self._reset(first[:shown], complete=False, loaded=shown)
        self._reads.read(
            "ids", ledger, lambda: problem_ids(ledger, flt, key, desc), self._complete_ids
        )

    def _complete_ids(self, ids: list[int]) -> None:
        if self.ledger is None:
            return
        if ids[: len(self._ids)] != self._ids:  # changed meanwhile: start again from the top
            self._reset(ids)
            return
        self._ids, self._complete = ids, True  # the rows shown stay; more can now be fetched
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

    def _reset(self, ids: list[int], *, complete: bool = True, loaded: int = 0) -> None:
        self.beginResetModel()
        self._ids, self._complete = ids, complete
        self._loaded = min(max(loaded, PAGE), len(self._ids))
        self._cache.clear()
        self.endResetModel()
        self.query_finished.emit()

    def refresh(self, changes: Changes) -> None:
        """After an action: statuses and fields may move problems in or out of the filter, so re-query,
        keeping the number of loaded rows so the view does not jump back to the top."""
        if self.ledger is not None:
            self.requery(keep=self._loaded)

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
        return self._ids[row] if 0 <= row < self._loaded else None

    def row_of(self, problem_id: int) -> int | None:
        """The row showing `problem_id`, loading pages up to it if needed."""
        position = self._position(problem_id)
        if position is None and not self._complete:  # perhaps among the ids still being read
            self._finish_ids()
            position = self._position(problem_id)
        if position is None:
            return None
        if position >= self._loaded:
            self.beginInsertRows(QModelIndex(), self._loaded, position)
            self._loaded = position + 1
            self.endInsertRows()
        return position

    def _position(self, problem_id: int) -> int | None:
        try:
            return self._ids.index(problem_id)
        except ValueError:
            return None

    def problem(self, row: int) -> ProblemRow | None:
        pid = self.id_at(row)
        if pid is None:
            return None
        if pid not in self._cache:
            start = (row // PAGE) * PAGE
            page = self._ids[start : start + PAGE]
            self._cache.update(problem_rows(self.ledger, page))
        return self._cache.get(pid)

    # -- Qt model contract -----------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._loaded

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        return not parent.isValid() and self._loaded < len(self._ids)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        if parent.isValid():
            return
        n = min(PAGE, len(self._ids) - self._loaded)
        if n <= 0:
            return
        self.beginInsertRows(QModelIndex(), self._loaded, self._loaded + n - 1)
        self._loaded += n
        self.endInsertRows()

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
        self.sort_key = COLUMNS[column][1]
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
