"""Finding the ledger tables on a sheet: each header, the body under it, its title and 填报日期.

A sheet may hold one table, or two one under the other; each header is found by content
(headers.find_header), its body runs to the next header. Below the first table only rows that
look like a header are weighed, each distinct row once and a bounded number of them, so a sheet
of short words in every row stays linear.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from .cells import as_text, read_date
from .columns import prefer_status_words
from .headers import IGNORE, HeaderGuess, find_header, looks_like_data, may_be_header
from .reader import Sheet, column_letter
from .records import Column, Table

MAX_CANDIDATES = 1000  # distinct header-like rows weighed per sheet below its first table
FOOTER_ROWS = 12  # a 填报日期 line under a table is looked for in its last rows


def _header_like(row: list[Any]) -> bool:
    cells = [v for v in row if v is not None]
    return len(cells) >= 3 and not looks_like_data(row) and all(len(v) <= 24 for v in cells)


def _moved(guess: HeaderGuess, row: int) -> HeaderGuess:
    """A remembered guess for an identical row elsewhere, placed at `row`."""
    if guess.rows[0] == row:
        return guess
    shift = row - guess.rows[0]
    return HeaderGuess(
        tuple(r + shift for r in guess.rows), guess.headings, guess.matches, guess.score
    )


def _title(sheet: Sheet, above: range) -> str:
    for r in above:
        cells = {as_text(v) for v in sheet.rows[r] if v is not None}
        if len(cells) == 1:
            text = cells.pop()
            if not text.startswith(("填报", "单位", "日期", "注")) and len(text) <= 60:
                return text.replace("\n", "")
    return ""


_FILLED_ON = re.compile(r"(?:填报|填表|报送|统计|制表)(?:日期|时间)\s*[:：]?\s*(.*)")


def filled_on(sheet: Sheet, rows: Iterable[int]) -> dt.date | None:
    """The date of a “填报日期：2026年3月1日” line (the date in the cell or the next ones)."""
    for r in rows:
        row = sheet.rows[r] if 0 <= r < len(sheet.rows) else ()
        for c, value in enumerate(row):
            if not isinstance(value, str) or not (m := _FILLED_ON.search(value)):
                continue
            after = [m.group(1).strip()] if m.group(1).strip() else []
            for candidate in after + [v for v in row[c + 1 : c + 4] if v is not None]:
                day, _ = read_date(candidate)
                if day is not None:
                    return day
    return None


def _table(sheet: Sheet, guess: HeaderGuess, end: int, title: str) -> Table:
    width = max(
        [len(guess.headings)] + [len(sheet.rows[r]) for r in range(guess.rows[-1] + 1, end)]
    )
    columns = []
    for c in range(width):
        heading = guess.headings[c] if c < len(guess.headings) else ""
        match = guess.matches[c] if c < len(guess.matches) else None
        if not heading:
            if not any(sheet.value(r, c) is not None for r in range(guess.rows[-1] + 1, end)):
                continue
            heading = f"{column_letter(c)}列"
        if match is None and any(sheet.merged_across(r, c) for r in guess.rows):
            heading = f"{heading}（{column_letter(c)}列）"  # under a heading merged across columns
        field_name, confidence = (match.field, match.confidence) if match else (None, 0.0)
        if c in sheet.ignored:
            field_name, confidence = IGNORE, 1.0
        columns.append(Column(c, heading.replace("\n", ""), field_name, confidence))
    header_rows = tuple(r + 1 for r in guess.rows)
    return Table(sheet.name, header_rows, (guess.rows[-1] + 1, end), title, columns)


def find_tables(sheet: Sheet) -> list[Table]:
    """Every ledger table on a sheet: a header found by content, its body up to the next header.

    Below the first table only rows that look like a header (short words, one of them naming the
    problem or its measures) are weighed, each distinct row once, and at most MAX_CANDIDATES
    distinct rows per sheet: a sheet of short words in every row stays linear.
    """
    tables: list[Table] = []
    guess = find_header(sheet.rows, 0)
    previous_end = 0
    weighed: dict[tuple, HeaderGuess | None] = {}
    while guess is not None:
        nxt = None
        for r in range(guess.rows[-1] + 1, len(sheet.rows)):
            row = sheet.rows[r]
            if not _header_like(row) or not may_be_header(row):
                continue
            key = (tuple(row), tuple(sheet.rows[r + 1]) if r + 1 < len(sheet.rows) else ())
            if key not in weighed:
                if len(weighed) >= MAX_CANDIDATES:
                    break
                weighed[key] = find_header(sheet.rows, r, limit=1)
            candidate = weighed[key]
            if candidate is not None and candidate.score >= 0.6 * guess.score:
                nxt = _moved(candidate, r)
                break
        end = nxt.rows[0] if nxt else len(sheet.rows)
        top = guess.rows[0]
        title = _title(sheet, range(top - 1, max(previous_end, top - 5) - 1, -1))
        table = _table(sheet, guess, end, title)
        table.filled_on = filled_on(sheet, range(previous_end, top)) or filled_on(
            sheet, range(max(end - FOOTER_ROWS, guess.rows[-1] + 1), end)
        )
        prefer_status_words(table, sheet.rows)
        tables.append(table)
        previous_end, guess = guess.rows[-1] + 1, nxt
    return tables
