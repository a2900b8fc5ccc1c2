"""One writer per ledger file: a second program instance is told who holds it and opens read-only."""

from __future__ import annotations

import socket

from PySide6.QtCore import QLockFile
from PySide6.QtWidgets import QMessageBox, QWidget

from .widgets import Role, ask


class LedgerLock:
    """A lock file beside the ledger (`ledger.db.lock`); stale locks of crashed instances are taken over."""

    def __init__(self, location: str) -> None:
        self.lock = QLockFile(location + ".lock")
        self.lock.setStaleLockTime(0)  # a lock whose process is gone is stale, however young

    def acquire(self) -> bool:
        """True if this instance may write: it holds the lock, or the folder cannot hold one at all
        (a read-only folder: the ledger itself then refuses writes, in words, when opened)."""
        if self.lock.tryLock(100):
            return True
        return self.lock.error() == QLockFile.LockError.PermissionError

    def holder(self) -> str:
        """Who holds the lock, in words. `getLockInfo` returns (ok, pid, host, app) on older
        PySide6 and (pid, host, app) on 6.11 and 6.12 (measured): a leading flag is optional."""
        info = tuple(self.lock.getLockInfo())
        if info and isinstance(info[0], bool):
            info = info[1:] if info[0] else ()
        pid, host = (info + (0, ""))[:2]
        if not pid:
            return "另一个程序窗口"
        if not host or host == socket.gethostname():
            return f"本机另一个整改台账窗口（进程 {pid}）"
        return f"计算机“{host}”上的整改台账（进程 {pid}）"

    def release(self) -> None:
        if self.lock.isLocked():
            self.lock.unlock()


def offer_read_only(parent: QWidget, lock: LedgerLock) -> bool:
    """Ask whether to open a ledger someone else is writing read-only; Esc and 取消 open nothing."""
    answer = ask(
        parent,
        "台账已被打开",
        f"该台账正在被{lock.holder()}使用。",
        [("以只读方式打开", Role.AcceptRole), ("取消", Role.RejectRole)],
        default="以只读方式打开",
        escape="取消",
        details="为避免两处同时修改，这里可以以只读方式打开查看；要修改，请到正在使用它的窗口中操作。",
        icon=QMessageBox.Icon.Information,
    )
    return answer == "以只读方式打开"
