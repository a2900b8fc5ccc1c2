"""Before the first paint the program imports what a SQLite ledger needs and nothing else:
no PostgreSQL driver, no Excel library, no signing keys, no charts."""

from __future__ import annotations

import os
from pathlib import Path

from tests.ui.helpers import run_python

ROOT = Path(__file__).resolve().parents[2]
NOT_BEFORE_FIRST_PAINT = ("psycopg2", "psycopg", "openpyxl", "python_calamine", "lxml")
NOT_BEFORE_FIRST_PAINT += ("cryptography", "PySide6.QtCharts", "tracker.excel", "tracker.backup")

PROBE = """
import sys
import ui.startup_probe as probe
def usable(self):
    print("usable:", " ".join(sorted(m for m in sys.modules if m.split(".")[0] in {names!r} or m in {names!r})))
    sys.stdout.flush()
    import os; os._exit(0)
probe.FirstRowsProbe._usable = usable
from ui.app import run
run(["--db", {ledger!r}, "--screenshot", {png!r}])
"""


def test_nothing_but_the_sqlite_ledger_is_loaded_before_the_first_paint(tmp_path, demo_ledger):
    location = demo_ledger.location
    demo_ledger.close()
    names = set(NOT_BEFORE_FIRST_PAINT)
    code = PROBE.format(names=names, ledger=location, png=str(tmp_path / "x.png"))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ZHENGGAI_DATA_DIR": str(tmp_path / "d")}
    result = run_python(["-c", code], env)
    assert result.returncode == 0, result.stderr[-1500:]
    lines = [line for line in result.stdout.splitlines() if line.startswith("usable:")]
    assert lines == ["usable: "], f"loaded before the first paint: {result.stdout}"
