"""A branch that keeps its ledger in Excel by hand: its workbook, read by the importer into a
scratch ledger and counted exactly as a report counts, is collected as 未校验 (nothing proves it)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from ..dates import format_month, month_end
from ..errors import LedgerError
from ..ledger import Ledger, create_ledger
from .collect import Incoming


def inspect_handkept(
    ledger: Ledger, path: str | Path, branch_name: str, year: int, month: int
) -> Incoming:
    """Read a hand-kept workbook as `branch_name`'s figures for `year`-`month`; never writes."""
    from ..excel.importer import apply_plan
    from ..excel.plan import build_plan
    from ..excel.report_figures import figures, figures_json
    from ..excel.report_sheets import overdue_rows

    incoming = Incoming(Path(path), kind="handkept", unit=(branch_name or "").strip())
    incoming.year, incoming.month = year, month
    if not incoming.unit:
        incoming.reasons.append("手工台账没有校验数据，请指定它是哪个支部的（支部名称）。")
        return incoming
    today = ledger.today()
    last = month_end(year, month)
    if (year, month) > (today.year, today.month):
        incoming.reasons.append(f"{format_month(year, month)}还没有到。")
        return incoming
    with tempfile.TemporaryDirectory(prefix="zhenggai-handkept-") as folder:
        scratch = create_ledger(
            Path(folder) / "scratch.db", unit_name=incoming.unit, actor=ledger.actor
        )
        try:
            try:
                apply_plan(scratch, build_plan(scratch, incoming.path))
            except LedgerError as error:
                incoming.reasons.append(str(error))
                return incoming
            scratch.as_of = min(today, last)
            numbers = figures(scratch, dt.date(year, month, 1), last)
            incoming.figures = figures_json(numbers)
            incoming.overdue = [list(r) for r in overdue_rows(scratch, numbers.today)]
        finally:
            scratch.close()
    incoming.made_at = ledger.stamp()
    incoming.notes.append("手工台账没有校验数据，数字由本程序按表中内容统计，标记为“未校验”。")
    return incoming
