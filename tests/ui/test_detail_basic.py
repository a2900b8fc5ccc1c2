"""The 基本信息 tab: a secretary corrects a problem's wording and finds it in the history."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from tests.ui.helpers import answer_box, first, problem
from tracker import services
from tracker.detail import problem_detail
from tracker.history import problem_history
from tracker.models import Category


def latest_lines(ledger, pid: int) -> list[str]:
    return problem_history(ledger, pid)[-1].lines


def test_nothing_selected_shows_the_empty_state(panel):
    panel.show_problem(None)
    assert panel.stack.currentWidget() is panel.empty
    assert panel.empty.text() == "请选择一个问题"


def test_editing_the_description_saves_only_that_field_and_journals_it(qtbot, panel, session):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    old = problem(ledger, pid)
    panel.show_problem(pid)
    form = panel.basic
    assert form.texts["description"].toPlainText() == old["description"]
    assert not form.save_button.isEnabled()

    form.texts["description"].setPlainText("会议通知层层转发，基层疲于应付")
    assert form.changed_fields() == {"description": "会议通知层层转发，基层疲于应付"}
    assert panel.tabs.tabText(0) == "基本信息 *"
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    row = problem(ledger, pid)
    assert row["description"] == "会议通知层层转发，基层疲于应付"
    assert row["cause"] == old["cause"] and row["version"] == old["version"] + 1
    assert latest_lines(ledger, pid) == [
        f"问题·问题描述：{old['description']} → 会议通知层层转发，基层疲于应付"
    ]
    assert not form.is_dirty() and panel.tabs.tabText(0) == "基本信息"
    assert panel.summary.full_text() == "会议通知层层转发，基层疲于应付"


def test_changing_the_category_sends_its_id(qtbot, panel, session):
    ledger = session.ledger
    pid = first(ledger, "listed")
    panel.show_problem(pid)
    old_name = panel.basic.combos["category"].currentText()
    new_id, new_name = (
        ledger.select(Category, Category.id, Category.name)
        .where(Category.name != old_name)
        .tuples()
        .first()
    )
    panel.basic.combos["category"].set_value(new_id)
    panel.basic.found_on.setDate(dt.date(2026, 9, 1))
    qtbot.mouseClick(panel.basic.save_button, Qt.MouseButton.LeftButton)

    row = problem(ledger, pid)
    assert row["category"] == new_id and row["found_on"] == dt.date(2026, 9, 1)
    lines = latest_lines(ledger, pid)
    assert f"问题·问题类别：{old_name} → {new_name}" in lines
    assert any(line.startswith("问题·查摆日期：") and "2026年9月1日" in line for line in lines)


def test_a_stale_form_is_refused_and_does_not_overwrite(qtbot, panel, session, message_boxes):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    panel.show_problem(pid)
    # Someone else (another window) rewrites the description behind the panel's back.
    services.update_problem(ledger, pid, description="另一位同志改过的描述")
    panel.basic.texts["description"].setPlainText("我的描述")
    qtbot.mouseClick(panel.basic.save_button, Qt.MouseButton.LeftButton)

    assert [kind for kind, *_ in message_boxes] == ["warning"]
    assert message_boxes[0][1] == "数据已被他人修改"
    assert problem(ledger, pid)["description"] == "另一位同志改过的描述"
    # The form now shows the other person's text and says the edit was dropped.
    assert panel.basic.texts["description"].toPlainText() == "另一位同志改过的描述"
    assert "问题描述" in panel.basic.notice.text() and panel.basic.notice.isVisibleTo(panel)
    assert not panel.basic.is_dirty()


def test_an_edit_to_another_field_survives_a_conflict_and_saves_next_time(
    qtbot, panel, session, message_boxes
):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    panel.show_problem(pid)
    services.update_problem(ledger, pid, cause="别人补充的原因分析")
    panel.basic.texts["target"].setPlainText("会议数量压减三成")
    qtbot.mouseClick(panel.basic.save_button, Qt.MouseButton.LeftButton)
    assert message_boxes[0][1] == "数据已被他人修改"
    assert problem(ledger, pid)["target"] != "会议数量压减三成"

    # The refresh brought in the other person's cause and kept my target.
    assert panel.basic.texts["cause"].toPlainText() == "别人补充的原因分析"
    assert panel.basic.changed_fields() == {"target": "会议数量压减三成"}
    qtbot.mouseClick(panel.basic.save_button, Qt.MouseButton.LeftButton)
    row = problem(ledger, pid)
    assert row["target"] == "会议数量压减三成" and row["cause"] == "别人补充的原因分析"


def test_revert_puts_back_what_the_ledger_holds(qtbot, panel, session):
    pid = first(session.ledger, "in_progress")
    panel.show_problem(pid)
    original = panel.basic.texts["remarks"].toPlainText()
    panel.basic.texts["remarks"].setPlainText("临时备注")
    assert panel.basic.revert_button.isEnabled()
    qtbot.mouseClick(panel.basic.revert_button, Qt.MouseButton.LeftButton)
    assert panel.basic.texts["remarks"].toPlainText() == original
    assert not panel.basic.is_dirty()


def test_leaving_a_problem_with_unsaved_edits_offers_to_save(qtbot, panel, session):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    panel.show_problem(pid)
    panel.basic.texts["remarks"].setPlainText("离开前没保存的备注")
    seen: list[str] = []
    answer_box(qtbot, button="保存", seen=seen)
    assert panel.show_problem(first(ledger, "listed"))
    assert "基本信息有未保存的修改（备注）" in seen[0]
    assert problem(ledger, pid)["remarks"] == "离开前没保存的备注"


def test_a_closed_problem_is_read_only_and_shows_its_closure(panel, session):
    pid = first(session.ledger, "closed")
    row = problem(session.ledger, pid)
    panel.show_problem(pid)
    form = panel.basic
    assert "已销号" in form.notice.text() and "重新整改" in form.notice.text()
    assert all(edit.isReadOnly() for edit in form.texts.values())
    assert not any(combo.isEnabled() for combo in form.combos.values())
    assert not form.found_on.isEnabled() and not form.save_button.isVisibleTo(panel)
    assert form.closure.isVisibleTo(panel)
    shown = form.closure.values()
    assert shown["审核人"] == row["reviewer"] and shown["申请人"] == row["applicant"]
    assert (
        shown["销号日期"]
        == f"{row['closed_on'].year}年{row['closed_on'].month}月{row['closed_on'].day}日"
    )


def test_a_read_only_ledger_cannot_be_edited(panel, session):
    session.ledger.read_only = True
    panel.show_problem(first(session.ledger, "in_progress"))
    assert "只读" in panel.basic.notice.text()
    assert all(edit.isReadOnly() for edit in panel.basic.texts.values())
    assert not panel.measures.actions["add"].isEnabled()
    assert not panel.progress.form.isEnabled() and not panel.evidence.add_button.isEnabled()


def test_a_recurrence_names_the_problem_it_repeats(panel, session):
    ledger = session.ledger
    closed = first(ledger, "closed")
    pid = first(ledger, "listed")
    services.update_problem(ledger, pid, recurrence_of=closed)
    panel.show_problem(pid)
    assert problem(ledger, closed)["code"] in panel.basic.recurrence.text()
    assert panel.basic.recurrence.isVisibleTo(panel)


def test_unsaved_edits_are_dropped_when_the_problem_becomes_read_only(
    panel, session, message_boxes, tmp_path
):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    panel.show_problem(pid)
    panel.basic.texts["remarks"].setPlainText("还没保存")
    # Meanwhile the problem is put forward for closure (toolbar action through the session).
    for m in problem_detail(ledger, pid).measures:
        if m.status == "open":
            services.complete_measure(ledger, m.id)
    evidence = tmp_path / "说明.txt"
    evidence.write_text("整改说明", encoding="utf-8")
    services.add_evidence(ledger, pid, evidence)
    assert session.perform(None, services.request_closure, pid, "措施均已完成")
    form = panel.basic
    assert form.texts["remarks"].toPlainText() == (problem(ledger, pid)["remarks"] or "")
    assert "待销号" in form.notice.text() and "备注" in form.notice.text()
    assert not form.is_dirty() and all(edit.isReadOnly() for edit in form.texts.values())


def test_a_retired_category_is_shown_and_kept_when_saving_other_fields(
    qtbot, panel, session, message_boxes
):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    category = problem(ledger, pid)["category"]
    panel.show_problem(pid)
    session.perform(None, services.set_term_active, "category", category, False)  # 停用
    combo = panel.basic.combos["category"]
    assert combo.value() == category and combo.currentText().endswith("（已停用）")
    assert not panel.basic.is_dirty()
    panel.basic.texts["remarks"].setPlainText("停用类别后补充的备注")
    qtbot.mouseClick(panel.basic.save_button, Qt.MouseButton.LeftButton)
    row = problem(ledger, pid)
    assert row["category"] == category and row["remarks"] == "停用类别后补充的备注"
