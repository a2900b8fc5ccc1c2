"""One user action as one transaction: row writes and the journal entries describing them, together.

Service functions never write rows any other way, so the journal cannot miss a change: every
insert records the full row, every update records each changed field as [old, new].
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from peewee import DateField, Model

from . import journal, nearest_due, search_index
from .changes import Changes
from .db import write_transaction
from .errors import ConflictError, NotFoundError, ReadOnlyError
from .journal import json_value
from .labels import FIELD_LABELS
from .ledger import Ledger
from .models import JOURNALED, UNJOURNALED_FIELDS, Measure, Problem, Progress
from .sharing import rules

TABLE_OF = {model: name for name, model in JOURNALED.items()}


@functools.cache
def journaled_fields(model: type[Model]) -> list:
    """The model's columns that the journal records (cached: asked once per row written)."""
    return [f for f in model._meta.sorted_fields if f.name not in UNJOURNALED_FIELDS]


def column_value(field, value: Any) -> Any:
    """What the column will really hold: a datetime given for a date column keeps only its date."""
    if isinstance(value, dt.datetime) and isinstance(field, DateField):
        return value.date()
    return value


@functools.cache
def _row_plan(model: type[Model]) -> tuple[dict[str, Any], dict[str, Any], list[tuple[str, Any]]]:
    """(every journaled field's default in journal form, in column order; the fields by name;
    the fields whose default is made per row)."""
    fields = journaled_fields(model)
    dynamic = [(f.name, f.default) for f in fields if callable(f.default)]
    template = {f.name: None if callable(f.default) else json_value(f.default) for f in fields}
    return template, {f.name: f for f in fields}, dynamic


def journaled_defaults(model: type[Model]) -> dict[str, Any]:
    """Every journaled column's default in journal form (None where it is made per row)."""
    return _row_plan(model)[0]


_PLAIN = journal._PLAIN


def row_values(model: type[Model], values: dict[str, Any]) -> dict[str, Any]:
    """A complete row (defaults filled in) in journal form, so replay needs nothing but the journal.

    Bulk writers ask this for every row they make: the row starts as a copy of the defaults and
    takes the given values, plain ones (text, numbers, ids: most of them) as they are.
    """
    template, fields, dynamic = _row_plan(model)
    out = template.copy()
    for name, value in values.items():
        if type(value) in _PLAIN:
            if name in out:
                out[name] = value
        elif name in out:
            out[name] = json_value(column_value(fields[name], value))
    for name, make in dynamic:
        if name not in values:
            out[name] = json_value(make())
    return out


