"""Status changes of a problem (申请销号, 审核通过, 驳回, 重新整改, 长期坚持, 作废 …), guarded by workflow."""

from __future__ import annotations

import datetime as dt

from ..changes import Changes
from ..errors import SamePersonError, ValidationError, WorkflowError
from ..ledger import Ledger
from ..models import Problem
from ..recorder import Unit
from ..sharing import rules
from ..sharing.refusals import same_person as asked_by_oneself
from ..workflow import (
    LISTED,
    TRANSITIONS,
    ProblemFacts,
    refusals,
    same_person,
    same_person_sentence,
    warnings,
)
from .lookup import problem_facts, problem_row


def _transition(
    ledger: Ledger,
    problem_id: int,
    name: str,
    values: dict,
    *,
    reason: str = "",
    reviewer: str = "",
    closure_note: str | None = None,
    expected_version: int | None = None,
    same_person_confirmed: bool = False,
) -> Changes:
    """Check the guards and write the new status in one transaction.

    The row and its facts are read inside the write transaction, so the decision cannot be made
    on a state another user changed a moment earlier; without an explicit `expected_version` the
    version just read is required to be unchanged.
    """
    with Unit(ledger, f"problem.{name}") as unit:
        problem = problem_row(ledger, problem_id)
        facts = problem_facts(ledger, problem, reviewer=reviewer)
        if closure_note is not None:
            facts.closure_note = closure_note
        refused = refusals(name, facts, reason=reason)
        if refused:
            raise WorkflowError(
                f"问题 {problem['code']} 不能{TRANSITIONS[name].label}：" + "".join(refused)
            )
        target = TRANSITIONS[name].target
        if name == "restore":
            target = problem["voided_from"] or LISTED
        if name == "void":
            values = {**values, "voided_from": problem["status"]}
        if name == "approve" and values["closed_on"] < problem["found_on"]:
            raise ValidationError(
                "销号日期", f"不能早于查摆日期（{problem['found_on']:%Y-%m-%d}）。"
            )
        if ledger.member is not None:  # the role's check first, as the database makes it
            written = {"status": target, "status_reason": reason.strip(), **values}
            rules.check(ledger, "problem", "u", problem, {**problem, **written})
        if name == "approve":
            reason = _separation_of_duties(ledger, problem["code"], facts, same_person_confirmed)
        unit.update(
            Problem,
            problem_id,
            {"status": target, "status_reason": reason.strip(), **values},
            expected_version=problem["version"] if expected_version is None else expected_version,
        )
        unit.changes.warnings.extend(
            w for w in warnings(name, facts) if not (reason and w == same_person_sentence(facts))
        )
    return unit.changes


def _separation_of_duties(ledger: Ledger, code: str, facts: ProblemFacts, confirmed: bool) -> str:
    """Refuse (shared ledger) or require confirmation (single-user file) when the one who asked
    for the 销号 approves it; returns the note the journal keeps when it was confirmed.

    On a shared ledger the one acting is known (their login) and may not approve their own
    request whatever reviewer name they type; on a single-user file one person enters everything,
    so only the reviewer's name is compared with the applicant's.
    """
    actor = ledger.actor.strip()
    if not ledger.is_sqlite and actor == facts.applicant.strip():
        raise WorkflowError(asked_by_oneself(code, actor))
    if not same_person(facts):
        return ""
    if not ledger.is_sqlite:
        raise WorkflowError(
            f"问题 {code} 不能审核通过：{same_person_sentence(facts)}"
            "多人共用的台账不允许同一人申请并审核销号，请由其他审核人审核。"
        )
    if not confirmed:
        raise SamePersonError(
            f"问题 {code}：{same_person_sentence(facts)}"
            "如确需如此（单人维护的台账），请确认后再审核通过；历史记录中会注明是同一人。"
        )
    return f"申请人与审核人为同一人（{facts.applicant.strip()}），经确认后销号"


def request_closure(
    ledger: Ledger,
    problem_id: int,
    closure_note: str,
    *,
    applicant: str | None = None,
    expected_version: int | None = None,
) -> Changes:
    """申请销号: every measure done or long-term, evidence attached, a 销号说明 written."""
    note = (closure_note or "").strip()
    changes = _transition(
        ledger,
        problem_id,
        "request_closure",
        {
            "closure_note": note,
            "applicant": (applicant or "").strip() or ledger.actor,
            "review_opinion": "",
        },
        closure_note=note,
        expected_version=expected_version,
    )
    from .evidence import shared_evidence_warnings

    changes.warnings.extend(shared_evidence_warnings(ledger, problem_id))
    return changes


def approve_closure(
    ledger: Ledger,
    problem_id: int,
    reviewer: str,
    opinion: str = "",
    *,
    closed_on: dt.date | None = None,
    expected_version: int | None = None,
    same_person_confirmed: bool = False,
) -> Changes:
    """审核通过 → 已销号. Warns (does not refuse) when the reviewer is one of the responsible people.

    The person who requested the 销号 approving it is refused on a shared ledger, and on a
    single-user ledger needs `same_person_confirmed`; the journal then says it was one person.
    """
    closed_on = closed_on or ledger.today()
    if closed_on > ledger.today():
        raise ValidationError("销号日期", "不能晚于今天。")
    return _transition(
        ledger,
        problem_id,
        "approve",
        {
            "reviewer": (reviewer or "").strip(),
            "review_opinion": (opinion or "").strip(),
            "closed_on": closed_on,
        },
        reviewer=reviewer or "",
        expected_version=expected_version,
        same_person_confirmed=same_person_confirmed,
    )


def reject_closure(
    ledger: Ledger, problem_id: int, reason: str, *, expected_version: int | None = None
) -> Changes:
    """驳回: back to 整改中 with the reviewer's reason."""
    return _transition(
        ledger,
        problem_id,
        "reject",
        {"review_opinion": (reason or "").strip()},
        reason=reason or "",
        expected_version=expected_version,
    )


def reopen_problem(
    ledger: Ledger, problem_id: int, reason: str, *, expected_version: int | None = None
) -> Changes:
    """重新整改 after 回头看: the closure is withdrawn (its data stays in the journal)."""
    cleared = {
        "applicant": "",
        "reviewer": "",
        "closed_on": None,
        "closure_note": "",
        "review_opinion": "",
    }
    return _transition(
        ledger,
        problem_id,
        "reopen",
        cleared,
        reason=reason or "",
        expected_version=expected_version,
    )


def set_long_term(
    ledger: Ledger, problem_id: int, *, expected_version: int | None = None
) -> Changes:
    return _transition(ledger, problem_id, "set_long_term", {}, expected_version=expected_version)


def resume_problem(
    ledger: Ledger, problem_id: int, *, expected_version: int | None = None
) -> Changes:
    return _transition(ledger, problem_id, "resume", {}, expected_version=expected_version)


def void_problem(
    ledger: Ledger, problem_id: int, reason: str, *, expected_version: int | None = None
) -> Changes:
    """作废: hidden from reports, kept in the ledger and its history; can be restored."""
    return _transition(
        ledger,
        problem_id,
        "void",
        {},
        reason=reason or "",
        expected_version=expected_version,
    )


def restore_problem(
    ledger: Ledger, problem_id: int, reason: str, *, expected_version: int | None = None
) -> Changes:
    return _transition(
        ledger,
        problem_id,
        "restore",
        {"voided_from": ""},
        reason=reason or "",
        expected_version=expected_version,
    )
