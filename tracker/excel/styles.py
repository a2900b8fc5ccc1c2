"""Every look of the exported workbooks, defined once: typefaces, borders, fills, named styles, pages.

Styling a cell with new Font/Border objects costs more than writing its value (FACTS.md), so each
look is registered once per workbook as a NamedStyle and cells receive a copy of its small style
array. The typefaces are the ones official tables use: 黑体 for titles and headings, 仿宋 for the
body, 宋体 for header lines and notes; WPS and Excel on Chinese Windows ship all three.
"""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.workbook import Workbook
from openpyxl.worksheet.properties import PageSetupProperties

from ..fonts import Faces

SONG, FANGSONG, HEI = "宋体", "仿宋", "黑体"
BODY_SIZE = 10
LINE_HEIGHT = 13.5  # points per wrapped line of 10 pt text
ROW_PADDING = 4.0
MAX_ROW_HEIGHT = 409.0  # Excel's limit

_thin = Side(style="thin", color="000000")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEADER_FILL = PatternFill("solid", start_color="D9E1F2", end_color="D9E1F2")
OVERDUE_FILL = PatternFill("solid", start_color="FCE4E4", end_color="FCE4E4")
TOTAL_FILL = PatternFill("solid", start_color="F2F2F2", end_color="F2F2F2")
OVERDUE_RED = "C00000"

_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_TITLE = Alignment(horizontal="center", vertical="center", wrap_text=False)


def _style(name: str, font: Font, alignment: Alignment, **extra) -> NamedStyle:
    return NamedStyle(name=name, font=font, alignment=alignment, **extra)


_body = Font(name=FANGSONG, size=BODY_SIZE)
_bold_body = Font(name=FANGSONG, size=BODY_SIZE, bold=True)
_red_body = Font(name=FANGSONG, size=BODY_SIZE, bold=True, color=OVERDUE_RED)

# name -> NamedStyle. The names show in Excel's cell-style gallery, so they are Chinese. Signed
# formats are written with the sign escaped (`\+0`), the way LibreOffice writes them back: a
# report opened and saved there keeps exactly the format its seal recorded.
NAMED_STYLES: dict[str, NamedStyle] = {
    s.name: s
    for s in (
        _style("台账标题", Font(name=HEI, size=18), _TITLE),
        _style("台账小标题", Font(name=HEI, size=12), Alignment(vertical="center")),
        _style("台账表头信息", Font(name=SONG, size=11), Alignment(vertical="center")),
        _style(  # a header line across the table, wrapped: a long one stays on the page
            "台账表头说明", Font(name=SONG, size=11), Alignment(vertical="center", wrap_text=True)
        ),
        _style("台账列名", Font(name=HEI, size=10.5), _CENTER, border=BORDER, fill=HEADER_FILL),
        _style("台账正文", _body, _LEFT, border=BORDER),
        _style("台账居中", _body, _CENTER, border=BORDER),
        _style("台账逾期", _body, _LEFT, border=BORDER, fill=OVERDUE_FILL),
        _style("台账逾期居中", _body, _CENTER, border=BORDER, fill=OVERDUE_FILL),
        _style("台账逾期标记", _red_body, _CENTER, border=BORDER, fill=OVERDUE_FILL),
        _style("台账数字", _body, _CENTER, border=BORDER, number_format="0"),
        _style("台账百分比", _body, _CENTER, border=BORDER, number_format="0.0%"),
        _style("台账合计", _bold_body, _CENTER, border=BORDER, fill=TOTAL_FILL),
        _style(
            "台账合计百分比",
            _bold_body,
            _CENTER,
            border=BORDER,
            fill=TOTAL_FILL,
            number_format="0.0%",
        ),
        _style("台账增减", _body, _CENTER, border=BORDER, number_format=r"\+0;\-0;0"),
        _style(
            "台账增减百分点", _body, _CENTER, border=BORDER, number_format=r"\+0.0%;\-0.0%;0.0%"
        ),
        _style("台账金额", _body, _CENTER, border=BORDER, number_format="0.00"),
        _style("台账增减金额", _body, _CENTER, border=BORDER, number_format=r"\+0.00;\-0.00;0.00"),
        _style("台账注释", Font(name=SONG, size=10), Alignment(vertical="top", wrap_text=True)),
        _style("台账校验码", Font(name=SONG, size=10, bold=True), Alignment(vertical="center")),
        _style(
            "台账提醒",
            Font(name=SONG, size=11, bold=True, color=OVERDUE_RED),
            Alignment(vertical="center", wrap_text=True),
        ),
    )
}


TITLE_SIZE = 20  # a printed table's title (二号 22 pt is for documents; tables use a size less)


def printed_styles(faces: Faces, size: float) -> dict[str, NamedStyle]:
    """The named styles of a table made to be printed (the export, the three lists): the title in
    the official title face, headings in 黑体, cells in `faces.table` at `size`, header lines and
    notes in 宋体; titles wrap (a long filter note makes a long title)."""
    out = {}
    for name, template in NAMED_STYLES.items():
        font = template.font
        if name == "台账标题":
            font = Font(name=faces.title, size=TITLE_SIZE)
        elif name in ("台账列名", "台账小标题"):
            font = Font(name=faces.heading, size=size if name == "台账列名" else font.size)
        elif font.name == FANGSONG:
            font = Font(name=faces.table, size=size, bold=font.bold, color=font.color)
        else:  # header lines and notes: never smaller than the cells
            size_here = max(font.size, size)
            font = Font(name=faces.plain, size=size_here, bold=font.bold, color=font.color)
        alignment = _TITLE_WRAPPED if name == "台账标题" else template.alignment
        out[name] = NamedStyle(
            name=name,
            font=font,
            fill=template.fill,
            border=template.border,
            alignment=alignment,
            number_format=template.number_format,
        )
    return out


