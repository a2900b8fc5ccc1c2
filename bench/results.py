"""The results table: printed row by row as figures come in, then written to RESULTS.md.

RESULTS.md is shared: the benchmark owns the part between the two markers, and people add what
they changed and what it gained below it. Rewriting keeps everything outside the markers.
"""

from __future__ import annotations

from pathlib import Path

from timing import Figure

BEGIN = "<!-- bench:begin (written by bench/run.py; text outside these markers is kept) -->"
END = "<!-- bench:end -->"
HEADINGS = ["figure", "size", "value", "baseline", "ratio", "target", "result", "runs"]
TITLE = "# 基准测试结果 / Benchmark results\n"
CHANGES = """## 改进记录 / What changed and what it gained

For each change made to meet a target: what the profiler showed, what was changed, and the figure
before and after (from the table above, same machine). This section is kept when `bench/run.py`
rewrites the results.
"""

MEANING = {
    "1": "time from launching a fresh offscreen process `python main.py --db LEDGER --screenshot "
    "OUT.png` (empty data folder) until it reports, through `ui/startup_probe.py`, that the "
    "ledger's first rows were painted and its event queue had drained once; beside "
    "`bench/bare_window.py` doing the same Qt steps with one empty QTableView and the same probe. "
    "The notes give both whole processes (screenshot saved, exit).",
    "2": "`problem_ids(Filter(search=term))` + `problem_rows` for the first page (200 ids) on an "
    "open ledger: one keystroke to rows shown, minus Qt's painting of 200 rows.",
    "3": "`problem_ids(filter, sort)` + `problem_rows` for the first page, beside one hand-written "
    "sqlite3 query returning the same 200 rows (`bench/baselines.py`; the notes say if they differ).",
    "4": "`export_ledger` of the whole ledger beside plain openpyxl write_only writing the same cell "
    "values (read back from the export) without styles, merges or row heights.",
    "5": "`build_report` for the demo's current month (live; its 上月数 from last month's end) and "
    "previous month (the ledger as it stood then: from its checkpoint, or rebuilt from the journal "
    "and kept as one the first time).",
    "6": "`build_plan` + `apply_plan` into an empty ledger (created untimed) beside openpyxl "
    "read_only iteration of the same workbook, an export of a 3,400-problem demo ledger.",
    "7": "each call on an open ledger: `stats`, `view_counts` (the side list) and "
    '`breakdown(ledger, "department")` (the dashboard).',
    "8": "peak resident memory (VmHWM, read by `bench/child.py` as the process ends) of the figure 1 "
    "processes; the bare window is shown for scale.",
    "9": "`build_demo` into a new file (text generation, journal with its hash chain, evidence "
    "files, search index), beside raw `executemany` of the same rows into the same tables and "
    "indexes, the search index included (its bigram text prepared untimed).",
    "10": "`collect` of every branch's November report into a new committee ledger: the seal "
    "(signature and every visible cell), the journal it carries continuing the chain held for the "
    "branch, the report rebuilt from that journal and compared cell by cell, and storing it; beside "
    "openpyxl read_only iterating every sheet of the same workbooks. Size is problems over all "
    "branches (60 × 500; `--quick`: 20 × 500).",
    "11": "`build_rollup` of the month over the branches just collected: figures, changes against "
    "last month, the overdue list across branches and the sealed 汇总表 workbook.",
    "12": "figure 1's time (launch to first rows painted and event queue drained, fresh data "
    "folder) for the PyInstaller bundle `dist/zhenggai/zhenggai --db LEDGER --screenshot OUT.png`, "
    "beside `python main.py` with the same arguments from the virtualenv, run alternately. "
    "Skipped with a note when no bundle has been built (`scripts/build-bundle.sh`).",
    "13": "`build_lists` (the 三张清单: 问题清单, 任务清单, 责任清单) of the whole ledger beside plain "
    "openpyxl write_only writing the same cell values of the three sheets (read back from them) "
    "without styles, merges or row heights.",
    "14": "`build_word_report` (the Word 整改情况报告, every problem written out) of a 1,000-problem "
    "demo ledger.",
    "15": "last month against now: the previous month's `build_report` beside the current month's, "
    "`stats` of `checkpoints.past(ledger, last month's end)` beside `stats(ledger)`, and "
    "`export_ledger(as_of=last month's end)` beside `export_ledger`; the past timed with its "
    "checkpoint kept (the first run of a month, which builds it, is in the notes).",
    "16": "issue 14, on a PostgreSQL server started by the run with the demo ledger loaded by COPY: "
    "figure 2's keystroke (`problem_ids` + `problem_rows` for 200 ids) logged in as a 填报人, "
    "beside `problem_ids` on the SQLite file it was loaded from; the notes say whether the ids "
    "are equal.",
    "17": "20 members at once, each in a process of its own, for 60 s (`--quick --postgres`: "
    "10 s): 填报人 editing, writing progress, listing and requesting 销号, 审核人 approving and "
    "rejecting, all searching. Value: the 95th percentile of a write; the notes give the "
    "throughput, lost updates (tokens acknowledged but missing) and `verify` afterwards.",
    "18": "figure 1's time for `python main.py --db postgresql://… --screenshot OUT.png` logged in "
    "as a 填报人 on the shared ledger, beside the same ledger as a SQLite file, run alternately.",
    "19": "`tracker.followup.similar.similar_problems` (earlier problems like a new one: 复发) for a "
    "demo wording with its clauses reordered and for wording the demo never uses, against the "
    "other batches before today.",
}


