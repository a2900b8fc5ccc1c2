"""The three parts of the 汇总 page: one line per branch with the 合计, who has not reported,
and every overdue measure across the branches (a small list, sorted in memory)."""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.dates import format_stamp
from tracker.exchange.branches import BranchRow
from tracker.exchange.rollup import BranchLine, Rollup
from tracker.overdue import format_rate

from ..widgets import read_only_rows

RED, AMBER, AMBER_BACK, TOTAL_BACK = "#b00020", "#a15c00", "#fff3df", "#eef1f5"
CENTER = Qt.AlignmentFlag.AlignCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
LINE_ROLE = Qt.ItemDataRole.UserRole  # the BranchLine a row shows
SORT_ROLE = Qt.ItemDataRole.UserRole + 1

# (heading, key in a line, header tooltip)
FIGURES = (
    ("问题总数", "problems", "挂账的问题总数（不含已作废）"),
    ("本月新增", "new", "本月新挂账的问题"),
    ("已销号", "closed", "累计已销号的问题"),
    ("本月销号", "closed_in_month", "本月销号的问题"),
    ("长期坚持", "long_term", "转为长期坚持的问题，单独统计"),
    ("正在整改", "open", "尚未销号的问题（不含长期坚持）"),
    ("逾期", "overdue", "有措施超过整改时限、尚未销号的问题"),
    ("销号率", "rate", "已销号 ÷ 问题总数"),
    ("措施完成率", "measures_rate", "已完成的整改措施 ÷ 措施总数"),
)
BRANCH_COLUMNS = ["支部", *(f[0] for f in FIGURES), "较上月", "报送日期", "校验"]
CHANGE_COL, DATE_COL, CHECK_COL = 10, 11, 12
OVERDUE_COLUMNS = (
    ("支部", "branch"),
    ("问题编号", "code"),
    ("问题描述", "description"),
    ("整改措施", "measure"),
    ("责任人", "owner"),
    ("责任部门", "department"),
    ("整改时限", "deadline"),
    ("逾期天数", "days"),
)
DAYS_COL = 7
OVERDUE_LIMIT = 2000  # rows; the exported 汇总表 lists them all


def figure(line: dict, key: str) -> str:
    return format_rate(line[key]) if key.endswith("rate") else str(line[key])


def signed(n: int) -> str:
    """+3, −2 (a real minus sign), 0."""
    return f"+{n}" if n > 0 else (f"−{-n}" if n < 0 else "0")


def change_text(change: dict | None) -> str:
    if change is None:
        return "上月未报送"
    return f"已销号 {signed(int(change['closed']))}，逾期 {signed(int(change['overdue']))}"


def change_tip(now: dict, before: dict | None) -> str:
    if before is None:
        return "上月没有收到报表，无法比较"
    return (
        f"与上月相比：已销号 {before['closed']} → {now['closed']}，"
        f"逾期 {before['overdue']} → {now['overdue']}，"
        f"问题总数 {before['problems']} → {now['problems']}，"
        f"销号率 {format_rate(before['rate'])} → {format_rate(now['rate'])}"
    )


def received_day(stamp: str) -> str:
    """'2026-11-20 10:00:00' → '2026年11月20日' (the year matters when a report comes in January)."""
    return format_stamp(stamp[:10])


def _item(text: str, align=CENTER, tip: str | None = None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(align)
    item.setToolTip(tip if tip is not None else text)
    return item


class BranchTable(QTableWidget):
    """One row per branch that reported, then the 合计 (bold; rates from the sums)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(BRANCH_COLUMNS), parent)
        self.setHorizontalHeaderLabels(BRANCH_COLUMNS)
        for column, (_, _, tip) in enumerate(FIGURES, start=1):
            self.horizontalHeaderItem(column).setToolTip(tip)
        self.horizontalHeaderItem(CHANGE_COL).setToolTip("已销号、逾期问题数与上月报表相比的增减")
        self.horizontalHeaderItem(CHECK_COL).setToolTip(
            "已校验：本程序生成、签名和内容核对无误的月报；未校验：手工填写的台账，无法证明未被改动"
        )
        read_only_rows(self, stretch=0)  # the branch's name gets the spare width
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.horizontalHeader().setHighlightSections(False)

    def fill(self, result: Rollup, uneven: str = "") -> None:
        """`uneven`: why the 合计's 较上月 compares different sets of branches (empty: it does not)."""
        lines = result.lines
        self.setRowCount(len(lines) + (1 if lines else 0))
        for row, line in enumerate(lines):
            self._fill_line(row, line)
        if lines:
            self._fill_total(len(lines), result, uneven)
        self.fit_height()

    def _fill_line(self, row: int, line: BranchLine) -> None:
        tip = "双击查看该支部报送的明细"
        name = _item(line.branch.name, LEFT, f"{line.branch.name}：{tip}")
        name.setData(LINE_ROLE, line)
        self.setItem(row, 0, name)
        for column, (_, key, _) in enumerate(FIGURES, start=1):
            self.setItem(row, column, _item(figure(line.line, key), tip=tip))
        change = _item(change_text(line.change), tip=change_tip(line.line, line.previous))
        if line.change is not None and line.change["overdue"] > 0:
            change.setForeground(QColor(RED))
        self.setItem(row, CHANGE_COL, change)
        made = f"报表生成于 {format_stamp(line.made_at)}，收取于 {format_stamp(line.received_at)}"
        self.setItem(row, DATE_COL, _item(received_day(line.received_at), tip=made))
        if line.verified:
            check = _item("已校验", tip=f"已校验　校验码：{line.code}" if line.code else "已校验")
        else:
            check = _item(
                "未校验（手工台账）", tip="手工填写的台账：数字由本程序按表中内容统计，没有校验数据"
            )
            check.setForeground(QColor(AMBER))
            check.setBackground(QColor(AMBER_BACK))
        self.setItem(row, CHECK_COL, check)

    def _fill_total(self, row: int, result: Rollup, uneven: str) -> None:
        bold = QFont(self.font())
        bold.setBold(True)
        unverified = sum(1 for line in result.lines if not line.verified)
        cells = [
            f"合计（{len(result.lines)}个支部）",
            *(figure(result.total, key) for _, key, _ in FIGURES),
            change_text(result.change) + ("※" if uneven and result.change else ""),
            "",
            f"含未校验 {unverified} 份" if unverified else "",
        ]
        for column, text in enumerate(cells):
            tip = "比率由合计数计算（不是各支部比率的平均）" if column in (8, 9) else text
            if column == CHANGE_COL:
                tip = change_tip(result.total, result.previous_total)
                tip += f"\n※ {uneven}" if uneven and result.change else ""
            item = _item(text, LEFT if column == 0 else CENTER, tip)
            item.setFont(bold)
            item.setBackground(QColor(TOTAL_BACK))
            if column == CHECK_COL and unverified:
                item.setForeground(QColor(AMBER))
            self.setItem(row, column, item)

    def line_at(self, row: int) -> BranchLine | None:
        item = self.item(row, 0)
        return item.data(LINE_ROLE) if item is not None else None

    def fit_height(self, most: int = 14) -> None:
        """Tall enough for every row up to `most` (then it scrolls): no empty band below a few."""
        rows = min(self.rowCount(), most)
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(r) for r in range(rows))
        if self.horizontalScrollBar().isVisible():
            height += self.horizontalScrollBar().sizeHint().height()
        self.setFixedHeight(max(height, 80))


