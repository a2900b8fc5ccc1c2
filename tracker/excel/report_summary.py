"""The 月报's 汇总 sheet: the headline figures with last month's beside them, the 措施类型 totals,
the breakdowns, the notes and the 校验码 with how to check it.

Last month's figures are those of the ledger at the end of the month before (rebuilt from the
journal, like a past month's report), so 上月数 here is what last month's report said, and 增减
is the month's change a supervisor asks for.
"""

from __future__ import annotations

from openpyxl.worksheet.pagebreak import Break

from .. import tags
from ..dates import format_date
from ..followup.facts import FollowupCounts
from ..import_closure import MARK
from .report_figures import Figures, Line
from .report_sheets import sheet_top
from .styles import Column, row_height, set_page, text_lines
from .writer import StreamSheet

CODE_LABEL = "校验码"
MOMENT_LABEL = "历史记录截至"
# narrow enough for A4 landscape at about 95%: the 10 pt figures print at 9.5 pt (the sheet is
# fitted to the page width); a long batch name wraps in the first column
SUMMARY_COLUMNS = tuple(Column("", w, i > 0) for i, w in enumerate((28, *(9,) * 11)))
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
TAG_HEADINGS = (*(tags.LABELS[c] for c in tags.ORDER), "挽回损失/清退资金金额（万元）")
BREAKDOWN_EXTRA = ("措施总数", "已完成措施", "逾期措施")
BEFORE, CHANGE = "上月数", "较上月增减"
EMPTY_NOTE = (
    "特别说明：统计时点台账中还没有录入问题（或已录入的问题均已作废），"
    "表中的数字为零只表示台账当时为空，不表示没有问题。"
)
RATE_AT = 7  # the rate's place in the problem and measure lines
FOLLOWUP_HEADINGS = (  # 七、跟踪问效 (tracker/followup): (FollowupCounts field, heading)
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


def summary_sheet(
    wb, palette, title, info, numbers: Figures, before: Figures, moment, follow: FollowupCounts
) -> None:
    sheet = StreamSheet(wb, palette, "汇总", SUMMARY_COLUMNS)
    set_page(sheet.ws, title_rows=None)
    sheet_top(sheet, title, info, moment_line(numbers, before, moment))
    t, b = numbers.total, before.total
    if not t.problems:  # said where the figures start, in red: zeros here are not a clean record
        sheet.note_row(EMPTY_NOTE, "台账提醒", 22.0)
    _section(sheet, "一、问题整改总体情况", ("项目", *PROBLEM_HEADINGS))
    _compared(sheet, "查摆问题", problem_values(t), problem_values(b))
    if numbers.closed_on_import:
        sheet.note_row(
            f"已销号中有 {numbers.closed_on_import} 个问题为“{MARK}”：从手工台账导入时原表已写销号，"
            "未经本程序审核（明细中标出），请核实。",
            height=18.0,
        )
    _section(sheet, "二、整改措施落实情况", ("项目", *MEASURE_HEADINGS))
    _compared(sheet, "整改措施", measure_values(t), measure_values(b))
    _section(sheet, "三、整改成效（按措施类型统计，单位：项）", ("项目", *TAG_HEADINGS))
    _compared(sheet, "整改措施", tag_values(t), tag_values(b), money_at=len(tags.ORDER))
    headings = (*PROBLEM_HEADINGS, *BREAKDOWN_EXTRA)
    for number, label, rows in (
        ("四", "问题类别", numbers.by_category),
        ("五", "责任部门", numbers.by_department),
        ("六", "整改批次", numbers.by_batch),
    ):
        # 四 and 五 on the second page (the headline figures fill the first), 六 on the third
        if number != "五":
            sheet.ws.row_breaks.append(Break(id=sheet.row))
        _section(sheet, f"{number}、按{label}统计", (label, *headings))
        for name, line in rows:
            _figure_row(sheet, name, breakdown_values(line), "台账正文")
        _figure_row(sheet, "合计", breakdown_values(t), "台账合计")
    _followup_section(sheet, follow)
    sheet.append([], 8.0)
    notes = (
        "注：1. 问题总数不含已作废问题；正在整改 = 挂账 + 整改中 + 待销号；"
        "问题总数 = 已销号 + 长期坚持 + 正在整改；销号率 = 已销号 ÷ 问题总数。\n"
        "2. 本月新增按问题的发现日期统计，本月销号按销号日期统计，本月完成按措施完成日期统计；"
        "其中逾期指有措施超过整改时限仍未完成的问题；按部门统计以问题的责任部门为准。\n"
        f"3. 上月数为{format_date(before.last)}24时台账的数字（由历史记录还原，即上月月报的数字），"
        "较上月增减 = 本月数 − 上月数（比率为百分点）。\n"
        "4. 整改成效按整改措施的“措施类型”统计（不含已作废的措施，一项措施可属于多个类型）；"
        "金额为标注“挽回损失/清退资金”的措施所填金额之和。"
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
    """七、跟踪问效: 催办, 延期, 回头看 and 复发 as of the report's moment, and 抽查 results."""
    _section(sheet, "七、跟踪问效情况", ("项目", *(h for _, h in FOLLOWUP_HEADINGS)))
    values = follow.as_dict()
    cells = [sheet.cell("跟踪问效", "台账正文")]
    cells += [sheet.cell(values[key], "台账数字") for key, _ in FOLLOWUP_HEADINGS]
    sheet.append(cells, row_height(2))
    if follow.samples_checked:
        sheet.note_row(
            f"抽查已现场核查 {follow.samples_checked} 个已销号问题，其中不属实 {follow.samples_false} 个。",
            height=18.0,
        )


def moment_line(numbers: Figures, before: Figures, moment) -> str:
    span = f"{format_date(numbers.first)}至{format_date(numbers.last)}"
    if moment.current:
        when = f"{format_date(numbers.today)} {moment.stamp[11:16]}（本月尚未结束）"
    else:
        when = f"{format_date(numbers.last)}24时"
    return (
        f"统计时点：{when}；本月：{span}；逾期按{format_date(numbers.today)}判断；"
        f"上月数截至{format_date(before.last)}24时。"
    )


def _section(sheet: StreamSheet, caption: str, headings: tuple[str, ...]) -> None:
    sheet.append([])
    row = sheet.append([sheet.cell(caption, "台账小标题")], 22.0)
    sheet.merge(row, 1, row, sheet.width)
    sheet.heading_row(list(headings))


def problem_values(t: Line) -> list:
    return [t.problems, t.new, t.closed, t.closed_in_month, t.long_term, t.open, t.overdue, t.rate]


def measure_values(t: Line) -> list:
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


def tag_values(t: Line) -> list:
    counts = [getattr(t, f"tags_{code}") for code in tags.ORDER]
    return [*counts, tags.wan_yuan(t.recovered_cents)]


def breakdown_values(t: Line) -> list:
    return [*problem_values(t), t.measures, t.measures_done, t.measures_overdue]


def _compared(
    sheet: StreamSheet, label: str, now: list, before: list, *, money_at: int | None = None
) -> None:
    """This month's line, last month's, and the change (rates in points, money to the cent)."""
    rate_at = None if money_at is not None else RATE_AT
    _figure_row(sheet, label, now, "台账正文", rate_at=rate_at, money_at=money_at)
    _figure_row(sheet, BEFORE, before, "台账正文", rate_at=rate_at, money_at=money_at)
    change = [round(a - b, 4) for a, b in zip(now, before, strict=True)]
    cells = [sheet.cell(CHANGE, "台账正文")]
    for i, value in enumerate(change):
        if i == rate_at:
            style = "台账增减百分点"
        elif i == money_at:
            style = "台账增减金额"
        else:
            style = "台账增减"
        cells.append(sheet.cell(value, style))
    sheet.append(cells, row_height(1))


def _figure_row(
    sheet: StreamSheet,
    label: str,
    values: list,
    style: str,
    *,
    rate_at: int | None = RATE_AT,
    money_at: int | None = None,
) -> None:
    total = style == "台账合计"
    cells = [sheet.cell(label, "台账合计" if total else "台账正文")]
    for i, value in enumerate(values):
        if i == rate_at:
            cells.append(sheet.cell(value, "台账合计百分比" if total else "台账百分比"))
        elif i == money_at:
            cells.append(sheet.cell(value, "台账金额"))
        else:
            cells.append(sheet.cell(value, "台账合计" if total else "台账数字"))
    sheet.append(cells, row_height(text_lines(label, SUMMARY_COLUMNS[0].width)))
