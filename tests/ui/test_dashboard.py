"""The dashboard as a secretary reads it before the monthly report: totals, bars, overdue list."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tracker import dashboard, services, workflow
from tracker.dates import format_date
from tracker.models import Problem
from tracker.overdue import format_rate
from tracker.stats import stats
from ui.panels.charts import MAX_BARS, fold, integer_axis
from ui.panels.dashboard import OVERDUE_COLUMNS, DashboardPage


@pytest.fixture
def page(qtbot, session):
    widget = DashboardPage(session)
    qtbot.addWidget(widget)
    widget.resize(1400, 900)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def card_value(page: DashboardPage, key: str) -> str:
    return page.cards[key].value.text()


def bar_values(chart) -> dict[str, list[float]]:
    (series,) = chart.chart().series()
    return {
        bar_set.label(): [bar_set.at(i) for i in range(bar_set.count())]
        for bar_set in series.barSets()
    }


def test_cards_show_the_monthly_report_numbers(page, demo_ledger):
    n = stats(demo_ledger)
    assert card_value(page, "problems") == str(n["problems"])
    assert card_value(page, "closed") == str(n["closed"])
    assert card_value(page, "open") == str(n["listed"] + n["in_progress"] + n["pending_closure"])
    assert card_value(page, "long_term") == str(n["long_term"])
    assert card_value(page, "overdue") == str(n["overdue_problems"])
    assert card_value(page, "rate") == format_rate(n["closure_rate"])
    assert f"其中待销号 {n['pending_closure']} 个" == page.cards["open"].note.text()
    assert card_value(page, "repeats") == str(n["repeats"])
    assert f"回头看到期 {n['lookbacks_due']} 个" in page.cards["repeats"].note.text()
    assert f"数据截至 {format_date(demo_ledger.today())}" in page.as_of.text()
    assert "数据截至 2026年11月21日" in page.as_of.text()


def test_approving_a_closure_updates_closed_and_rate(page, session, demo_ledger, message_boxes):
    before = stats(demo_ledger)
    pending = (
        demo_ledger.select(Problem, Problem.id).where(Problem.status == workflow.PENDING).scalar()
    )
    assert pending is not None
    assert session.perform(None, services.approve_closure, pending, "陈建国", "材料齐全，同意销号")
    after = stats(demo_ledger)
    assert after["closed"] == before["closed"] + 1
    assert card_value(page, "closed") == str(after["closed"])
    assert card_value(page, "rate") == format_rate(after["closure_rate"])
    assert card_value(page, "open") == str(
        after["listed"] + after["in_progress"] + after["pending_closure"]
    )
    assert page.month_chart.points[-1][1] == dashboard.closures_per_month(demo_ledger)[-1][1]


def test_department_chart_has_one_bar_per_department_adding_up_to_its_total(page, demo_ledger):
    rows = dashboard.breakdown(demo_ledger, "department")
    assert len(rows) <= MAX_BARS
    values = bar_values(page.department_chart)
    assert list(values) == ["已销号", "整改中", "长期坚持"]
    (series,) = page.department_chart.chart().series()
    (names,) = [a for a in series.attachedAxes() if a.orientation() == Qt.Orientation.Vertical]
    assert names.count() == len(rows)
    shown = list(reversed(rows))  # largest department on top
    for i, row in enumerate(shown):
        assert names.at(i).startswith(row.name)
        assert sum(v[i] for v in values.values()) == row.total
        assert (f"逾期{row.overdue}" in names.at(i)) == bool(row.overdue)
    assert sum(sum(v) for v in values.values()) == stats(demo_ledger)["problems"]


def test_category_chart_matches_the_category_breakdown(page, demo_ledger):
    rows = dashboard.breakdown(demo_ledger, "category")
    assert [row.name for row in page.category_chart.rows] == [row.name for row in rows]
    values = bar_values(page.category_chart)
    assert sum(values["已销号"]) == sum(row.closed for row in rows)


def test_many_groups_fold_into_other_without_losing_problems():
    rows = [
        dashboard.Breakdown(f"部门{i}", total=i + 1, closed=i, open=1, overdue=i % 2)
        for i in range(15)
    ]
    folded = fold(rows)
    assert len(folded) == MAX_BARS
    assert folded[-1].name == f"其他（{15 - MAX_BARS + 1}个）"
    assert sum(r.total for r in folded) == sum(r.total for r in rows)
    assert sum(r.overdue for r in folded) == sum(r.overdue for r in rows)


def test_value_axes_count_in_whole_numbers():
    for maximum in (0, 1, 7, 12, 58, 1234, 99999, 250000):
        axis = integer_axis(maximum)
        step = axis.max() / (axis.tickCount() - 1)
        assert axis.max() > maximum and step == int(step) and axis.tickCount() <= 8


def test_closures_per_month_shows_twelve_chinese_months(page, demo_ledger):
    expected = dashboard.closures_per_month(demo_ledger)
    assert len(page.month_chart.points) == 12
    values = bar_values(page.month_chart)["销号数"]
    assert values == [count for _month, count in expected]
    labels = page.month_chart.months.categories()
    assert labels[0] == "12月" and labels[-1] == "11月"  # at 1400 px every month has room for 月
    assert page.month_card.note.text() == "2025年12月—2026年11月"


def test_overdue_table_lists_every_overdue_measure_most_overdue_first(page, demo_ledger):
    items = dashboard.overdue_items(demo_ledger)
    table = page.overdue_table
    assert [
        table.horizontalHeaderItem(c).text() for c in range(table.columnCount())
    ] == OVERDUE_COLUMNS
    assert table.rowCount() == len(items) > 0
    codes = sorted((item.code, item.measure) for item in items)
    assert (
        sorted((table.item(r, 0).text(), table.item(r, 2).text()) for r in range(table.rowCount()))
        == codes
    )
    days = [int(table.item(r, 6).text().removesuffix("天")) for r in range(table.rowCount())]
    assert days == sorted(days, reverse=True)
    assert f"共 {len(items)} 项" in page.overdue_card.note.text()


def test_double_clicking_an_overdue_row_asks_to_open_that_problem(qtbot, page, demo_ledger):
    first = max(dashboard.overdue_items(demo_ledger), key=lambda item: item.days)
    table = page.overdue_table
    rect = table.visualRect(table.model().index(0, 1))
    # A real double-click starts with a press; item views ignore a double-click without one.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(page.open_problem) as signal:
        qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == [first.problem_id]


def test_refresh_waits_while_the_page_is_hidden(qtbot, session, demo_ledger, message_boxes):
    page = DashboardPage(session)
    qtbot.addWidget(page)
    page.show()
    closed = int(card_value(page, "closed"))
    page.hide()
    pending = (
        demo_ledger.select(Problem, Problem.id).where(Problem.status == workflow.PENDING).scalar()
    )
    calls = []
    original = page.refresh
    page.refresh = lambda: (calls.append(1), original())
    session.perform(None, services.approve_closure, pending, "陈建国", "同意")
    assert page.dirty and not calls
    assert card_value(page, "closed") == str(closed)  # stale until seen
    page.show()
    assert calls == [1] and not page.dirty
    assert card_value(page, "closed") == str(closed + 1)


def test_a_new_empty_ledger_and_no_ledger_show_zeros_and_dashes(qtbot, session, tmp_path):
    from tracker.ledger import create_ledger

    page = DashboardPage(session)
    qtbot.addWidget(page)
    page.show()
    session.open(create_ledger(tmp_path / "e.db", unit_name="x"))
    assert card_value(page, "problems") == "0" and card_value(page, "rate") == "0.0%"
    assert page.overdue_table.rowCount() == 0 and page.department_chart.rows == []
    assert len(page.month_chart.points) == 12
    session.close()
    assert card_value(page, "problems") == "—" and page.as_of.text() == "未打开台账"
