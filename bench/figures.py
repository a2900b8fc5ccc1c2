"""Figures 1, 2, 3, 7, 8 and 9 of issue 6: start-up and memory, search, filter and sort, counts,
building the demo ledger. One function per figure; each returns the rows it adds to the table.

In-process figures open the ledger as the GUI does and time the `tracker` calls the GUI makes for
that gesture (the Qt work on top is a page of 200 rows, small beside the SQL). Start-up and memory
are measured on whole processes, because that is what the user waits for.
"""

from __future__ import annotations

import compileall
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import baselines
from ledgers import LedgerCache, clock
from timing import Figure, Target, median_time, paired

from tracker import demo_text
from tracker.dashboard import breakdown
from tracker.ledger import Ledger
from tracker.models import Category
from tracker.queries import Filter, problem_ids, problem_rows, view_counts
from tracker.stats import stats

ROOT = Path(__file__).resolve().parents[1]
PAGE = 200  # rows the ledger table fetches at a time (ui/ledger_model.py PAGE)
SEARCH_TERMS = ("窗口服务", "调研")  # 3+ characters (trigram-indexable) and 2 characters
CATEGORY = "作风建设"
INSTANT = 0.050  # seconds: "search as you type" and "filter to rows shown" at 100000
COUNTS = 0.100
PROCESS_TIMEOUT = 120  # a modal dialog in an offscreen process would otherwise wait forever


# -- 1 and 8: start to a usable window, peak memory ----------------------------------------------
def _run_process(command: list[str], data_dir: Path, peak_file: Path) -> tuple[float, float, float]:
    """Seconds from launch until the window was usable (the process's start-up probe), seconds
    until the process ended, and its peak RSS in MB; raises with its output if it fails."""
    probe = data_dir / "usable"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        ZHENGGAI_DATA_DIR=str(data_dir),
        ZHENGGAI_STARTUP_PROBE=str(probe),
    )
    launched, start = time.time(), time.perf_counter()
    try:
        done = subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=PROCESS_TIMEOUT
        )
    except subprocess.TimeoutExpired as late:
        raise RuntimeError(
            f"{command[3]} did not finish in {PROCESS_TIMEOUT} s{_log(data_dir)}"
        ) from late
    elapsed = time.perf_counter() - start
    if done.returncode != 0 or not peak_file.exists() or not probe.exists():
        raise RuntimeError(
            f"{Path(command[3]).name} exited with {done.returncode}"
            f"{'' if probe.exists() else ' without reporting a usable window'}: "
            f"{done.stderr.strip()[-600:]}{_log(data_dir)}"
        )
    usable = float(probe.read_text()) - launched
    probe.unlink()
    return usable, elapsed, int(peak_file.read_text()) / 1024


def _log(data_dir: Path) -> str:
    log = data_dir / "logs" / "zhenggai.log"
    return f"\n  log: {log.read_text(errors='replace')[-800:]}" if log.exists() else ""


