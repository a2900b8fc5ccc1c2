"""Driver and operating-system exceptions turned into LedgerErrors a user can act on, in one place.

The boundaries call `translate`: the CLI's `main`, the GUI's `Session.perform` and its background
jobs. Service code does not catch these exceptions itself; what reaches a boundary untranslated
(`translate` returns None) is a bug, shown as such. Every sentence says what happened and what to
do, in Chinese, and never shows a password from a database URL.
"""

from __future__ import annotations

import errno
import re
import sqlite3

import peewee

from .command_name import command
from .errors import (
    DatabaseAccessError,
    LedgerBusyError,
    LedgerDamagedError,
    LedgerDataError,
    LedgerError,
    StorageError,
)
from .paths import is_url, redact, scrub

# SQLite's primary result codes (`sqlite3.Error.sqlite_errorcode & 0xFF`)
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN = 10, 11, 13, 14
SQLITE_CONSTRAINT, SQLITE_NOTADB = 19, 26

OS_REASONS = {
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOENT: "不存在",
    errno.ENOSPC: "磁盘空间不足",
    errno.EDQUOT: "磁盘配额已用完",
    errno.EROFS: "所在的磁盘或文件夹是只读的",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "是一个文件夹，不是文件",
    errno.EEXIST: "已经存在",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.EBUSY: "正被其他程序占用",
    errno.EIO: "磁盘读写出错",
    errno.EMFILE: "打开的文件太多",
}
OS_ADVICE = {
    "没有权限": "请检查该文件或文件夹的权限，或换一个位置。",
    "磁盘空间不足": "请清理磁盘后重试。",
    "磁盘配额已用完": "请清理磁盘后重试。",
    "所在的磁盘或文件夹是只读的": "请换一个可以写入的位置。",
    "正被其他程序占用": "请关闭正在使用它的程序（例如 Excel、WPS）后重试。",
    "磁盘读写出错": "请检查磁盘或网络共享是否正常，然后重试。",
}
WINDOWS_SHARING_VIOLATION = 32
CONSTRAINT = re.compile(r"(UNIQUE|NOT NULL|FOREIGN KEY|CHECK) constraint failed(?::\s*(.*))?", re.I)


def translate(error: BaseException, location: str | None = None) -> LedgerError | None:
    """The LedgerError to show for `error`, or None when it is not a known kind (a bug).

    `location` is the ledger the work was on: a lock names who holds it (`busy`), a damaged or
    read-only file is named, and its password (if a URL) is scrubbed from every message.
    """
    found = error if isinstance(error, LedgerError) else _translate(error, location)
    if found is None:
        return None
    if location and is_url(location):
        found.args = (scrub(str(found), location), *found.args[1:])
    if found is not error:
        found.__cause__ = error
    return found


def _translate(error: BaseException, location: str | None) -> LedgerError | None:
    if isinstance(error, OSError) and not isinstance(error, sqlite3.Error):
        return _os_error(error)
    driver = _driver_error(error)
    if isinstance(driver, sqlite3.Error):
        return _sqlite_error(driver, location)
    if driver is not None and hasattr(driver, "pgcode"):
        return _postgres_error(driver, location)
    if isinstance(error, peewee.IntegrityError):
        return _constraint(str(error))
    if isinstance(error, peewee.PeeweeException):
        return LedgerError(
            f"数据库报告错误，操作未完成（{_first_line(error)}）。"
            f"如果反复出现，请运行 {command('verify')} 检查台账。"
        )
    if isinstance(error, MemoryError):
        return LedgerError("内存不足，操作未完成。请关闭其他程序后重试。")
    return None


def _driver_error(error: BaseException) -> BaseException | None:
    """The DB-API exception behind a Peewee one (Peewee keeps it as `orig`)."""
    if isinstance(error, sqlite3.Error) or hasattr(error, "pgcode"):
        return error
    if isinstance(error, peewee.PeeweeException):
        for candidate in (getattr(error, "orig", None), error.__cause__, error.__context__):
            if isinstance(candidate, sqlite3.Error) or hasattr(candidate, "pgcode"):
                return candidate
    return None


def _where(location: str | None) -> str:
    return f"“{redact(location)}”" if location else ""


def _sqlite_error(error: sqlite3.Error, location: str | None) -> LedgerError:
    code = (getattr(error, "sqlite_errorcode", None) or 0) & 0xFF
    text = str(error).lower()
    where = _where(location)
    if code in (SQLITE_BUSY, SQLITE_LOCKED) or "is locked" in text:
        return busy_error(location)
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB) or "malformed" in text or "not a database" in text:
        return LedgerDamagedError(
            f"台账文件{where}已损坏，无法继续读写（数据库报告数据页损坏）。已保存的内容没有被本操作改动。"
            f"请用备份恢复（{command('restore 备份文件')}，或“文件 → 备份与恢复”），"
            f"再运行 {command('verify')} 检查。"
        )
    if code == SQLITE_READONLY or "readonly" in text:
        return StorageError(
            f"台账文件{where}只能读、不能写（文件或其所在文件夹不允许写入，或磁盘是只读的），修改未保存。"
            "请检查文件和文件夹的权限，或把台账复制到可以写入的位置再打开。"
        )
    if code == SQLITE_CANTOPEN or "unable to open" in text:
        return StorageError(
            f"无法打开台账文件{where}：它所在的文件夹不存在或不能访问，或文件已被移走。"
            "请确认台账文件的位置后重试。"
        )
    if code == SQLITE_FULL or "disk is full" in text:
        return StorageError("磁盘空间已满，修改未保存。请清理磁盘后重试。")
    if code in (SQLITE_IOERR, SQLITE_PERM) or "i/o error" in text:
        return StorageError(
            f"读写台账文件{where}时磁盘出错，修改未保存。请检查磁盘或网络共享是否正常，然后重试。"
        )
    if code == SQLITE_CONSTRAINT or isinstance(error, sqlite3.IntegrityError):
        return _constraint(str(error))
    return LedgerError(
        f"台账数据库报告错误，操作未完成（{_first_line(error)}）。"
        f"如果反复出现，请运行 {command('verify')} 检查台账。"
    )


