"""The benchmark of issue 6: holds the program to numbers at 1000, 10000 and 100000 problems.

    python bench/run.py [--quick] [--sizes 1000,10000,100000] [--out FILE] [--workdir DIR]

Each figure is a median of several runs, beside a baseline measured in the same run where the
issue names one, and is judged against the issue's target. The table is printed as it fills and
then written to bench/RESULTS.md. `--quick` runs the 10000 case with fewer repetitions (about a
minute) and writes its table to the work folder, so that CI exercises everything without
overwriting the committed results. Missing a target never fails the run: only a crash does
(exit status 1), because CI checks that the benchmark still works, not how fast it is.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import figures  # noqa: E402
import figures_bundle  # noqa: E402
import figures_committee  # noqa: E402
import figures_documents  # noqa: E402
import figures_excel  # noqa: E402
import figures_followup  # noqa: E402
import figures_shared  # noqa: E402
import machine  # noqa: E402
import results  # noqa: E402
from ledgers import DEFAULT_WORKDIR, NOW, LedgerCache, clock  # noqa: E402
from timing import Figure  # noqa: E402

from tracker.ledger import open_ledger  # noqa: E402

SIZES = (1000, 10000, 100000)
EXCEL_SIZE = 10000  # the issue measures the Excel figures on 10000 problems only
COMMITTEE_BRANCHES, COMMITTEE_QUICK = 60, 20  # issue 13: 60 branches of 500 problems each
DEFAULT_OUT = Path(__file__).with_name("RESULTS.md")


@dataclass(frozen=True)
class Runs:
    """How many times each kind of figure is repeated (the median is reported)."""

    fast: int  # in-process queries, milliseconds each
    process: int  # start-up in a fresh process, about a second each
    slow: int  # Excel jobs, seconds each
    create: int  # building a demo ledger below 100000 (at 100000 once: over a minute)

    @classmethod
    def for_mode(cls, quick: bool) -> Runs:
        return cls(fast=5, process=3, slow=1, create=1) if quick else cls(7, 5, 3, 3)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the 10000 case only, in a minute")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="problems per ledger")
    parser.add_argument("--out", type=Path, help=f"results file (default {DEFAULT_OUT.name})")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help="ledger cache")
    parser.add_argument("--seed", type=int, default=2026, help="demo generator seed")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="the shared-ledger figures (16-18, PostgreSQL) in a --quick run too: 10000 problems, 10 s",
    )
    args = parser.parse_args(argv)
    args.sizes = [EXCEL_SIZE] if args.quick else sorted({int(s) for s in args.sizes.split(",")})
    if args.out is None:
        args.out = args.workdir / "RESULTS-quick.md" if args.quick else DEFAULT_OUT
    return args


def guarded(number: str, name: str, size: int, measure: Callable[[], object]) -> list[Figure]:
    """Run one figure; a crash becomes an error row, so the other figures still get measured."""
    try:
        got = measure()
    except Exception as exc:  # noqa: BLE001 - reported in the table and in the exit status
        traceback.print_exc()
        return [Figure(number, name, size, error=f"{type(exc).__name__}: {exc}")]
    return got if isinstance(got, list) else [got]  # type: ignore[list-item]


def measure_size(size: int, cache: LedgerCache, runs: Runs, table: results.Table) -> None:
    creates = 1 if size >= 100000 else runs.create
    print(f"-- {size:,} problems: building the demo ledger ({creates}×)", flush=True)
    table.add(
        guarded("9", "create demo ledger", size, lambda: figures.creation(cache, size, creates))
    )
    path = cache.ledger(size)
    scratch = cache.scratch
    table.add(
        guarded("1", "start to usable window", size,
                lambda: figures.startup(path, size, runs.process, scratch))
    )  # fmt: skip
    if size == EXCEL_SIZE:  # issue 15: the bundle against the virtualenv, on the quick size
        table.add(
            guarded("12", "start to usable window, bundle", size,
                    lambda: figures_bundle.startup(path, size, runs.process, scratch))
        )  # fmt: skip
    with open_ledger(path, clock=clock) as ledger:
        table.add(guarded("2", "search", size, lambda: figures.search(ledger, size, runs.fast)))
        table.add(
            guarded("3", "filter/sort", size,
                    lambda: figures.filter_sort(ledger, path, size, runs.fast))
        )  # fmt: skip
        table.add(guarded("7", "counts", size, lambda: figures.counts(ledger, size, runs.fast)))
        table.add(
            guarded("19", "similar problems", size,
                    lambda: figures_followup.similar(ledger, size, runs.fast))
        )  # fmt: skip
        if size == EXCEL_SIZE:
            table.add(
                guarded("4", "export ledger to xlsx", size,
                        lambda: figures_excel.export(ledger, size, runs.slow, scratch))
            )  # fmt: skip
            table.add(
                guarded("5", "monthly report", size,
                        lambda: figures_excel.report(ledger, size, runs.slow, scratch))
            )  # fmt: skip
            table.add(
                guarded("13", "three lists", size,
                        lambda: figures_documents.lists(ledger, size, runs.slow, scratch))
            )  # fmt: skip
            table.add(
                guarded("15", "the past as fast as now", size,
                        lambda: figures_documents.past(ledger, size, runs.slow, scratch))
            )  # fmt: skip
    if size == EXCEL_SIZE:
        table.add(
            guarded("6", "import 10000-row workbook", size,
                    lambda: figures_excel.importing(cache, runs.slow, scratch))
        )  # fmt: skip
        table.add(
            guarded("14", "Word report", figures_documents.WORD_PROBLEMS,
                    lambda: figures_documents.word(cache, runs.slow, scratch))
        )  # fmt: skip


def measure_committee(quick: bool, cache: LedgerCache, runs: Runs, table: results.Table) -> None:
    branches = COMMITTEE_QUICK if quick else COMMITTEE_BRANCHES
    print(f"-- a committee of {branches} branches × 500 problems", flush=True)
    size = branches * figures_committee.BRANCH_PROBLEMS
    table.add(
        guarded("10", "collect branch reports", size,
                lambda: list(figures_committee.collecting(cache, branches, runs.slow)))
    )  # fmt: skip


def measure_shared(size: int, seconds: int, cache: LedgerCache, runs: Runs,
                   table: results.Table) -> None:  # fmt: skip
    """Issue 14: the same ledger shared on PostgreSQL (a server started for the run)."""
    names = [("16", "shared search"), ("17", "members at once"), ("18", "shared start-up")]
    if not figures_shared.available():
        for number, name in names:
            table.add([figures_shared.skipped(number, name, size)])
        return
    print(f"-- {size:,} problems on PostgreSQL: loading the ledger", flush=True)
    path = cache.ledger(size)
    server = figures_shared.Server(cache.scratch)
    try:
        took = figures_shared.load(server, path, "bench_shared")
        print(f"   loaded in {took:.0f} s", flush=True)
        with open_ledger(server.url("bench_shared", "tb0_0"), clock=clock) as shared:
            with open_ledger(path, clock=clock) as local:
                table.add(guarded("16", "shared search", size,
                                  lambda: figures_shared.search(shared, local, size, runs.fast)))  # fmt: skip
        table.add(guarded("18", "shared start-up", size,
                          lambda: figures_shared.startup(server, "bench_shared", path, size,
                                                         runs.process, cache.scratch)))  # fmt: skip
        table.add(guarded("17", "members at once", size,
                          lambda: figures_shared.concurrency(server, "bench_shared", size, seconds)))  # fmt: skip
    finally:
        server.stop()


def method_notes(
    args: argparse.Namespace, runs: Runs, cache: LedgerCache, took: float
) -> list[str]:
    mode = "`--quick`" if args.quick else "full run"
    return [
        f"{mode}, sizes {', '.join(f'{s:,}' for s in args.sizes)}; took {took / 60:.1f} min.",
        f"Medians of {runs.fast} runs for in-process queries (after one warm-up), {runs.process} "
        f"for start-up processes (after one warm-up round), {runs.slow} for Excel jobs, "
        f"{runs.create} for building a demo ledger below 100,000 and 1 at 100,000.",
        "A program figure and its baseline run alternately, so that load on the shared machine "
        "falls on both; trust the ratios more than the seconds.",
        f"Demo ledgers: `tracker.demo.build_demo`, seed {args.seed}, demo clock "
        f"{NOW:%Y-%m-%d %H:%M} (the GUI start-up uses the real clock); tracker/ sources hash "
        f"{cache.version}; cached in `{cache.folder}`.",
        "Size is problems in the ledger; for the import it is rows in the workbook.",
        "Targets are those of issue 6 and apply at the sizes it names; elsewhere the target is —.",
    ]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # the program's own files (checkpoints of past months) in the work folder, not the user's
    os.environ["ZHENGGAI_DATA_DIR"] = str(args.workdir / "data")
    started = time.perf_counter()
    runs = Runs.for_mode(args.quick)
    cache = LedgerCache(args.workdir, args.seed)
    table = results.Table()
    for size in args.sizes:
        measure_size(size, cache, runs, table)
    measure_committee(args.quick, cache, runs, table)
    if not args.quick or args.postgres:
        seconds = 10 if args.quick else figures_shared.SECONDS
        measure_shared(max(args.sizes), seconds, cache, runs, table)
    cache.clean()
    took = time.perf_counter() - started
    text = results.block(table, machine.describe(), method_notes(args, runs, cache, took))
    results.write(args.out, text)
    print(f"\n{len(table.figures)} figures in {took:.0f} s; written to {args.out}")
    for f in table.misses():
        print(f"  missed: {f.number}. {f.name} at {f.size:,}: {results.by_how_much(f)}")
    if table.errors:
        print(f"{len(table.errors)} figure(s) failed to run", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
