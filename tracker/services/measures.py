"""Corrective measures (整改措施): owners, deadlines, completion, extensions and progress entries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import fn

from ..changes import Changes
from ..dates import format_date
from ..deadlines import IMMEDIATE, NONE, UNKNOWN, Deadline, parse_deadline
from ..errors import ValidationError, WorkflowError
from ..ledger import Ledger
from ..limits import TEXT_MAX
from ..models import Department, Extension, Measure, Person, Problem, Progress
from ..recorder import Unit
from ..workflow import IN_PROGRESS, LISTED, M_DONE, M_OPEN, M_VOID, measure_status_for
from .lookup import (
    check_reference,
    measure_row,
    problem_row,
    require_accepts_work,
    require_editable,
)

KEEP = object()  # "leave this field as it is" in update_measure


@dataclass
class MeasureInput:
    text: str
    owner: int | None = None
    department: int | None = None
    deadline: str | dt.date | None = None
    done_on: dt.date | None = None  # given for a measure that is already complete (import, demo)


def deadline_fields(value, anchor: dt.date) -> tuple[dict, Deadline]:
    """Columns for a deadline: the user's text, what it means, and a date to judge overdue by.

    立行立改 with no date of its own is due on `anchor` (the day the problem was found): "at once"
    means a measure still open the next day is already late.
    """
    deadline = parse_deadline(value)
    due = deadline.due
    if deadline.kind == IMMEDIATE and due is None:
        due = anchor
    return (
        {
            "deadline_text": deadline.text,
            "deadline_kind": deadline.kind,
            "deadline_date": due,
            "deadline_rhythm": deadline.rhythm or "",
        },
        deadline,
    )


def deadline_warning(
    deadline: Deadline,
    where: str = "",
    *,
    due: dt.date | None = None,
    today: dt.date | None = None,
) -> list[str]:
    """What to tell the user about a deadline just entered, naming the measure when we know it:
    an unreadable one is kept as text (and listed under 时限不明确); one already past (`due`, the
    date it is judged by, before `today`) makes the measure overdue the moment it is saved."""
    if deadline.kind == UNKNOWN:
        text = deadline.problem or f"‘{deadline.text}’ 无法识别为日期，已按文本保存"
        return [f"{where}整改时限：{text}（列入“时限不明确”，不会提示逾期）"]
    if due is not None and today is not None and due < today:
        days = (today - due).days
        if deadline.kind == IMMEDIATE and deadline.due is None:
            what = f"“{deadline.text}”以查摆日期{format_date(due)}为期限"
        elif format_date(due) != deadline.text:
            what = f"“{deadline.text}”（{format_date(due)}）"
        else:
            what = f"“{deadline.text}”"
        return [f"{where}整改时限{what}已经过去 {days} 天，保存后这项措施即为逾期。"]
    return []


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError("整改措施", "内容不能为空。")
    if len(text) > TEXT_MAX:
        raise ValidationError("整改措施", f"不能超过 {TEXT_MAX} 个字。")
    return text


def insert_measure(
    unit: Unit, ledger: Ledger, problem_id: int, seq: int, m: MeasureInput, anchor: dt.date
) -> int:
    text = _clean_text(m.text)
    owner = check_reference(ledger, Person, m.owner, "责任人")
    department = check_reference(ledger, Department, m.department, "责任部门")
    columns, deadline = deadline_fields(m.deadline, anchor)
    status = measure_status_for(deadline.is_ongoing)
    done_on = m.done_on.date() if isinstance(m.done_on, dt.datetime) else m.done_on
    if done_on is not None:
        status = M_DONE
    due = columns["deadline_date"] if status == M_OPEN else None
    unit.changes.warnings.extend(
        deadline_warning(deadline, f"第 {seq} 项措施的", due=due, today=ledger.today())
    )
    return unit.create(
        Measure,
        problem=problem_id,
        seq=seq,
        text=text,
        owner=owner,
        department=department,
        status=status,
        done_on=done_on,
        **columns,
    )


def _start_if_listed(unit: Unit, problem: dict) -> None:
    """Work on a listed problem means its rectification has begun (挂账 → 整改中)."""
    if problem["status"] == LISTED:
        unit.update(Problem, problem["id"], {"status": IN_PROGRESS})


def _rows(ledger: Ledger, measure_id: int) -> tuple[dict, dict]:
    """The measure and its problem, read inside the caller's write transaction."""
    measure = measure_row(ledger, measure_id)
    return measure, problem_row(ledger, measure["problem"])


def _as_date(value: dt.date | None) -> dt.date | None:
    return value.date() if isinstance(value, dt.datetime) else value


def add_measure(ledger: Ledger, problem_id: int, measure: MeasureInput) -> Changes:
    with Unit(ledger, "measure.create") as unit:
        problem = problem_row(ledger, problem_id)
        require_editable(problem, "增加整改措施")
        top = (
            ledger.select(Measure, fn.MAX(Measure.seq))
            .where(Measure.problem == problem_id)
            .scalar()
        )
        unit.changes.created_id = insert_measure(
            unit, ledger, problem_id, (top or 0) + 1, measure, problem["found_on"]
        )
    return unit.changes


