"""A process killed in the middle of a large write leaves a ledger with all of that write or none."""

from __future__ import annotations

import os
import shutil
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


# -- killed at every step of a backup, a restore, a demo's files (issues 10 and 17) --------------
# Runs a `python -m tracker` command that SIGKILLs itself at the n-th call of any of the named
# functions (a rename, a copy, a hard link …): one run per step, until a run gets through.
KILLER = r"""
import importlib, os, signal, sys
kill_at, calls = int(sys.argv[1]), 0

def patch(spec):
    module_name, name = spec.rsplit(".", 1)
    module = importlib.import_module(module_name)
    real = getattr(module, name)

    def killing(*args, **kwargs):
        global calls
        calls += 1
        if calls == kill_at:
            if name == "write":  # die half-way through writing a file
                real(args[0], bytes(args[1])[: len(args[1]) // 2])
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)

    setattr(module, name, killing)

for spec in sys.argv[2].split(","):
    patch(spec)
from tracker.cli import main
sys.exit(main(sys.argv[3:]))
"""
FILE_STEPS = "os.replace,os.rename,os.link,shutil.copyfile"


def run_killed(kill_at: int, steps: str, *args: str) -> int:
    done = subprocess.run(
        [sys.executable, "-c", KILLER, str(kill_at), steps, *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=60,
    )
    return done.returncode


def each_kill(steps: str, *args: str, prepare=lambda: None, limit: int = 40):
    """Yield after each run killed at step 1, 2, …; stop at the first run that completes."""
    for n in range(1, limit):
        prepare()
        code = run_killed(n, steps, *args)
        if code == 0:
            return
        assert code == -signal.SIGKILL, f"step {n}: exited with {code}, not killed"
        yield n
    raise AssertionError("the command never got through")


def a_ledger_with_evidence(folder: Path, files: int) -> Path:
    from tests.tracker.factories import make_problem, write_file
    from tracker import services

    path = folder / "ledger.db"
    with create_ledger(path, unit_name="测试支部", actor="王敏") as ledger:
        for n in range(files):
            pid = make_problem(ledger, f"第{n}个问题")
            services.add_evidence(
                ledger, pid, write_file(folder / "files", f"材料{n}.pdf", b"%PDF" * (n + 10))
            )
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if ".part" in p.name)


def test_a_backup_killed_at_any_step_leaves_no_backup_or_a_whole_one_and_can_be_retried(tmp_path):
    from tracker.backup import backup_ledger

    db = a_ledger_with_evidence(tmp_path, files=2)
    out = tmp_path / "backups"
    out.mkdir()
    dest = out / "bk.db"
    kills = 0
    for n in each_kill(FILE_STEPS, "--db", str(db), "backup", str(dest)):
        kills += 1
        if dest.exists():  # killed after the backup was complete
            with open_ledger(dest, read_only=True) as copy:
                assert verify(copy).ok, f"killed at step {n}: {verify(copy).problems}"
        else:  # the retry is not refused, finishes the backup and clears the leftovers
            with open_ledger(db) as ledger:
                backup_ledger(ledger.db, ledger.evidence_dir, dest)
            with open_ledger(dest, read_only=True) as copy:
                assert verify(copy).ok, f"retry after step {n}: {verify(copy).problems}"
        assert leftovers(out) == [], f"step {n}"
        for path in out.iterdir():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    assert kills >= 4  # each of the 2 files copied, and each rename, was a place to die


def test_a_restore_killed_at_any_step_leaves_the_ledger_whole_and_can_be_retried(tmp_path):
    from tests.tracker.factories import make_problem, write_file
    from tracker import services
    from tracker.restore import restore_ledger

    pristine = tmp_path / "pristine"
    pristine.mkdir()
    live = a_ledger_with_evidence(pristine, files=1)
    backups = tmp_path / "backups"
    backups.mkdir()
    source = backups / "bk.db"
    run_killed(0, FILE_STEPS, "--db", str(live), "backup", str(source))
    with open_ledger(source, actor="王敏") as earlier:  # the backup holds a file the ledger lacks
        pid = make_problem(earlier, "只在备份中的问题")
        services.add_evidence(
            earlier, pid, write_file(tmp_path / "files", "备份中的材料.pdf", b"only")
        )
        wanted = earlier.select(Problem).count()
    with open_ledger(live) as ledger:
        before = ledger.select(Problem).count()
    work = tmp_path / "work"

    def fresh_copy() -> None:
        if work.exists():
            shutil.rmtree(work)
        shutil.copytree(pristine, work)

    kills = 0
    steps = FILE_STEPS + ",tracker.search_index.rebuild"
    for n in each_kill(
        steps, "--db", str(work / "ledger.db"), "restore", str(source), prepare=fresh_copy
    ):
        kills += 1
        with open_ledger(work / "ledger.db") as ledger:
            report = verify(ledger)
            assert report.ok, f"killed at step {n}: {report.problems}"
            assert ledger.select(Problem).count() in (before, wanted)
            restore_ledger(ledger, source)
            assert verify(ledger).ok and ledger.select(Problem).count() == wanted
    assert kills >= 5  # a file in, the safety copy's link and renames, the rows' transaction


def test_a_demo_killed_while_writing_its_files_can_be_made_again_on_the_same_path(tmp_path):
    db = tmp_path / "demo.db"
    assert (
        run_killed(20, "os.write", "--db", str(db), "demo", "--problems", "60") == -signal.SIGKILL
    )
    for leftover in tmp_path.glob("demo.db*"):  # the killed run never committed its rows
        leftover.unlink()

    assert run_killed(0, "os.write", "--db", str(db), "demo", "--problems", "60") == 0

    with open_ledger(db) as ledger:
        report = verify(ledger)
    assert report.ok, report.problems
