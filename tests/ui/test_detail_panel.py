"""The panel as a whole: header, history, and refreshing itself from what the session announces."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QPlainTextEdit,
    QPushButton,
    QTabBar,
    QTextBrowser,
    QToolButton,
)

from tests.ui.helpers import first
from tracker import services
from tracker.history import problem_history
from tracker.models import Measure, Problem
from tracker.overdue import overdue_measure_condition
from ui.panels.detail import measures_tab


def test_the_header_shows_code_status_and_the_overdue_band(panel, session):
    ledger = session.ledger
    pid = (
        ledger.select(Measure, Measure.problem)
        .join(Problem, on=(Measure.problem == Problem.id))
        .where(overdue_measure_condition(ledger.today()))
        .scalar()
    )
    row = ledger.select(Problem).where(Problem.id == pid).dicts().first()
    panel.show_problem(pid)
    assert panel.code.text() == row["code"]
    assert panel.status.text() in {"挂账", "整改中"}
    assert panel.band.text().endswith("项措施逾期")
    assert "#b3261e" in panel.stripe.styleSheet()


def test_a_closed_problem_has_no_deadline_band(panel, session):
    panel.show_problem(first(session.ledger, "closed"))
    assert panel.status.text() == "已销号"
    assert not panel.band.isVisibleTo(panel)


def test_history_lists_the_journal_newest_first_with_change_lines(panel, session):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    services.update_problem(ledger, pid, remarks="历史记录里应能看到")
    panel.show_problem(pid)
    panel.tabs.setCurrentWidget(panel.history)
    tree = panel.history.tree
    expected = problem_history(ledger, pid)
    assert tree.topLevelItemCount() == len(expected)
    top = tree.topLevelItem(0)
    assert top.text(0) == expected[-1].when and top.text(1) == "周晓梅"
    assert top.text(2) == expected[-1].action
    assert top.child(0).text(0) == "问题·备注：（空） → 历史记录里应能看到"
    assert top.isExpanded()
    oldest = tree.topLevelItem(tree.topLevelItemCount() - 1)
    assert oldest.text(2).startswith("新增问题")
    assert f"共 {len(expected)} 次修改" in panel.history.summary.text()


def test_history_is_queried_only_once_its_tab_is_opened(panel, session, monkeypatch):
    calls = []
    real = panel.history.load
    monkeypatch.setattr(panel.history, "load", lambda *a: calls.append(a) or real(*a))
    panel.show_problem(first(session.ledger, "in_progress"))
    assert calls == []
    panel.tabs.setCurrentWidget(panel.history)
    assert len(calls) == 1


def test_an_action_elsewhere_refreshes_the_shown_problem(panel, session, message_boxes):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    panel.show_problem(pid)
    panel.tabs.setCurrentWidget(panel.history)
    before = panel.history.tree.topLevelItemCount()
    # e.g. the toolbar's 设为长期坚持 or a dialog: it goes through the same session.
    session.perform(None, services.update_problem, pid, remarks="从工具栏改的")
    assert panel.basic.texts["remarks"].toPlainText() == "从工具栏改的"
    assert panel.history.tree.topLevelItemCount() == before + 1


def test_changes_to_other_problems_do_not_reload(panel, session, monkeypatch):
    ledger = session.ledger
    pid, other = [
        p
        for (p,) in ledger.select(Problem, Problem.id)
        .where(Problem.status == "in_progress")
        .limit(2)
        .tuples()
    ]
    panel.show_problem(pid)
    reloads = []
    monkeypatch.setattr(panel, "reload", lambda: reloads.append(1))
    session.perform(None, services.update_problem, other, remarks="别的问题")
    assert reloads == []


def test_a_problem_that_no_longer_exists_shows_the_empty_state(panel):
    panel.show_problem(999999)
    assert panel.stack.currentWidget() is panel.empty
    assert "不存在" in panel.empty.text() and panel.problem_id is None


def test_closing_the_ledger_empties_the_panel(panel, session, demo_ledger, monkeypatch):
    panel.show_problem(first(session.ledger, "in_progress"))
    monkeypatch.setattr(demo_ledger, "close", lambda: None)  # the fixture closes it later
    session.close()
    assert panel.stack.currentWidget() is panel.empty
    assert panel.empty.text() == "请选择一个问题"


def test_every_tab_has_a_tooltip_and_the_panel_renders(panel, session, tmp_path):
    panel.show_problem(first(session.ledger, "in_progress"))
    titles = [panel.tabs.tabText(i) for i in range(panel.tabs.count())]
    assert titles == ["基本信息", "整改措施", "整改进展", "佐证材料", "历史记录"]
    assert all(panel.tabs.tabToolTip(i) for i in range(panel.tabs.count()))
    image = panel.grab()
    assert not image.isNull() and image.save(str(tmp_path / "detail.png"))


def test_every_control_explains_itself(panel, session):
    panel.show_problem(first(session.ledger, "in_progress"))
    kinds = (QPushButton, QToolButton, QComboBox, QPlainTextEdit, QDateEdit, QTextBrowser)
    silent = [
        f"{type(w).__name__} {getattr(w, 'text', lambda: '')()}"
        for kind in kinds
        for w in panel.findChildren(kind)
        if not w.toolTip() and not isinstance(w.parent(), QTabBar)
    ]
    assert silent == []


def test_f2_brings_the_form_forward_with_the_description_focused(qtbot, panel, session):
    panel.show_problem(first(session.ledger, "in_progress"))
    panel.tabs.setCurrentWidget(panel.history)
    panel.activateWindow()
    panel.focus_editor()
    assert panel.tabs.currentWidget() is panel.basic
    qtbot.waitUntil(lambda: panel.basic.texts["description"].hasFocus(), timeout=1000)


def test_a_narrow_panel_keeps_the_urgent_measure_columns_in_view(qtbot, panel, session):
    ledger = session.ledger
    pid = (
        ledger.select(Measure, Measure.problem)
        .join(Problem, on=(Measure.problem == Problem.id))
        .where(overdue_measure_condition(ledger.today()))
        .scalar()
    )
    panel.show_problem(pid)
    panel.tabs.setCurrentWidget(panel.measures)
    panel.resize(470, 600)
    table = panel.measures.table
    qtbot.waitUntil(lambda: table.isColumnHidden(8))
    for column in ("整改措施", "责任人", "整改时限", "状态", "剩余天数"):
        assert not table.isColumnHidden(measures_tab.HEADERS.index(column))
    assert table.horizontalHeader().length() <= table.viewport().width()
    panel.resize(1100, 600)
    qtbot.waitUntil(lambda: not table.isColumnHidden(8))


def test_a_long_value_in_the_history_can_be_read_whole(panel, session):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    long_remark = "整改过程中发现会议通知多头下发的情况，" * 8
    services.update_problem(ledger, pid, remarks=long_remark)
    panel.show_problem(pid)
    panel.tabs.setCurrentWidget(panel.history)
    history = panel.history
    newest = history.tree.topLevelItem(0)
    assert history.tree.currentItem() is newest  # the newest entry is shown whole at once
    assert f"问题·备注：（空） → {long_remark}" in history.whole.toPlainText()
    assert long_remark[:30] in newest.child(0).toolTip(0).replace("\n", "")
    oldest = history.tree.topLevelItem(history.tree.topLevelItemCount() - 1)
    history.tree.setCurrentItem(oldest.child(0))  # a change line shows its whole entry too
    assert history.whole.toPlainText().splitlines()[0].endswith("新增问题（挂账）")


def test_history_titles_name_the_measure_an_entry_is_about(panel, session):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    panel.show_problem(pid)
    measure = next(m for m in panel.detail.measures if m.status == "open")
    services.add_progress(ledger, measure.id, "召开推进会")
    panel.tabs.setCurrentWidget(panel.history)
    title = panel.history.tree.topLevelItem(0).text(2)
    assert title.startswith(f"填写整改进展：措施 {measure.seq}“")
