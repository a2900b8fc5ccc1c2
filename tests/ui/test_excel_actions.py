"""Excel from the GUI: the import wizard (mapping, preview, apply) and export / report in the background."""

from __future__ import annotations

from openpyxl import load_workbook
from PySide6.QtWidgets import QDialog

from tests.tracker import workbooks
from tracker.excel.plan import build_plan
from tracker.ledger import create_ledger
from tracker.models import Problem
from tracker.replay import verify
from ui import excel_actions
from ui.dialogs.import_wizard import ImportWizard

from .helpers import main_window


def test_wizard_shows_mapping_preview_and_warnings_and_follows_a_corrected_column(qtbot, tmp_path):
    ledger = create_ledger(tmp_path / "l.db", unit_name="第一党支部")
    plan = build_plan(ledger, workbooks.official(tmp_path / "台账.xlsx"))
    wizard = ImportWizard(plan)
    qtbot.addWidget(wizard)
    counts = plan.counts()
    assert f"将新建 {counts['create']} 个问题" in wizard.summary.text()
    assert wizard.preview.rowCount() == counts["problems"]
    assert wizard.warnings.count() == len(plan.warnings)
    first = plan.problems[0]
    tip = wizard.preview.item(0, 4).toolTip()
    assert first.measures and first.measures[0].text in tip  # the measures a row will create
    headings = [wizard.mapping.item(r, 2).text() for r in range(wizard.mapping.rowCount())]
    row = next(i for i, h in enumerate(headings) if "原因" in h)
    combo = wizard.mapping.cellWidget(row, 3)
    combo.setCurrentIndex(combo.findData("ignore"))  # the user says: do not import this column
    column = plan.tables[0].columns[
        [c.heading for c in plan.tables[0].columns].index(headings[row])
    ]
    assert column.field == "ignore"
    assert all(p.cause == "" for p in plan.problems)
    ledger.close()


def test_import_from_the_menu_runs_in_the_background_and_lands_whole(
    qtbot, tmp_path, monkeypatch, message_boxes
):
    path = workbooks.official(tmp_path / "台账.xlsx")
    create_ledger(tmp_path / "l.db", unit_name="第一党支部").close()
    window = main_window(qtbot, tmp_path, tmp_path / "l.db")
    monkeypatch.setattr(excel_actions.files, "run_dialog", lambda dialog: [str(path)])
    monkeypatch.setattr(ImportWizard, "exec", lambda self: QDialog.DialogCode.Accepted)
    excel_actions.import_excel(window)
    qtbot.waitUntil(lambda: any(t == "导入完成" for _, t, _ in message_boxes), timeout=20000)
    ledger = window.session.ledger
    assert ledger.select(Problem).count() > 0
    assert verify(ledger).ok
    assert (
        window.ledger_page.model.total
        == ledger.select(Problem).where(Problem.status != "void").count()
    )
    window.close()


def test_export_and_monthly_report_from_the_menu(
    qtbot, tmp_path, monkeypatch, demo_ledger, message_boxes
):
    demo_ledger.close()
    window = main_window(qtbot, tmp_path, demo_ledger.location)
    opened = []
    monkeypatch.setattr(
        excel_actions,
        "offer_to_open",
        lambda parent, title, text, path: opened.append((title, path)),
    )
    monkeypatch.setattr(
        excel_actions.ExportOptions, "exec", lambda self: QDialog.DialogCode.Accepted
    )
    monkeypatch.setattr(
        excel_actions.MonthChooser, "exec", lambda self: QDialog.DialogCode.Accepted
    )
    target = tmp_path / "导出.xlsx"
    monkeypatch.setattr(excel_actions, "_save_path", lambda *a: target)
    window.ledger_page.views.select_key("view:overdue")
    excel_actions.export_ledger(window)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=20000)
    assert opened[0] == ("导出完成", target)
    sheet = load_workbook(target, read_only=True).active
    assert "逾期" in str(next(sheet.iter_rows(max_row=1, values_only=True))[0])

    report = tmp_path / "月报.xlsx"
    monkeypatch.setattr(excel_actions, "_save_path", lambda *a: report)
    excel_actions.monthly_report(window)
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=20000)
    assert opened[1] == ("月报已生成", report)
    month = window.session.ledger.today()
    assert (
        f"{month.year}年{month.month}月"
        in load_workbook(report, read_only=True).worksheets[0]["A1"].value
    )
    window.close()
