"""What a workbook shows, read from its XML in one canonical form: the thing a report's seal covers.

A cell shows its value through its number format (a custom format such as `"80%"` or `;;;` can show
anything, or nothing), and only if its row, its column and its sheet are visible and nothing is
drawn over it. So the content of a sheet is: each non-empty cell's value in canonical text with its
number format and any formula, the merged ranges, the hidden rows and columns, and anything else
that changes what is seen (drawings, pictures, conditional formats, rows hidden by default).
Values are canonical so that a re-save that does not change what is shown keeps the content
equal: numbers to 12 significant digits (Excel writes 15 or 17), text with line ends unified.

Read with lxml, never resolving entities or loading a DTD; a part with a DOCTYPE is refused, and
no part is inflated beyond a limit.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS

from ..errors import LedgerError

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_PART_BYTES = 512 * 1024 * 1024  # inflated; a sheet of a report is a few MB
GENERAL = "General"
# Elements of a sheet that change what it shows, besides its cells (a report has none of them).
EXTRAS = (
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "picture",
    "oleObjects",
    "controls",
    "conditionalFormatting",
)
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


class ContentError(LedgerError):
    """The file cannot be read as a workbook this program could have made."""


# -- canonical values -----------------------------------------------------------------------------
def canonical_number(value: float | int) -> str:
    number = float(value)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return format(number, ".12g")


def canonical_text(text: str) -> str:
    if "_x" in text:
        text = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def canonical(value) -> str | None:
    """A written cell value in the form the reader gives it back; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        return canonical_text(value) or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return canonical_number(value)


# -- the content ----------------------------------------------------------------------------------
@dataclass
class SheetContent:
    name: str
    state: str = "visible"
    cells: dict[str, tuple[str, str]] = field(default_factory=dict)  # ref -> (value, format)
    merges: list[str] = field(default_factory=list)
    hidden_rows: list[int] = field(default_factory=list)
    hidden_cols: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "name": self.name,
            "state": self.state,
            # in the order written or read (row by row): equal content compares equal as a dict
            "cells": [[ref, value, fmt] for ref, (value, fmt) in self.cells.items()],
            "merges": sorted(self.merges, key=_range_key),
            "hidden_rows": sorted(self.hidden_rows),
            "hidden_cols": sorted(self.hidden_cols, key=column_number),
            "extras": sorted(self.extras),
        }

    @classmethod
    def from_json(cls, data: dict) -> SheetContent:
        return cls(
            data["name"],
            data["state"],
            {ref: (value, fmt) for ref, value, fmt in data["cells"]},
            list(data["merges"]),
            list(data["hidden_rows"]),
            list(data["hidden_cols"]),
            list(data["extras"]),
        )


_REF = re.compile(r"([A-Z]+)(\d+)")


def split_ref(ref: str) -> tuple[str, int]:
    m = _REF.fullmatch(ref)
    if not m:
        raise ContentError(f"单元格地址“{ref}”无效。")
    return m.group(1), int(m.group(2))


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def ref_key(ref: str) -> tuple[int, int]:
    letters, row = split_ref(ref)
    return row, column_number(letters)


def _range_key(text: str) -> tuple[int, int]:
    return ref_key(text.split(":", 1)[0])


_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


def as_date(value: str, fmt: str) -> str:
    """A serial number under a date format, as the date it shows (`2025-12-31`); else `value`.

    Hand-kept workbooks store dates as numbers; the committee reading one should see the date.
    """
    pattern = _QUOTED.sub("", (fmt or "").split(";")[0]).lower()
    if not value or fmt == GENERAL or not any(ch in pattern for ch in "ymd"):
        return value
    try:
        day = float(value)
    except ValueError:
        return value
    if not 0 < day < 2958466:  # Excel's last day, 9999-12-31
        return value
    import datetime as dt

    return (dt.date(1899, 12, 30) + dt.timedelta(days=int(day))).isoformat()


