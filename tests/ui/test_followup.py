"""Following the work through in the window: 催办 from the overdue problems, 回头看 of a closed one,
a new problem that repeats an old one, 抽查 with its seed and results, the 督办 tab and menu."""

from __future__ import annotations

import datetime as dt

from tests.tracker.factories import close_problem, make_problem
from tests.ui.helpers import first, main_window, problem
from tracker import dashboard, services
from tracker.followup import chases, lookbacks, sampling
from tracker.models import Chase, Lookback, Problem, SampleDraw
from tracker.queries import problem_rows
from tracker.workflow import CLOSED, LOOKBACK_PENDING, LOOKBACK_SLIPPED
from ui.followup.chase_dialog import ChaseDialog
from ui.followup.lookback_dialog import LookbackDialog
from ui.followup.sample_dialog import SampleDialog, SampleResultDialog
from ui.followup.similar_dialog import SimilarDialog
from ui.ledger_model import display


def overdue_problems(ledger) -> list[int]:
    return sorted({item.problem_id for item in dashboard.overdue_items(ledger)})


def chase_count(ledger) -> int:
    return ledger.select(Chase).count()


def test_chasing_the_overdue_records_one_chase_per_owner_and_counts_it(qtbot, session):
    ledger = session.ledger
    ids = overdue_problems(ledger)[:2]
    before = {pid: len(chases.chases_of_problem(ledger, pid)) for pid in ids}
    dialog = ChaseDialog(session, ids)
    qtbot.addWidget(dialog)
    assert dialog.tree.topLevelItemCount() == len(dialog.rows) > 0
    keep = dialog.rows[0]
    dialog.set_checked({keep.measure})
    dialog.way.setCurrentText("当面")
    dialog.note.setPlainText("请本周内报送整改进展")
    dialog.accept()

    assert dialog.result() == dialog.DialogCode.Accepted
    views = chases.chases_of_problem(ledger, keep.problem)  # newest first
    assert len(views) == before[keep.problem] + 1
    view = views[0]
    assert (view.way, view.whom, view.note) == ("当面", keep.owner, "请本周内报送整改进展")
    assert view.measures == [keep.seq]
    row = problem_rows(ledger, [keep.problem])[keep.problem]
    assert display(row, "progress").endswith(f"·催办{len(views)}次")


def test_every_column_of_the_chase_list_shows_at_the_smallest_size(qtbot, session):
    dialog = ChaseDialog(session, overdue_problems(session.ledger)[:3])
    qtbot.addWidget(dialog)
    dialog.resize(dialog.minimumSize())
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.tree.horizontalScrollBar().maximum() == 0  # 已催办 is not scrolled off
    header = dialog.tree.header()
    assert all(header.sectionSize(c) > 0 for c in range(header.count()))


def test_nothing_ticked_records_nothing(qtbot, session, message_boxes):
    dialog = ChaseDialog(session, overdue_problems(session.ledger)[:1])
    qtbot.addWidget(dialog)
    before = chase_count(session.ledger)
    dialog.set_checked(set())
    dialog.accept()
    assert chase_count(session.ledger) == before and dialog.result() == 0
    assert any("催办对象" in text for _, _, text in message_boxes)


def due_lookback(ledger) -> int:
    return (
        ledger.select(Lookback, Lookback.problem)
        .join(Problem, on=(Lookback.problem == Problem.id))
        .where((Lookback.status == LOOKBACK_PENDING) & (Problem.status == CLOSED))
        .order_by(Lookback.due_on)
        .scalar()
    )


def test_a_slip_needs_its_reason_and_reopens_the_problem(qtbot, session, message_boxes):
    ledger = session.ledger
    pid = due_lookback(ledger)
    dialog = LookbackDialog(session, pid)
    qtbot.addWidget(dialog)
    dialog.slipped.setChecked(True)
    dialog.accept()
    assert problem(ledger, pid)["status"] == CLOSED  # refused: no reason written
    assert any("反弹情况" in text for _, _, text in message_boxes)

    dialog.note.setPlainText("会议记录又出现雷同")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert problem(ledger, pid)["status"] == "in_progress"
    statuses = [s for (s,) in ledger.select(Lookback, Lookback.status).where(Lookback.problem == pid).tuples()]  # fmt: skip
    assert statuses[-1] == LOOKBACK_SLIPPED


def test_a_look_back_date_can_be_moved(qtbot, session):
    ledger = session.ledger
    pid = due_lookback(ledger)
    dialog = LookbackDialog(session, pid)
    qtbot.addWidget(dialog)
    later = ledger.today() + dt.timedelta(days=30)
    dialog.move_to.setDate(later)
    dialog.move_date()
    assert lookbacks.pending_of(ledger, pid)["due_on"] == later


