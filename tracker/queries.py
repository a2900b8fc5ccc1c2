"""Reading the ledger for screens and files: filters → ordered ids (SQL), rows for those ids, counts.

SQL decides which problems and in what order; callers hold the id list and ask for rows in pages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from peewee import JOIN, SQL, Case, fn

from . import import_closure, search_index, workflow
from .ledger import Ledger
from .models import (
    Batch,
    Category,
    Department,
    Evidence,
    Measure,
    Person,
    Problem,
    Progress,
    Source,
)
from .overdue import (
    OPEN_PROBLEM,
    band,
    days_left,
    due_soon_problem_condition,
    overdue_problem_condition,
    unclear_measure_condition,
)

ALL, OVERDUE, DUE_SOON, UNCLEAR = "all", "overdue", "due7", "unclear"
VIEW_LABELS = {
    ALL: "全部",
    OVERDUE: "逾期",
    DUE_SOON: "7天内到期",
    UNCLEAR: "时限不明确",
    workflow.PENDING: "待销号",
    workflow.LONG_TERM: "长期坚持",
    workflow.CLOSED: "已销号",
    workflow.VOID: "已作废",
}
DUE_SOON_DAYS = 7
LEADER = Person.alias("leader")  # a problem's responsible leader, in queries that name people
OWNER = Person.alias("owner")  # a measure's owner


def with_problem_names(query):
    """Join a Problem query to the names its references stand for: select Batch.name, Source.name,
    Category.name, Department.name and LEADER.name (all optional, so outer joins)."""
    return (
        query.join_from(Problem, Batch, JOIN.LEFT_OUTER, on=(Problem.batch == Batch.id))
        .join_from(Problem, Source, JOIN.LEFT_OUTER, on=(Problem.source == Source.id))
        .join_from(Problem, Category, JOIN.LEFT_OUTER, on=(Problem.category == Category.id))
        .join_from(Problem, Department, JOIN.LEFT_OUTER, on=(Problem.department == Department.id))
        .join_from(Problem, LEADER, JOIN.LEFT_OUTER, on=(Problem.leader == LEADER.id))
    )


def with_measure_names(query):
    """Join a Measure query to its owner (OWNER.name) and department (Department.name)."""
    return query.join_from(
        Measure, OWNER, JOIN.LEFT_OUTER, on=(Measure.owner == OWNER.id)
    ).join_from(Measure, Department, JOIN.LEFT_OUTER, on=(Measure.department == Department.id))


@dataclass(frozen=True)
class Filter:
    """What the user asked to see. Every field narrows; empty means 'any'."""

    view: str = ALL
    batch: int | None = None
    statuses: tuple[str, ...] = ()
    category: int | None = None
    source: int | None = None
    department: int | None = None  # the problem's responsible department or a measure's
    person: int | None = None  # the responsible leader or a measure's owner
    deadline_from: dt.date | None = None  # some open measure falls due in [from, to]
    deadline_to: dt.date | None = None
    search: str = ""

    def with_(self, **changes) -> Filter:
        return replace(self, **changes)


SORTS = (
    "code",
    "batch",
    "category",
    "description",
    "department",
    "leader",
    "deadline",
    "status",
    "progress",
)


def _conditions(ledger: Ledger, flt: Filter) -> list:
    today = ledger.today()
    conds = []
    if flt.view == ALL:
        conds.append(Problem.status != workflow.VOID)
    elif flt.view == OVERDUE:
        conds.append(overdue_problem_condition(today))
    elif flt.view == DUE_SOON:  # not overdue, nearest open deadline within 7 days
        conds.append(due_soon_problem_condition(today, DUE_SOON_DAYS))
    elif flt.view == UNCLEAR:  # an open measure whose deadline names no date
        conds.append(Problem.id.in_(unclear_problems()))
    elif flt.view in workflow.STATUS_LABELS:
        conds.append(Problem.status == flt.view)
    if flt.batch is not None:
        conds.append(Problem.batch == flt.batch)
    if flt.statuses:
        conds.append(Problem.status.in_(list(flt.statuses)))
    if flt.category is not None:
        conds.append(Problem.category == flt.category)
    if flt.source is not None:
        conds.append(Problem.source == flt.source)
    if flt.department is not None:
        in_measures = Measure.select(Measure.problem).where(Measure.department == flt.department)
        conds.append((Problem.department == flt.department) | Problem.id.in_(in_measures))
    if flt.person is not None:
        in_measures = Measure.select(Measure.problem).where(Measure.owner == flt.person)
        conds.append((Problem.leader == flt.person) | Problem.id.in_(in_measures))
    if flt.deadline_from is not None or flt.deadline_to is not None:
        due = Measure.select(Measure.problem).where(Measure.status == workflow.M_OPEN)
        if flt.deadline_from is not None:
            due = due.where(Measure.deadline_date >= flt.deadline_from)
        if flt.deadline_to is not None:
            due = due.where(Measure.deadline_date <= flt.deadline_to)
        conds.append(Problem.id.in_(due))
    term = flt.search.strip()
    if term:
        conds.append(_search_condition(ledger, term))
    return conds


def unclear_problems():
    """Ids of the open problems with a 时限不明确 measure. Joined (not `IN`) so that SQLite starts
    from the few undated open measures (an index range) rather than probing every problem."""
    inner = Problem.alias("unclear_problem")
    return (
        Measure.select(Measure.problem)
        .join(inner, on=(Measure.problem == inner.id))
        .where(unclear_measure_condition(inner))
    )


def _search_condition(ledger: Ledger, term: str):
    """Substring match over the problem's text, its measures and progress, and people's names
    (the responsible leader, a measure's owner). The search index answers the text part when the
    ledger has one; the names are few and matched here. Without an index: one LIKE over it all."""
    cleaned = search_index.normalize(term.replace("%", "").replace("_", ""))
    if not cleaned:
        return _like_condition(term)
    texts = search_index.text_match(ledger.db, cleaned)
    if texts is None:
        return _like_condition(term)
    people = [
        pid
        for pid, name in ledger.select(Person, Person.id, Person.name).tuples()
        if cleaned in search_index.normalize(name)
    ]
    if not people:
        return Problem.id.in_(texts)
    led = Problem.select(Problem.id).where(Problem.leader.in_(people))
    owned = Measure.select(Measure.problem).where(Measure.owner.in_(people))
    return Problem.id.in_(texts) | Problem.id.in_(led | owned)


def _like_condition(term: str):
    """The plain search: LIKE over every searched column (PostgreSQL, past snapshots)."""
    like = f"%{term.replace('%', '').replace('_', '')}%"
    people = Person.select(Person.id).where(Person.name**like)
    in_measures = Measure.select(Measure.problem).where(
        (Measure.text**like) | Measure.owner.in_(people)
    )
    in_progress = (
        Progress.select(Measure.problem)
        .join(Measure, on=(Progress.measure == Measure.id))
        .where(Progress.text**like)
    )
    return (
        (Problem.code**like)
        | (Problem.description**like)
        | (Problem.cause**like)
        | (Problem.target**like)
        | (Problem.remarks**like)
        | Problem.leader.in_(people)
        | Problem.id.in_(in_measures)
        | Problem.id.in_(in_progress)
    )


def code_order() -> list:
    """Codes in numbering order. Written with literal numbers, as the expression index on them is
    (migrations.CODE_ORDER_INDEX): a bound parameter would keep SQLite from using it."""
    return [fn.SUBSTR(Problem.code, SQL("1"), SQL("4")), fn.LENGTH(Problem.code), Problem.code]


def problem_ids(
    ledger: Ledger,
    flt: Filter = Filter(),
    sort: str = "code",
    descending: bool = False,
    limit: int | None = None,
) -> list[int]:
    """The ids of the problems `flt` selects, in display order (ties broken by id); with `limit`,
    only the first ones (the table's first page, while the rest are read in the background)."""
    query = Problem.select(Problem.id)
    order = None
    if sort == "code":  # 2026-999 before 2026-1000: year, then length, then the digits
        keys = code_order()
        order = [k.desc() for k in keys] if descending else keys
    elif sort == "deadline":
        # the nearest open deadline, kept on the problem (tracker/nearest_due.py); problems with
        # no open deadline sort last either way
        due = Problem.nearest_due
        order = [due.is_null(), due.desc() if descending else due]
    elif sort in ("batch", "category", "department", "leader"):
        model = {"batch": Batch, "category": Category, "department": Department, "leader": Person}[
            sort
        ]
        column = getattr(Problem, sort)
        query = query.join(model, JOIN.LEFT_OUTER, on=(column == model.id))
        order = [model.name.desc() if descending else model.name]
    elif sort == "description":
        order = [Problem.description.desc() if descending else Problem.description]
    elif sort == "status":
        rank = Case(
            None, [(Problem.status == s, i) for i, s in enumerate(workflow.STATUS_LABELS)], 99
        )
        order = [rank.desc() if descending else rank]
    elif sort == "progress":
        done = Measure.select(fn.COUNT(Measure.id)).where(
            (Measure.problem == Problem.id) & (Measure.status == workflow.M_DONE)
        )
        order = [done.desc() if descending else done]
    conds = _conditions(ledger, flt)
    if conds:
        query = query.where(*conds)
    tie = Problem.id.desc() if descending else Problem.id
    query = query.order_by(*(order or []), tie)
    if limit is not None:
        query = query.limit(limit)
    # straight from the cursor: building a peewee row object per id costs more than the query
    return [pid for (pid,) in ledger.db.execute(query).fetchall()]


@dataclass
class ProblemRow:
    """One line of the ledger table: display values, resolved names and derived deadline facts."""

    id: int
    code: str
    batch: str
    category: str
    source: str
    description: str
    department: str
    leader: str
    status: str
    found_on: dt.date | None
    closed_on: dt.date | None
    version: int
    nearest_due: dt.date | None = None
    reviewer: str = ""
    nearest_text: str = ""
    measures_total: int = 0
    measures_done: int = 0
    measures_long_term: int = 0
    overdue: bool = False
    days_left: int | None = None
    band: str | None = None
    owners: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return import_closure.status_label(self.status, self.reviewer)

    @property
    def progress_text(self) -> str:
        if not self.measures_total:
            return "无措施"
        text = f"完成 {self.measures_done}/{self.measures_total}"
        if self.measures_long_term:
            text += f"，长期 {self.measures_long_term}"
        return text


def problem_rows(ledger: Ledger, ids: list[int]) -> dict[int, ProblemRow]:
    """Rows for a page of ids (one query for problems, one for their measures)."""
    if not ids:
        return {}
    today = ledger.today()
    query = (
        with_problem_names(
            Problem.select(
                Problem.id,
                Problem.code,
                Batch.name,
                Category.name,
                Source.name,
                Problem.description,
                Department.name,
                LEADER.name,
                Problem.status,
                Problem.found_on,
                Problem.closed_on,
                Problem.version,
                Problem.reviewer,
            )
        )
        .where(Problem.id.in_(ids))
        .bind(ledger.db)
        .tuples()
    )
    rows = {}
    for pid, code, batch, cat, src, desc, dept, lead, status, found, closed, *rest in query:
        version, reviewer = rest
        rows[pid] = ProblemRow(
            pid,
            code,
            batch or "",
            cat or "",
            src or "",
            desc,
            dept or "",
            lead or "",
            status,
            found,
            closed,
            version,
            reviewer=reviewer or "",
        )
    measures = (
        Measure.select(
            Measure.problem,
            Measure.status,
            Measure.deadline_date,
            Measure.deadline_text,
            OWNER.name,
        )
        .join(OWNER, JOIN.LEFT_OUTER, on=(Measure.owner == OWNER.id))
        .where(Measure.problem.in_(ids) & (Measure.status != workflow.M_VOID))
        .order_by(Measure.problem, Measure.seq)
        .bind(ledger.db)
        .tuples()
    )
    for pid, status, due, text, owner_name in measures:
        row = rows[pid]
        row.measures_total += 1
        if owner_name and owner_name not in row.owners:
            row.owners.append(owner_name)
        if status == workflow.M_DONE:
            row.measures_done += 1
        elif status == workflow.M_LONG_TERM:
            row.measures_long_term += 1
        elif (
            status == workflow.M_OPEN
            and due is not None
            and (row.nearest_due is None or due < row.nearest_due)
        ):
            row.nearest_due, row.nearest_text = due, text
    for row in rows.values():
        if row.status in OPEN_PROBLEM and row.status != workflow.PENDING:
            row.days_left = days_left(row.nearest_due, today)
            row.band = band(row.days_left)
            row.overdue = row.days_left is not None and row.days_left < 0
    return rows


def view_counts(ledger: Ledger) -> dict[str, int]:
    """Live counts for the side list: each standard view, and `batch:<id>` per review batch."""
    per_status = dict(
        ledger.select(Problem, Problem.status, fn.COUNT(Problem.id))
        .group_by(Problem.status)
        .tuples()
    )
    counts = {}
    for view in VIEW_LABELS:
        if view == ALL:
            counts[view] = sum(n for status, n in per_status.items() if status != workflow.VOID)
        elif view in workflow.STATUS_LABELS:
            counts[view] = per_status.get(view, 0)
        else:  # 逾期, 7天内到期, 时限不明确: their own conditions
            counts[view] = len_query(ledger, Filter(view=view))
    per_batch = dict(
        ledger.select(Problem, Problem.batch, fn.COUNT(Problem.id))
        .where(Problem.status != workflow.VOID)
        .group_by(Problem.batch)
        .tuples()
    )
    for (bid,) in ledger.select(Batch, Batch.id).tuples():
        counts[f"batch:{bid}"] = per_batch.get(bid, 0)
    return counts


def len_query(ledger: Ledger, flt: Filter) -> int:
    query = Problem.select(fn.COUNT(Problem.id))
    conds = _conditions(ledger, flt)
    if conds:
        query = query.where(*conds)
    return query.bind(ledger.db).scalar() or 0


def evidence_of(ledger: Ledger, problem_id: int) -> list[dict]:
    return list(
        ledger.select(Evidence).where(Evidence.problem == problem_id).order_by(Evidence.id).dicts()
    )
