"""The user actions: each validates, writes in one transaction, journals, and returns `Changes`."""

from __future__ import annotations

from .bulk_edit import bulk_update
from .dictionaries import (
    add_batch,
    add_term,
    ensure_batch,
    ensure_term,
    rename_term,
    set_term_active,
    update_batch,
    update_person,
)
from .evidence import add_evidence, evidence_file, remove_evidence
from .measures import (
    MeasureInput,
    add_measure,
    add_progress,
    complete_measure,
    extend_deadline,
    reopen_measure,
    update_measure,
    void_measure,
)
from .problems import create_problem, update_problem
from .setup import set_unit_info
from .transitions import (
    approve_closure,
    reject_closure,
    reopen_problem,
    request_closure,
    restore_problem,
    resume_problem,
    set_long_term,
    void_problem,
)
from .undo import describe_last, undo_last

__all__ = [
    "bulk_update",
    "describe_last",
    "undo_last",
    "MeasureInput",
    "add_batch",
    "add_evidence",
    "add_measure",
    "add_progress",
    "add_term",
    "approve_closure",
    "complete_measure",
    "create_problem",
    "ensure_batch",
    "ensure_term",
    "evidence_file",
    "extend_deadline",
    "reject_closure",
    "remove_evidence",
    "rename_term",
    "reopen_measure",
    "reopen_problem",
    "request_closure",
    "restore_problem",
    "resume_problem",
    "set_long_term",
    "set_term_active",
    "set_unit_info",
    "update_batch",
    "update_measure",
    "update_person",
    "update_problem",
    "void_measure",
    "void_problem",
]