def startup(ledger: Path, size: int, runs: int, scratch: Path) -> list[Figure]:
    """`main.py --db LEDGER --screenshot` beside two baselines, run in turn, each in a fresh
    process with a fresh data folder (a first start: no saved settings): a bare QMainWindow with
    an empty QTableView, and the same window skeleton as the program (menus, toolbar, side list,
    filter bar, a table with a page of rows; `skeleton_window.py`) with no ledger code. One
    untimed round first, so all read Qt from a warm disk cache. The figure is the time from
    launch to the moment each process reports its table painted and its event queue drained
    (ui/startup_probe.py); the whole process, screenshot included, is given in the notes."""
    # An installed program starts from bytecode (pip and the installer compile it); a checkout
    # run with PYTHONDONTWRITEBYTECODE would compile ~80 modules on every start instead.
    for folder in ("ui", "tracker", "bench"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    app_runs, bare_runs, skeleton_runs = [], [], []
    for i in range(runs + 1):
        folder = Path(tempfile.mkdtemp(prefix="start-", dir=scratch))
        peak, png = folder / "peak", folder / "window.png"
        app = _run_process(baselines.app_command(peak, ledger, png), folder, peak)
        peak.unlink()
        bare = _run_process(baselines.bare_command(peak, png), folder, peak)
        peak.unlink()
        skeleton = _run_process(baselines.skeleton_command(peak, png), folder, peak)
        shutil.rmtree(folder, ignore_errors=True)
        if i:
            app_runs.append(app)
            bare_runs.append(bare)
            skeleton_runs.append(skeleton)

    def median(runs: list[tuple[float, float, float]], column: int) -> float:
        return statistics.median(run[column] for run in runs)

    first = Figure("1", "start to usable window", size, "s", runs=runs)
    first.value, first.baseline = median(app_runs, 0), median(bare_runs, 0)
    first.baseline_name = "bare QMainWindow + QTableView"
    first.notes.append(
        f"whole process, screenshot saved: {median(app_runs, 1):.2f} s "
        f"(bare {median(bare_runs, 1):.2f} s, skeleton {median(skeleton_runs, 1):.2f} s)"
    )
    fair = Figure("1", "start to usable window, vs skeleton", size, "s", runs=runs)
    fair.value, fair.baseline = first.value, median(skeleton_runs, 0)
    fair.baseline_name = "same window skeleton, no ledger code"
    fair.target = {10000: Target(ratio=1.5), 100000: Target(ratio=1.5)}.get(size)
    memory = Figure("8", "peak memory, ledger open in GUI", size, "MB", runs=runs)
    memory.value, memory.baseline = median(app_runs, 2), median(bare_runs, 2)
    memory.baseline_name = "bare window"
    memory.target = {100000: Target(value=400)}.get(size)
    return [first, fair, memory]


def _listing(ledger: Ledger, flt: Filter, sort: str = "code") -> Callable[[], list[int]]:
    """What the ledger page does when the filter, search or sort changes: all the ids in display
    order, then the rows of the first page; returns the ids."""

    def run() -> list[int]:
        ids = problem_ids(ledger, flt, sort)
        problem_rows(ledger, ids[:PAGE])
        return ids

    return run


# -- 2: search as you type -----------------------------------------------------------------------
def _vocabulary() -> str:
    pools = [demo_text.MEASURES, demo_text.PROGRESS, demo_text.CAUSES, demo_text.TARGETS]
    pools += [[*a, *b, *c] for a, b, c in demo_text.PROBLEMS.values()]
    return "\n".join(s for pool in pools for s in pool)


def search(ledger: Ledger, size: int, runs: int) -> list[Figure]:
    """One keystroke to rows shown: the ordered ids for the search, then the first page's rows."""
    words = _vocabulary()
    out = []
    for term in SEARCH_TERMS:
        if term not in words:
            raise RuntimeError(f"search term {term} is no longer in tracker/demo_text.py")
        keystroke = _listing(ledger, Filter(search=term))
        figure = Figure("2", f"search “{term}” ({len(term)} chars)", size, "ms", runs=runs)
        figure.value = median_time(keystroke, runs)
        figure.target = {100000: Target(value=INSTANT)}.get(size)
        figure.notes.append(f"{len(keystroke()):,} problems match")
        out.append(figure)
    return out


# -- 3: changing a filter or sort ----------------------------------------------------------------
def filter_sort(ledger: Ledger, path: Path, size: int, runs: int) -> list[Figure]:
    """A view or filter change with a sort, to the first page of rows, beside the same page from a
    hand-written sqlite3 query on its own read-only connection."""
    raw = baselines.open_raw(path)
    category = ledger.select(Category, Category.id).where(Category.name == CATEGORY).scalar()
    today = clock().date().isoformat()
    cases = [
        ("逾期 view sorted by deadline", Filter(view="overdue"), "deadline",
         lambda: baselines.overdue_page(raw, today, PAGE)),
        (f"category {CATEGORY} sorted by code", Filter(category=category), "code",
         lambda: baselines.category_page(raw, category, PAGE)),
    ]  # fmt: skip
    out = []
    for name, flt, sort, by_hand in cases:
        change = _listing(ledger, flt, sort)
        figure = Figure("3", f"filter/sort: {name}", size, "ms", runs=runs)
        figure.value, figure.baseline = paired(change, by_hand, runs, warmup=True)
        figure.baseline_name = "raw sqlite3 page"
        figure.target = {100000: Target(ratio=3.0, value=INSTANT)}.get(size)
        shown = change()
        figure.notes.append(f"{len(shown):,} problems listed")
        if [row[0] for row in by_hand()] != shown[:PAGE]:
            figure.notes.append("the hand-written query's first page differs from the program's")
        out.append(figure)
    raw.close()
    return out


# -- 7: stats and dashboard counts ---------------------------------------------------------------
def counts(ledger: Ledger, size: int, runs: int) -> list[Figure]:
    calls = [
        ("stats()", lambda: stats(ledger)),
        ("view_counts()", lambda: view_counts(ledger)),
        ('breakdown("department")', lambda: breakdown(ledger, "department")),
    ]
    out = []
    for name, call in calls:
        figure = Figure("7", f"counts: {name}", size, "ms", runs=runs)
        figure.value = median_time(call, runs)
        figure.target = {100000: Target(value=COUNTS)}.get(size)
        out.append(figure)
    return out


# -- 9: creating the demo ledger -----------------------------------------------------------------
def creation(cache: LedgerCache, size: int, runs: int) -> Figure:
    """`build_demo` into a new file, beside raw executemany of the rows it wrote into tables of the
    same shape. The demo also generates the text, chains the journal hashes and writes evidence
    files; the baseline only stores finished rows, which is the floor for any generator."""
    built = [cache.build_timed(size) for _ in range(runs)]
    tables = baselines.ledger_tables(cache.ledger(size))
    rows = sum(len(t[2]) for t in tables)
    copies = []
    for _ in range(runs):
        target = cache.scratch_file("raw.db")
        start = time.perf_counter()
        baselines.raw_insert(tables, target)
        copies.append(time.perf_counter() - start)
        shutil.rmtree(target.parent)
    figure = Figure("9", "create demo ledger", size, "s", runs=runs)
    figure.value, figure.baseline = statistics.median(built), statistics.median(copies)
    figure.baseline_name = "raw executemany"
    figure.target = {100000: Target(ratio=3.0)}.get(size)
    figure.notes.append(f"{rows:,} rows in {len(tables)} tables")
    return figure
