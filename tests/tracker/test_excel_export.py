"""The official 整改台账 workbook as a supervisor receives it, read back with two different readers."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from python_calamine import CalamineWorkbook

from tracker import services
from tracker.bulk import Cancelled
from tracker.cli import main
from tracker.demo import build_demo
from tracker.errors import LedgerError
from tracker.excel.export import export_ledger
from tracker.excel.export_table import FULL, PROBLEM_KEYS, SPECS
from tracker.queries import OVERDUE, Filter
from tracker.replay import snapshot
from tracker.stats import stats

from .factories import close_problem, make_problem, measure_ids

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)
UNIT = "市直机关第一党支部"
FIRST_ROW = 4  # title, 填报单位 line, headings, then the table


# -- reading a workbook back ----------------------------------------------------------------------
def calamine_rows(path: Path, sheet: str) -> tuple[list[list], list[str]]:
    """Values (None for empty) and merged ranges as "A1:Q1", read by calamine (Rust, not openpyxl)."""
    wb = CalamineWorkbook.from_path(str(path))
    try:
        s = wb.get_sheet_by_name(sheet)
        rows = [[None if v == "" else v for v in row] for row in s.to_python()]
        merged = sorted(_ref(a, b) for a, b in s.merged_cell_ranges)
    finally:
        wb.close()
    return rows, merged


def _ref(a: tuple[int, int], b: tuple[int, int]) -> str:
    return f"{get_column_letter(a[1] + 1)}{a[0] + 1}:{get_column_letter(b[1] + 1)}{b[0] + 1}"


def openpyxl_rows(ws) -> list[list]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def same_values(a: list[list], b: list[list]) -> bool:
    """Two readers agree cell by cell (calamine gives floats for numbers, openpyxl ints)."""
    width = max(len(r) for r in a + b)

    def norm(rows):
        return [
            [(float(v) if isinstance(v, int) else v) for v in r + [None] * (width - len(r))]
            for r in rows
        ]

    return norm(a) == norm(b)


def table(rows: list[list]) -> list[list]:
    """The measure rows only: between the headings and the closing 注 line and signatures."""
    body = []
    for r in rows[FIRST_ROW - 1 :]:
        if isinstance(r[0], str) and r[0].startswith("注："):
            break
        body.append(r)
    return body


def flat(value):
    """A cell's text as the ledger has it: the export breaks lines itself for printing."""
    return value.replace("\n", "") if isinstance(value, str) else value


def records(rows: list[list]) -> list[dict]:
    """The table's rows as {heading: value}, texts joined again."""
    headings = [flat(h) for h in rows[FIRST_ROW - 2]]
    return [{h: flat(v) for h, v in zip(headings, r, strict=False) if h} for r in table(rows)]


def headings_of(rows: list[list]) -> list[str]:
    return [flat(h) for h in rows[FIRST_ROW - 2] if h]


def letter(rows: list[list], heading: str) -> str:
    return get_column_letter(headings_of(rows).index(heading) + 1)


@pytest.fixture
def demo(tmp_path):
    led = build_demo(tmp_path / "demo.db", problems=120, clock=lambda: NOW)
    yield led
    led.close()


# -- the whole ledger -----------------------------------------------------------------------------
def test_the_secretary_exports_the_whole_ledger_in_the_official_layout(demo, tmp_path):
    path = tmp_path / "整改台账.xlsx"
    result = export_ledger(demo, path)
    numbers = stats(demo)

    wb = load_workbook(path)
    ws = wb["整改台账"]
    rows = openpyxl_rows(ws)
    assert rows[0][0] == f"{demo.unit_name}问题整改台账" == result.title
    line = " ".join(v for v in rows[1] if v)
    for label in (
        "填报单位：",
        "填报日期：2026年11月20日",
        "联系人：周晓梅",
        "电话：0571-87650123",
    ):
        assert label in line
    assert headings_of(rows) == [SPECS[k].heading for k in FULL]  # the demo fills every column
    assert not result.omitted and not result.brief and result.scale >= 0.88
    assert "A1:S1" in {str(r) for r in ws.merged_cells.ranges}

    body = records(rows)
    numbers_column = [r["序号"] for r in body if r["序号"] is not None]
    assert numbers_column == list(range(1, numbers["problems"] + 1))
    assert len({r["问题编号"] for r in body if r["问题编号"]}) == numbers["problems"]
    assert len(body) == result.rows == numbers["measures"]  # every demo problem has measures
    late = [r for r in body if r["完成情况"] in ("逾期", "逾期未开始")]
    assert len(late) == result.overdue_rows == numbers["overdue_measures"]
    closed = [r for r in body if r["是否销号"] == "是"]
    assert len({r["问题编号"] for r in closed if r["问题编号"]}) == numbers["closed"]
    note = next(r[0] for r in rows if isinstance(r[0], str) and r[0].startswith("注："))
    assert flat(note).startswith(f"注：本表共 {numbers['problems']} 个问题")
    assert any("支部书记（签字）" in (v or "") for v in rows[-1])

    values, merged = calamine_rows(path, "整改台账")
    assert same_values(values, rows)
    assert merged == sorted(str(r) for r in ws.merged_cells.ranges)