_TITLE_WRAPPED = Alignment(horizontal="center", vertical="center", wrap_text=True)


def printed_workbook() -> Workbook:
    """A write-only workbook whose default font is Arial 10: a column-width unit is then 7 pixels
    in Excel and WPS and about the same in LibreOffice (which prints Arial with a metric twin),
    so a table laid out for the page fits it in all three. (The default Calibri becomes DejaVu
    Sans on a computer without it, a unit a quarter wider: the table no longer fits.)"""
    wb = Workbook(write_only=True)
    wb._fonts = IndexedList([Font(name="Arial", size=10)])
    return wb


class Palette:
    """The workbook's named styles as cell-format ids, each registered once per workbook.

    A cell then carries only the id; nothing is copied or looked up per cell. The quote variant
    (quotePrefix) marks text that starts like a formula, so Excel keeps it text when edited.
    `styles` replaces the default looks (`printed_styles`).
    """

    def __init__(self, wb: Workbook, styles: dict[str, NamedStyle] | None = None) -> None:
        self._arrays: dict[str, StyleArray] = {}
        self._ids: dict[tuple[str, bool], str] = {}
        self.formats: dict[str, str] = {}  # style id -> number format code (what a seal records)
        self.recording: list | None = None  # the StreamSheets written, when a seal will need them
        self.dry = (
            False  # record what sheets show without writing them (a report rebuilt to compare)
        )
        for name, template in (styles or NAMED_STYLES).items():
            style = NamedStyle(
                name=name,
                font=template.font,
                fill=template.fill,
                border=template.border,
                alignment=template.alignment,
                number_format=template.number_format,
            )
            wb.add_named_style(style)
            array = style.as_tuple()
            quoted = StyleArray(array)
            quoted.quotePrefix = 1
            self._arrays[name] = array
            self._ids[name, False] = str(wb._cell_styles.add(StyleArray(array)))
            self._ids[name, True] = str(wb._cell_styles.add(quoted))
            for quote in (False, True):
                self.formats[self._ids[name, quote]] = template.number_format

    def record(self) -> list:
        """Have every sheet made with this palette record what it shows (see `StreamSheet`)."""
        self.recording = []
        return self.recording

    def __getitem__(self, name: str) -> StyleArray:
        return self._arrays[name]

    def sid(self, name: str, quote: bool = False) -> str:
        return self._ids[name, quote]


# -- columns and rows ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Column:
    """One column of a table: its heading, width (Excel units: one '0' of the default font), and
    whether its text is centred (short codes, names, dates) or left-aligned and wrapped (prose)."""

    heading: str
    width: float
    centered: bool = False


def set_widths(ws, columns: list[Column] | tuple[Column, ...]) -> None:
    """Column widths must be set before the first row of a write-only sheet is written."""
    for index, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(index)].width = column.width


def text_lines(text: str, width: float) -> int:
    """How many lines `text` wraps to in a column `width` wide (a generous estimate).

    Excel and WPS do not grow a row to fit a merged cell's text, so rows get explicit heights
    from this estimate. In Excel a CJK character of 10 pt is about 1.9 units wide, a Latin one
    about one; counting UTF-8 bytes tells them apart at C speed (CJK takes three bytes, ASCII one).
    It errs on the tall side: white space is better than clipped text.
    """
    if not text:
        return 1
    usable = max(width - 0.5, 1.0)
    if len(text) * 1.9 <= usable and "\n" not in text:  # short: one line whatever it holds
        return 1
    lines = 0
    for part in text.split("\n"):
        wide = (len(part.encode("utf-8")) - len(part)) / 2
        units = len(part) + 0.9 * wide
        lines += max(1, -int(-units // usable))
    return lines


def text_units(text: str) -> float:
    """Width of one line of `text` in column units (see `text_lines`)."""
    return len(text) + 0.9 * (len(text.encode("utf-8")) - len(text)) / 2


def row_height(lines: int) -> float:
    return min(lines * LINE_HEIGHT + ROW_PADDING, MAX_ROW_HEIGHT)


# -- printing -----------------------------------------------------------------------------------
PAGE_FOOTER = "第 &P 页 共 &N 页"


def set_page(
    ws,
    *,
    title_rows: str | None,
    landscape: bool = True,
    scale: int | None = None,
    footer_size: float = 9,
) -> None:
    """A4, fitted to the page width (as many pages tall as needed), the table's heading rows
    repeated on every page, page numbers in the footer, narrow margins, centred horizontally.

    With `scale` (percent) the page is printed at that size instead of fitted: a table laid out
    for the page (`tracker.excel.printing`) keeps its planned page breaks, which Excel ignores on
    a sheet fitted to a page."""
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    if scale is None:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        ws.page_setup.scale = scale
    if title_rows:
        ws.print_title_rows = title_rows
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = 0.5
    ws.page_margins.bottom = 0.6
    ws.page_margins.header = 0.2
    ws.page_margins.footer = 0.25
    ws.oddFooter.center.text = PAGE_FOOTER
    ws.oddFooter.center.font = SONG
    ws.oddFooter.center.size = footer_size
