"""Line breaks in printed tables, made by the program: Chinese rules, never left to the reader.

Excel, WPS and LibreOffice wrap a cell's text wherever the column ends: a line may start with
“，” or “。”, and “已完成（整改中）” may break inside its brackets (LibreOffice breaks there even
around a word joiner). What a program can control is the width of each column and where the
lines break. So the printed export breaks every text itself, for a column a little narrower than
the one it sits in (no spreadsheet wraps it again), by the rules of Chinese typesetting:
- no line starts with closing punctuation (，。、；：！？）》」… and the like) and none ends
  with an opening one (（《「“): the character before is carried down with it;
- a bracketed group（…）that fits on a line, a number or a Latin word is not split;
- width counts a Chinese character (anything not ASCII) as two half-widths, an ASCII letter or
  digit as a little over one (fonts substituted for 宋体 draw Latin wider).
`unwrap` undoes it for the importer, which reads the exported ledger back (a line broken exactly
where the text was full is taken for a wrapped one: the only case it cannot tell apart).
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from itertools import accumulate

NO_START = frozenset("，。、；：！？）》」』】〕〉”’…—·,;!?)]}")
NO_END = frozenset("（《「『【〔〈“‘([{")
# brackets whose content is kept on one line when it fits (a status such as “已完成（整改中）”, an
# amount “（3.2万元）”); quotation marks are not: a quoted phrase may break like any other
CLOSING = {"（": "）", "(": ")", "【": "】"}
WORD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-/:%+_")
UNITS = frozenset("年月日号时万元个项次人条%")  # read with the number before them: 2026年, 30日
LATIN = 1.2  # a Latin letter or digit: half a Chinese character in 宋体 and 仿宋, more elsewhere


def width(text: str) -> float:
    """Half-widths: a Chinese character (or any other not in ASCII) two, an ASCII letter, digit
    or mark a little over one (the fonts a reader may substitute draw Latin wider than 宋体)."""
    ascii_count = len(text.encode("ascii", "ignore"))
    return LATIN * ascii_count + 2 * (len(text) - ascii_count)


def _edges(text: str) -> list[float]:
    """Running width at each character's end (a paragraph measured once)."""
    return list(accumulate(LATIN if ch < "\x80" else 2.0 for ch in text))


def _break(text: str, start: int, end: int, capacity: float, edges: list[float]) -> int:
    """Move a break before `text[end]` back so that it follows the rules (or leave it)."""
    for _ in range(8):
        before = end
        opener = max(text.rfind("（", start, end), text.rfind("(", start, end))
        opener = max(opener, text.rfind("【", start, end))
        if opener > start and text.find(CLOSING[text[opener]], opener, end) == -1:
            # a bracket opened on this line and closed on the next: keep the group whole
            closer = text.find(CLOSING[text[opener]], end)
            if closer != -1 and edges[closer] - (edges[opener - 1] if opener else 0) <= capacity:
                end = opener
        if text[end] in WORD or (text[end] in UNITS and text[end - 1].isdigit()):
            run = end
            while run > start and text[run - 1] in WORD:
                run -= 1
            if run > start and (text[end] in UNITS or text[end - 1] in WORD):
                end = run if text[end - 1] in WORD or text[end] in UNITS else end
        while end - 1 > start and (text[end] in NO_START or text[end - 1] in NO_END):
            end -= 1
        if end == before:
            break
    return end


def _first_break(text: str, capacity: float) -> int:
    """Where `wrap_paragraph` ends the first line of `text` (len(text) if it fits on one)."""
    if width(text) <= capacity:
        return len(text)
    edges = _edges(text)
    end = bisect.bisect_right(edges, capacity)
    return 1 if end == 0 else _break(text, 0, end, capacity, edges)


def wrap_paragraph(text: str, capacity: float, fill: float | None = None) -> list[str]:
    """Lines of at most `fill` half-widths (default: `capacity`), bracket groups kept whole
    up to `capacity`."""
    if not text:
        return [""]
    fill = fill or capacity
    if width(text) <= fill:
        return [text]
    edges = _edges(text)
    lines, start, n = [], 0, len(text)
    while start < n:
        base = edges[start - 1] if start else 0.0
        end = bisect.bisect_right(edges, base + fill, start)
        if end >= n:
            lines.append(text[start:])
            break
        if end == start:  # one character wider than the line
            end = start + 1
        else:
            end = _break(text, start, end, capacity, edges)
        lines.append(text[start:end])
        start = end
    return lines


