"""Backups a secretary can take at any time, and a restore that first keeps a copy of what it replaces."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest

from tracker import backup, replay, restore, services, stats
from tracker.cli import main
from tracker.errors import LedgerError, LedgerOpenError
from tracker.integrity import check_integrity
from tracker.ledger import create_ledger, open_ledger
from tracker.models import Evidence

from .factories import close_problem, make_problem, measure_ids, try_write_now, write_file


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

    safety = restore.restore_ledger(worked_on, dest)

    assert stats.stats(worked_on) == earlier
    assert replay.verify(worked_on).ok
    assert safety == Path(worked_on.location).with_name("ledger.before-restore-20260316-093000.db")
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
    safety = restore.restore_ledger(worked_on, dest)

    restore.restore_ledger(worked_on, safety)

    assert stats.stats(worked_on) == later
    assert replay.verify(worked_on).ok


def test_the_safety_copy_is_a_complete_ledger_of_its_own(worked_on, tmp_path, clock):
    dest = tmp_path / "backup.db"
    backup.backup_ledger(worked_on.db, worked_on.evidence_dir, dest)

    safety = restore.restore_ledger(worked_on, dest)

    with open_ledger(safety, clock=clock) as before_restore:
        report = replay.verify(before_restore)
    assert report.ok, report.problems


def test_work_goes_on_after_a_restore(worked_on, tmp_path):
    dest = tmp_path / "backup.db"
    backup.backup_ledger(worked_on.db, worked_on.evidence_dir, dest)
    make_problem(worked_on, "备份之后新增的问题")
    restore.restore_ledger(worked_on, dest)

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

    restore.restore_ledger(worked_on, dest)

    assert replay.verify(worked_on).ok


def test_restoring_from_a_file_that_is_not_a_ledger_is_refused(worked_on, tmp_path):
    bogus = write_file(tmp_path, "备份.db", "这是一份会议纪要，不是台账备份")
    before = stats.stats(worked_on)
    live = fingerprint(Path(worked_on.location))

    with pytest.raises(LedgerOpenError) as caught:
        restore.restore_ledger(worked_on, bogus)

    assert "不是台账文件" in str(caught.value)
    assert stats.stats(worked_on) == before
    assert fingerprint(Path(worked_on.location)) == live
    assert not list(Path(worked_on.location).parent.glob("ledger.before-restore*"))


def test_restoring_from_a_foreign_database_is_refused(worked_on, tmp_path):
    foreign = tmp_path / "other.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE problem (id INTEGER PRIMARY KEY, description TEXT)")
    conn.commit()
    conn.close()

    with pytest.raises(LedgerOpenError) as caught:
        restore.restore_ledger(worked_on, foreign)

    assert "不是整改台账" in str(caught.value)
    assert stats.stats(worked_on)["problems"] == 3


def test_restoring_from_a_missing_file_is_refused(worked_on, tmp_path):
    with pytest.raises(LedgerOpenError) as caught:
        restore.restore_ledger(worked_on, tmp_path / "没有备份.db")
    assert "备份文件不存在" in str(caught.value)


# -- every safety copy is kept (issue 17) ---------------------------------------------------------
def test_every_restore_keeps_its_own_time_stamped_safety_copy(worked_on, tmp_path, clock):
    """The state before the first restore is not lost by a second one."""
    dest = tmp_path / "backup.db"
    backup.backup_ledger(worked_on.db, worked_on.evidence_dir, dest)
    make_problem(worked_on, "第一次恢复前新增的问题")
    first_state = stats.stats(worked_on)
    first = restore.restore_ledger(worked_on, dest)
    make_problem(worked_on, "第二次恢复前新增的问题")
    second = restore.restore_ledger(worked_on, dest)  # the same second: a name of its own
    clock.advance(hours=1)
    third = restore.restore_ledger(worked_on, dest)

    assert [p.name for p in (first, second, third)] == [
        "ledger.before-restore-20260316-093000.db",
        "ledger.before-restore-20260316-093000-2.db",
        "ledger.before-restore-20260316-103000.db",
    ]
    with open_ledger(first, clock=clock) as before_first:
        assert stats.stats(before_first) == first_state
        assert replay.verify(before_first).ok
    with open_ledger(second, clock=clock) as before_second:
        assert stats.stats(before_second)["problems"] == 4
        assert replay.verify(before_second).ok


# -- what is restored over what -------------------------------------------------------------------
@pytest.fixture
def other_unit(tmp_path, clock):
    """A backup of another branch's ledger, sitting in the same folder of backups."""
    other = create_ledger(
        tmp_path / "other.db", unit_name="市直机关第二党支部", actor="刘洋", clock=clock
    )
    make_problem(other, "调研不深入")
    dest = tmp_path / "第二支部备份.db"
    backup.backup_ledger(other.db, other.evidence_dir, dest)
    other.close()
    return dest


def test_a_summary_names_the_unit_its_problems_and_the_last_change(worked_on, other_unit):
    mine = restore.summarize(worked_on)
    with open_ledger(other_unit, read_only=True) as backup_copy:
        theirs = restore.summarize(backup_copy)

    assert (mine.unit, mine.problems, mine.last_actor) == ("市直机关第一党支部", 3, "王敏")
    assert (theirs.unit, theirs.problems, theirs.last_actor) == ("市直机关第二党支部", 1, "刘洋")
    assert mine.last_at.startswith("2026-03-02")
    assert "市直机关第一党支部" in mine.text() and "问题 3 个" in mine.text()
    assert "王敏" in mine.text() and "2026-03-02" in mine.text()
    reason = restore.confirmation_needed(worked_on, mine, theirs)
    assert reason and "市直机关第二党支部" in reason and "市直机关第一党支部" in reason
    assert restore.confirmation_needed(worked_on, mine, mine) is None


