"""A process killed in the middle of a large write leaves a ledger with all of that write or none."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from tracker.ledger import create_ledger, open_ledger
from tracker.models import Problem
from tracker.replay import verify

ROOT = Path(__file__).resolve().parents[2]

# Creates problems one transaction each, forever; prints after each commit.
WRITER = """
import sys
from tracker.ledger import open_ledger
from tracker import services
ledger = open_ledger(sys.argv[1], actor="写入进程")
i = 0
while True:
    i += 1
    services.create_problem(ledger, description=f"第{i}个问题：会议记录不完整",
        measures=[services.MeasureInput(f"措施{i}-{k}", deadline="2026年12月底前") for k in range(3)])
    print(i, flush=True)
"""


def _kill_after(proc: subprocess.Popen, seconds: float) -> None:
    time.sleep(seconds)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def test_sigkill_during_a_large_demo_write_leaves_all_or_nothing(tmp_path):
    db = tmp_path / "big.db"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tracker", "--db", str(db), "demo", "--problems", "40000"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # wait until the big transaction is under way (the WAL grows), then kill it mid-write
    deadline = time.time() + 60
    wal = Path(str(db) + "-wal")
    while time.time() < deadline and not (wal.exists() and wal.stat().st_size > 2_000_000):
        time.sleep(0.05)
    assert proc.poll() is None, "the demo finished before it could be interrupted"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)

    with open_ledger(db) as ledger:
        report = verify(ledger)
        assert report.ok, report.problems
        assert ledger.select(Problem).count() in (0, 40000)


def test_sigkill_between_and_during_small_writes_keeps_every_committed_one(tmp_path):
    db = tmp_path / "ledger.db"
    create_ledger(db, unit_name="测试支部", actor="测试").close()
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    committed = 0
    for line in proc.stdout:
        committed = int(line)
        if committed >= 25:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)

    conn = sqlite3.connect(db)
    problems = conn.execute("SELECT COUNT(*) FROM problem").fetchone()[0]
    measures = conn.execute("SELECT COUNT(*) FROM measure").fetchone()[0]
    conn.close()
    assert problems >= committed  # everything reported as committed is there
    assert measures == 3 * problems  # no half-written problem
    with open_ledger(db) as ledger:
        assert verify(ledger).ok
