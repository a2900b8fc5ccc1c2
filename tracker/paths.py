"""Where the program keeps its files: platformdirs defaults, overridable for tests and portable use."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

import platformdirs

APP_NAME = "zhenggai"
ENV_DB = "ZHENGGAI_DB"
ENV_USER = "ZHENGGAI_USER"
ENV_DATA_DIR = "ZHENGGAI_DATA_DIR"


def data_dir() -> Path:
    """The user data directory (`ZHENGGAI_DATA_DIR` wins, for tests and portable installs)."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


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


def evidence_dir_for(location: str) -> Path:
    """Evidence files live beside a SQLite ledger (`ledger.db` → `ledger.evidence/`).

    A PostgreSQL ledger has no file to sit beside, so its evidence goes to the data directory,
    in a folder named after the database.
    """
    if is_url(location):
        safe = "".join(c if c.isalnum() else "_" for c in location.split("@")[-1])
        return data_dir() / "evidence" / safe
    path = Path(location)
    return path.with_name(path.stem + ".evidence")
