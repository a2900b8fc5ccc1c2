"""The follow-up part of one problem's detail: chases, 延期申请, 回头看, 抽查, who repeats it."""

from __future__ import annotations

from ..ledger import Ledger
from ..models import Lookback, Problem, SampleDraw, SampleItem
from .chases import chase_counts, chases_of_problem
from .extensions import requests_of_problem
from .facts import approved_extension_counts, original_deadlines, pending_request_measures


def mark_measures(ledger: Ledger, measures: list) -> None:
    """Fill each `detail.MeasureView`'s chase count, approved extensions, original deadline and
    pending request."""
    ids = [m.id for m in measures]
    counts = chase_counts(ledger, ids)
    approved = approved_extension_counts(ledger, ids)
    originals = original_deadlines(ledger, ids)
    pending = pending_request_measures(ledger, ids)
    waiting = {}
    if pending:
        from ..models import ExtensionRequest
        from ..workflow import REQUEST_PENDING

        waiting = dict(
            ledger.select(ExtensionRequest, ExtensionRequest.measure, ExtensionRequest.id)
            .where(
                ExtensionRequest.measure.in_(list(pending))
                & (ExtensionRequest.status == REQUEST_PENDING)
            )
            .tuples()
        )
    for m in measures:
        m.chases = counts.get(m.id, 0)
        m.extensions = approved.get(m.id, 0)
        m.original_deadline = originals.get(m.id, "")
        m.pending_request = waiting.get(m.id)


def followup_detail(ledger: Ledger, problem_id: int):
    from ..detail import FollowupDetail

    lookbacks = list(
        ledger.select(Lookback).where(Lookback.problem == problem_id).order_by(Lookback.id).dicts()
    )
    samples = list(
        ledger.select(SampleItem, SampleItem, SampleDraw.seed, SampleDraw.at.alias("drawn_at"))
        .join(SampleDraw, on=(SampleItem.draw == SampleDraw.id))
        .where(SampleItem.problem == problem_id)
        .order_by(SampleItem.id)
        .dicts()
    )
    repeated_by = [
        code
        for (code,) in ledger.select(Problem, Problem.code)
        .where(Problem.recurrence_of == problem_id)
        .order_by(Problem.id)
        .tuples()
    ]
    return FollowupDetail(
        chases_of_problem(ledger, problem_id),
        requests_of_problem(ledger, problem_id),
        lookbacks,
        samples,
        repeated_by,
    )
