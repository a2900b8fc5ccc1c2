"""查摆日期 of imported problems: from the workbook, the batch, or the user — never silently today."""

from __future__ import annotations

import datetime as dt

from tracker import services
from tracker.cli import main
from tracker.models import Problem

from . import workbooks as W
from .test_excel_import import do_import


def found(ledger) -> list[dt.date]:
    return [d for (d,) in ledger.select(Problem, Problem.found_on).order_by(Problem.id).tuples()]


def test_the_date_filled_in_on_the_header_line_is_the_date_found(ledger, tmp_path):
    plan, _ = do_import(ledger, W.two_vocabularies(tmp_path / "两种说法.xlsx"))
    day = dt.date(2026, 2, 20)
    # crossed off before it: found no later than crossed off
    assert found(ledger) == [day, dt.date(2026, 1, 15), day, day, dt.date(2026, 2, 10), day]
    assert plan.found_on_summary() == [
        "4 个问题的查摆日期为2026年2月20日：来自工作表“台账”表头的“填报日期”",
        "1 个问题的查摆日期为2026年1月15日：来自销号时间（查摆日期不晚于销号日期）",
        "1 个问题的查摆日期为2026年2月10日：来自销号时间（查摆日期不晚于销号日期）",
    ]


def test_a_date_given_for_the_import_wins_over_the_workbook(ledger, tmp_path):
    plan, _ = do_import(
        ledger, W.two_vocabularies(tmp_path / "两种说法.xlsx"), found_on=dt.date(2025, 12, 1)
    )
    assert found(ledger)[0] == dt.date(2025, 12, 1)
    assert plan.found_on_summary() == [
        "6 个问题的查摆日期为2025年12月1日：来自导入时指定的查摆日期"
    ]
    assert found(ledger)[1] == dt.date(2025, 12, 1)  # earlier than its 销号时间: kept


def test_without_a_filled_in_date_the_batch_date_then_today_is_used_and_said(ledger, tmp_path):
    path = W.free_text_status(tmp_path / "情况.xlsx")
    plan, _ = do_import(ledger, path)
    assert set(found(ledger)) == {ledger.today()}
    assert plan.found_on_summary() == [
        "4 个问题的查摆日期为2026年3月2日：来自今天（工作簿中没有查摆时间，也没有填报日期）"
    ]

    other = tmp_path / "另一份.xlsx"
    other.write_bytes(path.read_bytes())
    services.add_batch(ledger, "第二批", held_on=dt.date(2025, 11, 20))
    from openpyxl import load_workbook

    wb = load_workbook(other)
    ws = wb.active
    for r in range(3, 7):
        ws.cell(r, 2).value = f"{ws.cell(r, 2).value}（第二批）"  # other problems
    wb.save(other)
    plan, _ = do_import(ledger, other, batch="第二批")
    assert found(ledger)[4:] == [dt.date(2025, 11, 20)] * 4
    assert plan.found_on_summary() == [
        "4 个问题的查摆日期为2025年11月20日：来自整改批次“第二批”的召开日期"
    ]


def test_the_dry_run_says_which_date_and_where_from(tmp_path, capsys):
    db = str(tmp_path / "l.db")
    assert main(["--db", db, "init"]) == 0
    path = W.two_vocabularies(tmp_path / "两种说法.xlsx")
    capsys.readouterr()
    assert main(["--db", db, "import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "4 个问题的查摆日期为2026年2月20日：来自工作表“台账”表头的“填报日期”" in out
    assert "可用 --found-on 指定" in out
    assert main(["--db", db, "import", str(path), "--dry-run", "--found-on", "2025-12-01"]) == 0
    assert "来自导入时指定的查摆日期" in capsys.readouterr().out
