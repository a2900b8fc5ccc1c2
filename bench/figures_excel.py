"""Figures 4, 5 and 6 of issue 6: the ledger export, the monthly report and the import, in Excel.

These run on the 10000 case only, as the issue specifies: they take seconds, and they stream, so
their cost grows in step with the row count and a larger case would tell nothing new.
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

import baselines
from ledgers import NOW, LedgerCache, clock
from timing import Figure, Target, paired, run_times

from tracker.excel.export import export_ledger
from tracker.excel.importer import apply_plan
from tracker.excel.plan import build_plan
from tracker.excel.report import build_report
from tracker.ledger import Ledger, create_ledger

IMPORT_PROBLEMS = 3400  # about 10000 rows: the official layout has one row per measure
REPORT_SECONDS = 3.0


def export(ledger: Ledger, size: int, runs: int, scratch: Path) -> Figure:
    """The styled official export beside plain openpyxl write_only writing the same cell values
    (read back from our own export) with no styles, merges or row heights."""
    out, plain = scratch / "export.xlsx", scratch / "plain.xlsx"
    result = export_ledger(ledger, out)
    values = baselines.plain_values(out)
    figure = Figure("4", "export ledger to xlsx", size, "s", runs=runs)
    figure.value, figure.baseline = paired(
        lambda: export_ledger(ledger, out), lambda: baselines.write_plain(values, plain), runs
    )
    figure.baseline_name = "plain openpyxl write_only"
    figure.target = Target(ratio=1.3)
    cells = sum(1 for row in values for v in row if v is not None)
    figure.notes.append(f"{result.problems:,} problems, {result.rows:,} rows, {cells:,} cells")
    return figure


def report(ledger: Ledger, size: int, runs: int, scratch: Path) -> list[Figure]:
    """The 月报 of the current month (read live) and of the previous one (the ledger is first
    rebuilt from the journal as it stood at that month's end)."""
    last = NOW.date().replace(day=1) - dt.timedelta(days=1)
    months = [("current month", NOW.year, NOW.month), ("previous month", last.year, last.month)]
    out = []
    for name, year, month in months:
        path = scratch / f"report-{year}-{month:02d}.xlsx"
        samples = run_times(lambda y=year, m=month, p=path: build_report(ledger, p, y, m), runs)
        figure = Figure("5", f"monthly report, {name}", size, "s", runs=runs)
        figure.value = statistics.median(samples)
        figure.target = Target(value=REPORT_SECONDS)
        figure.notes.append(
            f"{year}-{month:02d}" + (" (journal replay)" if month != NOW.month else "")
        )
        out.append(figure)
    return out


def importing(cache: LedgerCache, runs: int, scratch: Path) -> Figure:
    """Reading, checking and previewing a 10000-row workbook (`build_plan`) and writing it into an
    empty ledger (`apply_plan`), beside openpyxl read_only iterating the same file. A new empty
    ledger is created, untimed, before each run."""
    workbook = cache.workbook(IMPORT_PROBLEMS)
    plans, applies, reads = [], [], []
    rows = 0
    for _ in range(runs):
        folder = Path(tempfile.mkdtemp(dir=scratch))
        with create_ledger(folder / "import.db", actor="基准测试", clock=clock) as ledger:
            start = time.perf_counter()
            plan = build_plan(ledger, workbook)
            planned = time.perf_counter()
            apply_plan(ledger, plan)
            plans.append(planned - start)
            applies.append(time.perf_counter() - planned)
        start = time.perf_counter()
        rows = baselines.plain_openpyxl(workbook)
        reads.append(time.perf_counter() - start)
    totals = [p + a for p, a in zip(plans, applies, strict=True)]
    figure = Figure("6", "import 10000-row workbook", rows, "s", runs=runs)
    figure.value, figure.baseline = statistics.median(totals), statistics.median(reads)
    figure.baseline_name = "openpyxl read_only iteration"
    figure.target = Target(ratio=2.0)
    figure.notes.append(
        f"{IMPORT_PROBLEMS:,}-problem demo exported; build_plan {statistics.median(plans):.2f} s "
        f"+ apply_plan {statistics.median(applies):.2f} s"
    )
    return figure
