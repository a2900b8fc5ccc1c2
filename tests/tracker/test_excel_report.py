"""The 月报 a branch sends upward each month, and the supervisor's check that history still backs it."""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.tracker import pgserver
from tracker import services
from tracker.cli import main
from tracker.demo import build_demo
from tracker.errors import LedgerError
from tracker.excel.export import export_ledger
from tracker.excel.report import build_report
from tracker.excel.report_summary import PROBLEM_HEADINGS
from tracker.excel.verify_report import check_report
from tracker.ledger import create_ledger
from tracker.replay import snapshot
from tracker.stats import stats

from .factories import close_problem, make_problem, measure_ids
from .test_excel_export import calamine_rows, openpyxl_rows, same_values

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)
SECTIONS = ("四、按问题类别统计", "五、按责任部门统计", "六、按整改批次统计")


def summary(path) -> list[list]:
    rows = openpyxl_rows(load_workbook(path)["汇总"])
    values, _ = calamine_rows(path, "汇总")
    assert same_values(values, rows)  # a second, independent reader sees the same figures
    return rows


def figures_after(rows: list[list], caption: str) -> dict[str, list]:
    """{label: [numbers…]} of the table under `caption`, the 合计 line included."""
    start = next(i for i, r in enumerate(rows) if r[0] == caption) + 2
    out = {}
    for row in rows[start:]:
        if row[0] is None:
            break
        out[row[0]] = [v for v in row[1:] if v is not None]
        if row[0] == "合计":
            break
    return out


def headline(rows: list[list]) -> tuple[list, list]:
    problems = figures_after(rows, "一、问题整改总体情况")["查摆问题"]
    measures = figures_after(rows, "二、整改措施落实情况")["整改措施"]
    return problems, measures


@pytest.fixture
def demo(tmp_path):
    led = build_demo(tmp_path / "demo.db", problems=150, clock=lambda: NOW)
    yield led
    led.close()


# -- the figures ----------------------------------------------------------------------------------
def test_the_summary_matches_stats_and_every_table_adds_up(demo, tmp_path):
    path = tmp_path / "月报.xlsx"
    result = build_report(demo, path, 2026, 11)
    numbers = stats(demo)
    rows = summary(path)
    assert rows[0][0] == f"{demo.unit_name}2026年11月整改工作进展情况" == result.title

    problems, measures = headline(rows)
    total, new, closed, closed_now, long_term, open_, late, rate = problems
    assert total == numbers["problems"] and closed == numbers["closed"]
    assert long_term == numbers["long_term"] and late == numbers["overdue_problems"]
    assert open_ == numbers["listed"] + numbers["in_progress"] + numbers["pending_closure"]
    assert total == closed + long_term + open_
    assert rate == pytest.approx(numbers["closure_rate"])
    assert 0 <= closed_now <= closed and 0 <= new <= total
    m_total, _, m_done, _, m_long, m_open, m_late, m_rate = measures
    assert (m_total, m_done, m_long, m_late) == (
        numbers["measures"],
        numbers["measures_done"],
        numbers["measures_long_term"],
        numbers["overdue_measures"],
    )
    assert m_total == m_done + m_long + m_open

    for caption in SECTIONS:
        table = figures_after(rows, caption)
        sums = table.pop("合计")
        assert sums == [*problems, m_total, m_done, m_late]
        for column in (0, 1, 2, 3, 4, 5, 6, 8, 9, 10):  # every count, not the rate
            assert sum(line[column] for line in table.values()) == sums[column], (caption, column)
        for label, line in table.items():
            assert line[0] == line[2] + line[4] + line[5], label  # 总数 = 已销号 + 长期 + 正在整改
            assert line[7] == pytest.approx(round(line[2] / line[0], 4)), label


def test_headings_and_print_setup_of_all_three_sheets(demo, tmp_path):
    path = tmp_path / "月报.xlsx"
    build_report(demo, path, 2026, 11)
    wb = load_workbook(path)
    assert wb.sheetnames == ["汇总", "明细", "逾期", "校验数据"]
    assert [ws.sheet_state for ws in wb] == ["visible", "visible", "visible", "veryHidden"]
    assert wb.active.title == "汇总"
    rows = openpyxl_rows(wb["汇总"])
    assert rows[1][0].startswith("填报单位：")
    assert " ".join(v for v in rows[1] if v).count("：") == 4  # 填报单位 填报日期 联系人 电话
    head = next(r for r in rows if r[0] == "项目")
    assert head[1:9] == list(PROBLEM_HEADINGS)
    for ws in wb.worksheets[:3]:
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
        assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert wb["明细"].print_title_rows == wb["逾期"].print_title_rows == "$4:$4"
    assert wb["明细"]["A4"].value == "序号" and wb["逾期"]["I4"].value == "逾期天数"


def test_the_overdue_sheet_lists_every_overdue_measure_with_days_late(demo, tmp_path):
    path = tmp_path / "月报.xlsx"
    result = build_report(demo, path, 2026, 11)
    rows = openpyxl_rows(load_workbook(path)["逾期"])[4:]
    assert len(rows) == result.overdue_measures == stats(demo)["overdue_measures"]
    days = [r[8] for r in rows]
    assert all(d > 0 for d in days) and days == sorted(days, reverse=True)
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))


