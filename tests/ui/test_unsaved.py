"""Unsaved edits: 保存 / 不保存 / 取消 before leaving a form, Esc = 取消, and Ctrl+S saves."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialog

from tests.ui.helpers import answer_box, first, problem
from tracker.models import Measure
from ui.main_window import MainWindow


def forget_edits(win: MainWindow) -> None:
    detail = win.ledger_page.detail
    if detail.__dict__.get("_built"):
        detail.basic.revert()


def open_window(qtbot, tmp_path, demo_ledger) -> MainWindow:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings, actor="周晓梅")
    qtbot.addWidget(win, before_close_func=forget_edits)  # else closing it would ask
    location = demo_ledger.location
    demo_ledger.close()
    win.open_location(location, synchronous=True)
    win.resize(1366, 768)
    win.show()
    return win


def edit_remarks(win: MainWindow, text: str) -> int:
    """Select an editable problem and type into its 备注 without saving."""
    pid = first(win.session.ledger, "in_progress")
    win.show_problem(pid)
    page = win.ledger_page
    page.detail.tabs.setCurrentWidget(page.detail.basic)
    page.detail.basic.texts["remarks"].setPlainText(text)
    return pid


def another_row(page, pid: int) -> int:
    return next(r for r in range(page.model.rowCount()) if page.model.id_at(r) != pid)


def test_escape_on_switching_rows_keeps_the_edit_and_the_row(qtbot, tmp_path, demo_ledger):
    win = open_window(qtbot, tmp_path, demo_ledger)
    page = win.ledger_page
    pid = edit_remarks(win, "还没写完的备注")
    answer_box(qtbot, key=Qt.Key.Key_Escape)
    page.table.selectRow(another_row(page, pid))
    qtbot.waitUntil(lambda: page.selected_ids() == [pid], timeout=3000)
    assert page.detail.problem_id == pid
    assert page.detail.basic.texts["remarks"].toPlainText() == "还没写完的备注"
    assert problem(win.session.ledger, pid)["remarks"] != "还没写完的备注"


def test_not_saving_drops_the_edit_and_moves_on(qtbot, tmp_path, demo_ledger):
    win = open_window(qtbot, tmp_path, demo_ledger)
    page = win.ledger_page
    pid = edit_remarks(win, "不要了的备注")
    answer_box(qtbot, button="不保存")
    page.table.selectRow(another_row(page, pid))
    other = page.selected_ids()[0]
    assert other != pid and page.detail.problem_id == other
    assert problem(win.session.ledger, pid)["remarks"] != "不要了的备注"
    assert not page.detail.basic.is_dirty()


def test_closing_the_window_offers_save_and_escape_keeps_it_open(qtbot, tmp_path, demo_ledger):
    win = open_window(qtbot, tmp_path, demo_ledger)
    pid = edit_remarks(win, "关窗前的备注")
    seen: list[str] = []
    answer_box(qtbot, key=Qt.Key.Key_Escape, seen=seen)
    assert not win.close()
    assert win.isVisible() and "未保存的修改（备注）" in seen[0]
    answer_box(qtbot, button="保存")
    ledger = win.session.ledger
    saved = []
    win.session.closed.connect(lambda: saved.append(problem(ledger, pid)["remarks"]))
    assert win.close()
    assert saved == ["关窗前的备注"]


def test_the_question_defaults_to_save(qtbot, tmp_path, demo_ledger):
    win = open_window(qtbot, tmp_path, demo_ledger)
    edit_remarks(win, "回车即保存")
    defaults: list[str] = []

    def look():
        box = QApplication.activeModalWidget()
        if box is None:
            QTimer.singleShot(20, look)
            return
        defaults.append(box.defaultButton().text())
        box.escapeButton().click()

    QTimer.singleShot(0, look)
    win.ledger_page.detail.maybe_save()
    assert defaults == ["保存"]


def test_ctrl_s_saves_the_basic_form(qtbot, tmp_path, demo_ledger):
    win = open_window(qtbot, tmp_path, demo_ledger)
    page = win.ledger_page
    pid = edit_remarks(win, "按 Ctrl+S 保存的备注")
    page.detail.basic.texts["remarks"].setFocus()
    assert win.menu_actions["save"].shortcut() == QKeySequence(QKeySequence.StandardKey.Save)
    win.menu_actions["save"].trigger()
    assert problem(win.session.ledger, pid)["remarks"] == "按 Ctrl+S 保存的备注"
    assert not page.detail.basic.is_dirty()


def test_ctrl_s_with_nothing_to_save_says_so(qtbot, tmp_path, demo_ledger):
    win = open_window(qtbot, tmp_path, demo_ledger)
    win.ledger_page.table.selectRow(0)
    win.menu_actions["save"].trigger()
    assert win.statusBar().currentMessage() == "没有需要保存的修改"


def test_ctrl_s_in_the_new_measure_dialog_adds_it(qtbot, tmp_path, demo_ledger, monkeypatch):
    from ui.panels.detail.measure_dialog import MeasureDialog

    win = open_window(qtbot, tmp_path, demo_ledger)
    ledger = win.session.ledger
    pid = first(ledger, "in_progress")
    win.show_problem(pid)
    before = ledger.select(Measure).where(Measure.problem == pid).count()
    results: list[int] = []

    def type_and_save():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, MeasureDialog):
            QTimer.singleShot(20, type_and_save)
            return
        dialog.text.setPlainText("每月通报一次整改进度")
        dialog.text.setFocus()
        QApplication.processEvents()
        qtbot.keyClick(dialog.text, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        results.append(dialog.result())

    QTimer.singleShot(0, type_and_save)
    win.ledger_page.detail.measures.add()
    assert results == [QDialog.DialogCode.Accepted]
    assert ledger.select(Measure).where(Measure.problem == pid).count() == before + 1


def test_which_buttons_ctrl_s_presses(qtbot):
    from PySide6.QtWidgets import QPushButton

    from ui.unsaved import is_save_button, mark_save_button

    assert is_save_button(QPushButton("保存"))
    assert is_save_button(QPushButton("保存（挂账）"))  # the new-problem dialog
    assert not is_save_button(QPushButton("保存当前筛选为视图…"))  # opens a dialog instead
    assert not is_save_button(QPushButton("添加"))
    assert is_save_button(mark_save_button(QPushButton("添加")))
