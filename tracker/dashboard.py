"""Numbers behind the dashboard and reminders: breakdowns, closures per month, the overdue list."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from . import workflow
from .ledger import Ledger
from .models import Category, Department, Measure, Problem
from .overdue import (
    due_within_condition,
    overdue_measure_alone,
    overdue_measure_condition,
    overdue_problem_condition,
    unclear_measure_condition,
)
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
    """Problems (not void) per responsible department or per category, with their overdue counts.

    Counted per id (an index-only scan) and named afterwards: names are unique, so this is the
    same as counting per name, without joining every problem to its name."""
    model, column = {
        "department": (Department, Problem.department),
        "category": (Category, Problem.category),
    }[by]
    names = dict(ledger.select(model, model.id, model.name).tuples())
    rows: dict[str, Breakdown] = {}

    def item(key: int | None) -> Breakdown:
        name = names.get(key) or "（未指定）"
        return rows.setdefault(name, Breakdown(name))

    query = (
        ledger.select(Problem, column, Problem.status, fn.COUNT(Problem.id))
        .where(Problem.status != workflow.VOID)
        .group_by(column, Problem.status)
        .tuples()
    )
    for key, status, count in query:
        entry = item(key)
        entry.total += count
        if status == workflow.CLOSED:
            entry.closed += count
        elif status == workflow.LONG_TERM:
            entry.long_term += count
        else:
            entry.open += count
    overdue = (
        ledger.select(Problem, column, fn.COUNT(Problem.id))
        .where(overdue_problem_condition(ledger.today()))
        .group_by(column)
        .tuples()
    )
    for key, count in overdue:
        item(key).overdue = count
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
    query = (  # per day from the (status, closed_on) index, summed per month here
        ledger.select(Problem, Problem.closed_on, fn.COUNT(Problem.id))
        .where((Problem.status == workflow.CLOSED) & (Problem.closed_on >= start))
        .group_by(Problem.closed_on)
        .tuples()
    )
    for closed_on, count in query:
        key = closed_on.strftime("%Y-%m")
        counts[key] = counts.get(key, 0) + count
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
    due_soon: int  # open measures falling due within `days` days, of problems not overdue
    unclear: int = 0  # open measures whose deadline names no date (时限不明确)


def due_counts(ledger: Ledger, days: int = 7) -> DueCounts:
    """What the start-up reminder says, counted in SQL (the lists can run to thousands of rows)."""
    today = ledger.today()
    due_soon = (
        ledger.select(Measure, fn.COUNT(Measure.id))
        .join(Problem, on=(Measure.problem == Problem.id))
        .where(due_within_condition(today, days))
    )
    return DueCounts(
        _count(ledger, Measure, overdue_measure_alone(today)),
        _count(ledger, Problem, overdue_problem_condition(today)),
        due_soon.scalar() or 0,
        ledger.select(Measure, fn.COUNT(Measure.id))  # joined: starts from the undated measures
        .join(Problem, on=(Measure.problem == Problem.id))
        .where(unclear_measure_condition())
        .scalar()
        or 0,
    )


def _count(ledger: Ledger, model, condition) -> int:
    return ledger.select(model, fn.COUNT(model.id)).where(condition).scalar() or 0


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
