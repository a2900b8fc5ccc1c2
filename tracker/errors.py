"""The exceptions the ledger raises; their messages are Chinese and meant for the user as they are."""

from __future__ import annotations


class LedgerError(Exception):
    """Base class: `str(error)` is a complete sentence a user can act on."""


class ValidationError(LedgerError):
    """A value the user gave is not acceptable; names the field so the GUI can point at it."""

    def __init__(self, field: str, message: str, *, where: str | None = None) -> None:
        self.field = field
        self.message = message
        self.where = where
        prefix = f"{where}：" if where else ""
        super().__init__(f"{prefix}「{field}」{message}")


class WorkflowError(LedgerError):
    """A status change the workflow does not allow now; the message says why."""


class SamePersonError(WorkflowError):
    """The reviewer is the one who requested the 销号: allowed on a single-user ledger only after
    the user confirms (the call is repeated with `same_person_confirmed=True`)."""


class ConflictError(LedgerError):
    """The record changed underneath the caller (another user or program saved first)."""


class NotFoundError(LedgerError):
    """A code or id that names nothing in this ledger."""


class LedgerOpenError(LedgerError):
    """The database could not be opened as a ledger: missing, foreign, damaged or locked."""


class ReadOnlyError(LedgerError):
    """A write was attempted on a ledger opened read-only (a past snapshot, or a second instance)."""
