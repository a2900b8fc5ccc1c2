"""The ledger's headline numbers (as in the monthly report), counted by SQL over non-void problems."""

from __future__ import annotations

from collections import Counter

from peewee import JOIN, fn

from . import workflow
from .import_closure import COUNT_LABEL, closed_on_import_condition
from .ledger import Ledger
from .models import Measure, Problem
from .overdue import closure_rate, overdue_measure_alone, overdue_problem_condition

STATUS_KEYS = {
    workflow.LISTED: "listed",
    workflow.IN_PROGRESS: "in_progress",
    workflow.PENDING: "pending_closure",
    workflow.LONG_TERM: "long_term",
    workflow.CLOSED: "closed",
}
KEY_LABELS = {
    "problems": "问题总数",
    "listed": "挂账（未开始）",
    "in_progress": "整改中",
    "pending_closure": "待销号",
    "long_term": "长期坚持",
    "closed": "已销号",
    "closed_on_import": COUNT_LABEL,
    "overdue_problems": "逾期问题",
    "measures": "整改措施",
    "measures_done": "已完成措施",
    "measures_long_term": "长期坚持措施",
    "overdue_measures": "逾期措施",
    "closure_rate": "销号率",
    # following the work through (tracker/followup)
    "chases": "催办次数",
    "extension_requests_pending": "待审批的延期申请",
    "extensions_approved": "已批准的延期",
    "lookbacks_due": "回头看到期",
    "lookbacks_held": "回头看巩固",
    "lookbacks_slipped": "回头看反弹",
    "repeats": "复发问题",
    "samples_checked": "抽查已核查",
    "samples_false": "抽查不属实",
}
FOLLOWUP_KEYS = tuple(KEY_LABELS)[list(KEY_LABELS).index("chases") :]


def stats(ledger: Ledger) -> dict:
    """Counts for the ledger as it is now (or as of a snapshot's date); keys are a CLI contract."""
    today = ledger.today()
    out: dict = {"as_of": today.isoformat(), "problems": 0}
    counts = dict(
        ledger.select(Problem, Problem.status, fn.COUNT(Problem.id))
        .where(Problem.status != workflow.VOID)
        .group_by(Problem.status)
        .tuples()
    )
    for status, key in STATUS_KEYS.items():
        out[key] = counts.get(status, 0)
    out["problems"] = sum(out[key] for key in STATUS_KEYS.values())
    out["closed_on_import"] = (
        ledger.select(Problem, fn.COUNT(Problem.id)).where(closed_on_import_condition()).scalar()
        or 0
    )
    out["overdue_problems"] = (
        ledger.select(Problem, fn.COUNT(Problem.id))
        .where(overdue_problem_condition(today))
        .scalar()
        or 0
    )
    # measures of problems that are not void: all measures by status (an index-only count), less
    # those of the few void problems (a join from the void ones only)
    measure_counts = Counter(
        dict(
            ledger.select(Measure, Measure.status, fn.COUNT(Measure.id))
            .where(Measure.status != workflow.M_VOID)
            .group_by(Measure.status)
            .tuples()
        )
    )
    measure_counts.subtract(
        dict(
            ledger.select(Measure, Measure.status, fn.COUNT(Measure.id))
            .join(Problem, JOIN.INNER, on=(Measure.problem == Problem.id))
            .where((Problem.status == workflow.VOID) & (Measure.status != workflow.M_VOID))
            .group_by(Measure.status)
            .tuples()
        )
    )
    out["measures"] = sum(measure_counts.values())
    out["measures_done"] = measure_counts.get(workflow.M_DONE, 0)
    out["measures_long_term"] = measure_counts.get(workflow.M_LONG_TERM, 0)
    out["overdue_measures"] = (
        ledger.select(Measure, fn.COUNT(Measure.id)).where(overdue_measure_alone(today)).scalar()
        or 0
    )
    out["closure_rate"] = closure_rate(out["closed"], out["problems"])
    from .followup.facts import counts

    found = counts(ledger).as_dict()
    out.update({key: found[key] for key in FOLLOWUP_KEYS})
    return out
