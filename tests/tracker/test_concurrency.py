"""Two people (or two windows) on one ledger file: nothing silently overwritten, writers wait their turn."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tracker import journal, replay, services
from tracker.errors import ConflictError, WorkflowError
from tracker.ledger import open_ledger
from tracker.models import Problem
from tracker.services import problems as problems_service
from tracker.services import transitions

from .factories import make_problem, measure_ids, problem, ready_for_closure, try_write_now


@pytest.fixture
def colleague(ledger, clock):
    """李娜 opens the same ledger file on her own (another process would look just the same)."""
    other = open_ledger(ledger.location, actor="李娜", clock=clock)
    yield other
    other.close()


def test_the_second_of_two_editors_is_told_and_nothing_is_overwritten(ledger, colleague):
    pid = make_problem(ledger, "会议多")
    mine = problem(ledger, pid)
    hers = problem(colleague, pid)
    assert mine["version"] == hers["version"] == 1

    services.update_problem(ledger, pid, expected_version=1, description="会议多，文山会海")
    with pytest.raises(ConflictError) as caught:
        services.update_problem(
            colleague, pid, expected_version=1, description="会议多（李娜的版本）"
        )

    message = str(caught.value)
    assert "2026-001" in message and "已被其他人或其他窗口修改过" in message and "未保存" in message
    now = problem(colleague, pid)
    assert (now["description"], now["version"]) == ("会议多，文山会海", 2)
    edits = [e for e in journal.entries(ledger.db, problem=pid) if e.action == "problem.edit"]
    assert [e.actor for e in edits] == ["王敏"]


def test_after_refreshing_the_second_editor_can_save(ledger, colleague):
    pid = make_problem(ledger, "会议多")
    services.update_problem(ledger, pid, expected_version=1, cause="王敏补充的原因")

    fresh = problem(colleague, pid)
    services.update_problem(
        colleague, pid, expected_version=fresh["version"], target="李娜补充的目标"
    )

    row = problem(ledger, pid)
    assert (row["cause"], row["target"], row["version"]) == ("王敏补充的原因", "李娜补充的目标", 3)
    assert replay.verify(colleague).ok


def test_a_conflicting_edit_leaves_even_its_other_fields_unsaved(ledger, colleague):
    pid = make_problem(ledger, "会议多")
    services.update_problem(ledger, pid, expected_version=1, cause="原因一")

    with pytest.raises(ConflictError):
        services.update_problem(colleague, pid, expected_version=1, target="目标", remarks="备注")

    row = problem(ledger, pid)
    assert (row["target"], row["remarks"]) == ("", "")


def test_a_status_change_on_a_stale_view_is_refused(ledger, colleague):
    pid = make_problem(ledger)
    seen = problem(colleague, pid)["version"]
    services.add_progress(ledger, measure_ids(ledger, pid)[0], "已启动")  # moves it to 整改中

    with pytest.raises(ConflictError):
        services.void_problem(colleague, pid, "重复", expected_version=seen)

    assert problem(ledger, pid)["status"] == "in_progress"


def test_a_stale_measure_edit_from_another_window_is_refused(ledger, colleague):
    (mid,) = measure_ids(ledger, make_problem(ledger))
    services.update_measure(ledger, mid, text="王敏改过的措施", expected_version=1)

    with pytest.raises(ConflictError) as caught:
        services.update_measure(colleague, mid, text="李娜改过的措施", expected_version=1)

    assert "该整改措施" in str(caught.value)


def test_a_writer_waits_for_another_writer_instead_of_failing(ledger, colleague):
    pid = make_problem(ledger, "会议多")
    holding = threading.Event()
    released = []

    def hold_the_write_lock() -> None:
        conn = sqlite3.connect(ledger.location, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            holding.set()
            time.sleep(0.5)
            released.append(time.monotonic())
            conn.execute("COMMIT")
        finally:
            conn.close()

    thread = threading.Thread(target=hold_the_write_lock)
    thread.start()
    try:
        assert holding.wait(5)
        started = time.monotonic()
        services.update_problem(colleague, pid, cause="等对方保存完再写入")
        finished = time.monotonic()
    finally:
        thread.join()

    assert finished - started >= 0.3  # it waited …
    assert finished >= released[0]  # … until the other writer let go
    assert problem(ledger, pid)["cause"] == "等对方保存完再写入"
    assert replay.verify(ledger).ok


def test_two_busy_writers_keep_one_unbroken_history(ledger):
    """Both write at once from their own connections; the hash chain stays a single line."""
    first = make_problem(ledger, "会议多")
    second = make_problem(ledger, "文件多")
    errors: list[BaseException] = []

    def edit(pid: int, actor: str) -> None:
        try:
            with open_ledger(ledger.location, actor=actor, clock=ledger.clock) as mine:
                for n in range(15):
                    services.update_problem(mine, pid, remarks=f"{actor}第{n}次修改")
        except BaseException as error:  # reported below, in the main thread
            errors.append(error)

    threads = [
        threading.Thread(target=edit, args=args) for args in ((first, "王敏"), (second, "李娜"))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert errors == []
    problems, head = journal.check_chain(ledger.db)
    assert problems == []
    edits = [e for e in journal.entries(ledger.db) if e.action == "problem.edit"]
    assert len(edits) == 30
    assert replay.verify(ledger).ok
    assert problem(ledger, first)["remarks"] == "王敏第14次修改"
    assert problem(ledger, second)["version"] == 16


def test_a_status_change_is_decided_under_the_write_lock(ledger, tmp_path, monkeypatch):
    """王敏 asks for 销号 while 李娜 tries to void the same problem: the guard reads the problem
    inside the write transaction, so 李娜's write has to wait until 王敏's decision is saved —
    it can never slip in between the check and the write."""
    pid = make_problem(ledger)
    ready_for_closure(ledger, pid, tmp_path / "files")
    real = transitions.problem_facts
    seen = []

    def read_while_colleague_tries(led, row, **extra):
        seen.append(try_write_now(ledger.location))
        return real(led, row, **extra)

    monkeypatch.setattr(transitions, "problem_facts", read_while_colleague_tries)
    services.request_closure(ledger, pid, "措施已完成")

    assert seen == ["database is locked"]
    assert problem(ledger, pid)["status"] == "pending_closure"
    assert try_write_now(ledger.location) == "written"  # and the lock is released afterwards


def test_an_edit_is_decided_under_the_write_lock(ledger, colleague, tmp_path, monkeypatch):
    """王敏 edits the description while 李娜 approves the closure in another window: whoever
    comes second sees the first one's result — here 李娜 closed first, so the edit is refused."""
    pid = make_problem(ledger, "会议多")
    ready_for_closure(ledger, pid, tmp_path / "files")
    services.request_closure(colleague, pid, "补充了材料")
    services.approve_closure(colleague, pid, "赵刚")
    real = problems_service.require_editable
    seen = []

    def check_while_colleague_tries(row, doing):
        seen.append(try_write_now(ledger.location))
        real(row, doing)

    monkeypatch.setattr(problems_service, "require_editable", check_while_colleague_tries)
    with pytest.raises(WorkflowError):
        services.update_problem(ledger, pid, description="会议多（销号后改写）")

    assert seen == ["database is locked"]
    assert problem(ledger, pid)["description"] == "会议多"