def sheet_rows(sheet: SheetContent, first_row: int, *, dates: bool = False) -> list[list]:
    """A sheet's rows from `first_row` on as lists of shown values (None where empty); with
    `dates`, numbers under a date format as their dates."""
    rows: dict[int, dict[int, str]] = {}
    width = 0
    for ref, (value, fmt) in sheet.cells.items():
        letters, row = split_ref(ref)
        if row >= first_row:
            col = column_number(letters)
            rows.setdefault(row, {})[col] = as_date(value, fmt) if dates else value
            width = max(width, col)
    return [[rows[r].get(c) for c in range(1, width + 1)] for r in sorted(rows)]


@dataclass
class WorkbookContent:
    sheets: list[SheetContent]

    def sheet(self, name: str) -> SheetContent | None:
        return next((s for s in self.sheets if s.name == name), None)


# -- reading --------------------------------------------------------------------------------------
class _Parts:
    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ContentError(
                f"“{path.name}” 不是 Excel 工作簿（.xlsx），或已损坏：{exc}"
            ) from None
        self.names = set(self.zip.namelist())

    def close(self) -> None:
        self.zip.close()

    def open(self, name: str) -> io.BufferedIOBase:
        if name not in self.names:
            raise ContentError(f"“{self.path.name}” 缺少 {name}，不是完整的 Excel 工作簿。")
        info = self.zip.getinfo(name)
        if info.file_size > MAX_PART_BYTES:
            raise ContentError(
                f"“{self.path.name}” 的 {name} 解压后有 {info.file_size // 2**20} MB，"
                "远超本程序生成的报表，拒绝读取。"
            )
        return _Capped(self.zip.open(name), name, self.path.name)

    def elements(self, name: str, tags: tuple[str, ...]) -> Iterator[etree._Element]:
        """The elements named `tags` of part `name` as they end; each is cleared after the
        caller's loop body, with the siblings before it (memory stays flat on long sheets)."""
        with self.open(name) as fh:
            parser = etree.iterparse(
                fh,
                events=("end",),
                tag=tags,
                resolve_entities=False,
                no_network=True,
                load_dtd=False,
                huge_tree=True,
            )
            checked = False
            try:
                for _event, el in parser:
                    if not checked:
                        checked = True
                        if el.getroottree().docinfo.doctype:
                            raise ContentError(
                                f"“{self.path.name}” 的 {name} 含有文档类型声明（DOCTYPE），"
                                "Excel 工作簿不会有它，可能是恶意构造的文件，拒绝读取。"
                            )
                    yield el
                    el.clear(keep_tail=False)
                    parent = el.getparent()
                    if parent is not None:
                        while el.getprevious() is not None:
                            del parent[0]
            except etree.XMLSyntaxError as exc:
                raise ContentError(f"“{self.path.name}” 的 {name} 已损坏：{exc}") from None


class _Capped(io.RawIOBase):
    """A part's stream that refuses to inflate more than MAX_PART_BYTES (the declared size lies)."""

    def __init__(self, raw, name: str, file: str) -> None:
        self.raw, self.name_, self.file, self.count = raw, name, file, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        self.count += len(data)
        if self.count > MAX_PART_BYTES:
            raise ContentError(f"“{self.file}” 的 {self.name_} 解压后过大，拒绝读取。")
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.raw.close()
        super().close()


def _rels(parts: _Parts, name: str) -> dict[str, str]:
    folder, base = posixpath.split(name)
    rels = posixpath.join(folder, "_rels", base + ".rels")
    if rels not in parts.names:
        return {}
    out = {}
    for el in parts.elements(rels, (f"{PKG_REL}Relationship",)):
        target = el.get("Target", "")
        if target.startswith("/"):
            out[el.get("Id")] = target.lstrip("/")
        else:
            out[el.get("Id")] = posixpath.normpath(posixpath.join(folder, target))
    return out


def _workbook_part(parts: _Parts) -> str:
    for rid, target in _rels(parts, "").items():
        del rid
        if target.endswith("workbook.xml"):
            return target
    return "xl/workbook.xml"


def _shared_strings(parts: _Parts, rels: dict[str, str]) -> list[str]:
    name = next((t for t in rels.values() if t.endswith("sharedStrings.xml")), None)
    if name is None or name not in parts.names:
        return []
    out = []
    for si in parts.elements(name, (f"{MAIN}si",)):
        out.append(_string_item(si))
        si.clear()
    return out


