"""Long work off the GUI thread: a worker per job, a progress dialog with cancel, results by signal.

Workers get plain data (paths, ids, dataclasses) and a `progress(done, total) -> bool` callback;
returning False asks the job to stop (tracker jobs then raise `tracker.bulk.Cancelled`). The
signals are owned by a QObject living in the main thread, so every GUI update happens there.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from tracker.errors import Cancelled
from tracker.failures import translate

log = logging.getLogger(__name__)
INT_MAX = 2**31 - 1


class _Signals(QObject):
    progress = Signal(int, int)
    finished = Signal(object)
    failed = Signal(object)  # LedgerError, Cancelled or (exception, traceback text)


class _Job(QRunnable):
    def __init__(
        self,
        fn: Callable[..., Any],
        signals: _Signals,
        cancel: threading.Event,
        location: str | None = None,
    ) -> None:
        super().__init__()
        self.fn = fn
        self.signals = signals
        self.cancel = cancel
        self.location = location  # the ledger worked on: named in a translated failure

    def _progress(self, done: int, total: int) -> bool:
        if total > INT_MAX:  # bytes of a large evidence folder: Qt's progress values are 32-bit
            scale = total // INT_MAX + 1
            done, total = done // scale, total // scale
        self.signals.progress.emit(int(done), int(total))
        return not self.cancel.is_set()

    def run(self) -> None:
        try:
            result = self.fn(self._progress)
        except Cancelled as error:
            self.signals.failed.emit(error)
        except Exception as error:
            known = translate(error, self.location)  # a LedgerError, or a driver/OS failure
            if known is not None:
                if known is not error:
                    log.warning("background job failed: %s", known, exc_info=error)
                self.signals.failed.emit(known)
                return
            log.exception("background job failed")  # a bug: shown with its traceback, logged
            self.signals.failed.emit((error, traceback.format_exc()))
        else:
            self.signals.finished.emit(result)


class Operation(QObject):
    """One background job with its progress dialog. Keep a reference until it finishes."""

    finished = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        fn: Callable[[Callable[[int, int], bool]], Any],
        *,
        cancellable: bool = True,
        delay_ms: int = 300,
        location: str | None = None,
    ) -> None:
        super().__init__(parent)
        self._cancel = threading.Event()
        self._signals = _Signals()
        self.dialog = QProgressDialog(title, "取消" if cancellable else None, 0, 0, parent)
        self.dialog.setWindowTitle("请稍候")
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(delay_ms)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.dialog.canceled.connect(self._cancel.set)
        self._signals.progress.connect(self._on_progress)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self._job = _Job(fn, self._signals, self._cancel, location)
        self.done = False

    def start(self) -> Operation:
        _RUNNING.add(self)
        QThreadPool.globalInstance().start(self._job)
        return self

    def cancel(self) -> None:
        self._cancel.set()

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.dialog.setMaximum(total)
            self.dialog.setValue(min(done, total))

    def _finish(self) -> None:
        self.done = True
        self.dialog.close()
        _RUNNING.discard(self)

    def _on_finished(self, result: Any) -> None:
        self._finish()
        self.finished.emit(result)

    def _on_failed(self, error: Any) -> None:
        self._finish()
        self.failed.emit(error)


_RUNNING: set[Operation] = set()


def run_in_background(
    parent: QWidget | None,
    title: str,
    fn: Callable[[Callable[[int, int], bool]], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Any], None] | None = None,
    *,
    cancellable: bool = True,
    location: str | None = None,
) -> Operation:
    """Start `fn(progress)` in the pool; `on_done(result)` / `on_error(error)` run on the GUI thread.

    `location`, the ledger the job works on, lets a failure name it (or who holds its lock)."""
    from .errors import report_failure

    op = Operation(parent, title, fn, cancellable=cancellable, location=location)
    op.finished.connect(on_done)
    op.failed.connect(on_error or (lambda error: report_failure(parent, error)))
    return op.start()
