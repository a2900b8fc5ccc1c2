"""Putting a backup back: what it holds beside what it replaces, then the replacement itself.

A restore replaces everything, so it is shown before it is done (`summarize` both sides) and
needs an explicit yes when it is not simply an earlier state of the same ledger
(`confirmation_needed`: another unit's backup, or a shared PostgreSQL ledger).

The replacement (`restore_ledger`):
1. the backup's evidence files are copied into the ledger's store first — the store only gains
   files, so stopping here changes nothing anyone can see;
2. then, holding the write lock (other writers wait, and the busy note tells them why), a safety
   copy of the ledger as it is — time-stamped, never overwritten, with its evidence hard-linked —
   and the rows replaced by the backup's in the same transaction. The safety copy therefore
   holds every write acknowledged before the restore, and a restore killed at any point leaves
   the ledger either as it was or restored, never half.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from peewee import SqliteDatabase

from . import busy, search_index
from .backup import backup_ledger, copy_tables, evidence_dir_of_file, free_path
from .db import sqlite_path, write_transaction
from .errors import LedgerOpenError, ReadOnlyError
from .evidence_store import copy_store
from .ledger import Ledger, open_ledger
from .models import ALL_MODELS, Journal, Meta, Problem
from .paths import data_dir
from .replay import _drop_indexes  # the one list of a ledger's index statements
from .safe_files import writing_into
from .sharing import blobs
from .sharing import schema as shared_schema
from .sharing.refusals import PermissionRefused
from .sharing.roles import OWNER
from .workflow import VOID

ATTACHED = "restore_source"


@dataclass(frozen=True)
class Summary:
    """What a ledger holds, in the words a restore is confirmed by."""

    location: str
    unit: str
    problems: int  # not voided
    last_actor: str
    last_at: str  # "YYYY-MM-DD HH:MM:SS", or "" for a ledger without history

    def last_change(self) -> str:
        return f"{self.last_actor}，{self.last_at[:16]}" if self.last_at else "尚无修改"

    def text(self) -> str:
        unit = self.unit or "（未填写）"
        return f"填报单位：{unit}；问题 {self.problems} 个；最后修改：{self.last_change()}"


def summarize(ledger: Ledger) -> Summary:
    problems = ledger.select(Problem).where(Problem.status != VOID).count()
    last = (
        ledger.select(Journal, Journal.actor, Journal.at)
        .order_by(Journal.seq.desc())
        .tuples()
        .first()
    )
    actor, at = last or ("", "")
    return Summary(ledger.location, ledger.unit_name.strip(), problems, actor, at)


def confirmation_needed(ledger: Ledger, current: Summary, incoming: Summary) -> str | None:
    """Why restoring `incoming` over `ledger` must be confirmed explicitly; None for an earlier
    state of the same unit's own ledger file."""
    reasons = []
    if current.unit != incoming.unit:
        reasons.append(
            f"填报单位不同：备份是“{incoming.unit or '未填写'}”，"
            f"当前台账是“{current.unit or '未填写'}”"
        )
    if not ledger.is_sqlite:
        reasons.append("当前台账是多人共用的 PostgreSQL 台账，恢复会替换所有人看到的数据")
    return "；".join(reasons) or None


def safety_path(ledger: Ledger) -> Path:
    """Where the copy of the ledger as it was goes: beside a ledger file, or for PostgreSQL in the
    data directory, named by the time of the restore (`ledger.before-restore-20261130-140205.db`)
    and never reusing a name."""
    path = sqlite_path(ledger.db)
    if path is not None:
        folder, stem, suffix = path.parent, path.stem, path.suffix or ".db"
    else:  # named like the shared ledger's evidence folder in the data directory
        folder, stem, suffix = data_dir(), ledger.evidence_dir.name, ".db"
    return free_path(folder, f"{stem}.before-restore-{ledger.now():%Y%m%d-%H%M%S}", suffix)


