"""Starting a ledger and its reporting-unit settings (填报单位, 联系人, 电话)."""

from __future__ import annotations

from ..changes import Changes
from ..errors import ValidationError
from ..ledger import CONTACT_PERSON, CONTACT_PHONE, UNIT_NAME, Ledger
from ..models import Category, Setting, Source
from ..presets import CATEGORIES, SOURCES
from ..recorder import Unit


def initialise(
    ledger: Ledger, *, unit_name: str = "", contact_person: str = "", contact_phone: str = ""
) -> Changes:
    """Fill a brand-new ledger with its settings and the preset dictionaries (one journaled action)."""
    with Unit(ledger, "ledger.init") as unit:
        for key, value in (
            (UNIT_NAME, unit_name),
            (CONTACT_PERSON, contact_person),
            (CONTACT_PHONE, contact_phone),
        ):
            unit.create(Setting, key=key, value=value.strip())
        for order, name in enumerate(CATEGORIES, 1):
            unit.create(Category, name=name, sort_order=order)
        for order, name in enumerate(SOURCES, 1):
            unit.create(Source, name=name, sort_order=order)
    return unit.changes


def set_unit_info(
    ledger: Ledger,
    *,
    unit_name: str | None = None,
    contact_person: str | None = None,
    contact_phone: str | None = None,
) -> Changes:
    """Change the reporting unit's header lines; only the values given are touched."""
    wanted = {UNIT_NAME: unit_name, CONTACT_PERSON: contact_person, CONTACT_PHONE: contact_phone}
    if unit_name is not None and not unit_name.strip():
        raise ValidationError("填报单位", "不能为空。")
    if contact_phone and not all(c.isdigit() or c in "-+() " for c in contact_phone.strip()):
        raise ValidationError("联系电话", "只能包含数字和 - + ( ) 等符号。")
    with Unit(ledger, "settings.edit") as unit:
        existing = {k for (k,) in ledger.select(Setting, Setting.key).tuples()}
        for key, value in wanted.items():
            if value is None:
                continue
            if key in existing:
                unit.update(Setting, key, {"value": value.strip()})
            else:
                unit.create(Setting, key=key, value=value.strip())
    return unit.changes
