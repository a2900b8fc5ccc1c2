"""What the numbers were measured on: machine, operating system, library versions, code revision.

Seconds mean little without the machine beside them, and the ledger code changes under the
benchmark, so the revision (and whether the tree was dirty) is recorded too. Qt is not imported
here: the versions come from package metadata, keeping the parent process small.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
import subprocess
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _first(path: str, key: str, sep: str = ":") -> str:
    try:
        for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
            name, _, value = line.partition(sep)
            if name.strip() == key:
                return value.strip().strip('"')
    except OSError:
        pass
    return ""


def cpu_model() -> str:
    return _first("/proc/cpuinfo", "model name") or platform.processor() or platform.machine()


def ram_gb() -> str:
    kb = _first("/proc/meminfo", "MemTotal").split()
    if kb:
        return f"{int(kb[0]) / 1024 / 1024:.1f} GB"
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        return f"{pages * size / 1024**3:.1f} GB"
    except (ValueError, OSError, AttributeError):
        return "unknown"


def os_name() -> str:
    pretty = _first("/etc/os-release", "PRETTY_NAME", "=")
    return f"{pretty or platform.system()} (kernel {platform.release()})"


def version(package: str) -> str:
    for name in (package, f"{package}-Essentials"):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


def revision() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return done.stdout.strip() if done.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD")
    if not commit:
        return "unknown"
    dirty = git("status", "--porcelain", "--", "tracker", "ui", "main.py")
    return f"{commit}" + (" + uncommitted changes in tracker/ or ui/" if dirty else "")


def describe() -> list[tuple[str, str]]:
    """(label, value) pairs for the header of RESULTS.md."""
    return [
        ("date", dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")),
        ("CPU", cpu_model()),
        ("cores", str(os.cpu_count())),
        ("RAM", ram_gb()),
        ("OS", os_name()),
        ("Python", platform.python_version()),
        ("PySide6", version("PySide6")),
        ("peewee", version("peewee")),
        ("openpyxl", version("openpyxl")),
        ("lxml", version("lxml")),
        ("SQLite", sqlite3.sqlite_version),
        ("revision", revision()),
    ]
