"""When the window became usable after start: the ledger's first rows painted and the GUI thread free.

The moment is logged, and written (as Unix time) to the file named by ZHENGGAI_STARTUP_PROBE if
set — that is how the benchmark (bench/figures.py, figure 1) reads it from outside the process.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QAbstractItemView

from .background import hold_reads, release_reads

ENV = "ZHENGGAI_STARTUP_PROBE"
LATEST_RELEASE_MS = 1500  # an empty ledger paints no rows: the held reads start anyway
log = logging.getLogger(__name__)


class FirstRowsProbe(QObject):
    """Watches a table's viewport; after its first paint with rows, waits for the event queue to
    drain once (anything queued before then still blocks the user) and records the moment.

    Until then, reads meant for pool threads (counts, the rest of the ids) are held back, so the
    first rows are painted without competing with them."""

    def __init__(self, table: QAbstractItemView, started: float) -> None:
        super().__init__(table)
        self.table, self.started = table, started
        table.viewport().installEventFilter(self)
        hold_reads()
        QTimer.singleShot(LATEST_RELEASE_MS, release_reads)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        # Only a paint is looked at: other events also come while the window is torn down.
        if event.type() == QEvent.Type.Paint:
            model = self.table.model()
            if model is not None and model.rowCount() > 0:
                watched.removeEventFilter(self)
                QTimer.singleShot(0, self._usable)
        return False

    def _usable(self) -> None:
        now = time.time()
        release_reads()
        log.info("start-up: window usable after %.0f ms", (now - self.started) * 1000)
        target = os.environ.get(ENV)
        if target:
            Path(target).write_text(f"{now:.6f}", encoding="ascii")
