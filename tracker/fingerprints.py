"""Codes people copy by hand: a SHA-256 digest shown as groups of Crockford base-32 characters.

Base 32 without the look-alikes I, L, O and U: each character carries 5 bits, four groups of
five carry 100 bits, far beyond what a forger can grind (the old 8-hex-digit code had 32 bits and
was matched in minutes on a laptop). Reading back forgives what people mistype: lower case,
O for 0, I or L for 1, spaces or missing hyphens.
"""

from __future__ import annotations

import re

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUPS, GROUP_SIZE = 4, 5
BITS = GROUPS * GROUP_SIZE * 5  # 100
_TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-–—_]+")


def grouped(hex_digest: str, groups: int = GROUPS) -> str:
    """The first `groups`×25 bits of a hex digest as `ABCDE-FGHJK-…`."""
    chars = groups * GROUP_SIZE
    value = int(hex_digest, 16) >> (len(hex_digest) * 4 - chars * 5)
    out = []
    for _ in range(chars):
        value, rest = divmod(value, 32)
        out.append(ALPHABET[rest])
    text = "".join(reversed(out))
    return "-".join(text[i : i + GROUP_SIZE] for i in range(0, chars, GROUP_SIZE))


def normalise(text: str) -> str:
    """A code as typed (any case, O/I/L slips, spaces) in its canonical grouped form, or ""."""
    bare = _SEPARATORS.sub("", text.upper()).translate(_TYPOS)
    if not bare or len(bare) % GROUP_SIZE or any(c not in ALPHABET for c in bare):
        return ""
    return "-".join(bare[i : i + GROUP_SIZE] for i in range(0, len(bare), GROUP_SIZE))
