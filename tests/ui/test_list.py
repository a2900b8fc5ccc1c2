"""The ledger list as a secretary reads it: why a row matched, copying rows, the selection kept,
the whole length in the scroll bar, the first steps on an empty ledger."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from tracker import services
from tracker.ledger import create_ledger
from tracker.models import Measure, Problem
from tracker.queries import Filter, problem_ids
from ui.highlight import MARK, _pieces
from ui.ledger_model import COLUMNS, MATCH_COLUMN

from .helpers import main_window

COL = {key: i for i, (_, key, _) in enumerate(COLUMNS)}


@pytest.fixture
def window(qtbot, tmp_path, demo_ledger, message_boxes):
    """The program over the demo ledger on a 1366×768 office laptop."""
    demo_ledger.close()
    win = main_window(qtbot, tmp_path, demo_ledger.location)
    win.resize(1366, 768)
    win.show()
    yield win
    win.close()


def settled() -> None:
    from ui.background import wait_for_reads

    wait_for_reads()
    QApplication.processEvents()


def search(qtbot, page, term: str) -> None:
    page.filters.search.setText(term)
    qtbot.waitUntil(lambda: page.model.filter.search == term, timeout=5000)
    settled()


def marked_pixels(page, row: int) -> int:
    """How many pixels of the row are painted in the highlight colour."""
    image = page.table.viewport().grab().toImage()
    top = page.table.rowViewportPosition(row)
    height = page.table.rowHeight(row)
    return sum(
        1
        for y in range(top, min(top + height, image.height()))
        for x in range(0, image.width(), 2)
        if image.pixelColor(x, y).name() == MARK.name()
    )


# -- why a row is there ---------------------------------------------------------------------------
def test_the_search_term_is_marked_in_the_row(qtbot, window):
    page = window.ledger_page
    term = page.model.problem(0).description[2:4]
    assert marked_pixels(page, 0) == 0
    search(qtbot, page, term)
    row = next(r for r in range(page.model.rowCount()) if term in page.model.problem(r).description)
    page.table.scrollTo(page.model.index(row, 0))
    assert marked_pixels(page, row) > 20


def test_a_row_matched_out_of_sight_says_where(qtbot, window):
    page = window.ledger_page
    ledger = window.session.ledger
    pid = ledger.select(Problem, Problem.id).where(Problem.status == "in_progress").scalar()
    mid = ledger.select(Measure, Measure.id).where(Measure.problem == pid).scalar()
    window.session.perform(
        window, services.update_measure, mid, text="组织青年干部赴乡村振兴点蹲点"
    )
    assert page.table.isColumnHidden(MATCH_COLUMN)
    search(qtbot, page, "蹲点")
    assert not page.table.isColumnHidden(MATCH_COLUMN)
    row = page.model.position(pid)
    note = page.model.index(row, MATCH_COLUMN).data()
    assert note.startswith("措施 ") and "蹲点" in note
    assert marked_pixels(page, row) > 0  # the note's match is marked too
    page.filters.search.clear()
    qtbot.waitUntil(lambda: page.model.filter.search == "", timeout=5000)
    settled()
    assert page.table.isColumnHidden(MATCH_COLUMN)


def test_the_department_filter_says_it_includes_measures_and_names_them(qtbot, window):
    page = window.ledger_page
    page.filters.more.setChecked(True)
    captions = [c.text() for c in page.filters.captions]
    assert captions == ["责任部门（含措施）：", "责任人（含措施）："]
    ledger = window.session.ledger
    # a problem listed only through one of its measures' departments
    departments = ledger.select(Measure, Measure.department).distinct().tuples()
    for dept_id in [d for (d,) in departments if d]:
        ids = problem_ids(ledger, Filter(department=dept_id))
        through = [
            pid
            for pid in ids
            if ledger.select(Problem, Problem.department).where(Problem.id == pid).scalar()
            != dept_id
        ]
        if through:
            break
    else:
        pytest.skip("the demo has no problem matched through a measure only")
    combo = page.filters.combos["department"]
    combo.set_value(dept_id)
    qtbot.waitUntil(lambda: page.model.filter.department == dept_id, timeout=5000)
    settled()
    assert not page.table.isColumnHidden(MATCH_COLUMN)
    row = page.model.position(through[0])
    note = page.model.index(row, MATCH_COLUMN).data()
    assert "责任部门：" + combo.currentText() in note
    shown = page.model.index(row, COL["department"]).data()
    assert shown != combo.currentText()


def test_highlight_pieces():
    assert _pieces("开展调研不深入", [(2, 4)]) == [
        ("开展", False),
        ("调研", True),
        ("不深入", False),
    ]
    assert _pieces("开展调", [(2, 4)]) == [("开展", False), ("调", True)]  # cut by the "…"
    assert _pieces("开展", [(5, 7)]) == [("开展", False)]


# -- copying ---------------------------------------------------------------------------------------
def test_ctrl_c_copies_the_selected_rows_with_a_header(qtbot, window):
    page = window.ledger_page
    page.table.setFocus()
    page.table.selectRow(0)
    page.table.selectionModel().select(
        page.model.index(2, 0),
        page.table.selectionModel().SelectionFlag.Select
        | page.table.selectionModel().SelectionFlag.Rows,
    )
    qtbot.keyClick(page.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QApplication.clipboard().text().splitlines()
    assert len(lines) == 3
    header = lines[0].split("\t")
    assert header[:2] == ["编号", "问题描述"] and "匹配之处" not in header  # hidden: left out
    assert len(header) == len(COLUMNS) - 1
    first = lines[1].split("\t")
    assert first[0] == page.model.problem(0).code
    assert lines[2].split("\t")[0] == page.model.problem(2).code
    assert all(len(line.split("\t")) == len(header) for line in lines)
    assert "已复制 2 行" in page.count.text()


def test_copied_values_keep_to_their_cells(qtbot, window):
    page = window.ledger_page
    ledger = window.session.ledger
    pid = ledger.select(Problem, Problem.id).where(Problem.status == "in_progress").scalar()
    window.session.perform(
        window, services.update_problem, pid, description="第一行\t有制表符\n第二行"
    )
    page.table.selectRow(page.model.position(pid))
    page.copy_selected()
    line = QApplication.clipboard().text().splitlines()[1].split("\t")
    assert line[1] == "第一行 有制表符 第二行"


# -- the selection through a sort or a filter ------------------------------------------------------
def test_the_shown_problem_stays_selected_after_a_sort(window):
    page = window.ledger_page
    page.table.selectRow(3)
    pid = page.selected_ids()[0]
    assert page.detail.problem_id == pid
    page.table.sortByColumn(COL["deadline"], Qt.SortOrder.DescendingOrder)
    assert page.selected_ids() == [pid]
    assert page.detail.problem_id == pid


def test_a_filter_that_drops_the_shown_problem_shows_nothing(qtbot, window, settle):
    page = window.ledger_page
    ledger = window.session.ledger
    closed = ledger.select(Problem, Problem.id).where(Problem.status == "closed").scalar()
    assert page.select_problem(closed)
    assert page.detail.problem_id == closed
    page.views.select_key("view:overdue")  # a closed problem is never overdue
    settle()
    assert page.selected_ids() == []
    assert page.detail.problem_id is None
    assert page.detail.stack.currentIndex() == 0  # 请选择一个问题, not another's details


def test_a_search_keeps_the_shown_problem_when_it_still_matches(qtbot, window):
    page = window.ledger_page
    page.table.selectRow(1)
    row = page.model.problem(1)
    search(qtbot, page, row.code)
    assert page.selected_ids() == [row.id] and page.detail.problem_id == row.id


# -- the whole length at once ----------------------------------------------------------------------
def test_the_scroll_bar_covers_every_row_at_once(qtbot, tmp_path, monkeypatch, settle):
    from tracker.demo import build_demo

    monkeypatch.setattr("ui.ledger_model.PAGE", 20)
    build_demo(tmp_path / "d.db", problems=300, seed=5).close()
    win = main_window(qtbot, tmp_path, tmp_path / "d.db")
    win.resize(1366, 768)
    win.show()
    settle()
    page = win.ledger_page
    total = page.model.total
    assert page.model.rowCount() == total > 200
    bar = page.table.verticalScrollBar()
    bar.setValue(bar.maximum())  # dragged to the bottom
    QApplication.processEvents()
    last = page.table.rowAt(page.table.viewport().height() - 2)
    assert last == total - 1
    assert page.model.index(last, COL["code"]).data() == page.model.problem(total - 1).code
    assert "共 " in page.count.text() and str(total) in page.count.text()


# -- an empty ledger --------------------------------------------------------------------------------
def test_an_empty_ledger_shows_the_first_steps_until_a_problem_exists(
    qtbot, tmp_path, monkeypatch, message_boxes
):
    create_ledger(tmp_path / "e.db", unit_name="第一党支部", actor="王敏").close()
    win = main_window(qtbot, tmp_path, tmp_path / "e.db")
    page = win.ledger_page
    assert page.list_area.currentWidget() is page.empty
    title = page.empty.findChildren(QLabel)[0]
    assert title.text() == "这个台账里还没有问题" and "font-size" in title.styleSheet()
    buttons = page.empty.buttons
    assert [b.text() for b in buttons.values()] == ["新建问题…", "从Excel导入…", "名录…"]
    opened = []
    monkeypatch.setattr(win, "open_settings", lambda tab=None: opened.append(tab))
    buttons["directory"].click()
    assert opened == ["名录"]
    shown = []
    monkeypatch.setattr(
        "ui.dialogs.problem_dialog.NewProblemDialog.exec", lambda dialog: shown.append(dialog)
    )
    buttons["new_problem"].click()  # 新建问题… opens the dialog
    assert len(shown) == 1
    win.session.perform(None, services.create_problem, description="会议多")
    assert page.list_area.currentWidget() is page.table


def test_a_read_only_empty_ledger_offers_no_writing_steps(qtbot, tmp_path):
    create_ledger(tmp_path / "e.db", unit_name="第一党支部", actor="王敏").close()
    first = main_window(qtbot, tmp_path, tmp_path / "e.db")
    second = main_window(qtbot, tmp_path, tmp_path / "e.db")  # the lock is held: read-only
    page = second.ledger_page
    assert second.session.read_only
    assert not page.empty.buttons["new_problem"].isEnabled()
    assert page.empty.buttons["directory"].isEnabled()
    assert not page.empty.read_only_note.isHidden()
    first.close()


def test_opening_the_filters_does_not_widen_the_window(qtbot, window):
    page = window.ledger_page
    before = page.filters.minimumSizeHint().width()
    page.filters.more.setChecked(True)
    QApplication.processEvents()
    assert page.filters.minimumSizeHint().width() <= max(before, 560)
    assert window.width() <= 1366
