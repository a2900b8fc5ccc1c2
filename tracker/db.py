"""The one way to open a ledger database: SQLite (WAL, foreign keys, busy timeout) or PostgreSQL."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from peewee import Database, OperationalError, PostgresqlDatabase, SqliteDatabase

from .command_name import command
from .errors import LedgerOpenError
from .failures import translate
from .paths import is_url, redact, require_folder, scrub

APPLICATION_ID = 0x5A47545A  # "ZGTZ": marks a SQLite file as one of our ledgers
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": BUSY_TIMEOUT_MS,
    "synchronous": "normal",
    "cache_size": -64_000,
}


def open_database(location: str, *, create: bool = False, read_only: bool = False) -> Database:
    """Open `location` (a file path or a postgresql:// URL) after checking it is ours.

    A file that is not a ledger is never modified: it is inspected read-only before any pragma
    (WAL would rewrite its header) is applied.
    """
    if is_url(location):
        return _open_postgres(location)
    return _open_sqlite(Path(location), create=create, read_only=read_only)


def _open_sqlite(path: Path, *, create: bool, read_only: bool) -> SqliteDatabase:
    if path.is_dir():
        raise LedgerOpenError(f"“{path}” 是一个文件夹，不是台账文件。")
    if path.exists() and path.stat().st_size > 0:
        inspect_sqlite_file(path, allow_empty_schema=create)
    elif path.exists() and not create:
        raise LedgerOpenError(f"“{path}” 是一个空文件，不是台账文件。")
    elif not create:
        raise LedgerOpenError(
            f"台账文件不存在：{path}。请先运行 {command('init')} 或 `demo` 创建台账。"
        )
    else:
        require_folder(path, "台账")
    # Read-only is `query_only` on an ordinary connection, not `mode=ro`: a read-only connection
    # to a WAL database makes `-wal` and `-shm` files it cannot remove when it closes; an ordinary
    # one, closing last, removes them, so a ledger only looked at is left as it was.
    pragmas = {**SQLITE_PRAGMAS, "query_only": 1} if read_only else SQLITE_PRAGMAS
    if read_only:
        del pragmas["journal_mode"]  # setting it is a write; a ledger is in WAL mode already
    db = SqliteDatabase(str(path), pragmas=pragmas, check_same_thread=False)
    try:
        db.connect(reuse_if_open=True)
    except (OperationalError, sqlite3.Error) as exc:
        reason = translate(exc, str(path))
        raise LedgerOpenError(str(reason) if reason else f"无法打开台账文件 {path}。") from exc
    return db


def inspect_sqlite_file(path: Path, *, allow_empty_schema: bool = False) -> None:
    """Raise LedgerOpenError unless `path` is a readable, undamaged ledger (read-only check).

    Leaves no trace: a database in WAL mode opened even read-only gets `-wal` and `-shm` files
    beside it, and a damaged or foreign file keeps them. Unless those files are already there
    (a ledger open elsewhere, whose recent writes may still be in its `-wal`), the file is read
    as immutable, which takes no locks and makes no side files.
    """
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise LedgerOpenError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
    if not header.startswith(SQLITE_HEADER):
        raise LedgerOpenError(f"“{path}” 不是台账文件（不是 SQLite 数据库），未做任何修改。")
    try:
        conn = sqlite3.connect(_read_only_uri(path), uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise LedgerOpenError(
            f"台账文件 “{path}” 已损坏，无法读取（{exc}），未做任何修改。"
        ) from exc
    if app_id == APPLICATION_ID and "journal" in tables:
        return
    if not tables and allow_empty_schema:
        return
    raise LedgerOpenError(f"“{path}” 是一个 SQLite 数据库，但不是整改台账，未做任何修改。")


def _read_only_uri(path: Path) -> str:
    sides = [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]
    immutable = "" if any(side.exists() for side in sides) else "&immutable=1"
    return f"{path.absolute().as_uri()}?mode=ro{immutable}"


def load_postgres_driver() -> None:
    """Give peewee the psycopg2 driver it was imported without (see tracker/__init__.py): the
    names peewee's own import sets when psycopg2 is installed (peewee 4.5)."""
    import peewee

    if peewee.psycopg2 is not None:
        return
    import psycopg2
    from psycopg2 import extensions
    from psycopg2.extras import Json, register_uuid

    register_uuid()
    peewee.psycopg2, peewee.pg_extensions, peewee.Json_pg2 = psycopg2, extensions, Json
    adapter = peewee.Psycopg2Adapter
    adapter.txn_idle = extensions.TRANSACTION_STATUS_IDLE
    adapter.txn_inerror = extensions.TRANSACTION_STATUS_INERROR
    adapter.txn_unknown = extensions.TRANSACTION_STATUS_UNKNOWN


def _open_postgres(url: str) -> Database:
    from playhouse.db_url import (
        connect as connect_url,  # loads the PostgreSQL driver: only when used
    )

    try:
        load_postgres_driver()
        # user and password may be percent-encoded (the login dialog writes any password so)
        db = connect_url(url, unquote_password=True, unquote_user=True)
        db.connect(reuse_if_open=True)
    except Exception as exc:  # driver missing, refused, bad password: all user-facing
        if "authentication failed" in str(exc):  # a member mistyping their password
            raise LedgerOpenError(
                f"PostgreSQL 服务器拒绝了登录（{redact(url)}）：登录名或密码不对。请核对后重试；"
                "忘记密码请台账的管理员重新设置。"
            ) from exc
        raise LedgerOpenError(
            scrub(f"无法连接 PostgreSQL 台账 {redact(url)}：{exc}".strip(), url)
        ) from exc
    tables = set(db.get_tables())
    if tables and "journal" not in tables:
        db.close()
        raise LedgerOpenError(f"数据库 {redact(url)} 中已有其他数据，不是整改台账，未做任何修改。")
    return db


def is_sqlite(db: Database) -> bool:
    return isinstance(db, SqliteDatabase)


WRITE_LOCK = APPLICATION_ID  # PostgreSQL: the advisory lock every writer of a ledger queues on


@contextlib.contextmanager
def write_transaction(db: Database) -> Iterator[None]:
    """One write: `BEGIN IMMEDIATE` on SQLite; on PostgreSQL a transaction-level advisory lock.

    Taking the write lock up front means the journal head read inside the transaction cannot be
    raced by another writer, so the hash chain stays linear across processes. The advisory lock
    is one any member may take (`LOCK TABLE` needs UPDATE, DELETE or TRUNCATE on the table, which
    no member has on the journal); it is released when the transaction ends.
    """
    if is_sqlite(db):
        with db.atomic("IMMEDIATE"):
            yield
    else:
        with db.atomic():
            if isinstance(db, PostgresqlDatabase):
                db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
            yield


def sqlite_path(db: Database) -> Path | None:
    if not is_sqlite(db):
        return None
    name = db.database
    if name.startswith("file:"):
        name = name[5:].split("?", 1)[0]
    return None if name == ":memory:" else Path(name)


def bulk_insert(
    db: Database, model, columns: list[str], rows: list[tuple], batch: int = 2000
) -> None:
    """Insert many rows through the driver's executemany (several times faster than per-row SQL)."""
    if not rows:
        return

    def quote(name: str) -> str:
        return f'"{name}"'

    table = model._meta.table_name
    names = ", ".join(quote(model._meta.fields[c].column_name) for c in columns)
    marks = ", ".join([db.param] * len(columns))
    sql = f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})"
    cursor = db.cursor()
    for start in range(0, len(rows), batch):
        cursor.executemany(sql, rows[start : start + batch])
