"""Starts the desktop program: `python main.py [--db FILE] [--screenshot FILE.png --view NAME]`."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    from ui.app import run

    return run(argv)


if __name__ == "__main__":
    sys.exit(main())
