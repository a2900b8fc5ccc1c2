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


class LedgerDataError(LedgerError):
    """The stored data is not what the program wrote (edited outside it, or refused by a constraint)."""


class LedgerBusyError(LedgerError):
    """Another program or window holds the ledger's write lock; the message says who, if known."""


class LedgerDamagedError(LedgerError):
    """The ledger file is damaged inside (found while working, not when opening)."""


class StorageError(LedgerError):
    """A file or folder could not be read or written (permissions, a missing folder, a full disk)."""


class DatabaseAccessError(LedgerError):
    """The database server refused: no permission, wrong password, the connection lost."""


class OverwriteRefusedError(LedgerError):
    """A file of that name exists and was not made by this program: overwriting needs consent."""

    def __init__(self, message: str, path) -> None:
        super().__init__(message)
        self.path = path


class Cancelled(Exception):
    """The user cancelled a long job; nothing was written. (Here rather than in `bulk`, so that
    the GUI's job runner need not load the bulk writer at start.)"""
