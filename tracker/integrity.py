"""Whether a ledger's database file is sound page by page: one check for verify, backup and reports."""

from __future__ import annotations

import sqlite3

from peewee import Database, DatabaseError

from .db import is_sqlite


def check_integrity(db: Database) -> list[str]:
    """SQLite's own page check (`PRAGMA quick_check`); empty when sound, else what is wrong, in
    Chinese. A file damaged inside opens and answers most queries, so a backup or a report made
    from it looks fine until someone reads the damaged part: callers refuse instead.

    PostgreSQL checks its own pages; nothing to do there.
    """
    if not is_sqlite(db):
        return []
    try:
        rows = [r[0] for r in db.execute_sql("PRAGMA quick_check").fetchall()]
    except (DatabaseError, sqlite3.DatabaseError) as error:
        return [f"台账文件已损坏，无法完整读取（{error}）。请用备份恢复。"]
    if rows == ["ok"]:
        return []
    return ["台账文件已损坏：" + "；".join(rows[:5]) + "。请用备份恢复。"]
