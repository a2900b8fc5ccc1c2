"""Where the program keeps its files: platformdirs defaults, overridable for tests and portable use."""

from __future__ import annotations

import contextlib
import getpass
import os
import re
import sys
from pathlib import Path
from urllib.parse import quote, unquote

import platformdirs

from .errors import StorageError

APP_NAME = "zhenggai"
ENV_DB = "ZHENGGAI_DB"
ENV_USER = "ZHENGGAI_USER"
ENV_DATA_DIR = "ZHENGGAI_DATA_DIR"
PORTABLE_MARKER = "portable"  # a file of this name beside the program: data beside it too
PORTABLE_DATA = "data"


def data_dir() -> Path:
    """The user data directory: `ZHENGGAI_DATA_DIR` (or `--data-dir`) if set, else the
    portable `data` folder when the program is used portably, else the system's place for it."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    portable = portable_data_dir()
    if portable is not None:
        return portable
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def program_dir() -> Path | None:
    """The folder of the bundled program (PyInstaller sets `sys.frozen`; `sys.executable` is
    then our own executable, not a Python). None when run from source or a virtualenv."""
    if not getattr(sys, "frozen", False):
        return None
    return Path(sys.executable).resolve().parent


def portable_data_dir() -> Path | None:
    """`data` beside the program when a file named `portable` sits there: ledgers, settings,
    logs and evidence all stay in the program's folder (a USB stick, a PC where nothing may be
    installed). Only a bundle can be portable: a source checkout has its data dir flag."""
    folder = program_dir()
    if folder is None or not (folder / PORTABLE_MARKER).exists():
        return None
    return folder / PORTABLE_DATA


def default_db_location() -> str:
    """`ZHENGGAI_DB` if set, else `ledger.db` in the data directory."""
    return os.environ.get(ENV_DB) or str(data_dir() / "ledger.db")


def demo_db_path() -> Path:
    return data_dir() / "demo.db"


def log_dir() -> Path:
    return data_dir() / "logs"


def default_actor() -> str:
    """The name recorded on every change: `ZHENGGAI_USER`, else the OS login name."""
    name = os.environ.get(ENV_USER)
    if name and name.strip():
        return name.strip()
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): still record something honest
        return "未知用户"


def is_url(location: str) -> bool:
    return "://" in location


# -- secrets in a database URL ------------------------------------------------------------------
# Query parameters that say where the database is; every other one (password, sslmode, options …)
# is left out of names derived from a URL.
WHERE_PARAMS = ("host", "hostaddr", "port", "dbname", "database")
SECRET_PARAMS = ("password", "passwd", "pwd", "passfile", "sslpassword")
_SECRET_QUERY = re.compile(r"(?i)([?&](?:" + "|".join(SECRET_PARAMS) + r")=)([^&#]*)")


def redact(location: str) -> str:
    """A location fit to show or log: a password in a URL, as `user:password@` or as a query
    parameter (`?password=…`), is replaced by `***`. A file path is returned as it is."""
    text = str(location)
    if not is_url(text):
        return text
    scheme, rest = text.split("://", 1)
    netloc, sep, tail = _split_netloc(rest)
    if "@" in netloc:
        creds, host = netloc.rsplit("@", 1)
        if ":" in creds:
            creds = creds.split(":", 1)[0] + ":***"
        netloc = f"{creds}@{host}"
    return _SECRET_QUERY.sub(r"\1***", f"{scheme}://{netloc}{sep}{tail}")


def secrets_in(location: str) -> list[str]:
    """The passwords a location carries (to scrub them from a driver's message as well)."""
    text = str(location)
    if not is_url(text):
        return []
    found = [unquote(m.group(2)) for m in _SECRET_QUERY.finditer(text) if m.group(2)]
    netloc = _split_netloc(text.split("://", 1)[1])[0]
    if "@" in netloc:
        creds = netloc.rsplit("@", 1)[0]
        if ":" in creds and creds.split(":", 1)[1]:
            found.append(unquote(creds.split(":", 1)[1]))
    return [f for f in {*found, *(quote(f, safe="") for f in found)} if f]


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>]+")


