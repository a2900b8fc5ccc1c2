"""Figure 12 (issue 15): start to a usable window from the PyInstaller bundle, beside the same
start from the virtualenv, on the same ledger.

The bundle is `dist/zhenggai/zhenggai` as scripts/build-bundle.sh leaves it (or the folder named
by `ZHENGGAI_BUNDLE`). When none has been built the figure is skipped with a note, not failed: CI
builds the bundle before the benchmark, a developer's quick run need not.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ledgers import ROOT
from timing import Figure, Target

PROCESS_TIMEOUT = 120


def bundle_executable() -> Path:
    folder = Path(os.environ.get("ZHENGGAI_BUNDLE") or ROOT / "dist" / "zhenggai")
    return folder / ("zhenggai.exe" if os.name == "nt" else "zhenggai")


def _usable_after(command: list[str], folder: Path) -> float:
    """Seconds from launch until the process reported its window usable (ui/startup_probe.py)."""
    probe = folder / "usable"
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        ZHENGGAI_DATA_DIR=str(folder / "data"),
        ZHENGGAI_STARTUP_PROBE=str(probe),
    )
    launched = time.time()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=PROCESS_TIMEOUT)
    if done.returncode != 0 or not probe.exists():
        raise RuntimeError(
            f"{Path(command[0]).name} exited with {done.returncode}"
            f"{'' if probe.exists() else ' without reporting a usable window'}: "
            f"{done.stderr.strip()[-600:]}"
        )
    return float(probe.read_text()) - launched


def startup(ledger: Path, size: int, runs: int, scratch: Path) -> Figure:
    """Both started alternately, each in a fresh process with a fresh data folder, after one
    untimed round (both read from a warm disk cache); the venv side is `python main.py` with the
    interpreter running the benchmark."""
    figure = Figure("12", "start to usable window, bundle", size, "s", runs=runs)
    figure.baseline_name = "the same from the virtualenv"
    figure.target = Target(ratio=1.2)
    bundle = bundle_executable()
    if not bundle.exists():
        figure.runs = 0
        figure.notes.append(f"skipped: no bundle at {bundle} (build it: scripts/build-bundle.sh)")
        print(f"    {figure.notes[-1]}", flush=True)
        return figure
    bundled, venv = [], []
    for i in range(runs + 1):
        folder = Path(tempfile.mkdtemp(prefix="bundle-", dir=scratch))
        args = ["--db", str(ledger), "--screenshot", str(folder / "window.png")]
        one = _usable_after([str(bundle), *args], folder)
        other = _usable_after([sys.executable, str(ROOT / "main.py"), *args], folder)
        shutil.rmtree(folder, ignore_errors=True)
        if i:
            bundled.append(one)
            venv.append(other)
    figure.value, figure.baseline = statistics.median(bundled), statistics.median(venv)
    figure.notes.append(f"bundle {bundle}; {du(bundle.parent)} unpacked")
    return figure


def du(folder: Path) -> str:
    total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    return f"{total / 1024 / 1024:.0f} MB"
