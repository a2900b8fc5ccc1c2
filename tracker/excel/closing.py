"""How a problem's rows decide its status on import: never closed unless the workbook closed it.

Each row's 完成情况 is read (cells.read_status) into a problem status or DONE — the measure is
finished. Only an explicit 销号 word, or a date in a 销号时间 column, crosses a problem off. A
problem whose every measure is done is 待销号: someone must still review it. Only when the user
chooses, for the whole import, to take such problems as crossed off (`done_as_closed`) are they
imported 已销号 — and every problem closed by an import carries no reviewer, which is what
tracker/import_closure.py reads as 导入时已销号.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..deadlines import Deadline
from ..workflow import (
    CLOSED,
    IN_PROGRESS,
    LISTED,
    LONG_TERM,
    M_DONE,
    M_LONG_TERM,
    M_OPEN,
    PENDING,
    STATUS_LABELS,
)
from .cells import DONE

READING_LABELS = {**STATUS_LABELS, DONE: "措施已完成"}
# How a problem came to be imported 已销号 (for the preview)
BY_WORD, BY_DATE, BY_CHOICE = "word", "date", "choice"


@dataclass(frozen=True)
class RowReading:
    """What one row says: its 完成情况 reading, whether its measure is done, kept up for good."""

    status: str | None
    done: bool = False
    long_term: bool = False

    @property
    def for_problem(self) -> str | None:
        """The row's say in its problem's status: a long-term measure keeps the problem open."""
        if self.long_term and self.status not in (CLOSED, PENDING):
            return LONG_TERM
        if self.done and self.status is None:
            return DONE
        return self.status


def measure_status(row: RowReading, deadline: Deadline) -> str:
    if row.long_term:
        return M_LONG_TERM
    if row.done or row.status in (CLOSED, PENDING, DONE):
        return M_LONG_TERM if deadline.is_ongoing else M_DONE
    if row.status == LONG_TERM or deadline.is_ongoing:
        return M_LONG_TERM
    return M_OPEN


@dataclass
class Decision:
    status: str
    all_done: bool = False  # every measure done, no 销号 written
    closed_by: str = ""  # BY_WORD / BY_DATE / BY_CHOICE when imported 已销号
    date_refused: bool = False  # a 销号时间 date the words contradict (kept in 备注)


def problem_status(
    readings: list[str | None],
    measure_statuses: list[str],
    *,
    has_progress: bool,
    has_close_date: bool,
    done_as_closed: bool,
) -> Decision:
    """The problem's status from its rows' readings (blank rows already given their reading)."""
    distinct = {r for r in readings if r is not None}
    if not distinct:
        status = None
    elif len(distinct) == 1:
        status = distinct.pop()
    elif distinct <= {CLOSED, DONE}:
        status = CLOSED  # 销号 written on the problem, 已完成 on its measures
    elif distinct <= {CLOSED, DONE, LONG_TERM}:
        status = LONG_TERM
    else:
        status = IN_PROGRESS
    if status is None and measure_statuses and all(s == M_DONE for s in measure_statuses):
        status = DONE  # no words, but every measure has its completion date
    if status == CLOSED:
        return Decision(CLOSED, closed_by=BY_WORD)
    if has_close_date and status in (None, DONE):
        return Decision(CLOSED, all_done=status == DONE, closed_by=BY_DATE)
    if status == DONE:
        if done_as_closed:
            return Decision(CLOSED, all_done=True, closed_by=BY_CHOICE)
        return Decision(PENDING, all_done=True)
    status = status or LISTED
    if status == LISTED and (has_progress or M_DONE in measure_statuses):
        status = IN_PROGRESS
    return Decision(status, date_refused=has_close_date)
