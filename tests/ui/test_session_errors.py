"""The window when the database or the disk says no: a save that has to wait for a long import
says so and goes through when it can; failures are Chinese sentences, not crash reports."""

from __future__ import annotations

import errno
import sqlite3

import peewee
import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QProgressDialog

from tracker import busy, services
from tracker.models import Problem
from ui import errors as ui_errors
from ui.operations import run_in_background

from .helpers import first


@pytest.fixture
def crashes(monkeypatch):
    """Crash dialogs recorded instead of shown: a translated failure must never open one."""
    seen = []
    monkeypatch.setattr(
        ui_errors.CrashDialog, "exec", lambda self: seen.append(self.text.toPlainText())
    )
    return seen


class Holder:
    """Another program holding the ledger's write lock, as a long import does, with its note."""

    def __init__(self, location: str) -> None:
        self.location = location
        self.conn = sqlite3.connect(location, isolation_level=None)
        self.conn.execute("BEGIN IMMEDIATE")
        self.note = busy.holding(location, "导入Excel", "王敏", "2026-11-21 09:58:00")
        self.note.__enter__()

    def release(self) -> None:
        if self.conn is not None:
            self.note.__exit__(None, None, None)
            self.conn.execute("COMMIT")
            self.conn.close()
            self.conn = None


@pytest.fixture
def holder(session):
    h = Holder(session.ledger.location)
    yield h
    h.release()


def description(ledger, pid) -> str:
    return ledger.select(Problem, Problem.description).where(Problem.id == pid).scalar()


def wait_dialog() -> QProgressDialog | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QProgressDialog) and widget.isVisible():
            return widget
    return None


def test_a_save_waits_for_a_long_import_says_why_and_then_goes_through(
    qtbot, session, holder, message_boxes, crashes
):
    pid = first(session.ledger, "in_progress")
    said, shown = [], []
    session.waiting.connect(said.append)

    def look_then_release():
        dialog = wait_dialog()
        shown.append(dialog.labelText() if dialog else None)
        holder.release()

    QTimer.singleShot(900, look_then_release)
    changes = session.perform(None, services.update_problem, pid, description="会议多（已整改）")

    assert changes is not None and description(session.ledger, pid) == "会议多（已整改）"
    assert said and "台账正在被王敏导入Excel（2026-11-21 09:58起）" in said[0]
    assert shown[0] and "王敏导入Excel" in shown[0]
    assert wait_dialog() is None
    assert message_boxes == [] and crashes == []


def test_a_save_that_waits_too_long_names_the_holder_and_changes_nothing(
    qtbot, session, holder, message_boxes, crashes
):
    pid = first(session.ledger, "in_progress")
    before = description(session.ledger, pid)
    session.wait_limit = 0.8

    assert session.perform(None, services.update_problem, pid, description="改不进去") is None

    holder.release()
    assert description(session.ledger, pid) == before
    ((kind, _title, text),) = message_boxes
    assert kind == "warning" and "台账正在被王敏导入Excel" in text and "locked" not in text
    assert crashes == []


def test_cancelling_the_wait_saves_nothing_and_says_nothing(
    qtbot, session, holder, message_boxes, crashes
):
    pid = first(session.ledger, "in_progress")
    before = description(session.ledger, pid)
    QTimer.singleShot(700, lambda: wait_dialog().cancel())

    assert session.perform(None, services.update_problem, pid, description="算了") is None

    holder.release()
    assert description(session.ledger, pid) == before
    assert message_boxes == [] and crashes == []


def test_a_driver_error_in_an_action_is_a_chinese_sentence(session, message_boxes, crashes):
    def clash(ledger):
        raise peewee.IntegrityError(
            sqlite3.IntegrityError("UNIQUE constraint failed: problem.code")
        )

    assert session.perform(None, clash) is None

    ((kind, _title, text),) = message_boxes
    assert kind == "warning" and "问题编号" in text and "verify" in text
    assert crashes == []


def test_a_background_job_failing_on_the_disk_is_a_chinese_sentence(
    qtbot, session, message_boxes, crashes
):
    def job(progress):
        raise PermissionError(errno.EACCES, "Permission denied", "/srv/共享/台账.xlsx")

    op = run_in_background(None, "正在导出台账…", job, lambda result: None)
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    qtbot.waitUntil(lambda: bool(message_boxes), timeout=5000)

    ((kind, _title, text),) = message_boxes
    assert "没有权限" in text and "/srv/共享/台账.xlsx" in text
    assert crashes == []
