"""How long importing a big hand-kept ledger takes, next to plain openpyxl reading of the same file.

    python bench/import_baseline.py [--problems 3300] [--keep DIR]

Builds a demo ledger, writes it in the official layout (title, 填报单位 line, one row per measure,
problem cells merged down; through tracker.excel.export when that module exists), then times:
plain `openpyxl` read-only iteration, `read_workbook` with each engine, `build_plan` and
`apply_plan` into an empty ledger. 3300 problems give about 10000 rows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from openpyxl import Workbook, load_workbook  # noqa: E402
from openpyxl.worksheet.cell_range import CellRange  # noqa: E402

from tracker.demo import build_demo  # noqa: E402
from tracker.excel.importer import apply_plan  # noqa: E402
from tracker.excel.plan import build_plan  # noqa: E402
from tracker.excel.reader import read_workbook  # noqa: E402
from tracker.ledger import Ledger, create_ledger  # noqa: E402
from tracker.models import Department, Measure, Person, Problem, Source  # noqa: E402
from tracker.replay import verify  # noqa: E402
from tracker.workflow import STATUS_LABELS, VOID  # noqa: E402

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)
HEADINGS = "序号 问题编号 问题来源 问题类别 问题描述（具体表现） 原因分析 整改目标 整改措施 责任领导 责任部门 责任人 整改时限 整改进展 完成情况 销号时间 佐证材料 备注"
PROBLEM_COLUMNS = "ABCDEFGIOP"  # merged down over a problem's measure rows


def write_official(ledger: Ledger, path: Path) -> None:
    """The official layout, written the plain way (used when tracker.excel.export is absent)."""
    try:
        from tracker.excel import export  # type: ignore[attr-defined]

        export.export_ledger(ledger, path)
        return
    except ImportError:
        pass
    people = dict(ledger.select(Person, Person.id, Person.name).tuples())
    units = dict(ledger.select(Department, Department.id, Department.name).tuples())
    sources = dict(ledger.select(Source, Source.id, Source.name).tuples())
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("整改台账")
    ws.append([f"{ledger.unit_name}问题整改台账"])
    ws.merged_cells.ranges.add(CellRange("A1:Q1"))
    ws.append([f"填报单位：{ledger.unit_name}"] + [None] * 11 + ["填报日期：2026年11月20日"])
    ws.append(HEADINGS.split())
    row = 4
    problems = ledger.select(Problem).where(Problem.status != VOID).order_by(Problem.id)
    for n, p in enumerate(problems.dicts(), 1):
        measures = list(
            ledger.select(Measure).where(Measure.problem == p["id"]).order_by(Measure.seq).dicts()
        )
        first = row
        for k, m in enumerate(measures or [None]):
            head = [n, p["code"], sources.get(p["source"]), None, p["description"], p["cause"]]
            head += [p["target"]]
            ws.append(
                (head if k == 0 else [None] * 7)
                + [
                    m and m["text"],
                    people.get(p["leader"]) if k == 0 else None,
                    m and units.get(m["department"]),
                    m and people.get(m["owner"]),
                    m and m["deadline_text"],
                    None,
                    STATUS_LABELS[p["status"]] if k == 0 else None,
                    p["closed_on"] if k == 0 else None,
                    None,
                    p["remarks"] or None if k == 0 else None,
                ]
            )
            row += 1
        if row - 1 > first:
            for letter in PROBLEM_COLUMNS:
                ws.merged_cells.ranges.add(CellRange(f"{letter}{first}:{letter}{row - 1}"))
    wb.save(path)


def timed(label: str, fn):
    start = time.perf_counter()
    value = fn()
    print(f"{label:<44}{time.perf_counter() - start:6.2f} s")
    return value


def plain_openpyxl(path: Path) -> int:
    wb = load_workbook(path, read_only=True, data_only=True)
    count = sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))
    wb.close()
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", type=int, default=3300)
    parser.add_argument("--keep", type=Path, help="keep the workbook and ledgers in this folder")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="import-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("demo.db", "copy.db"):
        (folder / name).unlink(missing_ok=True)
    demo = build_demo(folder / "demo.db", problems=args.problems, clock=lambda: NOW)
    path = folder / "台账.xlsx"
    timed("write the workbook", lambda: write_official(demo, path))
    rows = timed("openpyxl read-only iteration (baseline)", lambda: plain_openpyxl(path))
    print(f"  {rows} rows, {path.stat().st_size / 1e6:.1f} MB")
    timed("read_workbook, openpyxl (merges resolved)", lambda: read_workbook(path))
    timed("read_workbook, calamine", lambda: read_workbook(path, engine="calamine"))
    copy = create_ledger(folder / "copy.db", actor="基准测试", clock=lambda: NOW)
    plan = timed("build_plan (read + header + rows + recognise)", lambda: build_plan(copy, path))
    timed(
        "build_plan on a calamine read",
        lambda: build_plan(copy, read_workbook(path, engine="calamine")),
    )
    result = timed("apply_plan (one transaction)", lambda: apply_plan(copy, plan))
    print(f"  {result.created} problems, {result.measures} measures, {len(plan.warnings)} warnings")
    report = timed("verify the imported ledger", lambda: verify(copy))
    print(f"  verify ok: {report.ok}")
    again = timed("build_plan again (all recognised)", lambda: build_plan(copy, path))
    print(f"  would skip {again.counts()['skip']} problems")


if __name__ == "__main__":
    main()
