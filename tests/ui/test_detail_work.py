"""整改进展 and 佐证材料: recording what was done and attaching the files that prove it."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from tests.ui.helpers import first
from tracker import services
from tracker.history import problem_history
from tracker.models import Evidence, Measure, Problem, Progress
from ui.panels.detail import evidence_tab


def code(ledger, pid: int) -> str:
    return ledger.select(Problem, Problem.code).where(Problem.id == pid).scalar()


def evidence_rows(tab) -> list[list[str]]:
    tree = tab.tree
    return [
        [tree.topLevelItem(i).text(c) for c in range(tree.columnCount())]
        for i in range(tree.topLevelItemCount())
    ]


@pytest.fixture
def minutes(tmp_path):
    path = tmp_path / "专题会议纪要.txt"
    path.write_text("2026年11月专题会议纪要：研究整改措施落实情况。", encoding="utf-8")
    return path


# -- 整改进展 ----------------------------------------------------------------------------------------
def test_adding_progress_puts_it_at_the_top_of_the_timeline(qtbot, panel, session):
    ledger = session.ledger
    pid = first(ledger, "listed")  # work on a listed problem starts its rectification
    panel.show_problem(pid)
    tab = panel.progress
    assert tab.form.isEnabled() and not tab.add_button.isEnabled()
    mid = tab.measure.currentData()
    tab.date.setDate(dt.date(2026, 11, 18))
    tab.text.setPlainText("已召开专题会议，修订印发会议管理办法")
    qtbot.mouseClick(tab.add_button, Qt.MouseButton.LeftButton)

    entry = tab.entries[0]
    assert entry.text == "已召开专题会议，修订印发会议管理办法"
    assert entry.on == dt.date(2026, 11, 18) and entry.author == "周晓梅"
    timeline = tab.timeline.toPlainText()
    assert timeline.strip().startswith("2026年11月18日")
    assert "已召开专题会议，修订印发会议管理办法" in timeline
    assert tab.text.toPlainText() == ""
    row = ledger.select(Progress).where(Progress.measure == mid).dicts().first()
    assert row["text"] == "已召开专题会议，修订印发会议管理办法"
    assert panel.status.text() == "整改中"
    assert "问题·状态：挂账 → 整改中" in problem_history(ledger, pid)[-1].lines


def test_progress_cannot_be_dated_in_the_future(panel, session):
    panel.show_problem(first(session.ledger, "in_progress"))
    assert panel.progress.date.maximumDate().toPython() == dt.date(2026, 11, 21)


def test_a_closed_problem_takes_no_more_progress(panel, session):
    panel.show_problem(first(session.ledger, "closed"))
    assert not panel.progress.form.isEnabled()
    assert "已销号" in panel.progress.notice.text()
    assert panel.progress.entries  # its history still shows


def test_progress_lists_only_measures_that_are_not_void(panel, session):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    mid = ledger.select(Measure, Measure.id).where(Measure.problem == pid).scalar()
    services.void_measure(ledger, mid, "重复")
    panel.show_problem(pid)
    offered = [panel.progress.measure.itemData(i) for i in range(panel.progress.measure.count())]
    assert mid not in offered and offered


# -- 佐证材料 ----------------------------------------------------------------------------------------
def test_adding_a_file_lists_it_with_its_hash(panel, session, minutes, monkeypatch):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    monkeypatch.setattr(evidence_tab, "choose_files", lambda parent: [str(minutes)])
    panel.show_problem(pid)
    tab = panel.evidence
    tab.add_from_dialog()

    stored = ledger.select(Evidence).where(Evidence.problem == pid).dicts().first()
    rows = evidence_rows(tab)
    assert rows[-1][0] == "专题会议纪要.txt"
    assert rows[-1][2] == "周晓梅" and rows[-1][3] == "2026年11月21日 10:00"
    assert rows[-1][5] == stored["sha256"][:12] + "…"
    item = tab.tree.topLevelItem(tab.tree.topLevelItemCount() - 1)
    assert stored["sha256"] in item.toolTip(5)
    assert not tab.banner.isVisibleTo(panel.evidence)
    assert services.evidence_file(ledger, stored["sha256"], stored["name"]).exists()


def test_the_same_file_on_a_second_problem_raises_the_banner(
    panel, session, minutes, monkeypatch, message_boxes
):
    ledger = session.ledger
    first_pid, second_pid = [
        pid
        for (pid,) in ledger.select(Problem, Problem.id)
        .where(Problem.status == "in_progress")
        .order_by(Problem.id)
        .limit(2)
        .tuples()
    ]
    services.add_evidence(ledger, first_pid, minutes)
    copy = minutes.with_name("会议纪要（另存）.txt")  # renamed, same content
    copy.write_bytes(minutes.read_bytes())
    monkeypatch.setattr(evidence_tab, "choose_files", lambda parent: [str(copy)])
    panel.show_problem(second_pid)
    panel.evidence.add_from_dialog()

    banner = panel.evidence.banner
    assert banner.isVisibleTo(panel.evidence)
    assert code(ledger, first_pid) in banner.text() and "纸面销号" in banner.text()
    assert any("纸面销号" in text for _, _, text in message_boxes)  # the service's warning too
    assert code(ledger, first_pid) in evidence_rows(panel.evidence)[-1][6]


def test_dropping_files_onto_the_tab_adds_them(panel, session, minutes, tmp_path):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    panel.show_problem(pid)
    panel.tabs.setCurrentWidget(panel.evidence)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(minutes)), QUrl.fromLocalFile(str(photo))])
    rest = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    # Offscreen Qt delivers no synthetic drops without a drag in progress: call the handlers.
    enter = QDragEnterEvent(QPoint(20, 20), *rest)  # QPoint here, QPointF for the drop
    panel.evidence.dragEnterEvent(enter)
    assert enter.isAccepted() and "松开" in panel.evidence.hint.text()
    panel.evidence.dropEvent(QDropEvent(QPointF(20, 20), *rest))
    names = [row[0] for row in evidence_rows(panel.evidence)]
    assert names[-2:] == ["专题会议纪要.txt", "现场照片.jpg"]
    assert ledger.select(Evidence).where(Evidence.problem == pid).count() == 2


def test_evidence_can_be_tied_to_a_measure(panel, session, minutes, monkeypatch):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    monkeypatch.setattr(evidence_tab, "choose_files", lambda parent: [str(minutes)])
    panel.show_problem(pid)
    tab = panel.evidence
    tab.measure.setCurrentIndex(1)
    mid = tab.measure.currentData()
    tab.add_from_dialog()
    seq = ledger.select(Measure, Measure.seq).where(Measure.id == mid).scalar()
    assert evidence_rows(tab)[-1][4] == f"措施 {seq}"
    assert ledger.select(Evidence, Evidence.measure).where(Evidence.problem == pid).scalar() == mid


def test_removing_a_file_keeps_it_listed_grey_with_the_reason(panel, session, minutes, monkeypatch):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    services.add_evidence(ledger, pid, minutes)
    monkeypatch.setattr(evidence_tab, "ask_reason", lambda *a: "上传错了文件")
    panel.show_problem(pid)
    tab = panel.evidence
    tab.tree.setCurrentItem(tab.tree.topLevelItem(0))
    assert tab.remove_button.isEnabled()
    tab.remove_current()
    assert evidence_rows(tab)[0][6] == "已移除：上传错了文件"
    assert tab.tree.topLevelItem(0).foreground(0).color().name() == "#8a8f98"
    row = ledger.select(Evidence).where(Evidence.problem == pid).dicts().first()
    assert not row["active"] and row["removed_reason"] == "上传错了文件"
    assert not tab.remove_button.isEnabled()  # already removed


def test_open_hands_the_stored_file_to_the_system(panel, session, minutes, monkeypatch):
    ledger = session.ledger
    pid = first(ledger, "in_progress")
    services.add_evidence(ledger, pid, minutes)
    opened = []
    monkeypatch.setattr(evidence_tab, "open_path", lambda path: opened.append(path) or True)
    panel.show_problem(pid)
    panel.evidence.tree.setCurrentItem(panel.evidence.tree.topLevelItem(0))
    panel.evidence.open_current()
    assert len(opened) == 1 and opened[0].suffix == ".txt"
    assert opened[0].read_bytes() == minutes.read_bytes()


def test_a_closed_problems_evidence_can_be_opened_but_not_changed(panel, session):
    panel.show_problem(first(session.ledger, "closed"))
    tab = panel.evidence
    tab.tree.setCurrentItem(tab.tree.topLevelItem(0))
    assert tab.open_button.isEnabled()
    assert not tab.add_button.isEnabled() and not tab.remove_button.isEnabled()
    assert "已销号" in tab.notice.text()
