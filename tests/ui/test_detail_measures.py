"""The 整改措施 tab: adding, completing, extending and voiding measures, seen through to the ledger."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QDialog

from tests.ui.helpers import first, measure_in_time
from tracker import services
from tracker.history import problem_history
from tracker.models import Extension, Measure, Person, Problem
from tracker.overdue import overdue_measure_condition
from ui.panels.detail import DetailPanel, measures_tab
from ui.panels.detail.measure_dialog import MeasureDialog

RED, YELLOW = "#fde2e1", "#fff4cc"
COL = {name: i for i, name in enumerate(measures_tab.HEADERS)}


@pytest.fixture
def panel(qtbot, session):
    widget = DetailPanel(session)
    qtbot.addWidget(widget)
    widget.resize(1000, 640)
    widget.show()
    return widget


def cell(tab, row: int, column: str) -> str:
    return tab.table.item(row, COL[column]).text()


def row_of(tab, measure_id: int) -> int:
    return next(
        r for r in range(tab.table.rowCount()) if tab.table.item(r, 0).data(256) == measure_id
    )


def measure(ledger, mid: int) -> dict:
    return ledger.select(Measure).where(Measure.id == mid).dicts().first()


def open_measure(ledger, pid: int) -> int:
    return (
        ledger.select(Measure, Measure.id)
        .where((Measure.problem == pid) & (Measure.status == "open"))
        .order_by(Measure.seq)
        .scalar()
    )


def test_a_new_measure_shows_how_its_deadline_was_read(panel, session, message_boxes, monkeypatch):
    ledger = session.ledger
    pid = first(ledger, "listed")
    owner_id, owner_name, owner_dept = (
        ledger.select(Person, Person.id, Person.name, Person.department)
        .where(Person.department.is_null(False))
        .tuples()
        .first()
    )
    seen = {}

    def fill_in(dialog: MeasureDialog) -> int:
        dialog.text.setPlainText("建立会议计划审批制度")
        dialog.owner.set_value(owner_id)  # the department follows the owner
        dialog.deadline.setText("2026年6月底前")
        seen["reading"] = dialog.deadline.reading.text()
        seen["department"] = dialog.department.value()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(MeasureDialog, "exec", fill_in)
    panel.show_problem(pid)
    before = panel.measures.table.rowCount()
    panel.measures.actions["add"].trigger()

    # 2026年6月底前 is long past on 2026-11-21: the reading says so before saving
    assert seen == {
        "reading": "识别为：2026年6月30日\n⚠ 已经过去 144 天，保存后即为逾期",
        "department": owner_dept,
    }
    tab = panel.measures
    assert tab.table.rowCount() == before + 1
    row = before
    assert cell(tab, row, "整改措施") == "建立会议计划审批制度"
    assert cell(tab, row, "整改时限") == "2026年6月底前"
    assert cell(tab, row, "识别为") == "2026年6月30日"
    assert cell(tab, row, "责任人") == owner_name
    # Already past its deadline on 2026-11-21: red, and counted in days.
    assert cell(tab, row, "剩余天数") == "逾期 144 天"
    assert tab.table.item(row, 1).background().color().name() == RED
    stored = ledger.select(Measure).where(Measure.problem == pid).order_by(Measure.seq.desc())
    stored = stored.dicts().first()
    assert stored["deadline_date"] == dt.date(2026, 6, 30) and stored["owner"] == owner_id
    (line,) = problem_history(ledger, pid)[-1].lines
    assert line.startswith("新增整改措施（内容：建立会议计划审批制度；")
    assert "整改时限：2026年6月底前" in line


def test_overdue_rows_are_red_and_near_ones_yellow(panel, session):
    ledger = session.ledger
    today = ledger.today()
    pid, mid = (
        ledger.select(Measure, Measure.problem, Measure.id)
        .join(Problem, on=(Measure.problem == Problem.id))
        .where(overdue_measure_condition(today))
        .tuples()
        .first()
    )
    panel.show_problem(pid)
    tab = panel.measures
    row = row_of(tab, mid)
    days = (today - measure(ledger, mid)["deadline_date"]).days
    assert cell(tab, row, "剩余天数") == f"逾期 {days} 天"
    assert tab.table.item(row, 1).background().color().name() == RED
    assert "逾期" in panel.band.text() and panel.band.isVisibleTo(panel)

    services.update_measure(ledger, mid, deadline=today + dt.timedelta(days=5))
    panel.reload()
    assert cell(tab, row, "剩余天数") == "还剩 5 天"
    assert tab.table.item(row, 1).background().color().name() == YELLOW


def test_completing_a_measure_asks_the_date_and_updates_the_row(panel, session, monkeypatch):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    mid = open_measure(ledger, pid)
    asked = {}

    def answer(parent, title, label, default, maximum):
        asked.update(default=default, maximum=maximum)
        return dt.date(2026, 11, 20)

    monkeypatch.setattr(measures_tab, "ask_date", answer)
    panel.show_problem(pid)
    tab = panel.measures
    tab.table.selectRow(row_of(tab, mid))
    assert tab.actions["complete"].isEnabled() and not tab.actions["reopen"].isEnabled()
    tab.actions["complete"].trigger()

    assert asked == {"default": dt.date(2026, 11, 21), "maximum": dt.date(2026, 11, 21)}
    row = row_of(tab, mid)
    assert cell(tab, row, "状态") == "已完成" and cell(tab, row, "剩余天数") == "—"
    assert measure(ledger, mid)["done_on"] == dt.date(2026, 11, 20)
    assert "措施 2·状态：未完成 → 已完成" in problem_history(ledger, pid)[-1].lines
    # The selection stays on the measure, so 改回未完成 is one click away.
    assert tab.current().id == mid and tab.actions["reopen"].isEnabled()
    tab.actions["reopen"].trigger()
    assert cell(tab, row_of(tab, mid), "状态") == "未完成"
    assert measure(ledger, mid)["done_on"] is None


def fill_and_accept(fill):
    """Replace the measures tab's modal run: fill the dialog as a user would, press its button."""
    shown = []

    def run(dialog):
        shown.append(dialog)
        fill(dialog)
        return dialog.result() == QDialog.DialogCode.Accepted

    return shown, run


