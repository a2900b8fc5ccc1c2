"""Changing many problems at once (multi-select in the table): one transaction, journaled per problem."""

from __future__ import annotations

from collections.abc import Iterable

from ..changes import Changes
from ..errors import ValidationError
from ..ledger import Ledger
from ..models import Category, Department, Measure, Person, Problem
from ..recorder import Unit
from ..workflow import EDITABLE, M_OPEN, STATUS_LABELS, measure_status_for
from .lookup import check_reference
from .measures import KEEP, deadline_fields, deadline_warning


def bulk_update(
    ledger: Ledger,
    problem_ids: Iterable[int],
    *,
    category: int | None | object = KEEP,
    department: int | None | object = KEEP,
    owner: int | None | object = KEEP,
    deadline: str | object = KEEP,
) -> Changes:
    """Set category / responsible department on the problems, owner / deadline on their open measures.

    Problems that may not be edited (待销号, 已销号, 已作废) are left alone and reported as warnings.
    """
    ids = list(dict.fromkeys(problem_ids))
    if not ids:
        raise ValidationError("批量修改", "请先选择要修改的问题。")
    problem_values: dict = {}
    if category is not KEEP:
        problem_values["category"] = check_reference(ledger, Category, category, "问题类别")
    if department is not KEEP:
        problem_values["department"] = check_reference(ledger, Department, department, "责任部门")
    measure_values: dict = {}
    if owner is not KEEP:
        measure_values["owner"] = check_reference(ledger, Person, owner, "责任人")
    if not (problem_values or measure_values or deadline is not KEEP):
        raise ValidationError("批量修改", "没有选择要修改的内容。")
    rows = (
        ledger.select(Problem, Problem.id, Problem.code, Problem.status, Problem.found_on)
        .where(Problem.id.in_(ids))
        .tuples()
    )
    with Unit(ledger, "problem.bulk_edit") as unit:
        skipped = []
        for pid, code, status, found_on in rows:
            if status not in EDITABLE:
                skipped.append(f"{code}（{STATUS_LABELS[status]}）")
                continue
            if problem_values:
                unit.update(Problem, pid, problem_values)
            if measure_values or deadline is not KEEP:
                _update_open_measures(unit, ledger, pid, found_on, measure_values, deadline)
        if skipped:
            unit.changes.warnings.append(
                f"以下 {len(skipped)} 个问题当前不能修改，已跳过：" + "、".join(skipped[:20])
            )
        unit.changes.warnings[:] = list(dict.fromkeys(unit.changes.warnings))
    return unit.changes


def _update_open_measures(
    unit: Unit, ledger: Ledger, pid: int, found_on, values: dict, deadline
) -> None:
    measures = (
        ledger.select(Measure, Measure.id)
        .where((Measure.problem == pid) & (Measure.status == M_OPEN))
        .tuples()
    )
    for (mid,) in measures:
        row = dict(values)
        if deadline is not KEEP:
            columns, parsed = deadline_fields(deadline, found_on)
            row.update(columns)
            row["status"] = measure_status_for(parsed.is_ongoing)
            due = columns["deadline_date"] if row["status"] == M_OPEN else None
            unit.changes.warnings.extend(deadline_warning(parsed, due=due, today=ledger.today()))
        unit.update(Measure, mid, row)