def update_measure(
    ledger: Ledger,
    measure_id: int,
    *,
    expected_version: int | None = None,
    text: str | None = None,
    owner: int | None | object = KEEP,
    department: int | None | object = KEEP,
    deadline: str | dt.date | None | object = KEEP,
) -> Changes:
    """Edit a measure; a changed deadline here is a correction (use `extend_deadline` to extend).

    Fields left at KEEP are not touched; None clears an owner or department.
    """
    with Unit(ledger, "measure.edit") as unit:
        measure, problem = _rows(ledger, measure_id)
        require_editable(problem, "修改整改措施")
        values: dict = {}
        if text is not None:
            values["text"] = _clean_text(text)
        if owner is not KEEP:
            values["owner"] = check_reference(ledger, Person, owner, "责任人")
        if department is not KEEP:
            values["department"] = check_reference(ledger, Department, department, "责任部门")
        if deadline is not KEEP:
            columns, parsed = deadline_fields(deadline, problem["found_on"])
            values.update(columns)
            values["status"] = measure_status_for(parsed.is_ongoing, measure["status"])
            due = columns["deadline_date"] if values["status"] == M_OPEN else None
            unit.changes.warnings.extend(
                deadline_warning(
                    parsed, f"第 {measure['seq']} 项措施的", due=due, today=ledger.today()
                )
            )
        version = measure["version"] if expected_version is None else expected_version
        unit.update(Measure, measure_id, values, expected_version=version)
    return unit.changes


def complete_measure(ledger: Ledger, measure_id: int, done_on: dt.date | None = None) -> Changes:
    done_on = _as_date(done_on) or ledger.today()
    if done_on > ledger.today():
        raise ValidationError("完成日期", "不能晚于今天。")
    with Unit(ledger, "measure.complete") as unit:
        measure, problem = _rows(ledger, measure_id)
        require_editable(problem, "完成整改措施")
        if measure["status"] == M_VOID:
            raise WorkflowError("该措施已作废，不能标记完成。")
        if measure["status"] == M_DONE:
            raise WorkflowError("该措施已经完成；如需更正完成日期，请先改回未完成。")
        if done_on < problem["found_on"]:
            raise ValidationError("完成日期", "不能早于问题的查摆日期。")
        unit.update(
            Measure,
            measure_id,
            {"status": M_DONE, "done_on": done_on},
            expected_version=measure["version"],
        )
        _start_if_listed(unit, problem)
    return unit.changes


def reopen_measure(ledger: Ledger, measure_id: int) -> Changes:
    with Unit(ledger, "measure.reopen") as unit:
        measure, problem = _rows(ledger, measure_id)
        require_editable(problem, "修改整改措施")
        if measure["status"] != M_DONE:
            raise WorkflowError("只有已完成的措施才能改回未完成。")
        status = measure_status_for(parse_deadline(measure["deadline_text"]).is_ongoing)
        unit.update(
            Measure,
            measure_id,
            {"status": status, "done_on": None},
            expected_version=measure["version"],
        )
    return unit.changes


def void_measure(ledger: Ledger, measure_id: int, reason: str) -> Changes:
    if not (reason or "").strip():
        raise ValidationError("作废理由", "不能为空。")
    with Unit(ledger, "measure.void") as unit:
        measure, problem = _rows(ledger, measure_id)
        require_editable(problem, "作废整改措施")
        if measure["status"] == M_VOID:
            raise WorkflowError("该措施已经作废。")
        values = {"status": M_VOID, "void_reason": reason.strip()}
        unit.update(Measure, measure_id, values, expected_version=measure["version"])
    return unit.changes


def extend_deadline(
    ledger: Ledger, measure_id: int, new_deadline: str | dt.date, reason: str
) -> Changes:
    """延期: record old → new with the reason; the count of extensions shows in reports."""
    if not (reason or "").strip():
        raise ValidationError("延期理由", "不能为空。")
    columns, parsed = deadline_fields(new_deadline, ledger.today())
    if parsed.kind in (UNKNOWN, NONE):
        raise ValidationError(
            "新期限", f"“{parsed.text}”无法识别为期限，请写明日期，如 2026年6月30日。"
        )
    with Unit(ledger, "measure.extend") as unit:
        measure, problem = _rows(ledger, measure_id)
        require_editable(problem, "延期")
        if measure["status"] != M_OPEN:
            raise WorkflowError("只有未完成的措施才能延期。")
        if columns["deadline_date"] is not None and measure["deadline_date"] is not None:
            if columns["deadline_date"] <= measure["deadline_date"]:
                raise ValidationError("新期限", "必须晚于原期限。")
        unit.create(
            Extension,
            group=measure["problem"],
            measure=measure_id,
            old_text=measure["deadline_text"],
            old_date=measure["deadline_date"],
            new_text=columns["deadline_text"],
            new_date=columns["deadline_date"],
            reason=reason.strip(),
            by=ledger.actor,
            at=ledger.stamp(),
        )
        columns["status"] = measure_status_for(parsed.is_ongoing)
        if columns["status"] == M_OPEN:
            unit.changes.warnings.extend(
                deadline_warning(
                    parsed,
                    f"第 {measure['seq']} 项措施的新",
                    due=columns["deadline_date"],
                    today=ledger.today(),
                )
            )
        unit.update(Measure, measure_id, columns, expected_version=measure["version"])
    return unit.changes


def add_progress(
    ledger: Ledger, measure_id: int, text: str, on: dt.date | None = None, author: str | None = None
) -> Changes:
    """整改进展: a dated note of what was done on a measure."""
    text = (text or "").strip()
    if not text:
        raise ValidationError("整改进展", "内容不能为空。")
    on = _as_date(on) or ledger.today()
    if on > ledger.today():
        raise ValidationError("进展日期", "不能晚于今天。")
    with Unit(ledger, "progress.create") as unit:
        measure, problem = _rows(ledger, measure_id)
        require_accepts_work(problem, "填写整改进展")
        unit.changes.created_id = unit.create(
            Progress,
            group=problem["id"],
            measure=measure_id,
            on=on,
            text=text,
            author=(author or "").strip() or ledger.actor,
        )
        unit.changes.measures.add(measure_id)
        _start_if_listed(unit, problem)
    return unit.changes
