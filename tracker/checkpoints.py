"""Derived checkpoints: the ledger as it stood at the end of a closed month, kept as a file.

A past month's report, `stats --as-of` and `export --as-of` read the ledger as it was; rebuilding
that from the whole journal (`replay.snapshot`) took twice as long as the report itself. A
checkpoint is such a snapshot saved as a SQLite file in the data directory
(`checkpoints/<ledger id>/`), keyed by the journal entry it was built up to and that entry's hash,
the schema version and this module's FORMAT. It is used only while the journal still has that
entry with that hash; a moment after it is built from the nearest earlier checkpoint that still
matches plus the entries since, and kept if the moment ends a closed month. Anything else is built
from the journal as before.

Derived data, never evidence: what checks a report (`verify-report`, a committee's collect)
rebuilds it from the journal with `replay.snapshot` and never reads a checkpoint, so a checkpoint
edited on disk can make a wrong report but not a report that passes its check. `verify` compares
every kept checkpoint with the journal (`stale`), and `reindex` removes them all.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import sqlite3
from pathlib import Path

from peewee import SqliteDatabase

from . import journal, migrations, nearest_due
from .command_name import command
from .dates import month_end
from .exchange import identity
from .ledger import Ledger
from .models import JOURNALED, Meta
from .paths import data_dir
from .recorder import journaled_defaults
from .replay import as_past, replay, snapshot

FORMAT = 1  # bump when a snapshot's content or layout changes (beside the schema version)
KEEP = 6  # checkpoints kept per ledger, the most recently used
KEY = "checkpoint"


def folder(ledger: Ledger) -> Path:
    return data_dir() / "checkpoints" / identity.identity(ledger.db).ledger_id


def _name(head: journal.Head) -> str:
    return f"{head.seq}-{head.hash[:24]}-v{migrations.LATEST}.{FORMAT}.db"


def _stamp(head: journal.Head) -> str:
    return json.dumps(
        {"seq": head.seq, "hash": head.hash, "schema": migrations.LATEST, "format": FORMAT}
    )


def past(ledger: Ledger, as_of: dt.date, *, upto: int | None = None) -> Ledger:
    """`replay.snapshot(ledger, as_of, upto=upto)`, from a checkpoint where one serves.

    For the program's own past views and reports only: checks rebuild with `replay.snapshot`.
    """
    until = None if upto is not None else journal.until_stamp(as_of)
    head = journal.head(ledger.db, until=until, upto=upto)
    if head.seq == 0 or ledger.snapshot_head is not None:
        return snapshot(ledger, as_of, upto=upto)
    try:
        where = folder(ledger)
    except Exception:  # an identity-less copy (a branch's history): nothing to key it by
        return snapshot(ledger, as_of, upto=upto)
    path = where / _name(head)
    found = _open_file(path, head)
    if found is not None:
        _touch(path)
        return as_past(ledger, found, as_of, head)
    base = _nearest(ledger, where, head)
    if base is None:
        snap = snapshot(ledger, as_of, upto=head.seq)
    else:
        snap = _advance(ledger, base, head, as_of)
    if _ends_closed_month(ledger, as_of, head):
        _save(snap, where, path, head)
    return snap


def _ends_closed_month(ledger: Ledger, as_of: dt.date, head: journal.Head) -> bool:
    """Is `head` the journal's cut at the end of a month that is over?"""
    if as_of != month_end(as_of.year, as_of.month) or as_of >= ledger.clock().date():
        return False
    return journal.head(ledger.db, until=journal.until_stamp(as_of)) == head


def _open_file(path: Path, head: journal.Head) -> SqliteDatabase | None:
    """The checkpoint at `path`, opened read-only, if it is there and says it is `head`'s."""
    if not path.is_file():
        return None
    db = SqliteDatabase(
        f"{path.absolute().as_uri()}?mode=ro&immutable=1",
        uri=True,
        pragmas={"query_only": 1},
        check_same_thread=False,
    )
    try:
        row = Meta.select(Meta.value).where(Meta.key == KEY).bind(db).tuples().first()
        if row and row[0] == _stamp(head):
            return db
    except Exception:
        pass
    db.close()
    with contextlib.suppress(OSError):
        path.unlink()  # not ours, damaged or half-written: built again
    return None


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.utime(path)


def _kept(where: Path) -> list[tuple[journal.Head, Path]]:
    """The checkpoints in `where` of this schema and format, as (head, file)."""
    out = []
    suffix = f"-v{migrations.LATEST}.{FORMAT}.db"
    with contextlib.suppress(OSError):
        for path in where.glob(f"*{suffix}"):
            seq, _, digest = path.name.removesuffix(suffix).partition("-")
            if seq.isdigit():
                out.append((journal.Head(int(seq), digest), path))
    return out


def _nearest(ledger: Ledger, where: Path, head: journal.Head):
    """The latest kept checkpoint before `head` whose entry is still in the journal as it was."""
    for earlier, path in sorted(_kept(where), key=lambda item: -item[0].seq):
        if earlier.seq >= head.seq:
            continue
        entry = journal.head(ledger.db, upto=earlier.seq)
        if entry.seq != earlier.seq or not entry.hash.startswith(earlier.hash):
            continue
        db = _open_file(path, entry)
        if db is not None:
            return entry, path, db
    return None


