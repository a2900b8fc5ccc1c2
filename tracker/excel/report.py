"""The 月报 workbook: 汇总 (figures and breakdowns, with the 校验码), 明细 and 逾期 sheets.

A report describes the ledger at one moment: the end of its month, rebuilt from the journal, or
now for the current month. Its 校验码 is the journal head at that moment, so `verify-report`
can later tell whether the history the report was made from has been rewritten since; its seal
(`tracker.exchange.seal`: what every sheet shows, signed by the ledger) tells whether the file
was edited after it was made, and `rebuild_report` makes it again from history to compare.
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
from ..errors import LedgerDamagedError, LedgerError
from ..exchange import chain, identity, seal
from ..exchange.content import SheetContent
from ..followup.facts import FollowupCounts
from ..followup.facts import counts as followup_counts
from ..import_closure import MARK
from ..integrity import check_integrity
from ..journal import until_stamp
from ..ledger import CONTACT_PERSON, CONTACT_PHONE, UNIT_NAME, Ledger
from ..replay import settings_at, snapshot
from .report_figures import Figures, Line, figures, figures_json
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
LAYOUT = 4  # the sheets' layout: bump on any change of what the sheets show (seal, rebuild)
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
FOLLOWUP_HEADINGS = (  # 六、跟踪问效 (tracker/followup): (FollowupCounts field, heading)
    ("chases", "催办（累计）"),
    ("chases_month", "本月催办"),
    ("extensions_approved", "批准延期（累计）"),
    ("extensions_month", "本月批准延期"),
    ("extension_requests_pending", "延期待审批"),
    ("lookbacks_due", "回头看到期"),
    ("lookbacks_held", "回头看巩固（累计）"),
    ("lookbacks_held_month", "本月巩固"),
    ("lookbacks_slipped", "回头看反弹（累计）"),
    ("lookbacks_slipped_month", "本月反弹"),
    ("repeats", "复发问题"),
)


@dataclass(frozen=True)
class ReportResult:
    path: Path
    title: str
    moment: str  # journal time the report describes, "YYYY-MM-DD HH:MM:SS"
    code: str  # the journal head code at that moment
    figures: Figures
    detail_problems: int
    overdue_measures: int
    digest: str = ""  # SHA-256 of the sealed machine data


@dataclass(frozen=True)
class Moment:
    """Where a report stands: its month, the moment and history it describes, the day overdue is
    judged on, and when it was made (its header — 填报日期, unit, contact — is as of then)."""

    year: int
    month: int
    stamp: str  # the journal time the report describes
    current: bool  # the month is not over: the report is as of when it was made
    today: dt.date  # the day overdue is judged on
    head: journal.Head  # the history up to `stamp` (its code is the 校验码)
    made_at: str
    made: journal.Head  # the history when the report was made

    @property
    def last(self) -> dt.date:
        return month_end(self.year, self.month)

    def as_json(self) -> dict:
        return {
            "year": self.year,
            "month": self.month,
            "stamp": self.stamp,
            "current": self.current,
            "today": self.today.isoformat(),
            "head": [self.head.seq, self.head.hash],
            "code": self.head.code,
            "made_at": self.made_at,
            "made": [self.made.seq, self.made.hash],
        }

    @classmethod
    def from_json(cls, data: dict) -> Moment:
        return cls(
            int(data["year"]),
            int(data["month"]),
            str(data["stamp"]),
            bool(data["current"]),
            dt.date.fromisoformat(data["today"]),
            journal.Head(int(data["head"][0]), str(data["head"][1])),
            str(data["made_at"]),
            journal.Head(int(data["made"][0]), str(data["made"][1])),
        )


def report_moment(ledger: Ledger, year: int, month: int) -> Moment:
    """The moment of `year`-`month`'s report made now (call inside a read transaction)."""
    if not 1 <= month <= 12:
        raise LedgerError(f"月份应为 1 到 12，而不是 {month}。")
    today = ledger.now().date()
    last = month_end(year, month)
    if (year, month) > (today.year, today.month):
        raise LedgerError(f"{format_month(year, month)}还没有到，不能生成月报。")
    made_at = ledger.stamp()
    made = journal.head(ledger.db)
    if (year, month) == (today.year, today.month):
        return Moment(year, month, made_at, True, today, made, made_at, made)
    stamp = until_stamp(last)
    return Moment(
        year, month, stamp, False, last, journal.head(ledger.db, until=stamp), made_at, made
    )


