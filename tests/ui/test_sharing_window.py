"""The shared ledger in the window: logging in, who is acting, the 成员 page, and other members'
changes arriving on their own while the selection and unsaved edits stay."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from tests.tracker import pgserver
from tests.tracker.sharing import ONE, PASSWORD, problem_in
from tracker import services
from tracker.models import Member

pytestmark = pytest.mark.skipif(
    not pgserver.available(), reason="PostgreSQL server binaries not installed"
)


def window_for(qtbot, tmp_path, url: str):
    from ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    window.open_location(url, synchronous=True)
    return window


def test_the_login_dialog_remembers_all_but_the_password(qtbot, tmp_path, committee):
    from ui.sharing.login_dialog import LoginDialog

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    dialog = LoginDialog(settings)
    qtbot.addWidget(dialog)
    dialog.server.setText(f"{committee.server.root}:{committee.server.port}")
    dialog.database.setText(committee.database)
    dialog.login.setText("tianbao")
    dialog.password.setText(PASSWORD)
    dialog.accept()
    url = dialog.url()
    settings.sync()
    saved = (tmp_path / "s.ini").read_text(encoding="utf-8")
    assert "tianbao" in saved and committee.database in saved and PASSWORD not in saved

    again = LoginDialog(settings)
    qtbot.addWidget(again)
    assert again.login.text() == "tianbao" and again.password.text() == ""
    assert again.password.hasFocus() or not again.isVisible()

    window = window_for(qtbot, tmp_path, url)
    assert window.session.ledger.actor == "李娜"
    assert "成员：李娜（填报人 · 第一党支部）" in window.status_ledger.text()
    assert PASSWORD not in window.status_ledger.text()
    assert window.tabs.indexOf(window.members_tab) < 0  # no 成员 page for a 填报人
    approve = window.workflow.action("approve")
    window.show_problem(problem_in(committee, ONE))
    assert not approve.isEnabled()


def test_an_admin_adds_a_member_on_the_members_page(qtbot, tmp_path, committee, message_boxes):
    from ui.sharing.members_page import MemberDialog

    window = window_for(qtbot, tmp_path, committee.url("guanli"))
    assert window.tabs.indexOf(window.members_tab) >= 0
    window.tabs.setCurrentWidget(window.members_tab)
    page = window.members_tab.page()
    assert page.table.rowCount() == 5
    dialog = MemberDialog(window.session, page)
    qtbot.addWidget(dialog)
    dialog.login.setText("zhouqi")
    dialog.name.setText("周琦")
    dialog.role.setCurrentIndex(dialog.role.findData("reviewer"))
    dialog.branch.setEditText(ONE)
    dialog.password.setText("Zhou-Password-1")
    dialog.again.setText("Zhou-Password-2")
    dialog.accept()
    assert "不一致" in dialog.message.text()
    dialog.again.setText("Zhou-Password-1")
    dialog.accept()
    assert not message_boxes, message_boxes
    assert page.table.rowCount() == 6
    role = committee.owner.select(Member, Member.role).where(Member.login == "zhouqi").scalar()
    assert role == "reviewer"


def test_another_members_change_appears_keeping_selection_and_unsaved_edits(
    qtbot, tmp_path, committee
):
    first = problem_in(committee, ONE, "会议记录不规范")
    second = problem_in(committee, ONE, "学习制度落实不到位")
    window = window_for(qtbot, tmp_path, committee.url("tianbao"))
    window.resize(1400, 900)
    window.show()
    page = window.ledger_page
    assert page.select_problem(second)
    basic = page.detail.basic
    qtbot.waitUntil(lambda: basic.row is not None and basic.row["id"] == second)
    basic.texts["cause"].setPlainText("我正在写的原因分析")  # not saved yet

    with committee.open("tianbao") as elsewhere:  # the same member at another PC
        third = services.create_problem(elsewhere, description="窗口服务态度生硬").created_id
        services.update_problem(elsewhere, second, remarks="另一处补充的备注")

    qtbot.waitUntil(lambda: page.model.row_of(third) is not None, timeout=5000)
    assert page.selected_ids() == [second]
    qtbot.waitUntil(lambda: basic.row["remarks"] == "另一处补充的备注", timeout=5000)
    assert basic.texts["cause"].toPlainText() == "我正在写的原因分析"  # kept

    with committee.open("tianbao") as elsewhere:  # now someone changes the same field
        services.update_problem(elsewhere, second, cause="他人写的原因分析")
    qtbot.waitUntil(lambda: basic.row["cause"] == "他人写的原因分析", timeout=5000)
    notice = basic.notice.text()
    assert "他人写的原因分析" in notice and "我正在写的原因分析" in notice  # both versions
    assert first in {page.model.id_at(r) for r in range(page.model.rowCount())}


def test_a_viewer_is_told_at_once_that_chasing_is_not_theirs(
    qtbot, tmp_path, committee, message_boxes, monkeypatch
):
    """The 督办 menu asks the member's role before its dialog is filled in, in the words the
    program's and the database's checks use."""
    from ui.followup import actions, chase_dialog

    opened = []
    monkeypatch.setattr(chase_dialog.ChaseDialog, "exec", lambda self: opened.append(self))
    pid = problem_in(committee, ONE)
    window = window_for(qtbot, tmp_path, committee.url("chakan"))
    window.ledger_page.table.selectRow(window.ledger_page.model.row_of(pid))
    actions.trigger(window, "chase")
    assert not opened
    assert "只能查看" in message_boxes[-1][2]
