"""Baseline of figure 1: the least a PySide6 program does to show a table window and paint it.

    python bench/bare_window.py OUT.png [WIDTHxHEIGHT]

The same steps as `main.py --screenshot`, minus the program: a QApplication, a QMainWindow holding
one empty QTableView, show, process events, grab the window and save it as PNG. Like the program
(ui/startup_probe.py), it writes the moment its table was first painted and the event queue had
drained once to the file named by ZHENGGAI_STARTUP_PROBE.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView


class FirstPaint(QObject):
    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self.usable)
        return False

    def usable(self) -> None:
        target = os.environ.get("ZHENGGAI_STARTUP_PROBE")
        if target:
            Path(target).write_text(f"{time.time():.6f}", encoding="ascii")


def main() -> int:
    out, size = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "1600x960")
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    table = QTableView()
    probe = FirstPaint(table)
    table.viewport().installEventFilter(probe)
    window.setCentralWidget(table)
    width, _, height = size.partition("x")
    window.resize(int(width), int(height))
    return show_and_save(app, window, out)


def show_and_save(app: QApplication, window: QMainWindow, out: str) -> int:
    """What `main.py --screenshot` does once the window is built: show, settle, grab, save."""
    window.show()
    for _ in range(5):
        app.processEvents()
    saved = window.grab().save(out)
    window.close()
    return 0 if saved else 2


if __name__ == "__main__":
    sys.exit(main())
