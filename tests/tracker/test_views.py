"""The side list's views and the reminder's counts, checked against a ledger computed by hand.

Today is 2026-03-02 (the `clock` fixture). Each problem below is built to land in exactly the
views its comment names; the expectations are written out, not derived from the code under test.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import dashboard, services
from tracker.queries import (
    ALL,
    DUE_SOON,
    OVERDUE,
    UNCLEAR,
    VIEW_LABELS,
    Filter,
    len_query,
    problem_ids,
    view_counts,
)

from .factories import make_problem, measure_ids


@pytest.fixture
def hand_ledger(ledger):
    """{letter: problem id} of a small ledger whose views are known by hand."""
    earlier = dt.date(2026, 2, 20)
    p = {}
    # overdue 30 days, and another measure due in 3 days: 逾期 only
    p["A"] = make_problem(
        ledger, "会议多", deadlines=("2026年1月31日", "2026年3月5日"), found_on=earlier
    )
    p["B"] = make_problem(ledger, "文件多", deadlines=("2026年3月9日",))  # in 7 days: 7天内到期
    p["C"] = make_problem(ledger, "检查多", deadlines=("2026年3月10日",))  # in 8 days: neither
    p["D"] = make_problem(ledger, "调研少", deadlines=("2026年3月2日",))  # today: 7天内到期
    p["E"] = make_problem(ledger, "台账乱", deadlines=("等领导定了再说",))  # 时限不明确
    p["F"] = make_problem(ledger, "制度旧", deadlines=(None,))  # no deadline at all: 时限不明确
    p["G"] = make_problem(ledger, "学习少", deadlines=("长期坚持",))  # ongoing: no view of these
    p["H"] = make_problem(ledger, "作废的", deadlines=("2026年1月15日",), found_on=earlier)
    services.void_problem(ledger, p["H"], "重复录入")  # void: in no view, not even 逾期
    p["I"] = make_problem(ledger, "立改的", deadlines=("立行立改",), found_on=earlier)  # 逾期
    # overdue and unclear at once: in both views
    p["J"] = make_problem(
        ledger, "两样的", deadlines=("2026年2月1日", "看情况"), found_on=dt.date(2026, 1, 5)
    )
    # its measure due tomorrow is done; the open one is due in April: neither
    p["K"] = make_problem(ledger, "做完的", deadlines=("2026年3月3日", "2026年4月30日"))
    services.complete_measure(ledger, measure_ids(ledger, p["K"])[0])
    return p


def members(ledger, ids: dict, view: str) -> set[str]:
    shown = set(problem_ids(ledger, Filter(view=view)))
    return {letter for letter, pid in ids.items() if pid in shown}


def test_each_view_holds_the_problems_worked_out_by_hand(ledger, hand_ledger):
    assert members(ledger, hand_ledger, OVERDUE) == {"A", "I", "J"}
    assert members(ledger, hand_ledger, DUE_SOON) == {"B", "D"}
    assert members(ledger, hand_ledger, UNCLEAR) == {"E", "F", "J"}
    assert members(ledger, hand_ledger, ALL) == set("ABCDEFGIJK")


def test_an_overdue_problem_is_never_also_due_soon(ledger, hand_ledger):
    """The 7天内到期 view once showed rows marked 逾期121天: overdue rows belong to 逾期."""
    overdue = set(problem_ids(ledger, Filter(view=OVERDUE)))
    assert not overdue & set(problem_ids(ledger, Filter(view=DUE_SOON)))


def test_side_list_counts_are_the_view_lengths(ledger, hand_ledger):
    counts = view_counts(ledger)
    assert counts[OVERDUE] == 3
    assert counts[DUE_SOON] == 2
    assert counts[UNCLEAR] == 3
    assert counts[ALL] == 10
    for view in VIEW_LABELS:
        assert (
            counts[view]
            == len_query(ledger, Filter(view=view))
            == len(problem_ids(ledger, Filter(view=view)))
        )


def test_reminder_counts_measures_the_same_way(ledger, hand_ledger):
    counts = dashboard.due_counts(ledger, 7)
    assert counts.overdue_measures == 3  # A's, I's and J's dated ones
    assert counts.overdue_problems == 3
    assert counts.due_soon == 2  # B and D; A's measure due in 3 days counts under 逾期
    assert counts.unclear == 3  # E, F and J's second measure
    soon = {item.problem_id for item in dashboard.due_soon_items(ledger, 7)}
    assert soon == {hand_ledger["B"], hand_ledger["D"]}


def test_a_deadline_that_is_made_readable_leaves_the_unclear_view(ledger, hand_ledger):
    mid = measure_ids(ledger, hand_ledger["E"])[0]
    services.update_measure(ledger, mid, deadline="2026年6月30日")
    assert hand_ledger["E"] not in problem_ids(ledger, Filter(view=UNCLEAR))
    assert view_counts(ledger)[UNCLEAR] == 2


def test_a_deadline_already_past_is_warned_about_when_entered(ledger):
    pid = make_problem(ledger, "会议多", deadlines=("2026年6月30日",))
    changes = services.add_measure(
        ledger, pid, services.MeasureInput("清理文件", deadline="2026年2月27日")
    )
    assert changes.warnings == [
        "第 2 项措施的整改时限“2026年2月27日”已经过去 3 天，保存后这项措施即为逾期。"
    ]
    mid = measure_ids(ledger, pid)[0]
    changes = services.update_measure(ledger, mid, deadline="2026.2.1")
    assert changes.warnings == [
        "第 1 项措施的整改时限“2026.2.1”（2026年2月1日）已经过去 29 天，保存后这项措施即为逾期。"
    ]
    assert services.update_measure(ledger, mid, deadline="2026年3月2日").warnings == []


def test_immediate_with_a_past_finding_date_says_which_date_it_means(ledger):
    changes = services.create_problem(
        ledger,
        description="窗口服务态度差",
        found_on=dt.date(2026, 2, 26),
        measures=[services.MeasureInput("当面道歉，立即整改", deadline="立行立改")],
    )
    assert changes.warnings == [
        "第 1 项措施的整改时限“立行立改”以查摆日期2026年2月26日为期限已经过去 4 天，"
        "保存后这项措施即为逾期。"
    ]


def test_an_unreadable_deadline_warning_names_the_unclear_view(ledger):
    pid = make_problem(ledger, "会议多", deadlines=("2026年6月30日",))
    changes = services.add_measure(
        ledger, pid, services.MeasureInput("清理文件", deadline="等领导定了再说")
    )
    assert len(changes.warnings) == 1
    assert "时限不明确" in changes.warnings[0] and "等领导定了再说" in changes.warnings[0]
