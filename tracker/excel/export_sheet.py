"""Writing the 整改台账 sheet: the columns planned from what the problems hold, then the rows
page by page, the closing note and the signature block.

A first look at the problems (a few grouped queries per 500, no text read) says which columns
have anything in them and how wide the short ones must be; then the rows are streamed as before.
"""

from __future__ import annotations

import datetime as dt

from .. import fonts, tags, workflow
from ..dates import format_date
from ..import_closure import MARK, closed_on_import_condition
from ..ledger import Ledger
from ..models import Category, Department, Evidence, Extension, Measure, Problem, Progress, Source
from ..queries import LEADER, OWNER, with_measure_names, with_problem_names
from .export_table import (
    ALWAYS,
    BRIEF,
    FULL,
    OVERDUE_WORD,
    PROBLEM_KEYS,
    SHEET,
    SPECS,
    Table,
    measure_rows,
    segments,
    shared_cells,
    shared_height,
)
from .linebreak import width, wrap
from .printing import CELL_PT, LINE_PT, Pages, capacity, height, needed, plan
from .rows import CHUNK, ProblemGroup, _among, fetch_groups
from .styles import TITLE_SIZE, Column, Palette, printed_styles, set_page
from .writer import HeaderInfo, StreamSheet, Ticker

HEADING_ROW = 3
SIGNATURES = (
    "填报人：",
    "审核人：",
    "支部书记（签字）：",
    "日期：\u3000\u3000年\u3000\u3000月\u3000\u3000日",
    "（盖章）",
)
SIGNING_ROOM = 9.0  # width units left after each signature label to sign in
NOTE_PT = CELL_PT  # the note under the table (台账注释 in `printed_styles`)


def plan_table(source: Ledger, ids: list[int], brief: bool) -> Table:
    keys = BRIEF if brief else FULL
    present, needs = survey(source, ids)
    kept = [k for k in keys if k in ALWAYS or k in present]
    omitted = [SPECS[k].heading for k in keys if k not in kept]
    widths, scale = plan([SPECS[k] for k in kept], needs)
    return Table(kept, widths, scale, omitted)


def survey(source: Ledger, ids: list[int]) -> tuple[set[str], dict[str, float]]:
    """Which columns hold anything for these problems, and the widest short values (half-widths)."""
    present: set[str] = set()
    names: dict[str, set[str]] = {k: set() for k in ("code", "source", "category", "leader")}
    names |= {k: set() for k in ("department", "owner", "deadline", "tags")}
    for start in range(0, len(ids), CHUNK):
        part = list(ids[start : start + CHUNK])
        problems = with_problem_names(
            Problem.select(
                Problem.code,
                Source.name,
                Category.name,
                LEADER.name,
                Problem.cause != "",
                Problem.target != "",
                Problem.status == workflow.CLOSED,
                (Problem.remarks != "") | Problem.recurrence_of.is_null(False),
                closed_on_import_condition(),
            )
        ).where(_among(source, Problem.id, part))
        for row in source.db.execute(problems):
            for key, value in zip(("code", "source", "category", "leader"), row, strict=False):
                if value:
                    names[key].add(value)
            flags = ("cause", "target", "closed_on", "remarks", "imported")
            for key, flag in zip(flags, row[4:], strict=True):
                if flag:
                    present.add(key)
        live = (Measure.status != workflow.M_VOID) & _among(source, Measure.problem, part)
        measures = with_measure_names(
            Measure.select(
                OWNER.name,
                Department.name,
                Measure.deadline_text,
                Measure.tags,
                Measure.amount_cents,
            ).distinct()
        ).where(live)
        for owner, department, deadline, tagged, cents in source.db.execute(measures):
            for key, value in (
                ("owner", owner),
                ("department", department),
                ("deadline", deadline),
            ):
                if value:
                    names[key].add(value)
            if tagged:
                names["tags"].add(tags.label_text(tagged, cents))
        for model, key in ((Progress, "progress"), (Extension, "remarks")):
            if key in present:
                continue
            query = model.select(model.id).join(Measure, on=(model.measure == Measure.id))
            if source.db.execute(query.where(live).limit(1)).fetchone():
                present.add(key)
        if "evidence" not in present:
            query = Evidence.select(Evidence.id).where(
                _among(source, Evidence.problem, part) & (Evidence.active == True)  # noqa: E712
            )
            if source.db.execute(query.limit(1)).fetchone():
                present.add("evidence")
    present.update(k for k, v in names.items() if v)
    needs = {k: needed(v) for k, v in names.items()}
    # 完成情况: “已完成（整改中）” breaks before its bracket; “导入时已销号” is kept on one line
    state = width(MARK) if "imported" in present else 10
    needs |= {"state": state, "closed": 2, "closed_on": width("2026年12月31日")}
    needs["seq"] = len(str(len(ids)))
    return present, needs


