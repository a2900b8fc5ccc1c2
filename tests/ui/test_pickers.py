"""The first day: 名录 is empty, and the pickers in the forms take a name typed in on the spot."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from tracker import journal
from tracker.ledger import create_ledger
from tracker.models import Department, Measure, Person, Problem
from tracker.services.dictionaries import entry_state
from ui import widgets
from ui.dialogs.problem_dialog import NewProblemDialog
from ui.panels.detail.measure_dialog import MeasureDialog
from ui.session import Session
from ui.widgets import DeadlineEdit, DictionaryCombo

from .test_dialogs_problem import type_text

TODAY = dt.datetime(2026, 3, 2, 9, 0, 0)


@pytest.fixture
def first_day(qtbot, tmp_path):
    """A brand-new ledger (no people, departments or batches) open in a session."""
    ledger = create_ledger(
        tmp_path / "new.db", unit_name="第一党支部", actor="王敏", clock=lambda: TODAY
    )
    session = Session()
    session.open(ledger)
    yield session
    session.close()


@pytest.fixture
def confirmations(monkeypatch):
    """Answer the 加入名录？ question: the list records each question; `answers` says yes/no."""
    asked: list[tuple[str, str]] = []
    answers = {"value": True}

    def fake(parent, title, text, ok_text):
        asked.append((title, text))
        return answers["value"]

    monkeypatch.setattr(widgets, "confirm_entry", fake)
    return asked, answers


def press_enter(qtbot, combo) -> None:
    """Enter where it really lands: the picker has the focus (its text field is a proxy)."""
    combo.setFocus()
    qtbot.keyClick(QApplication.focusWidget() or combo, Qt.Key.Key_Return)


def test_an_empty_ledger_offers_nothing_but_the_picker_takes_a_name(
    qtbot, first_day, confirmations, message_boxes
):
    asked, _ = confirmations
    dialog = NewProblemDialog(first_day)
    qtbot.addWidget(dialog)
    assert dialog.department.count() == 1  # only （不指定）
    assert "可直接输入新名称" in dialog.department.lineEdit().placeholderText()
    type_text(dialog.department.lineEdit(), "办公室")
    assert dialog.department.pending_name() == "办公室"
    assert "按回车加入名录" in dialog.department.lineEdit().toolTip()
    dialog.show()
    dialog.activateWindow()
    press_enter(qtbot, dialog.department)  # Enter adds it; it does not submit the dialog
    assert dialog.isVisible() and dialog.result() == 0
    assert first_day.ledger.select(Problem).count() == 0
    assert asked and asked[0][0] == "加入名录？" and "办公室" in asked[0][1]
    (dept_id, active) = entry_state(first_day.ledger, "department", "办公室")
    assert active and dialog.department.value() == dept_id
    assert dialog.department.pending_name() == ""
    entry = list(journal.entries(first_day.ledger.db))[-1]
    assert entry.action == "department.create" and entry.actor == "王敏"


def test_saving_the_form_offers_every_new_name_then_lists_the_problem(
    qtbot, first_day, confirmations, message_boxes
):
    asked, _ = confirmations
    ledger = first_day.ledger
    dialog = NewProblemDialog(first_day)
    qtbot.addWidget(dialog)
    type_text(dialog.description, "会议多、文件多")
    type_text(dialog.leader.lineEdit(), "张伟")
    type_text(dialog.batch.lineEdit(), "2026年组织生活会")
    editor = dialog.measure_editors[0]
    type_text(editor.text, "压减会议")
    type_text(editor.owner.lineEdit(), "李娜")
    editor.deadline.setText("2026年6月底前")
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton
    )
    assert dialog.result() == dialog.DialogCode.Accepted
    assert [text.split("“")[1].split("”")[0] for _, text in asked] == [
        "2026年组织生活会",
        "张伟",
        "李娜",
    ]
    row = ledger.select(Problem).where(Problem.id == dialog.created_id).dicts().first()
    leader = ledger.select(Person).where(Person.name == "张伟").first()
    owner = ledger.select(Person).where(Person.name == "李娜").first()
    assert row["leader"] == leader.id and row["batch"] is not None
    measure = ledger.select(Measure).where(Measure.problem == row["id"]).first()
    assert measure.owner_id == owner.id
    # the measure's owner picker saw the leader added a moment earlier: 名录 is shared
    assert editor.owner.findText("张伟") > 0


def test_declining_keeps_the_form_open_with_the_name_still_typed(
    qtbot, first_day, confirmations, message_boxes
):
    asked, answers = confirmations
    answers["value"] = False
    dialog = NewProblemDialog(first_day)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.description, "会议多")
    type_text(dialog.department.lineEdit(), "办公室")
    dialog.accept()
    assert dialog.isVisible() and len(asked) == 1
    assert dialog.department.pending_name() == "办公室"
    assert first_day.ledger.select(Problem).count() == 0
    assert first_day.ledger.select(Department).count() == 0


def test_the_same_limits_as_the_directory(qtbot, first_day, confirmations, message_boxes):
    dialog = NewProblemDialog(first_day)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.description, "会议多")
    type_text(dialog.department.lineEdit(), "部" * 61)
    dialog.accept()
    assert dialog.isVisible()
    (kind, title, text) = message_boxes[-1]
    assert "部门" in title and "60" in text
    assert first_day.ledger.select(Department).count() == 0


def test_a_retired_name_is_offered_back_not_duplicated(
    qtbot, first_day, confirmations, message_boxes
):
    from tracker import services

    asked, _ = confirmations
    ledger = first_day.ledger
    dept = services.add_entry(ledger, "department", "宣传部").created_id
    services.set_term_active(ledger, "department", dept, False)
    combo = DictionaryCombo(ledger, "department", session=first_day)
    qtbot.addWidget(combo)
    assert combo.findText("宣传部") < 0
    type_text(combo.lineEdit(), "宣传部")
    assert combo.resolve(None)
    assert asked[-1][0] == "恢复使用？"
    assert combo.value() == dept and entry_state(ledger, "department", "宣传部") == (dept, True)


def test_typing_an_existing_name_picks_it_without_asking(
    qtbot, first_day, confirmations, message_boxes
):
    from tracker import services

    asked, _ = confirmations
    dept = services.add_entry(first_day.ledger, "department", "办公室").created_id
    combo = DictionaryCombo(first_day.ledger, "department", session=first_day)
    qtbot.addWidget(combo)
    type_text(combo.lineEdit(), "办公室")
    assert combo.pending_name() == "" and combo.value() == dept
    assert combo.resolve(None) and asked == []


def test_the_measure_dialog_takes_a_new_owner(qtbot, first_day, confirmations, message_boxes):
    dialog = MeasureDialog(first_day, found_on=dt.date(2026, 3, 1))
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.text, "修订会议制度")
    type_text(dialog.owner.lineEdit(), "李娜")
    dialog.accept()
    assert not dialog.isVisible()
    owner = entry_state(first_day.ledger, "person", "李娜")[0]
    assert dialog.measure_input().owner == owner


def test_the_detail_form_saves_a_new_category_after_asking(
    qtbot, panel, session, confirmations, message_boxes
):
    from .helpers import first, problem

    asked, _ = confirmations
    pid = first(session.ledger, "in_progress")
    panel.show_problem(pid)
    combo = panel.basic.combos["category"]
    combo.lineEdit().clear()  # the user deletes the old name and types another
    type_text(combo.lineEdit(), "意识形态工作")
    assert panel.basic.is_dirty() and panel.basic.save_button.isEnabled()
    assert panel.basic.save()
    category = entry_state(session.ledger, "category", "意识形态工作")[0]
    assert problem(session.ledger, pid)["category"] == category
    assert len(asked) == 1


def test_filters_stay_choose_only(qtbot, first_day):
    combo = DictionaryCombo(first_day.ledger, "department", empty_text="全部部门")
    qtbot.addWidget(combo)
    assert not combo.isEditable() and combo.pending_name() == ""


# -- deadlines as they are typed ------------------------------------------------------------------
def test_a_past_deadline_is_flagged_before_saving(qtbot):
    edit = DeadlineEdit()
    qtbot.addWidget(edit)
    edit.set_context(dt.date(2026, 3, 2), dt.date(2026, 2, 20))
    edit.setText("2026年2月27日")
    assert edit.reading.text() == "识别为：2026年2月27日\n⚠ 已经过去 3 天，保存后即为逾期"
    edit.setText("2026年3月2日")
    assert edit.reading.text() == "识别为：2026年3月2日"


def test_immediate_says_which_date_it_means(qtbot):
    edit = DeadlineEdit()
    qtbot.addWidget(edit)
    edit.set_context(dt.date(2026, 3, 2), dt.date(2026, 3, 2))
    edit.setText("立行立改")
    assert edit.reading.text() == (
        "识别为：立行立改——以查摆日期2026年3月2日为期限，当天未完成即逾期"
    )
    edit.set_context(dt.date(2026, 3, 2), dt.date(2026, 2, 20))
    assert "以查摆日期2026年2月20日为期限" in edit.reading.text()
    assert "已经过去 10 天" in edit.reading.text()


def test_an_unreadable_deadline_says_where_it_will_be_listed(qtbot):
    edit = DeadlineEdit()
    qtbot.addWidget(edit)
    edit.setText("等领导定了再说")
    assert edit.reading.text().startswith("⚠ ") and "时限不明确" in edit.reading.text()


def test_the_problem_dialog_reads_immediate_against_its_date_found(qtbot, first_day):
    dialog = NewProblemDialog(first_day)
    qtbot.addWidget(dialog)
    editor = dialog.measure_editors[0]
    editor.deadline.setText("立行立改")
    assert "以查摆日期2026年3月2日为期限" in editor.deadline.reading.text()
    dialog.found_on.setDate(dialog.found_on.date().addDays(-5))
    assert "以查摆日期2026年2月25日为期限" in editor.deadline.reading.text()
    assert "已经过去 5 天" in editor.deadline.reading.text()
