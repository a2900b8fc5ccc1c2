"""Chinese date formatting: the one way every screen, report and message writes a date."""

from __future__ import annotations

import calendar
from datetime import date, datetime


def format_date(d: date | None) -> str:
    """Write a date as official documents do, "2026年6月30日", without leading zeros.

    An empty string for None lets callers fill a table cell without checking first.
    """
    if d is None:
        return ""
    return f"{d.year}年{d.month}月{d.day}日"


def format_datetime(dt: datetime | date | None) -> str:
    """Write a moment as "2026年6月30日 14:05"; minutes are enough for a journal or a 销号 time.

    A plain date is accepted and written without a time, so callers holding either kind of
    value need no branch of their own.
    """
    if dt is None:
        return ""
    if not isinstance(dt, datetime):
        return format_date(dt)
    return f"{format_date(dt)} {dt.hour:02d}:{dt.minute:02d}"


def format_stamp(stamp: str | None) -> str:
    """A stored moment ("2026-11-30 04:32:16", the journal's and the records' form) written as
    "2026年11月30日 04:32"; text that is not such a moment is returned as it is."""
    if not stamp:
        return ""
    try:
        return format_datetime(datetime.fromisoformat(stamp))
    except ValueError:
        return stamp


def format_month(year: int, month: int) -> str:
    """Write a reporting month as "2026年6月", the heading of a 月报.

    Raises ValueError for a month outside 1..12: such a heading would be a bug, not a format.
    """
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1..12, got {month}")
    return f"{year}年{month}月"


def month_end(year: int, month: int) -> date:
    """The last day of a month: “6月底” in a deadline means this day, and so does “6月”."""
    return date(year, month, calendar.monthrange(year, month)[1])
