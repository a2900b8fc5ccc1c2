"""Creating and editing problems (查摆问题), with their automatic, never-reused codes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from peewee import fn

from .. import meta
from ..changes import Changes
from ..errors import ValidationError
from ..ledger import Ledger
from ..limits import TEXT_MAX
from ..models import Batch, Branch, Category, Department, Person, Problem, Source
from ..recorder import Unit
from ..sharing import rules
from ..workflow import CLOSED, LISTED
from .lookup import check_reference, problem_row, require_editable
from .measures import MeasureInput, insert_measure

DESCRIPTION_MAX = TEXT_MAX  # one definition: tracker/limits.py
EDITABLE_FIELDS = {
    "batch": ("整改批次", Batch),
    "source": ("问题来源", Source),
    "category": ("问题类别", Category),
    "leader": ("责任领导", Person),
    "department": ("责任部门", Department),
    "branch": ("支部", Branch),
    "recurrence_of": ("复发自", Problem),
    "description": ("问题描述", None),
    "cause": ("原因分析", None),
    "target": ("整改目标", None),
    "remarks": ("备注", None),
    "found_on": ("查摆日期", None),
}
FIELD_LABELS = {name: label for name, (label, _) in EDITABLE_FIELDS.items()}


def next_code(unit: Unit, ledger: Ledger, year: int) -> str:
    """`2026-001`, `2026-002`, …: a per-year counter kept in Meta, so a code is never reused."""
    return meta.allocate_code(unit.db, year)


def _clean(ledger: Ledger, fields: dict) -> dict:
    out = {}
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ValueError(f"unknown problem field {name!r}")
        label, model = EDITABLE_FIELDS[name]
        if model is not None:
            out[name] = check_reference(ledger, model, value, label)
        elif name == "found_on":
            if not isinstance(value, dt.date):
                raise ValidationError(label, "必须是日期。")
            out[name] = value.date() if isinstance(value, dt.datetime) else value
        else:
            text = (value or "").strip()
            if len(text) > DESCRIPTION_MAX:
                raise ValidationError(label, f"不能超过 {DESCRIPTION_MAX} 个字。")
            out[name] = text
    if "description" in out and not out["description"]:
        raise ValidationError("问题描述", "不能为空：请写明问题的具体表现。")
    return out


def _check_recurrence(
    ledger: Ledger, recurrence_of: int | None, self_id: int | None = None
) -> None:
    if recurrence_of is None:
        return
    if recurrence_of == self_id:
        raise ValidationError("复发自", "问题不能是它自己的复发。")
    if problem_row(ledger, recurrence_of)["status"] != CLOSED:
        raise ValidationError("复发自", "只能关联一个已销号的问题（回头看发现的反弹）。")


def create_problem(
    ledger: Ledger,
    *,
    description: str,
    measures: Sequence[MeasureInput] = (),
    found_on: dt.date | None = None,
    **fields,
) -> Changes:
    """List a problem (挂账) with its measures, in one action; `created_id` is the problem's id.

    On a shared ledger a new problem belongs to the acting 填报人's branch unless another is
    given (which the check then refuses, as the database would)."""
    rules.require_role(ledger, "problem.create")  # before the code counter is touched
    if ledger.member is not None and "branch" not in fields:
        fields["branch"] = ledger.member.branch
    values = _clean(
        ledger, {"description": description, "found_on": found_on or ledger.today(), **fields}
    )
    if values["found_on"] > ledger.today():
        raise ValidationError("查摆日期", "不能晚于今天。")
    _check_recurrence(ledger, values.get("recurrence_of"))
    with Unit(ledger, "problem.create") as unit:
        code = next_code(unit, ledger, values["found_on"].year)
        pid = unit.create(Problem, code=code, status=LISTED, **values)
        for seq, measure in enumerate(measures, 1):
            insert_measure(unit, ledger, pid, seq, measure, values["found_on"])
        unit.changes.created_id = pid
    return unit.changes


def update_problem(
    ledger: Ledger, problem_id: int, *, expected_version: int | None = None, **fields
) -> Changes:
    """Edit any of a problem's own fields; each changed field is journaled old → new."""
    values = _clean(ledger, fields)
    if "recurrence_of" in values:
        _check_recurrence(ledger, values["recurrence_of"], problem_id)
    with Unit(ledger, "problem.edit") as unit:
        problem = problem_row(ledger, problem_id)  # read inside the write lock: no stale decision
        require_editable(problem, "修改")
        version = problem["version"] if expected_version is None else expected_version
        unit.update(Problem, problem_id, values, expected_version=version)
    return unit.changes


def problem_count(ledger: Ledger) -> int:
    return ledger.select(Problem, fn.COUNT(Problem.id)).scalar() or 0