def test_it_prints_as_an_official_table_a4_landscape_with_repeated_headings(demo, tmp_path):
    path = tmp_path / "t.xlsx"
    export_ledger(demo, path)
    ws = load_workbook(path)["整改台账"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    # printed at a size planned for the page (not fitted: Excel ignores page breaks then)
    assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    assert 88 <= ws.page_setup.scale <= 100
    assert ws.print_title_rows == "$3:$3"
    assert ws.freeze_panes == "A4"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert ws["A1"].font.name == "黑体"  # no 方正小标宋简体 on the test machine: its fallback
    assert ws["E3"].font.name == "黑体" and ws["E3"].border.bottom.style == "thin"
    body = ws[f"E{FIRST_ROW}"]
    assert body.font.name == "宋体" and body.font.size == 10.5 and body.alignment.wrap_text
    assert body.border.left.style == "thin"
    widths = {c: ws.column_dimensions[c].width for c in ("E", "J")}
    assert widths["E"] > widths["J"]  # the description has more room than a name
    assert ws.row_dimensions[FIRST_ROW].height  # rows are sized for merged text


def test_a_problem_spans_one_row_per_measure_with_its_own_cells_merged(ledger, tmp_path):
    make_problem(
        ledger,
        "会议文件多，以文件落实文件",
        deadlines=("2026年6月30日", "长期坚持", "立行立改"),
        found_on=dt.date(2026, 3, 1),
    )
    make_problem(ledger, "调研走过场", deadlines=("2026年9月底前",))
    path = tmp_path / "t.xlsx"
    export_ledger(ledger, path)
    ws = load_workbook(path).active
    rows = openpyxl_rows(ws)

    # nothing in 原因分析, 整改目标, 整改进展, 佐证材料, 备注, 措施类型, 销号时间: left out
    headings = headings_of(rows)
    assert headings == [
        "序号",
        "问题编号",
        "问题来源",
        "问题类别",
        "问题描述（具体表现）",
        "整改措施",
        "责任领导",
        "责任部门",
        "责任人",
        "整改时限",
        "完成情况",
        "是否销号",
    ]
    problem_columns = {
        i + 1 for i, h in enumerate(headings) for k in PROBLEM_KEYS if SPECS[k].heading == h
    }
    first, last = FIRST_ROW, FIRST_ROW + 2
    merged = {str(r) for r in ws.merged_cells.ranges}
    for col in problem_columns:
        letter = get_column_letter(col)
        assert f"{letter}{first}:{letter}{last}" in merged
    in_table = [r for r in ws.merged_cells.ranges if r.min_row >= FIRST_ROW]
    assert {r.min_col for r in in_table} == problem_columns  # measure cells stay separate
    body = records(rows)
    assert [r["整改措施"] for r in body[:3]] == [
        f"整改措施{n}：精简会议文件，建立清单" for n in (1, 2, 3)
    ]
    # deadlines exactly as written; the ongoing one reported as such
    assert [r["整改时限"] for r in body[:3]] == ["2026年6月30日", "长期坚持", "立行立改"]
    first_row = body[0]
    assert (first_row["序号"], first_row["问题来源"], first_row["问题类别"]) == (
        1,
        "组织生活会",
        "作风建设",
    )
    assert first_row["问题描述（具体表现）"] == "会议文件多，以文件落实文件"
    assert (first_row["责任领导"], first_row["责任部门"], first_row["责任人"]) == (
        "张伟",
        "办公室",
        "李娜",
    )
    # nothing started yet; 立行立改 means "by the day it was found", so a day later it is late
    assert [r["完成情况"] for r in body[:3]] == ["未开始", "未开始", "逾期未开始"]
    assert first_row["是否销号"] == "否"
    assert body[3]["序号"] == 2 and body[3]["问题描述（具体表现）"] == "调研走过场"
    assert not any(r.endswith(str(FIRST_ROW + 3)) for r in merged)


def test_overdue_measures_are_filled_and_say_so(ledger, clock, tmp_path):
    pid = make_problem(ledger, deadlines=("2026年3月10日", "2026年12月31日"))
    late, fine = measure_ids(ledger, pid)
    services.add_progress(ledger, fine, "已召开专题会议部署整改")
    clock.advance(days=20)  # 3月22日: the first deadline has passed
    path = tmp_path / "t.xlsx"
    result = export_ledger(ledger, path)
    ws = load_workbook(path).active
    rows = openpyxl_rows(ws)
    state, work, news = (letter(rows, h) for h in ("完成情况", "整改措施", "整改进展"))
    assert result.overdue_rows == 1
    assert ws[f"{state}{FIRST_ROW}"].value == "逾期"
    assert ws[f"{state}{FIRST_ROW}"].font.color.rgb.endswith("C00000")
    assert ws[f"{work}{FIRST_ROW}"].fill.fgColor.rgb.endswith("FCE4E4")
    assert ws[f"{state}{FIRST_ROW + 1}"].value == "正在整改"
    assert ws[f"{work}{FIRST_ROW + 1}"].fill.fill_type is None
    assert flat(ws[f"{news}{FIRST_ROW + 1}"].value) == "2026年3月2日 王敏：已召开专题会议部署整改"


def test_text_that_looks_like_a_formula_stays_text(ledger, tmp_path):
    tricky = {
        "description": '=HYPERLINK("http://evil.example","点击查看")',
        "cause": "+1+2",
        "target": "-3 项整改",
        "remarks": "@SUM(A1:A9)",
    }
    make_problem(ledger, tricky.pop("description"), **tricky)
    make_problem(ledger, "#N/A 不是错误值\x07含控制字符")
    path = tmp_path / "t.xlsx"
    export_ledger(ledger, path)

    ws = load_workbook(path).active
    rows = openpyxl_rows(ws)
    columns = [letter(rows, h) for h in ("问题描述（具体表现）", "原因分析", "整改目标", "备注")]
    cells = [ws[f"{c}{FIRST_ROW}"] for c in columns]
    assert [flat(c.value) for c in cells] == [
        '=HYPERLINK("http://evil.example","点击查看")',
        "+1+2",
        "-3 项整改",
        "@SUM(A1:A9)",
    ]
    assert all(c.data_type == "s" for c in cells)
    assert all(c.quotePrefix for c in cells)
    assert flat(ws[f"{columns[0]}{FIRST_ROW + 1}"].value) == "#N/A 不是错误值含控制字符"
    assert ws[f"{columns[0]}{FIRST_ROW + 1}"].data_type == "s"
    values, _ = calamine_rows(path, "整改台账")
    assert values[FIRST_ROW - 1][4].startswith("=HYPERLINK")
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet


def test_a_crossed_off_problem_shows_its_closing_date_and_evidence(ledger, clock, tmp_path):
    pid = make_problem(ledger, deadlines=("2026年6月30日", "长期坚持"))
    clock.advance(days=5)
    close_problem(ledger, pid, tmp_path / "scans")
    path = tmp_path / "t.xlsx"
    export_ledger(ledger, path)
    body = records(openpyxl_rows(load_workbook(path).active))
    assert [r["完成情况"] for r in body] == ["已销号", "已销号"]
    assert body[0]["是否销号"] == "是"
    assert body[0]["销号时间"] == "2026年3月7日"
    assert body[0]["佐证材料"] == f"会议纪要-{pid}.txt"


# -- choosing what to export ----------------------------------------------------------------------
def test_filters_narrow_the_table_and_name_the_scope_in_the_title(demo, tmp_path):
    numbers = stats(demo)
    path = tmp_path / "overdue.xlsx"
    result = export_ledger(demo, path, Filter(view=OVERDUE))
    assert result.problems == numbers["overdue_problems"]
    assert result.title.endswith("问题整改台账（逾期）")

    closed = export_ledger(demo, tmp_path / "closed.xlsx", Filter(statuses=("closed",)))
    assert closed.problems == numbers["closed"]
    body = records(openpyxl_rows(load_workbook(tmp_path / "closed.xlsx").active))
    assert {r["完成情况"] for r in body} == {"已销号"}


def test_exporting_as_of_a_past_date_shows_the_ledger_as_it_stood(ledger, clock, tmp_path):
    early = make_problem(ledger, "会议多", deadlines=("2026年6月30日",))
    clock.advance(days=30)  # 4月1日
    close_problem(ledger, early, tmp_path / "scans")
    make_problem(ledger, "调研少", deadlines=("2026年9月30日",))

    path = tmp_path / "march.xlsx"
    result = export_ledger(ledger, path, as_of=dt.date(2026, 3, 2))
    rows = records(openpyxl_rows(load_workbook(path).active))
    assert result.title == f"{UNIT}问题整改台账（截至2026年3月2日）"
    assert [(r["问题描述（具体表现）"], r["完成情况"]) for r in rows] == [("会议多", "未开始")]
    assert "销号时间" in result.omitted  # nothing was crossed off then

    now = records(
        openpyxl_rows(load_workbook(export_ledger(ledger, tmp_path / "n.xlsx").path).active)
    )
    assert [(r["问题描述（具体表现）"], r["完成情况"]) for r in now] == [
        ("会议多", "已销号"),
        ("调研少", "未开始"),
    ]


def test_an_as_of_export_of_the_demo_matches_the_snapshot_counts(demo, tmp_path):
    day = dt.date(2026, 8, 31)
    result = export_ledger(demo, tmp_path / "aug.xlsx", as_of=day)
    then = stats(snapshot(demo, day))
    assert (result.problems, result.rows, result.overdue_rows) == (
        then["problems"],
        then["measures"],
        then["overdue_measures"],
    )


# -- the file itself ------------------------------------------------------------------------------
def test_cancelling_leaves_no_file_and_keeps_the_old_one(demo, tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"the export from last week")
    seen = []

    def stop_halfway(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < total // 2

    with pytest.raises(Cancelled):
        export_ledger(demo, path, progress=stop_halfway)
    assert path.read_bytes() == b"the export from last week"
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx"] == ["t.xlsx"]
    assert seen and seen[-1][1] == stats(demo)["problems"]


def test_progress_reaches_the_total_and_an_existing_file_is_replaced(demo, tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_bytes(b"old")
    seen = []
    result = export_ledger(demo, path, progress=lambda d, t: seen.append((d, t)) or True)
    assert result.replaced
    assert seen[-1] == (result.problems, result.problems)
    assert zipfile.is_zipfile(path)


@pytest.mark.parametrize("name", ["台账.txt", "台账", "sub"])
def test_a_folder_or_a_non_xlsx_name_is_refused(ledger, tmp_path, name):
    (tmp_path / "sub").mkdir()
    with pytest.raises(LedgerError) as error:
        export_ledger(ledger, tmp_path / name)
    assert ".xlsx" in str(error.value) or "文件夹" in str(error.value)


# -- the command line -----------------------------------------------------------------------------
def test_the_export_command_with_filters(tmp_path, capsys):
    db = str(tmp_path / "l.db")
    assert main(["--db", db, "demo", "--problems", "60"]) == 0
    capsys.readouterr()
    out = tmp_path / "办公室.xlsx"
    code = main(["--db", db, "export", str(out), "--status", "整改中", "挂账", "--overdue"])
    assert code == 0
    text = capsys.readouterr().out
    assert "已导出整改台账" in text and "逾期" in text
    body = records(openpyxl_rows(load_workbook(out).active))
    assert body and {r["完成情况"] for r in body} <= {
        "逾期",
        "逾期未开始",
        "正在整改",
        "已完成",
        "长期坚持",
        "未开始",
        "已完成（整改中）",
        "整改中",
    }

    assert main(["--db", db, "export", str(out), "--batch", "没有这个批次"]) == 2
    assert "没有名为“没有这个批次”的整改批次" in capsys.readouterr().err
    assert main(["--db", db, "export", str(out), "--status", "完成了"]) == 2
    assert "不是问题状态" in capsys.readouterr().err
