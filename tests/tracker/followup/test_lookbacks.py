"""回头看: set on 销号 (six months by default, the ledger's setting, movable per problem), due in
its view and the reminder, recorded as 巩固 or as 反弹 — which reopens the problem with the reason."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import dashboard, history, journal, replay, services, stats
from tracker.errors import NotFoundError, ValidationError, WorkflowError
from tracker.followup import lookbacks
from tracker.models import Lookback
from tracker.queries import LOOKBACK_DUE, Filter, problem_ids, problem_rows

from ..factories import close_problem, make_problem, problem, ready_for_closure


def rows(ledger, pid) -> list[dict]:
    return list(
        ledger.select(Lookback).where(Lookback.problem == pid).order_by(Lookback.id).dicts()
    )


def test_crossing_a_problem_off_sets_its_look_back_six_months_later(ledger, tmp_path):
    pid = make_problem(ledger)
    close_problem(ledger, pid, tmp_path)

    (row,) = rows(ledger, pid)
    assert (row["closed_on"], row["due_on"], row["status"]) == (
        dt.date(2026, 3, 2),
        dt.date(2026, 9, 2),
        "scheduled",
    )
    assert problem_rows(ledger, [pid])[pid].lookback_due_on == dt.date(2026, 9, 2)
    assert replay.verify(ledger).ok


def test_the_interval_is_the_ledgers_setting_and_the_date_can_be_chosen(ledger, tmp_path):
    lookbacks.set_interval(ledger, 3)
    first = make_problem(ledger, "会议多")
    close_problem(ledger, first, tmp_path)
    second = make_problem(ledger, "文件多")
    ready_for_closure(ledger, second, tmp_path)
    services.request_closure(ledger, second, "已完成")
    services.approve_closure(ledger, second, "赵刚", lookback_on=dt.date(2026, 12, 31))

    assert rows(ledger, first)[0]["due_on"] == dt.date(2026, 6, 2)
    assert rows(ledger, second)[0]["due_on"] == dt.date(2026, 12, 31)
    assert lookbacks.interval(ledger) == 3
    with pytest.raises(ValidationError) as caught:
        lookbacks.set_interval(ledger, 0)
    assert caught.value.field == "回头看间隔"


def test_a_look_back_date_moves_per_problem_but_not_before_the_closure(ledger, tmp_path):
    pid = make_problem(ledger)
    close_problem(ledger, pid, tmp_path)

    lookbacks.move_lookback(ledger, pid, dt.date(2026, 5, 1))

    assert rows(ledger, pid)[0]["due_on"] == dt.date(2026, 5, 1)
    with pytest.raises(ValidationError) as caught:
        lookbacks.move_lookback(ledger, pid, dt.date(2026, 3, 1))
    assert caught.value.field == "回头看日期"
    assert history.problem_history(ledger, pid)[-1].action == "改回头看日期"


def test_month_ends_are_kept(ledger):
    assert lookbacks.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert lookbacks.add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)


def test_a_due_look_back_is_in_its_view_the_reminder_and_the_numbers(ledger, tmp_path, clock):
    pid = make_problem(ledger)
    close_problem(ledger, pid, tmp_path)
    assert problem_ids(ledger, Filter(view=LOOKBACK_DUE)) == []

    clock.advance(days=184)  # 9月2日

    assert problem_ids(ledger, Filter(view=LOOKBACK_DUE)) == [pid]
    assert dashboard.due_counts(ledger).lookbacks_due == 1
    assert stats.stats(ledger)["lookbacks_due"] == 1


def test_holding_closes_the_look_back(ledger, tmp_path, clock):
    pid = make_problem(ledger)
    close_problem(ledger, pid, tmp_path)
    clock.advance(days=184)

    lookbacks.record_lookback(ledger, pid, "held", "制度执行良好，会议数量保持下降")

    (row,) = rows(ledger, pid)
    assert (row["status"], row["done_on"], row["by"]) == ("held", dt.date(2026, 9, 2), "王敏")
    assert problem(ledger, pid)["status"] == "closed"
    assert problem_ids(ledger, Filter(view=LOOKBACK_DUE)) == []
    assert stats.stats(ledger)["lookbacks_held"] == 1
    assert history.problem_history(ledger, pid)[-1].action == "回头看：巩固"
    with pytest.raises(NotFoundError):
        lookbacks.record_lookback(ledger, pid, "held")
    assert replay.verify(ledger).ok


def test_slipping_reopens_the_problem_with_the_reason_in_one_action(ledger, tmp_path, clock):
    pid = make_problem(ledger)
    close_problem(ledger, pid, tmp_path)
    clock.advance(days=184)

    lookbacks.record_lookback(ledger, pid, "slipped", "会议数量又有回升")

    (row,) = rows(ledger, pid)
    assert (row["status"], row["note"]) == ("slipped", "会议数量又有回升")
    after = problem(ledger, pid)
    assert after["status"] == "in_progress"
    assert after["status_reason"] == "回头看发现反弹：会议数量又有回升"
    assert after["closed_on"] is None
    last = list(journal.entries(ledger.db, problem=pid))[-1]
    assert last.action == "lookback.slipped"
    assert {c["t"] for c in last.changes} == {"lookback", "problem"}
    assert stats.stats(ledger)["lookbacks_slipped"] == 1
    assert replay.verify(ledger).ok


def test_slipping_needs_the_reason(ledger, tmp_path, clock):
    pid = make_problem(ledger)
    close_problem(ledger, pid, tmp_path)
    with pytest.raises(ValidationError) as caught:
        lookbacks.record_lookback(ledger, pid, "slipped", "  ")
    assert caught.value.field == "反弹情况"
    assert problem(ledger, pid)["status"] == "closed"


def test_a_reopened_problem_gets_a_new_look_back_at_its_next_closure(ledger, tmp_path, clock):
    pid = make_problem(ledger)
    close_problem(ledger, pid, tmp_path)
    services.reopen_problem(ledger, pid, "上级督查发现问题")
    with pytest.raises(WorkflowError):
        lookbacks.record_lookback(ledger, pid, "held")
    clock.advance(days=10)
    services.request_closure(ledger, pid, "再次整改完成")
    services.approve_closure(ledger, pid, "赵刚")

    old, new = rows(ledger, pid)
    assert old["status"] == "cancelled"
    assert (new["status"], new["due_on"]) == ("scheduled", dt.date(2026, 9, 12))
    assert replay.verify(ledger).ok


def test_undoing_the_closure_undoes_its_look_back(ledger, tmp_path):
    pid = make_problem(ledger)
    close_problem(ledger, pid, tmp_path)
    services.undo_last(ledger)
    assert problem(ledger, pid)["status"] == "pending_closure"
    assert rows(ledger, pid)[0]["status"] == "cancelled"
    assert replay.verify(ledger).ok


def test_undoing_a_slip_closes_the_problem_again(ledger, tmp_path):
    pid = make_problem(ledger)
    close_problem(ledger, pid, tmp_path)
    lookbacks.record_lookback(ledger, pid, "slipped", "反弹")
    services.undo_last(ledger)
    assert problem(ledger, pid)["status"] == "closed"
    assert rows(ledger, pid)[0]["status"] == "scheduled"
    assert replay.verify(ledger).ok
