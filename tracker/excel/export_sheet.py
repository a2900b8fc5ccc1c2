"""Writing the 整改台账 sheet: the columns planned from what the problems hold, then the rows
page by page, the closing note and the signature block.

A first look at the problems (a few grouped queries per 500, no text read) says which columns
have anything in them and how wide the short ones must be; then the rows are streamed as before.
"""

from __future__ import annotations

from .. import tags, workflow
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
    shared_cells,
)
from .linebreak import width
from .printed_sheet import HEADING_ROW, PrintedSheet, palette
from .printing import needed, plan
from .rows import CHUNK, _among, fetch_groups
from .writer import HeaderInfo, Ticker


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
    sheet = PrintedSheet(
        wb,
        palette(wb),
        SHEET,
        table.specs,
        table.widths,
        table.scale,
        title=title,
        info=info,
        block_keys=PROBLEM_KEYS,
    )
    today = source.today()
    rows = overdue = 0
    for number, g in enumerate(fetch_groups(source, ids), 1):
        measures = measure_rows(table, g, today)
        sheet.block(
            shared_cells(table, number, g),
            measures,
            lambda n=number, g=g: shared_cells(table, n, g, continued=True),
        )
        rows += len(measures)
        overdue += sum(r.overdue for r in measures)
        ticker.step()
    ticker.tell()
    notes = [
        f"注：本表共 {len(ids)} 个问题、{rows} 行整改措施，其中逾期 {overdue} 项"
        f"（浅红底纹，完成情况标“{OVERDUE_WORD}”）；数据截至{format_date(today)}，由整改台账程序生成。"
    ]
    if brief:
        notes.append("本表为简表，原因分析、整改目标、整改进展等见完整表。")
    if table.omitted:
        notes.append(f"本次导出的问题均未填写{'、'.join(table.omitted)}，这些列未列出。")
    sheet.close("".join(notes))
    wb.custom_doc_props.append(table.lines_property(HEADING_ROW + 1))
    return rows, overdue
