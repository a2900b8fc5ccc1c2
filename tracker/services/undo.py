"""Undo of the user's last action, done forward: the reverse change is itself a journaled action."""

from __future__ import annotations

import datetime as dt

from ..changes import Changes
from ..errors import WorkflowError
from ..journal import Entry, entries, json_value
from ..ledger import Ledger
from ..models import JOURNALED, Journal
from ..recorder import Unit
from ..workflow import LOOKBACK_CANCELLED, M_VOID, REQUEST_WITHDRAWN, VOID

UNDO = "undo"
# Rows whose creation is undone by voiding / detaching them (nothing is ever deleted).
UNDO_CREATE = {
    "problem": ("status", VOID),
    "measure": ("status", M_VOID),
    "evidence": ("active", False),
    "branch": ("active", False),  # a branch registered by mistake is retired
    "chase": ("active", False),  # a 催办 recorded by mistake counts nowhere
    "extension_request": ("status", REQUEST_WITHDRAWN),
    "lookback": ("status", LOOKBACK_CANCELLED),  # set by the 审核通过 being undone
}
# Rows that only qualify a row above: undoing that row's creation undoes them.
UNDO_WITH_PARENT = {"chase_measure"}
# Actions that are not undone: a whole import or demo, a received report (its branch's journal
# entries are held for good; a report sent again replaces it instead), and a 抽查 draw (a draw
# taken back to get a nicer sample is what the record of draws is there to show).
NOT_UNDONE = (
    "ledger.init",
    "demo.create",
    "import",
    "report.receive",
    "sample.draw",
    "sample.redo",
)
LOOKBACK = 2000  # journal entries searched for the user's last action


def last_undoable(ledger: Ledger) -> list[Entry] | None:
    """The entries of this user's most recent action that has not been undone yet.

    Only the user's last LOOKBACK entries are read (an index on actor, seq): an undo is journaled
    under the same actor and after the action it reverses, so it is always among them.
    """
    recent = list(
        ledger.select(Journal, Journal.txn, Journal.action)
        .where(Journal.actor == ledger.actor)
        .order_by(Journal.seq.desc())
        .limit(LOOKBACK)
        .tuples()
    )
    undone = {int(action.split(":", 1)[1]) for _, action in recent if action.startswith(f"{UNDO}:")}
    for txn, action in recent:
        if action.startswith(UNDO) or txn in undone:
            continue
        if action in NOT_UNDONE:
            return None
        return list(entries(ledger.db, txn=txn))
    return None


def describe_last(ledger: Ledger) -> str | None:
    """What Ctrl+Z would undo, in words (for the menu text), or None."""
    from ..labels import action_label

    found = last_undoable(ledger)
    return action_label(found[0].action) if found else None


def undo_last(ledger: Ledger) -> Changes:
    """Reverse the user's last action. Refused when someone changed the same data since."""
    found = last_undoable(ledger)
    if not found:
        raise WorkflowError("没有可以撤销的操作。")
    txn = found[0].txn
    with Unit(ledger, f"{UNDO}:{txn}") as unit:
        for entry in reversed(found):
            for change in reversed(entry.changes):
                _reverse(unit, ledger, entry.problem, change)
    return unit.changes


def _reverse(unit: Unit, ledger: Ledger, problem: int | None, change: dict) -> None:
    table, pk = change["t"], change["id"]
    model = JOURNALED[table]
    pk_field = model._meta.primary_key
    current = model.select().where(pk_field == pk).bind(ledger.db).dicts().first()
    if change["op"] == "c":
        if table in UNDO_WITH_PARENT:
            return
        if table not in UNDO_CREATE:
            raise WorkflowError(
                "该操作新增了整改进展、延期或名录记录，不能撤销；如有错误请另行更正。"
            )
        field, value = UNDO_CREATE[table]
        values = {field: value}
        if table == "problem":
            values.update(status_reason="撤销新增", voided_from=current["status"])
        unit.update(model, pk, values, group=problem)
        return
    values = {}
    for name, (old, new) in change["f"].items():
        if json_value(current[name]) != new:
            raise WorkflowError("这条记录在此后又被修改过（可能是其他人），不能撤销。")
        values[name] = _python_value(model, name, old)
    unit.update(model, pk, values, group=problem)


def _python_value(model, name: str, value):
    """Journal values are JSON; turn dates back into dates for the update."""
    field = model._meta.fields[name]
    if value is not None and field.field_type == "DATE":
        return dt.date.fromisoformat(value)
    return value
