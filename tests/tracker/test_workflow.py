"""The 挂账 → 整改中 → 待销号 → 已销号 path, its refusals in words, and the one transition table."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import journal, services, stats, workflow
from tracker.errors import ConflictError, SamePersonError, ValidationError, WorkflowError
from tracker.history import problem_history
from tracker.workflow import TRANSITIONS, available

from .factories import (
    LEADER,
    OWNER,
    REVIEWER,
    close_problem,
    complete_all,
    is_chinese,
    make_problem,
    measure_ids,
    problem,
    ready_for_closure,
    status,
    write_file,
)

NOTE = "各项措施已完成，建立了会议文件清单制度。"


def actions(ledger, pid) -> list[str]:
    return [e.action for e in journal.entries(ledger.db, problem=pid)]


# -- the whole path -----------------------------------------------------------------------------
def test_a_problem_goes_from_listed_to_crossed_off(ledger, tmp_path, clock):
    pid = make_problem(ledger, deadlines=("2026年4月30日", "2026年5月31日"))
    first, second = measure_ids(ledger, pid)
    assert status(ledger, pid) == "listed"

    services.complete_measure(ledger, first)
    assert status(ledger, pid) == "in_progress"
    clock.advance(days=20)
    services.complete_measure(ledger, second)
    minutes = write_file(tmp_path / "files", "支部会议纪要.pdf", b"%PDF-1.4 minutes")
    services.add_evidence(ledger, pid, minutes)

    services.request_closure(ledger, pid, NOTE)
    row = problem(ledger, pid)
    assert row["status"] == "pending_closure"
    assert (row["applicant"], row["closure_note"]) == ("王敏", NOTE)

    clock.advance(days=3)
    changes = services.approve_closure(ledger, pid, REVIEWER, "材料齐全，同意销号")
    row = problem(ledger, pid)
    assert row["status"] == "closed"
    assert row["reviewer"] == REVIEWER
    assert row["review_opinion"] == "材料齐全，同意销号"
    assert row["closed_on"] == dt.date(2026, 3, 25)
    assert changes.warnings == []
    assert actions(ledger, pid) == [
        "problem.create",
        "measure.complete",
        "measure.complete",
        "evidence.create",
        "problem.request_closure",
        "problem.approve",
    ]
    assert stats.stats(ledger)["closed"] == 1


def test_the_applicant_can_be_named_and_the_closing_date_given(ledger, tmp_path, clock):
    pid = make_problem(ledger)
    ready_for_closure(ledger, pid, tmp_path / "files")
    services.request_closure(ledger, pid, NOTE, applicant=" 李娜 ")
    clock.advance(days=10)

    services.approve_closure(ledger, pid, REVIEWER, closed_on=dt.date(2026, 3, 10))

    row = problem(ledger, pid)
    assert (row["applicant"], row["closed_on"]) == ("李娜", dt.date(2026, 3, 10))


def test_a_closing_date_in_the_future_is_refused(ledger, tmp_path):
    pid = make_problem(ledger)
    ready_for_closure(ledger, pid, tmp_path / "files")
    services.request_closure(ledger, pid, NOTE)

    with pytest.raises(ValidationError) as caught:
        services.approve_closure(ledger, pid, REVIEWER, closed_on=dt.date(2026, 3, 3))

    assert caught.value.field == "销号日期"
    assert status(ledger, pid) == "pending_closure"


# -- starting automatically ---------------------------------------------------------------------
def test_progress_on_a_listed_problem_starts_its_rectification(ledger):
    pid = make_problem(ledger)
    (mid,) = measure_ids(ledger, pid)

    changes = services.add_progress(ledger, mid, "召开专题会，梳理会议文件清单")

    assert status(ledger, pid) == "in_progress"
    assert pid in changes.problems
    *_, entry = journal.entries(ledger.db, problem=pid)
    tables = [(c["t"], c["op"]) for c in entry.changes]
    assert tables == [("progress", "c"), ("problem", "u")]  # one action, one entry
    assert entry.changes[1]["f"] == {"status": ["listed", "in_progress"]}


def test_completing_a_measure_on_a_listed_problem_starts_it(ledger):
    pid = make_problem(ledger, deadlines=("2026年4月30日", "2026年5月31日"))
    services.complete_measure(ledger, measure_ids(ledger, pid)[0])
    assert status(ledger, pid) == "in_progress"


def test_more_progress_leaves_a_started_problem_as_it_is(ledger):
    pid = make_problem(ledger)
    (mid,) = measure_ids(ledger, pid)
    services.add_progress(ledger, mid, "第一次进展")
    version = problem(ledger, pid)["version"]

    services.add_progress(ledger, mid, "第二次进展")

    assert status(ledger, pid) == "in_progress"
    assert problem(ledger, pid)["version"] == version


# -- requesting closure -------------------------------------------------------------------------
def refusal(ledger, pid, note=NOTE) -> str:
    with pytest.raises(WorkflowError) as caught:
        services.request_closure(ledger, pid, note)
    message = str(caught.value)
    assert is_chinese(message)
    assert problem(ledger, pid)["code"] in message
    assert "申请销号" in message
    assert status(ledger, pid) != "pending_closure"
    return message


def test_closure_is_refused_while_a_measure_is_open(ledger, tmp_path):
    pid = make_problem(ledger, deadlines=("2026年4月30日", "2026年5月31日"))
    services.complete_measure(ledger, measure_ids(ledger, pid)[0])
    services.add_evidence(ledger, pid, write_file(tmp_path, "纪要.txt", "纪要"))

    message = refusal(ledger, pid)

    assert "还有 1 项整改措施未完成" in message
    assert "佐证材料" not in message


def test_closure_is_refused_without_evidence(ledger):
    pid = make_problem(ledger)
    complete_all(ledger, pid)

    message = refusal(ledger, pid)

    assert "还没有上传佐证材料" in message
    assert "未完成" not in message


def test_closure_is_refused_without_a_closure_note(ledger, tmp_path):
    pid = make_problem(ledger)
    ready_for_closure(ledger, pid, tmp_path / "files")

    assert "必须填写销号说明" in refusal(ledger, pid, note="   ")


def test_closure_is_refused_for_a_problem_without_measures(ledger, tmp_path):
    pid = services.create_problem(ledger, description="只挂账，没写措施").created_id
    services.add_evidence(ledger, pid, write_file(tmp_path, "纪要.txt", "纪要"))

    assert "还没有整改措施" in refusal(ledger, pid)


def test_every_missing_piece_is_named_at_once(ledger):
    pid = make_problem(ledger, deadlines=("2026年4月30日", "2026年5月31日"))

    message = refusal(ledger, pid, note="")

    assert "还有 2 项整改措施未完成" in message
    assert "佐证材料" in message
    assert "销号说明" in message


def test_removed_evidence_does_not_count_for_closure(ledger, tmp_path):
    pid = make_problem(ledger)
    evidence_id = ready_for_closure(ledger, pid, tmp_path / "files")
    services.remove_evidence(ledger, evidence_id, "上传错了文件")

    assert "佐证材料" in refusal(ledger, pid)


def test_a_voided_measure_does_not_hold_up_closure(ledger, tmp_path):
    pid = make_problem(ledger, deadlines=("2026年4月30日", "2026年5月31日"))
    first, second = measure_ids(ledger, pid)
    services.complete_measure(ledger, first)
    services.void_measure(ledger, second, "与措施一重复")
    services.add_evidence(ledger, pid, write_file(tmp_path, "纪要.txt", "纪要"))

    services.request_closure(ledger, pid, NOTE)

    assert status(ledger, pid) == "pending_closure"


def test_a_problem_whose_only_measures_were_voided_has_no_measures(ledger, tmp_path):
    pid = make_problem(ledger)
    services.void_measure(ledger, measure_ids(ledger, pid)[0], "措施写错")
    services.add_evidence(ledger, pid, write_file(tmp_path, "纪要.txt", "纪要"))

    assert "还没有整改措施" in refusal(ledger, pid)


def test_long_term_measures_do_not_hold_up_closure(ledger, tmp_path):
    pid = make_problem(ledger, deadlines=("2026年4月30日", "长期坚持"))
    ready_for_closure(ledger, pid, tmp_path / "files")

    services.request_closure(ledger, pid, NOTE)

    assert status(ledger, pid) == "pending_closure"


# -- approving ----------------------------------------------------------------------------------
def pending(ledger, tmp_path) -> int:
    pid = make_problem(ledger)
    ready_for_closure(ledger, pid, tmp_path / "files")
    services.request_closure(ledger, pid, NOTE)
    return pid


@pytest.mark.parametrize("reviewer", ["", "   "])
def test_approval_needs_the_reviewers_name(ledger, tmp_path, reviewer):
    pid = pending(ledger, tmp_path)

    with pytest.raises(WorkflowError) as caught:
        services.approve_closure(ledger, pid, reviewer)

    assert "审核人" in str(caught.value)
    assert status(ledger, pid) == "pending_closure"


@pytest.mark.parametrize("who", [LEADER, OWNER])
def test_approval_by_a_responsible_person_is_allowed_but_warned(ledger, tmp_path, who):
    pid = pending(ledger, tmp_path)

    changes = services.approve_closure(ledger, pid, f" {who} ")

    assert status(ledger, pid) == "closed"
    assert problem(ledger, pid)["reviewer"] == who
    (warning,) = changes.warnings
    assert who in warning and "审核人" in warning and "责任人" in warning


def test_a_listed_problem_cannot_be_approved(ledger):
    pid = make_problem(ledger)
    with pytest.raises(WorkflowError) as caught:
        services.approve_closure(ledger, pid, REVIEWER)
    assert "挂账" in str(caught.value) and "审核通过" in str(caught.value)


# -- rejecting and reopening --------------------------------------------------------------------
def test_a_rejection_needs_a_reason(ledger, tmp_path):
    pid = pending(ledger, tmp_path)

    with pytest.raises(WorkflowError) as caught:
        services.reject_closure(ledger, pid, "  ")

    assert "驳回必须填写理由" in str(caught.value)
    assert status(ledger, pid) == "pending_closure"


def test_a_rejected_closure_goes_back_to_work_with_the_reviewers_reason(ledger, tmp_path):
    pid = pending(ledger, tmp_path)

    services.reject_closure(ledger, pid, "佐证材料只有纪要，缺少制度文件")

    row = problem(ledger, pid)
    assert row["status"] == "in_progress"
    assert row["review_opinion"] == "佐证材料只有纪要，缺少制度文件"
    assert row["status_reason"] == "佐证材料只有纪要，缺少制度文件"
    # the application stays on file so the next one can build on it; nothing was crossed off
    assert (row["applicant"], row["closure_note"]) == ("王敏", NOTE)
    assert row["closed_on"] is None and row["reviewer"] == ""

    services.update_problem(ledger, pid, target="建立会议文件清单制度并印发")  # editable again


def test_a_new_closure_request_clears_the_old_review_opinion(ledger, tmp_path):
    pid = pending(ledger, tmp_path)
    services.reject_closure(ledger, pid, "材料不全")

    services.request_closure(ledger, pid, "补充了制度文件")

    row = problem(ledger, pid)
    assert (row["status"], row["review_opinion"], row["closure_note"]) == (
        "pending_closure",
        "",
        "补充了制度文件",
    )


def test_a_reopened_problem_loses_its_closure_but_the_journal_keeps_it(ledger, tmp_path, clock):
    pid = make_problem(ledger)
    close_problem(ledger, pid, tmp_path / "files")
    clock.advance(days=90)

    with pytest.raises(WorkflowError) as caught:
        services.reopen_problem(ledger, pid, "")
    assert "重新整改必须填写理由" in str(caught.value)

    services.reopen_problem(ledger, pid, "回头看发现会议文件又有增多")

    row = problem(ledger, pid)
    assert row["status"] == "in_progress"
    assert row["status_reason"] == "回头看发现会议文件又有增多"
    assert (row["applicant"], row["reviewer"], row["closure_note"], row["review_opinion"]) == (
        "",
        "",
        "",
        "",
    )
    assert row["closed_on"] is None
    *_, entry = journal.entries(ledger.db, problem=pid)
    assert entry.action == "problem.reopen"
    assert entry.changes[0]["f"]["reviewer"] == [REVIEWER, ""]
    assert entry.changes[0]["f"]["closed_on"] == ["2026-03-02", None]


def test_only_a_closed_problem_can_be_reopened(ledger):
    pid = make_problem(ledger)
    with pytest.raises(WorkflowError) as caught:
        services.reopen_problem(ledger, pid, "回头看")
    assert "不能重新整改" in str(caught.value)


# -- long-term ----------------------------------------------------------------------------------
@pytest.mark.parametrize("ongoing", ["长期坚持", "每季度"])
def test_a_problem_whose_remaining_measures_are_long_term_becomes_long_term(ledger, ongoing):
    pid = make_problem(ledger, deadlines=("2026年4月30日", ongoing))
    services.complete_measure(ledger, measure_ids(ledger, pid)[0])

    services.set_long_term(ledger, pid)

    assert status(ledger, pid) == "long_term"
    assert stats.stats(ledger)["long_term"] == 1


def test_a_problem_with_a_dated_measure_still_open_cannot_be_long_term(ledger):
    pid = make_problem(ledger, deadlines=("2026年4月30日", "长期坚持"))

    with pytest.raises(WorkflowError) as caught:
        services.set_long_term(ledger, pid)

    assert "只有剩余措施全部为长期坚持" in str(caught.value)
    assert status(ledger, pid) == "listed"


def test_a_problem_with_every_measure_done_should_be_closed_not_long_term(ledger):
    pid = make_problem(ledger)
    complete_all(ledger, pid)

    with pytest.raises(WorkflowError) as caught:
        services.set_long_term(ledger, pid)

    assert "应申请销号" in str(caught.value)


def test_a_long_term_problem_can_resume_or_be_crossed_off(ledger, tmp_path):
    pid = make_problem(ledger, deadlines=("长期坚持",))
    services.set_long_term(ledger, pid)

    services.resume_problem(ledger, pid)
    assert status(ledger, pid) == "in_progress"

    services.set_long_term(ledger, pid)
    ready_for_closure(ledger, pid, tmp_path / "files")
    services.request_closure(ledger, pid, "已形成长效机制")
    assert status(ledger, pid) == "pending_closure"


def test_only_a_long_term_problem_can_resume(ledger):
    with pytest.raises(WorkflowError):
        services.resume_problem(ledger, make_problem(ledger))


# -- void and restore ---------------------------------------------------------------------------
def test_a_voided_problem_disappears_from_the_numbers_and_keeps_its_history(ledger):
    keep = make_problem(ledger, "会议多")
    mistaken = make_problem(ledger, "重复录入的会议多")
    assert stats.stats(ledger)["problems"] == 2

    with pytest.raises(WorkflowError) as caught:
        services.void_problem(ledger, mistaken, "")
    assert "作废必须填写理由" in str(caught.value)

    services.void_problem(ledger, mistaken, "与 2026-001 重复")

    numbers = stats.stats(ledger)
    assert numbers["problems"] == 1 and numbers["listed"] == 1
    assert numbers["measures"] == 1
    row = problem(ledger, mistaken)
    assert (row["status"], row["voided_from"], row["status_reason"]) == (
        "void",
        "listed",
        "与 2026-001 重复",
    )
    assert actions(ledger, mistaken) == ["problem.create", "problem.void"]
    assert status(ledger, keep) == "listed"


@pytest.mark.parametrize("how_far", ["in_progress", "closed", "long_term"])
def test_restoring_a_voided_problem_returns_it_to_where_it_was(ledger, tmp_path, how_far):
    pid = make_problem(
        ledger, deadlines=("长期坚持",) if how_far == "long_term" else ("2026年4月30日",)
    )
    if how_far == "in_progress":
        services.add_progress(ledger, measure_ids(ledger, pid)[0], "已开始")
    elif how_far == "closed":
        close_problem(ledger, pid, tmp_path / "files")
    else:
        services.set_long_term(ledger, pid)
    services.void_problem(ledger, pid, "误操作")

    with pytest.raises(WorkflowError) as caught:
        services.restore_problem(ledger, pid, "")
    assert "恢复必须填写理由" in str(caught.value)

    services.restore_problem(ledger, pid, "作废有误，恢复")

    row = problem(ledger, pid)
    assert row["status"] == how_far
    assert row["voided_from"] == ""
    assert stats.stats(ledger)[how_far] == 1


def test_a_void_problem_cannot_be_voided_again(ledger):
    pid = make_problem(ledger)
    services.void_problem(ledger, pid, "重复")
    with pytest.raises(WorkflowError) as caught:
        services.void_problem(ledger, pid, "再次作废")
    assert "已作废" in str(caught.value)


def test_a_stale_window_cannot_change_the_status(ledger, tmp_path):
    pid = make_problem(ledger)
    seen = problem(ledger, pid)["version"]
    services.update_problem(ledger, pid, cause="另一个窗口补充的原因")

    with pytest.raises(ConflictError) as caught:
        services.void_problem(ledger, pid, "重复", expected_version=seen)

    assert "2026-001" in str(caught.value)
    assert status(ledger, pid) == "listed"


# -- the transition table itself ----------------------------------------------------------------
def test_the_transition_table_is_the_documented_workflow():
    table = {name: (set(t.sources), t.target, t.needs_reason) for name, t in TRANSITIONS.items()}
    assert table["start"] == ({"listed"}, "in_progress", False)
    assert table["request_closure"] == (
        {"listed", "in_progress", "long_term"},
        "pending_closure",
        False,
    )
    assert table["approve"] == ({"pending_closure"}, "closed", False)
    assert table["reject"] == ({"pending_closure"}, "in_progress", True)
    assert table["reopen"] == ({"closed"}, "in_progress", True)
    assert table["set_long_term"] == ({"listed", "in_progress"}, "long_term", False)
    assert table["resume"] == ({"long_term"}, "in_progress", False)
    assert table["void"][0] == set(workflow.COUNTED) and table["void"][1:] == ("void", True)
    assert table["restore"][0] == {"void"} and table["restore"][2] is True


def test_every_status_and_transition_speaks_chinese():
    for status_code in [*workflow.COUNTED, workflow.VOID]:
        assert is_chinese(workflow.STATUS_LABELS[status_code])
    for t in TRANSITIONS.values():
        assert is_chinese(t.label) and is_chinese(t.tooltip)
    assert workflow.STATUS_BY_LABEL["已销号"] == "closed"


@pytest.mark.parametrize(
    ("status_code", "offered"),
    [
        ("listed", ["request_closure", "set_long_term", "void"]),
        ("in_progress", ["request_closure", "set_long_term", "void"]),
        ("pending_closure", ["approve", "reject", "void"]),
        ("closed", ["reopen", "void"]),
        ("long_term", ["request_closure", "resume", "void"]),
        ("void", ["restore"]),
    ],
)
def test_each_status_offers_its_menu_of_actions(status_code, offered):
    assert [t.name for t in available(status_code)] == offered


def test_a_closed_problem_can_never_move_without_a_reason():
    """Nothing leaves 已销号 silently: every way out asks why."""
    for t in TRANSITIONS.values():
        if "closed" in t.sources:
            assert t.needs_reason, t.name


def test_refusals_explain_a_wrong_status_in_words():
    facts = workflow.ProblemFacts(status="closed")
    (reason,) = workflow.refusals("request_closure", facts)
    assert reason == "问题当前为“已销号”，不能申请销号。"
    assert workflow.refusals("void", workflow.ProblemFacts(status="closed"), reason="重复") == []


def test_a_long_term_deadline_makes_a_long_term_measure():
    assert workflow.measure_status_for(True) == "long_term"
    assert workflow.measure_status_for(False) == "open"
    assert workflow.measure_status_for(True, "done") == "done"
    assert workflow.measure_status_for(False, "void") == "void"


def test_a_blank_applicant_falls_back_to_the_actor(ledger, tmp_path):
    pid = make_problem(ledger)
    ready_for_closure(ledger, pid, tmp_path / "files")
    services.request_closure(ledger, pid, NOTE, applicant="  ")
    assert problem(ledger, pid)["applicant"] == "王敏"


def test_a_problem_cannot_be_crossed_off_before_it_was_found(ledger, tmp_path):
    pid = make_problem(ledger, found_on=dt.date(2026, 2, 20))
    ready_for_closure(ledger, pid, tmp_path / "files")
    services.request_closure(ledger, pid, NOTE)

    with pytest.raises(ValidationError) as caught:
        services.approve_closure(ledger, pid, REVIEWER, closed_on=dt.date(2026, 1, 31))

    assert caught.value.field == "销号日期"
    assert status(ledger, pid) == "pending_closure"


def test_a_problem_cannot_be_crossed_off_after_its_evidence_was_withdrawn(ledger, tmp_path):
    pid = make_problem(ledger)
    evidence_id = ready_for_closure(ledger, pid, tmp_path / "files")
    services.request_closure(ledger, pid, NOTE)

    try:
        services.remove_evidence(ledger, evidence_id, "材料有误，撤回")
    except WorkflowError:
        return  # equally right: evidence under review is frozen
    with pytest.raises(WorkflowError) as caught:
        services.approve_closure(ledger, pid, REVIEWER)
    assert "佐证材料" in str(caught.value)
    assert status(ledger, pid) == "pending_closure"


# -- separation of duties: the one who asked for the 销号 does not approve it -------------------
def test_the_applicant_approving_their_own_request_needs_confirmation_and_is_recorded(
    ledger, tmp_path
):
    """The attack: 王敏 requested the 销号 and then approved it herself, with no word said."""
    pid = pending(ledger, tmp_path)
    applicant = problem(ledger, pid)["applicant"]
    assert applicant == "王敏"

    with pytest.raises(SamePersonError) as caught:
        services.approve_closure(ledger, pid, " 王敏 ")
    assert "就是申请销号的人" in str(caught.value)
    assert status(ledger, pid) == "pending_closure"

    changes = services.approve_closure(ledger, pid, "王敏", same_person_confirmed=True)
    assert status(ledger, pid) == "closed"
    row = problem(ledger, pid)
    assert row["status_reason"] == "申请人与审核人为同一人（王敏），经确认后销号"
    assert not any("就是申请销号的人" in w for w in changes.warnings)
    history = problem_history(ledger, pid)
    assert any("申请人与审核人为同一人" in line for item in history for line in item.lines)


def test_another_reviewer_needs_no_confirmation(ledger, tmp_path):
    pid = pending(ledger, tmp_path)
    changes = services.approve_closure(ledger, pid, REVIEWER)
    assert status(ledger, pid) == "closed" and problem(ledger, pid)["status_reason"] == ""
    assert changes.warnings == []
