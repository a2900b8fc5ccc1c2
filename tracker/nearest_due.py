"""A problem's nearest open deadline, stored on the problem (`problem.nearest_due`) for SQL to use.

The ledger list sorts by it, the 逾期 view and the overdue counts select by it, and at 100000
problems computing it from the measures on every query (a grouped scan of all open measures) is
what made those queries slow. It is derived, not journaled: the writers (`recorder.Unit`,
`bulk.BulkWriter`) refresh it for the problems whose measures they touched, in the same
transaction; a schema upgrade and a replayed snapshot rebuild it for every problem. Its meaning is
the one `queries.problem_rows` computes for display: the earliest deadline date among the
problem's open measures, NULL when there is none.
"""

from __future__ import annotations

from collections.abc import Iterable

from peewee import Database, fn

from . import workflow
from .models import Measure, Problem

CHUNK = 500  # ids per UPDATE: well under SQLite's bound-parameter limit
REBUILD_ABOVE = 5000  # touched problems beyond which one pass over every problem is cheaper

# Fields of a measure whose change can move its problem's nearest open deadline.
MEASURE_FIELDS = {"problem", "status", "deadline_date"}


def _fresh():
    """Correlated subquery: the nearest open deadline of the problem being updated."""
    inner = Measure.alias("m")
    return inner.select(fn.MIN(inner.deadline_date)).where(
        (inner.problem == Problem.id) & (inner.status == workflow.M_OPEN)
    )


def refresh(db: Database, problem_ids: Iterable[int]) -> None:
    """Recompute `nearest_due` for these problems (call inside the writing transaction)."""
    ids = sorted({pid for pid in problem_ids if pid is not None})
    if len(ids) > REBUILD_ABOVE:
        rebuild(db)
        return
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        Problem.update(nearest_due=_fresh()).where(Problem.id.in_(chunk)).execute(db)


def rebuild(db: Database) -> None:
    """Recompute `nearest_due` for every problem (schema upgrade, snapshot, large bulk writes)."""
    Problem.update(nearest_due=_fresh()).execute(db)


def stale(db: Database) -> list[int]:
    """Ids of problems whose stored value differs from a fresh computation (for tests and checks)."""
    fresh = dict(
        Measure.select(Measure.problem, fn.MIN(Measure.deadline_date))
        .where(Measure.status == workflow.M_OPEN)
        .group_by(Measure.problem)
        .bind(db)
        .tuples()
    )
    stored = Problem.select(Problem.id, Problem.nearest_due).bind(db).tuples()
    return [pid for pid, due in stored if due != fresh.get(pid)]
