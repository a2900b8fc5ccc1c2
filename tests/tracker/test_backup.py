"""Backups a secretary can take at any time, and a restore that first keeps a copy of what it replaces."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from tracker import backup, replay, services, stats
from tracker.errors import LedgerOpenError
from tracker.ledger import open_ledger
from tracker.models import Evidence

from .factories import close_problem, make_problem, measure_ids, write_file


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def worked_on(ledger, tmp_path, clock):
    """Two weeks of work: three problems, one crossed off with evidence, one in progress."""
    files = tmp_path / "files"
    close_problem(ledger, make_problem(ledger, "会议多"), files)
    started = make_problem(ledger, "文件多", deadlines=("2026年3月10日",))
    services.add_progress(ledger, measure_ids(ledger, started)[0], "已梳理")
    services.add_evidence(ledger, started, write_file(files, "清单照片.jpg", b"\xff\xd8\xff photo"))
    make_problem(ledger, "调研少", deadlines=("长期坚持",))
    clock.advance(days=14)
    return ledger


def stored_files(folder: Path) -> dict[str, bytes]:
    return {str(f.relative_to(folder)): f.read_bytes() for f in folder.rglob("*") if f.is_file()}


def test_a_backup_is_a_whole_ledger_with_the_same_numbers(worked_on, tmp_path, clock):
    dest = tmp_path / "备份" / "2026年3月" / "台账备份.db"

    backup.backup_ledger(worked_on.db, worked_on.evidence_dir, dest)

    assert dest.is_file()
    assert not list(dest.parent.glob("*.part"))
    with open_ledger(dest, clock=clock) as copy:
        assert replay.verify(copy).ok  # including every evidence file beside it
        assert stats.stats(copy) == stats.stats(worked_on)
        assert copy.unit_name == "市直机关第一党支部"
    evidence = backup.evidence_dir_of_file(dest)
    assert evidence == dest.with_name("台账备份.evidence")
    assert stored_files(evidence) == stored_files(worked_on.evidence_dir)
    assert len(stored_files(evidence)) == 2


def test_a_backup_taken_while_someone_is_writing_holds_only_saved_work(worked_on, tmp_path, clock):
    dest = tmp_path / "backup.db"
    writer = sqlite3.connect(worked_on.location, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE problem SET description = '尚未保存的修改'")
        backup.backup_ledger(worked_on.db, worked_on.evidence_dir, dest)
        writer.execute("ROLLBACK")
    finally:
        writer.close()

    with open_ledger(dest, clock=clock) as copy:
        assert replay.verify(copy).ok


def test_a_backup_stands_on_its_own_file(worked_on, tmp_path):
    """A backup goes onto a USB stick as one file: no -wal beside it holding half the data."""
    dest = tmp_path / "backup.db"
    backup.backup_ledger(worked_on.db, worked_on.evidence_dir, dest)

    conn = sqlite3.connect(f"file:{dest}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT COUNT(*) FROM problem").fetchone()[0] == 3
    finally:
        conn.close()


def test_restoring_puts_back_the_earlier_ledger_and_keeps_a_safety_copy(worked_on, tmp_path, clock):
    dest = tmp_path / "backup.db"
    backup.backup_ledger(worked_on.db, worked_on.evidence_dir, dest)
    earlier = stats.stats(worked_on)
    # after the backup, work goes on …
    for n in range(2):
        make_problem(worked_on, f"备份之后新增的问题{n}")
    services.void_problem(worked_on, 1, "误作废")
    later = stats.stats(worked_on)
    assert later != earlier

    safety = backup.restore_ledger(worked_on.db, worked_on.evidence_dir, dest)

    assert stats.stats(worked_on) == earlier
    assert replay.verify(worked_on).ok
    assert safety == Path(worked_on.location).with_name("ledger.before-restore.db")
    with open_ledger(safety, clock=clock) as before_restore:
        assert stats.stats(before_restore) == later
        found = replay.verify(before_restore).problems
    assert [p for p in found if not p.startswith("佐证材料")] == []  # rows and journal intact


def test_a_restore_can_be_undone_from_its_safety_copy(worked_on, tmp_path):
    """Restored the wrong backup? The copy taken just before puts everything back."""
    dest = tmp_path / "backup.db"
    backup.backup_ledger(worked_on.db, worked_on.evidence_dir, dest)
    make_problem(worked_on, "备份之后新增的问题")
    later = stats.stats(worked_on)
    safety = backup.restore_ledger(worked_on.db, worked_on.evidence_dir, dest)

    backup.restore_ledger(worked_on.db, worked_on.evidence_dir, safety)

    assert stats.stats(worked_on) == later
    assert replay.verify(worked_on).ok


def test_the_safety_copy_is_a_complete_ledger_of_its_own(worked_on, tmp_path, clock):
    dest = tmp_path / "backup.db"
    backup.backup_ledger(worked_on.db, worked_on.evidence_dir, dest)

    safety = backup.restore_ledger(worked_on.db, worked_on.evidence_dir, dest)

    with open_ledger(safety, clock=clock) as before_restore:
        report = replay.verify(before_restore)
    assert report.ok, report.problems


def test_work_goes_on_after_a_restore(worked_on, tmp_path):
    dest = tmp_path / "backup.db"
    backup.backup_ledger(worked_on.db, worked_on.evidence_dir, dest)
    make_problem(worked_on, "备份之后新增的问题")
    backup.restore_ledger(worked_on.db, worked_on.evidence_dir, dest)

    pid = make_problem(worked_on, "恢复之后新增的问题")

    assert stats.stats(worked_on)["problems"] == 4
    assert replay.verify(worked_on).ok
    assert pid == 4


def test_restoring_brings_back_lost_evidence_files(worked_on, tmp_path):
    dest = tmp_path / "backup.db"
    backup.backup_ledger(worked_on.db, worked_on.evidence_dir, dest)
    for sha, name in worked_on.select(Evidence, Evidence.sha256, Evidence.name).tuples():
        services.evidence_file(worked_on, sha, name).unlink()
    assert not replay.verify(worked_on).ok

    backup.restore_ledger(worked_on.db, worked_on.evidence_dir, dest)

    assert replay.verify(worked_on).ok


def test_restoring_from_a_file_that_is_not_a_ledger_is_refused(worked_on, tmp_path):
    bogus = write_file(tmp_path, "备份.db", "这是一份会议纪要，不是台账备份")
    before = stats.stats(worked_on)
    live = fingerprint(Path(worked_on.location))

    with pytest.raises(LedgerOpenError) as caught:
        backup.restore_ledger(worked_on.db, worked_on.evidence_dir, bogus)

    assert "不是台账文件" in str(caught.value)
    assert stats.stats(worked_on) == before
    assert fingerprint(Path(worked_on.location)) == live
    assert not Path(worked_on.location).with_name("ledger.before-restore.db").exists()


def test_restoring_from_a_foreign_database_is_refused(worked_on, tmp_path):
    foreign = tmp_path / "other.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE problem (id INTEGER PRIMARY KEY, description TEXT)")
    conn.commit()
    conn.close()

    with pytest.raises(LedgerOpenError) as caught:
        backup.restore_ledger(worked_on.db, worked_on.evidence_dir, foreign)

    assert "不是整改台账" in str(caught.value)
    assert stats.stats(worked_on)["problems"] == 3


def test_restoring_from_a_missing_file_is_refused(worked_on, tmp_path):
    with pytest.raises(LedgerOpenError) as caught:
        backup.restore_ledger(worked_on.db, worked_on.evidence_dir, tmp_path / "没有备份.db")
    assert "备份文件不存在" in str(caught.value)
