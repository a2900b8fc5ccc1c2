"""逾期, days left and the colour band as the calendar moves; the headline numbers, now and in the past."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import overdue, replay, services, stats
from tracker.errors import ReadOnlyError
from tracker.models import Evidence, Measure, Problem

from .factories import close_problem, make_problem, measure, measure_ids, problem, write_file

KEYS = {
    "as_of",
    "problems",
    "listed",
    "in_progress",
    "pending_closure",
    "long_term",
    "closed",
    "closed_on_import",
    "overdue_problems",
    "measures",
    "measures_done",
    "measures_long_term",
    "overdue_measures",
    "closure_rate",
    "chases",
    "extension_requests_pending",
    "extensions_approved",
    "lookbacks_due",
    "lookbacks_held",
    "lookbacks_slipped",
    "repeats",
    "samples_checked",
    "samples_false",
}
STATUS_KEYS = ["listed", "in_progress", "pending_closure", "long_term", "closed"]


def outlook(ledger, mid) -> tuple:
    """What the ledger list shows for a measure today: overdue?, days left, band."""
    m = measure(ledger, mid)
    p = problem(ledger, m["problem"])
    today = ledger.today()
    days = overdue.days_left(m["deadline_date"], today)
    return (
        overdue.is_overdue(m["status"], m["deadline_date"], p["status"], today),
        days,
        overdue.band(days),
    )


def python_overdue_count(ledger) -> int:
    """The same question asked row by row in Python, to hold the SQL to it."""
    today = ledger.today()
    rows = (
        ledger.select(Measure, Measure.status, Measure.deadline_date, Problem.status)
        .join(Problem, on=(Measure.problem == Problem.id))
        .tuples()
    )
    return sum(overdue.is_overdue(ms, due, ps, today) for ms, due, ps in rows)


# -- one measure as the days go by --------------------------------------------------------------
def test_a_deadline_turns_blue_then_yellow_then_red(ledger, clock):
    (mid,) = measure_ids(ledger, make_problem(ledger, deadlines=("2026年3月31日",)))

    assert outlook(ledger, mid) == (False, 29, "blue")
    clock.advance(days=23)  # 3月25日
    assert outlook(ledger, mid) == (False, 6, "yellow")
    clock.advance(days=6)  # 3月31日: the last day is still in time
    assert outlook(ledger, mid) == (False, 0, "yellow")
    assert stats.stats(ledger)["overdue_measures"] == 0
    clock.advance(days=1)  # 4月1日
    assert outlook(ledger, mid) == (True, -1, "red")
    numbers = stats.stats(ledger)
    assert (numbers["as_of"], numbers["overdue_measures"], numbers["overdue_problems"]) == (
        "2026-04-01",
        1,
        1,
    )


def test_a_far_deadline_has_no_colour(ledger):
    (mid,) = measure_ids(ledger, make_problem(ledger, deadlines=("2026年6月30日",)))
    assert outlook(ledger, mid) == (False, 120, None)


def test_fix_at_once_is_late_the_next_day(ledger, clock):
    (mid,) = measure_ids(ledger, make_problem(ledger, deadlines=("立行立改",)))
    assert outlook(ledger, mid) == (False, 0, "yellow")
    clock.advance(days=1)
    assert outlook(ledger, mid) == (True, -1, "red")


def test_a_measure_done_late_is_no_longer_overdue(ledger, clock):
    pid = make_problem(ledger, deadlines=("2026年3月10日",))
    (mid,) = measure_ids(ledger, pid)
    clock.advance(days=15)
    assert stats.stats(ledger)["overdue_measures"] == 1

    services.complete_measure(ledger, mid)

    assert outlook(ledger, mid)[0] is False
    assert stats.stats(ledger)["overdue_problems"] == 0


@pytest.mark.parametrize(
    ("days", "colour"),
    [
        (None, None),
        (-30, "red"),
        (-1, "red"),
        (0, "yellow"),
        (7, "yellow"),
        (8, "blue"),
        (30, "blue"),
        (31, None),
    ],
)
def test_the_colour_bands_edges(days, colour):
    assert overdue.band(days) == colour


def test_band_labels_are_chinese():
    assert overdue.BAND_LABELS == {"red": "逾期", "yellow": "7天内到期", "blue": "30天内到期"}


@pytest.mark.parametrize(
    ("measure_status", "problem_status", "late"),
    [
        ("open", "listed", True),
        ("open", "in_progress", True),
        ("open", "long_term", True),
        ("open", "closed", False),
        ("open", "void", False),
        ("done", "in_progress", False),
        ("long_term", "in_progress", False),
        ("void", "in_progress", False),
    ],
)
def test_what_counts_as_overdue(measure_status, problem_status, late):
    today = dt.date(2026, 4, 1)
    assert overdue.is_overdue(measure_status, dt.date(2026, 3, 31), problem_status, today) is late
    assert overdue.is_overdue(measure_status, None, problem_status, today) is False


# -- the headline numbers -----------------------------------------------------------------------
def test_an_empty_ledger_has_zero_everywhere(ledger):
    numbers = stats.stats(ledger)
    assert set(numbers) == KEYS
    assert numbers["as_of"] == "2026-03-02"
    assert all(numbers[k] == 0 for k in KEYS - {"as_of"})
    assert numbers["closure_rate"] == 0.0


def test_the_numbers_add_up_across_every_status(ledger, tmp_path, clock):
    files = tmp_path / "files"
    make_problem(ledger, "挂账的问题", deadlines=("2026年3月20日",))
    started = make_problem(ledger, "整改中的问题", deadlines=("2026年3月25日", "长期坚持"))
    services.add_progress(ledger, measure_ids(ledger, started)[0], "已启动")
    waiting = make_problem(ledger, "待销号的问题")
    close_problem(ledger, waiting, files)
    services.reopen_problem(ledger, waiting, "回头看")
    services.request_closure(ledger, waiting, "再次申请")
    long_term = make_problem(ledger, "长期坚持的问题", deadlines=("每季度",))
    services.set_long_term(ledger, long_term)
    for n in range(2):
        close_problem(ledger, make_problem(ledger, f"已销号的问题{n}"), files)
    services.void_problem(
        ledger, make_problem(ledger, "作废的问题", deadlines=("2026年3月1日",)), "重复"
    )
    clock.advance(days=21)  # 3月23日: the first deadline has passed

    numbers = stats.stats(ledger)

    assert set(numbers) == KEYS
    assert {k: numbers[k] for k in STATUS_KEYS} == {
        "listed": 1,
        "in_progress": 1,
        "pending_closure": 1,
        "long_term": 1,
        "closed": 2,
    }
    assert numbers["problems"] == sum(numbers[k] for k in STATUS_KEYS) == 6
    assert numbers["closed_on_import"] == 0  # both were reviewed
    assert numbers["closure_rate"] == round(2 / 6, 4) == 0.3333
    assert overdue.format_rate(numbers["closure_rate"]) == "33.3%"
    assert numbers["measures"] == 7  # 1 + 2 + 1 + 1 + 2; the void problem's measure is not counted
    assert numbers["measures_done"] == 3
    assert numbers["measures_long_term"] == 2
    assert (numbers["overdue_measures"], numbers["overdue_problems"]) == (1, 1)
    assert numbers["overdue_measures"] == python_overdue_count(ledger)


def test_every_problem_crossed_off_is_a_full_closure_rate(ledger, tmp_path):
    for n in range(3):
        close_problem(ledger, make_problem(ledger, f"问题{n}"), tmp_path / "files")
    services.void_problem(ledger, make_problem(ledger, "误录"), "误录")

    assert stats.stats(ledger)["closure_rate"] == 1.0  # 见底清零: void ones do not count against it


def test_a_problem_with_several_late_measures_is_one_overdue_problem(ledger, clock):
    make_problem(ledger, deadlines=("2026年3月5日", "2026年3月6日", "长期坚持"))
    make_problem(ledger, deadlines=("2026年3月5日",))
    clock.advance(days=10)

    numbers = stats.stats(ledger)

    assert (numbers["overdue_measures"], numbers["overdue_problems"]) == (3, 2)


def test_long_term_measures_are_never_overdue(ledger, clock):
    pid = make_problem(ledger, deadlines=("2026年3月5日",))
    (mid,) = measure_ids(ledger, pid)
    clock.advance(days=10)
    assert stats.stats(ledger)["overdue_measures"] == 1

    services.update_measure(ledger, mid, deadline="长期坚持，每月检查")

    numbers = stats.stats(ledger)
    assert (numbers["overdue_measures"], numbers["measures_long_term"]) == (0, 1)


def test_an_open_measure_left_on_a_closed_problem_is_not_overdue(ledger, tmp_path, clock):
    """An imported 已销号 row whose measure was never ticked off must not show as 逾期."""
    pid = make_problem(ledger, deadlines=("2026年3月5日",))
    close_problem(ledger, pid, tmp_path / "files")
    ledger.db.execute_sql(
        "UPDATE measure SET status = 'open', done_on = NULL WHERE problem_id = ?", (pid,)
    )
    clock.advance(days=30)

    numbers = stats.stats(ledger)

    assert (numbers["overdue_measures"], numbers["overdue_problems"]) == (0, 0)
    assert python_overdue_count(ledger) == 0


def test_a_voided_problems_late_measures_are_not_overdue(ledger, clock):
    pid = make_problem(ledger, deadlines=("2026年3月5日",))
    clock.advance(days=10)
    services.void_problem(ledger, pid, "重复")
    assert stats.stats(ledger)["overdue_problems"] == 0


# -- the past, rebuilt from the journal ---------------------------------------------------------
@pytest.fixture
def a_month_of_work(ledger, clock, tmp_path):
    """3月2日 three problems listed; 3月5日 one started; 3月12日 it is crossed off; 3月20日 one voided, one added."""
    a = make_problem(ledger, "会议多", deadlines=("2026年3月31日",))
    b = make_problem(ledger, "文件多", deadlines=("2026年3月10日",))
    c = make_problem(ledger, "调研少", deadlines=("长期坚持",))
    heads = {"3-02": services.update_problem(ledger, c, cause="深入基层不够").journal_head}
    clock.advance(days=3)
    services.add_progress(ledger, measure_ids(ledger, a)[0], "制定会议清单")
    clock.advance(days=7)
    close_problem(ledger, a, tmp_path / "files")
    clock.advance(days=8)
    services.void_problem(ledger, b, "与上级反馈问题合并")
    make_problem(ledger, "值班不严", deadlines=("2026年4月30日",))
    return {"a": a, "b": b, "c": c, "heads": heads}


def test_the_numbers_of_a_past_day_are_rebuilt_from_the_journal(ledger, a_month_of_work):
    def on(day: int) -> dict:
        snap = replay.snapshot(ledger, dt.date(2026, 3, day))
        try:
            return stats.stats(snap)
        finally:
            snap.close()

    assert on(1)["problems"] == 0
    assert {k: on(2)[k] for k in ("problems", "listed", "measures")} == {
        "problems": 3,
        "listed": 3,
        "measures": 3,
    }
    assert (on(5)["listed"], on(5)["in_progress"]) == (2, 1)
    eleventh = on(11)
    assert eleventh["as_of"] == "2026-03-11"
    assert (eleventh["overdue_measures"], eleventh["overdue_problems"], eleventh["closed"]) == (
        1,
        1,
        0,
    )
    twelfth = on(12)
    assert (twelfth["problems"], twelfth["closed"], twelfth["closure_rate"]) == (3, 1, 0.3333)

    now = stats.stats(ledger)
    assert (now["problems"], now["closed"], now["overdue_problems"], now["listed"]) == (3, 1, 0, 2)
    assert on(20) == now


def test_a_past_snapshot_carries_the_head_code_of_that_day(ledger, a_month_of_work):
    snap = replay.snapshot(ledger, dt.date(2026, 3, 2))
    try:
        assert snap.snapshot_head.code == a_month_of_work["heads"]["3-02"]
        assert snap.today() == dt.date(2026, 3, 2)
        assert problem(snap, a_month_of_work["c"])["cause"] == "深入基层不够"
    finally:
        snap.close()


def test_a_past_snapshot_cannot_be_changed(ledger, a_month_of_work):
    snap = replay.snapshot(ledger, dt.date(2026, 3, 5))
    try:
        with pytest.raises(ReadOnlyError) as caught:
            services.update_problem(snap, a_month_of_work["a"], cause="改写历史")
        assert "只读" in str(caught.value)
    finally:
        snap.close()
    assert problem(ledger, a_month_of_work["a"])["cause"] == ""


def test_a_snapshot_shows_a_problem_that_was_voided_later(ledger, a_month_of_work):
    snap = replay.snapshot(ledger, dt.date(2026, 3, 12))
    try:
        assert problem(snap, a_month_of_work["b"])["status"] == "listed"
        assert problem(snap, a_month_of_work["a"])["closed_on"] == dt.date(2026, 3, 12)
    finally:
        snap.close()


def test_a_snapshots_evidence_opens_the_files_kept_by_the_live_ledger(ledger, tmp_path):
    pid = make_problem(ledger)
    services.add_evidence(ledger, pid, write_file(tmp_path, "纪要.txt", "支部会议纪要"))
    snap = replay.snapshot(ledger, dt.date(2026, 3, 2))
    try:
        ((sha, name),) = snap.select(Evidence, Evidence.sha256, Evidence.name).tuples()
        assert services.evidence_file(snap, sha, name).read_text(encoding="utf-8") == "支部会议纪要"
    finally:
        snap.close()


def test_a_snapshot_survives_a_clock_that_was_set_back(ledger, clock):
    clock.now = dt.datetime(2026, 3, 5, 9, 0)
    pid = make_problem(ledger, "会议多")
    clock.now = dt.datetime(2026, 3, 4, 17, 0)  # the office PC's clock was a day behind
    services.update_problem(ledger, pid, cause="原因")

    snap = replay.snapshot(ledger, dt.date(2026, 3, 4))
    try:
        assert stats.stats(snap)["problems"] in (0, 1)
    finally:
        snap.close()
