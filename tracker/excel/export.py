"""The official 整改台账 workbook: one row per measure, the problem's cells merged over its measures.

The layout is the one supervisors know from hand-kept ledgers (DOMAIN.md) and the one the
importer reads back: a merged title, the 填报单位 line, one heading row with the exact names
below, then the table. `export_ledger` takes plain arguments and a progress callback so the GUI
can run it in a worker thread; `--as-of` runs the same code on a snapshot rebuilt from the journal.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook

from .. import import_closure, workflow
from ..dates import format_date
from ..ledger import Ledger
from ..models import Batch, Category, Department
from ..overdue import is_overdue
from ..queries import ALL, VIEW_LABELS, Filter, problem_ids
from ..replay import snapshot
from .rows import MeasureLine, ProblemGroup, fetch_groups
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

COLUMNS = (
    Column("序号", 5, True),
    Column("问题编号", 10, True),
    Column("问题来源", 10, True),
    Column("问题类别", 9, True),
    Column("问题描述（具体表现）", 28),
    Column("原因分析", 18),
    Column("整改目标", 16),
    Column("整改措施", 26),
    Column("责任领导", 8, True),
    Column("责任部门", 12, True),
    Column("责任人", 8, True),
    Column("整改时限", 15, True),
    Column("整改进展", 28),
    Column("完成情况", 11, True),
    Column("销号时间", 14, True),
    Column("佐证材料", 16),
    Column("备注", 14),
)
HEADINGS = [c.heading for c in COLUMNS]
# 1-based columns that belong to the problem and are merged over its measure rows.
PROBLEM_COLUMNS = (1, 2, 3, 4, 5, 6, 7, 9, 15, 16, 17)
HEADING_ROW = 3
OVERDUE_WORD = "逾期"


@dataclass(frozen=True)
class ExportResult:
    path: Path
    problems: int
    rows: int  # measure rows (a problem without measures still takes one row)
    overdue_rows: int
    title: str
    as_of: dt.date | None
    replaced: bool  # an existing file of that name was replaced


def export_ledger(
    ledger: Ledger,
    path: str | os.PathLike,
    flt: Filter | None = None,
    *,
    as_of: dt.date | None = None,
    sort: str = "code",
    progress: ProgressCallback = None,
) -> ExportResult:
    """Write the problems `flt` selects (as of the end of `as_of`, or now) to `path`.

    Raises `tracker.bulk.Cancelled` when `progress` returns False; no file is left behind then.
    """
    flt = flt or Filter()
    target = check_target(path)
    replaced = target.exists()
    info = HeaderInfo.of(ledger)
    source = snapshot(ledger, as_of) if as_of else ledger
    try:
        with source.db.atomic():  # one consistent read of a live ledger
            ids = problem_ids(source, flt, sort)
            title = export_title(source, info.unit, flt, as_of)
            wb = Workbook(write_only=True)
            try:
                counts = _write(wb, source, ids, title, info, Ticker(progress, len(ids)))
                save_atomically(wb, target)
            except BaseException:
                discard(wb)
                raise
    finally:
        if source is not ledger:
            source.close()
    return ExportResult(target, len(ids), counts[0], counts[1], title, as_of, replaced)


def export_title(source: Ledger, unit: str, flt: Filter, as_of: dt.date | None) -> str:
    """`{填报单位}{批次或范围}问题整改台账`, with what else narrows the table in brackets."""
    scope = ""
    if flt.batch is not None:
        scope = _name(source, Batch, flt.batch)
        for tail in ("问题", "整改", "问题"):  # “…查摆问题” + “问题整改台账” reads twice
            scope = scope.removesuffix(tail)
    notes = []
    if flt.view != ALL:
        notes.append(VIEW_LABELS.get(flt.view, flt.view))
    if flt.statuses:
        notes.append("、".join(workflow.STATUS_LABELS.get(s, s) for s in flt.statuses))
    if flt.department is not None:
        notes.append(_name(source, Department, flt.department))
    if flt.category is not None:
        notes.append(_name(source, Category, flt.category))
    if flt.search.strip():
        notes.append(f"含“{flt.search.strip()}”")
    if as_of is not None:
        notes.append(f"截至{format_date(as_of)}")
    title = f"{unit}{scope}问题整改台账"
    return f"{title}（{'；'.join(notes)}）" if notes else title


def _name(source: Ledger, model, pk: int) -> str:
    return source.select(model, model.name).where(model.id == pk).scalar() or ""


def _write(
    wb: Workbook, source: Ledger, ids: list[int], title: str, info: HeaderInfo, ticker: Ticker
) -> tuple[int, int]:
    palette = Palette(wb)
    sheet = StreamSheet(wb, palette, "整改台账", COLUMNS, freeze=f"A{HEADING_ROW + 1}")
    set_page(sheet.ws, title_rows=f"{HEADING_ROW}:{HEADING_ROW}")
    sheet.title_row(title)
    sheet.info_row(info.parts())
    sheet.heading_row(HEADINGS)
    today = source.today()
    rows = overdue_rows = 0
    for number, group in enumerate(fetch_groups(source, ids), 1):
        written, overdue = _write_group(sheet, number, group, today)
        rows += written
        overdue_rows += overdue
        ticker.step()
    ticker.tell()
    sheet.note_row(
        f"注：本表共 {len(ids)} 个问题、{rows} 行整改措施，其中逾期 {overdue_rows} 项"
        f"（浅红底纹，完成情况标“{OVERDUE_WORD}”）；"
        f"数据截至{format_date(today)}，由整改台账程序生成。",
        height=30.0,
    )
    return rows, overdue_rows


def _write_group(
    sheet: StreamSheet, number: int, g: ProblemGroup, today: dt.date
) -> tuple[int, int]:
    """The problem's rows: its own cells in the first row (merged down), one row per measure."""
    shared = {
        1: number,
        2: g.code,
        3: g.source,
        4: g.category,
        5: g.description,
        6: g.cause,
        7: g.target,
        9: g.leader,
        15: format_date(g.closed_on) if g.status == workflow.CLOSED else "",
        16: "\n".join(g.evidence),
        17: remarks(g),
    }
    measures = g.measures or [None]
    open_left = any(m.status == workflow.M_OPEN for m in g.measures)
    any_done = any(m.status == workflow.M_DONE for m in g.measures)
    lines = [_measure_lines(m) for m in measures]
    # Rows share out the height the problem's merged cells need beyond the measures' own.
    need = max(text_lines(str(v), COLUMNS[c - 1].width) for c, v in shared.items())
    have = sum(lines)
    if need > have:
        extra, rest = divmod(need - have, len(lines))
        lines = [n + extra + (1 if i < rest else 0) for i, n in enumerate(lines)]
    first = sheet.row + 1
    overdue_count = 0
    for i, m in enumerate(measures):
        overdue = m is not None and is_overdue(m.status, m.deadline_date, g.status, today)
        overdue_count += overdue
        state = completion(g.status, m, overdue, open_left, any_done, g.reviewer)
        text_style = "台账逾期" if overdue else "台账正文"
        mid_style = "台账逾期居中" if overdue else "台账居中"
        cells = []
        for c, column in enumerate(COLUMNS, 1):
            base = "台账居中" if column.centered else "台账正文"
            if c in shared:
                cells.append(sheet.cell(shared[c], base) if i == 0 else sheet.blank(base))
            elif m is None:
                cells.append(sheet.cell(state if c == 14 else None, base))
            elif c == 8:
                cells.append(sheet.cell(m.text, text_style))
            elif c == 10:
                cells.append(sheet.cell(m.department, mid_style))
            elif c == 11:
                cells.append(sheet.cell(m.owner, mid_style))
            elif c == 12:
                cells.append(sheet.cell(m.deadline_text, mid_style))
            elif c == 13:
                cells.append(sheet.cell(progress_text(m), text_style))
            else:  # 14, 完成情况
                cells.append(sheet.cell(state, "台账逾期标记" if overdue else "台账居中"))
        sheet.append(cells, row_height(lines[i]))
    sheet.merge_rows(first, sheet.row, PROBLEM_COLUMNS)
    return len(measures), overdue_count


