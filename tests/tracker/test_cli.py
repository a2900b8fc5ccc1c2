"""The command line as a new user tries it: demo, stats, verify, history, backup, restore, errors."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tracker.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_new_user_runs_demo_stats_verify_on_the_default_ledger(isolated_data_dir):
    demo = run("demo", "--problems", "60")
    assert demo.returncode == 0, demo.stderr
    assert (isolated_data_dir / "ledger.db").exists()
    assert "已创建示例台账" in demo.stdout

    stats = run("stats")
    assert stats.returncode == 0
    assert "问题总数" in stats.stdout and "销号率" in stats.stdout

    verify = run("verify")
    assert verify.returncode == 0, verify.stderr
    assert "校验通过" in verify.stdout and "校验码" in verify.stdout


def test_stats_json_has_the_contract_keys_and_they_add_up(tmp_path, capsys):
    db = str(tmp_path / "l.db")
    assert main(["--db", db, "demo", "--problems", "80", "--seed", "7"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "stats", "--json"]) == 0
    numbers = json.loads(capsys.readouterr().out)
    keys = "as_of problems listed in_progress pending_closure long_term closed closed_on_import overdue_problems measures measures_done measures_long_term overdue_measures closure_rate"
    assert set(keys.split()) <= set(numbers)
    assert numbers["closed_on_import"] == 0  # the demo's closures were all reviewed
    parts = ["listed", "in_progress", "pending_closure", "long_term", "closed"]
    assert numbers["problems"] == sum(numbers[k] for k in parts)
    assert numbers["closure_rate"] == round(numbers["closed"] / numbers["problems"], 4)


def test_demo_is_deterministic_per_seed(tmp_path, capsys):
    a, b, c = (str(tmp_path / n) for n in ("a.db", "b.db", "c.db"))
    for db, seed in ((a, "3"), (b, "3"), (c, "4")):
        assert main(["--db", db, "demo", "--problems", "50", "--seed", seed]) == 0
    capsys.readouterr()

    def content(path):
        conn = sqlite3.connect(path)
        rows = conn.execute("SELECT code, description, status FROM problem ORDER BY id").fetchall()
        conn.close()
        return rows

    assert content(a) == content(b)
    assert content(a) != content(c)


def test_stats_as_of_a_past_date_counts_what_existed_then(tmp_path, capsys):
    db = str(tmp_path / "l.db")
    main(["--db", db, "demo", "--problems", "120"])
    capsys.readouterr()
    main(["--db", db, "stats", "--json"])
    now = json.loads(capsys.readouterr().out)
    main(["--db", db, "stats", "--json", "--as-of", "2000-01-01"])
    then = json.loads(capsys.readouterr().out)
    assert then["problems"] == 0 and then["as_of"] == "2000-01-01"
    assert now["problems"] > 0


def test_verify_names_a_row_changed_outside_the_program(tmp_path, capsys):
    db = str(tmp_path / "l.db")
    main(["--db", db, "demo", "--problems", "30"])
    conn = sqlite3.connect(db)
    conn.execute("UPDATE problem SET status = 'closed' WHERE code = '2026-003' OR id = 3")
    code = conn.execute("SELECT code FROM problem WHERE id = 3").fetchone()[0]
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert main(["--db", db, "verify"]) == 1
    err = capsys.readouterr().err
    assert "校验未通过" in err and f"问题 {code}" in err and "状态" in err


def test_history_shows_who_changed_what(tmp_path, capsys):
    db = str(tmp_path / "l.db")
    main(["--db", db, "demo", "--problems", "20"])
    capsys.readouterr()
    assert (
        main(["--db", db, "history", "2025-001"]) == 0
        or main(["--db", db, "history", "2026-001"]) == 0
    )
    out = capsys.readouterr().out
    assert "新增问题（挂账）" in out and "周晓梅" in out


def test_unknown_code_and_foreign_file_give_chinese_errors_without_traceback(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not a ledger", encoding="utf-8")
    before = text.read_bytes()
    result = run("--db", str(text), "stats")
    assert result.returncode == 2
    assert "不是台账文件" in result.stderr and "Traceback" not in result.stderr
    assert text.read_bytes() == before

    missing = run("--db", str(tmp_path / "nothing.db"), "stats")
    assert missing.returncode == 2 and "台账文件不存在" in missing.stderr

    db = tmp_path / "l.db"
    assert run("--db", str(db), "init", "--unit", "测试支部").returncode == 0
    result = run("--db", str(db), "history", "2099-999")
    assert result.returncode == 2 and "没有编号为" in result.stderr

    bad_date = run("--db", str(db), "stats", "--as-of", "2026-02-30")
    assert bad_date.returncode == 2 and "不是有效日期" in bad_date.stderr


def test_db_flag_beats_environment_and_user_flag_is_recorded(tmp_path):
    env_db = tmp_path / "env.db"
    flag_db = tmp_path / "flag.db"
    env = {"ZHENGGAI_DB": str(env_db), "ZHENGGAI_USER": "环境用户"}
    assert run("init", env=env).returncode == 0
    assert env_db.exists()
    assert run("--db", str(flag_db), "--user", "李明", "init", env=env).returncode == 0
    conn = sqlite3.connect(flag_db)
    actors = {r[0] for r in conn.execute("SELECT actor FROM journal")}
    conn.close()
    assert actors == {"李明"}
    conn = sqlite3.connect(env_db)
    assert {r[0] for r in conn.execute("SELECT actor FROM journal")} == {"环境用户"}
    conn.close()


def test_init_twice_and_demo_over_an_existing_file_are_refused(tmp_path, capsys):
    db = str(tmp_path / "l.db")
    assert main(["--db", db, "init"]) == 0
    assert main(["--db", db, "init"]) == 2
    assert main(["--db", db, "demo"]) == 2
    assert "已存在" in capsys.readouterr().err


def test_backup_and_restore_round_trip(tmp_path, capsys):
    db = str(tmp_path / "l.db")
    main(["--db", db, "demo", "--problems", "40"])
    copy = tmp_path / "copy.db"
    assert main(["--db", db, "backup", str(copy)]) == 0
    assert (tmp_path / "copy.evidence").is_dir()
    assert main(["--db", str(copy), "verify"]) == 0
    assert main(["--db", db, "backup", str(copy)]) == 2  # never overwrite a backup

    conn = sqlite3.connect(db)
    conn.execute("UPDATE problem SET description = 'x'")
    conn.commit()
    conn.close()
    assert main(["--db", db, "verify"]) == 1
    assert main(["--db", db, "restore", str(copy)]) == 0
    assert main(["--db", db, "verify"]) == 0
    assert len(list(tmp_path.glob("l.before-restore-*.db"))) == 1


@pytest.mark.parametrize("argv", [["frobnicate"], []])
def test_bad_command_line_is_explained_in_chinese(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert "命令行参数有误" in capsys.readouterr().err
