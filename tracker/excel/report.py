"""The 月报 workbook: 汇总 (figures and breakdowns, with the 校验码), 明细 and 逾期 sheets.

A report describes the ledger at one moment: the end of its month, rebuilt from the journal, or
now for the current month. Its 校验码 is the journal head at that moment, so `verify-report`
can later tell whether the history the report was made from has been rewritten since.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.pagebreak import Break

from .. import journal
from ..dates import format_date, format_month, month_end
from ..errors import LedgerError
from ..ledger import Ledger
from ..replay import snapshot, until_stamp
from .report_figures import Figures, Line, figures
from .report_sheets import detail_ids, details, overdue_count, overdue_sheet, sheet_top
from .styles import Column, Palette, row_height, set_page, text_lines
from .writer import (
    HeaderInfo,
    ProgressCallback,
    StreamSheet,
    Ticker,
    check_target,
    discard,
    save_atomically,
)

CODE_LABEL = "校验码"
MOMENT_LABEL = "历史记录截至"

SUMMARY_COLUMNS = tuple(
    Column("", w, i > 0) for i, w in enumerate((34, 10, 10, 14, 10, 10, 10, 10, 10, 10, 11, 10))
)
PROBLEM_HEADINGS = (
    "问题总数",
    "本月新增",
    "已销号（累计）",
    "本月销号",
    "长期坚持",
    "正在整改",
    "其中逾期",
    "销号率",
)
MEASURE_HEADINGS = (
    "措施总数",
    "本月新增",
    "已完成（累计）",
    "本月完成",
    "长期坚持",
    "正在落实",
    "其中逾期",
    "完成率",
)
BREAKDOWN_EXTRA = ("措施总数", "已完成措施", "逾期措施")


@dataclass(frozen=True)
class ReportResult:
    path: Path
    title: str
    moment: str  # journal time the report describes, "YYYY-MM-DD HH:MM:SS"
    code: str  # the journal head code at that moment
    figures: Figures
    detail_problems: int
    overdue_measures: int


def report_moment(ledger: Ledger, year: int, month: int) -> tuple[dt.date, str, bool]:
    """(last day, journal moment, is the current month) of the month a report describes."""
    if not 1 <= month <= 12:
        raise LedgerError(f"月份应为 1 到 12，而不是 {month}。")
    today = ledger.now().date()
    last = month_end(year, month)
    if (year, month) > (today.year, today.month):
        raise LedgerError(f"{format_month(year, month)}还没有到，不能生成月报。")
    if (year, month) == (today.year, today.month):
        return last, ledger.stamp(), True
    return last, until_stamp(last), False


def build_report(
    ledger: Ledger,
    path: str | os.PathLike,
    year: int,
    month: int,
    *,
    progress: ProgressCallback = None,
) -> ReportResult:
    """Write the 月报 of `year`-`month` to `path` (as of the month's end, or now if current).

    Raises `tracker.bulk.Cancelled` when `progress` returns False; no file is left behind then.
    """
    target = check_target(path)
    last, moment, current = report_moment(ledger, year, month)
    info = HeaderInfo.of(ledger)
    title = f"{info.unit}{format_month(year, month)}整改工作进展情况"
    source = ledger if current else snapshot(ledger, last)
    try:
        with source.db.atomic():
            head = journal.head(ledger.db, until=moment)
            numbers = figures(source, dt.date(year, month, 1), last)
            ids = detail_ids(source, numbers.first)
            late = overdue_count(source, numbers.today)
            wb = Workbook(write_only=True)
            try:
                ticker = Ticker(progress, len(ids) + late)
                palette = Palette(wb)
                _summary(wb, palette, title, info, numbers, moment, head, current)
                details(wb, palette, title, info, source, ids, numbers, ticker)
                overdue_sheet(wb, palette, title, info, source, numbers.today, ticker)
                ticker.tell()
                save_atomically(wb, target)
            except BaseException:
                discard(wb)
                raise
    finally:
        if source is not ledger:
            source.close()
    return ReportResult(target, title, moment, head.code, numbers, len(ids), late)


def _moment_line(numbers: Figures, moment: str, current: bool) -> str:
    span = f"{format_date(numbers.first)}至{format_date(numbers.last)}"
    if current:
        when = f"{format_date(numbers.today)} {moment[11:16]}（本月尚未结束）"
    else:
        when = f"{format_date(numbers.last)}24时"
    return f"统计时点：{when}；本月：{span}；逾期按{format_date(numbers.today)}判断。"


# -- 汇总 ---------------------------------------------------------------------------------------
def _summary(wb, palette, title, info, numbers: Figures, moment, head, current) -> None:
    sheet = StreamSheet(wb, palette, "汇总", SUMMARY_COLUMNS)
    set_page(sheet.ws, title_rows=None)
    sheet_top(sheet, title, info, _moment_line(numbers, moment, current))
    t = numbers.total
    _section(sheet, "一、问题整改总体情况", ("项目", *PROBLEM_HEADINGS))
    _figure_row(sheet, "查摆问题", _problem_values(t), "台账正文")
    _section(sheet, "二、整改措施落实情况", ("项目", *MEASURE_HEADINGS))
    _figure_row(sheet, "整改措施", _measure_values(t), "台账正文")
    headings = (*PROBLEM_HEADINGS, *BREAKDOWN_EXTRA)
    for number, label, rows in (
        ("三", "问题类别", numbers.by_category),
        ("四", "责任部门", numbers.by_department),
        ("五", "整改批次", numbers.by_batch),
    ):
        if number == "四":  # the breakdowns by department and batch start the second page
            sheet.ws.row_breaks.append(Break(id=sheet.row))
        _section(sheet, f"{number}、按{label}统计", (label, *headings))
        for name, line in rows:
            _figure_row(sheet, name, _breakdown_values(line), "台账正文")
        _figure_row(sheet, "合计", _breakdown_values(t), "台账合计")
    sheet.append([], 8.0)
    notes = (
        "注：1. 问题总数不含已作废问题；正在整改 = 挂账 + 整改中 + 待销号；"
        "问题总数 = 已销号 + 长期坚持 + 正在整改；销号率 = 已销号 ÷ 问题总数。\n"
        "2. 本月新增按问题的发现日期统计，本月销号按销号日期统计，本月完成按措施完成日期统计；"
        "其中逾期指有措施超过整改时限仍未完成的问题；按部门统计以问题的责任部门为准。"
    )
    width = sum(c.width for c in SUMMARY_COLUMNS)
    sheet.note_row(notes, height=row_height(text_lines(notes, width)))
    sheet.note_row(
        f"{CODE_LABEL}：{head.code}（{MOMENT_LABEL} {moment}，共 {head.seq} 条）",
        "台账校验码",
        20.0,
    )
    sheet.note_row(
        "校验码是生成本报表时台账历史记录的指纹。运行 python -m tracker verify-report 本文件，"
        "可核对报表生成后台账历史是否被改写、删除或补记。",
        height=18.0,
    )


def _section(sheet: StreamSheet, caption: str, headings: tuple[str, ...]) -> None:
    sheet.append([])
    row = sheet.append([sheet.cell(caption, "台账小标题")], 22.0)
    sheet.merge(row, 1, row, sheet.width)
    sheet.heading_row(list(headings))


def _problem_values(t: Line) -> list:
    return [t.problems, t.new, t.closed, t.closed_in_month, t.long_term, t.open, t.overdue, t.rate]


def _measure_values(t: Line) -> list:
    return [
        t.measures,
        t.measures_new,
        t.measures_done,
        t.measures_done_in_month,
        t.measures_long_term,
        t.measures_open,
        t.measures_overdue,
        t.measures_rate,
    ]


def _breakdown_values(t: Line) -> list:
    return [*_problem_values(t), t.measures, t.measures_done, t.measures_overdue]


def _figure_row(sheet: StreamSheet, label: str, values: list, style: str) -> None:
    total = style == "台账合计"
    cells = [sheet.cell(label, "台账合计" if total else "台账正文")]
    for i, value in enumerate(values):
        if i == 7:  # the rate
            cells.append(sheet.cell(value, "台账合计百分比" if total else "台账百分比"))
        else:
            cells.append(sheet.cell(value, "台账合计" if total else "台账数字"))
    sheet.append(cells, row_height(text_lines(label, SUMMARY_COLUMNS[0].width)))