# -- a month in the past --------------------------------------------------------------------------
def october_story(ledger, clock, folder):
    """October: three problems; one crossed off, one late. November: the late one is fixed."""
    clock.now = dt.datetime(2026, 10, 5, 9, 0)
    late = make_problem(ledger, "会议文件多", deadlines=("2026年10月20日",))
    make_problem(ledger, "调研走过场", deadlines=("2026年12月31日",))
    done = make_problem(ledger, "窗口服务慢", deadlines=("2026年10月31日",))
    clock.now = dt.datetime(2026, 10, 12, 10, 0)
    (mid,) = measure_ids(ledger, late)
    services.add_progress(ledger, mid, "已起草精简方案")
    close_problem(ledger, done, folder)
    clock.now = dt.datetime(2026, 10, 31, 17, 0)
    return late


def test_octobers_report_made_in_december_gives_octobers_numbers(ledger, clock, tmp_path):
    late = october_story(ledger, clock, tmp_path / "scans")
    in_october = build_report(ledger, tmp_path / "10月（当月）.xlsx", 2026, 10)

    clock.now = dt.datetime(2026, 11, 10, 9, 0)
    make_problem(ledger, "公车管理不严", deadlines=("2026年12月31日",))
    close_problem(ledger, late, tmp_path / "scans")
    clock.now = dt.datetime(2026, 12, 3, 9, 0)
    in_december = build_report(ledger, tmp_path / "10月（补做）.xlsx", 2026, 10)

    then = summary(in_october.path)
    again = summary(in_december.path)
    for caption in ("一、问题整改总体情况", "二、整改措施落实情况", *SECTIONS):
        assert figures_after(then, caption) == figures_after(again, caption), caption
    problems, _ = headline(again)
    assert problems[:7] == [3, 3, 1, 1, 0, 2, 1]  # 总数 新增 已销号 本月销号 长期 正在整改 逾期
    october = stats(snapshot(ledger, dt.date(2026, 10, 31)))
    assert (october["problems"], october["closed"], october["overdue_problems"]) == (3, 1, 1)
    assert in_october.code == in_december.code  # nothing was written after 17:00 that day
    assert in_december.moment == "2026-10-31 23:59:59"
    assert headline(summary(build_report(ledger, tmp_path / "11.xlsx", 2026, 11).path))[0][:4] == [
        4,
        1,
        2,
        1,
    ]


def test_the_detail_sheet_has_open_problems_and_those_closed_in_the_month(ledger, clock, tmp_path):
    clock.now = dt.datetime(2026, 9, 1, 9, 0)
    closed_in_september = make_problem(ledger, "九月已销号", deadlines=("2026年9月30日",))
    close_problem(ledger, closed_in_september, tmp_path / "scans")
    late = october_story(ledger, clock, tmp_path / "scans")
    clock.now = dt.datetime(2026, 11, 2, 9, 0)
    (mid,) = measure_ids(ledger, late)
    services.add_progress(ledger, mid, "十一月的进展不算十月的")
    result = build_report(ledger, tmp_path / "10.xlsx", 2026, 10)

    rows = [r for r in openpyxl_rows(load_workbook(result.path)["明细"])[4:]]
    assert [r[3] for r in rows] == ["会议文件多", "调研走过场", "窗口服务慢"]
    assert result.detail_problems == 3
    by_name = {r[3]: r for r in rows}
    assert by_name["会议文件多"][10] == "逾期" and by_name["会议文件多"][11] == 11
    assert by_name["会议文件多"][13] == "2026年10月12日：已起草精简方案"
    assert by_name["窗口服务慢"][6] == "已销号" and by_name["窗口服务慢"][14] == "2026年10月12日"


def test_a_month_that_has_not_come_is_refused(ledger):
    with pytest.raises(LedgerError, match="还没有到"):
        build_report(ledger, "x.xlsx", 2026, 4)


# -- checking a report against history ------------------------------------------------------------
def test_a_report_still_matches_history_after_ordinary_later_work(ledger, clock, tmp_path, capsys):
    october_story(ledger, clock, tmp_path / "scans")
    clock.now = dt.datetime(2026, 11, 3, 9, 0)
    path = build_report(ledger, tmp_path / "10.xlsx", 2026, 10).path
    make_problem(ledger, "十一月新发现的问题")  # normal work after the report
    check = check_report(ledger, path)
    assert check.ok and check.moment == "2026-10-31 23:59:59"

    assert main(["--db", ledger.location, "verify-report", str(path)]) == 0
    out = capsys.readouterr().out
    assert f"校验码：{check.code.text}" in out and "与台账核对：通过" in out


