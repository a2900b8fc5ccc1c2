"""The first day: 新建台账 asks for the real name and a new file; the login name stays out of the
journal unless chosen; the evidence table keeps its columns still."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tracker import journal, services
from tracker.ledger import create_ledger
from tracker.paths import default_actor
from ui.dialogs import user_name_dialog
from ui.dialogs.new_ledger_dialog import NewLedgerDialog
from ui.main_window import USER_NAME, MainWindow

from .helpers import first
from .test_dialogs_problem import type_text


# -- 新建台账 ----------------------------------------------------------------------------------------
def test_the_name_starts_empty_and_the_login_name_is_only_offered(qtbot, tmp_path, message_boxes):
    dialog = NewLedgerDialog(folder=tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.user_name.text() == ""
    assert "真实姓名" in dialog.user_name.placeholderText()
    dialog.unit_name.setText("第一党支部")
    dialog.accept()
    assert "您的姓名" in message_boxes[-1][1]  # refused: no name
    dialog.use_login.click()
    assert dialog.user_name.text() == default_actor()


def test_the_file_is_a_new_one_named_after_the_unit(qtbot, tmp_path):
    (tmp_path / "整改台账.db").write_bytes(b"")  # the ledger already open
    dialog = NewLedgerDialog(folder=tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.location.text() == str(tmp_path / "整改台账-2.db")
    type_text(dialog.unit_name, "市直机关第一党支部")
    assert dialog.location.text() == str(tmp_path / "市直机关第一党支部整改台账.db")
    dialog.location.setText(str(tmp_path / "我的.db"))
    dialog.location.textEdited.emit(dialog.location.text())  # the user typed a place
    type_text(dialog.unit_name, "（机关）")
    assert dialog.location.text() == str(tmp_path / "我的.db")  # no longer follows the unit


def test_new_ledger_from_the_window_never_suggests_the_open_ledger(
    qtbot, tmp_path, monkeypatch, message_boxes
):
    open_one = tmp_path / "整改台账.db"
    create_ledger(open_one, unit_name="第一党支部", actor="王敏").close()
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    window.open_location(str(open_one), synchronous=True)
    seen = []

    def exec_(dialog):
        seen.append((dialog.location.text(), dialog.user_name.text()))
        return 0

    monkeypatch.setattr(NewLedgerDialog, "exec", exec_)
    window.new_ledger()
    location, name = seen[0]
    assert Path(location).parent == tmp_path and Path(location) != open_one
    assert not Path(location).exists()
    assert name == ""  # nobody said who works here: nothing filled in


# -- who is working ---------------------------------------------------------------------------------
@pytest.fixture
def unnamed_window(qtbot, tmp_path, monkeypatch, message_boxes):
    """The window started without --user, a saved name or ZHENGGAI_USER, over a fresh ledger."""
    location = tmp_path / "l.db"
    create_ledger(location, unit_name="第一党支部", actor="王敏").close()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.open_location(str(location), synchronous=True)
    return window


def test_the_name_is_asked_before_the_first_change(unnamed_window, monkeypatch):
    window = unnamed_window
    asked = []
    monkeypatch.setattr(
        user_name_dialog, "ask_user_name", lambda parent, login: asked.append(login) or "王敏"
    )
    assert "未填写" in window.status_ledger.text()
    ledger = window.session.ledger
    window.session.perform(window, services.create_problem, description="会议多")
    window.session.perform(window, services.create_problem, description="文件多")
    assert asked == [default_actor()]  # once
    actors = {e.actor for e in journal.entries(ledger.db) if e.action == "problem.create"}
    assert actors == {"王敏"}
    assert (
        window.settings.value(USER_NAME) == "王敏" and "操作人：王敏" in window.status_ledger.text()
    )


def test_cancelling_the_name_cancels_the_change(unnamed_window, monkeypatch):
    window = unnamed_window
    monkeypatch.setattr(user_name_dialog, "ask_user_name", lambda parent, login: "")
    ledger = window.session.ledger
    before = len(list(journal.entries(ledger.db)))
    assert window.session.perform(window, services.create_problem, description="会议多") is None
    assert len(list(journal.entries(ledger.db))) == before


def test_the_login_name_is_recorded_only_when_chosen(unnamed_window, monkeypatch):
    window = unnamed_window
    monkeypatch.setattr(user_name_dialog, "ask_user_name", lambda parent, login: login)
    window.session.perform(window, services.create_problem, description="会议多")
    last = list(journal.entries(window.session.ledger.db))[-1]
    assert last.actor == default_actor()


def test_the_dialog_itself(qtbot, message_boxes):
    dialog = user_name_dialog.UserNameDialog("root")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.edit.text() == "" and dialog.use_login.text() == "使用登录名“root”"
    dialog.ok.click()
    assert dialog.isVisible() and "您的姓名" in message_boxes[-1][1]
    type_text(dialog.edit, "王敏")
    dialog.ok.click()
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.name() == "王敏"


def test_a_named_window_never_asks(qtbot, tmp_path, monkeypatch, message_boxes):
    location = tmp_path / "l.db"
    create_ledger(location, unit_name="第一党支部", actor="王敏").close()
    window = MainWindow(
        QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), actor="周晓梅"
    )
    qtbot.addWidget(window)
    window.open_location(str(location), synchronous=True)
    monkeypatch.setattr(
        user_name_dialog, "ask_user_name", lambda *a: pytest.fail("the name was given")
    )
    assert window.session.perform(window, services.create_problem, description="会议多")


# -- the evidence table -----------------------------------------------------------------------------
def test_evidence_columns_stay_put_from_one_problem_to_the_next(panel, session, tmp_path):
    ledger = session.ledger
    a = first(ledger, "in_progress")
    b = first(ledger, "listed")
    short = tmp_path / "a.txt"
    short.write_text("x")
    long = tmp_path / ("二〇二六年第一季度支部委员会会议纪要及签到表扫描件" + ".pdf")
    long.write_bytes(b"%PDF" * 40000)
    services.add_evidence(ledger, a, short)
    services.add_evidence(ledger, b, long)
    tab = panel.evidence

    def widths(pid: int) -> list[int]:
        panel.show_problem(pid)
        panel.tabs.setCurrentWidget(tab)
        return [tab.tree.columnWidth(c) for c in range(tab.tree.columnCount())]

    assert widths(a) == widths(b) == widths(a)


def test_a_narrow_evidence_table_fits_without_a_scroll_bar(panel, session, tmp_path):
    from PySide6.QtWidgets import QApplication

    ledger = session.ledger
    pid = first(ledger, "in_progress")
    scan = tmp_path / "会议纪要.pdf"
    scan.write_bytes(b"%PDF")
    services.add_evidence(ledger, pid, scan)
    panel.resize(450, 640)
    panel.show_problem(pid)
    panel.tabs.setCurrentWidget(panel.evidence)
    QApplication.processEvents()
    tree = panel.evidence.tree
    shown = [c for c in range(tree.columnCount()) if not tree.isColumnHidden(c)]
    assert 0 in shown and 5 not in shown  # SHA-256 steps aside first
    assert sum(tree.columnWidth(c) for c in shown) <= tree.viewport().width()
