"""Two programs on one ledger file: the second is told who holds it and opens read-only.

The holder is a real second process — the program itself, started as the README says — because
the lock's promise broke once (an unpinned PySide6 upgrade changed `QLockFile.getLockInfo`) while
no test held the lock from another process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from tracker.demo import build_demo
from ui.instance_lock import LedgerLock
from ui.main_window import MainWindow

from .helpers import answer_box

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def ledger_file(tmp_path):
    build_demo(tmp_path / "支部台账.db", problems=20, seed=3, actor="周晓梅").close()
    return tmp_path / "支部台账.db"


@pytest.fixture
def holder(tmp_path, ledger_file):
    """The program running on the ledger in another process, until the test ends."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", ZHENGGAI_DATA_DIR=str(tmp_path / "other"))
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "main.py"), "--db", str(ledger_file)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    lock_file = Path(str(ledger_file) + ".lock")
    deadline = time.monotonic() + 60
    while not (lock_file.exists() and lock_file.read_text(errors="replace").strip()):
        if process.poll() is not None:
            pytest.fail(f"the program ended early: {process.stderr.read().decode()[-800:]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the program did not lock the ledger within 60 s")
        time.sleep(0.1)
    yield process
    if process.poll() is None:
        process.kill()
    process.wait(10)


def window(qtbot, tmp_path) -> MainWindow:
    settings = QSettings(str(tmp_path / "mine.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings, actor="王敏")
    qtbot.addWidget(win)
    return win


def test_a_second_program_is_told_who_holds_the_ledger_and_opens_it_read_only(
    qtbot, tmp_path, ledger_file, holder
):
    win = window(qtbot, tmp_path)
    seen: list[str] = []
    answer_box(qtbot, button="以只读方式打开", seen=seen)
    win.open_location(str(ledger_file))
    qtbot.waitUntil(lambda: win.session.ledger is not None, timeout=10000)

    assert f"本机另一个整改台账窗口（进程 {holder.pid}）" in seen[0]
    assert win.session.ledger.read_only
    assert "只读" in win.windowTitle()
    assert not win.menu_actions["new_problem"].isEnabled()
    assert holder.poll() is None  # the first program is untouched
    win.close()


def test_escape_opens_nothing(qtbot, tmp_path, ledger_file, holder):
    win = window(qtbot, tmp_path)
    answer_box(qtbot, key=Qt.Key.Key_Escape)
    win.open_location(str(ledger_file))
    qtbot.wait(300)
    assert win.session.ledger is None
    win.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_the_lock_of_a_killed_program_is_taken_over(qtbot, tmp_path, ledger_file, holder):
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(10)
    win = window(qtbot, tmp_path)
    win.open_location(str(ledger_file), synchronous=True)
    assert not win.session.ledger.read_only
    win.close()


def test_who_holds_the_lock_is_read_from_three_or_four_values(tmp_path):
    lock = LedgerLock(str(tmp_path / "x.db"))

    class Old:  # older PySide6: (ok, pid, hostname, appname)
        def getLockInfo(self):  # noqa: N802
            return True, 4242, "", "zhenggai"

    class New:  # PySide6 6.11 and 6.12: (pid, hostname, appname)
        def getLockInfo(self):  # noqa: N802
            return 4242, "办公室电脑", "zhenggai"

    class Unknown:  # the lock file could not be read
        def getLockInfo(self):  # noqa: N802
            return False, 0, "", ""

    lock.lock = Old()
    assert lock.holder() == "本机另一个整改台账窗口（进程 4242）"
    lock.lock = New()
    assert lock.holder() == "计算机“办公室电脑”上的整改台账（进程 4242）"
    lock.lock = Unknown()
    assert lock.holder() == "另一个程序窗口"


def test_opening_the_ledger_this_window_has_open_is_not_another_window(
    qtbot, tmp_path, ledger_file
):
    win = window(qtbot, tmp_path)
    win.open_location(str(ledger_file), synchronous=True)
    first = win.session.ledger
    win.open_location(str(ledger_file))  # 打开台账… on the same file: no read-only question
    assert win.session.ledger is first and not first.read_only
    assert win.statusBar().currentMessage() == "该台账已经打开。"
    win.close()
