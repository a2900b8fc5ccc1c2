"""Deadline facts derived in one place: overdue, days left, the colour band, the closure rate.

Nothing here is stored: the Python functions judge one measure, and the SQL expressions ask the
same questions of many rows, so the list, the dashboard and the reports cannot disagree. (The SQL
for whole problems reads `problem.nearest_due`, a copy of the earliest open deadline that
tracker/nearest_due.py keeps in step with the measures, so that it can be indexed.)
"""

from __future__ import annotations

import datetime as dt

from . import workflow
from .models import Measure, Problem

RED, YELLOW, BLUE = "red", "yellow", "blue"
BAND_LABELS = {RED: "逾期", YELLOW: "7天内到期", BLUE: "30天内到期"}
YELLOW_DAYS = 7
BLUE_DAYS = 30
OPEN_PROBLEM = [workflow.LISTED, workflow.IN_PROGRESS, workflow.PENDING, workflow.LONG_TERM]


def is_overdue(
    measure_status: str, deadline: dt.date | None, problem_status: str, today: dt.date
) -> bool:
    return (
        measure_status == workflow.M_OPEN
        and deadline is not None
        and deadline < today
        and problem_status in OPEN_PROBLEM
    )


def days_left(deadline: dt.date | None, today: dt.date) -> int | None:
    return None if deadline is None else (deadline - today).days


def band(days: int | None) -> str | None:
    """Red when overdue, yellow within 7 days, blue within 30, else nothing."""
    if days is None:
        return None
    if days < 0:
        return RED
    if days <= YELLOW_DAYS:
        return YELLOW
    if days <= BLUE_DAYS:
        return BLUE
    return None


def closure_rate(closed: int, problems: int) -> float:
    """销号率 = closed / all problems not void (0 when there are none)."""
    return round(closed / problems, 4) if problems else 0.0


def format_rate(rate: float) -> str:
    return f"{rate * 100:.1f}%"


# -- the same rules as SQL conditions ---------------------------------------------------------
def overdue_measure_condition(today: dt.date):
    """Condition on Measure joined to Problem: this measure is overdue today."""
    return (
        (Measure.status == workflow.M_OPEN)
        & Measure.deadline_date.is_null(False)
        & (Measure.deadline_date < today)
        & Problem.status.in_(OPEN_PROBLEM)
    )


def overdue_problem_condition(today: dt.date):
    """Condition on Problem alone: it has an overdue measure today. The earliest open deadline is
    before today exactly when some open measure's deadline is, so no join to Measure is needed."""
    return Problem.status.in_(OPEN_PROBLEM) & (Problem.nearest_due < today)


def overdue_measure_alone(today: dt.date):
    """Condition on Measure alone (no join): this measure is overdue today. Same rows as
    `overdue_measure_condition`, with the problem's part asked of the indexed problem columns."""
    return (
        (Measure.status == workflow.M_OPEN)
        & (Measure.deadline_date < today)
        & Measure.problem.in_(Problem.select(Problem.id).where(overdue_problem_condition(today)))
    )


def due_soon_problem_condition(today: dt.date, days: int):
    """Condition on Problem alone: nothing of it is overdue and its nearest open deadline falls in
    [today, today+days]. An overdue problem belongs to 逾期 even when another of its measures
    also falls due soon, so the two views never share a row."""
    return (
        Problem.status.in_(OPEN_PROBLEM)
        & (Problem.nearest_due >= today)
        & (Problem.nearest_due <= today + dt.timedelta(days=days))
    )


def due_within_condition(today: dt.date, days: int):
    """Condition on Measure joined to Problem: an open measure falls due in [today, today+days]
    and its problem is not overdue (the measures behind the 7天内到期 view and its counts)."""
    return (
        (Measure.status == workflow.M_OPEN)
        & (Measure.deadline_date >= today)
        & (Measure.deadline_date <= today + dt.timedelta(days=days))
        & Problem.status.in_(OPEN_PROBLEM)
        & (Problem.nearest_due >= today)
    )


def unclear_measure_condition(problem=Problem):
    """Condition on Measure joined to Problem: an open measure whose deadline names no date (the
    text could not be read, as “等领导定了再说”, or was left empty). Such a measure can never
    become overdue, so it is listed on its own (时限不明确). Ongoing deadlines (长期坚持, 每季度)
    are not unclear: their measures are long-term, not open; 立行立改 always has a date."""
    return (
        (Measure.status == workflow.M_OPEN)
        & Measure.deadline_date.is_null()
        & problem.status.in_(OPEN_PROBLEM)
    )
