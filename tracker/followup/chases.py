"""催办: who chased whom about which measures, when and how — each chase one journaled record.

A chase is about one problem's measures that one person answers for (the 逾期 and 7天内到期 views
are where it usually starts). Chasing several people is several records, made in one action.
A chase recorded by mistake is undone (made inactive, never deleted); it then counts nowhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from peewee import JOIN, fn

from ..changes import Changes
from ..errors import ValidationError, WorkflowError
from ..ledger import Ledger
from ..limits import NAME_MAX, clean_text
from ..models import Chase, ChaseMeasure, Measure, Person, Problem
from ..recorder import Unit
from ..services.lookup import problem_row
from ..workflow import ACCEPTS_WORK, M_OPEN, STATUS_LABELS

WAYS = ("电话", "当面", "书面", "短信")


@dataclass(frozen=True)
class ChaseInput:
    """One person chased about some of one problem's measures (ids)."""

    problem: int
    measures: tuple[int, ...]
    whom: str = ""  # empty: the measures' owner


def owner_of(ledger: Ledger, measure_ids: Sequence[int]) -> str:
    """The one person the measures name as owner ('' when none or several)."""
    names = {
        name
        for (name,) in ledger.select(Measure, Person.name)
        .join(Person, JOIN.LEFT_OUTER, on=(Measure.owner == Person.id))
        .where(Measure.id.in_(list(measure_ids)))
        .tuples()
    }
    return names.pop() if len(names) == 1 and None not in names else ""


def record_chases(
    ledger: Ledger,
    items: Sequence[ChaseInput],
    way: str,
    note: str = "",
    *,
    on: dt.date | None = None,
) -> Changes:
    """Record 催办 of each item's person about its measures, all in one action."""
    if way not in WAYS:
        raise ValidationError("催办方式", f"应为{'、'.join(WAYS)}之一。")
    note = clean_text(note, "催办内容")
    on = on or ledger.today()
    if on > ledger.today():
        raise ValidationError("催办日期", "不能晚于今天。")
    if not items:
        raise ValidationError("催办对象", "请至少选择一项未完成的整改措施。")
    with Unit(ledger, "chase.create") as unit:
        for item in items:
            _record(unit, ledger, item, way, note, on)
    return unit.changes


def _record(unit: Unit, ledger: Ledger, item: ChaseInput, way: str, note: str, on: dt.date) -> None:
    problem = problem_row(ledger, item.problem)
    if problem["status"] not in ACCEPTS_WORK:
        raise WorkflowError(
            f"问题 {problem['code']} 当前为“{STATUS_LABELS[problem['status']]}”，无需催办。"
        )
    if not item.measures:
        raise ValidationError("催办对象", f"问题 {problem['code']}：请选择要催办的整改措施。")
    rows = list(
        ledger.select(Measure, Measure.id, Measure.seq, Measure.status)
        .where((Measure.id.in_(list(item.measures))) & (Measure.problem == problem["id"]))
        .tuples()
    )
    if len(rows) != len(set(item.measures)):
        raise ValidationError("催办对象", f"所选措施不属于问题 {problem['code']}。")
    for _mid, seq, status in rows:
        if status != M_OPEN:
            raise WorkflowError(f"问题 {problem['code']} 的措施 {seq} 不是未完成状态，无需催办。")
    whom = (item.whom or "").strip() or owner_of(ledger, item.measures)
    if not whom:
        raise ValidationError(
            "被催办人", f"问题 {problem['code']}：所选措施没有唯一的责任人，请写明催办了谁。"
        )
    whom = clean_text(whom, "被催办人", NAME_MAX)
    chase = unit.create(
        Chase,
        problem=problem["id"],
        whom=whom,
        way=way,
        on=on,
        note=note,
        by=ledger.actor,
        at=ledger.stamp(),
    )
    for mid, _seq, _status in sorted(rows, key=lambda r: r[1]):
        unit.create(ChaseMeasure, group=problem["id"], chase=chase, measure=mid)
        unit.changes.measures.add(mid)
    unit.changes.created_id = chase


