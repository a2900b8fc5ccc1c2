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


def window_choosing(qtbot, tmp_path, monkeypatch, make_workbook):
    """A main window on a new ledger whose 从Excel导入 file dialog picks the workbook made."""
    path = make_workbook(tmp_path / "台账.xlsx")
    create_ledger(tmp_path / "l.db", unit_name="第一党支部").close()
    window = main_window(qtbot, tmp_path, tmp_path / "l.db")
    monkeypatch.setattr(excel_actions.files, "run_dialog", lambda dialog: [str(path)])
    return window


def import_accepting_the_wizard(qtbot, window, monkeypatch, message_boxes) -> None:
    """文件 → 从Excel导入…, the wizard accepted as it is, until 导入完成 is shown."""
    monkeypatch.setattr(ImportWizard, "exec", lambda self: QDialog.DialogCode.Accepted)
    excel_actions.import_excel(window)
    qtbot.waitUntil(lambda: any(t == "导入完成" for _, t, _ in message_boxes), timeout=20000)


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
    window = window_choosing(qtbot, tmp_path, monkeypatch, workbooks.official)
    import_accepting_the_wizard(qtbot, window, monkeypatch, message_boxes)
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


def test_imported_closures_are_marked_in_the_list_and_counted_on_the_dashboard(
    qtbot, tmp_path, monkeypatch, message_boxes
):
    from ui.ledger_model import COLUMNS
    from ui.panels.dashboard import DashboardPage

    window = window_choosing(qtbot, tmp_path, monkeypatch, workbooks.two_vocabularies)
    import_accepting_the_wizard(qtbot, window, monkeypatch, message_boxes)
    model = window.ledger_page.model
    qtbot.waitUntil(lambda: model.rowCount() == 6, timeout=5000)
    column = [key for _, key, _ in COLUMNS].index("status")
    texts = sorted(model.index(r, column).data() for r in range(model.rowCount()))
    assert texts.count("导入时已销号") == 2 and "已销号" not in texts
    page = DashboardPage(window.session)
    qtbot.addWidget(page)
    page.refresh()
    assert page.cards["closed"].value.text() == "2"
    assert "导入时已销号 2 个" in page.cards["closed"].note.text()
    window.close()


def test_the_wizard_says_what_closes_and_lets_the_user_choose_for_the_whole_import(qtbot, tmp_path):
    import datetime as dt

    ledger = create_ledger(tmp_path / "l.db", unit_name="第三党支部")
    plan = build_plan(ledger, workbooks.two_vocabularies(tmp_path / "两种说法.xlsx"))
    wizard = ImportWizard(plan)
    qtbot.addWidget(wizard)
    status = [wizard.preview.item(r, 5).text() for r in range(wizard.preview.rowCount())]
    assert status[:2] == ["待销号（措施均已完成）", "导入时已销号"]
    assert "按“待销号”导入" in wizard.summary.text()
    assert "来自工作表“台账”表头的“填报日期”" in wizard.found_on_note.text()
    assert not wizard.done_closed_box.isChecked()

    wizard.done_closed_box.setChecked(True)  # the user: these were crossed off in the workbook
    assert plan.options.done_as_closed
    assert wizard.preview.item(0, 5).text() == "导入时已销号"
    assert "按您的选择导入为“已销号”" in wizard.summary.text()

    wizard.found_on_box.setChecked(True)
    wizard.found_on_date.setDate(wizard.found_on_date.date().fromString("2025-11-20", "yyyy-MM-dd"))
    assert plan.options.found_on == dt.date(2025, 11, 20)
    assert "来自导入时指定的查摆日期" in wizard.found_on_note.text()
    wizard.found_on_box.setChecked(False)
    assert plan.options.found_on is None
    ledger.close()


def test_reading_a_workbook_runs_in_the_background_and_can_be_cancelled(
    qtbot, tmp_path, monkeypatch, message_boxes
):
    rows = [["序号", "问题描述", "整改措施", "责任人"]] + [
        [n, f"问题{n}", f"措施{n}", "张伟"] for n in range(1, 30001)
    ]
    window = window_choosing(
        qtbot, tmp_path, monkeypatch, lambda path: workbooks.raw_xlsx(path, rows)
    )
    shown = []
    monkeypatch.setattr(ImportWizard, "exec", lambda self: shown.append(self) or 0)
    started = []
    real = excel_actions.run_in_background
    monkeypatch.setattr(
        excel_actions,
        "run_in_background",
        lambda *a, **k: started.append(real(*a, **k)) or started[-1],
    )
    excel_actions.import_excel(window)
    (operation,) = started
    assert operation.dialog.labelText() == "正在读取工作簿…"
    operation.dialog.canceled.emit()  # the user presses 取消 on the progress dialog
    qtbot.waitUntil(lambda: operation.done, timeout=20000)
    assert shown == []  # no wizard after a cancelled read
    assert window.session.ledger.select(Problem).count() == 0
    window.close()