def _measure_lines(m: MeasureLine | None) -> int:
    if m is None:
        return 1
    return max(
        text_lines(m.text, COLUMNS[7].width),
        text_lines(progress_text(m), COLUMNS[12].width),
        text_lines(m.deadline_text, COLUMNS[11].width),
        text_lines(m.department, COLUMNS[9].width),
    )


def progress_text(m: MeasureLine) -> str:
    """Dated entries, oldest first: “2026年3月5日 李娜：召开专题会议…”."""
    return "\n".join(
        f"{format_date(on)} {author}：{text}" if author else f"{format_date(on)}：{text}"
        for on, author, text in m.progress
    )


def completion(
    problem_status: str,
    m: MeasureLine | None,
    overdue: bool,
    open_left: bool,
    any_done: bool,
    reviewer: str,
) -> str:
    """完成情况 of one measure row, in words the importer reads back to the same problem status.

    A crossed-off or pending problem speaks for all its rows; otherwise each row tells its
    measure's state, worded so the problem's own state is still recognisable when none of its
    measures is open (the importer derives the problem's status from these words).
    """
    if problem_status == workflow.CLOSED:
        return import_closure.status_label(problem_status, reviewer)  # 已销号 / 导入时已销号
    if problem_status == workflow.PENDING:
        return "待销号"
    if problem_status == workflow.VOID:
        return "已作废"
    if problem_status == workflow.LISTED:
        return f"{OVERDUE_WORD}未开始" if overdue else "未开始"
    if m is None:
        return workflow.STATUS_LABELS.get(problem_status, problem_status)
    if overdue:
        return OVERDUE_WORD
    in_progress_only = problem_status == workflow.IN_PROGRESS and not open_left
    if m.status == workflow.M_DONE:
        return "已完成（整改中）" if in_progress_only else "已完成"
    if m.status == workflow.M_LONG_TERM:
        return "整改中" if in_progress_only and not any_done else "长期坚持"
    return "正在整改"


def remarks(g: ProblemGroup) -> str:
    """The problem's own remarks, then what the table has no column for: recurrence (复发),
    extensions and 催办 (tracker/followup)."""
    parts = [g.remarks.strip()] if g.remarks.strip() else []
    if g.recurrence_of:
        parts.append(f"复发：问题 {g.recurrence_of} 再次出现")
    for m in g.measures:
        if m.extensions:
            first_old = m.extensions[0][0] or "未填写"
            parts.append(f"措施{m.seq}延期{len(m.extensions)}次（原时限：{first_old}）")
        if m.chases:
            parts.append(f"措施{m.seq}催办 {m.chases} 次")
    return "\n".join(parts)
