"""What the 月报 adds for a supervisor: last month's figures beside this month's, the 措施类型
totals, a plain word for a month before the ledger held anything, and past months made fast from
checkpoints that no check ever trusts."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from openpyxl import load_workbook

from tracker import checkpoints, replay, services, tags
from tracker.errors import LedgerError
from tracker.excel.report import build_report
from tracker.excel.report_summary import EMPTY_NOTE
from tracker.excel.verify_report import check_report
from tracker.models import Measure

from .factories import close_problem, make_problem, measure_ids
from .test_excel_export import openpyxl_rows
from .test_excel_report import figures_after, october_story


def sections(path) -> list[list]:
    return openpyxl_rows(load_workbook(path)["汇总"])


def test_last_months_figures_stand_beside_this_months_with_the_change(ledger, clock, tmp_path):
    october_story(ledger, clock, tmp_path / "scans")
    october = build_report(ledger, tmp_path / "10.xlsx", 2026, 10)
    clock.now = dt.datetime(2026, 11, 10, 9, 0)
    make_problem(ledger, "公车管理不严", deadlines=("2026年12月31日",))
    november = build_report(ledger, tmp_path / "11.xlsx", 2026, 11)

    before = figures_after(sections(october.path), "一、问题整改总体情况")
    now = figures_after(sections(november.path), "一、问题整改总体情况")
    assert now["上月数"] == before["查摆问题"]  # last month's report, to the figure
    change = [round(a - b, 4) for a, b in zip(now["查摆问题"], now["上月数"], strict=True)]
    assert now["较上月增减"] == change
    assert now["查摆问题"][0] - now["上月数"][0] == 1  # one problem more
    measures = figures_after(sections(november.path), "二、整改措施落实情况")
    assert (
        measures["上月数"]
        == figures_after(sections(october.path), "二、整改措施落实情况")["整改措施"]
    )
    assert check_report(ledger, november.path).ok
    assert check_report(ledger, october.path).ok


def test_the_measure_tags_are_totalled_with_the_money_recovered(ledger, clock, tmp_path):
    first = make_problem(ledger, "公务接待超标准", deadlines=("2026年6月30日", "2026年6月30日"))
    rules, refund = measure_ids(ledger, first)
    services.update_measure(ledger, rules, tags=(tags.RULES, tags.STUDY))
    services.update_measure(ledger, refund, tags=(tags.RECOVERY,), amount=tags.cents_of("1.25万"))
    second = make_problem(ledger, "违规发放补贴")
    (other,) = measure_ids(ledger, second)
    services.update_measure(
        ledger, other, tags=(tags.RECOVERY, tags.ACCOUNTABILITY), amount=500_000
    )
    services.void_measure(ledger, other, "重复录入")  # a void measure counts for nothing

    result = build_report(ledger, tmp_path / "3.xlsx", 2026, 3)

    table = figures_after(sections(result.path), "三、整改成效（按措施类型统计，单位：项）")
    # 建章立制 追责问责 挽回损失/清退资金 专题学习 举一反三 金额（万元）
    assert table["整改措施"] == [1, 0, 1, 1, 0, 1.25]
    assert table["上月数"] == [0, 0, 0, 0, 0, 0]
    total = result.figures.total
    assert (total.tags_rules, total.tags_recovery, total.recovered_cents) == (1, 1, 1_250_000)
    assert check_report(ledger, result.path).ok


def test_a_month_before_the_ledger_existed_is_refused_in_words(ledger):
    with pytest.raises(LedgerError) as caught:
        build_report(ledger, "x.xlsx", 2026, 1)  # the ledger was made on 2 March
    assert "还不存在" in str(caught.value) and "2026年3月2日" in str(caught.value)


def test_a_month_when_the_ledger_held_nothing_says_so_and_still_checks(ledger, tmp_path):
    result = build_report(ledger, tmp_path / "3.xlsx", 2026, 3)
    rows = sections(result.path)
    assert [EMPTY_NOTE] in [[v for v in row if v] for row in rows]
    assert check_report(ledger, result.path).ok


def test_an_imported_progress_entry_is_not_dated_by_the_import_day(ledger, clock, tmp_path):
    pid = make_problem(ledger, "会议文件多")
    (mid,) = measure_ids(ledger, pid)
    with services_progress(ledger) as add:
        add(mid, "原台账中写的进展", "import-undated")
    result = build_report(ledger, tmp_path / "3.xlsx", 2026, 3)
    rows = openpyxl_rows(load_workbook(result.path)["明细"])[4:]
    assert rows[0][13] == "原表记载（2026年3月2日导入，未注明日期）：原台账中写的进展"


class services_progress:
    """Progress entries as the importer writes them (with where they came from)."""

    def __init__(self, ledger) -> None:
        self.ledger = ledger

    def __enter__(self):
        from tracker.bulk import BulkWriter
        from tracker.models import Progress

        self.writer = BulkWriter(self.ledger)

        def add(mid: int, text: str, origin: str) -> None:
            pid = self.ledger.select(Measure, Measure.problem).where(Measure.id == mid).scalar()
            values = {"measure": mid, "on": self.ledger.today(), "text": text, "origin": origin}
            change = self.writer.create(Progress, {**values, "author": "王敏"})[1]
            self.writer.event(self.ledger.now(), "王敏", "import", pid, [change])

        return add

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.writer.write()


# -- checkpoints ----------------------------------------------------------------------------------
def test_a_past_month_is_kept_as_a_checkpoint_and_gives_the_same_report(ledger, clock, tmp_path):
    october_story(ledger, clock, tmp_path / "scans")
    clock.now = dt.datetime(2026, 11, 3, 9, 0)
    cold = build_report(ledger, tmp_path / "cold.xlsx", 2026, 10)
    kept = list(checkpoints.folder(ledger).glob("*.db"))
    assert len(kept) == 2  # the end of October, and of September (its 上月数)
    warm = build_report(ledger, tmp_path / "warm.xlsx", 2026, 10)
    assert warm.digest == cold.digest  # made from the checkpoint: the same sealed content
    assert check_report(ledger, warm.path).ok
    assert replay.verify(ledger).ok  # verify compared the checkpoints with the journal


def test_a_checkpoint_edited_on_disk_is_caught_by_every_check(ledger, clock, tmp_path):
    late = october_story(ledger, clock, tmp_path / "scans")
    clock.now = dt.datetime(2026, 11, 3, 9, 0)
    build_report(ledger, tmp_path / "first.xlsx", 2026, 10)
    october = max(checkpoints.folder(ledger).glob("*.db"), key=lambda p: int(p.name.split("-")[0]))
    con = sqlite3.connect(october)
    with con:
        con.execute("UPDATE problem SET status = 'closed' WHERE id = ?", (late,))
    con.close()

    flattering = build_report(ledger, tmp_path / "flattering.xlsx", 2026, 10)
    check = check_report(ledger, flattering.path)  # rebuilt from the journal, not the checkpoint
    assert not check.ok and any(r.startswith("汇总") for r in check.reasons)
    found = replay.verify(ledger)
    assert not found.ok and any("检查点" in p for p in found.problems)
    assert not october.exists()  # never used again
    again = build_report(ledger, tmp_path / "again.xlsx", 2026, 10)
    assert check_report(ledger, again.path).ok


def test_a_rewritten_history_is_not_read_from_an_old_checkpoint(ledger, clock, tmp_path):
    october_story(ledger, clock, tmp_path / "scans")
    clock.now = dt.datetime(2026, 11, 3, 9, 0)
    build_report(ledger, tmp_path / "a.xlsx", 2026, 10)
    october = max(int(p.name.split("-")[0]) for p in checkpoints.folder(ledger).glob("*.db"))
    con = sqlite3.connect(ledger.location)
    with con:  # a history rewritten and hashed again changes the hash of every later entry
        con.execute("UPDATE journal SET hash = 'x' || substr(hash, 2) WHERE seq = ?", (october,))
    con.close()
    past = checkpoints.past(ledger, dt.date(2026, 10, 31))
    try:
        assert past.db.database == ":memory:"  # rebuilt from the journal, the checkpoint unused
    finally:
        past.close()


def test_stats_and_export_as_of_a_month_end_use_the_checkpoint(ledger, clock, tmp_path, capsys):
    from tracker.cli import main

    october_story(ledger, clock, tmp_path / "scans")
    clock.now = dt.datetime(2026, 11, 3, 9, 0)
    ledger.close()
    for _ in range(2):
        assert main(["--db", ledger.location, "stats", "--as-of", "2026-10-31", "--json"]) == 0
    first, second = capsys.readouterr().out.strip().splitlines()
    assert first == second and '"problems": 3' in first


def test_reindex_removes_the_checkpoints(ledger, clock, tmp_path):
    october_story(ledger, clock, tmp_path / "scans")
    clock.now = dt.datetime(2026, 11, 3, 9, 0)
    build_report(ledger, tmp_path / "a.xlsx", 2026, 10)
    assert list(checkpoints.folder(ledger).glob("*.db"))
    replay.reindex(ledger)
    assert not list(checkpoints.folder(ledger).glob("*.db"))


def test_a_later_moment_is_built_from_the_nearest_checkpoint(ledger, clock, tmp_path):
    october_story(ledger, clock, tmp_path / "scans")
    clock.now = dt.datetime(2026, 11, 5, 9, 0)
    make_problem(ledger, "十一月的问题")
    close_problem(ledger, make_problem(ledger, "十一月销号的问题"), tmp_path / "scans")
    clock.now = dt.datetime(2026, 12, 3, 9, 0)
    build_report(ledger, tmp_path / "10.xlsx", 2026, 10)  # keeps the end of October
    advanced = checkpoints.past(ledger, dt.date(2026, 11, 30))
    direct = replay.snapshot(ledger, dt.date(2026, 11, 30))
    try:
        for model in (Measure,):
            query = "SELECT * FROM measure ORDER BY id"
            assert (
                advanced.db.execute_sql(query).fetchall() == direct.db.execute_sql(query).fetchall()
            ), model
        query = "SELECT * FROM problem ORDER BY id"
        assert advanced.db.execute_sql(query).fetchall() == direct.db.execute_sql(query).fetchall()
    finally:
        advanced.close()
        direct.close()
