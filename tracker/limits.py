"""How long a text or a name may be: one definition for the forms, the services and the import."""

from __future__ import annotations

TEXT_MAX = 4000  # a problem's description, cause, target and remarks; a measure's text
NAME_MAX = 60  # a person, department, category, source or batch name


def clean_text(value: str | None, label: str, limit: int = TEXT_MAX, *, required=False) -> str:
    """`value` without surrounding space; a ValidationError naming `label` when it is empty but
    `required`, or longer than `limit`."""
    from .errors import ValidationError

    text = (value or "").strip()
    if required and not text:
        raise ValidationError(label, "不能为空。")
    if len(text) > limit:
        raise ValidationError(label, f"不能超过 {limit} 个字（现在有 {len(text)} 个字）。")
    return text
