"""The open ledger as the GUI sees it: every user action goes through `Session.perform`.

`perform` calls a tracker service function, shows a refusal or validation error as a dialog that
names the field, shows warnings, and announces the resulting `Changes` so every screen refreshes
itself from the same description (widgets never write to the database).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from tracker.changes import Changes
from tracker.errors import ConflictError, LedgerError, ValidationError, WorkflowError
from tracker.ledger import Ledger

log = logging.getLogger(__name__)


class Session(QObject):
    """Holds the open ledger; emits `changed` after each successful action."""

    changed = Signal(object)  # Changes
    opened = Signal(object)  # Ledger
    closed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ledger: Ledger | None = None

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

    # -- actions ---------------------------------------------------------------------------------
    def perform(
        self, parent: QWidget | None, action: Callable[..., Changes], *args, **kwargs
    ) -> Changes | None:
        """Run one service function on the ledger. Returns its Changes, or None if it was refused."""
        if self.ledger is None:
            return None
        try:
            changes = action(self.ledger, *args, **kwargs)
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