def _string_item(el: etree._Element) -> str:
    """The text of an `<si>` or `<is>`: its `<t>` and rich-text runs, not phonetic hints."""
    texts = []
    for child in el:
        if child.tag == f"{MAIN}t":
            texts.append(child.text or "")
        elif child.tag == f"{MAIN}r":
            t = child.find(f"{MAIN}t")
            if t is not None:
                texts.append(t.text or "")
    return "".join(texts)


WHITE, BLACK = "FFFFFF", "000000"
INVISIBLE = " ;看不见"  # appended to a cell's format when its text cannot be seen
_THEME = {"0": WHITE, "1": BLACK}  # SpreadsheetML's theme indexes 0/1: background, text
_INDEXED = {"1": WHITE, "9": WHITE, "65": WHITE, "0": BLACK, "8": BLACK, "64": BLACK}


def _colour(el: etree._Element | None, default: str) -> str:
    if el is None:
        return default
    if el.get("rgb"):
        return el.get("rgb", "")[-6:].upper()
    if el.get("theme") is not None:
        return _THEME.get(el.get("theme", ""), "theme" + el.get("theme", ""))
    if el.get("indexed") is not None:
        return _INDEXED.get(el.get("indexed", ""), "indexed" + el.get("indexed", ""))
    return default


def _number_formats(parts: _Parts, rels: dict[str, str]) -> list[str]:
    """The number format code of each cell format (`s` of a cell is an index into this), marked
    `INVISIBLE` where the format's font has the colour of its fill (or white on no fill) or is
    too small to read: a figure can be blanked out without changing its value."""
    name = next((t for t in rels.values() if t.endswith("styles.xml")), None)
    if name is None or name not in parts.names:
        return []
    custom: dict[int, str] = {}
    fonts: list[tuple[str, float]] = []
    fills: list[str] = []
    formats: list[str] = []
    tags = (f"{MAIN}numFmt", f"{MAIN}fonts", f"{MAIN}fills", f"{MAIN}cellXfs")
    for el in parts.elements(name, tags):
        tag = el.tag[len(MAIN) :]
        if tag == "numFmt":
            custom[int(el.get("numFmtId", "0"))] = el.get("formatCode", "")
        elif tag == "fonts":
            for font in el.iterchildren(f"{MAIN}font"):
                size = font.find(f"{MAIN}sz")
                fonts.append((_colour(font.find(f"{MAIN}color"), BLACK), _size(size)))
        elif tag == "fills":
            for fill in el.iterchildren(f"{MAIN}fill"):
                pattern = fill.find(f"{MAIN}patternFill")
                solid = pattern is not None and pattern.get("patternType") not in (None, "none")
                fills.append(_colour(pattern.find(f"{MAIN}fgColor"), BLACK) if solid else WHITE)
        elif tag == "cellXfs":
            for xf in el.iterchildren(f"{MAIN}xf"):
                fid = int(xf.get("numFmtId", "0"))
                code = custom.get(fid) or BUILTIN_FORMATS.get(fid) or GENERAL
                font_id, fill_id = int(xf.get("fontId", "0")), int(xf.get("fillId", "0"))
                colour, size = fonts[font_id] if font_id < len(fonts) else (BLACK, 11.0)
                ground = fills[fill_id] if fill_id < len(fills) else WHITE
                formats.append(code + INVISIBLE if colour == ground or size < 4 else code)
    return formats


def _size(el: etree._Element | None) -> float:
    try:
        return float(el.get("val", "11")) if el is not None else 11.0
    except ValueError:
        return 11.0


def read_content(path: str | Path) -> WorkbookContent:
    """Every sheet of an .xlsx (hidden ones too, with their state) in canonical form."""
    path = Path(path)
    parts = _Parts(path)
    try:
        book = _workbook_part(parts)
        rels = _rels(parts, book)
        strings = _shared_strings(parts, rels)
        formats = _number_formats(parts, rels)
        sheets = []
        listed = [
            (el.get("name", ""), el.get("state", "visible"), el.get(f"{REL}id"))
            for el in parts.elements(book, (f"{MAIN}sheet",))
        ]
        for name, state, rid in listed:
            target = rels.get(rid or "")
            sheet = SheetContent(name, state)
            if target and target in parts.names:
                _read_sheet(parts, target, sheet, strings, formats)
            sheets.append(sheet)
        return WorkbookContent(sheets)
    finally:
        parts.close()


