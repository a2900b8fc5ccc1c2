"""The dashboard's building blocks: the framing cards and the QtCharts views inside them.

The charts are rebuilt from plain `tracker.dashboard` values on every refresh: the data is small
(one bar per group, twelve months), so rebuilding is simpler and cheaper than diffing bar sets.
"""

from __future__ import annotations

import math

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalStackedBarSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QRectF, Qt
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetrics, QPainter, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolTip, QVBoxLayout, QWidget

from tracker.dashboard import Breakdown

# The same colours as the ledger table's bands and the status words, so a colour means one thing.
RED = "#d64541"
GREEN = "#3c9d5d"
BLUE = "#3b7dd8"
PURPLE = "#8e6bbf"
GRID = "#e6e9ef"
AXIS_TEXT = "#4a5361"

# (Breakdown field, legend label, colour); stacked in this order they sum to Breakdown.total.
STATUS_SETS = [
    ("closed", "已销号", GREEN),
    ("open", "整改中", BLUE),
    ("long_term", "长期坚持", PURPLE),
]
# More bars than this become unreadable in a card; the rest is folded into one "其他" bar.
MAX_BARS = 10


def integer_axis(maximum: int) -> QValueAxis:
    """A value axis with whole-number ticks: counts of problems are never 2.5."""
    step, factors = 1, (2, 2.5, 2)  # 1, 2, 5, 10, 20, 50, 100 …: at most six steps to the top
    while math.ceil(max(maximum, 1) / step) > 6:
        step = int(step * factors[0])
        factors = (*factors[1:], factors[0])
    top = max(1, math.ceil(max(maximum, 1) / step)) * step
    if top == maximum:  # leave room for the value label at the end of the longest bar
        top += step
    axis = QValueAxis()
    axis.setRange(0, top)
    axis.setTickCount(top // step + 1)
    axis.setLabelFormat("%d")
    return axis


def fold(rows: list[Breakdown], limit: int = MAX_BARS) -> list[Breakdown]:
    """Keep the largest groups and add the rest up into “其他（N个）”, so totals still add up."""
    if len(rows) <= limit:
        return list(rows)
    kept, rest = rows[: limit - 1], rows[limit - 1 :]
    other = Breakdown(f"其他（{len(rest)}个）")
    for row in rest:
        for field in ("total", "closed", "long_term", "open", "overdue"):
            setattr(other, field, getattr(other, field) + getattr(row, field))
    return [*kept, other]


class _ChartView(QChartView):
    """A bare, antialiased chart: the surrounding card carries the title and the frame."""

    def __init__(self, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setBackgroundVisible(False)
        chart.setMargins(QMargins(4, 4, 12, 4))
        chart.layout().setContentsMargins(0, 0, 0, 0)
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignTop)
        chart.legend().setFont(_font(9))
        chart.legend().setLabelColor(QColor(AXIS_TEXT))
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setStyleSheet("background: transparent; border: none;")
        self.setMinimumHeight(240)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:  # noqa: N802 (Qt naming)
        """An empty chart says so, instead of showing a blank card that looks broken."""
        super().drawForeground(painter, rect)
        if not self.chart().series():
            painter.setPen(QColor("#9aa3af"))
            painter.setFont(_font(10))
            painter.drawText(self.sceneRect(), Qt.AlignmentFlag.AlignCenter, "暂无数据")

    def clear(self) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)

    def style_axis(self, axis, *, grid: bool) -> None:
        axis.setLabelsFont(_font(9))
        axis.setLabelsColor(QColor(AXIS_TEXT))
        axis.setLinePenColor(QColor(GRID))
        axis.setGridLineVisible(grid)
        axis.setGridLineColor(QColor(GRID))


