"""The committee's month: every branch's figures as received, their sum, and who has not reported.

One line per branch that reported for the month (its active report), with last month's line for
the change; a 合计 that is the sum of the lines, its rates computed from the sums (never an average
of rates); the active branches that sent nothing, with their contact; and every overdue measure
across the branches. Read from the received reports only, so a rollup made again from the
committee's journal (a past snapshot, the level above checking it) comes out the same.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..dates import format_month
from ..ledger import Ledger
from ..models import ReceivedReport
from ..overdue import closure_rate
from .branches import BranchRow, branches

COUNTS = (
    "problems",
    "new",
    "closed",
    "closed_in_month",
    "long_term",
    "open",
    "overdue",
    "measures",
    "measures_new",
    "measures_done",
    "measures_done_in_month",
    "measures_long_term",
    "measures_open",
    "measures_overdue",
)
OVERDUE_KEYS = ("unit", "code", "description", "measure", "owner", "department", "deadline", "days")


def line_of(figures: dict) -> dict:
    """A report's total line: every count (0 where missing) and both rates from the counts."""
    total = figures.get("total", {}) if isinstance(figures, dict) else {}
    out = {k: int(total.get(k) or 0) for k in COUNTS}
    out["rate"] = closure_rate(out["closed"], out["problems"])
    out["measures_rate"] = closure_rate(out["measures_done"], out["measures"])
    return out


def sum_lines(lines: list[dict]) -> dict:
    out = {k: sum(line[k] for line in lines) for k in COUNTS}
    out["rate"] = closure_rate(out["closed"], out["problems"])
    out["measures_rate"] = closure_rate(out["measures_done"], out["measures"])
    return out


def change(now: dict, before: dict | None) -> dict | None:
    """本月 − 上月 for every count and rate (None when there was no report last month)."""
    if before is None:
        return None
    return {k: round(now[k] - before[k], 4) for k in (*COUNTS, "rate", "measures_rate")}


@dataclass
class BranchLine:
    branch: BranchRow
    line: dict
    previous: dict | None
    verified: bool
    kind: str
    received_at: str
    made_at: str
    code: str
    report_id: int

    @property
    def change(self) -> dict | None:
        return change(self.line, self.previous)


@dataclass
class Rollup:
    unit: str
    year: int
    month: int
    lines: list[BranchLine] = field(default_factory=list)
    missing: list[BranchRow] = field(default_factory=list)
    total: dict = field(default_factory=dict)
    previous_total: dict | None = None
    previous_count: int = 0  # branches that reported last month
    overdue: list[dict] = field(default_factory=list)  # OVERDUE_KEYS + "branch"

    @property
    def title(self) -> str:
        return f"{self.unit}{format_month(self.year, self.month)}各支部整改工作进展汇总表"

    @property
    def change(self) -> dict | None:
        return change(self.total, self.previous_total)


def _previous(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def _active_reports(ledger: Ledger, year: int, month: int) -> dict[int, dict]:
    rows = (
        ledger.select(ReceivedReport)
        .where(
            (ReceivedReport.year == year)
            & (ReceivedReport.month == month)
            & (ReceivedReport.active == True)  # noqa: E712
        )
        .dicts()
    )
    return {row["branch"]: row for row in rows}


def rollup(ledger: Ledger, year: int, month: int) -> Rollup:
    result = Rollup(ledger.unit_name, year, month)
    now = _active_reports(ledger, year, month)
    before = _active_reports(ledger, *_previous(year, month))
    known = branches(ledger, include_retired=True)
    for branch in known:
        row = now.get(branch.id)
        if row is None:
            if branch.active:
                result.missing.append(branch)
            continue
        prev = before.get(branch.id)
        result.lines.append(
            BranchLine(
                branch,
                line_of(json.loads(row["figures"])),
                line_of(json.loads(prev["figures"])) if prev else None,
                bool(row["verified"]),
                row["kind"],
                row["received_at"],
                row["made_at"],
                row["code"],
                row["id"],
            )
        )
        for item in json.loads(row["overdue"] or "[]"):
            result.overdue.append({"branch": branch.name, **_overdue_item(row["kind"], item)})
    result.total = sum_lines([b.line for b in result.lines])
    previous = [line_of(json.loads(r["figures"])) for r in before.values()]
    result.previous_total = sum_lines(previous) if previous else None
    result.previous_count = len(previous)
    result.overdue.sort(key=lambda o: (-(o["days"] or 0), o["branch"], o["code"] or ""))
    return result


def _overdue_item(kind: str, row: list) -> dict:
    """A received overdue row in one shape, whatever sheet it came from."""
    cells = list(row) + [None] * 10
    if kind == "rollup":  # 序号 支部 问题编号 问题描述 整改措施 责任人 责任部门 整改时限 逾期天数
        values = cells[1:9]
    else:  # 序号 问题编号 问题描述 整改措施 责任人 责任部门 责任领导 整改时限 逾期天数 延期次数
        values = ["", *cells[1:6], cells[7], cells[8]]
    item = dict(zip(OVERDUE_KEYS, values, strict=True))
    try:
        item["days"] = int(float(item["days"])) if item["days"] not in (None, "") else None
    except ValueError:
        item["days"] = None
    return item


def branch_detail(ledger: Ledger, report_id: int) -> list[list]:
    """A received report's 明细 sheet rows as received (for drilling into one branch)."""
    from ..services.evidence import evidence_file
    from .content import SheetContent, sheet_rows
    from .seal import read_file

    row = ledger.select(ReceivedReport).where(ReceivedReport.id == report_id).dicts().first()
    if row is None:
        return []
    path = evidence_file(ledger, row["sha256"], row["file_name"])
    content, found = read_file(path)
    if found is not None and found.payload:
        sheet = next((s for s in found.payload["sheets"] if s["name"] == "明细"), None)
        if sheet is not None:
            return sheet_rows(SheetContent.from_json(sheet), first_row=4)
    sheet = content.sheets[0] if content.sheets else None  # a hand-kept workbook, as it came
    return sheet_rows(sheet, first_row=1, dates=True) if sheet else []


def rollup_json(result: Rollup) -> dict:
    """The figures for `rollup --json` (the contract other tools read)."""

    def figures(line: dict) -> dict:
        return {
            "problems": line["problems"],
            "new": line["new"],
            "closed": line["closed"],
            "closed_in_month": line["closed_in_month"],
            "long_term": line["long_term"],
            "open": line["open"],
            "overdue_problems": line["overdue"],
            "closure_rate": line["rate"],
            "measures": line["measures"],
            "measures_done": line["measures_done"],
            "overdue_measures": line["measures_overdue"],
            "measure_rate": line["measures_rate"],
        }

    return {
        "month": f"{result.year:04d}-{result.month:02d}",
        "unit": result.unit,
        "branches": [
            {
                "name": b.branch.name,
                **figures(b.line),
                "verified": b.verified,
                "kind": b.kind,
                "received_at": b.received_at,
                "made_at": b.made_at,
                "code": b.code,
                "previous": figures(b.previous) if b.previous else None,
            }
            for b in result.lines
        ],
        "total": figures(result.total),
        "previous_total": figures(result.previous_total) if result.previous_total else None,
        "missing": [b.name for b in result.missing],
        "missing_contacts": [
            {"name": b.name, "contact": b.contact, "phone": b.phone} for b in result.missing
        ],
        "overdue_measures": len(result.overdue),
    }