def _read_sheet(
    parts: _Parts, name: str, sheet: SheetContent, strings: list[str], formats: list[str]
) -> None:
    tags = (
        f"{MAIN}row",
        f"{MAIN}col",
        f"{MAIN}mergeCell",
        f"{MAIN}sheetFormatPr",
        *(f"{MAIN}{x}" for x in EXTRAS),
    )
    number = 0
    for el in parts.elements(name, tags):
        tag = el.tag[len(MAIN) :]
        if tag == "row":
            r = el.get("r")
            number = int(r) if r else number + 1
            _read_row(el, number, sheet, strings, formats)
        elif tag == "col":
            width = el.get("width")
            if el.get("hidden") in ("1", "true") or (width is not None and float(width) < 0.5):
                first, last = int(el.get("min", "1")), int(el.get("max", "1"))
                last = min(last, first + 256)  # a hidden run to XFD is one fact, not 16384
                sheet.hidden_cols.extend(column_letters(c) for c in range(first, last + 1))
        elif tag == "mergeCell":
            sheet.merges.append(el.get("ref", ""))
        elif tag == "sheetFormatPr":
            if el.get("zeroHeight") in ("1", "true"):
                sheet.extras.append("zeroHeight")
        elif tag in EXTRAS:
            sheet.extras.append(f"{tag}:{etree.tostring(el, method='c14n').decode()[:2000]}")


def column_letters(number: int) -> str:
    out = ""
    while number:
        number, rest = divmod(number - 1, 26)
        out = chr(65 + rest) + out
    return out


_C, _F, _V, _IS = f"{MAIN}c", f"{MAIN}f", f"{MAIN}v", f"{MAIN}is"


def _read_row(el, number: int, sheet: SheetContent, strings: list[str], formats: list[str]) -> None:
    """One `<row>` (number `number` when it does not say) into `sheet`.

    Asked for every row of every report a committee collects: the children of each cell are
    walked once (a cell holds `<f>`, `<v>` or `<is>`), not searched for by tag.
    """
    height = el.get("ht")
    if el.get("hidden") in ("1", "true") or (height is not None and float(height) < 1.5):
        sheet.hidden_rows.append(number)
    cells, general, known = sheet.cells, GENERAL, len(formats)
    last = ""
    for c in el.iterchildren(_C):
        ref = c.get("r")
        if ref is None:  # optional in the format: the cell after the previous one
            column = column_number(last.rstrip("0123456789")) + 1 if last else 1
            ref = f"{column_letters(column)}{number}"
        last = ref
        kind = c.get("t")
        text = formula = value = None
        for child in c:
            tag = child.tag
            if tag == _V:
                text = child.text
            elif tag == _IS:
                value = canonical_text(_string_item(child)) or None
            elif tag == _F:
                formula = child.text or ""
        if kind != "inlineStr":
            value = _cell_value(kind, text, strings)
        if formula is not None:
            value = f"{value or ''}\u0192={formula}"  # shown value ƒ= its formula
        if value is None:
            continue
        s = c.get("s")
        index = int(s) if s else 0
        cells[ref] = (value, formats[index] if index < known else general)


def _cell_value(kind: str | None, text: str | None, strings: list[str]) -> str | None:
    """The canonical value of a non-inline cell of type `kind` whose `<v>` holds `text`."""
    if text is None:
        return None
    if kind is None or kind == "n":
        try:
            return canonical_number(float(text))
        except ValueError:
            return canonical_text(text) or None
    if kind == "s":
        index = int(text)
        return canonical_text(strings[index]) or None if index < len(strings) else None
    if kind in ("str", "d"):
        return canonical_text(text) or None
    if kind == "b":
        return "TRUE" if text.strip() in ("1", "true") else "FALSE"
    if kind == "e":
        return f"#ERR:{text}"
    try:
        return canonical_number(float(text))
    except ValueError:
        return canonical_text(text) or None
