"""What each role may write on a shared ledger: the program's check, made before every write.

The database makes the same check (`schema`: triggers, then row-level security), written in SQL
from the same tables below; `tests/tracker/test_sharing_matrix.py` tries every role × action ×
own/other branch both ways and requires the same outcome and the same sentence. The order of the
checks is the database's: the role, then what the action itself requires (the one who signs,
separation of duties, a deadline only a 审核人 may put back), then the branch of the row as it
was, then the branch of the row as written.

`check(ledger, table, op, old, new)` is called by `recorder.Unit` for every row it writes and by
`bulk.BulkWriter` for every row of an import; services call it earlier where a refusal should
come before slow work (copying a file) or before a write the check is not about (the code counter).
"""

from __future__ import annotations

from ..journal import json_value
from ..models import Branch, Measure, Problem
from ..workflow import M_LONG_TERM, M_OPEN, TRANSITIONS, VOID
from . import refusals
from .roles import ADMIN, OWNER, REPORTER, REVIEWER, VIEWER

FILING = frozenset({REPORTER})
REVIEWING = frozenset({REVIEWER})
MANAGING = frozenset({ADMIN})
# who may do each action (the actions of `refusals.ACTIONS`)
ACTION_ROLES = {
    action: {
        refusals.FILING: FILING,
        refusals.REVIEWING: REVIEWING,
        refusals.MANAGING: MANAGING,
        refusals.CHASING: frozenset({REPORTER, REVIEWER}),
        refusals.SAMPLING: frozenset({REVIEWER, ADMIN}),
    }.get(who, frozenset({REPORTER, ADMIN}))
    for action, (_words, who) in refusals.ACTIONS.items()
}
# columns a status change writes; a change of them alone is a change of status
STATUS_COLUMNS = frozenset(
    {
        "status",
        "applicant",
        "reviewer",
        "closed_on",
        "closure_note",
        "review_opinion",
        "status_reason",
        "voided_from",
    }
)
FREE_COLUMNS = frozenset({"id", "version", "nearest_due"})  # bookkeeping and derived data
DEADLINE_COLUMNS = frozenset(
    {"deadline_text", "deadline_kind", "deadline_date", "deadline_rhythm", "status"}
)
TERM_TABLES = ("category", "source", "department", "person", "batch")
MANAGED = {
    "setting": "setting.edit",
    "branch": "branch.edit",
    "member": "member.edit",
    "received_report": "report.receive",
    "branch_entry": "report.receive",
    # 抽查 is the committee's check of every branch: a draw and its results (tracker/followup)
    "sample_draw": "sample.draw",
    "sample_item": "sample.draw",
}
# a follow-up record (tracker/followup): (its action when created, when changed); it belongs to
# the branch of its problem
FOLLOWUP = {
    "chase": ("chase.create", "chase.edit"),
    "chase_measure": ("chase.create", "chase.edit"),
    "extension_request": ("extension_request.create", "extension_request.edit"),
    "lookback": ("lookback.create", "lookback.edit"),
}
DECIDED = ("approved", "rejected")  # an extension request's decisions (a 审核人's)
SCOPED = (
    "problem",
    "measure",
    "extension",
    "progress",
    "evidence",
    "import_source",
    *FOLLOWUP,
)
BY_MEASURE = ("extension", "progress", "chase_measure", "extension_request")  # rows of a measure
BLOB_ROLES = frozenset({REPORTER, ADMIN})
COUNTER_PREFIX = "code_counter."
SIGNED = {"applicant": "申请人", "reviewer": "审核人"}  # columns naming who acted: only oneself
# the actions one signs: the column that must hold the acting member's own name, and its label
SIGNS = {
    "problem.approve": ("reviewer", "审核人"),
    "problem.request_closure": ("applicant", "申请人"),
    "extension_request.decide": ("decided_by", "审批人"),
}


def _transitions() -> dict[tuple[str, str], str]:
    """(old status, new status) -> the action, from the one table of transitions."""
    found: dict[tuple[str, str], str] = {}
    for t in TRANSITIONS.values():
        if t.name == "restore":
            continue  # back to whatever it was: every (void, x) below
        for source in t.sources:
            found.setdefault((source, t.target), f"problem.{t.name}")
    for status in {s for t in TRANSITIONS.values() for s in t.sources} - {VOID}:
        found[(VOID, status)] = "problem.restore"
    return found


