"""The exported ledger on paper: A4 landscape at 9 pt or more, the 简表, empty columns left out,
lines broken the Chinese way, a problem kept on its page, signatures, the official typefaces."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from tracker import services, tags
from tracker.demo import build_demo
from tracker.documents.lists import build_lists
from tracker.excel import linebreak
from tracker.excel.export import export_ledger
from tracker.excel.export_table import BRIEF, SPECS
from tracker.excel.importer import apply_plan
from tracker.excel.plan import build_plan
from tracker.excel.report import build_report
from tracker.ledger import create_ledger
from tracker.models import Problem

from .factories import make_problem, measure_ids
from .test_excel_export import FIRST_ROW, flat, headings_of, openpyxl_rows, records

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)
NO_START = tuple("，。、；：！？）》」")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    folder = tmp_path_factory.mktemp("print")
    ledger = build_demo(folder / "demo.db", problems=60, clock=lambda: NOW)
    full = export_ledger(ledger, folder / "完整表.xlsx")
    brief = export_ledger(ledger, folder / "简表.xlsx", brief=True)
    ledger.close()
    return full, brief


def cell_texts(path):
    ws = load_workbook(path).active
    return [v for row in ws.iter_rows(min_row=FIRST_ROW, values_only=True) for v in row]


def test_the_brief_table_has_the_columns_a_meeting_reads(demo_file):
    _, brief = demo_file
    rows = openpyxl_rows(load_workbook(brief.path).active)
    assert brief.brief and headings_of(rows) == [SPECS[k].heading for k in BRIEF]
    assert brief.scale == 1.0  # nine columns fit A4 landscape at full size: 10.5 pt
    note = next(flat(r[0]) for r in rows if isinstance(r[0], str) and r[0].startswith("注："))
    assert "本表为简表" in note


def test_the_full_table_prints_at_nine_points_or_more(demo_file):
    full, _ = demo_file
    ws = load_workbook(full.path).active
    assert full.scale >= 0.88 and ws.page_setup.scale == round(full.scale * 100)
    assert 10.5 * full.scale >= 9.2
    body = ws[f"E{FIRST_ROW}"].font
    assert body.size == 10.5


def test_no_line_starts_with_closing_punctuation_and_brackets_stay_whole(demo_file):
    for result in demo_file:
        for value in cell_texts(result.path):
            if not isinstance(value, str):
                continue
            for line in value.split("\n")[1:]:
                assert not line.startswith(NO_START), value
        states = [r["完成情况"] for r in records(openpyxl_rows(load_workbook(result.path).active))]
        assert "已完成（整改中）" in states
    raw = [v for v in cell_texts(demo_file[1].path) if isinstance(v, str) and "（整改中）" in v]
    assert raw and all("（整改中）" in v.replace("已完成\n", "已完成") for v in raw)


def test_a_problem_is_never_split_where_it_fits_on_a_page(demo_file):
    for result in demo_file:
        ws = load_workbook(result.path).active
        starts = {FIRST_ROW}
        for rng in ws.merged_cells.ranges:
            if rng.min_col == 1 and rng.min_row >= FIRST_ROW:
                starts.add(rng.min_row)
        numbers = [r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value]
        starts.update(numbers)
        breaks = [b.id for b in ws.row_breaks.brk]
        assert breaks, "a long ledger breaks pages"
        assert all(b + 1 in starts for b in breaks)  # every break is before a problem


def test_a_problem_taller_than_a_page_goes_on_under_its_description(ledger, tmp_path):
    pid = make_problem(ledger, "会议多、文件多，以会议落实会议", deadlines=("2026年6月30日",) * 14)
    for n, mid in enumerate(measure_ids(ledger, pid)):
        for k in range(4):
            services.add_progress(
                ledger, mid, f"第{n + 1}项措施的第{k + 1}次进展：召开专题会议，研究部署整改工作。"
            )
    make_problem(ledger, "调研走过场")
    path = tmp_path / "长.xlsx"
    result = export_ledger(ledger, path)
    ws = load_workbook(path).active
    rows = openpyxl_rows(ws)
    marked = [r for r in rows if isinstance(r[4], str) and r[4].startswith("（续上页）")]
    assert marked and all(r[0] == 1 for r in marked)  # the same 序号, the description repeated
    assert flat(marked[0][4]) == "（续上页）会议多、文件多，以会议落实会议"
    assert result.rows == 15

    copy = create_ledger(tmp_path / "copy.db", actor="王敏", clock=lambda: NOW)
    apply_plan(copy, build_plan(copy, path))
    texts = [t for (t,) in copy.select(Problem, Problem.description).tuples()]
    assert texts == ["会议多、文件多，以会议落实会议", "调研走过场"]  # read back as one problem
    copy.close()


def test_empty_columns_are_left_out_and_named(ledger, tmp_path):
    make_problem(ledger, "会议文件多")
    result = export_ledger(ledger, tmp_path / "t.xlsx")
    assert set(result.omitted) == {
        "原因分析",
        "整改目标",
        "措施类型",
        "整改进展",
        "销号时间",
        "佐证材料",
        "备注",
    }
    rows = openpyxl_rows(load_workbook(result.path).active)
    note = next(flat(r[0]) for r in rows if isinstance(r[0], str) and r[0].startswith("注："))
    assert "均未填写原因分析、整改目标" in note and "这些列未列出" in note


def test_tags_and_dated_progress_are_exported(ledger, clock, tmp_path):
    pid = make_problem(ledger, "违规发放补贴")
    (mid,) = measure_ids(ledger, pid)
    services.update_measure(ledger, mid, tags=(tags.RULES, tags.RECOVERY), amount=3_200_000)
    clock.advance(days=3)
    services.add_progress(ledger, mid, "追回违规发放的补贴", on=dt.date(2026, 3, 3))
    body = records(
        openpyxl_rows(load_workbook(export_ledger(ledger, tmp_path / "t.xlsx").path).active)
    )
    assert body[0]["措施类型"] == "建章立制、挽回损失/清退资金（3.2万元）"
    assert body[0]["整改进展"] == "2026年3月3日 王敏：追回违规发放的补贴"


def test_the_signature_block_closes_the_table(demo_file):
    rows = openpyxl_rows(load_workbook(demo_file[0].path).active)
    last = " ".join(flat(v) for v in rows[-1] if v)
    for label in ("填报人：", "审核人：", "支部书记（签字）：", "日期：", "（盖章）"):
        assert label in last


def test_official_typefaces_are_used_where_this_computer_has_them(ledger, tmp_path, monkeypatch):
    make_problem(ledger, "会议文件多")
    monkeypatch.setenv("ZHENGGAI_FONTS", "方正小标宋简体,仿宋_GB2312,黑体")
    ws = load_workbook(export_ledger(ledger, tmp_path / "a.xlsx").path).active
    assert ws["A1"].font.name == "方正小标宋简体" and ws[f"E{FIRST_ROW}"].font.name == "仿宋_GB2312"
    monkeypatch.setenv("ZHENGGAI_FONTS", "")  # a plain Windows PC's fonts only
    ws = load_workbook(export_ledger(ledger, tmp_path / "b.xlsx").path).active
    assert ws["A1"].font.name == "黑体" and ws[f"E{FIRST_ROW}"].font.name == "宋体"
    assert ws["A3"].font.name == "黑体"


@pytest.mark.parametrize(
    "text, cap",
    [
        ("会议文件多，以文件落实文件“三会一课”质量不高。", 12),
        ("已完成（整改中）", 10),
        ("2026年3月5日 李娜：召开专题会议。\n2026年4月1日 王敏：完成制度修订，印发执行。", 16),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789，长的英文和数字。", 9),
    ],
)
def test_lines_broken_for_print_join_again_as_they_were(text, cap):
    wrapped = linebreak.wrap(text, cap)
    assert all(linebreak.width(line) <= cap for line in wrapped.split("\n") if len(line) > 1)
    assert not any(line.startswith(NO_START) for line in wrapped.split("\n")[1:])
    dated = re.compile(r"\d{4}年")
    assert linebreak.unwrap(wrapped, cap, dated) == text


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_printed_by_libreoffice_the_cells_are_nine_points_or_larger(tmp_path):
    ledger = build_demo(tmp_path / "d.db", problems=8, clock=lambda: NOW)
    path = export_ledger(ledger, tmp_path / "台账.xlsx").path
    ledger.close()
    size = smallest_cjk_size(pdf_of(path, tmp_path))
    assert size >= 9.0


def full_width(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff01" <= ch <= "\uff5e"


def pdf_of(path, folder):
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(path)],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return folder / (path.stem + ".pdf")


def smallest_cjk_size(pdf) -> float:
    """The smallest printed size of Chinese text on the pages: a Chinese character (or full-width
    punctuation) is one em wide, so such a word's width over its characters is its size in points
    (`pdftotext -bbox`)."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    sizes = []
    for x0, x1, word in re.findall(r'xMin="([\d.]+)"[^>]*xMax="([\d.]+)"[^>]*>([^<]+)<', out):
        if len(word) >= 2 and all(full_width(ch) for ch in word):
            sizes.append((float(x1) - float(x0)) / len(word))
    return min(sizes)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_the_monthly_report_and_the_three_lists_print_at_nine_points_or_larger(tmp_path):
    """Every printed sheet of both: the report's 汇总 (whose 统计时点 line is wider than its table),
    明细 and 逾期, and the lists' three sections."""
    ledger = build_demo(tmp_path / "d.db", problems=12, clock=lambda: NOW)
    report = build_report(ledger, tmp_path / "月报.xlsx", 2026, 11).path
    lists = build_lists(ledger, tmp_path / "三张清单.xlsx").path
    ledger.close()
    for path in (report, lists):
        assert smallest_cjk_size(pdf_of(path, tmp_path)) >= 9.0, path.name
