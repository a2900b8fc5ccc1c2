"""Opening a file that is not a healthy ledger leaves its folder exactly as it was: no `-wal`,
no `-shm`, no changed byte, whether through `open_ledger` or the command line."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tracker.errors import LedgerError
from tracker.ledger import create_ledger, open_ledger
from tracker.replay import verify

from .factories import make_problem
from .test_cli_errors import run
from .test_open_and_migrate import garble_table_root


def folder_state(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def a_saved_ledger(folder: Path, clock) -> Path:
    ledger = create_ledger(folder / "台账.db", unit_name="第一党支部", clock=clock)
    make_problem(ledger, "会议多")
    make_problem(ledger, "文件多")
    ledger.close()
    return folder / "台账.db"


def truncated(folder: Path, clock) -> Path:
    path = a_saved_ledger(folder, clock)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2 // 4096 * 4096 + 100])  # header says WAL mode
    return path


def garbled_inside(folder: Path, clock) -> Path:
    path = a_saved_ledger(folder, clock)
    garble_table_root(path, "problem")
    return path


def foreign(folder: Path, clock, wal: bool = True) -> Path:
    path = folder / "通讯录.db"
    conn = sqlite3.connect(path)
    if wal:
        conn.execute("PRAGMA journal_mode = wal")
    conn.execute("CREATE TABLE contact (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contact VALUES ('王敏', '0571-88886666')")
    conn.commit()
    conn.close()
    return path


def foreign_rollback_journal(folder: Path, clock) -> Path:
    return foreign(folder, clock, wal=False)


def not_a_database(folder: Path, clock) -> Path:
    path = folder / "台账.db"
    path.write_text("序号,问题描述\n1,会议多\n", encoding="utf-8")
    return path


FILES = [truncated, garbled_inside, foreign, foreign_rollback_journal, not_a_database]


@pytest.fixture
def folder(tmp_path):
    place = tmp_path / "case"
    place.mkdir()
    return place


@pytest.mark.parametrize("make", FILES)
@pytest.mark.parametrize("read_only", [False, True])
def test_open_ledger_leaves_no_trace(folder, clock, make, read_only):
    path = make(folder, clock)
    before = folder_state(folder)

    try:
        ledger = open_ledger(path, read_only=read_only)
    except LedgerError:
        pass
    else:  # damaged inside only: opened, and verify says so
        with ledger:
            assert not verify(ledger).ok

    assert folder_state(folder) == before


@pytest.mark.parametrize("make", FILES)
def test_the_command_line_leaves_no_trace(folder, clock, make):
    path = make(folder, clock)
    before = folder_state(folder)

    for command in (["stats"], ["verify"], ["reindex"], ["history", "2026-001"]):
        result = run("--db", str(path), *command)
        assert "Traceback" not in result.stderr, (command, result.stderr)
        assert folder_state(folder) == before, command
