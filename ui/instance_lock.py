"""One writer per ledger file on this machine: a second program instance is told and opens read-only."""

from __future__ import annotations

from PySide6.QtCore import QLockFile


class LedgerLock:
    """A lock file beside the ledger (`ledger.db.lock`); stale locks of crashed instances are taken over."""

    def __init__(self, location: str) -> None:
        self.lock = QLockFile(location + ".lock")
        self.lock.setStaleLockTime(0)  # a lock whose process is gone is stale, however young

    def acquire(self) -> bool:
        return self.lock.tryLock(100)

    def holder(self) -> str:
        ok, pid, host, app = self.lock.getLockInfo()
        return f"进程 {pid}（{host}）" if ok else "另一个程序窗口"

    def release(self) -> None:
        if self.lock.isLocked():
            self.lock.unlock()
