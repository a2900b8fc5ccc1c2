"""Workflow actions on the selection: offered only when the workflow allows, explained when refused."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QWidget

from tracker import journal, services
from tracker.models import Measure, Problem
from tracker.services.dictionaries import find_term
from tracker.services.lookup import problem_facts, problem_row
from ui.workflow_actions import ACTIONS, WorkflowActions


@pytest.fixture
def window(qtbot):
    w = QWidget()
    qtbot.addWidget(w)
    return w


@pytest.fixture
def actions(session, window):
    return WorkflowActions(session, window)


def ids_with(ledger, status: str, test=lambda f: True, n: int = 1) -> list[int]:
    rows = ledger.select(Problem).where(Problem.status == status).order_by(Problem.id).dicts()
    found = [r["id"] for r in rows if test(problem_facts(ledger, r))]
    assert len(found) >= n, f"the demo has too few {status} problems"
    return found[:n]


def enabled(actions) -> set[str]:
    return {name for name in ACTIONS if actions.action(name).isEnabled()}


def answer(actions, fill=lambda dialog: None) -> list[QDialog]:
    """Replace the modal run: fill the dialog as a user would, press OK, report what happened."""
    shown = []

    def run(dialog):
        shown.append(dialog)
        fill(dialog)
        dialog.accept()
        return dialog.result() == QDialog.DialogCode.Accepted

    actions.run_dialog = run
    return shown


def explanations(actions) -> list[tuple[str, list[str]]]:
    seen = []
    actions.explain = lambda title, reasons: seen.append((title, reasons))
    return seen


def last_actions(ledger, pid, n=1) -> list[str]:
    return [e.action for e in journal.entries(ledger.db, problem=pid)][-n:]


# -- what is offered ---------------------------------------------------------------------------
def test_nothing_is_offered_without_a_selection(actions):
    assert enabled(actions) == set()
    assert "请先在台账中选择问题" in actions.action("void").toolTip()


def test_each_status_offers_its_own_actions(actions, session):
    ledger = session.ledger
    expected = {
        "listed": {"request_closure", "set_long_term", "void", "extend", "bulk_edit"},
        "in_progress": {"request_closure", "set_long_term", "void", "extend", "bulk_edit"},
        "pending_closure": {"approve", "reject", "void"},
        "closed": {"reopen", "void"},
        "long_term": {"request_closure", "resume", "void", "extend", "bulk_edit"},
        "void": {"restore"},
    }
    for status, names in expected.items():
        actions.set_selection(ids_with(ledger, status))
        assert enabled(actions) == names, status


def test_a_disabled_action_says_why_in_its_tooltip(actions, session):
    actions.set_selection(ids_with(session.ledger, "closed"))
    tip = actions.action("approve").toolTip()
    assert tip.startswith("审核通过：") and "问题当前为“已销号”，不能审核通过。" in tip
    assert actions.action("approve").statusTip() == tip.replace("\n", " ")


def test_a_refused_action_stays_enabled_and_explains_why(actions, session):
    ledger = session.ledger
    pid = ids_with(
        ledger, "in_progress", lambda f: "open" in f.measure_statuses and not f.evidence_count
    )[0]
    actions.set_selection([pid])
    request = actions.action("request_closure")
    assert request.isEnabled()
    assert "当前不能执行" in request.toolTip()
    assert "整改措施未完成" in request.toolTip() and "还没有上传佐证材料" in request.toolTip()
    assert "销号说明" not in request.toolTip()  # the dialog asks for it; not an obstacle
    seen = explanations(actions)
    shown = answer(actions)

    request.trigger()

    assert shown == []  # no dialog: the explanation instead
    title, reasons = seen[0]
    assert title == "不能申请销号" and any("佐证材料" in r for r in reasons)
    assert problem_row(ledger, pid)["status"] == "in_progress"


def test_set_long_term_explains_when_measures_are_not_all_long_term(
    actions, session, message_boxes
):
    pid = ids_with(session.ledger, "in_progress", lambda f: "open" in f.measure_statuses)[0]
    actions.set_selection([pid])
    actions.action("set_long_term").trigger()  # the real explain: a warning box
    assert message_boxes[-1][1] == "不能设为长期坚持"
    assert "只有剩余措施全部为长期坚持" in message_boxes[-1][2]


def test_single_problem_actions_need_exactly_one_selected(actions, session):
    ledger = session.ledger
    ids = ids_with(ledger, "in_progress", n=2)
    actions.set_selection(ids)
    assert enabled(actions) == {"void", "bulk_edit"}
    assert "请只选择一个问题" in actions.action("request_closure").toolTip()


def test_a_read_only_ledger_offers_nothing(actions, session):
    actions.set_selection(ids_with(session.ledger, "listed"))
    session.ledger.read_only = True
    try:
        actions.refresh()
        assert enabled(actions) == set()
        assert "只读" in actions.action("void").toolTip()
    finally:
        session.ledger.read_only = False


def test_delete_is_the_void_shortcut_and_every_action_has_a_tooltip(actions):
    assert actions.action("void").shortcut() == QKeySequence("Delete")
    for action in actions.actions():
        assert action.toolTip() and action.toolTip() != action.text()


# -- doing it ----------------------------------------------------------------------------------
def test_reject_needs_a_reason_and_sends_the_problem_back(actions, session):
    ledger = session.ledger
    pid = ids_with(ledger, "pending_closure")[0]
    actions.set_selection([pid])
    shown = answer(actions)  # first: OK with nothing written
    actions.action("reject").trigger()
    assert not shown[0].ok_button.isEnabled()
    assert problem_row(ledger, pid)["status"] == "pending_closure"

    answer(actions, lambda d: d.set_reason("佐证材料不能证明措施已落实"))
    actions.action("reject").trigger()

    row = problem_row(ledger, pid)
    assert row["status"] == "in_progress" and row["review_opinion"] == "佐证材料不能证明措施已落实"
    assert last_actions(ledger, pid) == ["problem.reject"]
    assert enabled(actions) >= {"request_closure", "void"}  # re-evaluated after the change


def test_reopen_after_review_requires_a_reason(actions, session):
    ledger = session.ledger
    pid = ids_with(ledger, "closed")[0]
    actions.set_selection([pid])
    shown = answer(actions, lambda d: d.set_reason("回头看发现问题反弹"))
    offered = []
    actions.ask_new_measure = lambda code: offered.append(code) or False  # 以后再说
    actions.action("reopen").trigger()
    assert shown[0].windowTitle() == "重新整改（回头看）"
    row = problem_row(ledger, pid)
    assert row["status"] == "in_progress" and row["status_reason"] == "回头看发现问题反弹"
    assert row["closed_on"] is None
    assert offered == [row["code"]]


def test_after_reopening_a_new_measure_is_offered_and_the_old_ones_stay_done(
    actions, session, message_boxes
):
    ledger = session.ledger
    pid = ids_with(ledger, "closed")[0]
    before = {
        mid: status
        for mid, status in ledger.select(Measure, Measure.id, Measure.status)
        .where(Measure.problem == pid)
        .tuples()
    }
    actions.set_selection([pid])
    answer(actions, lambda d: d.set_reason("回头看发现会议又多了起来"))
    actions.ask_new_measure = lambda code: True
    actions.ask_measure = lambda row: services.MeasureInput(
        "每月通报会议数量", deadline="2026年12月31日"
    )
    actions.action("reopen").trigger()
    measures = dict(
        ledger.select(Measure, Measure.id, Measure.status).where(Measure.problem == pid).tuples()
    )
    assert {mid: measures[mid] for mid in before} == before  # the old ones: unchanged
    (new,) = set(measures) - set(before)
    assert measures[new] == "open"
    assert last_actions(ledger, pid, 2) == ["problem.reopen", "measure.create"]


def test_a_refused_reopen_offers_no_measure(actions, session):
    ledger = session.ledger
    pid = ids_with(ledger, "closed")[0]
    actions.set_selection([pid])
    offered = []
    actions.ask_new_measure = lambda code: offered.append(code) or True
    actions.ask_reason = lambda *a, **k: None  # the user cancels the reason
    actions.action("reopen").trigger()
    assert offered == [] and problem_row(ledger, pid)["status"] == "closed"


def test_void_several_selected_problems_with_one_reason(actions, session, message_boxes):
    ledger = session.ledger
    ids = ids_with(ledger, "listed", n=2) + ids_with(ledger, "closed", n=1)
    actions.set_selection(ids)
    shown = answer(actions, lambda d: d.set_reason("与其他批次重复录入"))

    actions.action("void").trigger()

    assert len(shown) == 1 and "所选的 3 个问题" in shown[0].explanation.text()
    for pid in ids:
        row = problem_row(ledger, pid)
        assert row["status"] == "void" and row["status_reason"] == "与其他批次重复录入"
        assert last_actions(ledger, pid) == ["problem.void"]
    assert enabled(actions) == set()  # void problems: only restore, and only one at a time
    actions.set_selection(ids[:1])
    assert enabled(actions) == {"restore"}
    answer(actions, lambda d: d.set_reason("误作废"))
    actions.action("restore").trigger()
    assert problem_row(ledger, ids[0])["status"] == "listed"


def test_void_is_refused_when_a_selected_problem_is_already_void(actions, session):
    ledger = session.ledger
    actions.set_selection(ids_with(ledger, "listed") + ids_with(ledger, "void"))
    assert not actions.action("void").isEnabled()
    assert "有 1 个已经作废" in actions.action("void").toolTip()


def test_bulk_edit_owner_on_three_problems_through_the_action(actions, session):
    ledger = session.ledger
    ids = ids_with(ledger, "in_progress", lambda f: "open" in f.measure_statuses, n=3)
    owner = find_term(ledger, "person", "卫明辉")
    actions.set_selection(ids)
    answer(actions, lambda d: d.set_field("owner", owner))

    actions.action("bulk_edit").trigger()

    for pid in ids:
        assert last_actions(ledger, pid) == ["problem.bulk_edit"]
        open_measures = ledger.select(Measure).where(
            (Measure.problem == pid) & (Measure.status == "open")
        )
        assert {m.owner_id for m in open_measures} == {owner}


def test_extend_offers_the_open_measures_and_records_the_extension(actions, session):
    ledger = session.ledger
    pid = ids_with(ledger, "in_progress", lambda f: "open" in f.measure_statuses)[0]
    actions.set_selection([pid])

    def fill(dialog):
        dialog.deadline.setText("2027年6月底前")
        dialog.reason.setPlainText("需要统筹年度预算")

    shown = answer(actions, fill)
    actions.action("extend").trigger()
    assert shown[0].measure.count() >= 1
    assert last_actions(ledger, pid) == ["measure.extend"]


def test_extend_explains_when_no_measure_is_open(actions, session):
    pid = ids_with(session.ledger, "long_term", lambda f: "open" not in f.measure_statuses)[0]
    actions.set_selection([pid])
    seen = explanations(actions)
    actions.action("extend").trigger()
    assert seen and "没有未完成的整改措施" in seen[0][1][0]


def test_request_closure_then_approve_through_the_actions(actions, session, tmp_path):
    ledger = session.ledger
    pid = ids_with(ledger, "in_progress", lambda f: "open" not in f.measure_statuses)[0]
    minutes = tmp_path / "会议纪要.pdf"
    minutes.write_bytes(b"%PDF-1.4")
    services.add_evidence(ledger, pid, minutes)
    actions.set_selection([pid])
    assert "当前不能执行" not in actions.action("request_closure").toolTip()

    answer(actions, lambda d: d.note.setPlainText("各项措施均已落实"))
    actions.action("request_closure").trigger()
    assert problem_row(ledger, pid)["status"] == "pending_closure"
    assert enabled(actions) == {"approve", "reject", "void"}

    answer(actions, lambda d: d.set_reviewer("纪检委员"))
    actions.action("approve").trigger()
    assert problem_row(ledger, pid)["status"] == "closed"
    assert last_actions(ledger, pid, 2) == ["problem.request_closure", "problem.approve"]


def test_long_term_and_back(actions, session):
    ledger = session.ledger
    pid = ids_with(
        ledger,
        "in_progress",
        lambda f: "open" not in f.measure_statuses and "long_term" in f.measure_statuses,
    )[0]
    actions.set_selection([pid])
    actions.action("set_long_term").trigger()
    assert problem_row(ledger, pid)["status"] == "long_term"
    assert "resume" in enabled(actions)
    actions.action("resume").trigger()
    assert problem_row(ledger, pid)["status"] == "in_progress"


def test_a_change_made_elsewhere_is_reflected(actions, session):
    ledger = session.ledger
    pid = ids_with(ledger, "pending_closure")[0]
    actions.set_selection([pid])
    assert actions.action("approve").isEnabled()
    session.perform(None, services.approve_closure, pid, "纪检委员")  # e.g. from the detail panel
    assert not actions.action("approve").isEnabled()
    assert actions.action("reopen").isEnabled()


def test_a_prompt_that_only_returns_the_reason_is_enough(actions, session):
    ledger = session.ledger
    pid = ids_with(ledger, "listed")[0]
    actions.set_selection([pid])
    actions.ask_reason = lambda title, explanation, **kw: "重复录入"
    actions.action("void").trigger()
    assert problem_row(ledger, pid)["status_reason"] == "重复录入"
    assert last_actions(ledger, pid) == ["problem.void"]
