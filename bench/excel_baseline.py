"""Timing and memory of the Excel export and the monthly report, beside plain openpyxl.

    python bench/excel_baseline.py [--problems 10000] [--runs 3] [--keep DIR]

Builds (or reuses, with --keep) deterministic demo ledgers, then measures, as medians:
the 整改台账 export; plain openpyxl write_only writing the same cell values with no styling
(the baseline, same run); the 月报 of the current month and of the month before (the latter
rebuilds the ledger from the journal first; the snapshot alone is timed too). Memory: each size
is exported and reported in a fresh process, recording the tracemalloc peak and ru_maxrss, so
that a flat line from 2000 to 10000 problems shows that rows are streamed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)  # demo "today": the results do not depend on the date


def clock() -> dt.datetime:
    return NOW


def ledger_file(folder: Path, problems: int) -> Path:
    from tracker.demo import build_demo

    path = folder / f"demo-{problems}.db"
    if not path.exists():
        build_demo(path, problems=problems, clock=clock).close()
    return path


def timed(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def plain_values(path: Path, sheet: str = "整改台账") -> list[list]:
    """A sheet's values, to be written again without any styling."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    rows = wb.get_sheet_by_name(sheet).to_python()
    wb.close()
    return [[None if v == "" else (int(v) if isinstance(v, float) else v) for v in r] for r in rows]


def write_plain(rows: list[list], path: Path) -> None:
    write_plain_sheets({"整改台账": rows}, path)


def write_plain_sheets(sheets: dict[str, list[list]], path: Path) -> None:
    """The same values with plain openpyxl write_only: no styles, merges or row heights."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)


def speed(folder: Path, problems: int, runs: int) -> dict:
    from tracker.excel.export import export_ledger
    from tracker.excel.report import build_report
    from tracker.ledger import open_ledger
    from tracker.replay import snapshot

    ledger = open_ledger(ledger_file(folder, problems), clock=clock)
    out = folder / "out.xlsx"
    result = export_ledger(ledger, out)
    values = plain_values(out)
    last = NOW.date().replace(day=1) - dt.timedelta(days=1)
    figures = {
        "problems": result.problems,
        "rows": result.rows,
        "cells": sum(1 for r in values for v in r if v is not None),
        "export": timed(lambda: export_ledger(ledger, out), runs),
        "plain": timed(lambda: write_plain(values, folder / "plain.xlsx"), runs),
        "report_current": timed(
            lambda: build_report(ledger, folder / "r.xlsx", NOW.year, NOW.month), runs
        ),
        "report_past": timed(
            lambda: build_report(ledger, folder / "r.xlsx", last.year, last.month), runs
        ),
        "snapshot": timed(lambda: snapshot(ledger, last).close(), runs),
    }
    ledger.close()
    return figures


def probe(db: str) -> None:
    """Run in a child process: peak memory of one export and one current-month report."""
    import tracemalloc

    from tracker.excel.export import export_ledger
    from tracker.excel.report import build_report
    from tracker.ledger import open_ledger

    ledger = open_ledger(db, clock=clock)
    out = {}
    for name, action in (
        ("export", lambda: export_ledger(ledger, Path(db).with_suffix(".probe.xlsx"))),
        ("report", lambda: build_report(ledger, Path(db).with_suffix(".r.xlsx"), 2026, 11)),
    ):
        tracemalloc.start()
        action()
        out[f"{name}_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
    out["maxrss_mb"] = high_water_mb()
    print(json.dumps(out))


def high_water_mb() -> float:
    """Peak resident memory of this process. ru_maxrss survives exec on Linux (a child started
    by a big parent reports the parent's peak), so the kernel's VmHWM is read when available."""
    import resource

    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def memory(folder: Path, sizes: list[int]) -> dict[int, dict]:
    results = {}
    for size in sizes:
        db = ledger_file(folder, size)
        done = subprocess.run(
            [sys.executable, __file__, "--probe", str(db)],
            capture_output=True,
            text=True,
            check=True,
        )
        results[size] = json.loads(done.stdout.strip().splitlines()[-1])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the demo ledgers in")
    parser.add_argument("--probe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe(args.probe)
        return
    folder = args.keep or Path(tempfile.mkdtemp(prefix="excel-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    m = memory(folder, sorted({2000, args.problems}))
    s = speed(folder, args.problems, args.runs)
    print(f"## Excel export and 月报, {s['problems']} problems, {s['rows']} measure rows")
    print(f"(medians of {args.runs} runs; {s['cells']} non-empty cells)\n")
    print("| task | seconds | vs. plain openpyxl |")
    print("| --- | --- | --- |")
    print(f"| plain openpyxl write_only, same values, no styling | {s['plain']:.2f} | 1.00× |")
    print(f"| 整改台账 export | {s['export']:.2f} | {s['export'] / s['plain']:.2f}× |")
    print(f"| 月报, current month (live ledger) | {s['report_current']:.2f} | |")
    print(f"| 月报, previous month (snapshot + report) | {s['report_past']:.2f} | |")
    print(f"| of which the snapshot from the journal | {s['snapshot']:.2f} | |")
    print("\n| problems | export peak (tracemalloc) | report peak | process peak RSS |")
    print("| --- | --- | --- | --- |")
    for size, r in m.items():
        print(
            f"| {size} | {r['export_peak_mb']:.1f} MB | {r['report_peak_mb']:.1f} MB "
            f"| {r['maxrss_mb']:.0f} MB |"
        )


if __name__ == "__main__":
    main()
