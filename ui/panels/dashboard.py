"""The dashboard page: the monthly report's totals, status bars, closures per month, the overdue list.

It only reads (`tracker.stats`, `tracker.dashboard`) and never writes. Its queries count the whole
ledger, so it refreshes only while it is on screen: a change made in the ledger table just marks
it dirty, and the next `showEvent` catches up. Editing stays fast on a large ledger.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tracker import dashboard
from tracker.dates import format_date
from tracker.overdue import format_rate
from tracker.stats import stats

from ..lazy_page import RefreshWhenShown
from ..session import Session
from ..widgets import read_only_rows
from .charts import (
    BLUE,
    GREEN,
    PURPLE,
    RED,
    BreakdownChart,
    Card,
    MonthChart,
    StatCard,
    month_range,
)

SLATE = "#4a5568"
# More rows than this in a widget table would be slow to build and useless to read; the ledger
# page's 逾期 view lists them all.
OVERDUE_ROWS = 500
OVERDUE_COLUMNS = ["问题编号", "问题描述", "整改措施", "责任人", "责任部门", "整改时限", "逾期天数"]

PAGE_STYLE = """
#dashboardPage { background: #f4f6f9; }
QFrame#dashCard, QFrame#statCard { background: white; border: 1px solid #e1e5eb; border-radius: 8px; }
QLabel#dashTitle { font-size: 18pt; font-weight: bold; color: #1f2933; }
QLabel#dashAsOf { color: #6b7685; }
QLabel#cardTitle { font-size: 11pt; font-weight: bold; color: #2d3748; }
QLabel#cardNote { color: #8a94a3; }
QLabel#statTitle { color: #5f6b7a; }
QLabel#statNote { color: #8a94a3; font-size: 9pt; }
QToolButton#dashRefresh { background: white; border: 1px solid #d5dae1; border-radius: 4px;
                          padding: 3px 14px; color: #2d3748; }
