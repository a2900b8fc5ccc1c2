"""Streaming worksheets: styled cells, merged ranges kept compact, safe text, all-or-nothing saving.

openpyxl's write-only mode writes each row as it is appended, so memory does not grow with the
ledger. What it does slowly at ledger size is done here instead: cells are (value, style id)
pairs written straight into the sheet XML as UTF-8 text (openpyxl's per-cell path, and lxml's
character references for every Chinese character, cost more than the rest of an export), and
merged ranges are kept as row spans and streamed at the end (its
`MultiCellRange.add` compares each new range with every earlier one: quadratic in the number of
merges). Both hook into openpyxl 3.1's sheet writer (the dependency is pinned below 3.2, and the
tests read every file back with openpyxl and calamine). The file is written under a temporary
name and renamed when complete, so a cancelled or failed export never leaves half a workbook.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import secrets
import zipfile
from array import array
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from openpyxl import Workbook
from openpyxl.packaging.custom import StringProperty
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import COREPROPS_NS as CP_NS
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import tostring

from ..bulk import Cancelled
from ..dates import format_date
from ..errors import LedgerError, OverwriteRefusedError, StorageError
from ..exchange.content import GENERAL, SheetContent, canonical
from ..failures import os_reason
from ..ledger import CONTACT_PERSON, CONTACT_PHONE, Ledger
from ..paths import require_folder
from .styles import Column, Palette, row_height, set_widths, text_lines, text_units

ProgressCallback = Callable[[int, int], bool] | None  # (done, total) -> keep going?

_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Text a spreadsheet could take for a formula (or a DDE call) if it were typed in.
FORMULA_STARTS = ("=", "+", "-", "@")
MAX_CELL_TEXT = 32767
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_SPECIAL = re.compile("[&<>\r]")  # text that needs an escape before it goes into the XML
_PRESERVE = ' xml:space="preserve"'  # leading or trailing white space is kept as typed
Cell = tuple[str | int | float | None, str]  # (value, style id) as `_Writer.write_row` takes it


def clean_text(text: str) -> str:
    """Control characters and stray surrogates (pasted from other programs) are invalid in xlsx."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    return text[:MAX_CELL_TEXT]


