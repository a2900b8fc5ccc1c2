"""申请销号 and 审核通过 from their dialogs: what is missing is listed; a reviewer who is responsible is warned."""

from __future__ import annotations

from tracker import journal, services
from tracker.models import Problem
from tracker.services.lookup import person_name, problem_facts, problem_row
from ui.dialogs.closure_dialogs import ApproveClosureDialog, RequestClosureDialog


def first(ledger, status: str, test) -> dict:
    """The first problem with `status` whose facts pass `test` (the demo is deterministic)."""
    rows = ledger.select(Problem).where(Problem.status == status).order_by(Problem.id).dicts()
    for row in rows:
        if test(problem_facts(ledger, row)):
            return row
    raise AssertionError(f"no {status} problem fits")


def actions(ledger, pid) -> list[str]:
    return [e.action for e in journal.entries(ledger.db, problem=pid)]


def test_request_closure_lists_what_is_missing_and_refuses(qtbot, session, message_boxes):
    ledger = session.ledger
    row = first(
        ledger, "in_progress", lambda f: "open" in f.measure_statuses and not f.evidence_count
    )
    dialog = RequestClosureDialog(session, row["id"])
    qtbot.addWidget(dialog)
    dialog.show()

    assert dialog.measures_check.text().startswith("✘")
    assert "未完成 0 项" not in dialog.measures_check.text()
    assert dialog.evidence_check.text() == "✘ 佐证材料：尚未上传"
    assert "还没有上传佐证材料" in dialog.blockers.text()
    assert "整改措施未完成" in dialog.blockers.text()
    dialog.note.setPlainText("已全部落实")
    assert not dialog.ok_button.isEnabled()
    assert "还没有上传佐证材料" in dialog.ok_button.toolTip()
    assert problem_row(ledger, row["id"])["status"] == "in_progress"


def test_request_closure_with_evidence_goes_to_pending(qtbot, session, message_boxes, tmp_path):
    ledger = session.ledger
    row = first(ledger, "in_progress", lambda f: "open" not in f.measure_statuses)
    minutes = tmp_path / "整改专题会议纪要.pdf"
    minutes.write_bytes(b"%PDF-1.4 minutes")
    services.add_evidence(ledger, row["id"], minutes)
    dialog = RequestClosureDialog(session, row["id"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.evidence_check.text() == "✔ 佐证材料：已上传 1 份"
    assert dialog.ok_button.isEnabled()

    dialog.accept()  # no 销号说明 yet
    assert dialog.isVisible()
    assert "销号说明" in message_boxes[-1][1]

    dialog.note.setPlainText("措施均已落实，建立了台账管理制度。")
    assert dialog.note_check.text().startswith("✔")
    dialog.accept()

    assert not dialog.isVisible()
    after = problem_row(ledger, row["id"])
    assert after["status"] == "pending_closure"
    assert after["closure_note"] == "措施均已落实，建立了台账管理制度。"
    assert after["applicant"] == "周晓梅"
    assert actions(ledger, row["id"])[-1] == "problem.request_closure"


def test_approving_as_the_responsible_leader_warns_but_closes(qtbot, session, message_boxes):
    ledger = session.ledger
    row = first(ledger, "pending_closure", lambda f: bool(f.responsible_names))
    reviewer = person_name(ledger, row["leader"])  # the 责任领导 reviewing their own problem
    assert reviewer
    dialog = ApproveClosureDialog(session, row["id"])
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.reviewer_name() == ""  # nobody is suggested by default
    assert not dialog.warning.isVisible()

    dialog.set_reviewer(reviewer)
    assert dialog.warning.isVisible()
    assert f"审核人“{reviewer}”同时是该问题的责任人" in dialog.warning.text()
    dialog.opinion.setPlainText("佐证材料齐全，同意销号。")
    dialog.accept()

    assert not dialog.isVisible()
    after = problem_row(ledger, row["id"])
    assert after["status"] == "closed"
    assert after["reviewer"] == reviewer
    assert after["review_opinion"] == "佐证材料齐全，同意销号。"
    assert after["closed_on"] == ledger.today()
    kind, title, text = message_boxes[-1]  # the service's own warning, shown after the action
    assert kind == "information" and "同时是该问题的责任人" in text
    assert actions(ledger, row["id"])[-1] == "problem.approve"


def test_approving_needs_a_reviewer(qtbot, session, message_boxes):
    ledger = session.ledger
    row = first(ledger, "pending_closure", lambda f: True)
    dialog = ApproveClosureDialog(session, row["id"])
    qtbot.addWidget(dialog)
    dialog.show()

    dialog.accept()

    assert dialog.isVisible()
    assert "审核人" in message_boxes[-1][1]
    assert problem_row(ledger, row["id"])["status"] == "pending_closure"


def test_an_independent_reviewer_gets_no_warning(qtbot, session, message_boxes):
    ledger = session.ledger
    row = first(ledger, "pending_closure", lambda f: "纪检委员" not in f.responsible_names)
    dialog = ApproveClosureDialog(session, row["id"])
    qtbot.addWidget(dialog)
    dialog.set_reviewer("纪检委员")
    assert dialog.warning.text() == ""
    dialog.accept()
    assert problem_row(ledger, row["id"])["status"] == "closed"
    assert message_boxes == []


def test_the_applicant_as_reviewer_is_asked_first_and_esc_keeps_it_pending(
    qtbot, session, message_boxes, monkeypatch
):
    ledger = session.ledger
    row = first(ledger, "pending_closure", lambda f: f.applicant.strip() != "")
    dialog = ApproveClosureDialog(session, row["id"])
    qtbot.addWidget(dialog)
    dialog.set_reviewer(row["applicant"])
    assert "就是申请销号的人" in dialog.warning.text()  # said before the click, in the dialog

    box, go = dialog.same_person_box()
    assert box.escapeButton() is box.defaultButton() is not go  # Esc and Enter both = 取消
    answers = iter([False, True])
    monkeypatch.setattr(ApproveClosureDialog, "confirm_same_person", lambda self: next(answers))
    dialog.accept()
    assert problem_row(ledger, row["id"])["status"] == "pending_closure"
    dialog.accept()
    closed = problem_row(ledger, row["id"])
    assert closed["status"] == "closed"
    assert closed["status_reason"].startswith("申请人与审核人为同一人")
