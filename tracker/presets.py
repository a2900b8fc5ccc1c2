"""The dictionaries a new ledger starts with (all user-editable afterwards)."""

from __future__ import annotations

CATEGORIES = [
    "政治建设",
    "思想建设",
    "组织建设",
    "作风建设",
    "纪律建设",
    "制度建设",
    "形式主义",
    "官僚主义",
    "享乐主义",
    "奢靡之风",
]

SOURCES = [
    "组织生活会",
    "民主生活会",
    "巡视反馈",
    "巡察反馈",
    "作风整顿",
    "主题教育检视",
    "上级督查",
    "群众反映",
    "自查",
]