class StreamSheet:
    """A write-only worksheet with a row counter, named styles and merged ranges.

    Set widths and frozen panes in the constructor's arguments: a write-only sheet writes its
    top part (columns, views) when the first row arrives.
    """

    def __init__(
        self,
        wb: Workbook,
        palette: Palette,
        title: str,
        columns: Sequence[Column],
        *,
        freeze: str | None = None,
    ) -> None:
        self.ws = wb.create_sheet(title)
        # what the sheet shows, recorded as it is written when the palette asks (a report's seal)
        self.capture: SheetContent | None = None
        if palette.recording is not None:
            self.capture = SheetContent(title)
            palette.recording.append(self)
        self.palette = palette
        self.columns = list(columns)
        self.width = len(self.columns)
        set_widths(self.ws, self.columns)
        if freeze:
            self.ws.freeze_panes = freeze
        self.row = 0
        self._spans = array("I")  # (first row, last row) pairs merged over `_span_columns`
        self._span_columns: tuple[int, ...] = ()
        self._ranges: list[str] = []  # other merged ranges, as "A1:Q1"
        self._writer: _Writer | None = None
        # Rows arrive as ready (value, style id) cells; `_Writer.write_row` writes them as they are.
        self.ws._values_to_row = _as_is

    # -- cells ----------------------------------------------------------------------------------
    def cell(self, value, style: str) -> Cell:
        """A styled cell; text is always stored as text, never read as a formula or an error.

        Cells are plain (value, style id) pairs: the rows are written by `_Writer.write_row`,
        which puts every text in an inline string, so "=…" can never become a formula.
        """
        if value is None or value == "":
            return (None, self.palette.sid(style))
        if isinstance(value, str):
            value = clean_text(value)
            # quotePrefix: Excel and WPS keep such text as text even when the cell is edited
            return (value, self.palette.sid(style, quote=value.startswith(FORMULA_STARTS)))
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return (format_date(value), self.palette.sid(style))
        if isinstance(value, bool) or not isinstance(value, int | float):
            return (str(value), self.palette.sid(style))
        return (value, self.palette.sid(style))

    def blank(self, style: str) -> Cell:
        """An empty cell that still carries borders (inside a merged range, for instance)."""
        return (None, self.palette.sid(style))

    def append(self, cells: Iterable, height: float | None = None) -> int:
        """Write one row now; returns its number. `height` in points, None lets the reader size it."""
        if self._writer is None:
            self._writer = _Writer(self.ws, self)
            self.ws._writer = self._writer
            self._writer.write_top()
        self.row += 1
        self._writer.height = height
        cells = list(cells)
        if self.capture is not None:
            self._record(cells)
        if not self.palette.dry:
            self.ws.append(cells)
        return self.row

    def _record(self, cells: list) -> None:
        """What the row shows, in the reader's canonical form (asked for every cell of a report)."""
        record, formats, number = self.capture.cells, self.palette.formats, str(self.row)
        for letter, cell in zip(self._writer.letters, cells, strict=False):
            if cell is None:
                continue
            value = cell[0]
            if type(value) is str:
                if "_x" in value or "\r" in value:
                    value = canonical(value)
            elif value is not None:
                value = canonical(value)
            if value:
                record[letter + number] = (value, formats.get(cell[1], GENERAL))

    def content(self) -> SheetContent:
        """What the sheet shows, once every row is written (the merged ranges are known then)."""
        assert self.capture is not None, "the palette was not recording"
        self.capture.merges = list(self.merged_refs())
        return self.capture

    # -- merged ranges --------------------------------------------------------------------------
    def merge(self, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
        if (first_row, first_col) == (last_row, last_col):
            return
        self._ranges.append(
            f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}"
        )

    def merge_rows(self, first_row: int, last_row: int, columns: tuple[int, ...]) -> None:
        """Merge rows first..last in each of `columns` (the same columns for the whole sheet)."""
        if last_row <= first_row:
            return
        if self._span_columns and columns != self._span_columns:
            for col in columns:
                self.merge(first_row, col, last_row, col)
            return
        self._span_columns = columns
        self._spans.extend((first_row, last_row))

    def merged_refs(self) -> Iterable[str]:
        yield from self._ranges
        letters = [get_column_letter(c) for c in self._span_columns]
        spans = self._spans
        for i in range(0, len(spans), 2):
            first, last = spans[i], spans[i + 1]
            for letter in letters:
                yield f"{letter}{first}:{letter}{last}"

    def merge_count(self) -> int:
        return len(self._ranges) + len(self._spans) // 2 * len(self._span_columns)

    # -- common lines ---------------------------------------------------------------------------
    def title_row(self, text: str, height: float = 36.0) -> None:
        row = self.append(
            [self.cell(text, "台账标题"), *(None for _ in range(self.width - 1))], height
        )
        self.merge(row, 1, row, self.width)

    def info_row(
        self,
        parts: Sequence[str],
        style: str = "台账表头信息",
        *,
        height: float = 24.0,
        room: float = 0.0,
    ) -> None:
        """`label：value` parts on one line across the table, each in merged cells wide enough
        for its text at the header font (which is larger than the body's). Where the columns
        cannot give every part room, the parts share one cell across the table, set apart by
        spaces (wrapped to a second line in the same row if need be): never one over another."""
        bounds = _info_bounds(self.columns, parts, room)
        if bounds is None:
            text = INFO_GAP.join(parts)
            lines = info_lines(text, self.columns)
            wrapped = "台账表头说明" if style == "台账表头信息" else style
            row = self.append(
                [self.cell(text, wrapped), *([None] * (self.width - 1))], height * lines
            )
            self.merge(row, 1, row, self.width)
            return
        cells: list = [None] * self.width
        for k, text in enumerate(parts):
            cells[bounds[k]] = self.cell(text, style)
        row = self.append(cells, height)
        for k in range(len(parts)):
            self.merge(row, bounds[k] + 1, row, bounds[k + 1])

    def heading_row(self, headings: Sequence[str] | None = None) -> int:
        headings = headings or [c.heading for c in self.columns]
        lines = max(
            (_heading_lines(h, c.width) for h, c in zip(headings, self.columns, strict=False)),
            default=1,
        )
        return self.append([self.cell(h, "台账列名") for h in headings], row_height(lines) + 4)

    def note_row(self, text: str, style: str = "台账注释", height: float | None = None) -> None:
        cells: list = [self.cell(text, style), *(None for _ in range(self.width - 1))]
        row = self.append(cells, height)
        self.merge(row, 1, row, self.width)


INFO_SCALE = 1.15  # the header lines' 11 pt 宋体 against the 10 pt the unit estimate is for
INFO_GAP = "\u3000" * 3  # between header parts sharing one cell


