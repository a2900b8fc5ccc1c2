"""Figures 10 and 11 (issue 13): a committee collecting its branches' monthly reports, and its rollup.

A committee of 60 branches with 500 problems each (`--quick`: 20). Each branch is a demo ledger
named for its branch (`build_demo(unit=…)`, so each differs), and its November report is cached in
the work folder beside the ledgers. Collecting means all of it: the seal, the journal the report
carries continuing an empty chain, the report rebuilt from that journal and compared cell by cell,
and storing it. The baseline is openpyxl read_only iterating every sheet of the same workbooks.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import baselines
from ledgers import NOW, LedgerCache, clock
from timing import Figure, Target, run_times

from tracker.demo import build_demo
from tracker.excel.report import build_report
from tracker.exchange.collect import collect
from tracker.exchange.rollup_book import build_rollup
from tracker.ledger import create_ledger

BRANCH_PROBLEMS = 500
ROLLUP_SECONDS = 2.0


def branch_reports(cache: LedgerCache, branches: int) -> list[Path]:
    """The November reports of `branches` demo branches, made once per version of the code."""
    folder = cache.folder / f"committee-{branches}x{BRANCH_PROBLEMS}-{cache.version}"
    paths = [folder / f"第{i + 1:02d}党支部2026年11月.xlsx" for i in range(branches)]
    if all(p.exists() for p in paths):
        return paths
    work = Path(tempfile.mkdtemp(dir=cache.scratch))
    for i, path in enumerate(paths):
        ledger = build_demo(
            work / f"{i}.db", problems=BRANCH_PROBLEMS, unit=path.stem[:6], clock=clock
        )
        build_report(ledger, work / path.name, NOW.year, NOW.month)
        ledger.close()
    folder.mkdir(parents=True, exist_ok=True)
    for path in paths:
        (work / path.name).rename(path)
    return paths


def _committee(scratch: Path):
    folder = Path(tempfile.mkdtemp(dir=scratch))
    return create_ledger(folder / "机关党委.db", unit_name="某某局机关党委", clock=clock)


def collecting(cache: LedgerCache, branches: int, runs: int) -> tuple[Figure, Figure]:
    """Figure 10 (collect every report into a new committee ledger, alternating with the
    baseline) and figure 11 (the rollup workbook of the committee that collected them)."""
    paths = branch_reports(cache, branches)
    mine, theirs, rollups = [], [], []
    for _ in range(runs):
        ledger = _committee(cache.scratch)
        start = time.perf_counter()
        result = collect(ledger, paths)
        mine.append(time.perf_counter() - start)
        if result.refused:
            raise RuntimeError(
                f"{len(result.refused)} reports refused: {result.refused[0].reasons}"
            )
        start = time.perf_counter()
        for path in paths:
            baselines.plain_openpyxl(path)
        theirs.append(time.perf_counter() - start)
        target = ledger.location.replace(".db", "汇总.xlsx")
        rollups += run_times(
            lambda t=target, led=ledger: build_rollup(led, t, NOW.year, NOW.month), 1
        )
        ledger.close()
    size = branches * BRANCH_PROBLEMS
    megabytes = sum(p.stat().st_size for p in paths) / 1e6
    collect_figure = Figure("10", f"collect {branches} branch reports", size, "s", runs=runs)
    collect_figure.value, collect_figure.baseline = (
        statistics.median(mine),
        statistics.median(theirs),
    )
    collect_figure.baseline_name = "openpyxl read_only iteration of the same workbooks"
    collect_figure.target = Target(ratio=2.0)
    collect_figure.notes.append(
        f"{branches} reports of {BRANCH_PROBLEMS} problems each, {megabytes:.1f} MB in all; "
        f"per report {statistics.median(mine) / branches * 1000:.0f} ms: seal, journal chain, "
        "rebuild from the journal and cell-by-cell comparison, storing"
    )
    rollup_figure = Figure("11", f"rollup of {branches} branches", size, "s", runs=runs)
    rollup_figure.value = statistics.median(rollups)
    rollup_figure.target = Target(value=ROLLUP_SECONDS)
    rollup_figure.notes.append("`build_rollup`: figures, overdue list, sealed 汇总表 workbook")
    return collect_figure, rollup_figure
