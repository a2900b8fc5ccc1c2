"""设置: the unit's name, the user's own name, the dictionaries, and backup / restore of the file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tracker import journal, services
from tracker.ledger import open_ledger
from tracker.models import Batch, Category, Person, Problem
from tracker.replay import verify
from tracker.services.dictionaries import find_term
from ui.dialogs.settings_dialog import USER_NAME_KEY, SettingsDialog
from ui.dialogs.settings_directory import KINDS
from ui.widgets import DictionaryCombo


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def dialog(qtbot, session, settings):
    d = SettingsDialog(session, settings=settings)
    qtbot.addWidget(d)
    d.show()
    return d


def last_action(ledger) -> str:
    return list(journal.entries(ledger.db))[-1].action


def answer_entry(directory, **fields):
    """Replace the entry editor's modal run: fill it in the way a user would, then press 保存."""

    def run(entry_dialog):
        for name, value in fields.items():
            widget = getattr(entry_dialog, name)
            widget.set_value(value) if hasattr(widget, "set_value") else widget.setText(value)
        entry_dialog.accept()
        return entry_dialog.result() == entry_dialog.DialogCode.Accepted

    directory.run_dialog = run


def show_kind(directory, kind: str) -> None:
    directory.kinds.setCurrentRow([k for k, _ in KINDS].index(kind))


# -- unit info and name ------------------------------------------------------------------------
def test_changing_the_unit_name_is_saved_and_journaled(dialog, session, message_boxes):
    dialog.unit_edits["unit_name"].setText("市直机关第二党支部")
    with_signal = []
    session.changed.connect(with_signal.append)
    dialog.accept()
    assert not dialog.isVisible()
    assert session.ledger.unit_name == "市直机关第二党支部"
    assert last_action(session.ledger) == "settings.edit"
    assert with_signal and with_signal[0].settings


def test_an_empty_unit_name_keeps_the_dialog_open(dialog, session, message_boxes):
    before = session.ledger.unit_name
    dialog.unit_edits["unit_name"].setText("  ")
    dialog.accept()
    assert dialog.isVisible()
    assert "填报单位" in message_boxes[-1][1]
    assert session.ledger.unit_name == before


def test_a_bad_phone_number_is_refused_by_the_ledger(dialog, session, message_boxes):
    dialog.unit_edits["contact_phone"].setText("请拨总机")
    assert not dialog.apply()
    assert "联系电话" in message_boxes[-1][1]
    assert dialog.unit_edits["contact_phone"].text() == "请拨总机"


def test_my_name_is_remembered_and_used_for_the_next_change(dialog, session, settings):
    dialog.tabs.setCurrentIndex(1)
    dialog.user_name.setText("王敏")
    assert dialog.apply()
    assert settings.value(USER_NAME_KEY) == "王敏"
    assert session.ledger.actor == "王敏"
    services.add_term(session.ledger, "category", "意识形态")
    assert list(journal.entries(session.ledger.db))[-1].actor == "王敏"


# -- dictionaries ------------------------------------------------------------------------------
def test_a_category_is_added_renamed_and_retired(dialog, session, message_boxes):
    ledger = session.ledger
    directory = dialog.directory
    dialog.tabs.setCurrentWidget(directory)
    show_kind(directory, "category")

    answer_entry(directory, name="意识形态工作")
    directory.add_button.click()
    term = find_term(ledger, "category", "意识形态工作")
    assert term is not None and directory.selected()["id"] == term
    assert last_action(ledger) == "category.create"

    answer_entry(directory, name="意识形态")
    directory.edit_button.click()
    assert ledger.select(Category).where(Category.id == term).first().name == "意识形态"

    assert directory.toggle_button.text() == "停用"
    directory.toggle_button.click()
    assert ledger.select(Category).where(Category.id == term).first().active is False
    assert directory.toggle_button.text() == "启用"
    assert "已停用" in directory.table.item(directory.table.currentRow(), 1).text()
    picker = DictionaryCombo(ledger, "category")
    assert picker.findData(term) == -1  # retired entries are no longer offered
    assert message_boxes == []


def test_a_duplicate_name_keeps_the_entry_editor_open(dialog, session, message_boxes):
    directory = dialog.directory
    show_kind(directory, "category")
    kept = []

    def run(entry_dialog):
        entry_dialog.name.setText("作风建设")
        entry_dialog.accept()
        kept.append((entry_dialog.result(), entry_dialog.name.text()))
        return False

    directory.run_dialog = run
    directory.add_button.click()
    assert kept == [(0, "作风建设")]
    assert "问题类别" in message_boxes[-1][1] and "已存在" in message_boxes[-1][2]


def test_a_person_is_added_with_department_and_post(dialog, session):
    ledger = session.ledger
    directory = dialog.directory
    show_kind(directory, "person")
    office = find_term(ledger, "department", "办公室")

    answer_entry(directory, name="林小雨", department=office, post="组织委员")
    directory.add_button.click()

    person = ledger.select(Person).where(Person.name == "林小雨").first()
    assert person.department_id == office and person.post == "组织委员"
    row = directory.table.currentRow()
    assert [directory.table.item(row, c).text() for c in range(4)] == [
        "林小雨",
        "办公室",
        "组织委员",
        "使用中",
    ]

    answer_entry(directory, post="宣传委员")
    directory.edit_button.click()
    assert ledger.select(Person).where(Person.id == person.id).first().post == "宣传委员"
    assert last_action(ledger) == "person.edit"


