"""Rebuilding the ledger from its journal: checking the live rows, and the ledger as of a past date."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from peewee import DatabaseError, SqliteDatabase

from . import evidence_store, journal, meta, nearest_due, search_index, stored
from .command_name import command
from .db import bulk_insert, write_transaction
from .errors import LedgerDataError, ReadOnlyError
from .exchange import held
from .integrity import check_integrity
from .journal import until_stamp
from .ledger import Ledger
from .migrations import create_schema
from .models import JOURNALED, UNJOURNALED_FIELDS, Journal
from .recorder import journaled_defaults
from .sharing import blobs

MAX_REPORTED = 40  # lines of a report (row findings beyond stored.MAX_DETAILED are counted)

State = dict[str, dict]  # table -> id -> {field: json value}


def replay(
    change_lists: Iterable[list[dict]], updates: dict | None = None, state: State | None = None
) -> State:
    """Apply entries' changes in order (`journal.change_lists`); what comes out is the ledger's
    content as the journal describes it.

    If `updates` is given it receives, per (table, id), how many journaled updates the row had —
    which is what its `version` column must say. Given a `state` (of the entries before these),
    it goes on from there.
    """
    if state is None:
        state = {table: {} for table in JOURNALED}
    for changes in change_lists:
        for change in changes:
            rows = state[change["t"]]
            key = change["id"]
            if change["op"] == "c":
                rows[key] = change["f"]  # freshly parsed: nobody else holds this dict
            else:
                row = rows.setdefault(key, {})
                for name, (_old, new) in change["f"].items():
                    row[name] = new
                if updates is not None:
                    updates[(change["t"], key)] = updates.get((change["t"], key), 0) + 1
    _fill_defaults(state)
    return state


def _fill_defaults(state: State) -> None:
    """Rows created before a column existed (a schema step added it) take its default, as the
    step stored it in the existing rows: a create entry records the row it made, whole, with the
    columns of its time."""
    for table, model in JOURNALED.items():
        template = journaled_defaults(model)
        width = len(template)
        for row in state[table].values():
            if len(row) < width:
                for name, value in template.items():
                    row.setdefault(name, value)


@dataclass
class VerifyReport:
    ok: bool
    head: journal.Head
    entries: int
    problems: list[str] = field(default_factory=list)
    rows_checked: int = 0


def verify(
    ledger: Ledger, *, quick: bool = False, progress: evidence_store.ProgressCallback = None
) -> VerifyReport:
    """Check the file, the hash chain, that every journaled row is stored exactly as the journal
    says, the meta table, the evidence files (rehashed; sizes only if `quick`; `progress` over
    their bytes) and, when all that holds, the derived data."""
    try:
        return _verify(ledger, quick, progress)
    except (DatabaseError, sqlite3.DatabaseError) as error:
        head = journal.Head(0, journal.GENESIS)
        return VerifyReport(
            False, head, 0, [f"台账文件已损坏，无法完整读取（{error}）。请用备份恢复。"]
        )


def _verify(ledger: Ledger, quick: bool, progress: evidence_store.ProgressCallback) -> VerifyReport:
    damage = check_integrity(ledger.db)
    if damage:
        return VerifyReport(False, journal.Head(0, journal.GENESIS), 0, damage)
    problems, head, checked = _check_data(ledger)
    if blobs.used(ledger.db):  # a PostgreSQL ledger's files are in the database
        problems.extend(blobs.check(ledger, quick=quick, progress=progress))
    else:
        problems.extend(evidence_store.check_files(ledger, quick=quick, progress=progress))
    problems.extend(held.problems(ledger))  # a committee's received reports and branch chains
    # derived data: worth a line only when the rows themselves are as the journal says (an edit
    # made outside the program leaves the index behind too, and is reported above)
    problems.extend([] if problems else _stale_derived(ledger))
    if len(problems) > MAX_REPORTED:
        problems = problems[:MAX_REPORTED] + ["……另有更多问题未列出。"]
    return VerifyReport(not problems, head, head.seq, problems, checked)


def _check_data(ledger: Ledger) -> tuple[list[str], journal.Head, int]:
    """The chain, every journaled row against the replay (stored form included), the meta table."""
    problems, head = journal.check_chain(ledger.db)
    updates: dict = {}
    state = replay(journal.change_lists(ledger.db), updates)
    checked = stored.check_rows(ledger, state, updates, problems)
    problems.extend(meta.check(ledger, (p.get("code") for p in state["problem"].values())))
    return problems, head, checked


def check_data(ledger: Ledger) -> list[str]:
    """What `verify` finds wrong with the ledger's own data (not its evidence files or derived data)."""
    try:
        return check_integrity(ledger.db) or _check_data(ledger)[0]
    except (DatabaseError, sqlite3.DatabaseError) as error:
        return [f"台账文件已损坏，无法完整读取（{error}）。请用备份恢复。"]


def _stale_derived(ledger: Ledger) -> list[str]:
    from . import checkpoints  # they replay with this module's functions

    out = checkpoints.stale(ledger)
    stale = search_index.stale(ledger.db)
    if stale:
        out.append(
            f"搜索索引与 {len(stale)} 个问题的内容不一致（索引由数据派生，台账本身不受影响），"
            f"搜索结果可能不全；运行 {command('reindex')} 可重建。"
        )
    late = nearest_due.stale(ledger.db)
    if late:
        out.append(
            f"{len(late)} 个问题记下的“最近时限”与其整改措施不一致（由措施派生，台账本身不受影响），"
            f"逾期视图和按时限排序可能不准；运行 {command('reindex')} 可重建。"
        )
    return out


