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


def followup_sections(detail) -> list[tuple[str, list[str]]]:
    """The follow-up of one problem as the detail panel's 督办 tab reads it: (heading, lines)
    for 回头看, 催办, 延期申请, 抽查 and 复发, each heading with its count."""
    from ..dates import format_date
    from ..workflow import LOOKBACK_LABELS, LOOKBACK_PENDING, REQUEST_LABELS

    f = detail.followup
    out: list[tuple[str, list[str]]] = []
    lines = []
    for lb in f.lookbacks:
        closed = f"{format_date(lb['closed_on'])}销号"
        if lb["status"] == LOOKBACK_PENDING:
            lines.append(f"{closed}，{format_date(lb['due_on'])}回头看（待做）")
        else:
            done = format_date(lb["done_on"]) if lb["done_on"] else ""
            note = f"：{lb['note']}" if lb["note"] else ""
            label = LOOKBACK_LABELS.get(lb["status"], lb["status"])
            lines.append(f"{closed}，{done}回头看 {label}（{lb['by']}）{note}")
    out.append((f"回头看（{len(f.lookbacks)}）", lines))
    lines = []
    for c in f.chases:
        seqs = "、".join(str(s) for s in c.measures)
        note = f"：{c.note}" if c.note else ""
        lines.append(f"{format_date(c.on)} {c.way}催办 {c.whom}（措施 {seqs}；{c.by}记录）{note}")
    out.append((f"催办（{len(f.chases)} 次）", lines))
    lines = []
    for r in f.requests:
        decided = (
            f"，{r['decided_by']}{REQUEST_LABELS.get(r['status'], '')}" if r["decided_by"] else ""
        )
        why = f"；意见：{r['decision_note']}" if r["decision_note"] else ""
        lines.append(
            f"措施{r['seq']} 申请延至 {r['new_text']}（{r['requested_by']} "
            f"{r['requested_at'][:10]}；{REQUEST_LABELS.get(r['status'], r['status'])}{decided}）"
            f"理由：{r['reason']}{why}"
        )
    out.append((f"延期申请（{len(f.requests)}）", lines))
    lines = []
    for s in f.samples:
        result = s["result"] or "待核查"
        note = f"：{s['note']}" if s["note"] else ""
        lines.append(f"抽查 {s['draw']}（{s['drawn_at'][:10]}，种子 {s['seed']}）{result}{note}")
    out.append((f"抽查（{len(f.samples)}）", lines))
    lines = []
    if detail.names.get("recurrence_of"):
        lines.append(f"本问题是已销号问题 {detail.names['recurrence_of']} 的复发")
    lines += [f"问题 {code} 是本问题的复发" for code in f.repeated_by]
    out.append((f"复发（{len(lines)}）", lines))
    return out
