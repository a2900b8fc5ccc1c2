"""Backups of a ledger with its evidence files: consistent while others write, and all or nothing.

A backup is two things beside each other, `X.db` and its evidence folder `X.evidence`, and it is
worth something only whole. Both are written under temporary names (`X.db.part-PID-…`,
`X.evidence.part-PID-…`): the database first (the moment the backup stands for; every file its
rows name is in the store already, because a file is stored before its row is committed), then the
evidence. The folder is renamed into place, the database last of all, so an `X.db` that exists
always has every file. A killed attempt leaves `.part-` names, or a folder still holding the
INCOMPLETE note (killed between the two renames); the next attempt removes both.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from pathlib import Path

from peewee import Database, SchemaManager, SqliteDatabase

from . import search_index
from .db import APPLICATION_ID, BUSY_TIMEOUT_MS, is_sqlite, sqlite_path
from .errors import LedgerError
from .evidence_store import copy_store
from .integrity import check_integrity
from .models import ALL_MODELS
from .paths import evidence_dir_for
from .safe_files import (
    process_alive,
    remove,
    remove_leftovers,
    sync_dir,
    sync_everything,
    sync_file,
    temporary,
    writing_into,
)
from .sharing import blobs

BATCH = 1000
INCOMPLETE = ".backup-incomplete"  # a note in an evidence folder whose database is not yet in place


def evidence_dir_of_file(path: Path) -> Path:
    return evidence_dir_for(str(path))


def free_path(folder: Path, base: str, suffix: str = ".db") -> Path:
    """`base.db`, else `base-2.db`, `base-3.db` …: the first name whose file and evidence folder
    are both free (a backup never overwrites another)."""
    path, n = folder / f"{base}{suffix}", 2
    while path.exists() or evidence_dir_of_file(path).exists():
        path, n = folder / f"{base}-{n}{suffix}", n + 1
    return path


def sqlite_copy(db: Database, dest: Path) -> None:
    """SQLite's online backup API: a consistent copy even while others keep writing, written under
    a temporary name and renamed into place."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with temporary(dest) as tmp:
        _sqlite_backup(db, tmp)
        os.replace(tmp, dest)


def _sqlite_backup(db: Database, target_path: Path) -> None:
    """Copy the database into a new file, through a connection of its own: the backup API cannot
    read through a connection that holds the write lock, which a restore's safety copy does (the
    lock keeps everyone else from committing, so a fresh reader sees exactly the locked state)."""
    path = sqlite_path(db)
    source = (
        sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
        if path is not None
        else db.connection()
    )
    target = sqlite3.connect(str(target_path))
    try:
        source.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one file: no -wal beside it
    finally:
        target.close()
        if path is not None:
            source.close()
    sync_file(target_path)


def _tables_backup(db: Database, target_path: Path) -> None:
    """A PostgreSQL ledger as a SQLite ledger file."""
    target = SqliteDatabase(str(target_path))
    try:
        copy_tables(db, target)
        target.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
    finally:
        target.close()
    sync_file(target_path)


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
        _copy_kept_key(source, target)
        if not is_sqlite(target):
            _reset_sequences(target)
            from .sharing import search

            search.clear(target)  # documents of the rows replaced go too
        search_index.rebuild(target)  # derived data: made from the copied rows


def _copy_kept_key(source: Database, target: Database) -> None:
    """A shared ledger keeps its signing key out of `meta`: the copy gets it back there, so that
    the backup is the whole ledger (a shared target moves it apart again: `keep_key_apart`)."""
    from .models import Meta
    from .sharing.schema import shared_prefix, signing_key

    if shared_prefix(source) is None:
        return
    key = signing_key(source)
    if key is not None:
        Meta.insert(key="signing_key", value=key).on_conflict(
            conflict_target=[Meta.key], update={Meta.value: key}
        ).execute(target)


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


def backup_ledger(
    db: Database, evidence_dir: Path, dest: Path, *, check: bool = True, link: bool = False
) -> Path:
    """Write `dest` (a SQLite ledger file) and its evidence folder beside it, all or nothing.

    Refuses a ledger whose file is damaged inside (`check_integrity`; a restore's safety copy
    passes `check=False`: a damaged ledger is still worth keeping before it is replaced), a `dest`
    that exists, and a folder it cannot write into, each with a message in Chinese. With `link`
    the evidence files are hard-linked where possible (a safety copy beside the ledger).
    """
    dest = Path(dest)
    _require_whole(db)
    if check:
        damage = check_integrity(db)
        if damage:
            raise LedgerError(f"不能备份：{damage[0]}")
    folder = dest.parent
    evidence = evidence_dir_of_file(dest)
    with writing_into(folder, "备份"):
        folder.mkdir(parents=True, exist_ok=True)
        _clear_leftovers(dest)
        if dest.exists():
            raise LedgerError(f"备份文件“{dest}”已存在，为避免覆盖，请换一个文件名。")
        if evidence.exists():
            raise LedgerError(
                f"备份文件旁已有同名的佐证材料文件夹“{evidence}”，为避免混在一起，请换一个文件名。"
            )
        with temporary(dest) as db_part, temporary(evidence) as evidence_part:
            (_sqlite_backup if is_sqlite(db) else _tables_backup)(db, db_part)
            evidence_part.mkdir()
            note = evidence_part / INCOMPLETE
            note.write_text(json.dumps(_whose()), encoding="utf-8")
            if blobs.used(db):  # a PostgreSQL ledger's files are in the database
                blobs.export_to(db, evidence_part)
                sync_everything()
            else:
                copy_store(evidence_dir, evidence_part, link=link)
            os.replace(evidence_part, evidence)
            os.replace(db_part, dest)
        (evidence / INCOMPLETE).unlink()
        sync_dir(folder)
    return dest


def _require_whole(db: Database) -> None:
    """A shared ledger hides its signing key from members other than 管理员: a backup they made
    would not be the whole ledger, so it is theirs (and the owner's) to make."""
    from .sharing.schema import shared_prefix, signing_key

    if shared_prefix(db) is None:
        return
    if signing_key(db) is None:
        raise LedgerError(
            "多人共用的台账由管理员或数据库所有者备份（其他成员读不到台账的签名密钥，备份不完整）。"
            "请由管理员备份，或由负责服务器的同志用 pg_dump 备份整个数据库。"
        )


def _whose() -> dict:
    return {"pid": os.getpid(), "host": socket.gethostname()}


def _clear_leftovers(dest: Path) -> None:
    """Remove what killed attempts at writing the backup `dest` left: temporary files and folders,
    and an evidence folder renamed into place whose database never followed (its note names a
    process of this computer that is gone; one of another computer on a shared folder is left)."""
    evidence = evidence_dir_of_file(dest)
    remove_leftovers(dest)
    remove_leftovers(evidence)
    note = evidence / INCOMPLETE
    if dest.exists() or not note.is_file():
        return
    try:
        whose = json.loads(note.read_text(encoding="utf-8"))
        pid, host = int(whose["pid"]), whose["host"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    if host == socket.gethostname() and not process_alive(pid):
        remove(evidence)
