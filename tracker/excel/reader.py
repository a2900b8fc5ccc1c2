"""Reading a workbook into plain rows of cell values, merged cells resolved, whatever its format.

Real ledgers arrive as .xlsx, as old .xls, as .xlsx renamed .xls, encrypted, or as something that
is not a spreadsheet at all. The file's first bytes decide how it is read, never its extension,
and every failure becomes one Chinese sentence the user can act on (`WorkbookError`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from ..bulk import Cancelled, ProgressCallback
from .linebreak import restore_lines
from .safety import MAX_FILE_BYTES, ArchiveFacts, MiB, WorkbookError, check_archive

MAX_COLUMNS = 64  # ledgers have 10–30 columns; styled-but-empty columns up to XFD are ignored
MAX_EMPTY_RUN = 2000  # this many empty rows in a row: the rest of the sheet is formatting only
# The largest workbook imported: rows with content (all sheets together) and cells holding a
# value. 200000 rows (about 65000 problems of 3 measures) take about 1.4 GB and a minute or two;
# a bigger file is refused with a message, never read half-way.
MAX_ROWS = 200_000
MAX_CELLS = 4_000_000
MAX_SHEET_ROWS = 1_048_576  # Excel's own last row: a row number beyond it is not a sheet's
MAX_MERGE_AREA = 20_000  # cells in one merged range (a ledger's merges are a few rows tall)
_EMPTY: list[Any] = []  # every empty row: shared, never changed (merges replace it first)
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?"')


@dataclass
class Sheet:
    """One worksheet: `rows[r][c]` (0-based) with merged ranges filled with their top-left value.

    `merged_from` maps every non-anchor cell of a merged range to its anchor, so that a caller can
    tell a problem cell merged down over several measure rows from the same text typed twice.
    """

    name: str
    rows: list[list[Any]]
    merged_from: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    # 0-based columns not to import: what this program's export adds for the reader only
    # (是否销号 repeats 完成情况), as its file says (`linebreak.restore_lines`)
    ignored: set[int] = field(default_factory=set)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def value(self, row: int, col: int) -> Any:
        if row < len(self.rows) and col < len(self.rows[row]):
            return self.rows[row][col]
        return None

    def merged_down(self, row: int, col: int) -> bool:
        """True when the cell belongs to a merge that started on an earlier row."""
        anchor = self.merged_from.get((row, col))
        return anchor is not None and anchor[0] < row

    def merged_across(self, row: int, col: int) -> bool:
        """True when the cell belongs to a merge that started in an earlier column of its row."""
        anchor = self.merged_from.get((row, col))
        return anchor is not None and anchor[1] < col


@dataclass
class Workbook:
    path: Path
    sha256: str
    sheets: list[Sheet]
    engine: str

    @property
    def name(self) -> str:
        return self.path.name


def column_letter(index: int) -> str:
    """0 → A, 26 → AA: the column names the user sees in Excel."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _column_index(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number - 1


def clean_value(value: Any) -> Any:
    """Blank text and empty strings become None; text is stripped; other values are kept as read."""
    if isinstance(value, str):
        if "\r" in value or "_x" in value:
            value = value.replace("\r\n", "\n").replace("_x000D_", "")
        return value.strip() or None
    if isinstance(value, dt.time) and not isinstance(value, dt.datetime):
        return value.isoformat()
    return value


# -- sniffing --------------------------------------------------------------------------------------
def sniff(path: Path) -> str:
    """What the file really is: "xlsx", "xls", "ods", or a WorkbookError saying what it is instead.

    A zip (xlsx, ods) passes `safety.check_archive` first: no reader ever opens a zip bomb or an
    XML part with a DOCTYPE.
    """
    return _sniff(path)[0]


def _sniff(path: Path) -> tuple[str, ArchiveFacts | None]:
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(8192)
    except FileNotFoundError:
        raise WorkbookError(f"找不到文件：{path}") from None
    except IsADirectoryError:
        raise WorkbookError(f"“{path}” 是一个文件夹，不是 Excel 工作簿。") from None
    except OSError as exc:
        raise WorkbookError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
    name = path.name
    if size == 0:
        raise WorkbookError(f"“{name}” 是空文件（0 字节），里面没有任何表格。")
    if head.startswith(ZIP_MAGIC):
        facts = check_archive(path)
        return _sniff_zip(path), facts
    if head.startswith(OLE_MAGIC):
        if size > MAX_FILE_BYTES:
            raise WorkbookError(f"“{name}” 太大（超过 {MAX_FILE_BYTES // MiB} MB），无法导入。")
        data = path.read_bytes()
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise WorkbookError(_encrypted(name))
        if "WordDocument".encode("utf-16-le") in data:
            raise WorkbookError(f"“{name}” 是 Word 文档，不是 Excel 工作簿。")
        return "xls", None
    if head.startswith(b"%PDF"):
        raise WorkbookError(f"“{name}” 是 PDF 文件，不是 Excel 工作簿，无法导入。")
    lowered = head.lower()
    if b"<html" in lowered or b"<table" in lowered or b"<?xml" in lowered[:10]:
        raise WorkbookError(
            f"“{name}” 是网页（HTML/XML）格式的文件，只是扩展名像 Excel。"
            "请用 Excel 或 WPS 打开后“另存为” .xlsx 格式，再导入。"
        )
    raise WorkbookError(f"“{name}” 不是 Excel 工作簿（无法识别的文件格式）。")


