"""Everything the detail panel shows about one problem, read in a handful of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import import_closure, workflow
from .dates import format_date
from .deadlines import IMMEDIATE, parse_deadline
from .errors import NotFoundError
from .ledger import Ledger
from .models import (
    Batch,
    Category,
    Department,
    Evidence,
    Extension,
    Measure,
    Person,
    Problem,
    Progress,
    Source,
)
from .overdue import band, days_left, is_overdue
from .queries import OWNER, with_measure_names


@dataclass
class MeasureView:
    id: int
    seq: int
    text: str
    owner_id: int | None
    owner: str
    department_id: int | None
    department: str
    deadline_text: str
    deadline_kind: str
    deadline_date: dt.date | None
    status: str
    done_on: dt.date | None
    version: int
    void_reason: str = ""
    tags: str = ""  # 措施类型 codes (tracker/tags.py)
    amount_cents: int | None = None  # 挽回损失/清退资金
    extensions: int = 0  # approved: every extension that moved the deadline
    original_deadline: str = ""  # the deadline before the first extension
    pending_request: int | None = None  # a 延期申请 waiting for a decision (its id)
    chases: int = 0  # 催办 about this measure
    overdue: bool = False
    days_left: int | None = None
    band: str | None = None

    @property
    def status_label(self) -> str:
        return workflow.MEASURE_LABELS.get(self.status, self.status)

    @property
    def deadline_reading(self) -> str:
        """How the deadline text was read, e.g. '2026年6月30日', '长期坚持', '立行立改（2026年1月5日前）'.

        立行立改 without a date of its own is judged by the stored due date (the day the problem
        was found), so that date is shown too.
        """
        parsed = parse_deadline(self.deadline_text)
        if parsed.kind == IMMEDIATE and self.deadline_date is not None:
            return f"立行立改（{format_date(self.deadline_date)}前）"
        return parsed.describe()


@dataclass
class ProgressView:
    id: int
    measure_id: int
    measure_seq: int
    on: dt.date
    text: str
    author: str


@dataclass
class EvidenceView:
    id: int
    measure_id: int | None
    sha256: str
    name: str
    size: int
    note: str
    added_by: str
    added_at: str
    active: bool
    removed_reason: str
    shared_with: list[str] = field(
        default_factory=list
    )  # codes of other problems using the same file


@dataclass
class FollowupDetail:
    """What has been done to follow the problem through (tracker/followup)."""

    chases: list = field(default_factory=list)  # followup.chases.ChaseView, newest first
    requests: list[dict] = field(default_factory=list)  # 延期申请 rows with the measure's seq
    lookbacks: list[dict] = field(default_factory=list)  # oldest first
    samples: list[dict] = field(default_factory=list)  # this problem drawn in 抽查, with results
    repeated_by: list[str] = field(default_factory=list)  # codes of later problems repeating it

    @property
    def lookback(self) -> dict | None:
        """The look-back still to be done, if any."""
        from .workflow import LOOKBACK_PENDING

        return next(
            (lb for lb in reversed(self.lookbacks) if lb["status"] == LOOKBACK_PENDING), None
        )


@dataclass
class ProblemDetail:
    row: dict  # the problem's own columns (ids for references)
    names: dict  # resolved names: batch, source, category, leader, department, recurrence_of
    measures: list[MeasureView]
    progress: list[ProgressView]
    evidence: list[EvidenceView]
    extensions: list[dict]
    followup: FollowupDetail | None = None

    @property
    def status_label(self) -> str:
        return import_closure.status_label(self.row["status"], self.row["reviewer"])


def problem_detail(ledger: Ledger, problem_id: int) -> ProblemDetail:
    row = ledger.select(Problem).where(Problem.id == problem_id).dicts().first()
    if row is None:
        raise NotFoundError(f"问题（编号 {problem_id}）不存在。")
    names = {
        "batch": _name(ledger, Batch, row["batch"]),
        "source": _name(ledger, Source, row["source"]),
        "category": _name(ledger, Category, row["category"]),
        "leader": _name(ledger, Person, row["leader"]),
        "department": _name(ledger, Department, row["department"]),
        "recurrence_of": ledger.select(Problem, Problem.code)
        .where(Problem.id == row["recurrence_of"])
        .scalar()
        if row["recurrence_of"]
        else "",
    }
    today = ledger.today()
    measures = []
    query = (
        with_measure_names(
            ledger.select(
                Measure,
                Measure.id,
                Measure.seq,
                Measure.text,
                Measure.owner,
                OWNER.name,
                Measure.department,
                Department.name,
                Measure.deadline_text,
                Measure.deadline_kind,
                Measure.deadline_date,
                Measure.status,
                Measure.done_on,
                Measure.version,
                Measure.void_reason,
                Measure.tags,
                Measure.amount_cents,
            )
        )
        .where(Measure.problem == problem_id)
        .order_by(Measure.seq)
        .tuples()
    )
    for (
        mid,
        seq,
        text,
        oid,
        oname,
        did,
        dname,
        dtext,
        kind,
        ddate,
        status,
        done,
        version,
        why,
        tagged,
        cents,
    ) in query:
        view = MeasureView(
            mid,
            seq,
            text,
            oid,
            oname or "",
            did,
            dname or "",
            dtext,
            kind,
            ddate,
            status,
            done,
            version,
            why,
        )
        view.tags, view.amount_cents = tagged or "", cents
        view.overdue = is_overdue(status, ddate, row["status"], today)
        if status == workflow.M_OPEN:
            view.days_left = days_left(ddate, today)
            view.band = band(view.days_left)
        measures.append(view)
    seqs = {m.id: m.seq for m in measures}
    progress = [
        ProgressView(pid, mid, seqs.get(mid, 0), on, text, author)
        for pid, mid, on, text, author in ledger.select(
            Progress, Progress.id, Progress.measure, Progress.on, Progress.text, Progress.author
        )
        .where(Progress.measure.in_(list(seqs) or [0]))
        .order_by(Progress.on.desc(), Progress.id.desc())
        .tuples()
    ]
    evidence = [
        EvidenceView(
            e["id"],
            e["measure"],
            e["sha256"],
            e["name"],
            e["size"],
            e["note"],
            e["added_by"],
            e["added_at"],
            e["active"],
            e["removed_reason"],
        )
        for e in ledger.select(Evidence)
        .where(Evidence.problem == problem_id)
        .order_by(Evidence.id)
        .dicts()
    ]
    _mark_shared(ledger, problem_id, evidence)
    extensions = list(
        ledger.select(Extension)
        .where(Extension.measure.in_(list(seqs) or [0]))
        .order_by(Extension.id)
        .dicts()
    )
    from .followup.details import followup_detail, mark_measures

    mark_measures(ledger, measures)
    detail = ProblemDetail(row, names, measures, progress, evidence, extensions)
    detail.followup = followup_detail(ledger, problem_id)
    return detail


def _name(ledger: Ledger, model, pk: int | None) -> str:
    if pk is None:
        return ""
    return ledger.select(model, model.name).where(model.id == pk).scalar() or ""


def _mark_shared(ledger: Ledger, problem_id: int, evidence: list[EvidenceView]) -> None:
    hashes = [e.sha256 for e in evidence if e.active]
    if not hashes:
        return
    others = (
        ledger.select(Evidence, Evidence.sha256, Problem.code)
        .join(Problem, on=(Evidence.problem == Problem.id))
        .where(
            Evidence.sha256.in_(hashes)
            & (Evidence.problem != problem_id)
            & (Evidence.active == True)  # noqa: E712
        )
        .tuples()
    )
    by_hash: dict[str, list[str]] = {}
    for sha, code in others:
        by_hash.setdefault(sha, []).append(code)
    for e in evidence:
        e.shared_with = sorted(set(by_hash.get(e.sha256, [])))
