"""The 月报's 明细 and 逾期 sheets: every open or just-closed problem, and every overdue measure.

Both stream their rows from the database (the 明细 in chunks of problems, as the export does;
the 逾期 sheet from one ordered query), so a report on a large ledger stays small in memory.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from peewee import JOIN, fn

from .. import workflow
from ..dates import format_date
from ..import_closure import status_label
from ..ledger import Ledger
from ..models import Department, Extension, Measure, Problem
from ..overdue import is_overdue, overdue_measure_condition
from ..queries import LEADER, OWNER, Filter, problem_ids
from .report_figures import Figures
from .rows import ProblemGroup, fetch_groups, progress_entry
from .styles import Column, row_height, set_page, text_lines
from .writer import HeaderInfo, StreamSheet, Ticker, info_lines

HEADING_ROW = 4  # title, header line, moment line, headings


# widths for A4 landscape at about 91% (measured in LibreOffice; the sheet is fitted to the page
# width): 10 pt prints at 9.1 pt
DETAIL_COLUMNS = (
    Column("序号", 4.5, True),
    Column("问题编号", 9.5, True),
    Column("问题类别", 8, True),
    Column("问题描述（具体表现）", 19),
    Column("责任领导", 7, True),
    Column("责任部门", 9.5, True),
    Column("问题状态", 6.5, True),
    Column("整改措施", 18),
    Column("责任人", 7, True),
    Column("整改时限", 11, True),
    Column("措施状态", 6.5, True),
    Column("逾期天数", 6.5, True),
    Column("延期次数", 6.5, True),
    Column("本月进展", 21),
    Column("销号时间", 10, True),
)
_WIDTH = {c.heading: c.width for c in DETAIL_COLUMNS}
DETAIL_PROBLEM_COLUMNS = (1, 2, 3, 4, 5, 6, 7, 15)
OVERDUE_COLUMNS = (
    Column("序号", 5, True),
    Column("问题编号", 10, True),
    Column("问题描述（具体表现）", 28),
    Column("整改措施", 28),
    Column("责任人", 8, True),
    Column("责任部门", 12, True),
    Column("责任领导", 8, True),
    Column("整改时限", 16, True),
    Column("逾期天数", 9, True),
    Column("延期次数", 9, True),
)


def sheet_top(sheet: StreamSheet, title: str, info: HeaderInfo, line: str) -> None:
    sheet.title_row(title)
    sheet.info_row(info.parts())
    sheet.note_row(line, "台账表头说明", 22.0 * info_lines(line, sheet.columns))


# -- 明细 ---------------------------------------------------------------------------------------
def detail_ids(source: Ledger, first: dt.date) -> list[int]:
    """Every problem not crossed off before the month began (so those closed in it stay), in
    the ledger's code order, as the export lists them."""
    closed_before = {
        pid
        for (pid,) in source.select(Problem, Problem.id)
        .where((Problem.status == workflow.CLOSED) & (Problem.closed_on < first))
        .tuples()
    }
    return [pid for pid in problem_ids(source, Filter(), "code") if pid not in closed_before]


def details(wb, palette, title, info, source, ids, numbers: Figures, ticker: Ticker) -> None:
    sheet = StreamSheet(wb, palette, "明细", DETAIL_COLUMNS, freeze=f"A{HEADING_ROW + 1}")
    set_page(sheet.ws, title_rows=f"{HEADING_ROW}:{HEADING_ROW}")
    sheet_top(
        sheet,
        title,
        info,
        f"本表列出本月前尚未销号和本月销号的问题，共 {len(ids)} 个；"
        f"本月进展为{format_date(numbers.first)}至{format_date(numbers.last)}的整改进展。",
    )
    sheet.heading_row()
    month = (numbers.first, numbers.last)
    for number, group in enumerate(fetch_groups(source, ids, progress_between=month), 1):
        _detail_group(sheet, number, group, numbers.today)
        ticker.step()


