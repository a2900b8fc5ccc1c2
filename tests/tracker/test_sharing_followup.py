"""催办, 延期申请, 回头看 and 抽查 on a shared ledger: each member may do what their role and branch
allow, through the program and as plain SQL alike (the follow-up tables of schema 12 are guarded
like the problems they belong to)."""

from __future__ import annotations

import pytest

from tests.tracker import pgserver
from tracker import services
from tracker.errors import LedgerError
from tracker.failures import translate
from tracker.followup import chases, extensions, lookbacks, sampling
from tracker.followup.chases import ChaseInput
from tracker.models import Chase, ExtensionRequest, Lookback, Measure
from tracker.replay import verify

from .sharing import ONE, TWO, problem_in

pytestmark = pytest.mark.skipif(
    not pgserver.available(), reason="PostgreSQL server binaries not installed"
)


def measure_of(ledger, pid: int) -> int:
    return ledger.select(Measure, Measure.id).where(Measure.problem == pid).scalar()


def refused(committee, login: str, action) -> str:
    ledger = committee.open(login)
    try:
        with pytest.raises(LedgerError) as caught:
            action(ledger)
        return str(caught.value)
    finally:
        ledger.close()


def allowed(committee, login: str, action):
    ledger = committee.open(login)
    try:
        return action(ledger)
    finally:
        ledger.close()


def test_chasing_is_for_the_branch_and_its_reviewer(committee):
    own, other = problem_in(committee, ONE), problem_in(committee, TWO)

    def chase(pid):
        mid = measure_of(committee.owner, pid)
        return lambda ledger: chases.record_chases(
            ledger, [ChaseInput(pid, (mid,), "张建国")], "电话"
        )

    allowed(committee, "tianbao", chase(own))
    allowed(committee, "shenhe", chase(own))
    assert "只能处理" in refused(committee, "tianbao", chase(other))
    assert "不能" in refused(committee, "chakan", chase(own))
    chased = committee.owner.select(Chase).where(Chase.problem == own).count()
    assert chased == 2
    # as plain SQL, a 填报人 cannot file a chase under another branch's problem either
    error = committee.try_sql(
        "tianbao",
        (
            'INSERT INTO chase (problem_id, whom, way, "on", note, by, at, active) '
            "VALUES (%s, '张三', '电话', '2026-03-02', '', '李娜', '2026-03-02 09:30:00', true)",
            (other,),
        ),
    )
    assert error is not None and "只能处理" in str(translate(error, committee.url("tianbao")))


def test_a_deadline_moves_only_by_a_reviewer_deciding_in_their_own_name(committee):
    pid = problem_in(committee, ONE)
    mid = measure_of(committee.owner, pid)
    allowed(
        committee,
        "tianbao",
        lambda ledger: extensions.request_extension(ledger, mid, "2026年9月30日", "需等待上级批复"),
    )
    request = extensions.pending_request(committee.owner, mid)["id"]
    # the 填报人 who asked cannot decide, through the program or by writing the row
    assert "不允许同一人申请并批准延期" in refused(
        committee, "tianbao", lambda ledger: extensions.approve_extension(ledger, request)
    )
    error = committee.try_sql(
        "tianbao",
        (
            "UPDATE extension_request SET status = 'approved', decided_by = '李娜' WHERE id = %s",
            (request,),
        ),
    )
    assert "不能审批延期申请" in str(translate(error, committee.url("tianbao")))
    # a 审核人 may not write the decision in someone else's name
    error = committee.try_sql(
        "shenhe",
        (
            "UPDATE extension_request SET status = 'rejected', decided_by = '王敏' WHERE id = %s",
            (request,),
        ),
    )
    assert "审批人必须是登录的本人" in str(translate(error, committee.url("shenhe")))
    allowed(committee, "shenhe", lambda ledger: extensions.approve_extension(ledger, request))
    row = committee.owner.select(ExtensionRequest).where(ExtensionRequest.id == request).dicts()
    assert row.first()["decided_by"] == "赵刚"
    deadline = (
        committee.owner.select(Measure, Measure.deadline_text).where(Measure.id == mid).scalar()
    )
    assert deadline == "2026年9月30日"


def closed_by_the_reviewer(committee, folder) -> int:
    pid = problem_in(committee, ONE)
    services.complete_measure(committee.owner, measure_of(committee.owner, pid))
    proof = folder / f"记录{pid}.txt"
    proof.write_text("整改记录", encoding="utf-8")
    services.add_evidence(committee.owner, pid, proof)
    allowed(committee, "tianbao", lambda ledger: services.request_closure(ledger, pid, "已整改"))
    allowed(
        committee, "shenhe", lambda ledger: services.approve_closure(ledger, pid, "赵刚", "同意")
    )
    return pid


def test_a_look_back_comes_with_the_closure_and_is_the_reviewers(committee, tmp_path):
    pid = closed_by_the_reviewer(committee, tmp_path)
    assert committee.owner.select(Lookback).where(Lookback.problem == pid).count() == 1
    moved = committee.owner.today().replace(year=committee.owner.today().year + 1)
    assert "不能记录回头看" in refused(
        committee, "tianbao", lambda ledger: lookbacks.move_lookback(ledger, pid, moved)
    )
    allowed(committee, "shenhe", lambda ledger: lookbacks.move_lookback(ledger, pid, moved))


def test_spot_checks_are_drawn_by_reviewers_and_the_office(committee, tmp_path):
    closed_by_the_reviewer(committee, tmp_path)

    def draw(ledger):
        return sampling.draw_sample(ledger, 1)

    assert "不能抽查已销号问题" in refused(committee, "tianbao", draw)
    allowed(committee, "shenhe", draw)
    allowed(committee, "guanli", draw)
    assert verify(committee.owner).ok


def test_a_reviewer_cannot_approve_a_request_made_in_their_name_even_with_plain_sql(committee):
    """申请人 is free text (often the measure's owner), so a request can name the 审核人 who is to
    decide it; the program refuses that approval, and so does the database."""
    pid = problem_in(committee, ONE)
    mid = measure_of(committee.owner, pid)
    allowed(
        committee,
        "tianbao",
        lambda ledger: extensions.request_extension(
            ledger, mid, "2026年9月30日", "需等待上级批复", applicant="赵刚"
        ),
    )
    request = extensions.pending_request(committee.owner, mid)["id"]
    said = refused(
        committee, "shenhe", lambda ledger: extensions.approve_extension(ledger, request)
    )
    error = committee.try_sql(
        "shenhe",
        (
            "UPDATE extension_request SET status = 'approved', decided_by = '赵刚' WHERE id = %s",
            (request,),
        ),
    )
    assert error is not None
    assert str(translate(error, committee.url("shenhe"))) == said
    assert "不允许同一人申请并批准延期" in said