def build_report(
    ledger: Ledger,
    path: str | os.PathLike,
    year: int,
    month: int,
    *,
    progress: ProgressCallback = None,
    full_history: bool = False,
) -> ReportResult:
    """Write the 月报 of `year`-`month` to `path` (as of the month's end, or now if current).

    The report carries the journal for the committee (`exchange.chain`): all of it while it is
    small or when `full_history`, else what was written since the end of the month before last.
    Raises `tracker.bulk.Cancelled` when `progress` returns False; no file is left behind then.
    """
    target = check_target(path)
    damage = check_integrity(ledger.db)
    if damage:  # a report from a damaged file would look fine and be wrong
        raise LedgerDamagedError("不能生成月报：" + damage[0])
    with ledger.db.atomic():  # one read: the moment, the header and the figures agree
        moment = report_moment(ledger, year, month)
        info = HeaderInfo.of(ledger)
        source = ledger if moment.current else snapshot(ledger, moment.today, upto=moment.head.seq)
        try:
            return _write(ledger, source, target, moment, info, progress, full=full_history)
        finally:
            if source is not ledger:
                source.close()


def rebuild_report(ledger: Ledger, moment: Moment) -> list[SheetContent]:
    """What the report made at `moment` showed, rebuilt from the ledger's history as it is now.

    The data is the ledger as journal entry `moment.head` left it; the header is as of the
    entry the report was made after. Only the journal is read: `ledger` may be a copy of another
    ledger's journal (a committee checking a branch's report).
    """
    source = snapshot(ledger, moment.today, upto=moment.head.seq)
    try:
        settings = settings_at(ledger, moment.made.seq)
        info = HeaderInfo(
            settings.get(UNIT_NAME, ""),
            dt.date.fromisoformat(moment.made_at[:10]),
            settings.get(CONTACT_PERSON, ""),
            settings.get(CONTACT_PHONE, ""),
        )
        wb = Workbook(write_only=True)
        palette = Palette(wb)
        palette.dry = True  # only what the sheets show is wanted, not a file
        try:
            with source.db.atomic():
                return _visible(wb, palette, source, moment, info, None).sheets
        finally:
            discard(wb)
    finally:
        source.close()


def rebuild_sheets(history: Ledger, payload: dict) -> list[SheetContent]:
    """A sealed report's sheets made again from `history` (see `tracker.exchange.rebuild`)."""
    return rebuild_report(history, Moment.from_json(payload["report"]))


def rebuild_totals(history: Ledger, payload: dict) -> dict:
    """A sealed report's total line counted again from `history` (another layout's report)."""
    moment = Moment.from_json(payload["report"])
    source = snapshot(history, moment.today, upto=moment.head.seq)
    try:
        numbers = figures(source, dt.date(moment.year, moment.month, 1), moment.last)
        return figures_json(numbers)["total"]
    finally:
        source.close()


@dataclass
class _Shown:
    title: str
    numbers: Figures
    detail_problems: int
    overdue_measures: int
    sheets: list[SheetContent]


def _visible(
    wb: Workbook,
    palette: Palette,
    source: Ledger,
    moment: Moment,
    info: HeaderInfo,
    progress: ProgressCallback,
) -> _Shown:
    """Write the three sheets people read; return what they show."""
    title = f"{info.unit}{format_month(moment.year, moment.month)}整改工作进展情况"
    numbers = figures(source, dt.date(moment.year, moment.month, 1), moment.last)
    ids = detail_ids(source, numbers.first)
    late = overdue_count(source, numbers.today)
    ticker = Ticker(progress, len(ids) + late)
    written = palette.record()
    follow = followup_counts(source, numbers.first, numbers.last)
    _summary(wb, palette, title, info, numbers, moment, follow)
    details(wb, palette, title, info, source, ids, numbers, ticker)
    overdue_sheet(wb, palette, title, info, source, numbers.today, ticker)
    ticker.tell()
    palette.recording = None
    return _Shown(title, numbers, len(ids), late, [sheet.content() for sheet in written])


