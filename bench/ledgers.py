"""Demo ledgers and workbooks for the benchmark, cached in a work folder between runs.

A cached ledger is keyed by size, seed and a hash of the `tracker/` sources: anyone changing the
schema, the demo generator or the Excel code gets a fresh one, and an unchanged tree is not rebuilt
just to read from it. Timing the build itself (figure 9) always uses a fresh file; when nothing is
cached yet, that timed build becomes the cache, so a cold run does not build twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)  # the demo's "today": results do not depend on the date
DEFAULT_WORKDIR = Path(tempfile.gettempdir()) / "zhenggai-bench"
LEDGER_NAME = "demo.db"


def clock() -> dt.datetime:
    return NOW


def code_version() -> str:
    """A short hash of every tracker/ source file: what the ledger files depend on."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "tracker").rglob("*.py")):
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


class LedgerCache:
    def __init__(self, workdir: Path, seed: int) -> None:
        self.workdir = workdir
        self.seed = seed
        self.version = code_version()
        self.folder = workdir / "ledgers"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.scratch = workdir / "scratch"
        shutil.rmtree(self.scratch, ignore_errors=True)  # left over by an interrupted run
        self.scratch.mkdir(parents=True)

    def _entry(self, problems: int) -> Path:
        return self.folder / f"{problems}-seed{self.seed}-{self.version}"

    def ledger(self, problems: int) -> Path:
        """The cached ledger of this size, built (untimed) if missing."""
        path = self._entry(problems) / LEDGER_NAME
        if not path.exists():
            self.build_timed(problems)
        return path

    def build_timed(self, problems: int) -> float:
        """Seconds to build a fresh demo ledger of this size (the file is kept as the cache if none
        exists yet, else thrown away)."""
        from tracker.demo import build_demo

        folder = Path(tempfile.mkdtemp(prefix=f"{problems}-", dir=self.scratch))
        start = time.perf_counter()
        build_demo(folder / LEDGER_NAME, problems=problems, seed=self.seed, clock=clock).close()
        elapsed = time.perf_counter() - start
        entry = self._entry(problems)
        if (entry / LEDGER_NAME).exists():
            shutil.rmtree(folder)
        else:
            self._prune(problems)
            shutil.rmtree(entry, ignore_errors=True)  # a half-built entry
            folder.rename(entry)  # the evidence folder moves with it, beside the ledger
        return elapsed

    def _prune(self, problems: int) -> None:
        """Drop ledgers of this size built by other code: 100000 problems take hundreds of MB."""
        for old in self.folder.glob(f"{problems}-seed{self.seed}-*"):
            shutil.rmtree(old, ignore_errors=True)

    def workbook(self, problems: int) -> Path:
        """An official-layout workbook exported from a demo ledger of `problems` problems: the file
        the import figure reads (one row per measure, so about three rows per problem)."""
        from tracker.excel.export import export_ledger
        from tracker.ledger import open_ledger

        path = self._entry(problems).with_suffix(".xlsx")
        if not path.exists():
            with open_ledger(self.ledger(problems), clock=clock) as ledger:
                export_ledger(ledger, path.with_suffix(".tmp.xlsx"))
            path.with_suffix(".tmp.xlsx").rename(path)
        return path

    def scratch_file(self, name: str) -> Path:
        folder = Path(tempfile.mkdtemp(dir=self.scratch))
        return folder / name

    def clean(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)
