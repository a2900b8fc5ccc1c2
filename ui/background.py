"""Read-only ledger queries on the thread pool, their answers applied on the GUI thread.

A file ledger can be read from a pool thread (its own SQLite connection; WAL lets readers run
beside the writer), so counts and searches never hold the window. Each kind of read has a key;
only the answer to the newest request of a key is applied, so a slow answer to an old request
never overwrites a newer one. Other ledgers (in memory, or a server) are read on the spot.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from tracker.db import sqlite_path
from tracker.ledger import Ledger

log = logging.getLogger(__name__)


class _Signals(QObject):
    done = Signal(str, int, object, bool)  # key, generation, answer, ok


class _Job(QRunnable):
    def __init__(self, signals: _Signals, key: str, generation: int, query: Callable[[], Any]):
        super().__init__()
        self.signals, self.key, self.generation, self.query = signals, key, generation, query

    def run(self) -> None:
        try:
            answer, ok = self.query(), True
        except Exception:  # a failed read must not take the window down; the old display stays
            log.exception("background read %s failed", self.key)
            answer, ok = None, False
        try:
            self.signals.done.emit(self.key, self.generation, answer, ok)
        except RuntimeError:  # the window went away (closing, exiting): no one is waiting
            pass


_held: list[_Job] | None = None  # reads waiting for the first paint; None: start them at once


def hold_reads() -> None:
    """At start-up: queue reads until `release_reads()`, so that counting does not compete with
    painting the first rows (two threads share one interpreter lock)."""
    global _held
    if _held is None:
        _held = []


def release_reads() -> None:
    """Start the queued reads; from now on reads start at once."""
    global _held
    held, _held = _held or [], None
    for job in held:
        QThreadPool.globalInstance().start(job)


def in_background(ledger: Ledger) -> bool:
    """Whether reads of this ledger can run on a pool thread."""
    return sqlite_path(ledger.db) is not None


def wait_for_reads() -> None:
    """Block until every pending read has answered (screenshots, tests); answers are applied
    when the event loop next runs."""
    release_reads()
    QThreadPool.globalInstance().waitForDone()


class BackgroundReads(QObject):
    """`read(key, ledger, query, apply)`: `apply(query())` on the GUI thread, newest request only."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = _Signals()
        self._signals.done.connect(self._deliver)
        self._generation: dict[str, int] = {}
        self._apply: dict[str, Callable[[Any], None]] = {}

    def read(
        self,
        key: str,
        ledger: Ledger,
        query: Callable[[], Any],
        apply: Callable[[Any], None],
    ) -> None:
        generation = self._generation.get(key, 0) + 1
        self._generation[key] = generation
        if not in_background(ledger):
            apply(query())
            return
        self._apply[key] = apply
        job = _Job(self._signals, key, generation, query)
        if _held is not None:
            _held.append(job)
        else:
            QThreadPool.globalInstance().start(job)

    def cancel(self, key: str) -> None:
        """Drop the answer of any pending request of `key`."""
        self._generation[key] = self._generation.get(key, 0) + 1

    def _deliver(self, key: str, generation: int, answer: Any, ok: bool) -> None:
        if ok and generation == self._generation.get(key):
            self._apply[key](answer)
