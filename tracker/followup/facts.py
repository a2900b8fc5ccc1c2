"""Facts derived from the follow-up records, defined once as Python and as SQL: a look-back due,
a pending 延期申请, a repeat — and the counts the lists, the dashboard, `stats` and the monthly
report show. Nothing here is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from peewee import fn

from ..ledger import Ledger
from ..models import Chase, Extension, ExtensionRequest, Lookback, Measure, Problem, SampleItem
from ..workflow import (
    CLOSED,
    LOOKBACK_HELD,
    LOOKBACK_PENDING,
    LOOKBACK_SLIPPED,
    REQUEST_APPROVED,
    REQUEST_PENDING,
    VOID,
)


# -- one problem, in Python -----------------------------------------------------------------------
def lookback_due(status: str, due_on: dt.date | None, problem_status: str, today: dt.date) -> bool:
    """A look-back is due when it is still to be done, its date has come and the problem is
    crossed off (a reopened problem's look-back waits for its next 销号)."""
    return (
        status == LOOKBACK_PENDING
        and due_on is not None
        and due_on <= today
        and problem_status == CLOSED
    )


def is_repeat(recurrence_of: int | None, status: str) -> bool:
    return recurrence_of is not None and status != VOID


# -- the same as SQL conditions on Problem --------------------------------------------------------
def lookback_due_condition(today: dt.date):
    due = Lookback.select(Lookback.problem).where(
        (Lookback.status == LOOKBACK_PENDING) & (Lookback.due_on <= today)
    )
    return (Problem.status == CLOSED) & Problem.id.in_(due)


def pending_extension_condition():
    asked = (
        ExtensionRequest.select(Measure.problem)
        .join(Measure, on=(ExtensionRequest.measure == Measure.id))
        .where(ExtensionRequest.status == REQUEST_PENDING)
    )
    return (Problem.status != VOID) & Problem.id.in_(asked)


def repeat_condition():
    return Problem.recurrence_of.is_null(False) & (Problem.status != VOID)


# -- counts ------------------------------------------------------------------------------------
@dataclass
class FollowupCounts:
    """The follow-up figures of a ledger (as of a snapshot's date, for a past report). `*_month`
    count what happened between `first` and `last`; the rest count everything so far."""

    chases: int = 0
    chases_month: int = 0
    chased_measures: int = 0  # open measures chased at least once
    extensions_approved: int = 0
    extensions_month: int = 0
    extension_requests_pending: int = 0
    lookbacks_due: int = 0
    lookbacks_held: int = 0
    lookbacks_held_month: int = 0
    lookbacks_slipped: int = 0
    lookbacks_slipped_month: int = 0
    repeats: int = 0
    repeats_month: int = 0
    samples_checked: int = 0
    samples_false: int = 0  # 不属实

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _in_month(column, first: dt.date | None, last: dt.date | None):
    if first is None or last is None:
        return None
    return (column >= first) & (column <= last)


def _count(query) -> int:
    return query.scalar() or 0


def counts(
    ledger: Ledger, first: dt.date | None = None, last: dt.date | None = None
) -> FollowupCounts:
    """Counted in SQL, of problems that are not void. Dates: a chase's day, an extension's
    approval stamp, a look-back's recorded day, a repeat's 查摆日期."""
    today = ledger.today()
    out = FollowupCounts()
    chases = ledger.select(Chase, fn.COUNT(Chase.id)).where(
        (Chase.active == True) & Chase.problem.not_in(_void_problems())  # noqa: E712
    )
    out.chases = _count(chases)
    month = _in_month(Chase.on, first, last)
    if month is not None:
        out.chases_month = _count(chases.where(month))
    out.chased_measures = _count(
        ledger.select(Measure, fn.COUNT(fn.DISTINCT(Measure.id))).where(
            (Measure.status == "open")
            & Measure.id.in_(_chased_measure_ids())
            & Measure.problem.not_in(_void_problems())
        )
    )
    approved = ledger.select(Extension, fn.COUNT(Extension.id)).where(
        Extension.measure.not_in(_void_measures())
    )
    out.extensions_approved = _count(approved)
    if first is not None and last is not None:
        stamp = fn.SUBSTR(Extension.at, 1, 10)
        out.extensions_month = _count(
            approved.where((stamp >= first.isoformat()) & (stamp <= last.isoformat()))
        )
    out.extension_requests_pending = _count(
        ledger.select(ExtensionRequest, fn.COUNT(ExtensionRequest.id)).where(
            (ExtensionRequest.status == REQUEST_PENDING)
            & ExtensionRequest.measure.not_in(_void_measures())
        )
    )
    out.lookbacks_due = _count(
        ledger.select(Problem, fn.COUNT(Problem.id)).where(lookback_due_condition(today))
    )
    for status, total, in_month in (
        (LOOKBACK_HELD, "lookbacks_held", "lookbacks_held_month"),
        (LOOKBACK_SLIPPED, "lookbacks_slipped", "lookbacks_slipped_month"),
    ):
        done = ledger.select(Lookback, fn.COUNT(Lookback.id)).where(
            (Lookback.status == status) & Lookback.problem.not_in(_void_problems())
        )
        setattr(out, total, _count(done))
        month = _in_month(Lookback.done_on, first, last)
        if month is not None:
            setattr(out, in_month, _count(done.where(month)))
    repeats = ledger.select(Problem, fn.COUNT(Problem.id)).where(repeat_condition())
    out.repeats = _count(repeats)
    month = _in_month(Problem.found_on, first, last)
    if month is not None:
        out.repeats_month = _count(repeats.where(month))
    checked = (
        ledger.select(SampleItem, SampleItem.result, fn.COUNT(SampleItem.id))
        .where(SampleItem.result != "")
        .group_by(SampleItem.result)
        .tuples()
    )
    for result, n in checked:
        out.samples_checked += n
        if result == "不属实":
            out.samples_false += n
    return out


def _void_problems():
    """Void problems' ids: few, so `NOT IN` them is one small set built once, where a join to
    every counted row's problem read the problem table row by row (16 → 6 ms at 100000)."""
    return Problem.select(Problem.id).where(Problem.status == VOID)


def _void_measures():
    return Measure.select(Measure.id).where(Measure.problem.in_(_void_problems()))


def _chased_measure_ids():
    from ..models import ChaseMeasure

    return (
        ChaseMeasure.select(ChaseMeasure.measure)
        .join(Chase, on=(ChaseMeasure.chase == Chase.id))
        .where(Chase.active == True)  # noqa: E712
    )


def approved_extension_counts(ledger: Ledger, measure_ids: list[int]) -> dict[int, int]:
    """Measure id -> extensions that moved its deadline (every `Extension` row: those approved
    through a request and those recorded before requests existed)."""
    if not measure_ids:
        return {}
    return dict(
        ledger.select(Extension, Extension.measure, fn.COUNT(Extension.id))
        .where(Extension.measure.in_(measure_ids))
        .group_by(Extension.measure)
        .tuples()
    )


def original_deadlines(ledger: Ledger, measure_ids: list[int]) -> dict[int, str]:
    """Measure id -> its deadline before the first extension (only measures ever extended)."""
    if not measure_ids:
        return {}
    first = (
        Extension.select(Extension.measure, fn.MIN(Extension.id).alias("first"))
        .where(Extension.measure.in_(measure_ids))
        .group_by(Extension.measure)
    )
    rows = (
        ledger.select(Extension, Extension.measure, Extension.old_text)
        .join(first, on=(Extension.id == first.c.first))
        .tuples()
    )
    return {mid: text or "未填写" for mid, text in rows}


def pending_request_measures(ledger: Ledger, measure_ids: list[int]) -> set[int]:
    if not measure_ids:
        return set()
    return {
        mid
        for (mid,) in ledger.select(ExtensionRequest, ExtensionRequest.measure)
        .where(
            ExtensionRequest.measure.in_(measure_ids) & (ExtensionRequest.status == REQUEST_PENDING)
        )
        .tuples()
    }


def approved_through_request(ledger: Ledger, measure_ids: list[int]) -> dict[int, int]:
    """Measure id -> extensions approved through a 延期申请 (the rest predate requests)."""
    if not measure_ids:
        return {}
    return dict(
        ledger.select(ExtensionRequest, ExtensionRequest.measure, fn.COUNT(ExtensionRequest.id))
        .where(
            ExtensionRequest.measure.in_(measure_ids)
            & (ExtensionRequest.status == REQUEST_APPROVED)
        )
        .group_by(ExtensionRequest.measure)
        .tuples()
    )


def extension_label(count: int, original: str = "") -> str:
    """“延期 2 次（原时限：2026年3月底前）” — how an approved count is written beside a deadline."""
    if not count:
        return ""
    return f"延期 {count} 次" + (f"（原时限：{original}）" if original else "")


def annotate(ledger: Ledger, rows: dict) -> None:
    """Fill the follow-up fields of a page of `queries.ProblemRow`s (a few queries per page)."""
    from ..models import Problem as P
    from .chases import problem_chase_counts

    ids = list(rows)
    if not ids:
        return
    for pid, n in problem_chase_counts(ledger, ids).items():
        rows[pid].chases = n
    asked = (
        ledger.select(ExtensionRequest, Measure.problem)
        .join(Measure, on=(ExtensionRequest.measure == Measure.id))
        .where(Measure.problem.in_(ids) & (ExtensionRequest.status == REQUEST_PENDING))
        .tuples()
    )
    for (pid,) in asked:
        rows[pid].extension_pending = True
    nearest = {r.nearest_measure: r for r in rows.values() if r.nearest_measure is not None}
    for mid, n in approved_extension_counts(ledger, list(nearest)).items():
        nearest[mid].nearest_extensions = n
    earlier = P.alias("earlier")
    for pid, code in (
        ledger.select(P, P.id, earlier.code)
        .join(earlier, on=(P.recurrence_of == earlier.id))
        .where(P.id.in_(ids))
        .tuples()
    ):
        rows[pid].repeat_of = code
    for pid, due in (
        ledger.select(Lookback, Lookback.problem, Lookback.due_on)
        # `status || ''` keeps SQLite on the problem index (a page's 200 ids) instead of
        # walking every pending look-back through the status index (13 ms at 100000)
        .where(Lookback.problem.in_(ids) & (Lookback.status.concat("") == LOOKBACK_PENDING))
        .tuples()
    ):
        rows[pid].lookback_due_on = due
