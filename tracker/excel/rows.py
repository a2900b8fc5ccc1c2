"""The ledger's problems with their measures, progress, evidence and extensions, read in chunks.

The export and the report's 明细 sheet both need every problem as one group of rows. Reading a
chunk of problems at a time with five joined queries (problems, measures, progress, evidence,
extensions) keeps memory flat however large the ledger is, and costs a few hundred queries at
most rather than one per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from peewee import JOIN, SQL, fn

from .. import workflow
from ..command_name import command
from ..dates import format_date
from ..errors import LedgerDataError
from ..ledger import Ledger
from ..models import (
    PROGRESS_IMPORTED,
    PROGRESS_IMPORTED_UNDATED,
    Batch,
    Category,
    Chase,
    ChaseMeasure,
    Department,
    Evidence,
    Extension,
    Measure,
    Problem,
    Progress,
    Source,
)
from ..queries import LEADER, OWNER, with_measure_names, with_problem_names

CHUNK = 500  # problems per round of queries (well under SQLite's bound-variable limit)


def _rows(ledger: Ledger, query):
    """Raw driver tuples: peewee's per-value conversion costs more than the query itself here."""
    return ledger.db.execute(query)


def _among(ledger: Ledger, column, ids: list[int]):
    """`column IN (ids)` with the ids bound as they are. Peewee's `in_(ids)` builds and converts
    a node per id, which for a chunk of 500 costs more than running the query."""
    marks = ", ".join([ledger.db.param] * len(ids))
    return column.in_(SQL(f"({marks})", ids))