def info_lines(text: str, columns: Sequence[Column]) -> int:
    """Lines a header line takes across the whole table, at the header font."""
    return -int(-(text_units(text) * INFO_SCALE + 2) // sum(c.width for c in columns))


def _info_bounds(
    columns: Sequence[Column], parts: Sequence[str], room: float = 0.0
) -> list[int] | None:
    """Column runs for the parts of a header line (each `room` units wider than its text)."""
    widths = [c.width for c in columns]
    return _fit_columns(widths, [text_units(p) * INFO_SCALE + 2 + room for p in parts])


def _fit_columns(widths: list[float], needs: list[float]) -> list[int] | None:
    """Bounds splitting the columns into len(needs) runs, each at least as wide as its need:
    shared in proportion to the needs where that fits, else each just wide enough and the spare
    columns to the last; None when they cannot all fit."""
    bounds = _share_columns(widths, needs)
    runs = zip(bounds[:-1], bounds[1:], needs, strict=True)
    if all(sum(widths[a:b]) >= need for a, b, need in runs):
        return bounds
    bounds, col = [0], 0
    for need in needs:
        start, acc = col, 0.0
        while col < len(widths) and (col == start or acc < need):
            acc += widths[col]
            col += 1
        if acc < need:
            return None
        bounds.append(col)
    bounds[-1] = len(widths)
    return bounds


def _share_columns(widths: list[float], needs: list[float]) -> list[int]:
    """Split the columns into len(needs) runs whose widths are roughly proportional to `needs`."""
    total, want = sum(widths), sum(needs) or 1.0
    bounds, edge, acc = [0], 0.0, 0.0
    for k, need in enumerate(needs[:-1]):
        edge += total * need / want
        col = bounds[-1]
        while col < len(widths) - (len(needs) - k - 1) and (col == bounds[-1] or acc < edge):
            acc += widths[col]
            col += 1
        bounds.append(col)
    bounds.append(len(widths))
    return bounds


def _as_is(cells: list, row: int) -> list:
    return cells


def _heading_lines(text: str, width: float) -> int:
    return text_lines(text, width * 0.95)


class _Writer(WorksheetWriter):
    """openpyxl's sheet writer with its XML stream replaced by plain UTF-8 text.

    openpyxl streams a sheet through lxml's `xmlfile`, which writes every non-ASCII character
    as a character reference (“&#20013;”, 8 bytes where UTF-8 takes 3): a Chinese ledger's sheet
    XML comes out two to three times larger than needed, and building an element per cell costs
    more than everything else in an export. Here the rows and merged ranges are written as
    ready-made text, and the few elements openpyxl builds for the top and the tail of the sheet
    (views, columns, page setup …) are serialised as they come. The XML is the same, only smaller.
    """

    def __init__(self, ws, sheet: StreamSheet) -> None:
        self._file = None
        super().__init__(ws)
        self.sheet = sheet
        self.height: float | None = None
        self.letters = [get_column_letter(c) for c in range(1, max(sheet.width, 1) + 1)]

    def get_stream(self):
        """The generator openpyxl sends elements to (`True` asks for the raw stream)."""
        with open(self.out, "wb") as fh:
            self._file = fh
            fh.write(XML_DECLARATION + f'<worksheet xmlns="{SHEET_MAIN_NS}">'.encode())
            raw = _RawStream(fh)
            try:
                while True:
                    el = yield
                    if el is True:
                        yield raw
                    elif el is not None:
                        fh.write(tostring(el))
            except GeneratorExit:
                pass
            fh.write(b"</worksheet>")

    def write_row(self, xf, row: list, row_idx: int) -> None:
        """One `<row>` of (value, style id) cells, as text; every text an inline string."""
        number = str(row_idx)
        if self.height is None:
            parts = [f'<row r="{number}">']
        else:
            parts = [f'<row r="{number}" ht="{self.height:g}" customHeight="1">']
        add = parts.append
        for letter, cell in zip(self.letters, row, strict=False):
            if cell is None:
                continue
            value, sid = cell
            if value is None:
                add(f'<c r="{letter}{number}" s="{sid}"/>')
            elif type(value) is str:
                if _SPECIAL.search(value):
                    value = _escape(value)
                space = _PRESERVE if value[:1].isspace() or value[-1:].isspace() else ""
                add(
                    f'<c r="{letter}{number}" s="{sid}" t="inlineStr"><is><t{space}>{value}</t></is></c>'
                )
            else:
                text = repr(value) if type(value) is float else str(value)
                add(f'<c r="{letter}{number}" s="{sid}" t="n"><v>{text}</v></c>')
        add("</row>")
        self._file.write("".join(parts).encode())

    def write_merged_cells(self) -> None:
        count = self.sheet.merge_count()
        if not count:
            return
        write = self._file.write
        write(f'<mergeCells count="{count}">'.encode())
        batch = []
        for ref in self.sheet.merged_refs():
            batch.append(f'<mergeCell ref="{ref}"/>')
            if len(batch) >= 4096:
                write("".join(batch).encode())
                batch.clear()
        write(("".join(batch) + "</mergeCells>").encode())


class _RawStream:
    """The part of lxml's `xmlfile` that openpyxl's write-only sheet uses, over a plain file."""

    def __init__(self, fh) -> None:
        self._fh = fh

    @contextlib.contextmanager
    def element(self, tag: str, attrib: dict | None = None, **extra: str):
        attrs = {**(attrib or {}), **extra}
        text = "".join(f' {k}="{_escape(str(v), quote=True)}"' for k, v in attrs.items())
        self._fh.write(f"<{tag}{text}>".encode())
        yield
        self._fh.write(f"</{tag}>".encode())

    def write(self, el) -> None:
        self._fh.write(tostring(el))


def _escape(text: str, quote: bool = False) -> str:
    """XML character escapes, as lxml writes them (a carriage return kept as `&#13;`)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\r", "&#13;")
    return text.replace('"', "&quot;") if quote else text


# -- header lines -------------------------------------------------------------------------------
@dataclass(frozen=True)
class HeaderInfo:
    """填报单位, 填报日期, 联系人, 电话: the lines every official table carries under its title."""

    unit: str
    filled_on: dt.date
    contact: str
    phone: str

    @classmethod
    def of(cls, ledger: Ledger) -> HeaderInfo:
        """The live ledger's settings and today's date (the day the file is filled in)."""
        return cls(
            ledger.unit_name,
            ledger.now().date(),
            ledger.setting(CONTACT_PERSON),
            ledger.setting(CONTACT_PHONE),
        )

    def parts(self) -> list[str]:
        return [
            f"填报单位：{self.unit}",
            f"填报日期：{format_date(self.filled_on)}",
            f"联系人：{self.contact}",
            f"电话：{self.phone}",
        ]


# -- files --------------------------------------------------------------------------------------
# Every workbook this program saves carries a custom document property MARKER and names the
# program as its last editor. A file with both was written by us and not saved since by Excel,
# WPS or LibreOffice (each of them sets the last editor when it saves): it may be replaced
# without asking. Any other file of the same name is someone's work.
MARKER = "zhenggai"
EDITOR = "整改台账"
_PART_LIMIT = 256 * 1024  # docProps parts are a few hundred bytes; a larger one is not ours


def check_target(path: str | os.PathLike) -> Path:
    """The file the user chose, refused when it cannot be an Excel workbook we may write there:
    a folder, another extension, a folder that does not exist (`paths.require_folder`, the rule
    for every file the user names) or cannot be written. Whether an existing file may be
    replaced is `check_overwrite`'s question."""
    target = Path(path)
    if target.is_dir():
        raise LedgerError(f"“{target}” 是一个文件夹，请指定要保存的 .xlsx 文件名。")
    if target.suffix.lower() != ".xlsx":
        raise LedgerError(f"“{target.name}” 不是 .xlsx 文件名，请以 .xlsx 结尾。")
    require_folder(target, "Excel 文件")
    if not os.access(target.parent, os.W_OK):
        raise StorageError(_unwritable(target.parent, "没有写入权限"))
    return target


def check_overwrite(path: str | os.PathLike, overwrite: bool = False) -> None:
    """The overwrite rule: an existing file is replaced without asking only if this program made
    it (`is_our_workbook`); any other needs the user's consent (`overwrite`, from `--overwrite`
    or the GUI's 覆盖 button), else OverwriteRefusedError."""
    target = Path(path)
    if overwrite or not target.exists() or is_ours(target):
        return
    raise OverwriteRefusedError(
        f"“{target}” 已存在，而且不是本程序生成的文件（或生成后又被其他程序修改保存过）。"
        "为免覆盖别人的文件，请换一个文件名；确定要覆盖，请在命令行加 --overwrite。",
        target,
    )


def is_ours(path: str | os.PathLike) -> bool:
    """Was `path` (a workbook, or a .docx) written by this program and not saved since by another?"""
    if Path(path).suffix.lower() == ".docx":
        return is_our_document(path)
    return is_our_workbook(path)


def is_our_workbook(path: str | os.PathLike) -> bool:
    """Was `path` written by this program (an export or a report) and not saved since by another?"""
    parts = _parts(path, "docProps/custom.xml", "docProps/core.xml")
    if parts is None:
        return False
    props, core = parts
    editor = core.find(f"{{{CP_NS}}}lastModifiedBy")
    marked = any(p.get("name") == MARKER for p in props)
    return marked and editor is not None and editor.text == EDITOR


def is_our_document(path: str | os.PathLike) -> bool:
    """The same for a Word document: python-docx has no custom properties, so the mark is its
    keywords; Word and WPS set the last editor when they save."""
    parts = _parts(path, "docProps/core.xml")
    if parts is None:
        return False
    (core,) = parts
    editor, keywords = core.find(f"{{{CP_NS}}}lastModifiedBy"), core.find(f"{{{CP_NS}}}keywords")
    return (
        editor is not None
        and editor.text == EDITOR
        and keywords is not None
        and keywords.text == MARKER
    )


def _parts(path: str | os.PathLike, *names: str) -> list | None:
    """Small XML parts of a zipped file, parsed (None when it is not such a file)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return [ElementTree.fromstring(_small_part(archive, name)) for name in names]
    except (OSError, zipfile.BadZipFile, KeyError, RuntimeError, ValueError):
        return None
    except ElementTree.ParseError:
        return None


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > _PART_LIMIT:
        raise ValueError(name)
    return archive.read(info)


def mark_as_ours(wb: Workbook) -> None:
    """What `is_our_workbook` recognises (called by `save_atomically`: every file we save)."""
    if not any(p.name == MARKER for p in wb.custom_doc_props):
        wb.custom_doc_props.append(StringProperty(name=MARKER, value=EDITOR))
    wb.properties.creator = EDITOR
    wb.properties.lastModifiedBy = EDITOR


def save_atomically(wb: Workbook, target: Path) -> None:
    """Save under a temporary name beside `target`, then rename it into place in one step; the
    workbook is marked as ours, and a folder that cannot be written is named in the refusal."""
    mark_as_ours(wb)
    replace_atomically(target, wb.save, "Excel 或 WPS")


def replace_atomically(target: Path, save: Callable[[Path], object], programs: str) -> None:
    """`save(temp)` beside `target`, then the file renamed into place in one step: a cancelled or
    failed save never leaves half a file, and the one it replaces stays whole until then."""
    # Not mkstemp: its 0600 mode would stay on the renamed file; open(…, "x") honours the umask.
    temp = target.with_name(f".~{target.stem}.{secrets.token_hex(4)}{target.suffix}")
    try:
        with open(temp, "xb"):
            pass
    except OSError as exc:
        raise StorageError(_unwritable(target.parent, os_reason(exc))) from exc
    try:
        save(temp)
        try:
            os.replace(temp, target)
        except PermissionError:
            raise LedgerError(
                f"无法写入“{target}”：文件可能正在 {programs} 中打开，请关闭后重试。"
            ) from None
    except OSError as exc:
        raise StorageError(_unwritable(target.parent, os_reason(exc))) from exc
    finally:
        temp.unlink(missing_ok=True)


def _unwritable(folder: Path, reason: str) -> str:
    return f"无法在文件夹“{folder}”中保存文件（{reason}），文件没有生成。请换一个可以写入的位置。"


def discard(wb: Workbook) -> None:
    """Drop a workbook that will not be saved, with the temporary files its sheets stream into."""
    for ws in wb.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        with contextlib.suppress(Exception):
            rows = getattr(ws, "_rows", None)
            if rows is not None:
                rows.close()
            writer.close()
            writer.cleanup()


class Ticker:
    """Calls the progress callback now and then; raises Cancelled when the user said stop."""

    def __init__(self, progress: ProgressCallback, total: int) -> None:
        self.progress = progress
        self.total = total
        self.every = max(1, min(200, total // 100))  # about every 1%, at most every 200 items
        self.done = 0
        self._next = self.every

    def step(self, n: int = 1) -> None:
        self.done += n
        if self.progress is not None and self.done >= self._next:
            self._next = self.done + self.every
            self.tell()

    def tell(self) -> None:
        if self.progress is not None and not self.progress(min(self.done, self.total), self.total):
            raise Cancelled("已取消，未生成文件。")
