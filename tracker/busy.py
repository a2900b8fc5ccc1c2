"""Who holds a ledger's write lock for a long time, noted beside the ledger so a waiting writer can say why.

SQLite lets one writer at a time hold the lock; a second one waits (up to the busy timeout) and
then fails with "database is locked", which tells the user nothing. A long write (an import, a
restore, a demo) therefore leaves a small note file beside the ledger while it holds the lock:
what it does, for whom, since when, and its process. A writer that has to wait reads the note and
says "台账正在被王敏导入Excel（14:02起），请稍候" instead. The note is advisory: a note whose
process is gone (killed) is ignored and removed by the next holder.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from .paths import is_url
from .safe_files import process_alive

SUFFIX = ".busy"


@dataclass(frozen=True)
class Holder:
    what: str  # "导入Excel", "恢复台账" … (a verb phrase: 台账正在被{who}{what})
    who: str
    since: str  # "YYYY-MM-DD HH:MM:SS"
    pid: int
    host: str

    def sentence(self) -> str:
        """台账正在被王敏导入Excel（2026-11-30 14:02起）"""
        return f"台账正在被{self.who}{self.what}（{self.since[:16]}起）"


def note_path(location: str | os.PathLike) -> Path | None:
    """`ledger.db` → `ledger.db.busy`; None for a PostgreSQL ledger (it has no file)."""
    text = str(location)
    if is_url(text) or text.startswith("file:") or text == ":memory:":
        return None
    return Path(text + SUFFIX)


def _alive(holder: Holder) -> bool:
    if holder.host != socket.gethostname():
        return True  # a process on another PC (a shared folder): cannot tell, trust the note
    return process_alive(holder.pid)


def current(location: str | os.PathLike) -> Holder | None:
    """The live holder of a long write on this ledger, if one left a note."""
    path = note_path(location)
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        holder = Holder(**{k: data[k] for k in Holder.__dataclass_fields__})
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return holder if _alive(holder) else None


def waiting_sentence(location: str | os.PathLike) -> str:
    """Why a write has to wait, for a message: the holder's note, or a general sentence."""
    holder = current(location)
    if holder is not None:
        return holder.sentence()
    return "台账正在被另一个程序或窗口写入"


@contextlib.contextmanager
def holding(location: str | os.PathLike, what: str, who: str, since: str) -> Iterator[None]:
    """Leave a note for the duration of a long write (call it once the lock is held)."""
    path = note_path(location)
    if path is None:
        yield
        return
    holder = Holder(what, who, since, os.getpid(), socket.gethostname())
    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        temp.write_text(json.dumps(asdict(holder), ensure_ascii=False), encoding="utf-8")
        os.replace(temp, path)
    except OSError:  # a read-only folder: the write itself will say so; the note is a courtesy
        path = None
    try:
        yield
    finally:
        if path is not None:
            with contextlib.suppress(OSError):
                path.unlink()