def redact_urls(text: str) -> str:
    """Every URL in a free text (a log line, a traceback) with its password hidden."""
    return _URL.sub(lambda m: redact(m.group(0)), text)


def scrub(text: str, location: str | None) -> str:
    """`text` with the location shown redacted and any password it carries removed."""
    if not location or not is_url(location):
        return text
    text = text.replace(location, redact(location))
    for secret in secrets_in(location):
        text = text.replace(secret, "***")
    return text


def _split_netloc(rest: str) -> tuple[str, str, str]:
    """`user:pw@host:5432/db?x=1` → ("user:pw@host:5432", "/", "db?x=1")."""
    for i, ch in enumerate(rest):
        if ch in "/?#":
            return rest[:i], ch, rest[i + 1 :]
    return rest, "", ""


def _where_only(location: str) -> str:
    """A URL with its credentials and every query parameter but the server's address removed."""
    scheme, rest = location.split("://", 1)
    netloc, sep, tail = _split_netloc(rest)
    host = netloc.rsplit("@", 1)[-1]
    path, _, query = (sep + tail).partition("?")
    kept = [p for p in query.split("&") if p.split("=", 1)[0].lower() in WHERE_PARAMS]
    return f"{scheme}://{host}{path}" + (f"?{'&'.join(kept)}" if kept else "")


# -- evidence folders ---------------------------------------------------------------------------
def _folder_name(url: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in url.split("@")[-1].split("://")[-1])


def evidence_dir_for(location: str) -> Path:
    """Evidence files live beside a SQLite ledger (`ledger.db` → `ledger.evidence/`).

    A PostgreSQL ledger has no file to sit beside, so its evidence goes to the data directory,
    in a folder named after the server and database: never after credentials or other query
    parameters (a password would otherwise end up in a folder name).
    """
    if is_url(location):
        return data_dir() / "evidence" / _folder_name(_where_only(location))
    path = Path(location)
    return path.with_name(path.stem + ".evidence")


def legacy_evidence_dir(location: str) -> Path | None:
    """Where versions before 2026-12 kept a PostgreSQL ledger's evidence, if that differs."""
    if not is_url(location):
        return None
    old = (
        data_dir()
        / "evidence"
        / "".join(c if c.isalnum() else "_" for c in location.split("@")[-1])
    )
    return None if old == evidence_dir_for(location) else old


def adopt_legacy_evidence(location: str) -> None:
    """Move an older program's evidence folder of this PostgreSQL ledger (named with the whole
    URL, password included) to the folder `evidence_dir_for` names; files already there win.

    Moved rather than kept in use: the old name is what gave the password away.
    """
    old = legacy_evidence_dir(location)
    if old is None or not old.is_dir():
        return
    new = evidence_dir_for(location)
    if not new.exists():
        os.replace(old, new)
        return
    for source in sorted(old.rglob("*")):
        target = new / source.relative_to(old)
        if source.is_file() and not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    for folder in sorted((p for p in old.rglob("*") if p.is_dir()), reverse=True):
        with contextlib.suppress(OSError):
            folder.rmdir()
    with contextlib.suppress(OSError):
        old.rmdir()


# -- the folder of a file the user names ---------------------------------------------------------
def require_folder(path: str | os.PathLike, what: str) -> Path:
    """The one rule for files the user names (a new ledger, a demo, an export, a report, a
    backup): the folder must already exist. The program creates only its own data directory.

    Returns the path; raises StorageError naming the folder otherwise. `what` names the file in
    the message: "台账", "导出的台账", "备份" …
    """
    target = Path(path)
    folder = target.parent
    if folder.is_dir():
        return target
    if _inside(folder, data_dir()):
        folder.mkdir(parents=True, exist_ok=True)
        return target
    if folder.exists():
        raise StorageError(
            f"“{folder}” 是一个文件，不是文件夹，无法在其中保存{what}。请换一个位置。"
        )
    raise StorageError(
        f"文件夹“{folder}”不存在，无法保存{what}。请先建好这个文件夹，或换一个位置"
        "（本程序只在自己的数据目录中新建文件夹）。"
    )


def _inside(folder: Path, root: Path) -> bool:
    try:
        folder.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True
