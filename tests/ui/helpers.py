"""Small readers the GUI tests share."""

from __future__ import annotations

from tracker.models import Problem


def first(ledger, status: str) -> int:
    return (
        ledger.select(Problem, Problem.id)
        .where(Problem.status == status)
        .order_by(Problem.id)
        .scalar()
    )


def problem(ledger, pid: int) -> dict:
    return ledger.select(Problem).where(Problem.id == pid).dicts().first()
