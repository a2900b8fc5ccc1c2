"""The open ledger as the GUI sees it: every user action goes through `Session.perform`.

`perform` calls a tracker service function, shows a refusal or validation error as a dialog that
names the field, shows warnings, and announces the resulting `Changes` so every screen refreshes
itself from the same description (widgets never write to the database). Driver and disk failures
are translated (`tracker.failures`) into the same kind of sentence. A write that finds the ledger
held by another writer (a long import in another window) does not freeze the window for the busy
timeout: it waits in a small dialog that says for whom, and saves as soon as the ledger is free.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from tracker import busy
from tracker.changes import Changes
from tracker.db import BUSY_TIMEOUT_MS
from tracker.errors import (
    ConflictError,
    LedgerBusyError,
    LedgerError,
    ValidationError,
    WorkflowError,
)
from tracker.failures import busy_error, translate
from tracker.ledger import Ledger

log = logging.getLogger(__name__)


FIRST_WAIT_MS = 1000  # how long a write waits for the lock before the wait dialog appears
POLL_MS = 250  # then: a new attempt this often …
ATTEMPT_WAIT_MS = 50  # … each waiting this long, so the dialog stays responsive


class Session(QObject):
    """Holds the open ledger; emits `changed` after each successful action."""

    changed = Signal(object)  # Changes
    opened = Signal(object)  # Ledger
    closed = Signal()
    waiting = Signal(str)  # a write waits for another writer: the sentence saying for whom

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ledger: Ledger | None = None
        self.wait_limit = 15 * 60.0  # seconds a write waits for another's long write
        # asked before each write; False stops it (the window asks for the user's name here)
        self.before_write: Callable[[QWidget | None], bool] | None = None

    # -- the ledger ------------------------------------------------------------------------------
    def open(self, ledger: Ledger) -> None:
        self.close()
        self.ledger = ledger
        self.opened.emit(ledger)

    def close(self) -> None:
        if self.ledger is not None:
            self.ledger.close()
            self.ledger = None
            self.closed.emit()

    @property
    def read_only(self) -> bool:
        return self.ledger is None or self.ledger.read_only

    def ready_to_write(self, parent: QWidget | None) -> bool:
        """Whether a write may go ahead (writes that do not go through `perform` ask too)."""
        return self.before_write is None or self.before_write(parent)

    # -- actions ---------------------------------------------------------------------------------
    def perform(
        self, parent: QWidget | None, action: Callable[..., Changes], *args, **kwargs
    ) -> Changes | None:
        """Run one service function on the ledger. Returns its Changes, or None if it was refused."""
        if self.ledger is None or not self.ready_to_write(parent):
            return None
        try:
            changes = self._write(parent, lambda: action(self.ledger, *args, **kwargs))
        except _GaveUp:
            return None
        except LedgerError as error:
            show_error(parent, error)
            if isinstance(error, ConflictError):
                self.changed.emit(
                    Changes(problems=set(), dictionaries=True)
                )  # reload what is stale
            return None
        log.info(
            "action %s by %s: %s",
            getattr(action, "__name__", action),
            self.ledger.actor,
            changes.journal_head,
        )
        if changes.warnings:
            QMessageBox.information(parent, "请注意", "\n".join(changes.warnings))
        self.changed.emit(changes)
        return changes

    # -- waiting for the write lock -------------------------------------------------------------
    def _write(self, parent: QWidget | None, call: Callable[[], Any]) -> Any:
        """Run `call`; if another writer holds the ledger, wait for it in a dialog, then run it.

        A write that could not take the lock has not changed anything (the lock is taken when its
        transaction begins), so trying it again is safe.
        """
        ledger = self.ledger
        if not ledger.is_sqlite:  # PostgreSQL: a writer waits in the server's lock queue
            return _translated(call, ledger.location)
        # a long write that left a note: no point freezing the window for a second first
        first = 0 if busy.current(ledger.location) is not None else FIRST_WAIT_MS
        try:
            with _busy_timeout(ledger, first):
                return _translated(call, ledger.location)
        except LedgerBusyError:
            pass
        return _WriteWait(parent, self, call).run()


class _GaveUp(Exception):
    """The user cancelled a write that was waiting for the lock: nothing to report."""


def _translated(call: Callable[[], Any], location: str) -> Any:
    try:
        return call()
    except Exception as error:
        known = translate(error, location)
        if known is None or known is error:
            raise
        raise known from error


@contextlib.contextmanager
def _busy_timeout(ledger: Ledger, ms: int) -> Iterator[None]:
    """SQLite's busy timeout of this thread's connection, for one attempt."""
    ledger.db.execute_sql(f"PRAGMA busy_timeout = {int(ms)}")
    try:
        yield
    finally:
        ledger.db.execute_sql(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


class _WriteWait:
    """A small dialog while a write waits for another writer; tries again until it gets through,
    the user cancels, or `Session.wait_limit` passes (then a LedgerBusyError naming the holder)."""

    def __init__(self, parent: QWidget | None, session: Session, call: Callable[[], Any]) -> None:
        self.session = session
        self.ledger = session.ledger
        self.call = call
        self.deadline = time.monotonic() + session.wait_limit
        self.outcome: tuple[str, Any] | None = None
        self.loop = QEventLoop()
        self.dialog = QProgressDialog(parent)
        self.dialog.setWindowTitle("请稍候")
        self.dialog.setRange(0, 0)
        self.dialog.setCancelButtonText("取消")
        self.dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.setMinimumDuration(0)
        self.dialog.canceled.connect(lambda: self._finish("cancelled", None))
        self.timer = QTimer()
        self.timer.setInterval(POLL_MS)
        self.timer.timeout.connect(self._attempt)

    def _say(self) -> None:
        sentence = busy.waiting_sentence(self.ledger.location)
        text = f"{sentence}。\n您的修改会在它完成后自动保存；也可以取消，稍后再试。"
        if self.dialog.labelText() != text:
            self.dialog.setLabelText(text)
            self.session.waiting.emit(text)

    def run(self) -> Any:
        self._say()
        self.dialog.show()
        self.timer.start()
        if self.outcome is None:
            self.loop.exec()
        self.timer.stop()
        self.dialog.close()
        self.dialog.deleteLater()
        kind, value = self.outcome
        if kind == "done":
            return value
        if kind == "cancelled":
            raise _GaveUp()
        raise value

    def _attempt(self) -> None:
        if self.outcome is not None:
            return
        if self.dialog.wasCanceled():  # Esc, or cancel() called without the button's signal
            self._finish("cancelled", None)
            return
        try:
            with _busy_timeout(self.ledger, ATTEMPT_WAIT_MS):
                result = _translated(self.call, self.ledger.location)
        except LedgerBusyError:
            if time.monotonic() > self.deadline:
                self._finish("failed", busy_error(self.ledger.location))
            else:
                self._say()
            return
        except BaseException as error:  # raised to `perform` by `run`
            self._finish("failed", error)
            return
        self._finish("done", result)

    def _finish(self, kind: str, value: Any) -> None:
        if self.outcome is None:
            self.outcome = (kind, value)
        self.loop.quit()


def error_title(error: LedgerError) -> str:
    if isinstance(error, ValidationError):
        return f"“{error.field}”填写有误"
    if isinstance(error, WorkflowError):
        return "不能执行此操作"
    if isinstance(error, ConflictError):
        return "数据已被他人修改"
    return "操作未完成"


def show_error(parent: QWidget | None, error: LedgerError) -> None:
    """A user-facing refusal: a dialog whose title says what kind of problem, text says what and where."""
    QMessageBox.warning(parent, error_title(error), str(error))