TRANSITION_OF = _transitions()
REVIEW_TRANSITIONS = frozenset(a for a in TRANSITION_OF.values() if ACTION_ROLES[a] == REVIEWING)


def changed(old: dict, new: dict) -> set[str]:
    """Columns whose value differs (journal form), bookkeeping left out."""
    return {
        k
        for k, v in new.items()
        if k not in FREE_COLUMNS and json_value(v) != json_value(old.get(k))
    }


def actions_of(table: str, op: str, old: dict | None, new: dict) -> tuple[str, ...]:
    """The action a write is, as candidates (allowed if the role may do any; named by the
    first); empty for a write no role check concerns."""
    if table == "problem":
        if op == "c":
            return ("problem.create",)
        if old["status"] != new["status"]:
            return (TRANSITION_OF.get((old["status"], new["status"]), "problem.status"),)
        diff = changed(old, new)
        if not diff:
            return ()
        return ("problem.status",) if diff & STATUS_COLUMNS else ("problem.edit",)
    if table == "measure":
        if op == "c":
            return ("measure.create",)
        diff = changed(old, new)
        if not diff:
            return ()
        if diff <= DEADLINE_COLUMNS and {old["status"], new["status"]} <= {M_OPEN, M_LONG_TERM}:
            return ("measure.edit", "measure.extend")
        return ("measure.edit",)
    if table in ("extension", "progress", "evidence", "import_source"):
        return (f"{table}.create" if op == "c" else f"{table}.edit",)
    if table in TERM_TABLES:
        return ("term.create" if op == "c" else "term.edit",)
    if table in FOLLOWUP:
        if op == "c":
            return (FOLLOWUP[table][0],)
        if not changed(old, new):
            return ()
        if table == "extension_request" and new["status"] != old["status"]:
            if new["status"] in DECIDED:
                return ("extension_request.decide",)
        return (FOLLOWUP[table][1],)
    if table == "sample_item" and op == "u":
        return ("sample.result",) if changed(old, new) else ()
    if table in MANAGED:
        return (MANAGED[table],)
    return ()


def check(
    ledger, table: str, op: str, old: dict | None, new: dict, *, pending: dict | None = None
) -> None:
    """Refuse (PermissionRefused) a write the acting member may not make; nothing for a
    single-user ledger, a plain PostgreSQL one, or the database owner. `pending`: rows not
    written yet (a bulk write's, by table and id), where a row's problem may be found."""
    member = getattr(ledger, "member", None)
    if member is None or member.role == OWNER:
        return
    if member.role == VIEWER:  # no INSERT or UPDATE at all: the database's own refusal
        raise refusals.refuse("no_grant")
    if table == "meta":
        if not str(new.get("key", "")).startswith(COUNTER_PREFIX):
            raise refusals.refuse("meta", new.get("key", ""))
        if member.role != REPORTER:
            raise refusals.refuse("role", member.name, member.role, "problem.create")
        return
    if table == "evidence_blob":
        if member.role not in BLOB_ROLES:
            raise refusals.refuse("role", member.name, member.role, "evidence.create")
        return
    actions = actions_of(table, op, old, new)
    if not actions:
        return
    if not any(member.role in ACTION_ROLES[a] for a in actions):
        raise refusals.refuse("role", member.name, member.role, actions[0])
    if table == "problem":
        _problem_specifics(member, actions[0], old, new)
    elif actions[0] == "extension_request.decide":  # signed, and never one's own request
        _signed(member, actions[0], new)
        if new["status"] == "approved" and (old["requested_by"] or "").strip() == member.name:
            seq, problem = (
                ledger.select(Measure, Measure.seq, Measure.problem)
                .where(Measure.id == old["measure"])
                .tuples()
                .first()
            )
            code = _problem(ledger, problem)[1]
            raise refusals.refuse("same_person_extension", code, seq, member.name)
    elif table == "measure" and op == "u" and member.role == REPORTER:
        _postponed(ledger, old, new)
    if table in SCOPED:
        if old is not None:
            _in_scope(ledger, member, table, old, pending)
        _in_scope(ledger, member, table, new, pending)


def require(ledger, table: str, values: dict) -> None:
    """The check of creating a row of `table` with `values`, before the service does anything."""
    check(ledger, table, "c", None, values)


