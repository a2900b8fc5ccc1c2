"""The committee's 汇总表 workbook: every branch's figures, the sum, the change against last month,
who has not reported, every overdue measure, and a signature block — sealed like a branch report,
so that the level above (a 党委 over several 机关党委) collects it the same way.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from openpyxl import Workbook

from .. import journal
from ..dates import format_date, format_month, format_stamp
from ..excel.report import Moment
from ..excel.report_sheets import sheet_top
from ..excel.styles import Column, Palette, printed_workbook, row_height, set_page, text_lines
from ..excel.writer import (
    HeaderInfo,
    ProgressCallback,
    StreamSheet,
    check_target,
    discard,
    save_atomically,
)
from ..ledger import CONTACT_PERSON, CONTACT_PHONE, UNIT_NAME, Ledger
from ..replay import settings_at, snapshot
from . import chain, identity, seal
from .content import SheetContent
from .rollup import Rollup, rollup

SUMMARY_COLUMNS = (
    Column("序号", 5, True),
    Column("支部", 22),
    Column("问题总数", 8, True),
    Column("本月新增", 8, True),
    Column("已销号", 8, True),
    Column("本月销号", 8, True),
    Column("长期坚持", 8, True),
    Column("正在整改", 8, True),
    Column("逾期", 7, True),
    Column("销号率", 8, True),
    Column("措施完成率", 9, True),
    Column("已销号较上月", 9, True),
    Column("逾期较上月", 9, True),
    Column("报送日期", 12, True),
    Column("校验", 10, True),
)
OVERDUE_COLUMNS = (
    Column("序号", 5, True),
    Column("支部", 16),
    Column("问题编号", 10, True),
    Column("问题描述（具体表现）", 34),
    Column("整改措施", 34),
    Column("责任人", 8, True),
    Column("责任部门", 12, True),
    Column("整改时限", 14, True),
    Column("逾期天数", 8, True),
)
COMPARED = (
    ("问题总数", "problems"),
    ("本月新增", "new"),
    ("已销号（累计）", "closed"),
    ("本月销号", "closed_in_month"),
    ("长期坚持", "long_term"),
    ("正在整改", "open"),
    ("其中逾期", "overdue"),
    ("销号率", "rate"),
    ("措施完成率", "measures_rate"),
)
LAYOUT = 3  # bump on any change of what the sheets show (seal, rebuild); 2: header lines that fit;
# 3: 报送日期 written as a Chinese date
SIGNATURES = ("填报人：", "审核人：", "机关党委书记（签字）：", "日期：    年  月  日", "（盖章）")


def build_rollup(
    ledger: Ledger,
    path: str | os.PathLike,
    year: int,
    month: int,
    *,
    progress: ProgressCallback = None,
) -> tuple[Path, Rollup]:
    """Write the month's 汇总表 to `path` (as the received reports stand now), sealed."""
    target = check_target(path)
    with ledger.db.atomic():
        made_at = ledger.stamp()
        head = journal.head(ledger.db)
        today = ledger.now().date()
        moment = Moment(year, month, made_at, True, today, head, made_at, head)
        info = HeaderInfo.of(ledger)
        result = rollup(ledger, year, month)
        wb = printed_workbook()  # Arial 10 as the default: the page width means the same everywhere
        try:
            palette = Palette(wb)
            sheets = _visible(wb, palette, result, info, moment)
            me = identity.identity(ledger.db)
            payload = {
                "format": seal.FORMAT,
                "kind": "rollup",
                "layout": LAYOUT,
                "ledger": {"id": me.ledger_id, "unit": info.unit, "public_key": me.public_key},
                "report": {**moment.as_json(), "title": result.title},
                "figures": {
                    "total": result.total,
                    "by_branch": [[b.branch.name, b.line] for b in result.lines],
                },
                "sheets": [s.as_json() for s in sheets],
                "journal": chain.carried(ledger.db, head, year, month),
            }
            seal.write_data_sheet(wb, palette, ledger.db, payload)
            save_atomically(wb, target)
        except BaseException:
            discard(wb)
            raise
    return target, result


