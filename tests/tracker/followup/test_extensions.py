"""延期申请: a later deadline is asked for with a reason and decided by someone else; only an
approved request moves the deadline, and the old extensions keep counting."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import history, journal, replay, services, stats
from tracker.errors import SamePersonError, ValidationError, WorkflowError
from tracker.followup import extensions, facts
from tracker.models import Extension, ExtensionRequest

from ..factories import OWNER, REVIEWER, extend, make_problem, measure, measure_ids


def only_measure(ledger, deadline="2026年3月31日") -> dict:
    pid = make_problem(ledger, deadlines=(deadline,))
    (mid,) = measure_ids(ledger, pid)
    return measure(ledger, mid)


def extension_rows(ledger, mid) -> list[dict]:
    return list(
        ledger.select(Extension).where(Extension.measure == mid).order_by(Extension.id).dicts()
    )


def request_row(ledger, rid) -> dict:
    return ledger.select(ExtensionRequest).where(ExtensionRequest.id == rid).dicts().first()


def ask(ledger, mid, new="2026年6月底前", reason="需等待上级文件出台"):
    return extensions.request_extension(ledger, mid, new, reason, applicant=OWNER).created_id


def test_a_request_moves_nothing_until_someone_else_approves_it(ledger, clock):
    m = only_measure(ledger)
    clock.advance(days=20)

    rid = ask(ledger, m["id"], reason="  需等待上级文件出台  ")

    asked = request_row(ledger, rid)
    assert (asked["status"], asked["requested_by"], asked["reason"]) == (
        "pending",
        OWNER,
        "需等待上级文件出台",
    )
    assert measure(ledger, m["id"])["deadline_text"] == "2026年3月31日"
    assert extension_rows(ledger, m["id"]) == []
    assert replay.verify(ledger).ok

    changes = extensions.approve_extension(ledger, rid, REVIEWER, "同意")

    (ext,) = extension_rows(ledger, m["id"])
    assert (ext["old_text"], ext["old_date"]) == ("2026年3月31日", dt.date(2026, 3, 31))
    assert (ext["new_text"], ext["new_date"]) == ("2026年6月底前", dt.date(2026, 6, 30))
    assert (ext["reason"], ext["by"]) == ("需等待上级文件出台", REVIEWER)
    after = measure(ledger, m["id"])
    assert (after["deadline_text"], after["deadline_date"]) == (
        "2026年6月底前",
        dt.date(2026, 6, 30),
    )
    decided = request_row(ledger, rid)
    assert (decided["status"], decided["decided_by"], decided["extension"]) == (
        "approved",
        REVIEWER,
        ext["id"],
    )
    assert m["problem"] in changes.problems and m["id"] in changes.measures
    assert replay.verify(ledger).ok


def test_a_rejected_request_leaves_the_deadline_and_says_why(ledger):
    m = only_measure(ledger)
    rid = ask(ledger, m["id"])

    extensions.reject_extension(ledger, rid, "理由不充分，请按期完成", REVIEWER)

    assert request_row(ledger, rid)["status"] == "rejected"
    assert request_row(ledger, rid)["decision_note"] == "理由不充分，请按期完成"
    assert measure(ledger, m["id"])["deadline_text"] == "2026年3月31日"
    with pytest.raises(ValidationError) as caught:
        extensions.reject_extension(ledger, ask(ledger, m["id"]), "  ", REVIEWER)
    assert caught.value.field == "不批准的理由"


def test_a_decided_request_cannot_be_decided_again(ledger):
    m = only_measure(ledger)
    rid = ask(ledger, m["id"])
    extensions.reject_extension(ledger, rid, "不同意", REVIEWER)
    with pytest.raises(WorkflowError) as caught:
        extensions.approve_extension(ledger, rid, REVIEWER)
    assert "未批准" in str(caught.value)


def test_the_requester_approving_is_confirmed_on_a_file_and_noted(ledger):
    m = only_measure(ledger)
    rid = ask(ledger, m["id"])

    with pytest.raises(SamePersonError) as caught:
        extensions.approve_extension(ledger, rid, OWNER)
    assert "审批人“李娜”就是申请延期的人" in str(caught.value)
    assert measure(ledger, m["id"])["deadline_text"] == "2026年3月31日"

    extensions.approve_extension(ledger, rid, OWNER, same_person_confirmed=True)
    note = request_row(ledger, rid)["decision_note"]
    assert note == "申请人与审批人为同一人（李娜），经确认后批准延期"
    assert measure(ledger, m["id"])["deadline_text"] == "2026年6月底前"


def test_one_request_waits_at_a_time_and_can_be_withdrawn(ledger):
    m = only_measure(ledger)
    rid = ask(ledger, m["id"])
    with pytest.raises(WorkflowError) as caught:
        ask(ledger, m["id"], "2026年7月31日")
    assert "待审批" in str(caught.value)

    extensions.withdraw_extension(ledger, rid)

    assert request_row(ledger, rid)["status"] == "withdrawn"
    assert ask(ledger, m["id"], "2026年7月31日")


def test_a_request_comes_before_the_deadline_not_after(ledger, clock):
    m = only_measure(ledger)
    clock.advance(days=35)  # 4月6日: 3月31日 has passed
    assert stats.stats(ledger)["overdue_measures"] == 1

    with pytest.raises(WorkflowError) as caught:
        ask(ledger, m["id"])

    assert "已过" in str(caught.value) and "期限届满前" in str(caught.value)
    assert stats.stats(ledger)["overdue_measures"] == 1


def test_a_request_needs_a_reason(ledger):
    mid = only_measure(ledger)["id"]
    with pytest.raises(ValidationError) as caught:
        extensions.request_extension(ledger, mid, "2026年6月30日", "")
    assert caught.value.field == "延期理由"


@pytest.mark.parametrize("new", ["2026年3月31日", "2026年3月15日", dt.date(2026, 1, 1)])
def test_a_request_must_move_the_deadline_later(ledger, new):
    mid = only_measure(ledger)["id"]
    with pytest.raises(ValidationError) as caught:
        extensions.request_extension(ledger, mid, new, "想提前")
    assert caught.value.field == "新期限"
    assert "晚于原期限" in str(caught.value)


@pytest.mark.parametrize("new", ["等通知", "", "   "])
def test_a_request_for_an_unreadable_deadline_is_refused(ledger, new):
    mid = only_measure(ledger)["id"]
    with pytest.raises(ValidationError) as caught:
        extensions.request_extension(ledger, mid, new, "原因")
    assert caught.value.field == "新期限"
    assert "无法识别" in str(caught.value)


def test_a_done_measure_needs_no_extension(ledger):
    mid = only_measure(ledger)["id"]
    services.complete_measure(ledger, mid)
    with pytest.raises(WorkflowError) as caught:
        ask(ledger, mid)
    assert "未完成" in str(caught.value)


def test_an_approved_extension_to_long_term_makes_the_measure_long_term(ledger):
    mid = only_measure(ledger)["id"]
    extend(ledger, mid, "长期坚持", "转为常态化管理")
    assert (measure(ledger, mid)["status"], measure(ledger, mid)["deadline_date"]) == (
        "long_term",
        None,
    )


def test_extensions_pile_up_and_the_original_deadline_stays_visible(ledger):
    mid = only_measure(ledger)["id"]
    extend(ledger, mid, "2026年4月30日", "第一次延期")
    extend(ledger, mid, "2026年5月31日", "第二次延期")

    assert [(e["old_text"], e["new_text"]) for e in extension_rows(ledger, mid)] == [
        ("2026年3月31日", "2026年4月30日"),
        ("2026年4月30日", "2026年5月31日"),
    ]
    assert facts.approved_extension_counts(ledger, [mid]) == {mid: 2}
    assert facts.original_deadlines(ledger, [mid]) == {mid: "2026年3月31日"}
    assert facts.extension_label(2, "2026年3月31日") == "延期 2 次（原时限：2026年3月31日）"


def test_the_request_and_the_approval_show_in_the_problems_history(ledger):
    m = only_measure(ledger)
    extend(ledger, m["id"], dt.date(2026, 4, 30), "人员调整")

    *_, asked, approved = history.problem_history(ledger, m["problem"])
    assert asked.action == "申请延期" and asked.subject.startswith("措施 1“")
    assert any("新增延期申请" in line and "人员调整" in line for line in asked.lines)
    assert approved.action == "批准延期"
    assert "措施 1·整改时限：2026年3月31日 → 2026年4月30日" in approved.lines
    assert "延期申请·状态：待审批 → 已批准" in approved.lines


def test_a_pending_request_is_marked_and_counted(ledger):
    from tracker.queries import EXTENSION_PENDING, Filter, problem_ids, problem_rows

    m = only_measure(ledger)
    other = make_problem(ledger, "另一个问题")
    ask(ledger, m["id"])

    assert problem_ids(ledger, Filter(view=EXTENSION_PENDING)) == [m["problem"]]
    rows = problem_rows(ledger, [m["problem"], other])
    assert rows[m["problem"]].extension_pending and not rows[other].extension_pending
    assert stats.stats(ledger)["extension_requests_pending"] == 1


def test_undoing_a_request_withdraws_it(ledger):
    m = only_measure(ledger)
    rid = ask(ledger, m["id"])
    services.undo_last(ledger)
    assert request_row(ledger, rid)["status"] == "withdrawn"
    assert replay.verify(ledger).ok


def test_each_step_is_journaled_under_the_problem(ledger):
    m = only_measure(ledger)
    rid = ask(ledger, m["id"])
    extensions.reject_extension(ledger, rid, "不同意", REVIEWER)
    extend(ledger, m["id"], "2026年4月30日", "再申请")
    actions = [e.action for e in journal.entries(ledger.db, problem=m["problem"])]
    assert actions[1:] == [
        "extension.request",
        "extension.reject",
        "extension.request",
        "extension.approve",
    ]
