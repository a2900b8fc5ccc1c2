"""Evidence files of a PostgreSQL ledger, stored in the database itself.

A shared ledger is used from many PCs, so its files cannot live in one PC's folder: each file is
a row of `evidence_blob` keyed by its SHA-256 (a file attached twice is stored once; the database
refuses a row whose content does not have its name, `schema.zg_blob_check`). Reading one back
writes it whole into this PC's cache, the ledger's evidence folder in the data directory
(`evidence_store` layout), where the program opens it; a cached file is used only while its
content still has its hash. `verify` hashes the rows in the server (`sha256(content)`); a backup
writes them out as the backup's evidence folder, and a restore reads them back in.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from peewee import Database

from .. import evidence_store
from ..safe_files import temporary

TABLE = "evidence_blob"
CHUNK = 1 << 20


def create(db: Database) -> None:
    db.execute_sql(
        f"CREATE TABLE IF NOT EXISTS {TABLE} ("
        "sha256 VARCHAR(64) PRIMARY KEY, size BIGINT NOT NULL, content BYTEA NOT NULL)"
    )


def used(db: Database) -> bool:
    """Whether this ledger keeps its files in the database (PostgreSQL, schema version 11+)."""
    from ..db import is_sqlite

    if is_sqlite(db):
        return False
    known = getattr(db, "_zg_blobs", None)
    if known is None:
        known = db.execute_sql("SELECT to_regclass(%s) IS NOT NULL", (TABLE,)).fetchone()[0]
        db._zg_blobs = known
    return known


def put(db: Database, source: BinaryIO, *, limit: int) -> tuple[str, int]:
    """Store the open file `source`; returns (sha256, size) of the bytes stored."""
    digest, chunks, size = hashlib.sha256(), [], 0
    while chunk := source.read(CHUNK):
        size += len(chunk)
        if size > limit:
            raise evidence_store.TooLarge(size)
        digest.update(chunk)
        chunks.append(chunk)
    sha = digest.hexdigest()
    put_bytes(db, sha, b"".join(chunks))
    return sha, size


def put_bytes(db: Database, sha: str, content: bytes) -> None:
    import psycopg2

    with db.atomic():
        db.execute_sql(
            f"INSERT INTO {TABLE} (sha256, size, content) VALUES (%s, %s, %s) "
            "ON CONFLICT (sha256) DO NOTHING",
            (sha, len(content), psycopg2.Binary(content)),
        )


def content(db: Database, sha: str) -> bytes | None:
    row = db.execute_sql(f"SELECT content FROM {TABLE} WHERE sha256 = %s", (sha,)).fetchone()
    return bytes(row[0]) if row else None


def fetch(ledger, sha: str, name: str) -> Path:
    """The file with hash `sha` on this PC (read from the database into the cache if needed)."""
    target = evidence_store.locate(ledger.evidence_dir, sha, name)
    if evidence_store.is_sound(target, sha):
        return target
    data = content(ledger.db, sha)
    if data is None:
        return target  # not stored: the caller finds no file, as with a folder store
    _write_whole(target, data)
    return target


def _write_whole(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with temporary(target) as tmp:
        with open(tmp, "wb") as out:
            out.write(data)
        os.replace(tmp, target)


def check(
    ledger, *, quick: bool = False, progress: Callable[[int, int], bool] | None = None
) -> list[str]:
    """The evidence part of `verify`: every file a record names is stored with its size and
    (unless `quick`) its content still hashes to its name, computed in the server."""
    from ..bulk import Cancelled

    rows = ledger.db.execute_sql(
        "SELECT e.sha256, e.name, e.size, b.size FROM "
        "(SELECT DISTINCT sha256, name, size FROM evidence) e "
        f"LEFT JOIN {TABLE} b ON b.sha256 = e.sha256 ORDER BY e.sha256"
    ).fetchall()
    out, to_hash, total = [], [], 0
    for sha, name, size, stored in rows:
        if stored is None:
            out.append(f"佐证材料“{name}”的文件不在数据库中（SHA-256 {sha[:12]}…）。")
        elif stored != size:
            out.append(f"佐证材料“{name}”在数据库中的大小不符，内容可能被替换。")
        elif not quick:
            to_hash.append((sha, name, size))
            total += size
    done = 0
    seen: set[str] = set()
    for sha, name, size in to_hash:
        if sha not in seen:
            seen.add(sha)
            actual = ledger.db.execute_sql(
                f"SELECT encode(sha256(content), 'hex') FROM {TABLE} WHERE sha256 = %s", (sha,)
            ).fetchone()[0]
            if actual != sha:
                out.append(
                    f"佐证材料“{name}”在数据库中的内容与记录不符（SHA-256 不同），可能被替换或已损坏。"
                )
        done += size
        if progress is not None and not progress(done, total):
            raise Cancelled("已取消校验。")
    return out


def export_to(db: Database, folder: Path) -> int:
    """Write every stored file into `folder` in the evidence store's layout (a backup)."""
    names = _names(db)
    count = 0
    for (sha,) in db.execute_sql(f"SELECT sha256 FROM {TABLE} ORDER BY sha256").fetchall():
        data = content(db, sha)  # one at a time: the files together may not fit in memory
        target = evidence_store.locate(folder, sha, names.get(sha, ""))
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        count += 1
    return count


def _names(db: Database) -> dict[str, str]:
    """A display name for each stored file (its ending is kept on disk)."""
    names = dict(db.execute_sql("SELECT sha256, name FROM evidence").fetchall())
    names.update(
        (sha, name)
        for sha, name in db.execute_sql("SELECT sha256, file_name FROM received_report")
        if sha not in names
    )
    return names


def import_from(db: Database, folder: Path) -> int:
    """Store the files a restored ledger's rows name, from the backup's evidence `folder`."""
    count = 0
    for sha, name in _names(db).items():
        path = evidence_store.locate(folder, sha, name)
        if not path.is_file():
            continue
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() == sha:
            put_bytes(db, sha, data)
            count += 1
    return count


def adopt_folder(db: Database, folder: Path) -> int:
    """Move the files an older PostgreSQL ledger kept in this PC's folder into the database
    (its upgrade, in the owner's transaction); files found on no PC stay missing for `verify`."""
    if not folder.is_dir():
        return 0
    return import_from(db, folder)
