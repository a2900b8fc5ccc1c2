"""Refusing hostile workbook archives before any XML parser sees them: zip bombs and DOCTYPEs.

An .xlsx is a zip of XML parts. A 1.5 MB file can hold a sheet that inflates to gigabytes, and
an XML part can carry a DOCTYPE whose entities expand exponentially (billion laughs) or pull in
a local file (XXE). Readers (openpyxl, calamine) trust what they are given, so `check_archive`
looks first: the declared sizes and ratios from the zip directory (nothing inflated yet), then
every XML part inflated by this module in bounded chunks, counting the bytes that really come
out (a part that lies about its size is stopped as soon as it passes the size it declared) and
refusing any DOCTYPE or ENTITY declaration — a spreadsheet has no use for either.

Public: `check_archive(path)`, for the importer (`reader.sniff`) and the monthly-report checker
alike; it raises `WorkbookError` with one Chinese sentence naming the file and the part.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LedgerError

MiB = 1024 * 1024
MAX_FILE_BYTES = 256 * MiB  # the file itself; a real ledger of 100000 rows is about 5 MB
MAX_PART_BYTES = 256 * MiB  # one part, inflated; 100000 ledger rows make a sheet of ~65 MB
MAX_TOTAL_BYTES = 512 * MiB  # all parts together, inflated
MAX_RATIO = 100  # inflated / compressed, for parts over RATIO_FLOOR; real sheets: 5–20
RATIO_FLOOR = 8 * MiB
MAX_PARTS = 10000
CHUNK = 256 * 1024  # compressed bytes read at a time; each yields at most CHUNK_OUT inflated
CHUNK_OUT = 1 * MiB
# Parts that are not XML (pictures, embedded objects) are never parsed as XML: sizes only.
BINARY_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf")
BINARY_SUFFIXES += (".bin", ".wdp", ".jfif", ".svg.bin", ".ico")
_MARKS = [b"<!DOCTYPE", b"<!ENTITY"]
_MARKS += [m.decode().encode(codec) for m in _MARKS for codec in ("utf-16-le", "utf-16-be")]
_OVERLAP = max(len(m) for m in _MARKS) - 1
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")


class WorkbookError(LedgerError):
    """The file cannot be read as a workbook; the message says why and what to do."""


@dataclass
class ArchiveFacts:
    """What the check saw of each XML part: inflated bytes, and for sheets rough row/cell counts.

    The counts are of `<row` and of `<v>`/`<is>` (cells holding a value) as written without a
    namespace prefix: good for a progress bar and an early refusal, not a guarantee (the reader
    enforces the real limits while it reads).
    """

    inflated: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    cells: dict[str, int] = field(default_factory=dict)


def _size(n: int) -> str:
    if n >= 1024 * MiB:
        return f"{n / 1024 / MiB:.1f} GB"
    if n >= MiB:
        return f"{n / MiB:.0f} MB"
    return f"{max(n // 1024, 1)} KB"


def _too_big(name: str, part: str, why: str) -> WorkbookError:
    """Plain too much: a real but enormous sheet gets the same refusal, in plainer words."""
    return WorkbookError(
        f"“{name}”不能导入：其中的“{part}”{why}，超出导入的上限。台账未做任何修改。"
        "请确认选对了文件；确实需要时，请把台账分成几个文件分别导入。"
    )


def _refuse(name: str, part: str, why: str) -> WorkbookError:
    """A file built to harm (a zip bomb, XML entities): refused before anything reads it."""
    return WorkbookError(
        f"“{name}”不能导入：其中的“{part}”{why}。这样的文件可能是恶意构造的（“压缩炸弹”或"
        "带外部实体的 XML），已在读取前拒绝，台账未做任何修改。"
        "如果这是正常的台账，请在 Excel 或 WPS 中打开后另存为新的 .xlsx 文件再导入。"
    )


def _is_xml(part: str) -> bool:
    return not part.lower().endswith(BINARY_SUFFIXES) and not part.endswith("/")


def check_archive(path: str | Path) -> ArchiveFacts:
    """Refuse a zip-based workbook that would take unbounded memory or time, or that declares a
    DOCTYPE/ENTITY in any XML part. Returns what it measured; raises WorkbookError otherwise.

    Takes well under a second for a bomb (its declared sizes give it away before anything is
    inflated) and about the time of one inflation of the XML parts for a genuine workbook.
    """
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise WorkbookError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
    if size > MAX_FILE_BYTES:
        raise WorkbookError(
            f"“{name}”有 {_size(size)}，超过导入上限 {_size(MAX_FILE_BYTES)}。"
            "整改台账一般只有几 MB；请确认选对了文件，或把台账分成几个文件分别导入。"
        )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookError(f"“{name}” 已损坏，无法打开（{exc}）。") from exc
    _check_declared(name, infos)
    facts = ArchiveFacts()
    with path.open("rb") as raw:
        for info in infos:
            if _is_xml(info.filename) and info.file_size:
                _inflate(raw, info, name, facts)
    return facts


def _check_declared(name: str, infos: list[zipfile.ZipInfo]) -> None:
    """Everything the zip directory says, judged before a single byte is inflated."""
    if len(infos) > MAX_PARTS:
        raise _refuse(name, "压缩包目录", f"列出了 {len(infos)} 个部分（上限 {MAX_PARTS}）")
    total = 0
    for info in infos:
        part = info.filename
        if info.flag_bits & 0x1:
            raise WorkbookError(
                f"“{name}”中的“{part}”已加密，程序无法读取。请在 Excel 或 WPS 中取消密码后另存，再导入。"
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _refuse(name, part, f"使用了工作簿不会使用的压缩方式（{info.compress_type}）")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_PART_BYTES:
            refuse = _refuse if ratio > MAX_RATIO else _too_big
            raise refuse(
                name,
                part,
                f"解压后有 {_size(info.file_size)}（压缩后只有 {_size(info.compress_size)}），"
                f"超过单个部分 {_size(MAX_PART_BYTES)} 的上限",
            )
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise _refuse(
                name,
                part,
                f"压缩比高达 {ratio:.0f} 倍（{_size(info.compress_size)} 解压为 "
                f"{_size(info.file_size)}，正常工作表不超过 {MAX_RATIO} 倍）",
            )
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise _too_big(name, part, f"使全部内容解压后超过 {_size(MAX_TOTAL_BYTES)} 的上限")


def _data_offset(raw, info: zipfile.ZipInfo, name: str) -> int:
    raw.seek(info.header_offset)
    header = raw.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise WorkbookError(f"“{name}” 已损坏，无法打开（“{info.filename}”的位置不对）。")
    fields = _LOCAL_HEADER.unpack(header)
    name_length, extra_length = fields[-2], fields[-1]
    return info.header_offset + _LOCAL_HEADER.size + name_length + extra_length


def _inflate(raw, info: zipfile.ZipInfo, name: str, facts: ArchiveFacts) -> None:
    """Inflate one part in bounded steps, counting real output and scanning for DOCTYPE/ENTITY."""
    part = info.filename
    raw.seek(_data_offset(raw, info, name))
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    sheet = part.startswith("xl/worksheets/")
    out_total = rows = cells = 0
    tail = b""
    pending = b""
    while True:
        if inflater is not None and pending:
            out = inflater.decompress(pending, CHUNK_OUT)
            pending = inflater.unconsumed_tail
        elif left > 0:
            chunk = raw.read(min(CHUNK, left))
            if not chunk:
                break
            left -= len(chunk)
            if inflater is None:
                out = chunk
            else:
                out = inflater.decompress(chunk, CHUNK_OUT)
                pending = inflater.unconsumed_tail
        else:
            break
        if not out:
            if inflater is not None and inflater.eof:
                break
            continue
        out_total += len(out)
        if out_total > info.file_size or out_total > MAX_PART_BYTES:
            raise _refuse(
                name,
                part,
                f"实际解压出的内容超过了它声明的大小（声明 {_size(info.file_size)}）",
            )
        window = tail + out
        if any(mark in window for mark in _MARKS):
            raise _refuse(name, part, "含有 DOCTYPE/ENTITY 声明（正常工作簿不会有）")
        if sheet:  # counted in `out` alone: a tag split across two chunks is missed, harmless
            rows += out.count(b"<row")
            cells += out.count(b"<v>") + out.count(b"<is>")
        tail = window[-_OVERLAP:]
    facts.inflated[part] = out_total
    if sheet:
        facts.rows[part] = rows
        facts.cells[part] = cells