def test_an_extension_is_asked_for_then_approved_by_someone_else(panel, session, monkeypatch):
    ledger = session.ledger
    pid, mid = measure_in_time(ledger)
    before = measure(ledger, mid)["deadline_text"]

    def ask(dialog):
        dialog.deadline.setText("2027年1月底前")
        dialog.reason.setPlainText("需等待上级文件")
        dialog.accept()

    shown, run = fill_and_accept(ask)
    monkeypatch.setattr(measures_tab, "run_dialog", run)
    panel.show_problem(pid)
    tab = panel.measures
    tab.table.selectRow(row_of(tab, mid))
    tab.actions["extend"].trigger()

    row = row_of(tab, mid)
    assert cell(tab, row, "整改时限") == before  # nothing moves before the decision
    assert cell(tab, row, "延期次数") == "0·待批"
    assert not tab.actions["extend"].isEnabled() and tab.actions["decide"].isEnabled()

    def decide(dialog):
        dialog.approver.setText("韩立新")
        dialog.note.setPlainText("同意")
        dialog.approve_button.click()

    shown, run = fill_and_accept(decide)
    monkeypatch.setattr(measures_tab, "run_dialog", run)
    tab.actions["decide"].trigger()

    row = row_of(tab, mid)
    assert cell(tab, row, "整改时限") == "2027年1月底前"
    assert cell(tab, row, "识别为") == "2027年1月31日"
    assert cell(tab, row, "剩余天数") == "还剩 71 天"
    assert cell(tab, row, "延期次数") == "1"
    tip = tab.table.item(row, COL["延期次数"]).toolTip()
    assert f"原时限：{before}" in tip and "需等待上级文件" in tip and "韩立新批准" in tip
    ext = ledger.select(Extension).where(Extension.measure == mid).dicts().first()
    assert ext["reason"] == "需等待上级文件" and ext["by"] == "韩立新"