def test_the_command_line_refuses_another_units_backup_without_yes(worked_on, other_unit, capsys):
    before = stats.stats(worked_on)
    location = worked_on.location

    assert main(["--db", location, "restore", str(other_unit)]) == 2

    out, err = capsys.readouterr()
    assert "市直机关第二党支部" in out and "市直机关第一党支部" in out  # both sides shown
    assert "刘洋" in out and "问题 1 个" in out and "问题 3 个" in out
    assert "--yes" in err and "填报单位不同" in err
    assert stats.stats(worked_on) == before
    assert not list(Path(location).parent.glob("ledger.before-restore*"))

    assert main(["--db", location, "restore", str(other_unit), "--yes"]) == 0
    assert worked_on.unit_name == "市直机关第二党支部"
    assert len(list(Path(location).parent.glob("ledger.before-restore*.db"))) == 1


def test_the_command_line_restores_the_same_units_backup_and_says_what_it_replaced(
    worked_on, tmp_path, capsys
):
    dest = tmp_path / "backup.db"
    backup.backup_ledger(worked_on.db, worked_on.evidence_dir, dest)
    make_problem(worked_on, "备份之后新增的问题")

    assert main(["--db", worked_on.location, "restore", str(dest)]) == 0

    out = capsys.readouterr().out
    assert "问题 3 个" in out and "问题 4 个" in out and "before-restore-" in out
    assert stats.stats(worked_on)["problems"] == 3


def test_a_restore_holds_the_write_lock_and_says_so_to_waiting_writers(
    worked_on, tmp_path, monkeypatch
):
    """While the content is replaced, another writer waits, and the note beside the ledger tells it
    who is restoring and since when."""
    from tracker import busy, search_index

    dest = tmp_path / "backup.db"
    backup.backup_ledger(worked_on.db, worked_on.evidence_dir, dest)
    seen = []
    real = search_index.rebuild

    def rebuild_while_someone_tries_to_write(db):
        seen.append((busy.current(worked_on.location), try_write_now(worked_on.location)))
        return real(db)

    monkeypatch.setattr(search_index, "rebuild", rebuild_while_someone_tries_to_write)
    restore.restore_ledger(worked_on, dest)

    ((holder, attempt),) = seen
    assert (holder.what, holder.who) == ("恢复台账", "王敏")
    assert attempt == "database is locked"
    assert busy.current(worked_on.location) is None
    assert try_write_now(worked_on.location) == "written"


# -- a damaged ledger, a folder that cannot be written --------------------------------------------
def damage_the_last_page(path: Path) -> None:
    """Noise over the file's last page, as a failing disk leaves it: the ledger still opens."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    finally:
        conn.close()
    data = bytearray(path.read_bytes())
    data[-page_size:] = b"\x5a" * page_size
    path.write_bytes(bytes(data))


def test_a_ledger_damaged_inside_is_not_backed_up(worked_on, tmp_path, clock):
    for n in range(30):
        make_problem(worked_on, f"问题{n}：" + "会议记录不完整" * 40)
    location = Path(worked_on.location)
    assert check_integrity(worked_on.db) == []
    worked_on.close()
    damage_the_last_page(location)
    dest = tmp_path / "backup.db"

    with open_ledger(location, clock=clock) as damaged:
        found = check_integrity(damaged.db)
        assert found and "已损坏" in found[0]
        with pytest.raises(LedgerError) as caught:
            backup.backup_ledger(damaged.db, damaged.evidence_dir, dest)
        assert replay.verify(damaged).problems == found

    assert "已损坏" in str(caught.value) and "不能备份" in str(caught.value)
    assert not dest.exists() and not list(tmp_path.glob("backup*"))


def test_a_backup_into_a_folder_that_is_really_a_file_is_refused_in_words(worked_on, tmp_path):
    not_a_folder = write_file(tmp_path, "U盘", "这是一个文件")
    dest = not_a_folder / "台账备份.db"

    with pytest.raises(LedgerError) as caught:
        backup.backup_ledger(worked_on.db, worked_on.evidence_dir, dest)

    message = str(caught.value)
    assert str(not_a_folder) in message and "无法" in message


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_backup_into_a_read_only_folder_is_refused_in_words(worked_on, tmp_path):
    folder = tmp_path / "只读文件夹"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(LedgerError) as caught:
            backup.backup_ledger(worked_on.db, worked_on.evidence_dir, folder / "备份.db")
    finally:
        folder.chmod(0o700)
    assert str(folder) in str(caught.value) and "没有权限" in str(caught.value)


def test_the_command_line_says_which_folder_cannot_be_written(worked_on, tmp_path, capsys):
    not_a_folder = write_file(tmp_path, "U盘", "这是一个文件")

    code = main(["--db", worked_on.location, "backup", str(not_a_folder / "备份.db")])

    err = capsys.readouterr().err
    assert code == 2 and str(not_a_folder) in err and "Traceback" not in err


def test_a_backup_never_overwrites_one_already_there(worked_on, tmp_path):
    dest = tmp_path / "backup.db"
    backup.backup_ledger(worked_on.db, worked_on.evidence_dir, dest)
    kept = fingerprint(dest)

    with pytest.raises(LedgerError) as caught:
        backup.backup_ledger(worked_on.db, worked_on.evidence_dir, dest)

    assert "已存在" in str(caught.value)
    assert fingerprint(dest) == kept