def row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


class Table:
    def __init__(self) -> None:
        self.figures: list[Figure] = []
        print(row(HEADINGS))
        print(row(["---"] * len(HEADINGS)), flush=True)

    def add(self, figures: list[Figure]) -> None:
        for figure in figures:
            self.figures.append(figure)
            print(row(figure.cells()), flush=True)
            if figure.error:
                print(f"    error: {figure.error}", flush=True)

    def in_figure_order(self) -> list[Figure]:
        """By figure, then sizes side by side: the order of the issue's table, not of measuring."""
        first_seen = {}
        for f in self.figures:
            first_seen.setdefault(f.name, len(first_seen))
        return sorted(self.figures, key=lambda f: (int(f.number), first_seen[f.name], f.size))

    @property
    def errors(self) -> list[Figure]:
        return [f for f in self.figures if f.error]

    def misses(self) -> list[Figure]:
        return [f for f in self.figures if f.verdict == "MISS"]


def block(table: Table, machine: list[tuple[str, str]], method: list[str]) -> str:
    lines = [BEGIN, "", "## Machine", "", "| | |", "| --- | --- |"]
    lines += [row([label, value]) for label, value in machine]
    lines += ["", "## Figures", "", row(HEADINGS), row(["---"] * len(HEADINGS))]
    lines += [row(f.cells()) for f in table.in_figure_order()]
    lines += ["", "## Notes", ""]
    lines += [f"- {line}" for line in method]
    numbers = sorted({f.number for f in table.figures})
    lines += ["", "How each figure is measured:", ""]
    lines += [f"- **{n}.** {MEANING[n]}" for n in numbers]
    lines += ["", "Per figure:", ""]
    for f in table.in_figure_order():
        for note in f.notes:
            lines.append(f"- **{f.number}. {f.name}** at {f.size:,}: {note}")
        if f.error:
            first = f.error.strip().splitlines()[0]
            lines.append(f"- **{f.number}. {f.name}** at {f.size:,} **failed:** {first}")
    misses = [f for f in table.in_figure_order() if f.verdict == "MISS"]
    if misses:
        lines += ["", "## Targets missed", ""]
        lines += [f"- **{f.number}. {f.name}** at {f.size:,}: {by_how_much(f)}" for f in misses]
    lines += ["", END]
    return "\n".join(lines)


def by_how_much(f: Figure) -> str:
    """The miss in the target's own terms: times over the ratio allowed, or over the value."""
    assert f.target is not None and f.value is not None
    parts = []
    if f.target.ratio is not None and f.ratio is not None and f.ratio > f.target.ratio:
        parts.append(f"{f.ratio:.2f}× the baseline against ≤ {f.target.ratio:g}× allowed")
    if f.target.value is not None and f.value > f.target.value:
        parts.append(
            f"{f.shown(f.value)} against ≤ {f.shown(f.target.value)} "
            f"({f.value / f.target.value:.2f}× the target)"
        )
    return "; ".join(parts)


def write(path: Path, text: str) -> None:
    """Replace the generated block, keeping what people wrote around it."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    start, end = old.find(BEGIN[:16]), old.find(END)
    if 0 <= start < end:
        new = old[:start] + text + old[end + len(END) :]
    elif old:
        new = TITLE + "\n" + text + "\n\n" + old  # a file we did not write: keep all of it
    else:
        new = TITLE + "\n" + text + "\n\n" + CHANGES
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")
