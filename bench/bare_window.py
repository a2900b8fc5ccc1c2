"""Baseline of figure 1: the least a PySide6 program does to show a table window and paint it.

    python bench/bare_window.py OUT.png [WIDTHxHEIGHT]

The same steps as `main.py --screenshot`, minus the program: a QApplication, a QMainWindow holding
one empty QTableView, show, process events, grab the window and save it as PNG.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication, QMainWindow, QTableView


def main() -> int:
    out, size = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "1600x960")
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setCentralWidget(QTableView())
    width, _, height = size.partition("x")
    window.resize(int(width), int(height))
    window.show()
    for _ in range(5):
        app.processEvents()
    saved = window.grab().save(out)
    window.close()
    return 0 if saved else 2


if __name__ == "__main__":
    sys.exit(main())