class MissingBox(QFrame):
    """The branches that have not reported, in red, with whom to call: two to a line, each as
    name | 联系人 | 电话 in aligned columns (easy to read down, and to copy a number from)."""

    PER_LINE = 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("missingBox")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(4)
        self.title = QLabel()
        self.title.setObjectName("missingTitle")
        layout.addWidget(self.title)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(4)
        layout.addLayout(self.grid)
        self.entries: list[str] = []

    def fill(self, missing: list[BranchRow], reported: int) -> None:
        while self.grid.count():
            widget = self.grid.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        self.entries = []
        if not missing:
            self.title.setText(f"各支部均已报送（{reported}个）。" if reported else "")
        else:
            self.title.setText(f"未报送（{len(missing)}个支部），请催报：")
        self.setProperty("complete", not missing)
        for widget in (self, self.title):  # the [complete] style rules follow the property
            widget.style().unpolish(widget)
            widget.style().polish(widget)
        for index, branch in enumerate(missing):
            parts = (
                branch.name,
                f"联系人：{branch.contact or '未登记'}",
                f"电话：{branch.phone or '未登记'}",
            )
            row, first = index // self.PER_LINE, (index % self.PER_LINE) * 4
            for offset, text in enumerate(parts):
                label = QLabel(text)
                label.setObjectName("missingName" if offset == 0 else "missingEntry")
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                self.grid.addWidget(label, row, first + offset)
            self.entries.append("　".join(parts))
        for column in range(self.PER_LINE * 4):
            self.grid.setColumnStretch(column, 1 if column % 4 == 3 else 0)
        self.grid.setColumnMinimumWidth(3, 40)  # a gap between the two entries of a line

    def texts(self) -> list[str]:
        return list(self.entries)


class OverdueTable(QTableView):
    """Every overdue measure of the month across branches; sortable by 支部 and by 逾期天数."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = QStandardItemModel(0, len(OVERDUE_COLUMNS), self)
        self.source.setHorizontalHeaderLabels([c[0] for c in OVERDUE_COLUMNS])
        self.proxy = QSortFilterProxyModel(self)  # sorts by each cell's key, never by its text:
        self.proxy.setSortRole(SORT_ROLE)  # branches in list order, days as numbers
        self.proxy.setSourceModel(self.source)
        self.setModel(self.proxy)
        read_only_rows(self)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for column in (2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        header.setToolTip("点击“支部”或“逾期天数”表头排序")
        self.setSortingEnabled(True)
        self.shown = 0

    def fill(self, items: list[dict], branch_order: dict[str, int]) -> None:
        """`items` as `rollup` gives them (most days first); `branch_order` sorts the 支部 column."""
        self.setSortingEnabled(False)
        self.source.removeRows(0, self.source.rowCount())
        red = QColor(RED)
        for item in items[:OVERDUE_LIMIT]:
            cells = []
            for column, (_, key) in enumerate(OVERDUE_COLUMNS):
                value = item.get(key)
                if column == DAYS_COL:
                    text = f"{value}天" if value is not None else "—"
                    cell = QStandardItem(text)
                    cell.setData(value if value is not None else -1, SORT_ROLE)
                    cell.setForeground(red)
                    cell.setTextAlignment(CENTER)
                else:
                    text = "" if value is None else str(value)
                    cell = QStandardItem(text)
                    sort = branch_order.get(text, len(branch_order)) if column == 0 else text
                    cell.setData(sort, SORT_ROLE)
                    if column in (1, 4, 6):
                        cell.setTextAlignment(CENTER)
                cell.setToolTip(text)
                cells.append(cell)
            self.source.appendRow(cells)
        self.shown = min(len(items), OVERDUE_LIMIT)
        self.setSortingEnabled(True)
        self.sortByColumn(DAYS_COL, Qt.SortOrder.DescendingOrder)

    def column_texts(self, column: int) -> list[str]:
        return [self.proxy.index(row, column).data() or "" for row in range(self.proxy.rowCount())]
