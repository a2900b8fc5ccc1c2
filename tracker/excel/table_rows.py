"""A ledger table's body as rows: which rows make each problem, and the cells of a row by field.

A problem spans one or more rows: a fresh 问题描述 starts one, and rows below it whose problem cells
are merged down or simply left blank add measures to it. Footnotes, signature lines and blank
rows are passed over; a one-cell section line (“一、政治建设方面”) names the category of the rows
after it when the table has no category of its own.
"""

from __future__ import annotations

import re
from typing import Any

from .cells import as_text
from .headers import CHOICES, IGNORE
from .reader import Sheet
from .records import ImportWarning, Table

_FOOTER = re.compile(
    r"^(?:注|说明|备注|填表人|填报人|制表人|审核人|审核|联系人|联系电话|电话|负责人|主要负责人|"
    r"签字|签名|盖章|单位盖章|填报日期|报送日期|日期|附件|附)\s*[0-9一二三四五六七八九十]*\s*[:：（(.、]"
)
_SECTION = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十]+[)）])")
_SECTION_TAIL = re.compile(r"(?:方面|领域)?(?:的?问题)?(?:[（(][^）)]*[）)])?$")


def section_title(text: str) -> str:
    """“一、政治建设方面（3个）” → “政治建设”."""
    text = _SECTION.sub("", text.strip()).strip()
    return _SECTION_TAIL.sub("", text).strip()


class TableRows:
    """One table's body: cells by field, the rows of each problem, warnings as they arise."""

    def __init__(self, sheet: Sheet, table: Table) -> None:
        self.sheet, self.table = sheet, table
        self.cols = {c.field: c for c in table.columns if c.field and c.field != IGNORE}
        self._index = {name: col.index for name, col in self.cols.items()}
        self._rows, self._merged_from = sheet.rows, sheet.merged_from
        self.extra = [c for c in table.columns if c.field is None and c.heading]
        self.warnings: list[ImportWarning] = []

    # -- cells -----------------------------------------------------------------------------------
    def value(self, r: int, name: str, *, fresh: bool = False) -> Any:
        """The cell of field `name` in row r; with `fresh`, None for a merge continued from above."""
        c = self._index.get(name)  # what Sheet.merged_down and Sheet.value do, inlined: hot
        if c is None:
            return None
        if fresh:
            anchor = self._merged_from.get((r, c))
            if anchor is not None and anchor[0] < r:
                return None
        rows = self._rows
        if r < len(rows):
            row = rows[r]
            if c < len(row):
                return row[c]
        return None

    def warn(self, r: int | None, name: str | None, message: str) -> None:
        col = self.cols.get(name) if name else None
        heading = (
            (col.heading or CHOICES.get(name, "")) if col else (CHOICES.get(name) if name else None)
        )
        self.warnings.append(
            ImportWarning(self.sheet.name, r + 1 if r is not None else None, heading, message)
        )

    def firsts(self, rows: list[int], name: str) -> list[tuple[int, Any]]:
        """Distinct values of a problem-level field in the rows, merges counted once."""
        seen, out = set(), []
        for r in rows:
            v = self.value(r, name, fresh=True)
            if v is None:
                continue
            key = as_text(v)
            if key not in seen:
                seen.add(key)
                out.append((r, v))
        return out

    # -- rows ------------------------------------------------------------------------------------
    def _is_footer(self, row: list[Any]) -> bool:
        """A note or signature line (注：…, 填表人：…) written from the table's left edge; the
        same words further right are a continuation row's content (a progress “说明：…”)."""
        c, first = next(((c, v) for c, v in enumerate(row) if v is not None), (0, None))
        if not isinstance(first, str) or not _FOOTER.match(first):
            return False
        return c <= self._footer_edge

    @property
    def _footer_edge(self) -> int:
        """The last column a footnote may start in: left of the problem's own text."""
        description = self.cols.get("description")
        first = min(col.index for col in self.table.columns)
        return max(first, description.index - 1) if description else first

    def _section(self, r: int, row: list[Any]) -> str | None:
        """A one-cell line inside the table (a section heading or the next table's title).

        Returns the category it names (“一、政治建设方面” → 政治建设), "" for a line that names
        none, or None when the row is data: a continuation row holds its one cell elsewhere.
        """
        cells = [(c, v) for c, v in enumerate(row) if v is not None]
        first = cells[0][1]
        if not isinstance(first, str):  # a data row starts with its 序号 (checked first: cheap)
            return None
        key = as_text(first)
        if any(v != first and as_text(v) != key for _, v in cells[1:]):
            return None  # more than one distinct text
        c, text = cells[0]
        across = len(cells) >= 3 and all(self.sheet.merged_across(r, cc) for cc, _ in cells[1:])
        first_col = min(col.index for col in self.table.columns)
        if not across and c != first_col:
            return None
        heading = _SECTION.match(text) and len(text) <= 40
        if not across and not heading and self._data_column(c):
            return None  # a problem written in the first column with nothing beside it yet
        return section_title(text) if heading else ""

    def _data_column(self, c: int) -> bool:
        return any(
            col.index == c and col.field not in (None, IGNORE, "seq") for col in self.table.columns
        )

    def groups(self) -> list[tuple[list[int], str]]:
        """Row numbers of each problem, with the section category it sits under."""
        out: list[tuple[list[int], str]] = []
        current: list[int] | None = None
        current_text = current_seq = None
        section = ""
        first, end = self.table.body
        for r in range(first, end):
            row = self.sheet.rows[r] if r < len(self.sheet.rows) else []
            if not any(v is not None for v in row) or self._is_footer(row):
                continue
            title = self._section(r, row)
            if title is not None:
                section, current = title, None
                continue
            text = self.value(r, "description", fresh=True)
            code = self.value(r, "code", fresh=True)
            seq = self.value(r, "seq", fresh=True)
            text = as_text(text) or None
            new_seq = seq is not None and as_text(seq) != current_seq
            repeated = current is not None and text == current_text and not new_seq
            if (text is not None and not repeated) or (
                code is not None and text is None and current is None
            ):
                current = [r]
                out.append((current, section))
                current_text, current_seq = text, as_text(seq) if seq is not None else None
            elif current is not None:
                current.append(r)
            else:
                words = "；".join(as_text(v) for v in row if v is not None)
                self.warn(r, None, f"这一行不属于任何问题（上方没有问题描述），未导入：{words}")
        return out

    def _label(self, name: str) -> str:
        col = self.cols.get(name)
        return (col.heading if col else "") or CHOICES.get(name, name)