def _write(
    ledger: Ledger,
    source: Ledger,
    target: Path,
    moment: Moment,
    info: HeaderInfo,
    progress: ProgressCallback,
    *,
    full: bool = False,
) -> ReportResult:
    wb = Workbook(write_only=True)
    try:
        palette = Palette(wb)
        shown = _visible(wb, palette, source, moment, info, progress)
        me = identity.identity(ledger.db)
        payload = {
            "format": seal.FORMAT,
            "kind": "report",
            "layout": LAYOUT,
            "ledger": {"id": me.ledger_id, "unit": info.unit, "public_key": me.public_key},
            "report": {**moment.as_json(), "title": shown.title},
            "figures": figures_json(shown.numbers),
            "sheets": [sheet.as_json() for sheet in shown.sheets],
            "journal": chain.carried(ledger.db, moment.head, moment.year, moment.month, full=full),
        }
        digest = seal.write_data_sheet(wb, palette, ledger.db, payload)
        save_atomically(wb, target)
    except BaseException:
        discard(wb)
        raise
    return ReportResult(
        target,
        shown.title,
        moment.stamp,
        moment.head.code,
        shown.numbers,
        shown.detail_problems,
        shown.overdue_measures,
        digest,
    )


def _moment_line(numbers: Figures, moment: Moment) -> str:
    span = f"{format_date(numbers.first)}至{format_date(numbers.last)}"
    if moment.current:
        when = f"{format_date(numbers.today)} {moment.stamp[11:16]}（本月尚未结束）"
    else:
        when = f"{format_date(numbers.last)}24时"
    return f"统计时点：{when}；本月：{span}；逾期按{format_date(numbers.today)}判断。"


# -- 汇总 ---------------------------------------------------------------------------------------
def _summary(
    wb, palette, title, info, numbers: Figures, moment: Moment, follow: FollowupCounts
) -> None:
    sheet = StreamSheet(wb, palette, "汇总", SUMMARY_COLUMNS)
    set_page(sheet.ws, title_rows=None)
    sheet_top(sheet, title, info, _moment_line(numbers, moment))
    t = numbers.total
    _section(sheet, "一、问题整改总体情况", ("项目", *PROBLEM_HEADINGS))
    _figure_row(sheet, "查摆问题", _problem_values(t), "台账正文")
    if numbers.closed_on_import:
        sheet.note_row(
            f"已销号中有 {numbers.closed_on_import} 个问题为“{MARK}”：从手工台账导入时原表已写销号，"
            "未经本程序审核（明细中标出），请核实。",
            height=18.0,
        )
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
    _followup_section(sheet, follow)
    sheet.append([], 8.0)
    notes = (
        "注：1. 问题总数不含已作废问题；正在整改 = 挂账 + 整改中 + 待销号；"
        "问题总数 = 已销号 + 长期坚持 + 正在整改；销号率 = 已销号 ÷ 问题总数。\n"
        "2. 本月新增按问题的发现日期统计，本月销号按销号日期统计，本月完成按措施完成日期统计；"
        "其中逾期指有措施超过整改时限仍未完成的问题；按部门统计以问题的责任部门为准。"
    )
    width = sum(c.width for c in SUMMARY_COLUMNS)
    sheet.note_row(notes, height=row_height(text_lines(notes, width)))
    head = moment.head
    sheet.note_row(
        f"{CODE_LABEL}：{head.code}（{MOMENT_LABEL} {moment.stamp}，共 {head.seq} 条）",
        "台账校验码",
        20.0,
    )
    sheet.note_row(
        "校验码是生成本报表时台账历史记录的指纹；报表另带生成台账的签名。核对方法：在整改台账程序中"
        "点“文件 → 核对月报…”，选择本文件；或运行命令 zhenggai-cli verify-report 本文件。"
        "可查出报表生成后表中数字或行被改动，以及台账历史被改写、删除或补记。",
        height=30.0,
    )


def _followup_section(sheet: StreamSheet, follow: FollowupCounts) -> None:
    """六、跟踪问效: 催办, 延期, 回头看 and 复发 as of the report's moment, and 抽查 results."""
    _section(sheet, "六、跟踪问效情况", ("项目", *(h for _, h in FOLLOWUP_HEADINGS)))
    values = follow.as_dict()
    cells = [sheet.cell("跟踪问效", "台账正文")]
    cells += [sheet.cell(values[key], "台账数字") for key, _ in FOLLOWUP_HEADINGS]
    sheet.append(cells, row_height(2))
    if follow.samples_checked:
        sheet.note_row(
            f"抽查已现场核查 {follow.samples_checked} 个已销号问题，其中不属实 {follow.samples_false} 个。",
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
