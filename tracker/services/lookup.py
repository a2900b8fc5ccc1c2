"""Reading the rows a service is about to change, and refusing changes the status forbids."""

from __future__ import annotations

from ..errors import NotFoundError, ValidationError, WorkflowError
from ..ledger import Ledger
from ..models import Department, Evidence, Measure, Person, Problem
from ..workflow import ACCEPTS_WORK, EDITABLE, STATUS_LABELS, ProblemFacts


def problem_row(ledger: Ledger, problem_id: int) -> dict:
    row = ledger.select(Problem).where(Problem.id == problem_id).dicts().first()
    if row is None:
        raise NotFoundError(f"问题（编号 {problem_id}）不存在。")
    return row


def problem_id_by_code(ledger: Ledger, code: str) -> int:
    row = ledger.select(Problem, Problem.id).where(Problem.code == code.strip()).tuples().first()
    if row is None:
        raise NotFoundError(f"没有编号为 “{code}” 的问题。")
    return row[0]


def measure_row(ledger: Ledger, measure_id: int) -> dict:
    row = ledger.select(Measure).where(Measure.id == measure_id).dicts().first()
    if row is None:
        raise NotFoundError(f"整改措施（编号 {measure_id}）不存在。")
    return row


def require_editable(problem: dict, doing: str) -> None:
    if problem["status"] not in EDITABLE:
        raise WorkflowError(
            f"问题 {problem['code']} 当前为“{STATUS_LABELS[problem['status']]}”，不能{doing}。"
            + ("请先“重新整改”。" if problem["status"] == "closed" else "")
        )


def require_accepts_work(problem: dict, doing: str) -> None:
    if problem["status"] not in ACCEPTS_WORK:
        raise WorkflowError(
            f"问题 {problem['code']} 当前为“{STATUS_LABELS[problem['status']]}”，不能{doing}。"
        )


def check_reference(ledger: Ledger, model, value: int | None, label: str) -> int | None:
    """Validate a foreign key given by id; None means 'not set'."""
    if value is None or value == "":
        return None
    if ledger.select(model, model.id).where(model.id == value).first() is None:
        raise ValidationError(label, f"所选的{label}不存在（{value}）。")
    return int(value)


def person_name(ledger: Ledger, person_id: int | None) -> str:
    if person_id is None:
        return ""
    row = ledger.select(Person, Person.name).where(Person.id == person_id).tuples().first()
    return row[0] if row else ""


def department_name(ledger: Ledger, department_id: int | None) -> str:
    if department_id is None:
        return ""
    row = (
        ledger.select(Department, Department.name)
        .where(Department.id == department_id)
        .tuples()
        .first()
    )
    return row[0] if row else ""


def problem_facts(ledger: Ledger, problem: dict, **extra) -> ProblemFacts:
    measures = list(
        ledger.select(Measure, Measure.status, Measure.owner)
        .where(Measure.problem == problem["id"])
        .tuples()
    )
    evidence = (
        ledger.select(Evidence)
        .where((Evidence.problem == problem["id"]) & (Evidence.active == True))  # noqa: E712
        .count()
    )
    names = {person_name(ledger, problem["leader"])}
    names |= {person_name(ledger, owner) for _, owner in measures if owner is not None}
    names.discard("")
    return ProblemFacts(
        status=problem["status"],
        measure_statuses=[s for s, _ in measures],
        evidence_count=evidence,
        closure_note=problem["closure_note"],
        responsible_names=names,
        applicant=problem["applicant"],
        **extra,
    )