def restore_ledger(ledger: Ledger, source: Path) -> Path:
    """Replace the ledger's content with the backup `source`; returns the safety copy of what it
    replaced. The caller has verified the backup and had the restore confirmed."""
    if ledger.read_only:
        raise ReadOnlyError("此台账以只读方式打开，不能恢复。")
    source = Path(source)
    if not source.is_file():
        raise LedgerOpenError(f"备份文件不存在：{source}")
    live = sqlite_path(ledger.db)
    if live is not None and source.resolve() == live.resolve():
        raise LedgerOpenError(f"“{source}”就是正在使用的台账文件，不能用它恢复自己。")
    with open_ledger(source, read_only=True):  # a ledger, undamaged, of this program's schema
        pass
    with writing_into(ledger.evidence_dir, "佐证材料"):
        copy_store(evidence_dir_of_file(source), ledger.evidence_dir, live=True)
    if ledger.is_sqlite:
        return _restore_sqlite(ledger, source)
    return _restore_shared(ledger, source)


def _safety_copy(ledger: Ledger) -> Path:
    """Under the write lock: the ledger as it is, every acknowledged write included."""
    return backup_ledger(
        ledger.db, ledger.evidence_dir, safety_path(ledger), check=False, link=True
    )


def _restore_sqlite(ledger: Ledger, source: Path) -> Path:
    db = ledger.db
    # Outside the transaction (SQLite ignores both inside one): the backup is read through this
    # connection, and foreign keys are off while the tables are refilled, so that emptying a
    # table is a truncate and rows go in unchecked (the backup's rows were verified).
    db.execute_sql(f"ATTACH DATABASE ? AS {ATTACHED}", (str(source),))
    db.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        with (
            write_transaction(db),
            busy.holding(ledger.location, "恢复台账", ledger.actor, ledger.stamp()),
        ):
            safety = _safety_copy(ledger)
            indexes = _drop_indexes(db)  # tables filled first and indexed afterwards: faster
            for model in reversed(ALL_MODELS):
                db.execute_sql(f'DELETE FROM main."{model._meta.table_name}"')
            for model in ALL_MODELS:
                table = model._meta.table_name
                columns = ", ".join(f'"{f.column_name}"' for f in model._meta.sorted_fields)
                db.execute_sql(
                    f'INSERT INTO main."{table}" ({columns}) '
                    f'SELECT {columns} FROM {ATTACHED}."{table}"'
                )
            for sql in indexes:
                db.execute_sql(sql)
            search_index.rebuild(db)  # derived data: made from the restored rows
    finally:
        db.execute_sql("PRAGMA foreign_keys = ON")
        db.execute_sql(f"DETACH DATABASE {ATTACHED}")
    return safety


def _restore_shared(ledger: Ledger, source: Path) -> Path:
    """PostgreSQL: the same, in one transaction that holds the write lock writers queue on.

    A shared ledger is restored by its owner only: the checking triggers (which refuse every
    DELETE) are switched off inside the transaction, which then holds every table; the ledger
    stays shared (its roles and grants are the server's, not the backup's), its files go into
    the database, and every member's window is told to refresh."""
    db = ledger.db
    prefix = shared_schema.shared_prefix(db)
    if prefix is not None and (ledger.member is None or ledger.member.role != OWNER):
        raise PermissionRefused(
            "多人共用的台账只能由数据库所有者恢复（恢复会替换所有人的数据）：请负责服务器的同志用所有者账户操作。"
        )
    with write_transaction(db):
        safety = _safety_copy(ledger)
        backup_db = SqliteDatabase(f"file:{source}?mode=ro", uri=True)
        try:
            if prefix is not None:
                shared_schema.triggers(db, enabled=False)
            copy_tables(backup_db, db)
            if blobs.used(db):
                blobs.import_from(db, evidence_dir_of_file(source))
            if prefix is not None:
                Meta.insert(key=shared_schema.SHARED_KEY, value=prefix).on_conflict(
                    conflict_target=[Meta.key], update={Meta.value: prefix}
                ).execute(db)
                shared_schema.keep_key_apart(db)
                shared_schema.triggers(db, enabled=True)
                shared_schema.notify(db)
        finally:
            backup_db.close()
    return safety