def _day(value) -> dt.date | None:
    """A date column as SQLite returns it raw ("2026-06-30") or PostgreSQL does (a date)."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        raise LedgerDataError(
            f"台账中有一个日期存成了“{value}”，不是本程序写入的格式（YYYY-MM-DD），"
            f"台账可能在程序之外被改动过。请运行 {command('verify')} 查看是哪一项。"
        ) from None


@dataclass(slots=True)
class MeasureLine:
    id: int
    seq: int
    text: str
    owner: str
    department: str
    deadline_text: str
    deadline_kind: str
    deadline_date: dt.date | None
    status: str
    done_on: dt.date | None
    tags: str = ""
    amount_cents: int | None = None
    # (on, author, text, origin)
    progress: list[tuple[dt.date, str, str, str]] = field(default_factory=list)
    extensions: list[tuple[str, str, str]] = field(default_factory=list)  # (old, new, at)
    chases: int = 0  # 催办 about this measure (tracker/followup)


@dataclass(slots=True)
class ProblemGroup:
    id: int
    code: str
    batch: str
    source: str
    category: str
    description: str
    cause: str
    target: str
    leader: str
    department: str
    status: str
    found_on: dt.date | None
    closed_on: dt.date | None
    remarks: str
    recurrence_of: str
    reviewer: str = ""  # empty on a closed problem: 导入时已销号 (tracker/import_closure.py)
    measures: list[MeasureLine] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)


def progress_entry(
    on: dt.date, author: str, text: str, origin: str = "", *, with_author: bool = True
) -> str:
    """One progress entry as the tables write it, dated by when it happened: “2026年3月5日
    李娜：召开专题会议…”. An entry taken from an imported workbook says so, and one the workbook
    gave no date for is not dated by the day it was imported."""
    if origin == PROGRESS_IMPORTED_UNDATED:
        return f"原表记载（{format_date(on)}导入，未注明日期）：{text}"
    if origin == PROGRESS_IMPORTED:
        return f"{format_date(on)}（原表记载）：{text}"
    if with_author and author:
        return f"{format_date(on)} {author}：{text}"
    return f"{format_date(on)}：{text}"


def fetch_groups(
    ledger: Ledger,
    ids: Sequence[int],
    *,
    progress_between: tuple[dt.date, dt.date] | None = None,
    chunk: int = CHUNK,
) -> Iterator[ProblemGroup]:
    """Problems `ids` in that order, each with its live measures (void ones left out).

    `progress_between` keeps only the progress entries dated in that closed range (a month).
    """
    for start in range(0, len(ids), chunk):
        part = list(ids[start : start + chunk])
        groups = _problems(ledger, part)
        measures = _measures(ledger, part, groups)
        _progress(ledger, part, measures, progress_between)
        _extensions(ledger, part, measures)
        _chases(ledger, part, measures)
        _evidence(ledger, part, groups)
        for pid in part:
            group = groups.get(pid)
            if group is not None:
                yield group


def _problems(ledger: Ledger, ids: list[int]) -> dict[int, ProblemGroup]:
    earlier = Problem.alias("earlier")
    query = (
        with_problem_names(
            Problem.select(
                Problem.id,
                Problem.code,
                Batch.name,
                Source.name,
                Category.name,
                Problem.description,
                Problem.cause,
                Problem.target,
                LEADER.name,
                Department.name,
                Problem.status,
                Problem.found_on,
                Problem.closed_on,
                Problem.remarks,
                earlier.code,
                Problem.reviewer,
            )
        )
        .join_from(Problem, earlier, JOIN.LEFT_OUTER, on=(Problem.recurrence_of == earlier.id))
        .where(_among(ledger, Problem.id, ids))
    )
    out = {}
    for row in _rows(ledger, query):
        pid, code, batch, source, category, desc, cause, target, lead, dept, *rest = row
        status, found, closed, remarks, earlier_code, reviewer = rest
        out[pid] = ProblemGroup(
            pid,
            code,
            batch or "",
            source or "",
            category or "",
            desc or "",
            cause or "",
            target or "",
            lead or "",
            dept or "",
            status,
            _day(found),
            _day(closed),
            remarks or "",
            earlier_code or "",
            reviewer or "",
        )
    return out


def _measures(
    ledger: Ledger, ids: list[int], groups: dict[int, ProblemGroup]
) -> dict[int, MeasureLine]:
    query = (
        with_measure_names(
            Measure.select(
                Measure.problem,
                Measure.id,
                Measure.seq,
                Measure.text,
                OWNER.name,
                Department.name,
                Measure.deadline_text,
                Measure.deadline_kind,
                Measure.deadline_date,
                Measure.status,
                Measure.done_on,
                Measure.tags,
                Measure.amount_cents,
            )
        )
        .where(_among(ledger, Measure.problem, ids) & (Measure.status != workflow.M_VOID))
        .order_by(Measure.problem, Measure.seq, Measure.id)
    )
    out = {}
    for row in _rows(ledger, query):
        pid, mid, seq, text, who, dept, dl_text, dl_kind, dl_date, status, done, tags, cents = row
        line = MeasureLine(
            mid,
            seq,
            text or "",
            who or "",
            dept or "",
            dl_text or "",
            dl_kind,
            _day(dl_date),
            status,
            _day(done),
            tags or "",
            cents,
        )
        out[mid] = line
        group = groups.get(pid)
        if group is not None:
            group.measures.append(line)
    return out


def _progress(
    ledger: Ledger,
    ids: list[int],
    measures: dict[int, MeasureLine],
    between: tuple[dt.date, dt.date] | None,
) -> None:
    query = (
        Progress.select(
            Progress.measure, Progress.on, Progress.author, Progress.text, Progress.origin
        )
        .join(Measure, on=(Progress.measure == Measure.id))
        .where(_among(ledger, Measure.problem, ids))
        .order_by(Progress.measure, Progress.on, Progress.id)
    )
    if between is not None:
        query = query.where((Progress.on >= between[0]) & (Progress.on <= between[1]))
    for mid, on, author, text, origin in _rows(ledger, query):
        line = measures.get(mid)
        if line is not None:
            line.progress.append((_day(on), author or "", text or "", origin or ""))


def _extensions(ledger: Ledger, ids: list[int], measures: dict[int, MeasureLine]) -> None:
    query = (
        Extension.select(Extension.measure, Extension.old_text, Extension.new_text, Extension.at)
        .join(Measure, on=(Extension.measure == Measure.id))
        .where(_among(ledger, Measure.problem, ids))
        .order_by(Extension.measure, Extension.id)
    )
    for mid, old, new, at in _rows(ledger, query):
        line = measures.get(mid)
        if line is not None:
            line.extensions.append((old or "", new or "", at or ""))


def _chases(ledger: Ledger, ids: list[int], measures: dict[int, MeasureLine]) -> None:
    query = (
        ChaseMeasure.select(ChaseMeasure.measure, fn.COUNT(ChaseMeasure.id))
        .join(Chase, on=(ChaseMeasure.chase == Chase.id))
        .where(_among(ledger, Chase.problem, ids) & (Chase.active == True))  # noqa: E712 (SQL)
        .group_by(ChaseMeasure.measure)
    )
    for mid, n in _rows(ledger, query):
        line = measures.get(mid)
        if line is not None:
            line.chases = n


def _evidence(ledger: Ledger, ids: list[int], groups: dict[int, ProblemGroup]) -> None:
    query = (
        Evidence.select(Evidence.problem, Evidence.name)
        .where(_among(ledger, Evidence.problem, ids) & (Evidence.active == True))  # noqa: E712 (SQL)
        .order_by(Evidence.problem, Evidence.id)
    )
    for pid, name in _rows(ledger, query):
        groups[pid].evidence.append(name)