def test_rewriting_an_old_journal_entry_is_caught(ledger, clock, tmp_path, capsys):
    october_story(ledger, clock, tmp_path / "scans")
    path = build_report(ledger, tmp_path / "10.xlsx", 2026, 10).path
    assert check_report(ledger, path).ok

    con = sqlite3.connect(ledger.location)
    seq = con.execute(
        "SELECT seq FROM journal WHERE changes LIKE '%会议文件多%' ORDER BY seq LIMIT 1"
    ).fetchone()[0]
    with con:
        con.execute(
            "UPDATE journal SET changes = replace(changes, '会议文件多', '会议文件少') WHERE seq = ?",
            (seq,),
        )
    con.close()

    assert main(["--db", ledger.location, "verify-report", str(path)]) == 1
    err = capsys.readouterr().err
    assert "与台账核对：未通过" in err
    assert f"历史记录第 {seq} 条" in err and "被改动过" in err


def test_back_dating_an_entry_after_the_report_is_caught(ledger, clock, tmp_path):
    october_story(ledger, clock, tmp_path / "scans")
    clock.now = dt.datetime(2026, 11, 3, 9, 0)
    path = build_report(ledger, tmp_path / "10.xlsx", 2026, 10).path
    clock.now = dt.datetime(2026, 10, 20, 9, 0)  # somebody turns the computer's clock back
    make_problem(ledger, "补录到十月的问题")
    check = check_report(ledger, path)
    assert not check.ok
    assert any("倒签" in reason for reason in check.reasons)
    assert check.current_code != check.code.text


def test_cutting_the_history_short_is_caught(ledger, clock, tmp_path):
    october_story(ledger, clock, tmp_path / "scans")
    path = build_report(ledger, tmp_path / "10.xlsx", 2026, 10).path
    seq = check_report(ledger, path).code.seq
    con = sqlite3.connect(ledger.location)
    with con:
        con.execute("DELETE FROM journal WHERE seq >= ?", (seq - 1,))
    con.close()
    check = check_report(ledger, path)
    assert not check.ok
    assert f"已没有第 {seq} 条记录" in check.ledger_reasons[0]


def test_the_report_commands(tmp_path, capsys):
    db = str(tmp_path / "l.db")
    assert main(["--db", db, "demo", "--problems", "60"]) == 0
    capsys.readouterr()
    today = dt.date.today()
    out = tmp_path / "月报.xlsx"
    assert main(["--db", db, "report", "--month", f"{today:%Y-%m}", str(out)]) == 0
    text = capsys.readouterr().out
    assert "已生成月报" in text and "校验码：" in text and "销号率" in text
    assert main(["--db", db, "verify-report", str(out)]) == 0
    capsys.readouterr()

    assert main(["--db", db, "export", str(tmp_path / "t.xlsx")]) == 0
    capsys.readouterr()
    assert main(["--db", db, "verify-report", str(tmp_path / "t.xlsx")]) == 2
    assert "没有找到校验码" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["--db", db, "report", "--month", "2026-13", str(out)])
    assert "不是有效月份" in capsys.readouterr().err


# -- a committee's shared ledger ------------------------------------------------------------------
@pytest.mark.skipif(not pgserver.available(), reason="PostgreSQL server binaries not installed")
def test_a_ledger_on_postgresql_exports_and_reports_the_same_way(clock, tmp_path):
    server = pgserver.PgServer(Path(tempfile.mkdtemp(prefix="zg-pg-")))
    server.start()
    try:
        ledger = create_ledger(
            server.create_database("excel_out"), unit_name="机关党委", actor="沈卫红", clock=clock
        )
        for name in ("请示报告不严格", "调研走过场"):
            make_problem(ledger, name, deadlines=("2026年3月31日", "长期坚持"))
        clock.advance(days=40)  # 4月11日: the March deadlines have passed
        exported = export_ledger(ledger, tmp_path / "t.xlsx")
        assert (exported.problems, exported.rows, exported.overdue_rows) == (2, 4, 2)
        march = build_report(ledger, tmp_path / "3.xlsx", 2026, 3)
        april = build_report(ledger, tmp_path / "4.xlsx", 2026, 4)
        assert march.figures.total.overdue == 0 and april.figures.total.overdue == 2
        assert headline(summary(march.path))[0][:2] == [2, 2]
        assert check_report(ledger, march.path).ok
        ledger.close()
    finally:
        server.stop()


def test_problems_closed_by_an_import_are_marked_and_counted_apart(ledger, clock, tmp_path):
    from tests.tracker import workbooks
    from tracker.excel.importer import apply_plan
    from tracker.excel.plan import build_plan
    from tracker.excel.verify_report import check_report

    clock.now = dt.datetime(2026, 1, 20, 9, 0)  # the workbook crossed one off on 2026-01-15
    apply_plan(ledger, build_plan(ledger, workbooks.official(tmp_path / "手工台账.xlsx")))
    imported = stats(ledger)["closed_on_import"]
    assert imported > 0
    path = build_report(ledger, tmp_path / "月报.xlsx", 2026, 1).path
    wb = load_workbook(path)
    notes = [r[0] for r in openpyxl_rows(wb["汇总"]) if r and isinstance(r[0], str)]
    assert any(f"有 {imported} 个问题为“导入时已销号”" in n for n in notes)
    statuses = [r[6] for r in openpyxl_rows(wb["明细"])[4:] if r[6]]
    assert statuses.count("导入时已销号") >= 1 and "已销号" not in statuses
    assert check_report(ledger, path).ok