def test_a_batch_is_added_and_edited(dialog, session):
    ledger = session.ledger
    directory = dialog.directory
    show_kind(directory, "batch")
    answer_entry(directory, name="2026年度组织生活会查摆问题", doc_no="X党发〔2026〕9号")
    directory.add_button.click()
    batch = ledger.select(Batch).where(Batch.name == "2026年度组织生活会查摆问题").first()
    assert batch.doc_no == "X党发〔2026〕9号" and batch.held_on is None
    assert not directory.toggle_button.isEnabled()  # batches are not retired

    answer_entry(directory, doc_no="X党发〔2026〕10号")
    directory.edit_button.click()
    assert ledger.select(Batch).where(Batch.id == batch.id).first().doc_no == "X党发〔2026〕10号"


# -- the ledger file ---------------------------------------------------------------------------
def test_backup_writes_a_verified_copy_in_the_background(
    qtbot, dialog, session, message_boxes, tmp_path
):
    target = tmp_path / "备份" / "台账备份.db"
    dialog.choose_backup_path = lambda suggested: str(target)
    with qtbot.waitSignal(dialog.backup_finished, timeout=20000) as done:
        dialog.backup_button.click()
    assert done.args == [str(target)]
    qtbot.waitUntil(lambda: target.is_file())
    with open_ledger(target, read_only=True) as copy:
        assert verify(copy).ok
        assert copy.select(Problem).count() == session.ledger.select(Problem).count()
    assert message_boxes[-1][1] == "备份完成"


def test_restore_puts_back_the_backup_after_verifying_it(
    qtbot, dialog, session, message_boxes, tmp_path
):
    ledger = session.ledger
    target = tmp_path / "before.db"
    dialog.choose_backup_path = lambda suggested: str(target)
    with qtbot.waitSignal(dialog.backup_finished, timeout=20000):
        dialog.backup()
    services.add_term(ledger, "category", "备份后新增的类别")

    dialog.choose_restore_path = lambda: str(target)
    asked = []
    dialog.confirm = lambda title, text: asked.append(text) or True
    changes = []
    session.changed.connect(changes.append)
    with qtbot.waitSignal(dialog.restore_finished, timeout=20000) as done:
        dialog.restore_button.click()

    assert asked and "替换当前台账的全部内容" in asked[0]
    assert find_term(ledger, "category", "备份后新增的类别") is None
    assert verify(ledger).ok
    assert Path(done.args[0]).is_file()  # the safety copy of what was replaced
    assert changes and changes[-1].dictionaries and changes[-1].settings


def test_a_tampered_backup_is_not_restored(qtbot, dialog, session, message_boxes, tmp_path):
    import sqlite3

    target = tmp_path / "tampered.db"
    dialog.choose_backup_path = lambda suggested: str(target)
    with qtbot.waitSignal(dialog.backup_finished, timeout=20000):
        dialog.backup()
    with sqlite3.connect(target) as conn:
        conn.execute("UPDATE problem SET description = '被改过' WHERE id = 1")
    conn.close()
    before = session.ledger.select(Problem).where(Problem.id == 1).first().description

    dialog.choose_restore_path = lambda: str(target)
    dialog.confirm = lambda title, text: True
    op = dialog.restore()
    qtbot.waitUntil(lambda: op.done, timeout=20000)

    assert message_boxes[-1][1] == "备份未通过校验"
    assert session.ledger.select(Problem).where(Problem.id == 1).first().description == before


def test_restoring_another_units_backup_shows_both_sides_and_can_be_declined(
    qtbot, dialog, session, message_boxes, tmp_path
):
    from tracker import backup
    from tracker.ledger import create_ledger

    other = create_ledger(tmp_path / "other.db", unit_name="市直机关第二党支部", actor="刘洋")
    services.create_problem(other, description="调研不深入")
    source = tmp_path / "第二支部备份.db"
    backup.backup_ledger(other.db, other.evidence_dir, source)
    other.close()
    ledger = session.ledger
    before = ledger.select(Problem).count()
    dialog.choose_restore_path = lambda: str(source)
    asked = []
    dialog.confirm = lambda title, text: asked.append((title, text)) and False

    op = dialog.restore()
    qtbot.waitUntil(lambda: op.done, timeout=20000)

    ((title, text),) = asked
    assert "核对" in title
    cells = [re.sub("<[^>]+>", "", c) for c in re.findall("<td[^>]*>.*?</td>", text)]
    listed = ledger.select(Problem).where(Problem.status != "void").count()
    assert cells[:3] == ["填报单位", "市直机关第二党支部", ledger.unit_name]
    assert cells[3:6] == ["问题", "1 个", f"{listed} 个"]
    assert cells[6] == "最后修改" and cells[7].startswith("刘洋，")
    assert "填报单位不同" in text
    assert ledger.select(Problem).count() == before and dialog.operation is op
    assert not list(Path(ledger.location).parent.glob("*.before-restore-*"))


def test_the_look_back_interval_is_a_ledger_setting(dialog, session):
    from tracker.followup import lookbacks

    ledger = session.ledger
    assert dialog.lookback_months.value() == lookbacks.interval(ledger) == 6
    before = len(list(journal.entries(ledger.db)))
    assert dialog.apply()  # nothing changed: nothing written
    assert len(list(journal.entries(ledger.db))) == before
    dialog.lookback_months.setValue(3)
    assert dialog.apply()
    assert lookbacks.interval(ledger) == 3 and last_action(ledger) == "settings.edit"
