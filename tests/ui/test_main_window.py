"""The main window as a secretary uses it: views, search, workflow actions, undo, screenshot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tracker.history import problem_history
from tracker.models import Problem
from tracker.queries import Filter, problem_ids
from ui.main_window import MainWindow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def window(qtbot, tmp_path, demo_ledger, message_boxes):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings, actor="周晓梅")
    qtbot.addWidget(win)
    location = demo_ledger.location
    demo_ledger.close()
    win.open_location(location, synchronous=True)
    yield win
    win.close()


def test_views_show_live_counts_and_filter_the_table(window):
    page = window.ledger_page
    assert page.views.select_key("view:overdue")
    overdue_rows = [page.model.problem(r) for r in range(page.model.rowCount())]
    assert overdue_rows and all(r.overdue for r in overdue_rows)
    assert page.views.select_key("view:closed")
    assert all(page.model.problem(r).status == "closed" for r in range(page.model.rowCount()))


def view_texts(page) -> dict[str, str]:
    from ui.panels.views_panel import KEY_ROLE

    return {item.data(0, KEY_ROLE): item.text(0) for item in page.views._items()}


def test_view_counts_arrive_from_a_pool_thread_and_follow_actions(window, monkeypatch, settle):
    page = window.ledger_page
    settle()
    total = page.model.total
    assert view_texts(page)["view:all"] == f"全部（{total}）"
    overdue = len(problem_ids(window.session.ledger, Filter(view="overdue")))
    assert overdue and view_texts(page)["view:overdue"] == f"逾期（{overdue}）"
    page.table.selectRow(0)
    monkeypatch.setattr(window.workflow, "ask_reason", lambda *a, **k: "重复录入")
    next(a for a in window.workflow.actions() if a.text().startswith("作废")).trigger()
    settle()
    assert view_texts(page)["view:all"] == f"全部（{total - 1}）"


def test_search_box_filters_as_you_type(qtbot, window):
    page = window.ledger_page
    page.views.select_key("view:all")
    everything = page.model.total
    code = page.model.problem(0).code
    page.filters.search.setText(code)
    qtbot.waitUntil(lambda: page.model.total < everything, timeout=5000)
    assert [page.model.problem(r).code for r in range(page.model.rowCount())] == [code]


def test_void_from_the_toolbar_then_undo(qtbot, window, monkeypatch):
    page = window.ledger_page
    ledger = window.session.ledger
    page.views.select_key("view:all")
    page.table.selectRow(0)
    pid = page.selected_ids()[0]
    monkeypatch.setattr(window.workflow, "ask_reason", lambda *a, **k: "重复录入")
    void = next(a for a in window.workflow.actions() if a.text().startswith("作废"))
    assert void.isEnabled()
    void.trigger()
    assert ledger.select(Problem, Problem.status).where(Problem.id == pid).scalar() == "void"
    assert window.menu_actions["undo"].isEnabled()
    assert "作废" in window.menu_actions["undo"].text()
    window.menu_actions["undo"].trigger()
    assert ledger.select(Problem, Problem.status).where(Problem.id == pid).scalar() != "void"
    actions = [item.action for item in problem_history(ledger, pid)]
    assert actions[-2:] == ["作废", "撤销"]


def test_a_second_instance_opens_read_only(qtbot, tmp_path, window, message_boxes):
    settings = QSettings(str(tmp_path / "other.ini"), QSettings.Format.IniFormat)
    second = MainWindow(settings, actor="另一人")
    qtbot.addWidget(second)
    second.open_location(window.session.ledger.location, synchronous=True)
    assert second.session.ledger is not None and second.session.ledger.read_only
    assert "只读" in second.windowTitle()
    assert not second.menu_actions["new_problem"].isEnabled()
    second.close()


def test_screenshot_flag_renders_the_window(tmp_path, demo_ledger):
    import time

    out = tmp_path / "shot.png"
    location = demo_ledger.location
    demo_ledger.close()
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "ZHENGGAI_DATA_DIR": str(tmp_path / "data"),
        "ZHENGGAI_STARTUP_PROBE": str(tmp_path / "usable"),
    }
    launched = time.time()
    result = subprocess.run(
        [sys.executable, "main.py", "--db", location, "--screenshot", str(out), "--view", "逾期"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert out.exists() and out.stat().st_size > 10_000
    # the start-up probe: the moment the first rows were painted, written for the benchmark
    usable = float((tmp_path / "usable").read_text())
    assert launched < usable < time.time()
    log = (tmp_path / "data" / "logs" / "zhenggai.log").read_text(encoding="utf-8")
    assert "start-up: window usable after" in log
    bad = subprocess.run(
        [
            sys.executable,
            "main.py",
            "--db",
            location,
            "--screenshot",
            str(out),
            "--view",
            "没有这个视图",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert bad.returncode == 2 and "未知视图" in bad.stderr


def test_screenshot_of_a_file_that_is_not_a_ledger_fails_with_a_message_not_a_dialog(tmp_path):
    foreign = tmp_path / "notes.db"
    foreign.write_text("不是台账", encoding="utf-8")
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "ZHENGGAI_DATA_DIR": str(tmp_path / "data"),
    }
    result = subprocess.run(
        [sys.executable, "main.py", "--db", str(foreign), "--screenshot", str(tmp_path / "x.png")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 2
    assert "不是台账文件" in result.stderr
    assert foreign.read_text(encoding="utf-8") == "不是台账"


def test_verify_rehashes_the_evidence_in_the_background_showing_progress(
    window, qtbot, message_boxes
):
    """A file swapped for one of the same size is found; the progress bar goes through the files."""
    from tracker import services
    from tracker.models import Evidence

    ledger = window.session.ledger
    sha, name = ledger.select(Evidence, Evidence.sha256, Evidence.name).tuples().first()
    stored = services.evidence_file(ledger, sha, name)
    stored.write_bytes(stored.read_bytes()[::-1])

    op = window.verify_ledger()
    qtbot.waitUntil(lambda: op.done, timeout=20000)

    every_byte = sum(f.stat().st_size for f in ledger.evidence_dir.rglob("*") if f.is_file())
    assert op.dialog.maximum() == every_byte  # the bar was set to run through all the files
    kind, title, text = message_boxes[-1]
    assert title == "校验未通过" and name in text and "内容与记录不符" in text