def chase_counts(ledger: Ledger, measure_ids: Sequence[int]) -> dict[int, int]:
    """Measure id -> how many (active) chases were about it."""
    if not measure_ids:
        return {}
    return dict(
        ledger.select(ChaseMeasure, ChaseMeasure.measure, fn.COUNT(ChaseMeasure.id))
        .join(Chase, on=(ChaseMeasure.chase == Chase.id))
        .where(ChaseMeasure.measure.in_(list(measure_ids)) & (Chase.active == True))  # noqa: E712
        .group_by(ChaseMeasure.measure)
        .tuples()
    )


def problem_chase_counts(ledger: Ledger, problem_ids: Sequence[int]) -> dict[int, int]:
    """Problem id -> how many (active) chases were about its measures."""
    if not problem_ids:
        return {}
    return dict(
        ledger.select(Chase, Chase.problem, fn.COUNT(Chase.id))
        .where(Chase.problem.in_(list(problem_ids)) & (Chase.active == True))  # noqa: E712
        .group_by(Chase.problem)
        .tuples()
    )


@dataclass
class ChaseView:
    id: int
    whom: str
    way: str
    on: dt.date
    note: str
    by: str
    at: str
    measures: list[int]  # seqs


def chases_of_problem(ledger: Ledger, problem_id: int) -> list[ChaseView]:
    """The problem's chases, newest first, with the measures (by seq) each was about."""
    out: dict[int, ChaseView] = {}
    for cid, whom, way, on, note, by, at in (
        ledger.select(
            Chase, Chase.id, Chase.whom, Chase.way, Chase.on, Chase.note, Chase.by, Chase.at
        )
        .where((Chase.problem == problem_id) & (Chase.active == True))  # noqa: E712
        .order_by(Chase.on.desc(), Chase.id.desc())
        .tuples()
    ):
        out[cid] = ChaseView(cid, whom, way, on, note, by, at, [])
    if out:
        for cid, seq in (
            ledger.select(ChaseMeasure, ChaseMeasure.chase, Measure.seq)
            .join(Measure, on=(ChaseMeasure.measure == Measure.id))
            .where(ChaseMeasure.chase.in_(list(out)))
            .order_by(Measure.seq)
            .tuples()
        ):
            out[cid].measures.append(seq)
    return list(out.values())


def chase_label(count: int) -> str:
    """“催办 2 次”, or '' for none — how a count is written everywhere."""
    return f"催办 {count} 次" if count else ""


def problem_codes(ledger: Ledger, ids: Sequence[int]) -> dict[int, str]:
    return dict(
        ledger.select(Problem, Problem.id, Problem.code).where(Problem.id.in_(list(ids))).tuples()
    )


@dataclass
class Chaseable:
    """An open measure a 催办 can be about, as the 催办 dialog lists it."""

    problem: int
    code: str
    measure: int
    seq: int
    text: str
    owner: str
    deadline_text: str
    days_left: int | None
    chases: int


def chaseable(ledger: Ledger, problem_ids: Sequence[int]) -> list[Chaseable]:
    """The open measures of those of `problem_ids` still being worked on, by problem and seq."""
    from ..overdue import days_left

    if not problem_ids:
        return []
    today = ledger.today()
    rows = list(
        ledger.select(
            Measure,
            Problem.id,
            Problem.code,
            Measure.id,
            Measure.seq,
            Measure.text,
            Person.name,
            Measure.deadline_text,
            Measure.deadline_date,
        )
        .join(Problem, on=(Measure.problem == Problem.id))
        .join_from(Measure, Person, JOIN.LEFT_OUTER, on=(Measure.owner == Person.id))
        .where(
            Problem.id.in_(list(problem_ids))
            & Problem.status.in_(list(ACCEPTS_WORK))
            & (Measure.status == M_OPEN)
        )
        .order_by(Problem.id, Measure.seq)
        .tuples()
    )
    counts = chase_counts(ledger, [r[2] for r in rows])
    return [
        Chaseable(
            pid,
            code,
            mid,
            seq,
            text,
            owner or "",
            dtext or "",
            days_left(due, today),
            counts.get(mid, 0),
        )
        for pid, code, mid, seq, text, owner, dtext, due in rows
    ]