def test_an_extension_that_is_not_later_is_refused_by_name(
    panel, session, monkeypatch, message_boxes
):
    ledger = session.ledger
    pid, mid = measure_in_time(ledger)

    def ask(dialog):
        dialog.deadline.setText("2020年1月1日")
        dialog.reason.setPlainText("理由")
        dialog.accept()

    shown, run = fill_and_accept(ask)
    monkeypatch.setattr(measures_tab, "run_dialog", run)
    panel.show_problem(pid)
    panel.measures.table.selectRow(row_of(panel.measures, mid))
    panel.measures.actions["extend"].trigger()
    assert message_boxes and "新期限" in message_boxes[0][1]
    assert shown[0].isVisible() is False or shown[0].result() == 0
    assert ledger.select(Extension).where(Extension.measure == mid).count() == 0


def test_voiding_a_measure_needs_a_reason_and_greys_it(panel, session, monkeypatch):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    mid = open_measure(ledger, pid)
    monkeypatch.setattr(measures_tab, "ask_reason", lambda *a: "与措施 1 重复")
    panel.show_problem(pid)
    tab = panel.measures
    tab.table.selectRow(row_of(tab, mid))
    tab.actions["void"].trigger()
    row = row_of(tab, mid)
    assert cell(tab, row, "状态") == "已作废"
    assert tab.table.item(row, 1).font().strikeOut()
    assert measure(ledger, mid)["void_reason"] == "与措施 1 重复"
    assert not tab.actions["void"].isEnabled() and not tab.actions["edit"].isEnabled()


def test_cancelling_a_prompt_changes_nothing(panel, session, monkeypatch):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    mid = open_measure(ledger, pid)
    monkeypatch.setattr(measures_tab, "ask_reason", lambda *a: None)
    panel.show_problem(pid)
    panel.measures.table.selectRow(row_of(panel.measures, mid))
    panel.measures.actions["void"].trigger()
    assert measure(ledger, mid)["status"] == "open"


def test_editing_a_measure_sends_only_what_changed(panel, session, monkeypatch):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    mid = open_measure(ledger, pid)
    before = measure(ledger, mid)
    new_owner, new_name = (
        ledger.select(Person, Person.id, Person.name)
        .where(Person.id != before["owner"])
        .tuples()
        .first()
    )

    def edited(parent, session, m, found_on):
        return services.MeasureInput(m.text, new_owner, m.department_id, m.deadline_text)

    monkeypatch.setattr(measures_tab, "ask_measure", edited)
    panel.show_problem(pid)
    tab = panel.measures
    tab.table.selectRow(row_of(tab, mid))
    tab.actions["edit"].trigger()
    after = measure(ledger, mid)
    assert after["owner"] == new_owner and after["deadline_text"] == before["deadline_text"]
    lines = problem_history(ledger, pid)[-1].lines
    assert (
        len(lines) == 1
        and lines[0].startswith(f"措施 {measure(ledger, mid)['seq']}·责任人：")
        and new_name in lines[0]
    )
    assert cell(tab, row_of(tab, mid), "责任人") == new_name


def test_a_closed_problems_measures_cannot_be_changed(panel, session):
    panel.show_problem(first(session.ledger, "closed"))
    tab = panel.measures
    tab.table.selectRow(0)
    assert not any(action.isEnabled() for action in tab.actions.values())
    assert "已销号" in tab.notice.text()


def test_every_action_and_header_explains_itself(panel, session):
    panel.show_problem(first(session.ledger, "in_progress"))
    tab = panel.measures
    assert all(action.toolTip() for action in tab.actions.values())
    assert all(tab.table.horizontalHeaderItem(c).toolTip() for c in range(tab.table.columnCount()))


def test_the_measure_buttons_keep_their_whole_labels_in_a_narrow_panel(panel, session):
    """At 1366×768 the detail panel beside the list is about 430 px wide: seven buttons in one
    row needed 488 px and were cut (“改…成”); in two rows the tab needs far less."""
    panel.show_problem(first(session.ledger, "in_progress"))
    tab = panel.tabs.widget(1)
    assert len(tab.actions) == 7
    assert tab.minimumSizeHint().width() <= 400
