"""Rows of a table as text for the clipboard: tab-separated, a header line first.

WPS 表格 and Excel both paste such text into cells, one value per cell. Tabs and line breaks
inside a value would split it, so they become spaces.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

MOST_ROWS = 10000  # beyond this, 导出台账 is the better tool (and copying would take seconds)


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return " ".join(text.replace("\t", " ").splitlines()).strip()


def rows_as_text(view: QTableView, rows: list[int]) -> str:
    """The given rows of `view`, in the columns it shows, in the order it shows them."""
    model, header = view.model(), view.horizontalHeader()
    columns = [
        header.logicalIndex(visual)
        for visual in range(header.count())
        if not header.isSectionHidden(header.logicalIndex(visual))
    ]
    lines = ["\t".join(_cell(model.headerData(c, Qt.Orientation.Horizontal)) for c in columns)]
    for row in rows:
        lines.append("\t".join(_cell(model.index(row, c).data()) for c in columns))
    return "\n".join(lines) + "\n"
