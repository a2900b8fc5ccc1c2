"""The follow-up records are history like the rest: an older ledger upgrades to them and verifies
after each action, and `stats --as-of` counts them as they stood that day."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

from tests.conftest import FakeClock
from tracker import migrations, replay, stats
from tracker.cli import main
from tracker.followup import chases, extensions, lookbacks, repeats, sampling
from tracker.followup.chases import ChaseInput
from tracker.ledger import open_ledger

from ..factories import OWNER, REVIEWER, close_problem, make_problem, measure_ids

OLD_LEDGER = Path(__file__).resolve().parents[2] / "data" / "ledger-v9.db"


def test_an_older_ledger_upgrades_and_verifies_after_every_follow_up_action(tmp_path):
    path = tmp_path / "old.db"
    shutil.copy(OLD_LEDGER, path)
    clock = FakeClock(dt.datetime(2026, 12, 1, 9, 0))
    with open_ledger(path, actor="王敏", clock=clock) as ledger:
        assert migrations.schema_version(ledger.db) == migrations.LATEST
        assert replay.verify(ledger).ok
        earlier = make_problem(
            ledger, "会议记录流于形式，学习笔记应付了事", deadlines=("2027年3月31日",)
        )
        close_problem(ledger, earlier, tmp_path / "a")  # 审核通过: a 回头看 is set
        later = make_problem(
            ledger, "学习笔记应付了事，会议记录流于形式", deadlines=("2027年3月31日",)
        )
        (mid,) = measure_ids(ledger, later)
        steps = [
            lambda: chases.record_chases(ledger, [ChaseInput(later, (mid,))], "电话"),
            lambda: extensions.request_extension(
                ledger, mid, "2027年6月30日", "待批复", applicant=OWNER
            ),
            lambda: extensions.approve_extension(ledger, _pending(ledger, mid), REVIEWER),
            lambda: lookbacks.move_lookback(ledger, earlier, dt.date(2027, 1, 15)),
            lambda: lookbacks.record_lookback(ledger, earlier, "held", "巩固良好"),
            lambda: repeats.mark_repeat(ledger, later, earlier),
            lambda: sampling.draw_sample(ledger, 1),
            lambda: sampling.record_result(ledger, _first_item(ledger), "属实"),
        ]
        for step in steps:
            step()
            report = replay.verify(ledger)
            assert report.ok, report.problems


def _pending(ledger, mid) -> int:
    return extensions.pending_request(ledger, mid)["id"]


def _first_item(ledger) -> int:
    return sampling.items(ledger, sampling.draws(ledger)[0].id)[0]["id"]


def stats_as_of(path, day: dt.date, capsys) -> dict:
    assert main(["--db", str(path), "stats", "--as-of", day.isoformat(), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_stats_as_of_a_past_day_counts_the_follow_up_as_it_stood(ledger, clock, tmp_path, capsys):
    pid = make_problem(ledger, deadlines=("2026年3月20日", "2026年6月30日"))
    first, second = measure_ids(ledger, pid)
    chases.record_chases(ledger, [ChaseInput(pid, (first,))], "电话")  # 3月2日
    extensions.request_extension(ledger, second, "2026年8月31日", "待批复", applicant=OWNER)
    done = make_problem(ledger, "文件多")
    close_problem(ledger, done, tmp_path)  # 回头看 due 9月2日
    clock.advance(days=3)  # 3月5日
    chases.record_chases(ledger, [ChaseInput(pid, (first, second))], "书面")
    extensions.approve_extension(ledger, _pending(ledger, second), REVIEWER)
    clock.advance(days=200)  # 9月21日
    lookbacks.record_lookback(ledger, done, "slipped", "又出现文件多")
    path = ledger.location
    ledger.close()

    march2 = stats_as_of(path, dt.date(2026, 3, 2), capsys)
    march5 = stats_as_of(path, dt.date(2026, 3, 5), capsys)
    september = stats_as_of(path, dt.date(2026, 9, 10), capsys)
    now = stats_as_of(path, dt.date(2026, 9, 21), capsys)

    assert (march2["chases"], march2["extension_requests_pending"]) == (1, 1)
    assert (march2["extensions_approved"], march2["lookbacks_due"]) == (0, 0)
    assert (
        march5["chases"],
        march5["extension_requests_pending"],
        march5["extensions_approved"],
    ) == (2, 0, 1)
    assert (september["lookbacks_due"], september["lookbacks_slipped"]) == (1, 0)
    assert (now["lookbacks_due"], now["lookbacks_slipped"]) == (0, 1)
    with open_ledger(path) as again:
        assert stats.stats(again)["lookbacks_slipped"] == 1