def _advance(ledger: Ledger, base, head: journal.Head, as_of: dt.date) -> Ledger:
    """A checkpoint copied into memory and brought forward by the journal entries after it."""
    start, path, file_db = base
    memory = SqliteDatabase(":memory:", pragmas={"foreign_keys": 0})
    try:
        file_db.connection().backup(memory.connection())
    finally:
        file_db.close()
    _touch(path)
    with memory.atomic():
        _apply(memory, journal.change_lists(ledger.db, since=start.seq, upto=head.seq))
        nearest_due.rebuild(memory)
    return as_past(ledger, memory, as_of, head)


def _apply(db: SqliteDatabase, change_lists) -> None:
    """The entries' changes as SQL on a copy of the tables (what `replay.replay` does in memory)."""
    statements: dict[tuple, str] = {}
    cursor = db.cursor()
    for changes in change_lists:
        for change in changes:
            model = JOURNALED[change["t"]]
            meta = model._meta
            if change["op"] == "c":
                row = {**journaled_defaults(model), **change["f"]}
                names = (
                    meta.primary_key.name,
                    *row,
                    *(["version"] if "version" in meta.fields else []),
                )
                values = [change["id"], *row.values()] + ([1] if "version" in meta.fields else [])
                key = ("c", model, names)
                if key not in statements:
                    columns = ", ".join(f'"{meta.fields[n].column_name}"' for n in names)
                    marks = ", ".join("?" * len(names))
                    statements[key] = (
                        f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({marks})'
                    )
            else:
                names = tuple(change["f"])
                values = [new for _old, new in change["f"].values()] + [change["id"]]
                key = ("u", model, names)
                if key not in statements:
                    sets = [f'"{meta.fields[n].column_name}" = ?' for n in names]
                    if "version" in meta.fields:
                        sets.append('"version" = "version" + 1')
                    pk = meta.primary_key.column_name
                    statements[key] = (
                        f'UPDATE "{meta.table_name}" SET {", ".join(sets)} WHERE "{pk}" = ?'
                    )
            cursor.execute(statements[key], values)


def _save(snap: Ledger, where: Path, path: Path, head: journal.Head) -> None:
    """Keep `snap` as the checkpoint `path` (written whole under a temporary name, then renamed);
    a folder that cannot be written only means no checkpoint."""
    temp = where / f".{path.stem}.{secrets.token_hex(4)}.part"
    try:
        where.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(temp)
        try:
            snap.db.connection().backup(target)
            target.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (KEY, _stamp(head))
            )
            target.commit()
        finally:
            target.close()
        os.replace(temp, path)
    except (OSError, sqlite3.Error):
        with contextlib.suppress(OSError):
            temp.unlink()
        return
    _prune(where)


def _prune(where: Path) -> None:
    files = sorted(
        (path for _head, path in _kept(where)),
        key=lambda p: p.stat().st_mtime if p.exists() else 0,
        reverse=True,
    )
    for old in files[KEEP:]:
        with contextlib.suppress(OSError):
            old.unlink()


def clear(ledger: Ledger) -> int:
    """Remove this ledger's checkpoints (`reindex`); returns how many there were."""
    removed = 0
    try:
        where = folder(ledger)
    except Exception:
        return 0
    for path in where.glob("*.db") if where.is_dir() else ():
        with contextlib.suppress(OSError):
            path.unlink()
            removed += 1
    return removed


def stale(ledger: Ledger) -> list[str]:
    """Kept checkpoints that differ from the journal's replay at their entry (for `verify`).

    The journal is replayed once, stopping at each checkpoint's entry to compare; a checkpoint
    whose entry is no longer in the journal as it was is ignored (it is never used).
    """
    from . import stored

    try:
        where = folder(ledger)
    except Exception:
        return []
    found = []
    state = None
    done = 0
    updates: dict = {}
    for head, path in sorted(_kept(where), key=lambda item: item[0].seq):
        entry = journal.head(ledger.db, upto=head.seq)
        if entry.seq != head.seq or not entry.hash.startswith(head.hash):
            continue
        db = _open_file(path, entry)
        if db is None:
            continue
        state = replay(journal.change_lists(ledger.db, since=done, upto=head.seq), updates, state)
        done = head.seq
        try:
            problems: list[str] = []
            stored.check_rows(as_past(ledger, db, dt.date.today(), entry), state, updates, problems)
        finally:
            db.close()
        if problems:
            found.append(
                f"派生的检查点（历史记录第 {head.seq} 条时的台账，用于快速生成过去月份的报表）"
                f"与历史记录不一致：{problems[0]} 它不会再被使用；运行 {command('reindex')} "
                "可删除全部检查点（需要时按历史记录重建）。"
            )
            with contextlib.suppress(OSError):
                path.unlink()
    return found
