"""催办: who chased whom about which measures, when and how; counted per measure and problem."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import history, replay, services, stats
from tracker.errors import ValidationError, WorkflowError
from tracker.followup import chases
from tracker.followup.chases import ChaseInput
from tracker.queries import problem_rows

from ..factories import OWNER, close_problem, make_problem, measure_ids


def test_a_chase_records_who_whom_how_and_which_measures(ledger, clock):
    pid = make_problem(ledger, deadlines=("2026年3月10日", "2026年4月30日"))
    first, second = measure_ids(ledger, pid)
    clock.advance(days=10)

    changes = chases.record_chases(
        ledger, [ChaseInput(pid, (first,))], "电话", "请本周内报送会议清单"
    )

    (view,) = chases.chases_of_problem(ledger, pid)
    assert (view.whom, view.way, view.on, view.by, view.measures) == (
        OWNER,
        "电话",
        dt.date(2026, 3, 12),
        "王敏",
        [1],
    )
    assert view.note == "请本周内报送会议清单"
    assert chases.chase_counts(ledger, [first, second]) == {first: 1}
    assert pid in changes.problems and first in changes.measures
    last = history.problem_history(ledger, pid)[-1]
    assert last.action == "催办"
    assert any("被催办人：李娜" in line and "电话" in line for line in last.lines)
    assert "新增催办的措施（所属措施：措施 1）" in last.lines
    assert replay.verify(ledger).ok


def test_chases_add_up_in_the_list_and_the_numbers(ledger):
    pid = make_problem(ledger, deadlines=("2026年3月10日", "2026年4月30日"))
    first, second = measure_ids(ledger, pid)
    chases.record_chases(ledger, [ChaseInput(pid, (first, second))], "当面")
    chases.record_chases(ledger, [ChaseInput(pid, (first,))], "书面", "发催办单")

    assert chases.chase_counts(ledger, [first, second]) == {first: 2, second: 1}
    assert problem_rows(ledger, [pid])[pid].chases == 2
    assert stats.stats(ledger)["chases"] == 2
    assert chases.chase_label(2) == "催办 2 次"


def test_several_people_in_one_action(ledger):
    team_a = make_problem(ledger, "会议多")
    team_b = make_problem(ledger, "文件多")
    items = [ChaseInput(team_a, tuple(measure_ids(ledger, team_a)), "张伟")]
    items.append(ChaseInput(team_b, tuple(measure_ids(ledger, team_b))))
    changes = chases.record_chases(ledger, items, "短信")
    assert changes.problems == {team_a, team_b}
    assert chases.chases_of_problem(ledger, team_a)[0].whom == "张伟"
    assert chases.chases_of_problem(ledger, team_b)[0].whom == OWNER


@pytest.mark.parametrize(("way", "field"), [("微信", "催办方式"), ("电话", "催办日期")])
def test_a_chase_is_validated(ledger, way, field):
    pid = make_problem(ledger)
    with pytest.raises(ValidationError) as caught:
        chases.record_chases(
            ledger,
            [ChaseInput(pid, tuple(measure_ids(ledger, pid)))],
            way,
            on=dt.date(2026, 3, 3) if field == "催办日期" else None,
        )
    assert caught.value.field == field


def test_done_measures_and_closed_problems_are_not_chased(ledger, tmp_path):
    pid = make_problem(ledger)
    (mid,) = measure_ids(ledger, pid)
    services.complete_measure(ledger, mid)
    with pytest.raises(WorkflowError):
        chases.record_chases(ledger, [ChaseInput(pid, (mid,))], "电话")
    other = make_problem(ledger, "已销号的问题")
    close_problem(ledger, other, tmp_path)
    with pytest.raises(WorkflowError):
        chases.record_chases(ledger, [ChaseInput(other, tuple(measure_ids(ledger, other)))], "电话")


def test_a_measure_of_another_problem_is_refused(ledger):
    a = make_problem(ledger, "会议多")
    b = make_problem(ledger, "文件多")
    with pytest.raises(ValidationError) as caught:
        chases.record_chases(ledger, [ChaseInput(a, tuple(measure_ids(ledger, b)))], "电话")
    assert caught.value.field == "催办对象"


def test_an_undone_chase_counts_nowhere_and_still_verifies(ledger):
    pid = make_problem(ledger)
    (mid,) = measure_ids(ledger, pid)
    chases.record_chases(ledger, [ChaseInput(pid, (mid,))], "电话")
    services.undo_last(ledger)
    assert chases.chase_counts(ledger, [mid]) == {}
    assert chases.chases_of_problem(ledger, pid) == []
    assert stats.stats(ledger)["chases"] == 0
    assert replay.verify(ledger).ok


def test_the_counts_leave_out_void_problems(ledger):
    from tracker.followup import extensions
    from tracker.followup.facts import counts

    kept, dropped = make_problem(ledger, "会议记录不规范"), make_problem(ledger, "重复录入的问题")
    for pid in (kept, dropped):
        chases.record_chases(ledger, [ChaseInput(pid, (measure_ids(ledger, pid)[0],))], "电话")
        extensions.request_extension(
            ledger, measure_ids(ledger, pid)[0], "2026年12月31日", "需上级批复", applicant="李娜"
        )
    before = counts(ledger)
    assert (before.chases, before.chased_measures, before.extension_requests_pending) == (2, 2, 2)
    services.void_problem(ledger, dropped, "重复录入")
    after = counts(ledger)
    assert (after.chases, after.chased_measures, after.extension_requests_pending) == (1, 1, 1)
