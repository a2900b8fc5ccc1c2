"""The documents from the window: 简表 or 完整表, the 三张清单, the 整改情况报告, and a measure's
措施类型 in its dialog."""

from __future__ import annotations

from docx import Document
from openpyxl import load_workbook
from PySide6.QtWidgets import QDialog

from tracker import tags
from tracker.detail import problem_detail
from tracker.models import Measure, Problem
from ui import document_actions, excel_actions
from ui.panels.detail.measure_dialog import MeasureDialog

from .helpers import main_window


def test_the_file_menu_offers_the_three_lists_and_the_report(qtbot, tmp_path, demo_ledger):
    demo_ledger.close()
    window = main_window(qtbot, tmp_path, demo_ledger.location)
    actions = window.menu_actions
    assert actions["lists"].text() == "导出三张清单…" and actions["lists"].isEnabled()
    assert actions["word_report"].text() == "生成整改情况报告…"
    file_menu = window.menuBar().actions()[0].menu()
    texts = [a.text() for a in file_menu.actions()]
    assert (
        texts.index("生成月报…") < texts.index("导出三张清单…") < texts.index("生成整改情况报告…")
    )
    window.close()


def test_lists_report_and_brief_export_run_in_the_background(
    qtbot, tmp_path, monkeypatch, demo_ledger
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
        document_actions.DocumentOptions, "exec", lambda self: QDialog.DialogCode.Accepted
    )

    lists = tmp_path / "清单.xlsx"
    monkeypatch.setattr(document_actions, "_save_path", lambda *a: lists)
    document_actions.export_lists(window)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=20000)
    assert opened[0] == ("三张清单已导出", lists)
    assert load_workbook(lists, read_only=True).sheetnames == ["问题清单", "任务清单", "责任清单"]

    report = tmp_path / "报告.docx"
    monkeypatch.setattr(document_actions, "_save_path", lambda *a: report)
    document_actions.word_report(window)
    qtbot.waitUntil(lambda: len(opened) == 2, timeout=20000)
    assert opened[1] == ("整改情况报告已生成", report)
    assert Document(str(report)).paragraphs[0].text.endswith("整改落实情况的报告")

    def brief_chosen(self):
        self.brief.setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(excel_actions.ExportOptions, "exec", brief_chosen)
    brief = tmp_path / "简表.xlsx"
    monkeypatch.setattr(excel_actions, "_save_path", lambda *a: brief)
    excel_actions.export_ledger(window)
    qtbot.waitUntil(lambda: len(opened) == 3, timeout=20000)
    headings = next(load_workbook(brief, read_only=True).active.iter_rows(min_row=3, max_row=3))
    assert [str(c.value).replace("\n", "") for c in headings][-1] == "是否销号"
    window.close()


def test_the_measure_dialog_sets_and_shows_the_measure_tags(qtbot, session):
    ledger = session.ledger
    pid = ledger.select(Problem, Problem.id).where(Problem.status == "in_progress").scalar()
    measure = problem_detail(ledger, pid).measures[0]
    dialog = MeasureDialog(session, measure)
    qtbot.addWidget(dialog)
    picker = dialog.tags
    assert not picker.amount.isEnabled()
    for code in tags.ORDER:
        picker.boxes[code].setChecked(code in (tags.RULES, tags.RECOVERY))
    assert picker.amount.isEnabled()
    picker.amount.setValue(12000)
    given = dialog.measure_input()
    assert (given.tags, given.amount) == ((tags.RULES, tags.RECOVERY), 1_200_000)

    from tracker import services

    services.update_measure(ledger, measure.id, tags=given.tags, amount=given.amount)
    again = MeasureDialog(session, problem_detail(ledger, pid).measures[0])
    qtbot.addWidget(again)
    assert again.tags.boxes[tags.RULES].isChecked() and again.tags.amount.value() == 12000
    stored = ledger.select(Measure, Measure.tags).where(Measure.id == measure.id).scalar()
    assert stored == "rules,recovery"
