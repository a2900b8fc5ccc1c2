"""The follow-up in what goes upward: the 月报's 七、跟踪问效 section and 催办 per measure (a past
month's report as it stood then), and the export's marks for 催办 and 复发."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

from tracker import services
from tracker.excel.export import export_ledger
from tracker.excel.report import build_report
from tracker.excel.report_summary import FOLLOWUP_HEADINGS
from tracker.excel.verify_report import check_report
from tracker.followup import chases, lookbacks, repeats
from tracker.followup.chases import ChaseInput

from ..factories import close_problem, make_problem, measure_ids
from ..test_excel_export import openpyxl_rows


def followup_line(path) -> dict[str, int]:
    rows = openpyxl_rows(load_workbook(path)["汇总"])
    at = next(i for i, r in enumerate(rows) if r[0] == "七、跟踪问效情况")
    headings, values = rows[at + 1], rows[at + 2]
    assert headings[0] == "项目" and values[0] == "跟踪问效"
    return dict(zip(headings[1:], values[1:], strict=False))


def cells(path, sheet: str) -> list:
    return [c for row in load_workbook(path)[sheet].iter_rows(values_only=True) for c in row if c]


def test_the_report_counts_the_follow_up_as_of_its_month(ledger, clock, tmp_path):
    old = services.add_batch(ledger, "2025年度组织生活会", held_on=dt.date(2025, 1, 20)).created_id
    earlier = make_problem(ledger, "会议记录流于形式", batch=old, found_on=dt.date(2025, 1, 20))
    close_problem(ledger, earlier, tmp_path / "e")  # 3月2日 销号; 回头看 due 9月2日
    pid = make_problem(ledger, deadlines=("2026年3月20日", "2026年6月30日"))
    first, _second = measure_ids(ledger, pid)
    chases.record_chases(ledger, [ChaseInput(pid, (first,))], "电话")  # in March
    clock.advance(days=40)  # 4月11日
    chases.record_chases(ledger, [ChaseInput(pid, (first,))], "书面")
    again = make_problem(ledger, "会议记录仍流于形式", found_on=dt.date(2026, 4, 10))
    repeats.mark_repeat(ledger, again, earlier)
    clock.advance(days=160)  # 9月18日
    lookbacks.record_lookback(ledger, earlier, "held", "制度执行良好")

    march = build_report(ledger, tmp_path / "三月.xlsx", 2026, 3).path
    line = followup_line(march)
    assert line["催办（累计）"] == 1 and line["本月催办"] == 1
    assert line["复发问题"] == 0 and line["回头看巩固（累计）"] == 0
    assert "逾期\n催办 1 次" in cells(march, "明细")

    september = build_report(ledger, tmp_path / "九月.xlsx", 2026, 9).path
    line = followup_line(september)
    assert line["催办（累计）"] == 2 and line["本月催办"] == 0
    assert line["复发问题"] == 1
    assert line["回头看巩固（累计）"] == 1 and line["本月巩固"] == 1
    assert len(line) == len(FOLLOWUP_HEADINGS)
    assert check_report(ledger, september).ok  # the sealed section rebuilds from history


def test_the_export_marks_chases_and_repeats(ledger, tmp_path):
    old = services.add_batch(ledger, "2025年度组织生活会", held_on=dt.date(2025, 1, 20)).created_id
    earlier = make_problem(ledger, "会议记录流于形式", batch=old, found_on=dt.date(2025, 1, 20))
    close_problem(ledger, earlier, tmp_path / "e")
    again = make_problem(ledger, "会议记录仍流于形式")
    repeats.mark_repeat(ledger, again, earlier)
    first = measure_ids(ledger, again)[0]
    for way in ("电话", "当面"):
        chases.record_chases(ledger, [ChaseInput(again, (first,))], way)

    path = tmp_path / "台账.xlsx"
    export_ledger(ledger, path)
    # the printed export breaks long cells into lines itself: read the cells' text unbroken
    text = "".join(str(c).replace("\n", "") for c in cells(path, load_workbook(path).sheetnames[0]))
    code = services.lookup.problem_row(ledger, earlier)["code"]
    assert f"复发：问题 {code} 再次出现" in text
    assert "措施1催办 2 次" in text
