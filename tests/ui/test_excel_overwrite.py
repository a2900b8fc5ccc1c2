"""Exporting over a file from the menu: the program's own workbook is replaced, anyone else's only
after 覆盖 (Esc means 取消)."""

from __future__ import annotations

from openpyxl import Workbook
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from tracker.excel.writer import is_our_workbook
from ui import excel_actions

from .helpers import main_window


def window_on(qtbot, tmp_path, demo_ledger, monkeypatch, target):
    demo_ledger.close()
    window = main_window(qtbot, tmp_path, demo_ledger.location)
    monkeypatch.setattr(
        excel_actions.ExportOptions, "exec", lambda self: QDialog.DialogCode.Accepted
    )
    monkeypatch.setattr(excel_actions.files, "run_dialog", lambda dialog: [str(target)])
    finished = []
    monkeypatch.setattr(
        excel_actions, "offer_to_open", lambda parent, title, text, path: finished.append(path)
    )
    return window, finished


def someone_elses(path):
    wb = Workbook()
    wb.active["A1"] = "王敏手工整理的台账"
    wb.save(path)
    return path.read_bytes()


def answer_the_question(qtbot, key=None, button=None, asked=None):
    """Answer the 文件已存在 box when it appears: a key (Esc) or a button by its text."""

    def answer():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        if asked is not None:
            asked.append(box.text())
        if key is not None:
            qtbot.keyClick(box, key)
        else:
            next(b for b in box.buttons() if b.text() == button).click()

    QTimer.singleShot(0, answer)


def test_escape_keeps_someone_elses_workbook(qtbot, tmp_path, demo_ledger, monkeypatch):
    target = tmp_path / "手工台账.xlsx"
    before = someone_elses(target)
    window, finished = window_on(qtbot, tmp_path, demo_ledger, monkeypatch, target)
    asked = []

    answer_the_question(qtbot, key=Qt.Key.Key_Escape, asked=asked)
    excel_actions.export_ledger(window)

    assert asked and "手工台账.xlsx" in asked[0] and "不是本程序生成" in asked[0]
    qtbot.wait(300)
    assert finished == [] and target.read_bytes() == before
    window.close()


def test_choosing_overwrite_replaces_it(qtbot, tmp_path, demo_ledger, monkeypatch):
    target = tmp_path / "手工台账.xlsx"
    someone_elses(target)
    window, finished = window_on(qtbot, tmp_path, demo_ledger, monkeypatch, target)

    answer_the_question(qtbot, button="覆盖")
    excel_actions.export_ledger(window)

    qtbot.waitUntil(lambda: finished == [target], timeout=20000)
    assert is_our_workbook(target)
    window.close()


def test_our_own_export_is_replaced_without_a_question(qtbot, tmp_path, demo_ledger, monkeypatch):
    target = tmp_path / "台账.xlsx"
    window, finished = window_on(qtbot, tmp_path, demo_ledger, monkeypatch, target)
    excel_actions.export_ledger(window)
    qtbot.waitUntil(lambda: len(finished) == 1, timeout=20000)
    monkeypatch.setattr(QMessageBox, "exec", lambda self: (_ for _ in ()).throw(AssertionError))

    excel_actions.export_ledger(window)

    qtbot.waitUntil(lambda: len(finished) == 2, timeout=20000)
    window.close()
