"""A table sheet made to be printed: title, header line, headings, blocks of rows kept on one page,
the note and the signature block — what the exported ledger and the 三张清单 share.

A block is one problem (or one group) with its rows: the cells of the block's own columns are
merged down its rows; the block goes to the next page whole when it does not fit on this one, and
one taller than a page goes on under its repeated cells (`printing.Pages`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .. import fonts
from .linebreak import width, wrap
from .printing import CELL_PT, LINE_PT, Pages, Spec, capacity, height
from .styles import TITLE_SIZE, Column, Palette, printed_styles, set_page
from .writer import HeaderInfo, StreamSheet

HEADING_ROW = 3  # title, header line, headings
SIGNATURES = (
    "填报人：",
    "审核人：",
    "支部书记（签字）：",
    "日期：\u3000\u3000年\u3000\u3000月\u3000\u3000日",
    "（盖章）",
)
SIGNING_ROOM = 9.0  # width units left after each signature label to sign in
FOOTER_PT = 11  # page numbers: printed no smaller than the cells at the smallest scale


@dataclass
class Row:
    cells: dict[str, str | int | float]  # key -> value (text already broken into lines)
    lines: int
    overdue: bool = False  # measure cells filled light red, the 完成情况 word in red
    total: bool = False  # a 合计 line: bold on grey


def palette(wb) -> Palette:
    return Palette(wb, printed_styles(fonts.faces(), CELL_PT))


class PrintedSheet:
    """One printed table in a workbook made by `styles.printed_workbook`."""

    def __init__(
        self,
        wb,
        pal: Palette,
        name: str,
        specs: Sequence[Spec],
        widths: Sequence[float],
        scale: float,
        *,
        title: str,
        info: HeaderInfo,
        block_keys: set[str],
    ) -> None:
        self.specs = {s.key: s for s in specs}
        self.keys = [s.key for s in specs]
        self.widths = list(widths)
        columns = [Column(s.heading, w, s.centered) for s, w in zip(specs, widths, strict=True)]
        self.sheet = sheet = StreamSheet(wb, pal, name, columns, freeze=f"A{HEADING_ROW + 1}")
        set_page(
            sheet.ws,
            title_rows=f"{HEADING_ROW}:{HEADING_ROW}",
            scale=round(scale * 100),
            footer_size=FOOTER_PT,
        )
        self._breaking = {
            k: (capacity(w), s.centered) for k, w, s in zip(self.keys, widths, specs, strict=True)
        }
        self.block_keys = block_keys
        self.block_columns = tuple(i + 1 for i, k in enumerate(self.keys) if k in block_keys)
        line_units = sum(capacity(w) for w in widths)
        title_lines = -int(-width(title) * TITLE_SIZE / CELL_PT // line_units)
        title_height = title_lines * TITLE_SIZE * 1.35 + 10
        sheet.title_row(title, title_height)
        sheet.info_row(info.parts())
        headings = [s.heading if s.text else self.fit(s.key, s.heading) for s in specs]
        heading_height = height(max(h.count("\n") + 1 for h in headings)) + 4
        sheet.append([sheet.cell(h, "台账列名") for h in headings], heading_height)
        self.pages = Pages(sheet.ws, scale, heading_height)
        self.pages.top(title_height + 24.0 + heading_height)

    def fit(self, key: str, text: str) -> str:
        return wrap(text, *self._breaking[key])

    def fitted(self, values: dict) -> dict:
        """The values of the columns this sheet has, texts broken into lines; empty ones dropped."""
        out = {}
        for key, value in values.items():
            if key not in self._breaking or value is None or value == "":
                continue
            out[key] = self.fit(key, value) if isinstance(value, str) else value
        return out

    def row(self, values: dict, overdue: bool = False, total: bool = False) -> Row:
        cells = self.fitted(values)
        lines = max((v.count("\n") for v in cells.values() if isinstance(v, str)), default=0)
        return Row(cells, lines + 1, overdue, total)

    @staticmethod
    def cells_height(cells: dict) -> float:
        lines = [v.count("\n") + 1 for v in cells.values() if isinstance(v, str)]
        return height(max(lines, default=1))

    def block(self, own: dict, rows: list[Row], again=None) -> None:
        """A block: `own` (fitted) merged down `rows`; `again()` gives the cells repeated at the top
        of the next page if the block does not fit on one (default: `own`)."""
        pages, sheet = self.pages, self.sheet
        heights = [height(r.lines) for r in rows]
        first = self.cells_height(own)
        repeated, later = own, first
        if max(sum(heights), first) > pages.fresh and again is not None:
            repeated = again()
            later = self.cells_height(repeated)
        parts = _segments(pages, heights, first, later)
        if not pages.at_top() and not pages.fits(max(sum(heights), first)):
            pages.new_page(sheet.row)
        for k, part in enumerate(parts):
            if k:
                pages.new_page(sheet.row)
            cells = own if k == 0 else repeated
            need = first if k == 0 else later
            sizes = [heights[i] for i in part]
            extra = max(0.0, need - sum(sizes)) / len(sizes)
            start = sheet.row + 1
            for j, i in enumerate(part):
                sheet.append(self._cells(rows[i], cells if j == 0 else None), sizes[j] + extra)
            sheet.merge_rows(start, sheet.row, self.block_columns)
            pages.add(sum(sizes) + extra * len(sizes))

    def _cells(self, row: Row, shared: dict | None) -> list:
        sheet, out = self.sheet, []
        for key in self.keys:
            spec = self.specs[key]
            base = "台账居中" if spec.centered else "台账正文"
            if key in self.block_keys:
                value = shared.get(key) if shared is not None else None
                out.append(sheet.cell(value, base) if shared is not None else sheet.blank(base))
            elif row.total:
                out.append(sheet.cell(row.cells.get(key), "台账合计"))
            elif not row.overdue:
                out.append(sheet.cell(row.cells.get(key), base))
            elif key == "state":
                out.append(sheet.cell(row.cells.get(key), "台账逾期标记"))
            else:
                style = "台账逾期居中" if spec.centered else "台账逾期"
                out.append(sheet.cell(row.cells.get(key), style))
        return out

    def close(self, note: str, signatures: Sequence[str] | None = SIGNATURES) -> None:
        """The note under the table and the signature block, kept on one page together."""
        sheet, pages = self.sheet, self.pages
        text = wrap(note, int(sum(capacity(w) for w in self.widths)))
        note_height = (text.count("\n") + 1) * LINE_PT + 8
        tail = note_height + (12 + 44 if signatures else 0)
        if not pages.fits(tail):
            pages.new_page(sheet.row)
        sheet.note_row(text, height=note_height)
        if signatures:
            sheet.append([], 12.0)
            sheet.info_row(list(signatures), height=44.0, room=SIGNING_ROOM)
        pages.close()


def _segments(pages: Pages, heights: list[float], first: float, later: float) -> list[list[int]]:
    """The block's rows split into pages: all on this page if they fit, else all on the next;
    taller than a page, from the top of one and continued on the next pages. `first` and `later`
    are the heights its own cells need (first, and repeated)."""
    whole = max(sum(heights), first)
    if pages.fits(whole) or whole <= pages.fresh:
        return [list(range(len(heights)))]
    out: list[list[int]] = [[]]
    used, need = 0.0, first
    for i, h in enumerate(heights):
        if out[-1] and max(used + h, need) > pages.fresh:
            out.append([])
            used, need = 0.0, later
        out[-1].append(i)
        used += h
    return out