# -- the sheet ------------------------------------------------------------------------------------
def write_ledger(
    wb,
    source: Ledger,
    ids: list[int],
    table: Table,
    title: str,
    info: HeaderInfo,
    ticker: Ticker,
    brief: bool,
) -> tuple[int, int]:
    """The sheet: title, header line, headings, the problems page by page, note, signatures."""
    palette = Palette(wb, printed_styles(fonts.faces(), CELL_PT))
    columns = [
        Column(s.heading, w, s.centered) for s, w in zip(table.specs, table.widths, strict=True)
    ]
    sheet = StreamSheet(wb, palette, SHEET, columns, freeze=f"A{HEADING_ROW + 1}")
    set_page(
        sheet.ws,
        title_rows=f"{HEADING_ROW}:{HEADING_ROW}",
        scale=round(table.scale * 100),
        footer_size=11,
    )
    line_units = sum(capacity(w) for w in table.widths)
    title_lines = -int(-width(title) * TITLE_SIZE / CELL_PT // line_units)
    title_height = title_lines * TITLE_SIZE * 1.35 + 10
    sheet.title_row(title, title_height)
    sheet.info_row(info.parts())
    headings = [
        table.fit(k, SPECS[k].heading) if not SPECS[k].text else SPECS[k].heading
        for k in table.keys
    ]
    heading_lines = max(h.count("\n") + 1 for h in headings)
    heading_height = height(heading_lines) + 4
    sheet.append([sheet.cell(h, "台账列名") for h in headings], heading_height)
    pages = Pages(sheet.ws, table.scale, heading_height)
    pages.add(title_height + 24.0 + heading_height)
    today = source.today()
    rows = overdue = 0
    for number, group in enumerate(fetch_groups(source, ids), 1):
        written, late = _group(sheet, table, pages, number, group, today)
        rows += written
        overdue += late
        ticker.step()
    ticker.tell()
    _closing(sheet, table, pages, len(ids), rows, overdue, today, brief)
    pages.close()
    wb.custom_doc_props.append(table.lines_property(HEADING_ROW + 1))
    return rows, overdue


def _group(
    sheet: StreamSheet, table: Table, pages: Pages, number: int, g: ProblemGroup, today: dt.date
) -> tuple[int, int]:
    """A problem's rows (one per measure), its own cells merged down them, kept on one page."""
    rows = measure_rows(table, g, today)
    heights = [height(r.lines) for r in rows]
    own = shared_cells(table, number, g)
    first = shared_height(own)
    again, later = own, first  # the description repeated on the next page, when it goes on
    if max(sum(heights), first) > pages.fresh:
        again = shared_cells(table, number, g, continued=True)
        later = shared_height(again)
    parts = segments(pages, heights, first, later)
    if not pages.at_top() and not pages.fits(max(sum(heights), first)):
        pages.new_page(sheet.row)
    for k, part in enumerate(parts):
        if k:
            pages.new_page(sheet.row)
        cells = own if k == 0 else again
        need = first if k == 0 else later
        sizes = [heights[i] for i in part]
        extra = max(0.0, need - sum(sizes)) / len(sizes)
        start = sheet.row + 1
        for j, i in enumerate(part):
            sheet.append(_cells(sheet, table, rows[i], cells if j == 0 else None), sizes[j] + extra)
        sheet.merge_rows(start, sheet.row, table.problem_columns)
        pages.add(sum(sizes) + extra * len(sizes))
    return len(rows), sum(r.overdue for r in rows)


def _cells(sheet: StreamSheet, table: Table, row, shared: dict | None) -> list:
    out = []
    for key in table.keys:
        spec = SPECS[key]
        base = "台账居中" if spec.centered else "台账正文"
        if key in PROBLEM_KEYS:
            out.append(
                sheet.cell(shared.get(key), base) if shared is not None else sheet.blank(base)
            )
        elif not row.overdue:
            out.append(sheet.cell(row.cells.get(key), base))
        elif key == "state":
            out.append(sheet.cell(row.cells.get(key), "台账逾期标记"))
        else:
            style = "台账逾期居中" if spec.centered else "台账逾期"
            out.append(sheet.cell(row.cells.get(key), style))
    return out


def _closing(sheet, table, pages, problems, rows, overdue, today, brief) -> None:
    """The note under the table and the signature block, kept on one page together."""
    notes = [
        f"注：本表共 {problems} 个问题、{rows} 行整改措施，其中逾期 {overdue} 项"
        f"（浅红底纹，完成情况标“{OVERDUE_WORD}”）；数据截至{format_date(today)}，由整改台账程序生成。"
    ]
    if brief:
        notes.append("本表为简表，原因分析、整改目标、整改进展等见完整表。")
    if table.omitted:
        notes.append(f"本次导出的问题均未填写{'、'.join(table.omitted)}，这些列未列出。")
    text = wrap("".join(notes), int(sum(capacity(w) for w in table.widths) * CELL_PT / NOTE_PT))
    note_height = (text.count("\n") + 1) * LINE_PT + 8
    if not pages.fits(note_height + 12 + 44):
        pages.new_page(sheet.row)
    sheet.note_row(text, height=note_height)
    sheet.append([], 12.0)
    sheet.info_row(list(SIGNATURES), height=44.0, room=SIGNING_ROOM)
