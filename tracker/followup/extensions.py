"""延期申请: a measure's later deadline is asked for with a reason and decided by someone else.

Only an approved request moves the deadline: approval writes the `Extension` row (old → new, the
record every earlier extension already is) and the measure's new deadline, in one action. A
request is filed before the deadline passes, one at a time per measure; the requester may
withdraw it while it waits. The one who asked may not approve it: refused on a shared ledger,
confirmed and noted on a single-user file — the rule of 销号 (`services.transitions`).
"""

from __future__ import annotations

from ..changes import Changes
from ..dates import format_date
from ..deadlines import NONE, UNKNOWN
from ..errors import NotFoundError, ValidationError, WorkflowError
from ..ledger import Ledger
from ..limits import clean_text
from ..models import Extension, ExtensionRequest, Measure
from ..recorder import Unit
from ..services.lookup import measure_row, problem_row, require_editable
from ..services.measures import deadline_fields, deadline_warning
from ..services.transitions import Duty, separation_of_duties
from ..workflow import (
    M_OPEN,
    REQUEST_APPROVED,
    REQUEST_PENDING,
    REQUEST_REJECTED,
    REQUEST_WITHDRAWN,
    followup_refusal,
    measure_status_for,
)

EXTENSION_DUTY = Duty(
    "申请延期", "批准延期", "审批人", "延期", "否则延期等于自己给自己放宽时限", "经确认后批准延期"
)


def _subject(measure: dict, problem: dict) -> str:
    return f"问题 {problem['code']} 措施 {measure['seq']} 的延期申请"


def pending_request(ledger: Ledger, measure_id: int) -> dict | None:
    return (
        ledger.select(ExtensionRequest)
        .where(
            (ExtensionRequest.measure == measure_id) & (ExtensionRequest.status == REQUEST_PENDING)
        )
        .dicts()
        .first()
    )


def request_extension(
    ledger: Ledger,
    measure_id: int,
    new_deadline: str,
    reason: str,
    *,
    applicant: str | None = None,
) -> Changes:
    """File a 延期申请: the deadline wanted and why. Nothing moves until someone approves it.

    Refused once the deadline has passed (a request is made in time, not after the fact), for a
    measure that is not open, and while another request for it waits.
    """
    reason = clean_text(reason, "延期理由", required=True)
    columns, parsed = deadline_fields(new_deadline, ledger.today())
    if parsed.kind in (UNKNOWN, NONE):
        raise ValidationError(
            "新期限", f"“{parsed.text}”无法识别为期限，请写明日期，如 2026年6月30日。"
        )
    with Unit(ledger, "extension.request") as unit:
        measure = measure_row(ledger, measure_id)
        problem = problem_row(ledger, measure["problem"])
        require_editable(problem, "申请延期")
        if measure["status"] != M_OPEN:
            raise WorkflowError("只有未完成的措施才能申请延期。")
        if pending_request(ledger, measure_id) is not None:
            raise WorkflowError(
                f"措施 {measure['seq']} 已有一项待审批的延期申请，请等审批后再申请，或先撤回。"
            )
        due = measure["deadline_date"]
        if due is not None and due < ledger.today():
            raise WorkflowError(
                f"措施 {measure['seq']} 的期限（{format_date(due)}）已过，延期申请应在期限届满前"
                "提出；已逾期的措施请抓紧整改，逾期情况如实计入报表。"
            )
        if columns["deadline_date"] is not None and due is not None:
            if columns["deadline_date"] <= due:
                raise ValidationError("新期限", "必须晚于原期限。")
        unit.changes.created_id = unit.create(
            ExtensionRequest,
            group=problem["id"],
            measure=measure_id,
            new_text=columns["deadline_text"],
            new_date=columns["deadline_date"],
            reason=reason,
            requested_by=(applicant or "").strip() or ledger.actor,
            requested_at=ledger.stamp(),
            status=REQUEST_PENDING,
        )
        unit.changes.measures.add(measure_id)
    return unit.changes


