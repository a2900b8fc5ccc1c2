"""支部名单: the committee registers its branches, corrects one, retires and restores one; a
duplicate name is refused naming the field and the form keeps what was typed."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog

from tracker.exchange.branches import branches, find_branch
from ui.committee.branch_dialog import BranchForm, BranchListDialog


@pytest.fixture
def dialog(qtbot, committee_session):
    widget = BranchListDialog(committee_session)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def fill_form(monkeypatch, *entries):
    """Each time a form opens, type the next (name, contact, phone) and press 保存."""
    forms = []
    queue = list(entries)

    def run(form: BranchForm):
        name, contact, phone = queue.pop(0)
        form.name.setText(name)
        form.contact.setText(contact)
        form.phone.setText(phone)
        form._save()
        forms.append(form)
        return form.result()

    monkeypatch.setattr(BranchForm, "exec", run)
    return forms


def cells(dialog, row: int) -> list[str]:
    return [dialog.table.item(row, c).text() for c in range(dialog.table.columnCount())]


def test_add_edit_retire_and_restore(dialog, committee, monkeypatch, message_boxes):
    forms = fill_form(
        monkeypatch,
        ("第一党支部", "王敏", "0571-1"),
        ("第二党支部", "李强", ""),
        ("第一党支部", "", ""),  # the same name again: refused
        ("第二党支部（机关服务中心）", "李强", "0571-2"),
    )
    dialog.add()
    dialog.add()
    assert cells(dialog, 0) == ["第一党支部", "王敏", "0571-1", "尚未报送", "—", "—", ""]
    assert dialog.selected().name == "第二党支部"  # the one just added is selected

    dialog.add()
    assert message_boxes[-1][:2] == ("warning", "“支部名称”填写有误")
    assert "已在支部名单中" in message_boxes[-1][2]
    assert forms[2].result() != QDialog.DialogCode.Accepted  # the form stays open with the input
    assert len(branches(committee)) == 2

    dialog.table.selectRow(1)
    dialog.edit()
    assert cells(dialog, 1)[:3] == ["第二党支部（机关服务中心）", "李强", "0571-2"]

    dialog.table.selectRow(0)
    assert dialog.retire_button.text() == "停用"
    dialog.retire_button.click()  # confirmed (the message box fixture answers 是)
    assert message_boxes[-1][:2] == ("question", "停用支部")
    assert cells(dialog, 0)[6] == "已停用" and dialog.retire_button.text() == "恢复"
    assert [b.name for b in branches(committee)] == ["第二党支部（机关服务中心）"]
    dialog.retire_button.click()
    assert find_branch(committee, "第一党支部").active and cells(dialog, 0)[6] == ""


def test_a_read_only_ledger_lists_but_does_not_change(qtbot, committee_session, committee):
    from tracker.exchange.branches import add_branch

    add_branch(committee, "第一党支部")
    committee.read_only = True
    try:
        widget = BranchListDialog(committee_session)
        qtbot.addWidget(widget)
        widget.table.selectRow(0)
        assert not widget.add_button.isEnabled() and not widget.retire_button.isEnabled()
    finally:
        committee.read_only = False


def test_the_list_shows_who_has_a_key_on_record_and_their_latest_report(
    qtbot, collected, committee_session
):
    from tracker.exchange.identity import key_fingerprint

    widget = BranchListDialog(committee_session)
    qtbot.addWidget(widget)
    first = branches(collected)[0]
    assert cells(widget, 0)[3:6] == ["已登记签名", key_fingerprint(first.public_key), "2026年11月"]
