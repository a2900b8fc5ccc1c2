"""Tables laid out for A4 landscape: column widths, the print size, and where pages break.

A table fitted to the page width by the spreadsheet shrinks with every column added (17 columns
came out at 5–6 pt). Here the table is planned for the page instead: short columns (numbers,
names, dates, status words) are as wide as their longest entry needs, up to a bound; the text
columns share what is left in fixed proportions; the print scale is chosen so that the whole
width fits, never below MIN_SCALE (10.5 pt cells print at 9.2 pt or larger). Every text is broken
into lines by the program (`linebreak`), so each row's height is known, and so is where each page
ends: a problem is moved whole to the next page when it does not fit on this one, and one taller
than a page continues there under its description repeated.

Units: a column width unit is what Excel and WPS draw as 7 pixels (5.25 pt) with the workbook's
default font Arial 10 (`styles.printed_workbook`); LibreOffice draws it 5.55 pt. The plan uses
the wider, so the table fits the page in all three.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.worksheet.pagebreak import Break

from .linebreak import width

PAGE_WIDTH, PAGE_HEIGHT = 841.9, 595.3  # A4 landscape, points
MARGIN_SIDE, MARGIN_TOP, MARGIN_BOTTOM = 0.4, 0.5, 0.6  # inches, as `styles.set_page` sets them
UNIT_PT = 5.55  # a width unit as LibreOffice prints it (Excel: 5.25)
CELL_PT = 10.5  # 五号: table text
MIN_SCALE = 0.88  # 10.5 pt prints at 9.24 pt at least
LINE_PT = 14.0  # a line of 10.5 pt text, with room for any of the fonts that may show it
ROW_PAD = 4.0
MAX_ROW = 409.0  # Excel's limit on a row's height
PAD_UNITS = 0.8  # a cell's inner margins, in width units (Excel: 4 of a unit's 7 pixels)
SAFETY = 0.97  # of a page's height: what a renderer's rounding may take


def page_units() -> float:
    """The width of the printable area in column units at 100%."""
    return (PAGE_WIDTH - 2 * MARGIN_SIDE * 72) / UNIT_PT


def page_height(scale: float) -> float:
    """The height of the printable area, in the sheet's points, at `scale`."""
    return (PAGE_HEIGHT - (MARGIN_TOP + MARGIN_BOTTOM) * 72) / scale * SAFETY


def capacity(column_width: float) -> float:
    """Half-widths of 10.5 pt text a column holds on one line (what `linebreak.wrap` fills)."""
    return max(2.0, round(column_width - PAD_UNITS, 1))


def height(lines: int) -> float:
    return min(lines * LINE_PT + ROW_PAD, MAX_ROW)


@dataclass(frozen=True)
class Spec:
    """A column of a printed table.

    `text` columns (prose) share the width left over in proportion to `weight`, from `least`;
    the others are as wide as their widest entry (`need`, in half-widths) up to `most`, and never
    narrower than `least` (which holds the heading)."""

    key: str
    heading: str
    text: bool = False
    weight: float = 1.0
    least: float = 5.5
    most: float = 12.0
    centered: bool = True


def plan(specs: Sequence[Spec], needs: dict[str, float]) -> tuple[list[float], float]:
    """Column widths and the print scale for these columns on A4 landscape.

    At 100% the page holds `page_units()`; text columns are given at least a comfortable width
    (about seven characters) by printing smaller, down to MIN_SCALE. Short columns are narrowed
    towards their heading's width first when even that is not enough."""
    short = {
        s.key: min(max(math.ceil((needs.get(s.key, 0) + PAD_UNITS) * 2) / 2, s.least), s.most)
        for s in specs
    }
    texts = [s for s in specs if s.text]
    comfortable = sum(max(s.least, 15.0) for s in texts)
    fixed = sum(short[s.key] for s in specs if not s.text)
    room = page_units()
    scale = 1.0
    if fixed + comfortable > room:  # a whole percent, as the page setup takes it
        scale = max(MIN_SCALE, math.floor(room / (fixed + comfortable) * 100) / 100)
    total = room / scale
    if fixed + comfortable > total:  # still too narrow for the text: short columns give way
        spare = sum(short[s.key] - s.least for s in specs if not s.text)
        over = fixed + comfortable - total
        if spare > 0:
            cut = min(1.0, over / spare)
            for s in specs:
                if not s.text:
                    short[s.key] -= math.floor((short[s.key] - s.least) * cut * 2) / 2
        fixed = sum(short[s.key] for s in specs if not s.text)
    left = max(total - fixed, sum(s.least for s in texts))
    weights = sum(s.weight for s in texts) or 1.0
    widths = []
    for s in specs:
        if s.text:
            widths.append(max(s.least, left * s.weight / weights))
        else:
            widths.append(short[s.key])
    # in half units, never wider than planned
    widths = [math.floor(w * 2) / 2 for w in widths]
    while sum(widths) > total:  # rounding left it a little wide: the roomiest short column gives
        slack = [(w - s.least, i) for i, (w, s) in enumerate(zip(widths, specs, strict=True))]
        room_left, i = max(slack)
        if room_left < 0.5:
            break
        widths[i] -= 0.5
    used = sum(widths)
    if used * scale > room:  # the short columns' least widths alone exceed the page
        scale = math.floor(room / used * 100) / 100
    return widths, scale


def needed(values) -> float:
    """The widest of some short values, in half-widths (for `plan`'s `needs`)."""
    return max((width(v) for v in values if v), default=0)


class Pages:
    """Where the rows written so far stand on the page, and the breaks that keep blocks whole."""

    def __init__(self, ws, scale: float, repeated: float) -> None:
        self.ws = ws
        self.room = page_height(scale)
        self.repeated = repeated  # the heading row printed again at the top of every page
        self.used = 0.0
        self.breaks: list[int] = []
        self.empty = True  # nothing of the table's body on this page yet

    def top(self, points: float) -> None:
        """What stands above the table on the first page (title, header line, headings)."""
        self.used += points

    def add(self, points: float) -> None:
        self.used += points
        self.empty = False

    def fits(self, points: float) -> bool:
        return self.used + points <= self.room

    @property
    def fresh(self) -> float:
        """Room on a page that holds nothing but the repeated heading."""
        return self.room - self.repeated

    def at_top(self) -> bool:
        return self.empty

    def new_page(self, after_row: int) -> None:
        """Break after `after_row`; the next page starts under the repeated heading."""
        self.breaks.append(after_row)
        self.used = self.repeated
        self.empty = True

    def close(self) -> None:
        """Hand the breaks to the sheet, all at once (openpyxl checks the whole list again on
        every `append`: thousands of pages would take quadratic time)."""
        self.ws.row_breaks.brk = tuple(Break(id=row) for row in self.breaks)