# -- a restore while others write (issue 17) -----------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]
# Creates problems one transaction each, forever; prints the number of each one committed.
WRITER = """
import sys
from tracker import services
from tracker.ledger import open_ledger
from tracker.models import Problem
ledger = open_ledger(sys.argv[1], actor=sys.argv[2])
i = 0
while True:
    i += 1
    services.create_problem(ledger, description=f"{sys.argv[2]}的第{i}个问题")
    print(i, flush=True)
"""


class Writer:
    """Another program writing to the same ledger; `acknowledged` is every write it reported."""

    def __init__(self, location: str, name: str) -> None:
        self.name = name
        self.acknowledged: list[int] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, location, name],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.acknowledged.append(int(line))

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 30
        while len(self.acknowledged) < count:
            assert self.proc.poll() is None, self.proc.stderr.read()
            assert time.monotonic() < deadline
            time.sleep(0.01)

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=10)
        self.reader.join(timeout=10)

    def descriptions(self) -> set[str]:
        return {f"{self.name}的第{i}个问题" for i in self.acknowledged}


def descriptions(location) -> set[str]:
    with open_ledger(location, read_only=True) as led:
        return {d for (d,) in led.select(Problem, Problem.description).tuples()}


def test_a_restore_while_two_others_write_loses_no_acknowledged_write(ledger, tmp_path):
    """Every write another program was told was saved is either in the safety copy (made before
    the restore, under the same lock) or in the ledger after it; and both verify."""
    from tracker import backup
    from tracker.restore import restore_ledger

    from .factories import write_file

    for n in range(40):  # a ledger with files to copy: the safety copy takes a moment
        pid = make_problem(ledger, f"问题{n}")
        services.add_evidence(
            ledger, pid, write_file(tmp_path / "files", f"材料{n}.pdf", b"%PDF" * (n + 100))
        )
    dest = tmp_path / "backup.db"
    backup.backup_ledger(ledger.db, ledger.evidence_dir, dest)
    writers = [Writer(ledger.location, name) for name in ("张三", "李四")]
    try:
        for writer in writers:
            writer.wait_for(10)
        safety = restore_ledger(ledger, dest)
        counts = [len(w.acknowledged) for w in writers]
        for writer, count in zip(writers, counts, strict=True):
            writer.wait_for(count + 5)  # they carry on after the restore
    finally:
        for writer in writers:
            writer.stop()

    kept = descriptions(safety) | descriptions(ledger.location)
    lost = {d for w in writers for d in w.descriptions() - kept}
    assert lost == set()
    assert replay.verify(ledger).ok
    with open_ledger(safety, read_only=True) as before_restore:
        assert replay.verify(before_restore).ok