def _open_request(ledger: Ledger, request_id: int, target: str) -> tuple[dict, dict, dict]:
    request = (
        ledger.select(ExtensionRequest).where(ExtensionRequest.id == request_id).dicts().first()
    )
    if request is None:
        raise NotFoundError(f"延期申请（编号 {request_id}）不存在。")
    refused = followup_refusal("request", request["status"], target)
    if refused:
        raise WorkflowError(refused)
    measure = measure_row(ledger, request["measure"])
    return request, measure, problem_row(ledger, measure["problem"])


def _decided(ledger: Ledger, status: str, decider: str, note: str) -> dict:
    return {
        "status": status,
        "decided_by": decider,
        "decided_at": ledger.stamp(),
        "decision_note": note,
    }


def approve_extension(
    ledger: Ledger,
    request_id: int,
    approver: str | None = None,
    note: str = "",
    *,
    same_person_confirmed: bool = False,
) -> Changes:
    """批准: the deadline moves to the one asked for; the extension is recorded old → new."""
    note = (note or "").strip()
    with Unit(ledger, "extension.approve") as unit:
        request, measure, problem = _open_request(ledger, request_id, REQUEST_APPROVED)
        require_editable(problem, "批准延期")
        if measure["status"] != M_OPEN:
            raise WorkflowError("该措施已不是未完成状态，延期申请无需再批，请驳回或由申请人撤回。")
        decider = (approver or "").strip() or ledger.actor
        confirmed = separation_of_duties(
            ledger,
            _subject(measure, problem),
            request["requested_by"],
            decider,
            same_person_confirmed,
            EXTENSION_DUTY,
        )
        columns, parsed = deadline_fields(request["new_text"], problem["found_on"])
        columns["deadline_date"] = request["new_date"]
        extension = unit.create(
            Extension,
            group=problem["id"],
            measure=measure["id"],
            old_text=measure["deadline_text"],
            old_date=measure["deadline_date"],
            new_text=request["new_text"],
            new_date=request["new_date"],
            reason=request["reason"],
            by=decider,
            at=ledger.stamp(),
        )
        decision = _decided(
            ledger, REQUEST_APPROVED, decider, "；".join(filter(None, [note, confirmed]))
        )
        unit.update(
            ExtensionRequest, request_id, {**decision, "extension": extension}, group=problem["id"]
        )
        columns["status"] = measure_status_for(parsed.is_ongoing)
        if columns["status"] == M_OPEN:
            unit.changes.warnings.extend(
                deadline_warning(
                    parsed,
                    f"第 {measure['seq']} 项措施批准的新",
                    due=columns["deadline_date"],
                    today=ledger.today(),
                )
            )
        unit.update(Measure, measure["id"], columns, expected_version=measure["version"])
    return unit.changes


def reject_extension(
    ledger: Ledger, request_id: int, reason: str, approver: str | None = None
) -> Changes:
    """不批准, with the reason; the deadline stays as it was."""
    reason = clean_text(reason, "不批准的理由", required=True)
    with Unit(ledger, "extension.reject") as unit:
        request, measure, problem = _open_request(ledger, request_id, REQUEST_REJECTED)
        decider = (approver or "").strip() or ledger.actor
        unit.update(
            ExtensionRequest,
            request_id,
            _decided(ledger, REQUEST_REJECTED, decider, reason),
            group=problem["id"],
        )
        unit.changes.measures.add(measure["id"])
    return unit.changes


def withdraw_extension(ledger: Ledger, request_id: int, reason: str = "") -> Changes:
    """撤回 a request still waiting (the requester changed their mind, or the measure got done)."""
    with Unit(ledger, "extension.withdraw") as unit:
        request, measure, problem = _open_request(ledger, request_id, REQUEST_WITHDRAWN)
        note = (reason or "").strip() or "申请人撤回"
        unit.update(
            ExtensionRequest,
            request_id,
            _decided(ledger, REQUEST_WITHDRAWN, ledger.actor, note),
            group=problem["id"],
        )
        unit.changes.measures.add(measure["id"])
    return unit.changes


def requests_of_problem(ledger: Ledger, problem_id: int) -> list[dict]:
    """Every request about the problem's measures, oldest first, with the measure's seq."""
    return list(
        ledger.select(ExtensionRequest, ExtensionRequest, Measure.seq)
        .join(Measure, on=(ExtensionRequest.measure == Measure.id))
        .where(Measure.problem == problem_id)
        .order_by(ExtensionRequest.id)
        .dicts()
    )
