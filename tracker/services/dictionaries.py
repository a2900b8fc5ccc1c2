"""User-editable dictionaries: categories, sources, departments, people and review batches."""

from __future__ import annotations

import datetime as dt

from peewee import fn

from ..changes import Changes
from ..errors import NotFoundError, ValidationError
from ..ledger import Ledger
from ..limits import NAME_MAX
from ..models import Batch, Category, Department, Person, Source
from ..recorder import Unit

TERMS = {"category": Category, "source": Source, "department": Department, "person": Person}
TERM_LABELS = {"category": "问题类别", "source": "问题来源", "department": "部门", "person": "人员"}


def _model(kind: str):
    try:
        return TERMS[kind]
    except KeyError:
        raise ValueError(f"unknown dictionary kind {kind!r}") from None


def _clean_name(kind_label: str, name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError(kind_label, "名称不能为空。")
    if len(name) > NAME_MAX:
        raise ValidationError(kind_label, f"名称不能超过 {NAME_MAX} 个字。")
    return name


def find_term(ledger: Ledger, kind: str, name: str) -> int | None:
    model = _model(kind)
    row = ledger.select(model, model.id).where(model.name == name.strip()).tuples().first()
    return row[0] if row else None


def _create_term(unit: Unit, ledger: Ledger, kind: str, name: str, **extra) -> int:
    model = _model(kind)
    values = {"name": name, **extra}
    if "sort_order" in model._meta.fields:
        top = ledger.select(model, fn.MAX(model.sort_order)).scalar() or 0
        values["sort_order"] = top + 1
    return unit.create(model, **values)


def add_term(
    ledger: Ledger, kind: str, name: str, *, department: int | None = None, post: str = ""
) -> Changes:
    """Add a category, source, department or person; names are unique within their dictionary."""
    label = TERM_LABELS[kind]
    name = _clean_name(label, name)
    if find_term(ledger, kind, name) is not None:
        raise ValidationError(label, f"“{name}”已存在。")
    extra = {"department": department, "post": post.strip()} if kind == "person" else {}
    with Unit(ledger, f"{kind}.create") as unit:
        unit.changes.created_id = _create_term(unit, ledger, kind, name, **extra)
    return unit.changes


def ensure_term(unit: Unit, ledger: Ledger, kind: str, name: str | None, **extra) -> int | None:
    """Inside an action: the id of the entry called `name`, created if missing (import, demo)."""
    if not name or not name.strip():
        return None
    name = _clean_name(TERM_LABELS[kind], name)
    found = find_term(ledger, kind, name)
    return found if found is not None else _create_term(unit, ledger, kind, name, **extra)


ENTRY_LABELS = TERM_LABELS | {"batch": "整改批次"}


def entry_state(ledger: Ledger, kind: str, name: str) -> tuple[int | None, bool]:
    """(id, active) of the entry of `kind` called `name`, or (None, False) when there is none.
    `kind` is a dictionary kind or "batch" (batches are never retired)."""
    model = Batch if kind == "batch" else _model(kind)
    row = (
        ledger.select(model, model.id, *([model.active] if kind != "batch" else []))
        .where(model.name == (name or "").strip())
        .tuples()
        .first()
    )
    if row is None:
        return None, False
    return row[0], bool(row[1]) if kind != "batch" else True


def add_entry(ledger: Ledger, kind: str, name: str) -> Changes:
    """A new name typed into a picker of a form (问题类别, 问题来源, 整改批次, 人员, 部门), added
    on the spot: the same action, limits and journal entry as adding it in 名录. A retired entry
    of that name is brought back into use instead (names are unique, and it is the same thing)."""
    if kind not in ENTRY_LABELS:
        raise ValueError(f"unknown dictionary kind {kind!r}")
    label = ENTRY_LABELS[kind]
    name = _clean_name(label, name)
    found, active = entry_state(ledger, kind, name)
    if found is None:
        return add_batch(ledger, name) if kind == "batch" else add_term(ledger, kind, name)
    if active:
        raise ValidationError(label, f"“{name}”已存在。")
    changes = set_term_active(ledger, kind, found, True)
    changes.created_id = found
    return changes


def rename_term(ledger: Ledger, kind: str, term_id: int, new_name: str) -> Changes:
    label = TERM_LABELS[kind]
    new_name = _clean_name(label, new_name)
    other = find_term(ledger, kind, new_name)
    if other is not None and other != term_id:
        raise ValidationError(label, f"“{new_name}”已存在。")
    with Unit(ledger, f"{kind}.edit") as unit:
        unit.update(_model(kind), term_id, {"name": new_name})
    return unit.changes


def set_term_active(ledger: Ledger, kind: str, term_id: int, active: bool) -> Changes:
    """Entries are retired, never deleted: old problems keep pointing at them."""
    with Unit(ledger, f"{kind}.edit") as unit:
        unit.update(_model(kind), term_id, {"active": bool(active)})
    return unit.changes


def update_person(
    ledger: Ledger, person_id: int, *, department: int | None = None, post: str | None = None
) -> Changes:
    values = {}
    if department is not None:
        values["department"] = department
    if post is not None:
        values["post"] = post.strip()
    with Unit(ledger, "person.edit") as unit:
        unit.update(Person, person_id, values)
    return unit.changes


# -- review batches ---------------------------------------------------------------------------
def find_batch(ledger: Ledger, name: str) -> int | None:
    row = ledger.select(Batch, Batch.id).where(Batch.name == name.strip()).tuples().first()
    return row[0] if row else None


def _batch_values(
    name: str, source: int | None, held_on: dt.date | None, doc_no: str, note: str
) -> dict:
    return {
        "name": _clean_name("整改批次", name),
        "source": source,
        "held_on": held_on,
        "doc_no": (doc_no or "").strip(),
        "note": (note or "").strip(),
    }


def add_batch(
    ledger: Ledger,
    name: str,
    *,
    source: int | None = None,
    held_on: dt.date | None = None,
    doc_no: str = "",
    note: str = "",
) -> Changes:
    values = _batch_values(name, source, held_on, doc_no, note)
    if find_batch(ledger, values["name"]) is not None:
        raise ValidationError("整改批次", f"“{values['name']}”已存在。")
    with Unit(ledger, "batch.create") as unit:
        unit.changes.created_id = unit.create(Batch, **values)
    return unit.changes


def ensure_batch(unit: Unit, ledger: Ledger, name: str | None, **values) -> int | None:
    if not name or not name.strip():
        return None
    found = find_batch(ledger, name)
    if found is not None:
        return found
    return unit.create(
        Batch,
        **_batch_values(
            name,
            values.get("source"),
            values.get("held_on"),
            values.get("doc_no", ""),
            values.get("note", ""),
        ),
    )


def update_batch(ledger: Ledger, batch_id: int, **fields) -> Changes:
    allowed = {"name", "source", "held_on", "doc_no", "note"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"unknown batch fields {sorted(unknown)}")
    if "name" in fields:
        fields["name"] = _clean_name("整改批次", fields["name"])
        other = find_batch(ledger, fields["name"])
        if other is not None and other != batch_id:
            raise ValidationError("整改批次", f"“{fields['name']}”已存在。")
    if ledger.select(Batch, Batch.id).where(Batch.id == batch_id).first() is None:
        raise NotFoundError(f"整改批次 {batch_id} 不存在。")
    with Unit(ledger, "batch.edit") as unit:
        unit.update(Batch, batch_id, fields)
    return unit.changes
