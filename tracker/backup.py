"""Consistent online backups and restores of a ledger, with its evidence files."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from peewee import Database, SchemaManager, SqliteDatabase

from . import search_index
from .db import APPLICATION_ID, inspect_sqlite_file, is_sqlite, sqlite_path
from .errors import LedgerOpenError
from .models import ALL_MODELS
from .paths import evidence_dir_for

BATCH = 1000


def evidence_dir_of_file(path: Path) -> Path:
    return evidence_dir_for(str(path))


def sqlite_copy(db: Database, dest: Path) -> None:
    """SQLite's online backup API: a consistent copy even while others keep writing."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".part")
    tmp.unlink(missing_ok=True)
    target = sqlite3.connect(str(tmp))
    try:
        db.connection().backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
    finally:
        target.close()
    tmp.replace(dest)


def copy_tables(source: Database, target: Database) -> None:
    """Copy every ledger table row by row (PostgreSQL ↔ SQLite), in one transaction on the target."""
    with target.atomic():
        for model in ALL_MODELS:
            SchemaManager(model, target).create_all(safe=True)
        for model in reversed(ALL_MODELS):
            model.delete().execute(target)
        for model in ALL_MODELS:
            fields = list(model._meta.sorted_fields)
            batch = []
            for row in model.select(*fields).bind(source).tuples().iterator():
                batch.append(row)
                if len(batch) >= BATCH:
                    model.insert_many(batch, fields=fields).execute(target)
                    batch = []
            if batch:
                model.insert_many(batch, fields=fields).execute(target)
        if is_sqlite(target):
            search_index.rebuild(target)  # derived data: made from the copied rows
        else:
            _reset_sequences(target)


def _reset_sequences(db: Database) -> None:
    """Rows copied with their ids leave PostgreSQL's id sequences behind; move them past the ids."""
    for model in ALL_MODELS:
        pk = model._meta.primary_key
        if pk.field_type == "AUTO":
            table = model._meta.table_name
            db.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', '{pk.column_name}'), "
                f"COALESCE((SELECT MAX({pk.column_name}) FROM {table}), 0) + 1, false)"
            )


def copy_evidence(src_dir: Path, dst_dir: Path) -> int:
    """Copy content-addressed files that the destination lacks; returns how many were copied."""
    if not src_dir.is_dir():
        return 0
    copied = 0
    for file in src_dir.rglob("*"):
        if file.is_file() and not file.name.startswith(".incoming-"):
            target = dst_dir / file.relative_to(src_dir)
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(file, target)
                copied += 1
    return copied


def backup_ledger(db: Database, evidence_dir: Path, dest: Path) -> None:
    """Write `dest` (a SQLite ledger file) and `dest`'s evidence folder beside it."""
    dest = Path(dest)
    if is_sqlite(db):
        sqlite_copy(db, dest)
    else:
        tmp = dest.with_name(dest.name + ".part")
        tmp.unlink(missing_ok=True)
        target = SqliteDatabase(str(tmp))
        copy_tables(db, target)
        target.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        target.close()
        tmp.replace(dest)
    copy_evidence(evidence_dir, evidence_dir_of_file(dest))


def restore_ledger(db: Database, evidence_dir: Path, source: Path) -> Path | None:
    """Replace the ledger's content with `source` (a backup file); the current content is saved first.

    Returns the safety copy written before the restore (SQLite only).
    """
    source = Path(source)
    if not source.is_file():
        raise LedgerOpenError(f"备份文件不存在：{source}")
    inspect_sqlite_file(source)
    safety = None
    path = sqlite_path(db)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        if path is not None:
            safety = path.with_name(f"{path.stem}.before-restore{path.suffix}")
            safety.unlink(missing_ok=True)
            backup_ledger(db, evidence_dir, safety)  # with its evidence: it must verify on its own
            src.backup(db.connection())
        else:
            source_db = SqliteDatabase(f"file:{source}?mode=ro", uri=True)
            copy_tables(source_db, db)
            source_db.close()
    finally:
        src.close()
    copy_evidence(evidence_dir_of_file(source), evidence_dir)
    return safety