def test_a_new_problem_like_an_old_closed_one_is_linked_as_a_repeat(qtbot, session, tmp_path):
    ledger = session.ledger
    old = services.add_batch(ledger, "2024年度组织生活会", held_on=dt.date(2024, 1, 10)).created_id
    earlier = make_problem(
        ledger,
        "党员活动室管理松散，学习资料长期无人整理，借阅登记流于形式",
        batch=old,
        found_on=dt.date(2024, 1, 10),
    )
    close_problem(ledger, earlier, tmp_path)
    again = make_problem(ledger, "党员活动室学习资料无人整理，借阅登记流于形式，管理松散")
    dialog = SimilarDialog(session, again)
    qtbot.addWidget(dialog)
    assert dialog.found and dialog.found[0].id == earlier
    assert dialog.tree.topLevelItem(0).text(5)  # the shared words
    assert dialog.link_button.isEnabled()
    dialog.link()
    assert problem(ledger, again)["recurrence_of"] == earlier
    row = problem_rows(ledger, [again])[again]
    assert display(row, "status").endswith("·复发")


def test_a_draw_is_journaled_written_and_redone_from_its_seed(qtbot, session, tmp_path):
    ledger = session.ledger
    target = tmp_path / "抽查.xlsx"
    dialog = SampleDialog(session, choose_path=lambda: target)
    qtbot.addWidget(dialog)
    dialog.wanted.setValue(3)
    dialog.draw()
    assert target.exists() and dialog.view is not None
    seed = dialog.view.seed
    assert f"随机种子：{seed}" in dialog.outcome.toPlainText()

    again = SampleDialog(session, choose_path=lambda: tmp_path / "重做.xlsx")
    qtbot.addWidget(again)
    again.wanted.setValue(3)
    again.seed.setText(str(seed))
    again.draw()
    assert again.view.redo_of == dialog.view.id and again.view.codes == dialog.view.codes
    assert ledger.select(SampleDraw).count() == 2


def test_results_are_recorded_and_a_false_one_needs_a_note(qtbot, session, message_boxes):
    ledger = session.ledger
    draw = sampling.draw_sample(ledger, 2).created_id
    dialog = SampleResultDialog(session)
    qtbot.addWidget(dialog)
    assert dialog.draws.currentData() == draw and dialog.tree.topLevelItemCount() == 2
    dialog.verdict.setCurrentText("不属实")
    dialog.record()
    assert sampling.items(ledger, draw)[0]["result"] == ""
    dialog.note.setText("现场未见整改后的制度文本")
    dialog.record()
    first_item = sampling.items(ledger, draw)[0]
    assert (first_item["result"], first_item["note"]) == ("不属实", "现场未见整改后的制度文本")


def test_the_followup_tab_shows_what_was_done(panel, session):
    ledger = session.ledger
    pid = overdue_problems(ledger)[0]
    count = len(chases.chases_of_problem(ledger, pid)) + 1
    dialog = ChaseDialog(session, [pid])
    dialog.way.setCurrentText("短信")
    dialog.accept()
    panel.show_problem(pid)
    tree = panel.followup.tree
    headings = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert f"催办（{count} 次）" in headings
    newest = tree.topLevelItem(headings.index(f"催办（{count} 次）")).child(0).text(0)
    assert "短信催办" in newest and newest.startswith("2026年11月21日")
    assert panel.followup.chase_button.isEnabled()


def test_the_menu_offers_the_followup(qtbot, tmp_path, demo_ledger):
    location = demo_ledger.location
    demo_ledger.close()
    window = main_window(qtbot, tmp_path, location)
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    entries = [a.text() for a in menus["督办(&D)"].actions() if a.text()]
    assert entries[:2] == ["催办…", "生成催办单…"] and "抽查…" in entries
    assert all(a.isEnabled() for a in menus["督办(&D)"].actions())
    assert first(window.session.ledger, CLOSED)


def test_the_table_offers_chase_and_look_back_on_right_click(qtbot, tmp_path, demo_ledger):
    location = demo_ledger.location
    demo_ledger.close()
    window = main_window(qtbot, tmp_path, location)
    texts = [a.text() for a in window.ledger_page.table.actions()]
    assert {"催办…", "回头看…", "相似问题与复发…"} <= set(texts)


def test_the_chase_sheet_of_the_overdue_view_has_a_sheet_per_person(
    qtbot, tmp_path, demo_ledger, monkeypatch
):
    from openpyxl import load_workbook

    from ui import excel_actions
    from ui.followup import actions

    owners = {item.owner for item in dashboard.overdue_items(demo_ledger)}
    location = demo_ledger.location
    demo_ledger.close()
    window = main_window(qtbot, tmp_path, location)
    window.ledger_page.views.select_key("view:overdue")
    window.ledger_page.table.clearSelection()
    target = tmp_path / "催办单.xlsx"
    offered = []
    monkeypatch.setattr(excel_actions, "_save_path", lambda *args: target)
    monkeypatch.setattr(excel_actions, "offer_to_open", lambda *args: offered.append(args))
    actions.trigger(window, "chase_sheet")
    assert offered and target.exists()
    assert set(load_workbook(target).sheetnames) == owners
