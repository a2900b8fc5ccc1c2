"""Numbers behind the dashboard and reminders: breakdowns, closures per month, the overdue list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from . import workflow
from .ledger import Ledger
from .models import Category, Department, Measure, Problem
from .overdue import due_within_condition, overdue_measure_condition
from .queries import OWNER, with_measure_names


@dataclass
class Breakdown:
    name: str
    total: int = 0
    closed: int = 0
    long_term: int = 0
    open: int = 0  # listed, in progress or pending closure
    overdue: int = 0


def breakdown(ledger: Ledger, by: str) -> list[Breakdown]:
    """Problems (not void) per responsible department or per category, with their overdue counts."""
    model, column = {
        "department": (Department, Problem.department),
        "category": (Category, Problem.category),
    }[by]
    rows: dict[str, Breakdown] = {}
    query = (
        ledger.select(Problem, model.name, Problem.status, fn.COUNT(Problem.id))
        .join(model, JOIN.LEFT_OUTER, on=(column == model.id))
        .where(Problem.status != workflow.VOID)
        .group_by(model.name, Problem.status)
        .tuples()
    )
    for name, status, count in query:
        item = rows.setdefault(name or "（未指定）", Breakdown(name or "（未指定）"))
        item.total += count
        if status == workflow.CLOSED:
            item.closed += count
        elif status == workflow.LONG_TERM:
            item.long_term += count
        else:
            item.open += count
    overdue = (
        ledger.select(Measure, model.name, fn.COUNT(fn.DISTINCT(Problem.id)))
        .join(Problem, on=(Measure.problem == Problem.id))
        .join(model, JOIN.LEFT_OUTER, on=(column == model.id))
        .where(overdue_measure_condition(ledger.today()))
        .group_by(model.name)
        .tuples()
    )
    for name, count in overdue:
        rows.setdefault(name or "（未指定）", Breakdown(name or "（未指定）")).overdue = count
    return sorted(rows.values(), key=lambda b: (-b.total, b.name))


def closures_per_month(ledger: Ledger, months: int = 12) -> list[tuple[str, int]]:
    """(YYYY-MM, problems closed that month) for the last `months` months, oldest first."""
    today = ledger.today()
    keys = []
    year, month = today.year, today.month
    for _ in range(months):
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    keys.reverse()
    start = dt.date(int(keys[0][:4]), int(keys[0][5:]), 1)
    counts: dict[str, int] = {}
    query = (
        ledger.select(Problem, Problem.closed_on)
        .where((Problem.status == workflow.CLOSED) & (Problem.closed_on >= start))
        .tuples()
    )
    for (closed_on,) in query:
        key = closed_on.strftime("%Y-%m")
        counts[key] = counts.get(key, 0) + 1
    return [(key, counts.get(key, 0)) for key in keys]


@dataclass
class DueItem:
    problem_id: int
    code: str
    description: str
    measure: str
    owner: str
    department: str
    deadline_text: str
    deadline: dt.date
    days: int  # days overdue (positive) or days left


@dataclass(frozen=True)
class DueCounts:
    overdue_measures: int
    overdue_problems: int
    due_soon: int  # open measures falling due within the next `days` days


def due_counts(ledger: Ledger, days: int = 7) -> DueCounts:
    """What the start-up reminder says, counted in SQL (the lists can run to thousands of rows)."""
    today = ledger.today()

    def count(expression, condition) -> int:
        query = ledger.select(Measure, expression).join(Problem, on=(Measure.problem == Problem.id))
        return query.where(condition).scalar() or 0

    overdue = overdue_measure_condition(today)
    return DueCounts(
        count(fn.COUNT(Measure.id), overdue),
        count(fn.COUNT(fn.DISTINCT(Measure.problem)), overdue),
        count(fn.COUNT(Measure.id), due_within_condition(today, days)),
    )


def overdue_items(ledger: Ledger, limit: int | None = None) -> list[DueItem]:
    """Overdue measures, most overdue first."""
    return _due(ledger, overdue_measure_condition(ledger.today()), overdue=True, limit=limit)


def due_soon_items(ledger: Ledger, days: int = 7, limit: int | None = None) -> list[DueItem]:
    """Open measures falling due within `days` days, soonest first."""
    return _due(ledger, due_within_condition(ledger.today(), days), overdue=False, limit=limit)


def _due(ledger: Ledger, condition, *, overdue: bool, limit: int | None) -> list[DueItem]:
    today = ledger.today()
    query = (
        with_measure_names(
            ledger.select(
                Measure,
                Problem.id,
                Problem.code,
                Problem.description,
                Measure.text,
                OWNER.name,
                Department.name,
                Measure.deadline_text,
                Measure.deadline_date,
            )
        )
        .join_from(Measure, Problem, on=(Measure.problem == Problem.id))
        .where(condition)
        .order_by(Measure.deadline_date, Problem.id)
    )
    if limit:
        query = query.limit(limit)
    items = []
    for pid, code, desc, text, oname, dname, dtext, ddate in query.tuples():
        days = (today - ddate).days if overdue else (ddate - today).days
        items.append(DueItem(pid, code, desc, text, oname or "", dname or "", dtext, ddate, days))
    return items
