"""The typefaces of official documents, where this computer has them, with the fallbacks a plain
Windows PC has.

GB/T 9704 and common practice want 方正小标宋简体 for titles, 仿宋_GB2312 for the body, 黑体 for
first-level headings and 楷体_GB2312 for second-level ones. Government PCs have the GB2312 and
方正 fonts; a plain Windows PC has 宋体, 黑体, 仿宋 and 楷体 only. A workbook or document names one
font per style and the program that opens it substitutes what it lacks with something of its own
choosing, so the names are chosen here: the official face if this computer has it (the files are
read where they will most likely be printed), else the plain Windows face of the same family.
`ZHENGGAI_FONTS` (a comma-separated list of family names) stands in for the installed fonts, for
tests and for a computer that makes documents for another.
"""

from __future__ import annotations

import functools
import os
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

ENV_FONTS = "ZHENGGAI_FONTS"
# (choices in order of preference, the plain-Windows fallback)
TITLE = (("方正小标宋简体", "方正小标宋_GBK", "方正小标宋"), "黑体")
HEADING = (("黑体",), "黑体")
BODY = (("仿宋_GB2312", "仿宋_GBK"), "仿宋")
SUBHEADING = (("楷体_GB2312", "楷体_GBK"), "楷体")
TABLE_BODY = (("仿宋_GB2312",), "宋体")  # small table text: 宋体 reads better than 仿宋 below 五号
PLAIN = "宋体"
FONT_SUFFIXES = (".ttf", ".ttc", ".otf", ".otc")


@dataclass(frozen=True)
class Faces:
    """The family names a document's styles use."""

    title: str
    heading: str
    subheading: str
    body: str
    table: str  # table cells
    plain: str = PLAIN  # header lines, notes, page numbers

    @property
    def official(self) -> bool:
        """Does this computer have the official title and body faces?"""
        return self.title != TITLE[1] and self.body != BODY[1]


def faces(installed: frozenset[str] | None = None) -> Faces:
    have = installed_families() if installed is None else installed
    return Faces(
        *(_pick(choice, have) for choice in (TITLE, HEADING, SUBHEADING, BODY, TABLE_BODY))
    )


def _pick(choice: tuple[tuple[str, ...], str], have: frozenset[str]) -> str:
    wanted, fallback = choice
    return next((name for name in wanted if name in have), fallback)


def installed_families() -> frozenset[str]:
    override = os.environ.get(ENV_FONTS)
    if override is not None:
        return frozenset(n.strip() for n in override.split(",") if n.strip())
    return _scan()


@functools.cache
def _scan() -> frozenset[str]:
    """The family names (every language's) of the fonts in this computer's font folders.

    Only the names of files that can be CJK fonts are read (a few KB each); a file that cannot
    be read is skipped. Cached for the process: fonts are rarely installed while it runs."""
    names: set[str] = set()
    for folder in _font_folders():
        try:
            files = [p for p in folder.rglob("*") if p.suffix.lower() in FONT_SUFFIXES]
        except OSError:
            continue
        for path in files:
            try:
                names.update(family_names(path))
            except (OSError, ValueError, struct.error):
                continue
    return frozenset(names)


def _font_folders() -> list[Path]:
    home = Path.home()
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        local = Path(os.environ.get("LOCALAPPDATA", home / "AppData" / "Local"))
        return [windir / "Fonts", local / "Microsoft" / "Windows" / "Fonts"]
    if sys.platform == "darwin":
        return [Path("/System/Library/Fonts"), Path("/Library/Fonts"), home / "Library" / "Fonts"]
    return [
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
        home / ".local" / "share" / "fonts",
        home / ".fonts",
    ]


def family_names(path: Path) -> set[str]:
    """Family names in a TrueType/OpenType file or collection (its `name` table, ids 1 and 16)."""
    with path.open("rb") as fh:
        head = fh.read(12)
        if head[:4] == b"ttcf":
            count = struct.unpack(">I", head[8:12])[0]
            offsets = struct.unpack(f">{min(count, 64)}I", fh.read(4 * min(count, 64)))
        else:
            offsets = (0,)
        out: set[str] = set()
        for offset in offsets:
            out.update(_names_at(fh, offset))
        return out


def _names_at(fh, offset: int) -> set[str]:
    fh.seek(offset)
    _version, tables = struct.unpack(">IH", fh.read(6))
    fh.seek(offset + 12)
    directory = fh.read(16 * min(tables, 128))
    for i in range(min(tables, 128)):
        tag, _check, start, length = struct.unpack(">4sIII", directory[16 * i : 16 * i + 16])
        if tag == b"name":
            fh.seek(start)
            return _read_name_table(fh.read(min(length, 1 << 20)))
    return set()


def _read_name_table(data: bytes) -> set[str]:
    _fmt, count, strings = struct.unpack(">HHH", data[:6])
    out = set()
    for i in range(count):
        platform, encoding, _lang, name_id, length, at = struct.unpack(
            ">HHHHHH", data[6 + 12 * i : 18 + 12 * i]
        )
        if name_id not in (1, 16):
            continue
        raw = data[strings + at : strings + at + length]
        if platform == 3 or platform == 0:
            text = raw.decode("utf-16-be", errors="ignore")
        elif platform == 1 and encoding == 0:
            text = raw.decode("latin-1", errors="ignore")
        else:
            continue
        if text.strip():
            out.add(text.strip())
    return out