class Unit:
    """`with Unit(ledger, "problem.edit") as unit:` — writes inside, journal appended on success."""

    def __init__(self, ledger: Ledger, action: str) -> None:
        if ledger.read_only:
            raise ReadOnlyError("此台账以只读方式打开，不能修改。")
        self.ledger = ledger
        self.db = ledger.db
        self.action = action
        self.changes = Changes()
        self._groups: dict[int | None, list[dict]] = {}
        self._actions: dict[int | None, str] = {}
        self._tx = None
        self._searched: dict[str, set[int]] = {
            "problem": set(),
            "measure": set(),
            "progress": set(),
        }
        self._due: set[int] = set()  # problems whose nearest open deadline may have moved

    def __enter__(self) -> Unit:
        self._tx = write_transaction(self.db)
        self._tx.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is None and self._groups:
            groups = [(self._actions[key], key, items) for key, items in self._groups.items()]
            try:
                if any(self._searched.values()) and search_index.available(self.db):
                    search_index.refresh(self.db, self._searched_problems())
                if self._due:
                    nearest_due.refresh(self.db, self._due)
                head = journal.append(self.db, self.ledger.stamp(), self.ledger.actor, groups)
            except BaseException as error:
                self._tx.__exit__(type(error), error, error.__traceback__)
                raise
            self.changes.journal_head = head.code
        self._tx.__exit__(exc_type, exc, tb)
        return False

    # -- recording ----------------------------------------------------------------------------
    def _record(self, problem: int | None, item: dict, action: str | None = None) -> None:
        self._groups.setdefault(problem, []).append(item)
        self._actions.setdefault(problem, action or self.action)
        if problem is not None:
            self.changes.problems.add(problem)

    def create(self, model: type[Model], *, group: int | None = None, **values: Any) -> int:
        """Insert a row and journal all of its fields; returns the new id (or key).

        `group` is the problem the row belongs to (its history); rows with a `problem` column
        and problems themselves find it on their own.
        """
        values = {k: column_value(model._meta.fields[k], v) for k, v in values.items()}
        row = row_values(model, values)
        if self.ledger.member is not None:  # a shared ledger: the check the database makes too
            rules.check(self.ledger, TABLE_OF[model], "c", None, row)
        pk_name = model._meta.primary_key.name
        new_id = model.insert(**values).execute(self.db)
        if pk_name in values:
            new_id = values[pk_name]
        if model is Problem:
            group = new_id
        elif group is None and "problem" in values:
            group = values["problem"]
        if model is Measure:
            self.changes.measures.add(new_id)
            self._due.add(values.get("problem"))
        self._record(group, {"t": TABLE_OF[model], "id": new_id, "op": "c", "f": row})
        self._mark(model)
        self._search_touch(model, new_id, values)
        return new_id

    def update(
        self,
        model: type[Model],
        pk: Any,
        values: dict[str, Any],
        *,
        group: int | None = None,
        expected_version: int | None = None,
    ) -> dict[str, list]:
        """Change some fields of one row; journals only what really changed. Returns the diffs."""
        pk_field = model._meta.primary_key
        current = model.select().where(pk_field == pk).bind(self.db).dicts().first()
        if current is None:
            raise NotFoundError(f"要修改的记录不存在（{TABLE_OF[model]} {pk}）。")
        has_version = "version" in model._meta.fields
        if has_version and expected_version is not None and current["version"] != expected_version:
            raise ConflictError(_conflict_message(model, current, values))
        diffs = {}
        values = {k: column_value(model._meta.fields[k], v) for k, v in values.items()}
        for name, new in values.items():
            old_json, new_json = json_value(current[name]), json_value(new)
            if old_json != new_json:
                diffs[name] = [old_json, new_json]
        if not diffs:
            return {}
        if self.ledger.member is not None:
            rules.check(self.ledger, TABLE_OF[model], "u", current, {**current, **values})
        update = {model._meta.fields[name]: values[name] for name in diffs}
        query = model.update(update).where(pk_field == pk)
        if has_version:
            update[model.version] = model.version + 1
            query = model.update(update).where(
                (pk_field == pk) & (model.version == current["version"])
            )
        if query.execute(self.db) != 1:
            raise ConflictError(_conflict_message(model, current, values))
        if model is Problem:
            group = pk
        elif group is None and "problem" in current:
            group = current["problem"]
        if model is Measure:
            self.changes.measures.add(pk)
            if nearest_due.MEASURE_FIELDS & diffs.keys():
                self._due.update((current["problem"], values.get("problem")))
        self._record(group, {"t": TABLE_OF[model], "id": pk, "op": "u", "f": diffs})
        self._mark(model)
        self._search_touch(model, pk, diffs, current)
        return diffs

    def _search_touch(self, model, pk, names, current: dict | None = None) -> None:
        """Note a row whose change alters a problem's search document (refreshed on success)."""
        table = TABLE_OF[model]
        searched = search_index.SEARCHED.get(table)
        if searched is None or (current is not None and not any(n in names for n in searched)):
            return
        self._searched[table].add(pk)
        parent = {"measure": "problem", "progress": "measure"}.get(table)
        if current is not None and parent in names:  # moved: the old parent's document changes too
            self._searched["problem" if table == "measure" else "measure"].add(current[parent])

    def _searched_problems(self) -> set[int]:
        found = set(self._searched["problem"])
        measures = set(self._searched["measure"])
        if self._searched["progress"]:
            query = Progress.select(Progress.measure).where(
                Progress.id.in_(list(self._searched["progress"]))
            )
            measures.update(mid for (mid,) in query.bind(self.db).tuples())
        if measures:
            query = Measure.select(Measure.problem).where(Measure.id.in_(list(measures)))
            found.update(pid for (pid,) in query.bind(self.db).tuples())
        return found

    def _mark(self, model: type[Model]) -> None:
        table = TABLE_OF[model]
        if table == "setting":
            self.changes.settings = True
        elif table in {"category", "source", "department", "person", "batch"}:
            self.changes.dictionaries = True
        elif table in {"branch", "received_report"}:
            self.changes.committee = True
        elif table == "member":
            self.changes.members = True


def _conflict_message(model: type[Model], current: dict, values: dict | None = None) -> str:
    """Who wins is not guessed: the message shows, field by field, what the ledger holds now
    and what this save would have written, so the user can redo their edit on the new text."""
    what = f"问题 {current['code']}" if model is Problem else "该整改措施"
    lines = [f"{what}已被其他人或其他窗口修改过，请刷新后再改（本次修改未保存）。"]
    for name, mine in (values or {}).items():
        theirs = current.get(name)
        if json_value(theirs) == json_value(mine) or name == "version":
            continue
        label = FIELD_LABELS.get(name, name)
        lines.append(f"{label}：\n  台账中现在是：{_shown(theirs)}\n  您的修改是：{_shown(mine)}")
    return "\n".join(lines)


def _shown(value: Any, limit: int = 300) -> str:
    if value is None or value == "":
        return "（空）"
    text = str(json_value(value))
    return f"“{text[:limit]}{'…' if len(text) > limit else ''}”"
