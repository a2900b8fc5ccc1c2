"""The 挂账 → 销号 workflow: problem and measure statuses, and the one table of allowed transitions.

Every caller (services, GUI menus, CLI, importer) asks this module what is allowed; the reasons a
transition is refused are phrased here so that the GUI and the CLI say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Problem statuses
LISTED = "listed"
IN_PROGRESS = "in_progress"
PENDING = "pending_closure"
CLOSED = "closed"
LONG_TERM = "long_term"
VOID = "void"

STATUS_LABELS = {
    LISTED: "挂账",
    IN_PROGRESS: "整改中",
    PENDING: "待销号",
    CLOSED: "已销号",
    LONG_TERM: "长期坚持",
    VOID: "已作废",
}
STATUS_BY_LABEL = {label: code for code, label in STATUS_LABELS.items()}
# Statuses in which the problem itself, its measures and owners may be edited.
EDITABLE = {LISTED, IN_PROGRESS, LONG_TERM}
# Statuses that still accept progress entries and evidence (closure requested but not decided).
ACCEPTS_WORK = EDITABLE | {PENDING}
# Statuses counted in reports (everything but void).
COUNTED = [LISTED, IN_PROGRESS, PENDING, LONG_TERM, CLOSED]

# Measure statuses
M_OPEN = "open"
M_DONE = "done"
M_LONG_TERM = "long_term"
M_VOID = "void"
MEASURE_LABELS = {M_OPEN: "未完成", M_DONE: "已完成", M_LONG_TERM: "长期坚持", M_VOID: "已作废"}
MEASURE_BY_LABEL = {label: code for code, label in MEASURE_LABELS.items()}


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    target: str
    needs_reason: bool = False
    tooltip: str = ""


def _t(name, label, sources, target, needs_reason=False, tooltip=""):
    return Transition(name, label, frozenset(sources), target, needs_reason, tooltip)


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        _t("start", "开始整改", {LISTED}, IN_PROGRESS, tooltip="问题进入整改"),
        _t(
            "request_closure",
            "申请销号",
            {LISTED, IN_PROGRESS, LONG_TERM},
            PENDING,
            tooltip="措施均已完成或长期坚持、已上传佐证材料后，提交销号申请",
        ),
        _t("approve", "审核通过", {PENDING}, CLOSED, tooltip="审核人审核佐证材料后同意销号"),
        _t("reject", "驳回", {PENDING}, IN_PROGRESS, True, "销号申请不通过，退回继续整改"),
        _t("reopen", "重新整改", {CLOSED}, IN_PROGRESS, True, "回头看发现问题反弹，重新挂账整改"),
        _t(
            "set_long_term",
            "设为长期坚持",
            {LISTED, IN_PROGRESS},
            LONG_TERM,
            tooltip="剩余措施均为长期坚持时，问题转入常态化长效化管理",
        ),
        _t("resume", "恢复整改", {LONG_TERM}, IN_PROGRESS, tooltip="长期坚持的问题重新按期限整改"),
        _t(
            "void",
            "作废",
            {LISTED, IN_PROGRESS, PENDING, LONG_TERM, CLOSED},
            VOID,
            True,
            "误录或重复的问题作废（不删除，保留历史）",
        ),
        _t("restore", "恢复", {VOID}, LISTED, True, "撤销作废，恢复到作废前的状态"),
    ]
}


@dataclass
class ProblemFacts:
    """What the guards need to know about one problem, gathered by the service layer."""

    status: str
    measure_statuses: list[str] = field(default_factory=list)
    evidence_count: int = 0
    closure_note: str = ""
    reviewer: str = ""
    responsible_names: set[str] = field(default_factory=set)
    applicant: str = ""  # who asked for the 销号 (申请销号)


def same_person(facts: ProblemFacts) -> bool:
    """The reviewer approving a 销号 is the person who requested it (separation of duties)."""
    reviewer, applicant = facts.reviewer.strip(), facts.applicant.strip()
    return bool(reviewer) and reviewer == applicant


def same_person_sentence(facts: ProblemFacts) -> str:
    return (
        f"审核人“{facts.reviewer.strip()}”就是申请销号的人。销号应由申请人以外的人审核"
        "（申请与审核分离），否则销号等于自己给自己把关。"
    )


def allowed(name: str, status: str) -> bool:
    return status in TRANSITIONS[name].sources


def available(status: str) -> list[Transition]:
    """Transitions that the status allows (guards may still refuse them)."""
    return [t for t in TRANSITIONS.values() if status in t.sources and t.name != "start"]


def refusals(name: str, facts: ProblemFacts, *, reason: str = "") -> list[str]:
    """Why `name` cannot happen now, in words; an empty list means it may."""
    t = TRANSITIONS[name]
    if facts.status not in t.sources:
        return [f"问题当前为“{STATUS_LABELS[facts.status]}”，不能{t.label}。"]
    out = []
    if t.needs_reason and not reason.strip():
        out.append(f"{t.label}必须填写理由。")
    live = [s for s in facts.measure_statuses if s != M_VOID]
    if name == "request_closure":
        if not live:
            out.append("问题还没有整改措施，不能申请销号。")
        unfinished = sum(1 for s in live if s == M_OPEN)
        if unfinished:
            out.append(f"还有 {unfinished} 项整改措施未完成，不能申请销号。")
        if facts.evidence_count == 0:
            out.append("还没有上传佐证材料，不能申请销号。")
        if not facts.closure_note.strip():
            out.append("必须填写销号说明。")
    elif name == "approve":
        if not facts.reviewer.strip():
            out.append("审核通过必须填写审核人姓名。")
        if facts.evidence_count == 0:
            out.append("佐证材料已被移除，没有材料可供审核，不能销号。")
    elif name == "set_long_term":
        remaining = [s for s in live if s != M_DONE]
        if not live:
            out.append("问题还没有整改措施，不能设为长期坚持。")
        elif not remaining:
            out.append("措施已全部完成，应申请销号而不是设为长期坚持。")
        elif any(s != M_LONG_TERM for s in remaining):
            out.append("只有剩余措施全部为长期坚持时，问题才能设为长期坚持。")
    return out


def warnings(name: str, facts: ProblemFacts) -> list[str]:
    """Things allowed but worth a second look (shown, not refused)."""
    out = []
    if name == "approve" and same_person(facts):
        out.append(same_person_sentence(facts))
    if name == "approve" and facts.reviewer.strip() in facts.responsible_names:
        out.append(
            f"审核人“{facts.reviewer.strip()}”同时是该问题的责任人，销号审核一般应由他人进行。"
        )
    return out


# -- following the work through (tracker/followup) ------------------------------------------------
# 延期申请: pending until someone other than the requester decides; only approval moves a deadline.
REQUEST_PENDING = "pending"
REQUEST_APPROVED = "approved"
REQUEST_REJECTED = "rejected"
REQUEST_WITHDRAWN = "withdrawn"
REQUEST_LABELS = {
    REQUEST_PENDING: "待审批",
    REQUEST_APPROVED: "已批准",
    REQUEST_REJECTED: "未批准",
    REQUEST_WITHDRAWN: "已撤回",
}
# 回头看: due some months after 销号; 巩固 closes it, 反弹 reopens the problem. A look-back still
# pending when its problem is crossed off again is superseded (cancelled) by the new one.
LOOKBACK_PENDING = "scheduled"
LOOKBACK_HELD = "held"
LOOKBACK_SLIPPED = "slipped"
LOOKBACK_CANCELLED = "cancelled"
LOOKBACK_LABELS = {
    LOOKBACK_PENDING: "待回头看",
    LOOKBACK_HELD: "巩固",
    LOOKBACK_SLIPPED: "反弹",
    LOOKBACK_CANCELLED: "已取消",
}
# (what is being decided, from, to): the allowed moves of requests and look-backs
FOLLOWUP_MOVES = {
    ("request", REQUEST_PENDING, REQUEST_APPROVED),
    ("request", REQUEST_PENDING, REQUEST_REJECTED),
    ("request", REQUEST_PENDING, REQUEST_WITHDRAWN),
    ("lookback", LOOKBACK_PENDING, LOOKBACK_HELD),
    ("lookback", LOOKBACK_PENDING, LOOKBACK_SLIPPED),
    ("lookback", LOOKBACK_PENDING, LOOKBACK_CANCELLED),
}
SAMPLE_RESULTS = ("属实", "不属实")  # what an on-site check of a closed problem found


def followup_refusal(kind: str, current: str, target: str) -> str:
    """Why a request or look-back cannot move from `current` to `target` ('' if it may)."""
    if (kind, current, target) in FOLLOWUP_MOVES:
        return ""
    labels = REQUEST_LABELS if kind == "request" else LOOKBACK_LABELS
    what = "延期申请" if kind == "request" else "回头看"
    return f"该{what}当前为“{labels.get(current, current)}”，不能再改为“{labels[target]}”。"


def measure_status_for(deadline_is_ongoing: bool, current: str = M_OPEN) -> str:
    """A measure whose deadline is 长期坚持 / recurring is long-term unless already done or void."""
    if current in (M_DONE, M_VOID):
        return current
    return M_LONG_TERM if deadline_is_ongoing else M_OPEN
