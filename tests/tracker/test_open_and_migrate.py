"""Opening a file as a ledger: clear Chinese refusals that leave the file untouched; schema upgrades."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from tracker import migrations, replay, services, stats
from tracker.errors import LedgerOpenError, ReadOnlyError
from tracker.ledger import create_ledger, open_ledger

from .factories import is_chinese, make_problem


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(location, **kwargs) -> str:
    with pytest.raises(LedgerOpenError) as caught:
        open_ledger(location, **kwargs)
    message = str(caught.value)
    assert is_chinese(message)
    return message


@pytest.fixture
def saved_ledger(ledger, tmp_path) -> Path:
    """A ledger with a few problems, closed as the user would leave it."""
    make_problem(ledger, "会议多")
    make_problem(ledger, "文件多", deadlines=("2026年4月30日", "长期坚持"))
    ledger.close()
    return Path(ledger.location)


def index_names(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        }
    finally:
        conn.close()


def stored_version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(
            conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        )
    finally:
        conn.close()


def set_version(path: Path, version: int, *, drop_indexes: bool = False) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        if drop_indexes:
            for _model, _columns, name in migrations.INDEXES:
                conn.execute(f"DROP INDEX {name}")
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    finally:
        conn.close()


# -- files that are not ledgers -----------------------------------------------------------------
def test_a_missing_file_is_refused_and_not_created(tmp_path):
    path = tmp_path / "没有这个文件.db"

    message = refused(path)

    assert "不存在" in message and str(path) in message and "init" in message
    assert not path.exists()


def test_a_text_file_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "台账.db"
    path.write_text("序号,问题描述\n1,会议多\n", encoding="utf-8")
    before = fingerprint(path)

    message = refused(path)

    assert "不是台账文件" in message and "未做任何修改" in message
    assert fingerprint(path) == before


def test_a_foreign_sqlite_database_is_refused_and_left_as_it_was(tmp_path):
    path = tmp_path / "通讯录.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contact (name TEXT, phone TEXT)")
    conn.execute("INSERT INTO contact VALUES ('王敏', '0571-88886666')")
    conn.commit()
    conn.close()
    before = fingerprint(path)

    message = refused(path)

    assert "不是整改台账" in message and "未做任何修改" in message
    assert fingerprint(path) == before


@pytest.mark.parametrize("keep", [0.25, 0.5, 0.9])
def test_a_damaged_ledger_is_refused_and_left_as_it_was(saved_ledger, keep):
    data = saved_ledger.read_bytes()
    saved_ledger.write_bytes(data[: int(len(data) * keep) // 4096 * 4096 + 100])
    before = fingerprint(saved_ledger)

    message = refused(saved_ledger)

    assert "已损坏" in message and "未做任何修改" in message
    assert fingerprint(saved_ledger) == before


def test_a_folder_is_not_a_ledger(tmp_path):
    assert "文件夹" in refused(tmp_path)


def test_an_empty_file_is_not_called_missing(tmp_path):
    path = tmp_path / "空文件.db"
    path.write_bytes(b"")

    message = refused(path)

    assert "不存在" not in message
    assert path.read_bytes() == b""


def test_a_ledger_cannot_be_created_over_an_existing_one(saved_ledger, clock):
    before = fingerprint(saved_ledger)

    with pytest.raises(LedgerOpenError) as caught:
        create_ledger(saved_ledger, unit_name="另一个支部", clock=clock)

    assert "已经是一个台账" in str(caught.value)
    assert fingerprint(saved_ledger) == before
    with open_ledger(saved_ledger, clock=clock) as again:
        assert stats.stats(again)["problems"] == 2
        assert again.unit_name == "市直机关第一党支部"


def test_a_ledger_cannot_be_created_over_someone_elses_file(tmp_path):
    path = tmp_path / "工作簿.db"
    path.write_text("not a database", encoding="utf-8")
    before = fingerprint(path)

    with pytest.raises(LedgerOpenError):
        create_ledger(path)

    assert fingerprint(path) == before


def test_a_ledger_opened_read_only_cannot_be_changed(saved_ledger, clock):
    before = fingerprint(saved_ledger)
    with open_ledger(saved_ledger, read_only=True, clock=clock) as readonly:
        assert stats.stats(readonly)["problems"] == 2
        with pytest.raises(ReadOnlyError) as caught:
            services.create_problem(readonly, description="只读时新增")
        assert "只读" in str(caught.value)
    assert fingerprint(saved_ledger) == before


# -- schema versions ----------------------------------------------------------------------------
def test_a_new_ledger_has_the_latest_schema(saved_ledger):
    assert stored_version(saved_ledger) == migrations.LATEST
    assert {name for *_, name in migrations.INDEXES} <= index_names(saved_ledger)


def test_an_older_ledger_is_backed_up_then_upgraded(saved_ledger, clock):
    set_version(saved_ledger, 1, drop_indexes=True)
    wanted = {name for *_, name in migrations.INDEXES}
    assert not wanted & index_names(saved_ledger)

    with open_ledger(saved_ledger, clock=clock) as upgraded:
        assert migrations.schema_version(upgraded.db) == migrations.LATEST
        assert stats.stats(upgraded)["problems"] == 2
        assert replay.verify(upgraded).ok

    assert stored_version(saved_ledger) == migrations.LATEST
    assert wanted <= index_names(saved_ledger)
    (backup,) = saved_ledger.parent.glob("*.v1.bak*")
    assert backup.name == "ledger.v1.bak.db"
    assert stored_version(backup) == 1
    assert not wanted & index_names(backup)

    kept = fingerprint(backup)
    copy = saved_ledger.parent / "copy-of-backup.db"
    shutil.copy(backup, copy)
    with open_ledger(copy, clock=clock) as restored:  # the backup is a whole ledger of its own
        assert stats.stats(restored)["problems"] == 2
        assert replay.verify(restored).ok
    assert fingerprint(backup) == kept


def test_an_upgraded_ledger_is_not_upgraded_twice(saved_ledger, clock):
    set_version(saved_ledger, 1, drop_indexes=True)
    open_ledger(saved_ledger, clock=clock).close()
    (backup,) = saved_ledger.parent.glob("*.bak*")
    first_backup = fingerprint(backup)

    open_ledger(saved_ledger, clock=clock).close()

    assert list(saved_ledger.parent.glob("*.bak*")) == [backup]
    assert fingerprint(backup) == first_backup


def test_an_older_ledger_cannot_be_opened_read_only(saved_ledger):
    set_version(saved_ledger, 1, drop_indexes=True)
    before = fingerprint(saved_ledger)

    assert "需要升级" in refused(saved_ledger, read_only=True)
    assert fingerprint(saved_ledger) == before


def test_a_ledger_from_a_newer_program_is_refused(saved_ledger):
    set_version(saved_ledger, migrations.LATEST + 1)
    before = fingerprint(saved_ledger)

    message = refused(saved_ledger)

    assert "更新版本" in message and str(migrations.LATEST + 1) in message
    assert fingerprint(saved_ledger) == before


def test_a_failing_upgrade_step_changes_nothing(saved_ledger, monkeypatch, clock):
    """An upgrade is one transaction: a step that fails halfway leaves the old schema whole."""

    def broken_step(db) -> None:
        db.execute_sql("CREATE TABLE half_done (x INTEGER)")
        raise RuntimeError("step failed")

    latest = migrations.LATEST
    monkeypatch.setitem(migrations.STEPS, latest + 1, broken_step)
    monkeypatch.setattr(migrations, "LATEST", latest + 1)

    with pytest.raises(RuntimeError):
        open_ledger(saved_ledger, clock=clock)

    assert stored_version(saved_ledger) == latest
    conn = sqlite3.connect(saved_ledger)
    try:
        tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    assert "half_done" not in tables
    assert (saved_ledger.parent / f"ledger.v{latest}.bak.db").is_file()


def garble_table_root(path: Path, table: str) -> None:
    """Overwrite the first page of one table with noise, as a failing disk or a bad copy would."""
    conn = sqlite3.connect(path)
    try:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)
        ).fetchone()
    finally:
        conn.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start : start + page_size] = b"\x5a" * page_size
    path.write_bytes(bytes(data))


def test_a_ledger_damaged_inside_is_reported_in_words_not_as_a_crash(saved_ledger, clock):
    garble_table_root(saved_ledger, "problem")
    before = fingerprint(saved_ledger)

    try:
        damaged = open_ledger(saved_ledger, clock=clock)
    except LedgerOpenError as refusal:
        assert "损坏" in str(refusal)
    else:
        with damaged:
            report = replay.verify(damaged)
        assert not report.ok
        assert any("损坏" in p for p in report.problems)
    assert fingerprint(saved_ledger) == before