def rebuild_rollup(history: Ledger, payload: dict) -> list[SheetContent]:
    """The 汇总表 a committee made, rebuilt from its journal (the level above checking it)."""
    moment = Moment.from_json(payload["report"])
    source = snapshot(history, moment.today, upto=moment.head.seq)
    try:
        settings = settings_at(history, moment.made.seq)
        info = HeaderInfo(
            settings.get(UNIT_NAME, ""),
            dt.date.fromisoformat(moment.made_at[:10]),
            settings.get(CONTACT_PERSON, ""),
            settings.get(CONTACT_PHONE, ""),
        )
        result = rollup(source, moment.year, moment.month)
        result.unit = info.unit
        wb = Workbook(write_only=True)
        palette = Palette(wb)
        palette.dry = True  # only what the sheets show is wanted, not a file
        try:
            return _visible(wb, palette, result, info, moment)
        finally:
            discard(wb)
    finally:
        source.close()


def rebuild_totals(history: Ledger, payload: dict) -> dict:
    """A sealed 汇总表's 合计 counted again from the committee's history (another layout's)."""
    moment = Moment.from_json(payload["report"])
    source = snapshot(history, moment.today, upto=moment.head.seq)
    try:
        return rollup(source, moment.year, moment.month).total
    finally:
        source.close()


def _visible(wb, palette: Palette, result: Rollup, info: HeaderInfo, moment: Moment) -> list:
    written = palette.record()
    _summary(wb, palette, result, info, moment)
    _overdue(wb, palette, result, info)
    palette.recording = None
    return [sheet.content() for sheet in written]