@functools.lru_cache(maxsize=8192)
def wrap(text: str, capacity: float, balance: bool = False) -> str:
    """`text` with line breaks so that no line is wider than `capacity` half-widths; `balance`
    makes the lines of a short text about equal (“组织人 / 事科” rather than “组织人事 / 科”),
    for names and words centred in narrow columns."""
    capacity = max(capacity, 2)
    out = []
    for paragraph in text.split("\n"):
        lines = wrap_paragraph(paragraph, capacity)
        if balance and len(lines) > 1:
            count = len(lines)
            for fill in range(math.ceil(width(paragraph) / count), math.ceil(capacity)):
                even = wrap_paragraph(paragraph, capacity, fill)
                if len(even) == count:
                    lines = even
                    break
        out.extend(lines)
    return "\n".join(out)


def unwrap(text: str, capacity: float, hard: re.Pattern | None = None) -> str:
    """The text `wrap(…, capacity)` was made from: a break is taken for one `wrap` made when the
    line before it is exactly where wrapping would have broken; a line matching `hard` (a dated
    progress entry, say) always starts anew."""
    lines = text.split("\n")
    out = [lines[0]]
    for i in range(1, len(lines)):
        before, line = lines[i - 1], lines[i]
        ahead = line + (lines[i + 1] if i + 1 < len(lines) else "")
        soft = (
            bool(line)
            and not (hard is not None and hard.match(line))
            and _first_break(before + ahead, max(capacity, 2)) == len(before)
        )
        if soft:
            out[-1] += line
        else:
            out.append(line)
    return "\n".join(out)


# -- reading an exported ledger back ---------------------------------------------------------------
PROPERTY = "zhenggai-lines"  # custom document property: which columns the export broke, how wide
CONTINUED = "（续上页）"  # the first line of a problem's description repeated on the next page
_STARTS_ANEW = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|原表记载")  # a progress entry's first line
_PART_LIMIT = 256 * 1024


def restore_lines(path, sheets) -> None:
    """Join the lines an exported ledger's columns were broken into (see `PROPERTY`), in place,
    and drop the continuation mark of a problem carried over to the next page: the importer then
    reads the texts as the ledger had them."""
    spec = _read_property(path)
    if not spec:
        return
    sheet = next((s for s in sheets if s.name == spec.get("sheet")), None)
    if sheet is None:
        return
    join = [_column(letter) for letter in spec.get("join", [])]
    prose = {_column(letter): float(cap) for letter, cap in spec.get("prose", {}).items()}
    marked = _column(spec["continued"]) if spec.get("continued") else None
    sheet.ignored.update(_column(letter) for letter in spec.get("ignore", []))
    done: dict[tuple[str, float], str] = {}  # merged cells repeat their text on every row
    for row in sheet.rows[max(int(spec.get("first_row", 1)) - 1, 0) :]:
        for c in join:
            if c < len(row) and isinstance(row[c], str):
                row[c] = row[c].replace("\n", "")
        for c, cap in prose.items():
            if c < len(row) and isinstance(row[c], str) and "\n" in row[c]:
                text = row[c]
                if c == marked and text.startswith(CONTINUED + "\n"):
                    text = text[len(CONTINUED) + 1 :]
                key = (text, cap)
                if key not in done:
                    done[key] = unwrap(text, cap, _STARTS_ANEW)
                row[c] = done[key]


def _column(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _read_property(path) -> dict | None:
    import json
    import zipfile
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("docProps/custom.xml")
            if info.file_size > _PART_LIMIT:
                return None
            root = ElementTree.fromstring(archive.read(info))
    except (OSError, KeyError, zipfile.BadZipFile, ElementTree.ParseError, RuntimeError):
        return None
    for prop in root:
        if prop.get("name") == PROPERTY and len(prop):
            try:
                value = json.loads(prop[0].text or "")
            except ValueError:
                return None
            return value if isinstance(value, dict) else None
    return None