def _detail_group(sheet: StreamSheet, number: int, g: ProblemGroup, today: dt.date) -> None:
    closed = format_date(g.closed_on) if g.status == workflow.CLOSED else ""
    shared = {
        1: number,
        2: g.code,
        3: g.category,
        4: g.description,
        5: g.leader,
        6: g.department,
        7: status_label(g.status, g.reviewer),
        15: closed,
    }
    measures = g.measures or [None]
    lines = []
    for m in measures:
        if m is None:
            lines.append(1)
            continue
        text = month_progress(m)
        lines.append(
            max(
                text_lines(m.text, _WIDTH["整改措施"]),
                text_lines(text, _WIDTH["本月进展"]),
                text_lines(m.deadline_text, _WIDTH["整改时限"]),
                text_lines(m.owner, _WIDTH["责任人"]),
            )
        )
    need = max(
        text_lines(g.description, _WIDTH["问题描述（具体表现）"]),
        text_lines(g.department, _WIDTH["责任部门"]),
    )
    if need > sum(lines):
        lines[-1] += need - sum(lines)
    first = sheet.row + 1
    for i, m in enumerate(measures):
        late = m is not None and is_overdue(m.status, m.deadline_date, g.status, today)
        body, mid = ("台账逾期", "台账逾期居中") if late else ("台账正文", "台账居中")
        cells = []
        for c, column in enumerate(DETAIL_COLUMNS, 1):
            base = "台账居中" if column.centered else "台账正文"
            if c in shared:
                cells.append(sheet.cell(shared[c], base) if i == 0 else sheet.blank(base))
            elif m is None:
                cells.append(sheet.blank(base))
            else:
                cells.append(
                    sheet.cell(_measure_cell(c, m, late, today), body if c in (8, 14) else mid)
                )
        sheet.append(cells, row_height(lines[i]))
    sheet.merge_rows(first, sheet.row, DETAIL_PROBLEM_COLUMNS)


def _measure_cell(c: int, m, late: bool, today: dt.date):
    if c == 8:
        return m.text
    if c == 9:
        return m.owner
    if c == 10:
        return m.deadline_text
    if c == 11:
        state = "逾期" if late else workflow.MEASURE_LABELS.get(m.status, m.status)
        return f"{state}\n催办 {m.chases} 次" if m.chases else state
    if c == 12:
        return (today - m.deadline_date).days if late else None
    if c == 13:
        return len(m.extensions) or None
    return month_progress(m)  # 14


def month_progress(m) -> str:
    """The month's progress entries of a measure, each with its date (not its author)."""
    return "\n".join(progress_entry(*entry, with_author=False) for entry in m.progress)


# -- 逾期 ---------------------------------------------------------------------------------------
def _overdue_query(source: Ledger, today: dt.date):
    extensions = (
        Extension.select(Extension.measure, fn.COUNT(Extension.id).alias("n"))
        .group_by(Extension.measure)
        .alias("ext")
    )
    return (
        source.select(
            Measure,
            Problem.code,
            Problem.description,
            Measure.text,
            OWNER.name,
            Department.name,
            LEADER.name,
            Measure.deadline_text,
            Measure.deadline_date,
            extensions.c.n,
        )
        .join_from(Measure, Problem, JOIN.INNER, on=(Measure.problem == Problem.id))
        .join_from(Measure, OWNER, JOIN.LEFT_OUTER, on=(Measure.owner == OWNER.id))
        .join_from(Measure, Department, JOIN.LEFT_OUTER, on=(Measure.department == Department.id))
        .join_from(Problem, LEADER, JOIN.LEFT_OUTER, on=(Problem.leader == LEADER.id))
        .join_from(Measure, extensions, JOIN.LEFT_OUTER, on=(Measure.id == extensions.c.measure_id))
        .where(overdue_measure_condition(today))
        .order_by(Measure.deadline_date, Problem.id, Measure.seq)
        .tuples()
    )


def overdue_count(source: Ledger, today: dt.date) -> int:
    return (
        source.select(Measure, fn.COUNT(Measure.id))
        .join(Problem, JOIN.INNER, on=(Measure.problem == Problem.id))
        .where(overdue_measure_condition(today))
        .scalar()
        or 0
    )


def overdue_sheet(wb, palette, title, info, source, today: dt.date, ticker: Ticker) -> None:
    sheet = StreamSheet(wb, palette, "逾期", OVERDUE_COLUMNS, freeze=f"A{HEADING_ROW + 1}")
    set_page(sheet.ws, title_rows=f"{HEADING_ROW}:{HEADING_ROW}")
    sheet_top(
        sheet,
        title,
        info,
        f"截至{format_date(today)}超过整改时限仍未完成的整改措施，按时限先后排列。",
    )
    sheet.heading_row()
    for values in overdue_rows(source, today):
        cells = [
            sheet.cell(v, "台账居中" if col.centered else "台账正文")
            for v, col in zip(values, OVERDUE_COLUMNS, strict=True)
        ]
        lines = max(text_lines(values[2] or "", 28), text_lines(values[3] or "", 28))
        sheet.append(cells, row_height(lines))
        ticker.step()


def overdue_rows(source: Ledger, today: dt.date) -> Iterator[tuple]:
    """Each overdue measure as the 逾期 sheet shows it (OVERDUE_COLUMNS), by deadline."""
    for number, row in enumerate(_overdue_query(source, today).iterator(), 1):
        code, desc, text, who, dept, lead, dl_text, dl_date, ext = row
        yield (number, code, desc, text, who, dept, lead, dl_text, (today - dl_date).days, ext)