class BreakdownChart(_ChartView):
    """Horizontal stacked bars (已销号 / 整改中 / 长期坚持) per group, largest group on top.

    Horizontal because department names are long. 逾期 overlaps the statuses (an overdue problem
    is also 整改中 or 长期坚持), so stacking it would count it twice; it is written in red beside
    the group's name instead, and the full numbers are in each bar's tooltip.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Breakdown] = []

    def set_rows(self, rows: list[Breakdown]) -> None:
        self.clear()
        self.rows = fold(rows)
        if not self.rows:
            return
        shown = list(reversed(self.rows))  # a horizontal category axis runs bottom to top
        series = QHorizontalStackedBarSeries()
        series.setBarWidth(0.62)
        for field, label, colour in STATUS_SETS:
            bar_set = QBarSet(label)
            bar_set.append([getattr(row, field) for row in shown])
            bar_set.setColor(QColor(colour))
            bar_set.setBorderColor(QColor(colour))
            bar_set.setLabelColor(QColor("white"))
            bar_set.setLabelFont(_font(8))
            series.append(bar_set)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value")
        series.hovered.connect(self._hovered)
        chart = self.chart()
        chart.addSeries(series)
        names = QBarCategoryAxis()
        names.append([self._label(row) for row in shown])
        self.style_axis(names, grid=False)
        values = integer_axis(max(row.total for row in self.rows))
        self.style_axis(values, grid=True)
        chart.addAxis(names, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(names)
        series.attachAxis(values)
        self.setMinimumHeight(max(240, 70 + 30 * len(self.rows)))

    @staticmethod
    def _label(row: Breakdown) -> str:
        # Axis labels are rich text in QtCharts: the overdue count stands out in the table's red.
        if not row.overdue:
            return row.name
        return f"{row.name} <span style='color:{RED}; font-weight:bold'>逾期{row.overdue}</span>"

    def _hovered(self, status: bool, index: int, _bar_set: QBarSet) -> None:
        if not status:
            QToolTip.hideText()
            return
        row = list(reversed(self.rows))[index]
        QToolTip.showText(
            QCursor.pos(),
            f"{row.name}：共 {row.total} 个问题\n已销号 {row.closed}，整改中 {row.open}，"
            f"长期坚持 {row.long_term}\n逾期 {row.overdue}",
            self,
        )


def month_label(key: str) -> str:
    """“2026-01” → “1月”. A bar is too narrow for “2026年1月” (QtCharts elides it), and twelve
    consecutive months never repeat a name; the card's note states the year range."""
    return f"{int(key[5:7])}月"


def month_range(points: list[tuple[str, int]]) -> str:
    """“2025年12月—2026年11月”: the span the twelve bars cover."""
    if not points:
        return ""
    first, last = points[0][0], points[-1][0]
    return f"{int(first[:4])}年{int(first[5:])}月—{int(last[:4])}年{int(last[5:])}月"


class MonthChart(_ChartView):
    """Problems crossed off (销号) per month, the rhythm a supervisor reads in the monthly report."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.points: list[tuple[str, int]] = []
        self.months: QBarCategoryAxis | None = None
        self.chart().legend().setVisible(False)

    def set_points(self, points: list[tuple[str, int]]) -> None:
        self.clear()
        self.points = list(points)
        if not self.points:
            return
        bar_set = QBarSet("销号数")
        bar_set.append([count for _key, count in self.points])
        bar_set.setColor(QColor(GREEN))
        bar_set.setBorderColor(QColor(GREEN))
        bar_set.setLabelColor(QColor(AXIS_TEXT))
        bar_set.setLabelFont(_font(8))
        series = QBarSeries()
        series.append(bar_set)
        series.setBarWidth(0.6)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value")
        chart = self.chart()
        chart.addSeries(series)
        months = QBarCategoryAxis()
        months.append([month_label(key) for key, _n in self.points])
        self.style_axis(months, grid=False)
        values = integer_axis(max(count for _key, count in self.points))
        self.style_axis(values, grid=True)
        chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(months)
        series.attachAxis(values)
        self.months = months
        self._fit_labels()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._fit_labels()

    def _fit_labels(self) -> None:
        """Write “12月” where it fits and “12” where it does not: QtCharts would elide it to “1…”.

        Measured: a category label needs its text width plus about 14 px of padding, and the
        plot area is the view's width less about 44 px for the value axis.
        """
        if self.months is None or not self.points:
            return
        slot = (self.width() - 44) / len(self.points)
        needed = QFontMetrics(self.months.labelsFont()).horizontalAdvance("12月") + 16
        labels = [month_label(key) for key, _n in self.points]
        if slot < needed:
            labels = [label.removesuffix("月") for label in labels]
        if self.months.categories() != labels:
            self.months.setCategories(labels)


class StatCard(QFrame):
    """One headline number with its name above and a short explanation below."""

    def __init__(self, title: str, accent: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 10, 12, 10)
        layout.setSpacing(2)
        self.title = QLabel(title)
        self.title.setObjectName("statTitle")
        self.value = QLabel("—")
        self.value.setStyleSheet(f"color: {accent}; font-size: 24pt; font-weight: bold;")
        self.note = QLabel()
        self.note.setObjectName("statNote")
        for label in (self.title, self.value, self.note):
            layout.addWidget(label)
        # The accent stripe tells the cards apart at a glance, in the same colours as the charts.
        self.setStyleSheet(f"QFrame#statCard {{ border-left: 4px solid {accent}; }}")

    def set(self, value: str, note: str = "") -> None:
        self.value.setText(value)
        self.note.setText(note)


class Card(QFrame):
    """A white rounded frame with a title line, holding a chart or a table."""

    def __init__(self, title: str, body: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashCard")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(6)
        head = QHBoxLayout()
        self.title = QLabel(title)
        self.title.setObjectName("cardTitle")
        self.note = QLabel()
        self.note.setObjectName("cardNote")
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.note)
        layout.addLayout(head)
        layout.addWidget(body, 1)


def _font(points: int, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSize(points)
    font.setBold(bold)
    return font