def _summary(wb, palette: Palette, result: Rollup, info: HeaderInfo, moment: Moment) -> None:
    sheet = StreamSheet(wb, palette, "汇总", SUMMARY_COLUMNS, freeze="A5")
    set_page(sheet.ws, title_rows="4:4")
    reported, missing = len(result.lines), len(result.missing)
    sheet_top(
        sheet,
        result.title,
        info,
        f"统计时点：{format_date(moment.today)} {moment.stamp[11:16]}；"
        f"应报 {reported + missing} 个支部，已报送 {reported} 个，未报送 {missing} 个。",
    )
    sheet.heading_row()
    for number, b in enumerate(result.lines, 1):
        delta = b.change
        values = [
            number,
            b.branch.name,
            *(b.line[k] for k in ("problems", "new", "closed", "closed_in_month", "long_term")),
            b.line["open"],
            b.line["overdue"],
        ]
        cells = [sheet.cell(v, "台账居中" if i != 1 else "台账正文") for i, v in enumerate(values)]
        cells += [
            sheet.cell(b.line["rate"], "台账百分比"),
            sheet.cell(b.line["measures_rate"], "台账百分比"),
        ]
        cells += [
            sheet.cell(delta["closed"] if delta else "—", "台账增减" if delta else "台账居中"),
            sheet.cell(delta["overdue"] if delta else "—", "台账增减" if delta else "台账居中"),
            sheet.cell(format_stamp(b.received_at[:10]), "台账居中"),
            sheet.cell(
                "已校验" if b.verified else "未校验（手工台账）",
                "台账居中" if b.verified else "台账逾期居中",
            ),
        ]
        sheet.append(cells, row_height(text_lines(b.branch.name, 22)))
    t = result.total
    total = [sheet.cell("合计", "台账合计"), sheet.cell(f"{reported} 个支部", "台账合计")]
    total += [
        sheet.cell(t[k], "台账合计") for k in ("problems", "new", "closed", "closed_in_month")
    ]
    total += [sheet.cell(t[k], "台账合计") for k in ("long_term", "open", "overdue")]
    total += [
        sheet.cell(t["rate"], "台账合计百分比"),
        sheet.cell(t["measures_rate"], "台账合计百分比"),
    ]
    delta = result.change
    total += [
        sheet.cell(delta["closed"] if delta else "—", "台账合计"),
        sheet.cell(delta["overdue"] if delta else "—", "台账合计"),
        sheet.blank("台账合计"),
        sheet.blank("台账合计"),
    ]
    sheet.append(total, 22.0)

    sheet.append([], 8.0)
    row = sheet.append([sheet.cell("二、与上月比较（全部已报送支部合计）", "台账小标题")], 22.0)
    sheet.merge(row, 1, row, sheet.width)
    header = sheet.append(
        [sheet.cell(h, "台账列名") for h in ("项目", "", "上月", "本月", "增减")], 20.0
    )
    sheet.merge(header, 1, header, 2)
    before = result.previous_total
    counted = sheet.append(
        [
            sheet.cell("已报送支部", "台账正文"),
            sheet.blank("台账正文"),
            sheet.cell(result.previous_count, "台账数字"),
            sheet.cell(reported, "台账数字"),
            sheet.cell(reported - result.previous_count, "台账增减"),
        ],
        18.0,
    )
    sheet.merge(counted, 1, counted, 2)
    for label, key in COMPARED:
        rate = key.endswith("rate")
        style = "台账百分比" if rate else "台账数字"
        now = t[key]
        row = sheet.append(
            [
                sheet.cell(label, "台账正文"),
                sheet.blank("台账正文"),
                sheet.cell(before[key], style) if before else sheet.cell("—", "台账居中"),
                sheet.cell(now, style),
                sheet.cell(round(now - before[key], 4), "台账增减百分点" if rate else "台账增减")
                if before
                else sheet.cell("—", "台账居中"),
            ],
            18.0,
        )
        sheet.merge(row, 1, row, 2)

    sheet.append([], 8.0)
    row = sheet.append([sheet.cell("三、未报送的支部", "台账小标题")], 22.0)
    sheet.merge(row, 1, row, sheet.width)
    if not result.missing:
        sheet.note_row("全部支部均已报送。", height=18.0)
    for b in result.missing:
        row = sheet.append(
            [
                sheet.cell(b.name, "台账逾期标记"),
                sheet.blank("台账逾期标记"),
                sheet.cell(f"联系人：{b.contact or '（未登记）'}", "台账逾期"),
                *(sheet.blank("台账逾期") for _ in range(2)),
                sheet.cell(f"电话：{b.phone or '（未登记）'}", "台账逾期"),
                *(sheet.blank("台账逾期") for _ in range(2)),
            ],
            18.0,
        )
        sheet.merge(row, 1, row, 2)
        sheet.merge(row, 3, row, 5)
        sheet.merge(row, 6, row, 8)

    sheet.append([], 8.0)
    notes = (
        "注：1. 合计为各支部数字之和；合计行的销号率 = 已销号合计 ÷ 问题总数合计，措施完成率同理，"
        "不是各支部比率的平均。2. 各支部数字取自其报送的月报（同月多次报送的以最后一次为准）；"
        "“未校验”为手工台账，数字由本程序按表中内容统计，无法核对真伪。3. 较上月 = 本月数 − 上月数；"
        "上月数为上月已报送支部的合计，两月报送的支部不同时，增减中含支部数的变化。"
    )
    width = sum(c.width for c in SUMMARY_COLUMNS)
    sheet.note_row(notes, height=row_height(text_lines(notes, width)))
    sheet.append([], 16.0)
    spread = [None] * sheet.width
    for i, (text, col) in enumerate(zip(SIGNATURES, (0, 3, 6, 10, 13), strict=True)):
        del i
        spread[col] = sheet.cell(text, "台账表头信息")
    sheet.append(spread, 30.0)


def _overdue(wb, palette: Palette, result: Rollup, info: HeaderInfo) -> None:
    sheet = StreamSheet(wb, palette, "逾期", OVERDUE_COLUMNS, freeze="A5")
    set_page(sheet.ws, title_rows="4:4")
    sheet_top(
        sheet,
        f"{result.unit}{format_month(result.year, result.month)}各支部逾期措施",
        info,
        f"各支部月报中超过整改时限仍未完成的整改措施，共 {len(result.overdue)} 项，按逾期天数从多到少排列。",
    )
    sheet.heading_row()
    for number, o in enumerate(result.overdue, 1):
        who = f"{o['branch']}／{o['unit']}" if o.get("unit") else o["branch"]
        values = (
            number,
            who,
            o["code"],
            o["description"],
            o["measure"],
            o["owner"],
            o["department"],
            o["deadline"],
            o["days"],
        )
        cells = [
            sheet.cell(v, "台账居中" if col.centered else "台账正文")
            for v, col in zip(values, OVERDUE_COLUMNS, strict=True)
        ]
        lines = max(
            text_lines(v if isinstance(v, str) else "", col.width)
            for v, col in zip(values, OVERDUE_COLUMNS, strict=True)
        )
        sheet.append(cells, row_height(lines))
