"""What a user reads when the database or the disk says no: `failures.translate` turns each driver
and OS exception into a Chinese sentence that says what happened and what to do."""

from __future__ import annotations

import errno
import sqlite3

import peewee
import pytest

from tracker import busy
from tracker.errors import (
    DatabaseAccessError,
    LedgerBusyError,
    LedgerDamagedError,
    LedgerDataError,
    LedgerError,
    StorageError,
)
from tracker.failures import translate

from .factories import is_chinese

URL = "postgresql://zhang:supersecret@db.example/ledger?password=supersecret"


def sqlite_error(kind, message: str, code: int | None = None) -> sqlite3.Error:
    error = kind(message)
    if code is not None:
        error.sqlite_errorcode = code
    return error


class FakePgError(Exception):
    """psycopg2's errors carry the SQLSTATE in `pgcode`."""

    def __init__(self, message: str, pgcode: str | None) -> None:
        super().__init__(message)
        self.pgcode = pgcode


def wrapped(driver_error: Exception, kind=peewee.OperationalError) -> Exception:
    """As Peewee raises it: its own class, the driver's exception as the first argument."""
    return kind(driver_error, *driver_error.args)


def test_a_locked_ledger_names_the_long_write_that_holds_it(tmp_path):
    location = str(tmp_path / "l.db")
    error = wrapped(sqlite_error(sqlite3.OperationalError, "database is locked", 5))

    with busy.holding(location, "导入Excel", "王敏", "2026-11-30 14:02:05"):
        found = translate(error, location)

    assert isinstance(found, LedgerBusyError)
    assert "台账正在被王敏导入Excel（2026-11-30 14:02起）" in str(found)
    assert "稍后" in str(found) or "再试" in str(found)


@pytest.mark.parametrize(
    ("error", "kind", "words"),
    [
        (
            wrapped(sqlite_error(sqlite3.DatabaseError, "database disk image is malformed", 11)),
            LedgerDamagedError,
            "损坏",
        ),
        (
            wrapped(sqlite_error(sqlite3.DatabaseError, "file is not a database", 26)),
            LedgerDamagedError,
            "备份恢复",
        ),
        (
            wrapped(sqlite_error(sqlite3.OperationalError, "attempt to write a readonly database")),
            StorageError,
            "只能读",
        ),
        (
            wrapped(sqlite_error(sqlite3.OperationalError, "database or disk is full", 13)),
            StorageError,
            "磁盘空间",
        ),
        (
            wrapped(
                sqlite_error(sqlite3.IntegrityError, "UNIQUE constraint failed: problem.code"),
                peewee.IntegrityError,
            ),
            LedgerDataError,
            "问题的“问题编号”与已有的记录重复",
        ),
        (
            wrapped(
                FakePgError("permission denied for table journal\n", "42501"),
                peewee.ProgrammingError,
            ),
            DatabaseAccessError,
            "没有操作台账所需的权限",
        ),
        (
            wrapped(FakePgError("password authentication failed", "28P01")),
            DatabaseAccessError,
            "用户名或密码",
        ),
        (
            wrapped(FakePgError("server closed the connection unexpectedly", None)),
            DatabaseAccessError,
            "连接中断",
        ),
        (
            PermissionError(errno.EACCES, "Permission denied", "/srv/共享/台账.xlsx"),
            StorageError,
            "没有权限",
        ),
        (
            OSError(errno.ENOSPC, "No space left on device", "/srv/a.db"),
            StorageError,
            "磁盘空间不足",
        ),
        (OSError(errno.EROFS, "Read-only file system", "/mnt/u/a.xlsx"), StorageError, "只读"),
    ],
)
def test_each_driver_and_os_failure_becomes_a_chinese_sentence(error, kind, words):
    found = translate(error, "/srv/台账.db")

    assert isinstance(found, kind)
    assert words in str(found) and is_chinese(str(found))
    assert "Error" not in str(found)


def test_a_file_error_names_the_file(tmp_path):
    found = translate(PermissionError(errno.EACCES, "Permission denied", "/srv/共享/台账.xlsx"))
    assert "/srv/共享/台账.xlsx" in str(found)


def test_no_password_reaches_a_message():
    driver = FakePgError(f'could not connect to server: "{URL}" (supersecret)', None)

    found = translate(wrapped(driver), URL)

    assert "supersecret" not in str(found)
    assert "zhang" in str(found) or "db.example" in str(found)


def test_a_ledger_error_passes_through_and_an_unknown_exception_is_left_to_the_caller():
    refusal = LedgerError("「问题描述」不能为空")
    assert translate(refusal) is refusal
    assert translate(ZeroDivisionError("a bug")) is None
    assert translate(ValueError("Invalid isoformat string")) is None
