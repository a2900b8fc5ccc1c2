"""Status changes of a problem (申请销号, 审核通过, 驳回, 重新整改, 长期坚持, 作废 …), guarded by workflow."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..changes import Changes
from ..errors import SamePersonError, ValidationError, WorkflowError
from ..ledger import Ledger
from ..models import Problem
from ..recorder import Unit
from ..sharing import rules
from ..workflow import (
    LISTED,
    TRANSITIONS,
    ProblemFacts,
    refusals,
    same_person_sentence,
    warnings,
)
from .lookup import problem_facts, problem_row


def _transition(ledger: Ledger, problem_id: int, name: str, values: dict, **options) -> Changes:
    """One status change as one action (see `apply_transition`)."""
    with Unit(ledger, f"problem.{name}") as unit:
        apply_transition(unit, ledger, problem_id, name, values, **options)
    return unit.changes


def apply_transition(
    unit: Unit,
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
    lookback_on: dt.date | None = None,
) -> None:
    """Check the guards and write the new status inside `unit`'s transaction (a 反弹 found by
    回头看 reopens its problem in the same action that records it).

    The row and its facts are read inside the write transaction, so the decision cannot be made
    on a state another user changed a moment earlier; without an explicit `expected_version` the
    version just read is required to be unchanged. 审核通过 also sets the problem's 回头看
    (`lookback_on`, else the ledger's interval after the 销号 date).
    """
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
        raise ValidationError("销号日期", f"不能早于查摆日期（{problem['found_on']:%Y-%m-%d}）。")
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
    if name == "approve":
        from ..followup.lookbacks import schedule

        schedule(unit, ledger, problem_id, values["closed_on"], lookback_on)
    unit.changes.warnings.extend(
        w for w in warnings(name, facts) if not (reason and w == same_person_sentence(facts))
    )


@dataclass(frozen=True)
class Duty:
    """The words of one decision that must be someone else's (销号, 延期)."""

    asked: str  # 申请销号
    decide: str  # 审核通过
    decider: str  # 审核人
    thing: str  # 销号
    otherwise: str  # 否则销号等于自己给自己把关
    done: str  # 经确认后销号


CLOSURE_DUTY = Duty(
    "申请销号", "审核通过", "审核人", "销号", "否则销号等于自己给自己把关", "经确认后销号"
)


def same_person_words(duty: Duty, decider: str) -> str:
    return (
        f"{duty.decider}“{decider}”就是{duty.asked}的人。{duty.thing}应由申请人以外的人"
        f"{duty.decide[:2]}（申请与{duty.decide[:2]}分离），{duty.otherwise}。"
    )


def separation_of_duties(
    ledger: Ledger, subject: str, applicant: str, decider: str, confirmed: bool, duty: Duty
) -> str:
    """Refuse (shared ledger) or require confirmation (single-user file) when the one who asked
    decides; returns the note the journal keeps when it was confirmed.

    On a shared ledger the one acting is known (their login) and may not decide their own
    request whatever name they type; on a single-user file one person enters everything, so only
    the decider's name is compared with the applicant's.
    """
    actor, applicant, decider = ledger.actor.strip(), applicant.strip(), decider.strip()
    shared_rule = (
        f"多人共用的台账不允许同一人申请并{duty.decide[:2]}{duty.thing}，"
        f"请由其他{duty.decider}{duty.decide[:2]}。"
    )
    if not ledger.is_sqlite and actor == applicant:
        raise WorkflowError(
            f"{subject}不能{duty.decide}：{duty.thing}是您（{actor}）申请的，{shared_rule}"
        )
    if not decider or decider != applicant:
        return ""
    if not ledger.is_sqlite:
        raise WorkflowError(
            f"{subject}不能{duty.decide}：{same_person_words(duty, decider)}{shared_rule}"
        )
    if not confirmed:
        raise SamePersonError(
            f"{subject.rstrip()}：{same_person_words(duty, decider)}"
            f"如确需如此（单人维护的台账），请确认后再{duty.decide}；历史记录中会注明是同一人。"
        )
    return f"申请人与{duty.decider}为同一人（{applicant}），{duty.done}"


def _separation_of_duties(ledger: Ledger, code: str, facts: ProblemFacts, confirmed: bool) -> str:
    """The 销号 rule: the one who asked for it may not approve it (see `separation_of_duties`)."""
    return separation_of_duties(
        ledger, f"问题 {code} ", facts.applicant, facts.reviewer, confirmed, CLOSURE_DUTY
    )


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
    lookback_on: dt.date | None = None,
) -> Changes:
    """审核通过 → 已销号, with its 回头看 date (`lookback_on`, else the ledger's interval). Warns (does not refuse) when the reviewer is one of the responsible people.

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
        lookback_on=lookback_on,
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


# What 重新整改 clears: the closure is withdrawn (its data stays in the journal).
REOPEN_CLEARS = {
    "applicant": "",
    "reviewer": "",
    "closed_on": None,
    "closure_note": "",
    "review_opinion": "",
}


def reopen_problem(
    ledger: Ledger, problem_id: int, reason: str, *, expected_version: int | None = None
) -> Changes:
    """重新整改 after 回头看: the closure is withdrawn (its data stays in the journal)."""
    cleared = dict(REOPEN_CLEARS)
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