def busy_error(location: str | None) -> LedgerBusyError:
    """A write that waited for the lock in vain: who holds it (from its note), and what to do."""
    from . import busy  # the note beside the ledger

    sentence = busy.waiting_sentence(location) if location else "台账正在被另一个程序或窗口写入"
    return LedgerBusyError(f"{sentence}，本次操作等待后仍未能进行，修改未保存。请等其完成后再试。")


def _postgres_error(error: BaseException, location: str | None) -> LedgerError:
    code = getattr(error, "pgcode", None) or ""
    detail = _first_line(error)
    user = _user(location)
    if code == "42501":
        shared = _shared_refusal(error)
        if shared is not None:
            return shared
        return DatabaseAccessError(
            f"PostgreSQL 账户{user}没有操作台账所需的权限（{detail}），操作未完成。"
            "请数据库管理员为该账户授予台账各表的读写权限后重试。"
        )
    if code.startswith("28"):
        return DatabaseAccessError(
            f"PostgreSQL 拒绝了账户{user}的登录（用户名或密码不对，或不允许从本机登录）。"
            "请核对连接地址中的用户名和密码。"
        )
    if code in ("55P03", "40P01", "40001"):
        return busy_error(location)
    if code.startswith("53"):
        return DatabaseAccessError(
            "PostgreSQL 服务器资源不足（磁盘、内存或连接数已满），操作未完成。请联系数据库管理员。"
        )
    if code.startswith("23"):
        return _constraint(detail)
    if code.startswith("08") or not code:
        return DatabaseAccessError(
            f"与 PostgreSQL 服务器{_where(location)}的连接中断或无法建立（{detail}），操作未完成。"
            "请检查网络和服务器后重试。"
        )
    return LedgerError(
        f"PostgreSQL 报告错误，操作未完成（{detail}）。"
        f"如果反复出现，请运行 {command('verify')} 检查台账。"
    )


DENIED = re.compile(r"permission denied for (?:table|relation) \"?(\w+)\"?")


def _shared_refusal(error: BaseException) -> LedgerError | None:
    """A shared ledger's refusal in the sentence the program's own check gives: the database's
    checks say which (`sharing.refusals`); a grant missing on a ledger table is one sentence
    (a 查看 member's write, anyone's change of the journal or deletion, a misconfigured account),
    which the program's check of a 查看 member gives too."""
    from .models import ALL_MODELS
    from .sharing import refusals

    text = str(error)
    found = refusals.from_database(text)
    if found is not None:
        return found
    denied = DENIED.search(text)
    if denied is None:
        return None
    if denied.group(1) in {m._meta.table_name for m in ALL_MODELS}:
        return refusals.refuse("no_grant")
    return None


def _user(location: str | None) -> str:
    if not location or not is_url(location):
        return ""
    netloc = location.split("://", 1)[1].split("/", 1)[0]
    if "@" not in netloc:
        return ""
    return f"“{netloc.rsplit('@', 1)[0].split(':', 1)[0]}”"


def _constraint(message: str) -> LedgerDataError:
    from .labels import FIELD_LABELS, TABLE_LABELS

    match = CONSTRAINT.search(message)
    what = "数据违反了台账的约束"
    if match:
        kind, columns = match.group(1).upper(), (match.group(2) or "").split(",")
        names = []
        for column in columns:
            table, _, name = column.strip().partition(".")
            label = FIELD_LABELS.get(name.removesuffix("_id"), name)
            names.append(f"{TABLE_LABELS.get(table, table)}的“{label}”" if name else "")
        named = "、".join(n for n in names if n)
        what = {
            "UNIQUE": f"{named or '某项'}与已有的记录重复",
            "NOT NULL": f"{named or '某项'}不能为空",
            "FOREIGN KEY": "引用了台账中不存在的记录",
            "CHECK": "数据不符合台账的规则",
        }[kind]
    return LedgerDataError(
        f"数据库拒绝了这次保存：{what}，修改未保存。台账可能在程序之外被改动过，"
        f"请运行 {command('verify')} 检查。"
    )


def os_reason(error: OSError) -> str:
    """Why an OS call failed, in a few Chinese words (the system's own words if unknown)."""
    return _reason(error) or f"系统报告：{error.strerror or error}"


def _reason(error: OSError) -> str | None:
    if getattr(error, "winerror", None) == WINDOWS_SHARING_VIOLATION:
        return "正被其他程序占用"
    return OS_REASONS.get(error.errno or 0)


def _os_error(error: OSError) -> StorageError:
    reason = _reason(error)
    name = error.filename if error.filename is not None else ""
    shown = f"“{name}”" if name != "" else "文件"
    if reason is None:
        return StorageError(
            f"读写{shown}时出错（系统报告：{error.strerror or error}），操作未完成。请检查后重试。"
        )
    advice = OS_ADVICE.get(reason, "请检查后重试。")
    return StorageError(f"无法读写{shown}：{reason}，操作未完成。{advice}")


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
