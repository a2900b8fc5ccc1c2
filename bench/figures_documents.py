"""Figures of issue 12: the 三张清单 and the Word report, and the past as fast as the present.

- 13: the 三张清单 at 10000 problems beside plain openpyxl write_only writing the same cells (read
  back from the three sheets) with no styles, merges or row heights: ≤ 1.3×.
- 14: the Word 整改情况报告 at 1000 problems: ≤ 3 s.
- 15: a past month's report, `stats --as-of` and `export --as-of` (the end of last month) beside
  the same for now: ≤ 1.5×. Each past figure is timed with its checkpoint kept (every run after
  the first of a month); the first run, which builds the checkpoint from the journal, is in the
  notes. The ledger's checkpoints (in the benchmark's data folder) are removed before each first run.
"""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
from pathlib import Path

import baselines
from ledgers import NOW, LedgerCache
from timing import Figure, Target, paired, run_times

from tracker import checkpoints
from tracker.documents.lists import build_lists
from tracker.documents.word_report import build_word_report
from tracker.excel.export import export_ledger
from tracker.excel.report import build_report
from tracker.ledger import Ledger
from tracker.stats import stats

WORD_PROBLEMS = 1000
LAST = NOW.date().replace(day=1) - dt.timedelta(days=1)  # the end of the month before


def lists(ledger: Ledger, size: int, runs: int, scratch: Path) -> Figure:
    out, plain = scratch / "lists.xlsx", scratch / "lists-plain.xlsx"
    result = build_lists(ledger, out)
    sheets = {
        name: baselines.plain_values(out, name) for name in ("问题清单", "任务清单", "责任清单")
    }
    figure = Figure("13", "three lists (三张清单) to xlsx", size, "s", runs=runs)
    figure.value, figure.baseline = paired(
        lambda: build_lists(ledger, out), lambda: baselines.write_plain_sheets(sheets, plain), runs
    )
    figure.baseline_name = "plain openpyxl write_only"
    figure.target = Target(ratio=1.3)
    cells = sum(1 for rows in sheets.values() for row in rows for v in row if v is not None)
    figure.notes.append(
        f"{result.problems:,} problems, {result.measures:,} measures, {cells:,} cells in 3 sheets"
    )
    return figure


def word(cache: LedgerCache, runs: int, scratch: Path) -> Figure:
    from ledgers import clock

    from tracker.ledger import open_ledger

    with open_ledger(cache.ledger(WORD_PROBLEMS), clock=clock) as ledger:
        out = scratch / "report.docx"
        samples = run_times(lambda: build_word_report(ledger, out), runs, warmup=True)
        result = build_word_report(ledger, out)
    figure = Figure("14", "Word 整改情况报告", WORD_PROBLEMS, "s", runs=runs)
    figure.value = statistics.median(samples)
    figure.target = Target(value=3.0)
    figure.notes.append(f"{result.problems:,} problems, {out.stat().st_size // 1024} KB .docx")
    return figure


def past(ledger: Ledger, size: int, runs: int, scratch: Path) -> list[Figure]:
    """Last month against now, for the report, stats and the export."""
    folder = checkpoints.folder(ledger)
    out = []
    jobs = (
        (
            "monthly report, previous month",
            lambda: build_report(ledger, scratch / "past.xlsx", LAST.year, LAST.month),
            lambda: build_report(ledger, scratch / "now.xlsx", NOW.year, NOW.month),
        ),
        ("stats --as-of end of last month", lambda: _stats(ledger, LAST), lambda: stats(ledger)),
        (
            "export --as-of end of last month",
            lambda: export_ledger(ledger, scratch / "past-export.xlsx", as_of=LAST),
            lambda: export_ledger(ledger, scratch / "now-export.xlsx"),
        ),
    )
    for name, then, now in jobs:
        shutil.rmtree(folder, ignore_errors=True)
        cold = run_times(then, 1)[0]  # builds the checkpoint (and the month before, for 上月数)
        figure = Figure("15", name, size, "s", runs=runs)
        figure.value, figure.baseline = paired(then, now, runs)
        figure.baseline_name = "the same for now"
        figure.target = Target(ratio=1.5)
        figure.notes.append(f"first run, building the checkpoint from the journal: {cold:.2f} s")
        out.append(figure)
    kept = list(checkpoints.folder(ledger).glob("*.db"))
    out[-1].notes.append(
        f"{len(kept)} checkpoints kept, {sum(p.stat().st_size for p in kept) // 2**20} MB"
    )
    return out


def _stats(ledger: Ledger, day: dt.date) -> dict:
    source = checkpoints.past(ledger, day)
    try:
        return stats(source)
    finally:
        source.close()
