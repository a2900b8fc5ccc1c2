"""Fitting what a workbook says into the limits the forms keep (tracker/limits.py), out loud.

A text over the limit is cut, and the cut is written into the text itself (“……（原文共 32762 字，
超过 4000 字的上限，已截断）”) as well as in a warning, so nobody takes it for the whole. A name
over the limit is no name (a sentence in the wrong column, most likely): it makes no person or
department, and its words are kept in the problem's 备注. Every case is a warning naming the
sheet, row and column, in the preview before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable

from ..limits import NAME_MAX, TEXT_MAX
from .records import ProblemPlan

# label of each kind of name, as the warning says what the value could not become
NAME_KINDS = {
    "leader": "人员",
    "owner": "人员",
    "department": "部门",
    "category": "问题类别",
    "source": "问题来源",
    "batch": "整改批次",
}
Warn = Callable[[int, str, str], None]  # (0-based row, field, message)


def cut(text: str, limit: int = TEXT_MAX) -> str:
    """The text cut to `limit` characters, its end saying that it was cut and from how long."""
    if len(text) <= limit:
        return text
    note = f"……（原文共 {len(text)} 字，超过 {limit} 字的上限，已截断）"
    return text[: limit - len(note)] + note


def _cut_warning(text: str) -> str:
    return (
        f"有 {len(text)} 字，超过 {TEXT_MAX} 字的上限：只导入前面的部分，末尾注明“已截断”，"
        "请导入后核对"
    )


def fit_problem(plan: ProblemPlan, warn: Warn, label: Callable[[str], str]) -> None:
    """Bring a parsed problem within the limits; `warn(row, field, message)` says what was done."""
    first = plan.first_row - 1
    extra: list[str] = []
    for name in ("leader", "department", "category", "source", "batch"):
        value = getattr(plan, name)
        if len(value) > NAME_MAX:
            warn(first, name, _name_warning(value, name))
            extra.append(f"{label(name)}（原表）：{value}")
            setattr(plan, name, "")
            if name == "leader":
                plan.leader_post = ""
    for m in plan.measures:
        for name in ("owner", "department"):
            value = getattr(m, name)
            if len(value) > NAME_MAX:
                warn(m.row - 1, name, _name_warning(value, name))
                extra.append(f"{label(name)}（第{m.row}行）：{value}")
                setattr(m, name, "")
                if name == "owner":
                    m.owner_post = ""
        if len(m.text) > TEXT_MAX:
            warn(m.row - 1, "measure", _cut_warning(m.text))
            m.text = cut(m.text)
    for name in ("description", "cause", "target"):
        value = getattr(plan, name)
        if len(value) > TEXT_MAX:
            warn(first, name, _cut_warning(value))
            setattr(plan, name, cut(value))
    if extra:
        plan.remarks = "\n".join(filter(None, [plan.remarks, *extra]))
    if len(plan.remarks) > TEXT_MAX:
        warn(first, "remarks", "汇总后" + _cut_warning(plan.remarks))
        plan.remarks = cut(plan.remarks)


def _name_warning(value: str, name: str) -> str:
    kind = NAME_KINDS[name]
    return f"有 {len(value)} 字，超过名称 {NAME_MAX} 字的上限：不作为{kind}名称，原文记入备注"
