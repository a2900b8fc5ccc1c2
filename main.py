"""Starts the desktop program: `python main.py [--db FILE] [--screenshot FILE.png --view NAME]`."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if "--version" in args and sys.stdout is None:
        return show_version_box()
    from ui.app import run

    return run(argv)


def show_version_box() -> int:
    """The Windows bundle's `zhenggai.exe` is a window program with no console to print to, so
    `--version` answers in a message box there (the command line `zhenggai-cli` prints it)."""
    from tracker.version import VERSION

    if sys.platform == "win32":
        import ctypes

        ctypes.windll.user32.MessageBoxW(None, f"整改台账 {VERSION}", "整改台账", 0x40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
