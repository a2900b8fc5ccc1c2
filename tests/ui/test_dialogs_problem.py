"""新建问题: a secretary lists a problem with its measures; wrong input keeps the dialog and the text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from tracker import journal
from tracker.models import Measure, Problem
from tracker.services.dictionaries import find_term
from ui.dialogs.problem_dialog import NewProblemDialog


def type_text(widget, text: str) -> None:
    """Type Chinese the way an input method commits it (qtbot.keyClicks aborts on non-ASCII)."""
    widget.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def click_ok(qtbot, dialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def problem_count(ledger) -> int:
    return ledger.select(Problem).count()


def test_a_problem_with_two_measures_is_listed_from_the_dialog(qtbot, session, message_boxes):
    ledger = session.ledger
    dialog = NewProblemDialog(session)
    qtbot.addWidget(dialog)
    type_text(dialog.description, "党员活动室管理松散，借用登记流于形式")
    type_text(dialog.cause, "制度落实不到位")
    dialog.category.set_value(find_term(ledger, "category", "作风建设"))
    dialog.leader.set_value(find_term(ledger, "person", "陈建国"))
    assert dialog.department.currentText() == "办公室"  # the leader's department, filled in
    first = dialog.measure_editors[0]
    type_text(first.text, "修订活动室管理办法")
    first.owner.set_value(find_term(ledger, "person", "刘志强"))
    first.deadline.setText("2026年12月底前")
    assert "2026年12月31日" in first.deadline.reading.text()
    second = dialog.add_measure()
    type_text(second.text, "每月检查借用登记")
    second.deadline.setText("长期坚持")
    dialog.add_measure()  # a blank third card is simply left out

    with qtbot.waitSignal(session.changed) as changed:
        click_ok(qtbot, dialog)

    assert dialog.result() == dialog.DialogCode.Accepted
    pid = dialog.created_id
    assert changed.args[0].created_id == pid
    row = ledger.select(Problem).where(Problem.id == pid).dicts().first()
    assert row["description"] == "党员活动室管理松散，借用登记流于形式"
    assert row["cause"] == "制度落实不到位"
    assert row["status"] == "listed"
    assert row["category"] == find_term(ledger, "category", "作风建设")
    assert row["found_on"] == ledger.today()
    measures = list(
        ledger.select(Measure).where(Measure.problem == pid).order_by(Measure.seq).dicts()
    )
    assert [m["text"] for m in measures] == ["修订活动室管理办法", "每月检查借用登记"]
    assert measures[0]["deadline_text"] == "2026年12月底前"
    assert measures[0]["owner"] == find_term(ledger, "person", "刘志强")
    assert measures[1]["status"] == "long_term"
    entries = [e for e in journal.entries(ledger.db, problem=pid)]
    assert {e.action for e in entries} == {"problem.create"}
    assert all(e.actor == "周晓梅" for e in entries)
    assert message_boxes == []


def test_an_empty_description_keeps_the_dialog_open_naming_the_field(qtbot, session, message_boxes):
    before = problem_count(session.ledger)
    dialog = NewProblemDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    type_text(dialog.measure_editors[0].text, "召开专题会议")

    click_ok(qtbot, dialog)

    assert dialog.isVisible()
    assert len(message_boxes) == 1
    kind, title, text = message_boxes[0]
    assert kind == "warning" and "问题描述" in title and "问题描述" in text
    assert dialog.measure_editors[0].text.toPlainText() == "召开专题会议"  # nothing lost
    assert problem_count(session.ledger) == before


def test_a_refusal_from_the_ledger_keeps_what_the_user_wrote(qtbot, session, message_boxes):
    dialog = NewProblemDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    too_long = "问" * 4001
    dialog.description.setPlainText(too_long)

    click_ok(qtbot, dialog)

    assert dialog.isVisible()
    assert any("问题描述" in title and "4000" in text for _, title, text in message_boxes)
    assert dialog.description.toPlainText() == too_long


def test_a_measure_without_text_is_pointed_out(qtbot, session, message_boxes):
    dialog = NewProblemDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.description.setPlainText("学习记录不完整")
    dialog.add_measure().deadline.setText("立行立改")  # second card: a deadline, but no text

    click_ok(qtbot, dialog)

    assert dialog.isVisible()
    assert message_boxes and "整改措施" in message_boxes[0][1] and "第 2 项" in message_boxes[0][2]


def test_a_recurrence_links_to_a_closed_problem_by_code(qtbot, session, message_boxes):
    ledger = session.ledger
    closed = ledger.select(Problem).where(Problem.status == "closed").order_by(Problem.id).first()
    listed = ledger.select(Problem).where(Problem.status == "listed").order_by(Problem.id).first()
    dialog = NewProblemDialog(session)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.description.setPlainText("回头看发现：报销附件又有缺失")

    dialog.recurrence.setText(listed.code)
    assert "只能关联已销号的问题" in dialog.recurrence_info.text()
    click_ok(qtbot, dialog)
    assert dialog.isVisible() and "复发自" in message_boxes[-1][1]

    dialog.recurrence.setText(closed.code)
    assert dialog.recurrence_info.text().startswith("原问题：")
    click_ok(qtbot, dialog)

    assert not dialog.isVisible()
    row = ledger.select(Problem).where(Problem.id == dialog.created_id).dicts().first()
    assert row["recurrence_of"] == closed.id


def test_removing_a_measure_renumbers_the_rest(qtbot, session):
    dialog = NewProblemDialog(session)
    qtbot.addWidget(dialog)
    second = dialog.add_measure()
    third = dialog.add_measure()
    dialog.remove_measure(second)
    assert [e.number for e in dialog.measure_editors] == [1, 2]
    assert third.number == 2
