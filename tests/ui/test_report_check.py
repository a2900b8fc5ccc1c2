"""文件 → 核对月报…: the verdict a supervisor (no ledger) and a branch (its ledger) each see."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog

from tracker.demo import build_demo
from tracker.excel.report import build_report
from ui import report_check
from ui.main_window import MainWindow

NOW = dt.datetime(2026, 11, 20, 10, 0)


def _window(qtbot, tmp_path) -> MainWindow:
    window = MainWindow(
        QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), actor="王敏"
    )
    qtbot.addWidget(window)
    return window


def _run(window, qtbot, monkeypatch, path) -> report_check.ReportCheckDialog:
    shown = []

    def fake_exec(dialog):
        shown.append(dialog)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(report_check.files, "run_dialog", lambda dialog: [str(path)])
    monkeypatch.setattr(report_check.ReportCheckDialog, "exec", fake_exec)
    report_check.check_report_file(window)
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    return shown[0]


def test_the_branch_checks_its_own_report_cell_by_cell_and_sees_an_edit(
    qtbot, tmp_path, monkeypatch
):
    ledger = build_demo(tmp_path / "b.db", problems=40, clock=lambda: NOW)
    path = build_report(ledger, tmp_path / "月报.xlsx", 2026, 11).path
    ledger.close()
    window = _window(qtbot, tmp_path)
    window.open_location(str(tmp_path / "b.db"), synchronous=True)
    assert window.menu_actions["verify_report"].isEnabled()

    dialog = _run(window, qtbot, monkeypatch, path)
    assert (
        dialog.verdict.text().startswith("✔ 核对通过")
        and "台账历史也支持它" in dialog.verdict.text()
    )
    assert "与台账核对：通过" in dialog.text.toPlainText()

    wb = load_workbook(path)
    wb["汇总"]["D7"].value = 999
    wb.save(tmp_path / "改.xlsx")
    dialog = _run(window, qtbot, monkeypatch, tmp_path / "改.xlsx")
    assert dialog.verdict.text().startswith("✘ 核对未通过")
    text = dialog.text.toPlainText()
    assert "汇总 D7：报表为 999，生成时为" in text and "汇总 D7：报表为 999，台账当时为" in text


def test_the_supervisor_without_a_ledger_checks_the_file_alone(qtbot, tmp_path, monkeypatch):
    ledger = build_demo(tmp_path / "b.db", problems=40, clock=lambda: NOW)
    path = build_report(ledger, tmp_path / "月报.xlsx", 2026, 11).path
    ledger.close()
    window = _window(qtbot, tmp_path)  # the welcome page: no ledger open
    assert window.menu_actions["verify_report"].isEnabled()
    dialog = _run(window, qtbot, monkeypatch, path)
    assert dialog.verdict.text().startswith("✔ 核对通过")
    text = dialog.text.toPlainText()
    assert "文件本身：通过" in text and "与台账核对" not in text and "签名密钥指纹" in text
