"""收取支部月报 as a committee office does it: a folder of reports, one of them edited, one from a
branch not yet on the list; the review says which and why, the user registers the new branch,
the honest reports go in and the 汇总 page shows the month."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from tests.tracker import workbooks
from tracker.exchange.branches import add_branch, branches, find_branch
from tracker.exchange.rollup import rollup
from tracker.models import ReceivedReport
from tracker.replay import verify
from ui.committee import collecting
from ui.committee.collecting import SummaryDialog
from ui.committee.detail_dialog import DetailDialog
from ui.committee.handkept_dialog import HandkeptDialog
from ui.committee.review_dialog import CollectReview

from .conftest import NAMES, copy, tamper_total


def capture(monkeypatch, cls, answer=None):
    """Replace `cls.exec` with `answer(dialog)` (default: close it) and remember each dialog."""
    seen = []

    def fake(self):
        seen.append(self)
        return answer(self) if answer else QDialog.DialogCode.Rejected

    monkeypatch.setattr(cls, "exec", fake)
    return seen


def test_a_folder_with_a_tampered_report_and_a_new_branch(
    qtbot, window, committee, reports, tmp_path, monkeypatch
):
    add_branch(committee, NAMES[0], "王敏", "0571-1")  # on the list, never reported yet
    inbox = tmp_path / "收件箱"
    copy(reports[NAMES[0]][1], inbox)
    cell = tamper_total(reports[NAMES[1]][1], inbox / "第二党支部11月.xlsx")
    copy(reports[NAMES[2]][1], inbox)
    monkeypatch.setattr(collecting, "choose_reports", lambda *a: [str(inbox)])
    shown = {}

    def review(dialog: CollectReview):
        shown["rows"] = {
            dialog.table.item(r, 1).text(): dialog.table.item(r, 3).text()
            for r in range(dialog.table.rowCount())
        }
        shown["details"] = dialog.details_text()
        shown["summary"] = dialog.summary.text()
        new_row = next(r for r, x in enumerate(dialog.incomings) if x.unit == NAMES[2])
        shown["checked_before"] = dialog.checks[new_row].isChecked()
        dialog.checks[new_row].setChecked(True)  # the user registers the new branch
        shown["after"] = dialog.table.item(new_row, 3).text()
        shown["button"] = dialog.accept_button.text()
        return QDialog.DialogCode.Accepted

    reviews = capture(monkeypatch, CollectReview, review)
    summaries = capture(monkeypatch, SummaryDialog)
    window.menu_actions["collect"].trigger()
    qtbot.waitUntil(lambda: bool(summaries), timeout=30000)

    assert len(reviews) == 1
    assert shown["rows"] == {
        NAMES[0]: "将收取（首次报送，登记签名）",
        NAMES[1]: "拒收",
        NAMES[2]: "新支部，请确认",
    }
    assert f"汇总 {cell}：报表为 49，生成时为" in shown["details"]  # the sheet and the cell
    assert "签名密钥指纹" in shown["details"] and "第一次报送" in shown["details"]
    assert "拒收 1 份" in shown["summary"] and "勾选“登记”后才收取" in shown["summary"]
    assert shown["checked_before"] is False  # registering is the user's decision
    assert shown["after"] == "将收取（登记新支部）" and shown["button"] == "收取（2 份）"

    summary = summaries[0]
    assert summary.headline.text() == "收取 2 份，拒收 1 份。"
    assert "第二党支部11月.xlsx" in summary.text.toPlainText()
    assert [b.name for b in branches(committee)] == [NAMES[0], NAMES[2]]
    assert all(b.bound for b in branches(committee))
    assert committee.select(ReceivedReport).count() == 2
    assert verify(committee).ok
    # the 汇总 page is shown, at the month received, with the two branches
    assert window.tabs.currentWidget() is window.rollup_tab
    page = window.rollup
    assert page.month.value() == (2026, 11)
    assert [page.table.item(r, 0).text() for r in range(page.table.rowCount())] == [
        NAMES[0],
        NAMES[2],
        "合计（2个支部）",
    ]


def test_escape_in_the_review_keeps_nothing_and_a_new_branch_left_unchecked_is_not_received(
    qtbot, committee_session, committee, reports, monkeypatch
):
    from ui.committee.rollup_page import RollupPage

    page = RollupPage(committee_session)
    qtbot.addWidget(page)

    def press_escape(dialog: CollectReview):
        dialog.show()
        assert not dialog.accept_button.isEnabled()  # only new branches, none registered
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        return dialog.result()

    reviews = capture(monkeypatch, CollectReview, press_escape)
    summaries = capture(monkeypatch, SummaryDialog)
    chosen = [str(reports[NAMES[0]][1]), str(reports[NAMES[1]][1])]
    monkeypatch.setattr(collecting, "choose_reports", lambda *a: chosen)
    page.collect_button.click()
    qtbot.waitUntil(lambda: bool(reviews), timeout=30000)
    qtbot.wait(200)
    assert reviews[0].result() == QDialog.DialogCode.Rejected
    assert committee.select(ReceivedReport).count() == 0
    assert not summaries and branches(committee) == []


def test_a_hand_kept_workbook_is_collected_for_a_branch_and_month_as_unverified(
    qtbot, window, committee, tmp_path, monkeypatch
):
    book = workbooks.official(tmp_path / "第五党支部台账.xlsx")

    def fill(dialog: HandkeptDialog):
        dialog.path.setText(str(book))
        dialog.branch.setEditText("第五党支部")  # not on the list: a new name
        assert dialog.month.set_value((2026, 11))
        dialog._accept()
        return dialog.result()

    capture(monkeypatch, HandkeptDialog, fill)
    shown = {}

    def review(dialog: CollectReview):
        shown["result"] = dialog.table.item(0, 3).text()
        dialog.checks[0].setChecked(True)
        shown["after"] = dialog.table.item(0, 3).text()
        shown["details"] = dialog.details_text()
        return QDialog.DialogCode.Accepted

    capture(monkeypatch, CollectReview, review)
    summaries = capture(monkeypatch, SummaryDialog)
    window.menu_actions["collect_handkept"].trigger()
    qtbot.waitUntil(lambda: bool(summaries), timeout=30000)

    assert shown["result"] == "新支部，请确认" and shown["after"] == "将收取（登记新支部）"
    assert "未校验" in shown["details"]
    assert summaries[0].headline.text() == "收取 1 份，拒收 0 份。"
    assert "（未校验）" in summaries[0].text.toPlainText()
    (line,) = rollup(committee, 2026, 11).lines
    assert line.branch.name == "第五党支部" and not line.verified and line.line["problems"] > 0
    assert find_branch(committee, "第五党支部").bound is False  # a name only, no key
    page = window.rollup
    check = page.table.item(0, 12)
    assert check.text() == "未校验（手工台账）"
    assert check.foreground().color().name() == "#a15c00"  # amber
    # its detail is the workbook as it came: the heading row found under the title lines,
    # dates shown as dates
    details = capture(monkeypatch, DetailDialog)
    page.table.cellDoubleClicked.emit(0, 0)
    qtbot.waitUntil(lambda: bool(details), timeout=10000)
    model = details[0].model
    assert model.headings[:2] == ["序号", "问题来源"] and "未校验" in details[0].header.text()
    cells = [model.data(model.index(r, c)) for r in range(model.rowCount()) for c in range(16)]
    assert "2025-12-31" in cells


def test_the_hand_kept_dialog_names_what_is_missing(qtbot, committee, message_boxes):
    dialog = HandkeptDialog(["第一党支部"], committee.today())
    qtbot.addWidget(dialog)
    dialog._accept()
    assert message_boxes[-1][1] == "“台账文件”填写有误" and not dialog.result()
    dialog.path.setText("/tmp/x.xlsx")
    dialog._accept()
    assert message_boxes[-1][1] == "“支部”填写有误"
    assert dialog.month.value() == (2026, 11)  # this month unless told otherwise
    assert not dialog.month.set_value((2026, 12))  # a month still to come is not offered


def test_a_file_that_fails_while_kept_stops_nothing_and_cancel_keeps_what_is_in(
    committee, reports, tmp_path
):
    from ui.committee import jobs

    inbox = tmp_path / "收件箱"
    paths = [copy(reports[name][1], inbox) for name in NAMES]
    checked = jobs.inspect_files(committee, [str(inbox)])
    assert [x.ok for x in checked] == [True, True, True]
    paths[0].unlink()  # gone between the check and 收取
    outcome = jobs.receive_files(committee, checked)
    assert len(outcome.failed) == 1 and len(outcome.received) == 2
    assert outcome.failed[0][0].path == paths[0]

    again = jobs.inspect_files(committee, [str(p) for p in paths[1:]])
    answers = iter([True, False])
    outcome = jobs.receive_files(committee, again, lambda done, total: next(answers, False))
    assert len(outcome.received) == 1 and len(outcome.skipped) == 1
    assert "已由这一份替换" in outcome.warnings[0]


def test_a_committees_ledger_opens_on_the_rollup_tab(qtbot, tmp_path, collected):
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow

    win = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), actor="沈卫红")
    qtbot.addWidget(win)
    win.session.open(collected)
    assert win.tabs.currentWidget() is win.rollup_tab
    win.session.ledger = None


def test_the_menu_entries_follow_a_read_only_ledger(window, committee):
    assert window.menu_actions["collect"].isEnabled()
    committee.read_only = True
    try:
        window._update_enabled()
        assert not window.menu_actions["collect"].isEnabled()
        assert not window.menu_actions["collect_handkept"].isEnabled()
        assert window.menu_actions["branches"].isEnabled()  # the list can still be read
    finally:
        committee.read_only = False
