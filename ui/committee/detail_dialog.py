"""Double-click a branch in 汇总: its 明细 exactly as the committee received it, read-only.

The rows come from the kept file (`branch_detail`), not from anything recomputed, so what the
committee looks at is what the branch sent. Read in the background: a large branch's file takes
a moment to open.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tracker.dates import format_month, format_stamp
from tracker.exchange.rollup import BranchLine, branch_detail
from tracker.ledger import Ledger

from ..operations import run_in_background

WIDE = 320  # px: the most a text column takes before it wraps into its tooltip


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _filled(row: list) -> int:
    return sum(1 for v in row if v not in (None, ""))


def column_widths(view: QTableView, headings: list[str], rows: list[list]) -> list[int]:
    """Each column as wide as its heading and the table's own rows (the first 200), at most
    WIDE: a note or signature line under the table, filled in one cell, does not widen it."""
    metrics = view.fontMetrics()
    table = [r for r in rows[:200] if _filled(r) >= 3]
    out = []
    for column, heading in enumerate(headings):
        texts = [_text(r[column]) for r in table if column < len(r)]
        widest = max((metrics.horizontalAdvance(t) for t in texts), default=0)
        out.append(min(max(widest, metrics.horizontalAdvance(heading) + 12) + 16, WIDE))
    return out


def heading_row(rows: list[list]) -> int:
    """Where the table's heading is: the first row of a sealed 明细; a hand-kept workbook may
    open with title and 填报单位 lines, so take the first row about as full as the widest."""
    widest = max((_filled(r) for r in rows[:12]), default=0)
    for index, row in enumerate(rows[:12]):
        if _filled(row) * 2 >= widest:
            return index
    return 0


class RowsModel(QAbstractTableModel):
    """A list of rows as received: every cell shown as text, nothing editable."""

    def __init__(self, headings: list[str], rows: list[list], parent=None) -> None:
        super().__init__(parent)
        self.headings = headings
        self.rows = rows

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headings)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            row = self.rows[index.row()]
            return _text(row[index.column()]) if index.column() < len(row) else ""
        return None

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return self.headings[section]
            return str(section + 1)
        return None


def received_note(line: BranchLine) -> str:
    check = "已校验" if line.verified else "未校验（手工台账，无校验数据）"
    code = f"　校验码：{line.code}" if line.code else ""
    return f"收取时间：{format_stamp(line.received_at)}　报表生成：{format_stamp(line.made_at)}{code}　{check}"


class DetailDialog(QDialog):
    """The received 明细 of one branch for one month."""

    def __init__(
        self, line: BranchLine, year: int, month: int, rows: list[list], parent=None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{line.branch.name} {format_month(year, month)} 明细（收到的原表）")
        self.resize(1240, 680)
        layout = QVBoxLayout(self)
        self.header = QLabel(received_note(line))
        self.header.setWordWrap(True)
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.header)
        start = heading_row(rows) if rows else 0
        width = max((len(r) for r in rows), default=0)
        headings = [_text(v) for v in (rows[start] if rows else [])] + [""] * width
        body = [list(r) for r in rows[start + 1 :]]
        self.model = RowsModel(headings[:width], body, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setVisible(False)  # the sheet has its own 序号
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, size in enumerate(column_widths(self.view, self.model.headings, body)):
            self.view.setColumnWidth(column, size)
        layout.addWidget(self.view, 1)
        if not body:
            layout.addWidget(QLabel("这份报表没有明细行。"))
        QShortcut(QKeySequence.StandardKey.Copy, self.view, self.copy_selection)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def copy_selection(self) -> None:
        """Ctrl+C: the selected cells as tab-separated lines (pastes into WPS or Excel)."""
        cells = sorted(
            self.view.selectionModel().selectedIndexes(), key=lambda i: (i.row(), i.column())
        )
        lines: dict[int, list[str]] = {}
        for index in cells:
            lines.setdefault(index.row(), []).append(self.model.data(index) or "")
        QGuiApplication.clipboard().setText("\n".join("\t".join(v) for v in lines.values()))


def show_detail(parent: QWidget, ledger: Ledger, line: BranchLine, year: int, month: int) -> None:
    """Read the kept file in the background, then show its 明细."""
    report_id = line.report_id
    run_in_background(
        parent,
        f"正在打开“{line.branch.name}”的明细…",
        lambda progress: branch_detail(ledger, report_id),
        lambda rows: DetailDialog(line, year, month, rows, parent).exec(),
        cancellable=False,
    )