QToolButton#dashRefresh:hover { background: #eef2f7; }
QTableWidget { border: none; gridline-color: #eef0f3; alternate-background-color: #fafbfc; }
QHeaderView::section { background: #f1f3f6; border: none; border-bottom: 1px solid #e1e5eb;
                       padding: 4px 6px; color: #4a5361; font-weight: bold; }
"""


def deadline_label(item: dashboard.DueItem) -> str:
    """The 整改时限 as written; a date is added only when the words hold none (“立行立改”)."""
    text = item.deadline_text or ""
    if any(ch.isdigit() for ch in text):
        return text
    return f"{text}（{format_date(item.deadline)}）" if text else format_date(item.deadline)


class DashboardPage(RefreshWhenShown, QWidget):
    """Read-only overview of the open ledger; double-clicking an overdue row asks to open it."""

    open_problem = Signal(int)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.dirty = True
        self.setObjectName("dashboardPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(PAGE_STYLE)
        self._build()
        session.changed.connect(self._stale)
        session.opened.connect(self._stale)
        session.closed.connect(self._stale)

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        content = QWidget()
        content.setObjectName("dashboardPage")
        grid = QVBoxLayout(content)
        grid.setContentsMargins(20, 16, 20, 16)
        grid.setSpacing(14)

        head = QHBoxLayout()
        title = QLabel("整改工作概览")
        title.setObjectName("dashTitle")
        self.as_of = QLabel()
        self.as_of.setObjectName("dashAsOf")
        refresh = QToolButton()
        refresh.setObjectName("dashRefresh")
        refresh.setText("刷新")
        refresh.setToolTip("重新统计当前台账的数据")
        refresh.clicked.connect(self.refresh)
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(self.as_of, 0, Qt.AlignmentFlag.AlignBottom)
        head.addStretch(1)
        head.addWidget(refresh)
        grid.addLayout(head)

        cards = QHBoxLayout()
        cards.setSpacing(12)
        self.cards = {
            "problems": StatCard("问题总数", SLATE),
            "closed": StatCard("已销号", GREEN),
            "open": StatCard("整改中", BLUE),
            "long_term": StatCard("长期坚持", PURPLE),
            "overdue": StatCard("逾期", RED),
            "rate": StatCard("销号率", GREEN),
            "repeats": StatCard("复发问题", RED),  # 年年有: problems that came back (followup)
        }
        for card in self.cards.values():
            cards.addWidget(card, 1)
        grid.addLayout(cards)

        self.department_chart = BreakdownChart()
        self.category_chart = BreakdownChart()
        self.month_chart = MonthChart()
        self.overdue_table = self._overdue_table()
        self.department_card = Card("按责任部门", self.department_chart)
        self.category_card = Card("按问题类别", self.category_chart)
        self.month_card = Card("近12个月销号情况", self.month_chart)
        self.overdue_card = Card("逾期整改措施", self.overdue_table)
        self.overdue_card.note.setText("双击一行打开该问题")
        # The overdue table gets the wider share of its row: its text columns need it more.
        for cards_in_row, stretches in (
            ((self.department_card, self.category_card), (1, 1)),
            ((self.month_card, self.overdue_card), (4, 5)),
        ):
            row = QHBoxLayout()
            row.setSpacing(12)
            for card, stretch in zip(cards_in_row, stretches, strict=True):
                row.addWidget(card, stretch)
            grid.addLayout(row, 1)

        # Scrolls rather than squeezes on a small screen: bars and table rows keep a readable size.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _overdue_table(self) -> QTableWidget:
        table = QTableWidget(0, len(OVERDUE_COLUMNS))
        table.setHorizontalHeaderLabels(OVERDUE_COLUMNS)
        read_only_rows(table)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().setDefaultSectionSize(28)
        header = table.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for column in range(len(OVERDUE_COLUMNS)):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if column in (1, 2)
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(column, mode)
        table.setMinimumHeight(240)
        table.cellDoubleClicked.connect(self._double_clicked)
        return table

    # -- refreshing ------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.dirty = False
        ledger = self.session.ledger
        if ledger is None:
            self._show_nothing()
            return
        numbers = stats(ledger)
        months = dashboard.closures_per_month(ledger)
        self.as_of.setText(f"{ledger.unit_name}　数据截至 {format_date(ledger.today())}".strip())
        self._fill_cards(numbers, months[-1][1] if months else 0)
        self.department_chart.set_rows(dashboard.breakdown(ledger, "department"))
        self.category_chart.set_rows(dashboard.breakdown(ledger, "category"))
        self.month_chart.set_points(months)
        self.month_card.note.setText(month_range(months))
        self._fill_overdue(
            dashboard.overdue_items(ledger, limit=OVERDUE_ROWS), numbers["overdue_measures"]
        )

    def _show_nothing(self) -> None:
        self.as_of.setText("未打开台账")
        for card in self.cards.values():
            card.set("—")
        self.department_chart.set_rows([])
        self.category_chart.set_rows([])
        self.month_chart.set_points([])
        self.month_card.note.setText("")
        self._fill_overdue([], 0)

    def _fill_cards(self, n: dict, closed_this_month: int) -> None:
        # 整改中 as the monthly report counts it: everything listed and not yet crossed off.
        open_count = n["listed"] + n["in_progress"] + n["pending_closure"]
        self.cards["problems"].set(str(n["problems"]), f"整改措施 {n['measures']} 项")
        imported = n.get("closed_on_import", 0)
        note = f"本月销号 {closed_this_month} 个" + (
            f"；导入时已销号 {imported} 个（未经审核）" if imported else ""
        )
        self.cards["closed"].set(str(n["closed"]), note)
        self.cards["open"].set(str(open_count), f"其中待销号 {n['pending_closure']} 个")
        self.cards["long_term"].set(
            str(n["long_term"]), f"长期坚持措施 {n['measures_long_term']} 项"
        )
        self.cards["overdue"].set(
            str(n["overdue_problems"]), f"逾期措施 {n['overdue_measures']} 项"
        )
        self.cards["rate"].set(
            format_rate(n["closure_rate"]), f"已销号 {n['closed']} / 问题总数 {n['problems']}"
        )
        self.cards["repeats"].set(
            str(n["repeats"]),
            f"回头看到期 {n['lookbacks_due']} 个，反弹 {n['lookbacks_slipped']} 个",
        )

    def _fill_overdue(self, items: list[dashboard.DueItem], total: int) -> None:
        table = self.overdue_table
        items = sorted(items, key=lambda item: -item.days)  # stable: ties keep the SQL order
        table.setRowCount(0)
        table.setRowCount(len(items))
        red = QColor(RED)
        bold = QFont()
        bold.setBold(True)
        for row, item in enumerate(items):
            deadline = deadline_label(item)
            values = [
                item.code,
                item.description,
                item.measure,
                item.owner,
                item.department,
                deadline,
                f"{item.days}天",
            ]
            for column, text in enumerate(values):
                cell = QTableWidgetItem(text)
                cell.setToolTip(
                    f"整改时限：{text}，即 {format_date(item.deadline)}" if column == 5 else text
                )
                if column == 6:
                    cell.setForeground(red)
                    cell.setFont(bold)
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                table.setItem(row, column, cell)
            table.item(row, 0).setData(Qt.ItemDataRole.UserRole, item.problem_id)
        if total > len(items):
            self.overdue_card.note.setText(
                f"共 {total} 项，显示逾期最久的 {len(items)} 项；双击打开问题"
            )
        elif items:
            self.overdue_card.note.setText(f"共 {total} 项；双击一行打开该问题")
        else:
            self.overdue_card.note.setText("没有逾期的整改措施")

    def _double_clicked(self, row: int, _column: int) -> None:
        cell = self.overdue_table.item(row, 0)
        if cell is not None:
            self.open_problem.emit(int(cell.data(Qt.ItemDataRole.UserRole)))
