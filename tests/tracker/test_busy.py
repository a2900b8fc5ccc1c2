"""The note a long write leaves beside the ledger, so that a waiting writer can say why it waits."""

from __future__ import annotations

import json
import os

from tracker import busy


def test_a_long_write_leaves_a_note_that_names_it_and_removes_it_after(tmp_path):
    db = tmp_path / "ledger.db"
    assert busy.current(db) is None
    assert busy.waiting_sentence(db) == "台账正在被另一个程序或窗口写入"
    with busy.holding(db, "导入Excel", "王敏", "2026-11-30 14:02:05"):
        holder = busy.current(db)
        assert holder is not None and holder.pid == os.getpid()
        assert busy.waiting_sentence(db) == "台账正在被王敏导入Excel（2026-11-30 14:02起）"
    assert busy.current(db) is None
    assert not (tmp_path / "ledger.db.busy").exists()


def test_a_note_left_by_a_killed_process_is_ignored(tmp_path):
    db = tmp_path / "ledger.db"
    note = tmp_path / "ledger.db.busy"
    import socket

    dead = {
        "what": "恢复台账",
        "who": "李强",
        "since": "2026-11-30 09:00:00",
        "pid": 2**22 + 12345,
        "host": socket.gethostname(),
    }
    note.write_text(json.dumps(dead, ensure_ascii=False), encoding="utf-8")
    assert busy.current(db) is None
    note.write_text("not json", encoding="utf-8")
    assert busy.current(db) is None


def test_a_postgresql_ledger_has_no_note(tmp_path):
    with busy.holding("postgresql://u@h/db", "导入Excel", "王敏", "2026-11-30 14:02:05"):
        assert busy.current("postgresql://u@h/db") is None
