"""Undo of one's own last action, done forward: newest first, skipping what is undone, never others'."""

from __future__ import annotations

import pytest

from tracker import services
from tracker.errors import WorkflowError
from tracker.journal import entries
from tracker.models import Problem
from tracker.replay import verify
from tracker.services.undo import describe_last, last_undoable


def description(ledger, pid: int) -> str:
    return ledger.select(Problem, Problem.description).where(Problem.id == pid).scalar()


@pytest.fixture
def problem(ledger):
    return services.create_problem(ledger, description="会议室长期被占用").created_id


def test_undo_reverses_the_last_actions_newest_first(ledger, problem):
    services.update_problem(ledger, problem, description="第一次修改")
    services.update_problem(ledger, problem, description="第二次修改")
    assert describe_last(ledger) == "修改问题"
    services.undo_last(ledger)
    assert description(ledger, problem) == "第一次修改"
    services.undo_last(ledger)  # the undo itself is skipped: the edit before it is next
    assert description(ledger, problem) == "会议室长期被占用"
    assert verify(ledger).ok


def test_another_users_actions_are_not_undone(ledger, problem):
    services.update_problem(ledger, problem, description="王敏改的")
    ledger.actor = "李娜"
    services.update_problem(ledger, problem, description="李娜改的")
    ledger.actor = "王敏"
    with pytest.raises(WorkflowError):  # 王敏's edit was overwritten since: refused
        services.undo_last(ledger)
    ledger.actor = "李娜"
    services.undo_last(ledger)
    assert description(ledger, problem) == "王敏改的"


def test_nothing_to_undo_after_everything_is_undone(ledger, problem):
    services.undo_last(ledger)  # the creation: the problem is voided, not deleted
    assert ledger.select(Problem).where(Problem.id == problem).count() == 1
    assert last_undoable(ledger) is None
    with pytest.raises(WorkflowError, match="没有可以撤销的操作"):
        services.undo_last(ledger)
    actions = [e.action for e in entries(ledger.db)]
    assert actions[-1].startswith("undo:")


def test_committee_actions_have_names_a_registration_is_undone_by_retiring_and_a_receipt_is_not(
    ledger, tmp_path
):
    from tests.tracker import workbooks
    from tracker.exchange.branches import add_branch, branches
    from tracker.exchange.collect import receive
    from tracker.exchange.handkept import inspect_handkept

    add_branch(ledger, "第一党支部", "王敏")
    assert describe_last(ledger) == "登记支部"
    services.undo_last(ledger)
    assert branches(ledger) == [] and len(branches(ledger, include_retired=True)) == 1
    book = workbooks.official(tmp_path / "手工台账.xlsx")
    receive(ledger, inspect_handkept(ledger, book, "第二党支部", 2026, 2), branch_name="第二党支部")
    assert last_undoable(ledger) is None and describe_last(ledger) is None