def require_role(ledger, action: str) -> None:
    """Only the role part of the check (the row is not known yet: a new problem's code)."""
    member = getattr(ledger, "member", None)
    if member is None or member.role == OWNER:
        return
    if member.role == VIEWER:
        raise refusals.refuse("no_grant")
    if member.role not in ACTION_ROLES[action]:
        raise refusals.refuse("role", member.name, member.role, action)


def _problem_specifics(member, action: str, old: dict | None, new: dict) -> None:
    if action in REVIEW_TRANSITIONS and changed(old, new) - STATUS_COLUMNS:
        raise refusals.refuse("role", member.name, member.role, "problem.edit")
    if action == "problem.approve":
        if (old["applicant"] or "").strip() == member.name:
            raise refusals.refuse("same_person", old["code"], member.name)
    _signed(member, action, new)
    if old is not None:  # nobody writes another person in: a 审核人 renaming the applicant of a
        for column, label in SIGNED.items():  # request could then approve it
            given = (new.get(column) or "").strip()
            if given and given != member.name and given != (old.get(column) or "").strip():
                raise refusals.refuse("signed", label, member.name, new.get(column))


def _signed(member, action: str, new: dict) -> None:
    if action in SIGNS:
        column, label = SIGNS[action]
        if (new[column] or "").strip() != member.name:
            raise refusals.refuse("signed", label, member.name, new[column] or "")


def _postponed(ledger, old: dict, new: dict) -> None:
    """A 填报人 may set or bring forward a deadline, not put it back or remove it."""
    before, after = json_value(old["deadline_date"]), json_value(new["deadline_date"])
    if before is not None and (after is None or after > before):
        code = _problem(ledger, old["problem"])[1]
        raise refusals.refuse("postpone", code, old["seq"])


def _in_scope(ledger, member, table: str, row: dict, pending: dict | None = None) -> None:
    if member.role not in (REPORTER, REVIEWER):
        return
    branch, code = _branch_of(ledger, table, row, pending or {})
    if not member.covers(branch):
        raise refusals.refuse(
            "branch", member.name, member.role, member.scope, code, _branch_name(ledger, branch)
        )


def _branch_of(ledger, table: str, row: dict, pending: dict) -> tuple[int | None, str]:
    """(branch id, problem code) of the problem a row belongs to."""
    if table == "problem":
        return row.get("branch"), row.get("code") or ""
    if table in BY_MEASURE:
        measure = pending.get("measure", {}).get(row["measure"])
        if measure is not None:
            return _problem(ledger, measure["problem"], pending)
        problem = (
            ledger.select(Measure, Measure.problem).where(Measure.id == row["measure"]).scalar()
        )
        return _problem(ledger, problem, pending)
    return _problem(ledger, row["problem"], pending)


def _problem(ledger, problem_id, pending: dict | None = None) -> tuple[int | None, str]:
    new = (pending or {}).get("problem", {}).get(problem_id)
    if new is not None:
        return new.get("branch"), new.get("code") or ""
    found = (
        ledger.select(Problem, Problem.branch, Problem.code)
        .where(Problem.id == problem_id)
        .tuples()
        .first()
    )
    return found if found else (None, "")


def _branch_name(ledger, branch_id: int | None) -> str:
    if branch_id is None:
        return ""
    return ledger.select(Branch, Branch.name).where(Branch.id == branch_id).scalar() or ""


def why_not(ledger, action: str, branch: int | None = None, code: str = "") -> str | None:
    """Why the acting member may not do `action` on a problem of `branch` (the sentence the
    check would give), or None: the GUI disables an action and says why in its tooltip."""
    member = getattr(ledger, "member", None)
    if member is None or member.role == OWNER:
        return None
    if member.role == VIEWER:
        return refusals.no_grant()
    if member.role not in ACTION_ROLES[action]:
        return refusals.role(member.name, member.role, action)
    if code and member.role in (REPORTER, REVIEWER) and not member.covers(branch):
        scope = member.scope
        return refusals.branch(member.name, member.role, scope, code, _branch_name(ledger, branch))
    return None


def may(member, action: str) -> bool:
    """Whether `member`'s role may do `action` at all (the GUI's enabled state)."""
    if member is None or member.role == OWNER:
        return True
    return member.role in ACTION_ROLES[action]