def reindex(ledger: Ledger) -> int:
    """Rebuild the derived data (nearest deadlines; the search index, its size returned).

    Refused when the rows themselves do not match the journal: derived data rebuilt from rows
    edited outside the program would make `verify` pass them.
    """
    if ledger.read_only:
        raise ReadOnlyError("此台账以只读方式打开，不能重建。")
    with write_transaction(ledger.db):
        # inside the lock: nobody edits the rows between the check and the rebuild
        found = check_data(ledger)
        if found:
            shown = "\n".join(f"  - {line}" for line in found[:10])
            more = f"\n  ……共 {len(found)} 处。" if len(found) > 10 else ""
            raise LedgerDataError(
                "台账数据本身与历史记录不符，已拒绝重建。reindex 只重建由数据派生的搜索索引和最近时限，"
                "不能让程序之外改动过的数据通过校验。请先查明这些改动，或用备份恢复（restore）：\n"
                f"{shown}{more}"
            )
        nearest_due.rebuild(ledger.db)
        from . import checkpoints

        checkpoints.clear(ledger)
        return search_index.rebuild(ledger.db)


def snapshot(ledger: Ledger, as_of: dt.date, *, upto: int | None = None) -> Ledger:
    """The ledger as it stood at the end of `as_of`, rebuilt from the journal into memory, read-only.

    With `upto`, the ledger as journal entry `upto` left it, with `as_of` as its "today" (a
    report is rebuilt at the exact entry it was made from, not at the end of its day).
    """
    updates: dict = {}
    until = None if upto is not None else until_stamp(as_of)
    state = replay(journal.change_lists(ledger.db, until=until, upto=upto), updates)
    head = journal.head(ledger.db, until=until, upto=upto)
    return _materialise(ledger, state, updates, as_of, head, keep=False)


def snapshots(ledger: Ledger, cuts: list[tuple[dt.date, int]]) -> list[Ledger]:
    """Snapshots at several journal entries (`(as_of, upto)`, in journal order) from one pass
    over the journal: each goes on from the state the one before it left (a report checked
    against its history needs the month's end and the month before's)."""
    updates: dict = {}
    state: State | None = None
    done, made = 0, []
    try:
        for as_of, upto in cuts:
            if upto < done:
                raise ValueError("snapshots: cuts out of journal order")
            state = replay(journal.change_lists(ledger.db, upto=upto, since=done), updates, state)
            head = journal.head(ledger.db, upto=upto)
            made.append(_materialise(ledger, state, updates, as_of, head, keep=True))
            done = upto
    except BaseException:
        for snap in made:
            snap.close()
        raise
    return made


def _materialise(
    ledger: Ledger, state: State, updates: dict, as_of: dt.date, head, *, keep: bool
) -> Ledger:
    """An in-memory ledger holding `state`; `keep=False` lets the state go table by table as
    it is written (a whole journal's rows are not held twice)."""
    db = SqliteDatabase(":memory:", pragmas={"foreign_keys": 0})
    create_schema(db, derived=False, own=False)
    with db.atomic():
        indexes = _drop_indexes(db)
        for table, model in JOURNALED.items():
            rows = state[table] if keep else state.pop(table)
            if not rows:
                continue
            fields = [f.name for f in model._meta.sorted_fields if f.name not in UNJOURNALED_FIELDS]
            columns = [model._meta.primary_key.name, *fields]
            if "version" in model._meta.fields:
                columns.append("version")
                data = [
                    (key, *map(values.get, fields), 1 + updates.get((table, key), 0))
                    for key, values in rows.items()
                ]
            else:
                data = [(key, *map(values.get, fields)) for key, values in rows.items()]
            del rows
            bulk_insert(db, model, columns, data)
        for sql in indexes:
            db.execute_sql(sql)
        nearest_due.rebuild(db)  # derived, not journaled
    return as_past(ledger, db, as_of, head)


def as_past(ledger: Ledger, db, as_of: dt.date, head: journal.Head) -> Ledger:
    """A read-only ledger over `db`, which holds `ledger` as journal entry `head` left it, with
    `as_of` as its today (a snapshot, or a checkpoint)."""
    snap = Ledger(
        db,
        f"{ledger.location}@{as_of.isoformat()}",
        actor=ledger.actor,
        evidence_dir=ledger.evidence_dir,
        read_only=True,
        clock=ledger.clock,
        as_of=as_of,
    )
    snap.snapshot_head = head
    return snap


def settings_at(ledger: Ledger, upto: int) -> dict[str, str]:
    """The business settings (unit name, contact …) as journal entry `upto` left them."""
    values: dict[str, str] = {}
    rows = (
        Journal.select(Journal.changes)
        .where((Journal.seq <= upto) & Journal.changes.contains('"t":"setting"'))
        .order_by(Journal.seq)
        .bind(ledger.db)
        .tuples()
    )
    for (text,) in rows.iterator():
        for change in json.loads(text):
            if change["t"] != "setting":
                continue
            if change["op"] == "c":
                values[change["id"]] = change["f"].get("value", "")
            elif "value" in change["f"]:
                values[change["id"]] = change["f"]["value"][1]
    return values


def _drop_indexes(db: SqliteDatabase) -> list[str]:
    """Drop the schema's indexes, returning the statements that make them again: a table filled
    first and indexed afterwards is built in about half the time of one indexed row by row."""
    found = db.execute_sql(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    ).fetchall()
    for name, _sql in found:
        db.execute_sql(f'DROP INDEX "{name}"')
    return [sql for _name, sql in found]
