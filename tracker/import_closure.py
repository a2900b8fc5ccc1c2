"""“导入时已销号”: a problem crossed off by an import, not by a review — the rule in one place.

The workflow closes a problem only through 审核通过, which refuses to proceed without a reviewer's
name (`workflow.refusals`), and 重新整改 clears the reviewer as it reopens the problem. So a
problem that is 已销号 with no reviewer can only have come in closed from a workbook (or been
moved to 已销号 by a re-import's --update): nothing needs storing to know it. The list, the
export, `stats` and the monthly report show and count these problems apart, so that a 销号率
raised by an import is never mistaken for closures that someone reviewed.

As with tracker/overdue.py, the Python predicate judges one row and the SQL condition asks the
same question of many rows, so every caller agrees.
"""

from __future__ import annotations

from peewee import fn

from . import workflow
from .models import Problem

MARK = "导入时已销号"  # shown instead of 已销号 in the list and the export's 完成情况
COUNT_LABEL = "其中导入时已销号"


def closed_on_import(status: str, reviewer: str | None) -> bool:
    """True for a problem that is 已销号 without anyone having reviewed its closure."""
    return status == workflow.CLOSED and not (reviewer or "").strip()


def closed_on_import_condition(model=Problem):
    """The same rule as an SQL condition on the problem table (or an alias of it)."""
    return (model.status == workflow.CLOSED) & (fn.TRIM(fn.COALESCE(model.reviewer, "")) == "")


def status_label(status: str, reviewer: str | None) -> str:
    """The status as the list and the export write it: 已销号 closed on import reads 导入时已销号."""
    if closed_on_import(status, reviewer):
        return MARK
    return workflow.STATUS_LABELS.get(status, status)
