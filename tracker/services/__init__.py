"""The user actions: each validates, writes in one transaction, journals, and returns `Changes`.

Each action lives in the module of its subject; this package names them all. The modules are
imported when an action is first used (PEP 562), so starting the program does not load them all.
"""

from __future__ import annotations

import importlib

MODULE_OF = {
    "bulk_update": "bulk_edit",
    "add_batch": "dictionaries",
    "add_entry": "dictionaries",
    "add_term": "dictionaries",
    "ensure_batch": "dictionaries",
    "ensure_term": "dictionaries",
    "rename_term": "dictionaries",
    "set_term_active": "dictionaries",
    "update_batch": "dictionaries",
    "update_person": "dictionaries",
    "add_evidence": "evidence",
    "evidence_file": "evidence",
    "remove_evidence": "evidence",
    "MeasureInput": "measures",
    "add_measure": "measures",
    "add_progress": "measures",
    "complete_measure": "measures",
    "extend_deadline": "measures",
    "reopen_measure": "measures",
    "update_measure": "measures",
    "void_measure": "measures",
    "create_problem": "problems",
    "update_problem": "problems",
    "set_unit_info": "setup",
    "approve_closure": "transitions",
    "reject_closure": "transitions",
    "reopen_problem": "transitions",
    "request_closure": "transitions",
    "restore_problem": "transitions",
    "resume_problem": "transitions",
    "set_long_term": "transitions",
    "void_problem": "transitions",
    "describe_last": "undo",
    "undo_last": "undo",
}
__all__ = sorted(MODULE_OF)


def __getattr__(name: str):
    if name not in MODULE_OF:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{MODULE_OF[name]}", __name__), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return __all__