def _sniff_zip(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype") if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError) as exc:
        raise WorkbookError(f"“{path.name}” 已损坏，无法打开（{exc}）。") from exc
    if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
        if "xl/workbook.bin" in names:
            raise WorkbookError(
                f"“{path.name}” 是二进制工作簿（.xlsb），请在 Excel 中另存为 .xlsx 后再导入。"
            )
        return "xlsx"
    if mimetype.startswith(b"application/vnd.oasis.opendocument.spreadsheet"):
        return "ods"
    if "word/document.xml" in names:
        raise WorkbookError(f"“{path.name}” 是 Word 文档，不是 Excel 工作簿。")
    if any(n.startswith("ppt/") for n in names):
        raise WorkbookError(f"“{path.name}” 是 PowerPoint 演示文稿，不是 Excel 工作簿。")
    raise WorkbookError(f"“{path.name}” 是一个压缩包，不是 Excel 工作簿。")


def _encrypted(name: str) -> str:
    return (
        f"“{name}” 设置了打开密码（已加密），程序无法读取。"
        "请在 Excel 或 WPS 中打开并取消密码后另存，再导入。"
    )


# -- reading -----------------------------------------------------------------------------------
class _Rows:
    """Rows as they stream in, across the workbook: progress, cancel, and the limits on size.

    Only rows with content count towards MAX_ROWS; runs of empty rows share one list object, so
    a sheet formatted down to row 1048576 costs a pointer per row, not a list.
    """

    def __init__(self, name: str, progress: ProgressCallback, total: int) -> None:
        self.name, self.progress, self.total = name, progress, max(total, 1)
        self.done = self.filled = 0

    def tick(self) -> None:
        self.done += 1
        if self.done % 500 == 0:
            self.tell()

    def tell(self) -> None:
        """Report the rows read so far (and stop here if the user cancelled)."""
        self.total = max(self.total, self.done)
        if self.progress and not self.progress(self.done, self.total):
            raise Cancelled("已取消导入，未做任何修改。")

    def finish(self) -> None:
        self.done = self.total = max(self.done, 1)
        self.tell()

    def collect(self, rows: Iterable[Iterable[Any]], sheet: str) -> list[list[Any]]:
        """Cleaned rows, trailing empties dropped; stops after a long run of empty rows."""
        out: list[list[Any]] = []
        empty_run = 0
        self.tell()
        for raw in rows:
            self.tick()
            row = [None if v is None else clean_value(v) for v in islice(raw, MAX_COLUMNS)]
            while row and row[-1] is None:
                row.pop()
            if row:
                empty_run = 0
                self.filled += 1
                if self.filled > MAX_ROWS:
                    raise WorkbookError(too_many_rows(self.name, sheet))
                out.append(row)
            else:
                empty_run += 1
                out.append(_EMPTY)
                if empty_run >= MAX_EMPTY_RUN or len(out) >= MAX_SHEET_ROWS:
                    break
            if len(out) >= MAX_SHEET_ROWS:
                break
        while out and not out[-1]:
            out.pop()
        self.tell()
        return out


def too_many_rows(name: str, sheet: str) -> str:
    return (
        f"“{name}”的工作表“{sheet}”中有内容的行超过 {MAX_ROWS} 行（导入上限），未导入任何内容。"
        "整改台账很少有这么多行：请确认选对了文件；确实需要时，请把台账分成几个文件分别导入。"
    )


def _fill_merges(sheet: Sheet, ranges: Iterable[tuple[int, int, int, int]]) -> None:
    """Copy each merged range's top-left value into its other cells and remember where it came from.

    A merge larger than MAX_MERGE_AREA cells is no ledger's layout (a problem spans a few rows,
    a title one row): it is left unfilled rather than held cell by cell.
    """
    for r0, c0, r1, c1 in ranges:
        if r0 < 0 or c0 < 0 or r0 >= len(sheet.rows) or c0 >= MAX_COLUMNS:
            continue
        r1 = min(r1, len(sheet.rows) - 1)
        c1 = min(c1, MAX_COLUMNS - 1)
        if (r1 - r0 + 1) * (c1 - c0 + 1) > MAX_MERGE_AREA:
            continue
        anchor, origin = sheet.value(r0, c0), (r0, c0)
        merged_from = sheet.merged_from
        for r in range(r0, r1 + 1):
            start = c0 if r > r0 else c0 + 1  # the anchor itself stays as it is
            if start > c1:
                continue
            row = sheet.rows[r]
            if row is _EMPTY:
                row = sheet.rows[r] = []
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(start, c1 + 1):
                row[c] = anchor
                merged_from[(r, c)] = origin


def _xlsx_merges(archive: zipfile.ZipFile, member: str) -> list[tuple[int, int, int, int]]:
    """Merged ranges of one sheet, scanned from its XML (openpyxl's read-only mode skips them)."""
    found = []
    tail = b""
    with archive.open(member) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            tail = data[-200:]
            if b"mergeCell" not in data:  # the cells come first: a plain search skips them fast
                continue
            for m in _MERGE_REF.finditer(data):
                c0, r0 = _column_index(m[1]), int(m[2]) - 1
                c1, r1 = (_column_index(m[3]), int(m[4]) - 1) if m[3] else (c0, r0)
                found.append((r0, c0, r1, c1))
            # A match wholly inside the overlap is seen twice; duplicates are harmless but dropped.
    return sorted(set(found))


def _read_openpyxl(
    path: Path, progress: ProgressCallback, facts: ArchiveFacts | None
) -> list[Sheet]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise WorkbookError(f"“{path.name}” 已损坏或格式不受支持，无法读取（{exc}）。") from exc
    try:
        worksheets = [ws for ws in book.worksheets if hasattr(ws, "iter_rows")]
        counted = facts.rows if facts else {}
        total = sum(
            counted.get(getattr(ws, "_worksheet_path", "").lstrip("/"), 0) or ws.max_row or 0
            for ws in worksheets
        )
        reading = _Rows(path.name, progress, min(total, MAX_SHEET_ROWS * len(worksheets)))
        sheets = []
        for ws in worksheets:
            ws.reset_dimensions()  # dimensions written by other programs are often wrong
            rows = ws.iter_rows(values_only=True, max_col=MAX_COLUMNS)
            sheet = Sheet(ws.title, reading.collect(rows, ws.title))
            member = getattr(ws, "_worksheet_path", None)
            archive = getattr(book, "_archive", None)
            if member and archive is not None:
                _fill_merges(sheet, _xlsx_merges(archive, member))
            sheets.append(sheet)
        reading.finish()
        return sheets
    finally:
        book.close()


def _read_calamine(path: Path, progress: ProgressCallback) -> list[Sheet]:
    import python_calamine as calamine

    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError:
        raise WorkbookError(_encrypted(path.name)) from None
    except Exception as exc:  # the reader's own error types vary by version; all mean "unreadable"
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise WorkbookError(_encrypted(path.name)) from None
        raise WorkbookError(f"“{path.name}” 已损坏或格式不受支持，无法读取（{exc}）。") from exc
    try:
        found = []
        for name in book.sheet_names:
            try:
                found.append(book.get_sheet_by_name(name))
            except Exception:  # a chart sheet or a damaged sheet: skip it, keep the others
                continue
        reading = _Rows(path.name, progress, sum(s.height for s in found))
        sheets = []
        for cs in found:
            top, left = cs.start if cs.height else (0, 0)
            rows = reading.collect(([None] * left + list(r) for r in cs.iter_rows()), cs.name)
            sheet = Sheet(cs.name, [_EMPTY] * min(top, MAX_SHEET_ROWS) + rows)
            ranges = getattr(cs, "merged_cell_ranges", None) or []
            _fill_merges(sheet, ((r0, c0, r1, c1) for (r0, c0), (r1, c1) in ranges))
            sheets.append(sheet)
        reading.finish()
        return sheets
    finally:
        book.close()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_workbook(
    path: str | Path, *, engine: str = "auto", progress: ProgressCallback = None
) -> Workbook:
    """All sheets of a workbook as values (formulas as their cached results, merges filled in).

    `engine` "auto" reads .xlsx with openpyxl (read-only, cached values) and .xls/.ods with
    calamine; "calamine" reads .xlsx with calamine too (faster on very large files).
    """
    path = Path(path)
    kind, facts = _sniff(path)
    if facts is not None and sum(facts.cells.values()) > MAX_CELLS:
        biggest = max(facts.cells, key=facts.cells.get)
        raise WorkbookError(
            f"“{path.name}”中的“{biggest}”等工作表共有约 {sum(facts.cells.values())} 个填写了内容的"
            f"单元格，超过导入上限（{MAX_CELLS} 个），未导入任何内容。请确认选对了文件；"
            "确实需要时，请把台账分成几个文件分别导入。"
        )
    use_calamine = kind != "xlsx" or engine == "calamine"
    try:
        if use_calamine:
            sheets = _read_calamine(path, progress)
        else:
            sheets = _read_openpyxl(path, progress, facts)
    except (WorkbookError, Cancelled):
        raise
    except MemoryError:
        raise WorkbookError(f"“{path.name}” 太大，内存不足，无法读取。") from None
    except Exception as exc:
        raise WorkbookError(f"“{path.name}” 无法读取（{type(exc).__name__}：{exc}）。") from exc
    if not any(sheet.rows for sheet in sheets):
        raise WorkbookError(f"“{path.name}” 中没有任何数据（所有工作表都是空的）。")
    if kind == "xlsx":
        restore_lines(path, sheets)  # an exported ledger: its texts as the ledger had them
    return Workbook(path, file_sha256(path), sheets, "calamine" if use_calamine else "openpyxl")
