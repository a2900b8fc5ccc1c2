"""复发: linking a problem to the earlier, crossed-off problem it repeats (`problem.recurrence_of`).

Linking is a classification, not an edit of the problem's content, so it is allowed whatever the
new problem's status (an imported problem may arrive closed) — only a void problem takes none.
The earlier problem must be crossed off (the existing rule: a repeat is a problem that came back).
"""

from __future__ import annotations

from ..changes import Changes
from ..errors import ValidationError, WorkflowError
from ..ledger import Ledger
from ..models import Problem
from ..recorder import Unit
from ..services.lookup import problem_row
from ..workflow import CLOSED, VOID


def _chain_reaches(ledger: Ledger, start: int | None, target: int) -> bool:
    """Whether following `recurrence_of` from `start` reaches `target` (a link would loop)."""
    seen = set()
    while start is not None and start not in seen:
        if start == target:
            return True
        seen.add(start)
        start = ledger.select(Problem, Problem.recurrence_of).where(Problem.id == start).scalar()
    return False


def mark_repeat(ledger: Ledger, problem_id: int, earlier_id: int) -> Changes:
    """Record that `problem_id` is a 复发 of `earlier_id`."""
    with Unit(ledger, "problem.repeat") as unit:
        problem = problem_row(ledger, problem_id)
        earlier = problem_row(ledger, earlier_id)
        if problem["status"] == VOID:
            raise WorkflowError(f"问题 {problem['code']} 已作废，不能记为复发。")
        if earlier_id == problem_id:
            raise ValidationError("复发自", "问题不能是它自己的复发。")
        if earlier["status"] != CLOSED:
            raise ValidationError(
                "复发自",
                f"只能关联一个已销号的问题（问题 {earlier['code']} 尚未销号，"
                "同一问题还在整改中不算复发）。",
            )
        if _chain_reaches(ledger, earlier_id, problem_id):
            raise ValidationError(
                "复发自", f"问题 {earlier['code']} 本身已记为问题 {problem['code']} 的复发。"
            )
        if problem["recurrence_of"] == earlier_id:
            raise WorkflowError(f"问题 {problem['code']} 已记为问题 {earlier['code']} 的复发。")
        unit.update(
            Problem, problem_id, {"recurrence_of": earlier_id}, expected_version=problem["version"]
        )
    return unit.changes


def clear_repeat(ledger: Ledger, problem_id: int) -> Changes:
    """Take back a 复发 link made by mistake (the link stays in the history)."""
    with Unit(ledger, "problem.unrepeat") as unit:
        problem = problem_row(ledger, problem_id)
        if problem["recurrence_of"] is None:
            raise WorkflowError(f"问题 {problem['code']} 没有记为复发。")
        unit.update(
            Problem, problem_id, {"recurrence_of": None}, expected_version=problem["version"]
        )
    return unit.changes
