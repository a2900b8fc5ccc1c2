"""The command line when things go wrong, as `python -m tracker` in a shell sees it: one Chinese
sentence on stderr, never a traceback, and the exit status the README promises (2 for an error,
1 only when a check found a problem)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tracker import busy, db
from tracker.cli import main
from tracker.ledger import create_ledger

from .factories import is_chinese, make_problem
from .test_open_and_migrate import garble_table_root

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


def a_ledger(path: Path, clock) -> Path:
    ledger = create_ledger(path, unit_name="第一党支部", actor="王敏", clock=clock)
    make_problem(ledger, "会议多", deadlines=("2026年2月28日",))
    make_problem(ledger, "文件多")
    ledger.close()
    return path


def tamper(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for sql in statements:
        conn.execute(sql)
    conn.commit()
    conn.close()


@pytest.fixture
def place(tmp_path, clock):
    """A folder with a ledger, a note that is not a ledger, and a plain file where a folder
    is expected."""
    a_ledger(tmp_path / "l.db", clock)
    (tmp_path / "notes.txt").write_text("not a ledger", encoding="utf-8")
    (tmp_path / "afile").write_text("a file, not a folder", encoding="utf-8")
    return tmp_path


# each: (arguments, a phrase the sentence must hold); {p} is the test's folder
FAILURES = {
    "init over a ledger": (["--db", "{p}/l.db", "init"], "已经是一个台账"),
    "init in a file": (["--db", "{p}/afile/n.db", "init"], "不是文件夹"),
    "demo over a ledger": (["--db", "{p}/l.db", "demo", "--problems", "3"], "已存在"),
    "stats of nothing": (["--db", "{p}/none.db", "stats"], "不存在"),
    "verify of nothing": (["--db", "{p}/none.db", "verify"], "不存在"),
    "history of no code": (["--db", "{p}/l.db", "history", "2099-999"], "没有编号为"),
    "backup over a file": (["--db", "{p}/l.db", "backup", "{p}/notes.txt"], "已存在"),
    "backup into a file": (["--db", "{p}/l.db", "backup", "{p}/afile/b.db"], "不是文件夹"),
    "restore from notes": (["--db", "{p}/l.db", "restore", "{p}/notes.txt"], "不是台账文件"),
    "export into a file": (["--db", "{p}/l.db", "export", "{p}/afile/x.xlsx"], "不是文件夹"),
    "report into a file": (
        ["--db", "{p}/l.db", "report", "--month", "2026-03", "{p}/afile/r.xlsx"],
        "不是文件夹",
    ),
    "verify-report of notes": (["--db", "{p}/l.db", "verify-report", "{p}/notes.txt"], "不是"),
    "import of nothing": (["--db", "{p}/l.db", "import", "{p}/none.xlsx"], "找不到"),
}


@pytest.mark.parametrize("case", FAILURES)
def test_a_failing_command_exits_2_with_one_chinese_sentence(place, case):
    args, phrase = FAILURES[case]

    result = run(*(a.format(p=place) for a in args))

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and phrase in result.stderr, result.stderr
    assert result.stderr.startswith("错误：") and is_chinese(result.stderr)


def test_reindex_and_export_of_a_ledger_damaged_inside_exit_2_and_say_so(place):
    garble_table_root(place / "l.db", "problem")

    for command in ("reindex", "export"):
        extra = [str(place / "x.xlsx")] if command == "export" else []
        result = run("--db", str(place / "l.db"), command, *extra)
        assert result.returncode == 2, (command, result.stderr)
        assert "损坏" in result.stderr and "Traceback" not in result.stderr, result.stderr


def test_export_of_dates_rewritten_outside_the_program_exits_2_and_points_to_verify(place):
    tamper(place / "l.db", "UPDATE measure SET deadline_date = '2026-2-28'")

    result = run("--db", str(place / "l.db"), "export", "--overdue", str(place / "o.xlsx"))

    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "2026-2-28" in result.stderr and "verify" in result.stderr
    assert not (place / "o.xlsx").exists()


def test_only_a_check_that_finds_a_problem_exits_1(place):
    assert run("--db", str(place / "l.db"), "verify").returncode == 0
    tamper(place / "l.db", "UPDATE problem SET description = '已整改' WHERE id = 1")

    result = run("--db", str(place / "l.db"), "verify")

    assert result.returncode == 1 and "校验未通过" in result.stderr
    refused = run("--db", str(place / "l.db"), "reindex")
    assert refused.returncode == 2 and "拒绝" in refused.stderr


def test_a_write_while_a_long_import_holds_the_ledger_names_who_holds_it(
    place, monkeypatch, capsys
):
    """Others wait the busy timeout, then fail: with a sentence naming the import, not
    "database is locked"."""
    monkeypatch.setitem(db.SQLITE_PRAGMAS, "busy_timeout", 200)
    location = str(place / "l.db")
    holder = sqlite3.connect(location, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with busy.holding(location, "导入Excel", "王敏", "2026-11-30 14:02:05"):
            assert main(["--db", location, "reindex"]) == 2
            assert main(["--db", location, "init"]) == 2  # refused before it waits
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    err = capsys.readouterr().err
    assert "台账正在被王敏导入Excel（2026-11-30 14:02起）" in err
    assert "locked" not in err


def test_an_unexpected_error_is_one_sentence_and_the_traceback_goes_to_the_log(
    place, monkeypatch, capsys, isolated_data_dir
):
    from tracker import cli

    def broken(args, location, actor):
        raise RuntimeError("a bug")

    monkeypatch.setitem(cli.COMMANDS, "stats", broken)

    assert main(["--db", str(place / "l.db"), "stats"]) == 2

    err = capsys.readouterr().err
    assert err.startswith("错误：程序遇到意外错误") and "Traceback" not in err
    log = (isolated_data_dir / "logs" / "zhenggai.log").read_text(encoding="utf-8")
    assert "Traceback" in log and "a bug" in log
