"""A problem's nearest open deadline is stored for sorting and the 逾期 view: it must always equal
what the measures say, whatever the user did, and whichever way the rows were written."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

from tracker import migrations, nearest_due, replay, services
from tracker.demo import build_demo
from tracker.ledger import open_ledger
from tracker.models import Problem
from tracker.queries import OVERDUE, Filter, problem_ids, problem_rows

from .factories import extend, make_problem, measure_ids, problem

MARCH_31, JUNE_30, JULY_31 = dt.date(2026, 3, 31), dt.date(2026, 6, 30), dt.date(2026, 7, 31)


def stored(ledger, problem_id: int) -> dt.date | None:
    return problem(ledger, problem_id)["nearest_due"]


def test_the_nearest_deadline_follows_every_change_to_the_measures(ledger, clock):
    a = make_problem(ledger, "会议多", deadlines=("2026年6月30日", "2026年4月30日", "长期坚持"))
    b = make_problem(ledger, "文件多", deadlines=("立行立改",))
    first, second, _ongoing = measure_ids(ledger, a)
    assert stored(ledger, a) == dt.date(2026, 4, 30)
    assert stored(ledger, b) == dt.date(2026, 3, 2)  # 立行立改: due the day it was found

    steps = [
        (lambda: services.complete_measure(ledger, second), dt.date(2026, 6, 30)),
        (lambda: services.reopen_measure(ledger, second), dt.date(2026, 4, 30)),
        (lambda: services.update_measure(ledger, second, deadline="2026年3月底前"), MARCH_31),
        (lambda: extend(ledger, second, "2026年8月31日", "汛期"), JUNE_30),
        (lambda: services.void_measure(ledger, first, "与其他措施合并"), dt.date(2026, 8, 31)),
        (
            lambda: services.add_measure(
                ledger, a, services.MeasureInput("补充措施", deadline="2026年5月15日")
            ),
            dt.date(2026, 5, 15),
        ),
        (lambda: services.undo_last(ledger), dt.date(2026, 8, 31)),
        (lambda: services.bulk_update(ledger, [a, b], deadline="2026年7月31日"), JULY_31),
        (lambda: services.complete_measure(ledger, second), None),  # only 长期坚持 is left
    ]
    for act, expected in steps:
        act()
        assert nearest_due.stale(ledger.db) == []
        assert stored(ledger, a) == expected
    assert stored(ledger, b) == JULY_31
    assert replay.verify(ledger).ok  # the derived column is not part of the journal


def test_the_list_shows_the_same_nearest_deadline_it_sorts_by(ledger, clock):
    for n, deadline in enumerate(("2026年5月1日", "2026年4月1日", "长期坚持", "2026年3月1日")):
        make_problem(ledger, f"问题{n}", deadlines=(deadline, "2026年12月31日"))
    clock.advance(days=40)

    ids = problem_ids(ledger, Filter(), "deadline")
    rows = problem_rows(ledger, ids)
    shown = [rows[pid].nearest_due for pid in ids]
    assert shown == sorted(shown, key=lambda d: (d is None, d))
    overdue = problem_ids(ledger, Filter(view=OVERDUE), "deadline")
    assert [rows[pid].nearest_due for pid in overdue] == [dt.date(2026, 3, 1), dt.date(2026, 4, 1)]
    assert all(rows[pid].overdue for pid in overdue)


def test_a_past_snapshot_has_the_nearest_deadlines_of_that_day(ledger, clock):
    a = make_problem(ledger, "会议多", deadlines=("2026年4月30日", "2026年6月30日"))
    clock.advance(days=1)
    services.complete_measure(ledger, measure_ids(ledger, a)[0])

    snap = replay.snapshot(ledger, dt.date(2026, 3, 2))
    try:
        assert stored(snap, a) == dt.date(2026, 4, 30)
        assert nearest_due.stale(snap.db) == []
    finally:
        snap.close()
    assert stored(ledger, a) == dt.date(2026, 6, 30)


def test_bulk_written_rows_have_their_nearest_deadlines(tmp_path, clock):
    demo = build_demo(tmp_path / "demo.db", problems=60, seed=7, clock=clock)
    try:
        assert nearest_due.stale(demo.db) == []
        assert demo.select(Problem).where(Problem.nearest_due.is_null(False)).count() > 0
    finally:
        demo.close()


def test_an_older_ledger_gets_the_column_filled_in_on_upgrade(ledger, clock):
    a = make_problem(ledger, "会议多", deadlines=("2026年4月30日",))
    path = Path(ledger.location)
    ledger.close()
    conn = sqlite3.connect(path, isolation_level=None)
    try:  # the ledger as version 4 left it: no column, none of the version 6 indexes
        conn.execute("DROP INDEX problem_status_due")
        conn.execute("DROP INDEX measure_problem_status_due")
        conn.execute("ALTER TABLE problem DROP COLUMN nearest_due")
        conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    finally:
        conn.close()

    with open_ledger(path, clock=clock) as upgraded:
        assert migrations.schema_version(upgraded.db) == migrations.LATEST
        assert stored(upgraded, a) == dt.date(2026, 4, 30)
        assert nearest_due.stale(upgraded.db) == []
        assert replay.verify(upgraded).ok


def test_verify_names_a_stale_nearest_deadline_and_reindex_repairs_it(ledger, clock):
    from tracker.cli import main

    pid = make_problem(ledger, "会议多", deadlines=("2026年6月30日",))
    ledger.db.execute_sql("UPDATE problem SET nearest_due = '2030-01-01' WHERE id = ?", (pid,))
    report = replay.verify(ledger)
    assert not report.ok and "最近时限" in report.problems[0]
    assert main(["--db", ledger.location, "reindex"]) == 0
    assert replay.verify(ledger).ok and stored(ledger, pid) == JUNE_30
