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

from .. import workflow
from ..checkpoints import past
from ..dates import format_date
from ..ledger import Ledger
from ..models import Batch, Category, Department
from ..queries import ALL, VIEW_LABELS, Filter, problem_ids
from .export_sheet import plan_table, write_ledger
from .styles import printed_workbook
from .writer import (
    HeaderInfo,
    ProgressCallback,
    Ticker,
    check_target,
    discard,
    save_atomically,
)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    problems: int
    rows: int  # measure rows (a problem without measures still takes one row)
    overdue_rows: int
    title: str
    as_of: dt.date | None
    replaced: bool  # an existing file of that name was replaced
    brief: bool = False  # the 简表
    omitted: tuple[str, ...] = ()  # headings of columns left out: empty for the whole export
    scale: float = 1.0  # the print size: cells of 10.5 pt print at 10.5 × scale


def export_ledger(
    ledger: Ledger,
    path: str | os.PathLike,
    flt: Filter | None = None,
    *,
    as_of: dt.date | None = None,
    sort: str = "code",
    progress: ProgressCallback = None,
    brief: bool = False,
) -> ExportResult:
    """Write the problems `flt` selects (as of the end of `as_of`, or now) to `path`: the 完整表,
    or with `brief` the 简表; columns empty for every problem exported are left out.

    Raises `tracker.bulk.Cancelled` when `progress` returns False; no file is left behind then.
    """
    flt = flt or Filter()
    target = check_target(path)
    replaced = target.exists()
    info = HeaderInfo.of(ledger)
    source = past(ledger, as_of) if as_of else ledger
    try:
        with source.db.atomic():  # one consistent read of a live ledger
            ids = problem_ids(source, flt, sort)
            title = export_title(source, info.unit, flt, as_of)
            table = plan_table(source, ids, brief)
            wb = printed_workbook()
            try:
                ticker = Ticker(progress, len(ids))
                counts = write_ledger(wb, source, ids, table, title, info, ticker, brief)
                save_atomically(wb, target)
            except BaseException:
                discard(wb)
                raise
    finally:
        if source is not ledger:
            source.close()
    return ExportResult(
        target,
        len(ids),
        counts[0],
        counts[1],
        title,
        as_of,
        replaced,
        brief,
        tuple(table.omitted),
        table.scale,
    )


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
