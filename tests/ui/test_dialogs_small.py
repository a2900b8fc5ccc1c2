"""The small dialogs: a reason that must be written, 延期 of one measure, 批量修改, 新建台账."""

from __future__ import annotations

import datetime as dt

from tracker import journal
from tracker.models import Extension, Measure, Problem
from tracker.services.dictionaries import find_term
from tracker.services.lookup import measure_row, problem_row
from ui.dialogs.bulk_edit_dialog import BulkEditDialog
from ui.dialogs.extend_dialog import ExtendDialog
from ui.dialogs.new_ledger_dialog import NewLedgerDialog
from ui.dialogs.reason_dialog import ReasonDialog


def open_measures(ledger, pid) -> list[dict]:
    query = ledger.select(Measure).where((Measure.problem == pid) & (Measure.status == "open"))
    return list(query.order_by(Measure.seq).dicts())


def problems_with_open_measures(ledger, n: int) -> list[int]:
    rows = ledger.select(Problem, Problem.id).where(Problem.status == "in_progress")
    ids = [pid for (pid,) in rows.order_by(Problem.id).tuples()]
    return [pid for pid in ids if open_measures(ledger, pid)][:n]


# -- the reason --------------------------------------------------------------------------------
def test_a_reason_must_be_written_before_ok(qtbot):
    given = []
    dialog = ReasonDialog(
        None, "驳回销号申请", "说明", label="驳回理由", submit=lambda r: given.append(r) or True
    )
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.set_reason("   \n ")
    assert not dialog.ok_button.isEnabled()
    dialog.accept()  # Enter with nothing written does nothing
    assert given == [] and dialog.result() == 0

    dialog.set_reason("佐证材料不全")
    assert dialog.ok_button.isEnabled()
    dialog.accept()
    assert given == ["佐证材料不全"] and dialog.result() == dialog.DialogCode.Accepted


def test_a_refused_reason_keeps_the_dialog_and_the_text(qtbot):
    dialog = ReasonDialog(None, "作废问题", "说明", submit=lambda r: False)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.set_reason("重复录入")
    dialog.accept()
    assert dialog.isVisible() and dialog.reason() == "重复录入"


# -- 延期 ----------------------------------------------------------------------------------------
def test_extending_a_measure_records_old_and_new_deadline(qtbot, session, message_boxes):
    ledger = session.ledger
    pid = problems_with_open_measures(ledger, 1)[0]
    measure = open_measures(ledger, pid)[0]
    dialog = ExtendDialog(session, pid)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.current.text().startswith(measure["deadline_text"])

    dialog.deadline.setText("2027年3月底前")
    assert "2027年3月31日" in dialog.deadline.reading.text()
    dialog.accept()  # no reason yet
    assert dialog.isVisible() and "延期理由" in message_boxes[-1][1]

    dialog.reason.setPlainText("涉及上级审批，需等待批复")
    dialog.accept()

    assert not dialog.isVisible()
    after = measure_row(ledger, measure["id"])
    assert after["deadline_text"] == "2027年3月底前"
    assert after["deadline_date"] == dt.date(2027, 3, 31)
    ext = ledger.select(Extension).where(Extension.measure == measure["id"]).dicts().first()
    assert (
        ext["old_text"] == measure["deadline_text"] and ext["reason"] == "涉及上级审批，需等待批复"
    )
    assert [e.action for e in journal.entries(ledger.db, problem=pid)][-1] == "measure.extend"


def test_an_earlier_deadline_is_refused_and_the_dialog_stays(qtbot, session, message_boxes):
    ledger = session.ledger
    pid = problems_with_open_measures(ledger, 1)[0]
    dialog = ExtendDialog(session, pid)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.deadline.setText("2020年1月1日")
    dialog.reason.setPlainText("工作量大")
    dialog.accept()
    assert dialog.isVisible()
    assert "新期限" in message_boxes[-1][1] and "晚于原期限" in message_boxes[-1][2]
    assert dialog.deadline.text() == "2020年1月1日"


# -- 批量修改 ------------------------------------------------------------------------------------
def test_bulk_edit_sets_the_owner_of_open_measures_on_three_problems(qtbot, session, message_boxes):
    ledger = session.ledger
    ids = problems_with_open_measures(ledger, 3)
    done_before = {
        m["id"]: m["owner"]
        for pid in ids
        for m in ledger.select(Measure)
        .where((Measure.problem == pid) & (Measure.status != "open"))
        .dicts()
    }
    owner = find_term(ledger, "person", "蒋春兰")
    dialog = BulkEditDialog(session, ids)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.editors["owner"].isEnabled()

    dialog.set_field("owner", owner)
    assert dialog.editors["owner"].isEnabled()
    dialog.accept()

    assert not dialog.isVisible()
    for pid in ids:
        assert {m["owner"] for m in open_measures(ledger, pid)} == {owner}
        entries = list(journal.entries(ledger.db, problem=pid))
        assert entries[-1].action == "problem.bulk_edit"
    for mid, was in done_before.items():
        assert measure_row(ledger, mid)["owner"] == was  # finished measures keep their owner


def test_bulk_edit_needs_something_ticked(qtbot, session, message_boxes):
    ids = problems_with_open_measures(session.ledger, 2)
    dialog = BulkEditDialog(session, ids)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert dialog.isVisible() and "批量修改" in message_boxes[-1][1]


def test_bulk_edit_skips_closed_problems_and_says_so(qtbot, session, message_boxes):
    ledger = session.ledger
    editable = problems_with_open_measures(ledger, 1)
    closed = ledger.select(Problem).where(Problem.status == "closed").first()
    dialog = BulkEditDialog(session, editable + [closed.id])
    qtbot.addWidget(dialog)
    assert "其中 1 个问题" in dialog.intro.text()
    dialog.set_field("category", find_term(ledger, "category", "纪律建设"))
    dialog.accept()
    assert problem_row(ledger, editable[0])["category"] == find_term(ledger, "category", "纪律建设")
    assert problem_row(ledger, closed.id)["category"] == closed.category_id
    assert any("已跳过" in text and closed.code in text for _, _, text in message_boxes)


# -- 新建台账 ------------------------------------------------------------------------------------
def test_new_ledger_dialog_returns_what_the_caller_needs(qtbot, tmp_path, message_boxes):
    location = tmp_path / "我的台账.db"
    dialog = NewLedgerDialog(location=str(location), user_name="王敏")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert dialog.isVisible() and "单位名称" in message_boxes[-1][1]

    dialog.unit_name.setText("市直机关第一党支部")
    dialog.contact_phone.setText("0571-88886666")
    dialog.accept()

    assert not dialog.isVisible()
    assert dialog.values() == {
        "unit_name": "市直机关第一党支部",
        "contact_person": "",
        "contact_phone": "0571-88886666",
        "user_name": "王敏",
        "location": str(location),
    }


def test_new_ledger_refuses_a_file_that_exists(qtbot, tmp_path, message_boxes):
    taken = tmp_path / "ledger.db"
    taken.write_bytes(b"x")
    dialog = NewLedgerDialog(location=str(taken), user_name="王敏")
    qtbot.addWidget(dialog)
    dialog.unit_name.setText("某党支部")
    dialog.accept()
    assert dialog.result() == 0 and "文件位置" in message_boxes[-1][1]

    dialog.choose_location = lambda current: str(tmp_path / "新台账")
    dialog.browse.click()
    assert dialog.location.text() == str(tmp_path / "新台账.db")
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
