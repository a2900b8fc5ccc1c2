"""The command a user types to run the command line, as messages should quote it.

`zhenggai-cli` for the installed program and the bundle (the GUI included: its messages point to
the command-line program beside it), `python -m tracker` when run from a checkout, so that a
command copied from a message works where it is shown.
"""

from __future__ import annotations

import sys
from pathlib import Path


def program_name() -> str:
    stem = Path(sys.argv[0]).stem if sys.argv and sys.argv[0] else ""
    if getattr(sys, "frozen", False) or stem in ("zhenggai", "zhenggai-cli"):
        return "zhenggai-cli"
    return "python -m tracker"


def command(args: str) -> str:
    """`zhenggai-cli verify` (or `python -m tracker verify`), quoted for a message."""
    return f"`{program_name()} {args}`"
