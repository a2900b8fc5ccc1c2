"""Help inside the program, Qt's dialogs in Chinese, folders remembered per purpose, and opening
files with other programs when there is no such program."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings, QUrl
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QToolButton,
)

from ui import files
from ui.guide_text import SECTIONS
from ui.help_window import HelpWindow
from ui.main_window import MainWindow


@pytest.fixture
def chinese_qt(qtbot):
    """Qt's own translations as the program installs them (`ui.app.install_translations`)."""
    from ui.app import install_translations

    installed = install_translations(QApplication.instance())
    yield installed
    for translator in installed:
        QApplication.instance().removeTranslator(translator)


# -- Qt's own dialogs ------------------------------------------------------------------------------
def test_qt_translations_are_loaded(chinese_qt):
    assert chinese_qt, "qtbase_zh_CN.qm was not found beside PySide6"
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "查找范围："
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_the_file_dialog_shows_no_english(qtbot, chinese_qt, tmp_path):
    dialog = files.make_dialog(None, "导出台账", str(tmp_path), "Excel 工作簿 (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)  # Qt's own, as on Linux
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.show()
    texts = [label.text() for label in dialog.findChildren(QLabel) if label.text()]
    texts += [button.text() for button in dialog.findChildren(QPushButton)]
    texts += [button.toolTip() for button in dialog.findChildren(QToolButton)]
    assert "查找范围(&L)：" in texts and "文件类型(&T)：" in texts
    english = [t for t in texts if re.search("[A-Za-z]{2,}", t)]
    assert english == [], english  # once: "&Look in:", "Files of &type:"


# -- folders remembered per purpose ----------------------------------------------------------------
def test_each_purpose_starts_where_it_was_last_used(qtbot, tmp_path, monkeypatch):
    exports, scans = tmp_path / "导出", tmp_path / "扫描件"
    exports.mkdir()
    scans.mkdir()
    (scans / "纪要.pdf").write_bytes(b"%PDF")
    started = []

    def fake_run(dialog):
        started.append(dialog.directory().absolutePath())
        return [str(answer)]

    monkeypatch.setattr(files, "run_dialog", fake_run)
    answer = exports / "台账.xlsx"
    assert files.save_file(None, "export", "导出台账", "台账.xlsx", "Excel (*.xlsx)") == str(answer)
    answer = scans / "纪要.pdf"
    assert files.open_files(None, "evidence", "添加佐证材料", "所有文件 (*)") == [str(answer)]
    answer = exports / "月报.xlsx"
    files.save_file(None, "export", "导出台账", "台账.xlsx", "Excel (*.xlsx)")
    files.open_files(None, "evidence", "添加佐证材料", "所有文件 (*)")
    assert started[0] == str(Path.home()) and started[1] == str(Path.home())
    assert started[2] == str(exports) and started[3] == str(scans)
    assert files.remembered("report") is None  # 月报 keeps its own folder


def test_a_folder_that_is_gone_falls_back(tmp_path):
    gone = tmp_path / "U盘"
    gone.mkdir()
    files.remember("backup", gone / "台账-备份.db")
    gone.rmdir()
    assert files.remembered("backup") is None
    assert files.start_folder("backup", tmp_path) == str(tmp_path)


def test_the_export_menu_saves_into_the_remembered_folder(qtbot, tmp_path, monkeypatch):
    from ui import excel_actions

    folder = tmp_path / "报表"
    folder.mkdir()
    files.remember("export", folder / "上次.xlsx")
    seen = []
    monkeypatch.setattr(files, "run_dialog", lambda d: seen.append(d.selectedFiles()) or [])
    assert excel_actions._save_path(None, "导出台账", "某支部问题整改台账.xlsx", "export") is None
    assert seen[0][0] == str(folder / "某支部问题整改台账.xlsx")


# -- opening files with other programs -------------------------------------------------------------
@pytest.fixture
def nothing_opens(monkeypatch):
    """No program for anything; records the URLs tried and the message boxes shown."""
    tried, shown = [], []
    monkeypatch.setattr(files, "open_url", lambda url: tried.append(url.toLocalFile()) or False)

    def answer(box: QMessageBox) -> None:
        shown.append(box.text())
        folder = (
            next(b for b in box.buttons() if b.text() == "打开所在文件夹")
            if any(b.text() == "打开所在文件夹" for b in box.buttons())
            else None
        )
        if folder is not None:
            folder.click()

    monkeypatch.setattr(files, "ask", answer)
    return tried, shown


def test_no_program_for_xlsx_is_said_and_the_folder_offered(tmp_path, nothing_opens):
    tried, shown = nothing_opens
    book = tmp_path / "台账.xlsx"
    book.write_bytes(b"PK")
    assert not files.open_external(None, book)
    assert shown[0].startswith("没有找到可以打开 .xlsx 文件的程序。")
    assert str(book) in shown[0] and "WPS" in shown[0]
    assert tried == [str(book), str(tmp_path)]  # then 打开所在文件夹
    assert "文件夹位置" in shown[1]  # that failed too: the place is named (and copied)
    assert QApplication.clipboard().text() == str(tmp_path)


def test_an_evidence_file_that_nothing_opens(qtbot, panel, session, tmp_path, nothing_opens):
    from tracker import services

    from .helpers import first

    tried, shown = nothing_opens
    pid = first(session.ledger, "in_progress")
    scan = tmp_path / "整改照片.heic"
    scan.write_bytes(b"photo")
    services.add_evidence(session.ledger, pid, scan)
    panel.show_problem(pid)
    tab = panel.evidence
    tab.tree.setCurrentItem(tab.tree.topLevelItem(tab.tree.topLevelItemCount() - 1))
    tab.open_current()
    assert "没有找到可以打开 .heic 文件的程序" in shown[0] and "整改照片.heic" in shown[0]


def test_opening_works_quietly_when_a_program_exists(tmp_path, monkeypatch):
    monkeypatch.setattr(files, "open_url", lambda url: isinstance(url, QUrl))
    monkeypatch.setattr(files, "ask", lambda box: pytest.fail("no message expected"))
    assert files.open_external(None, tmp_path / "台账.xlsx")


# -- the guide and 关于 ------------------------------------------------------------------------------
@pytest.fixture
def program_style(qtbot):
    """The program's style sheet (it sets every widget's font size, which `setFont` cannot beat)."""
    from ui.app import RESOURCES

    app = QApplication.instance()
    before = app.styleSheet()
    app.setStyleSheet((RESOURCES / "style.qss").read_text(encoding="utf-8"))
    yield
    app.setStyleSheet(before)


def test_the_guide_opens_inside_the_program_at_a_large_font(
    qtbot, tmp_path, monkeypatch, program_style
):
    window = MainWindow(
        QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), actor="王敏"
    )
    qtbot.addWidget(window)
    monkeypatch.setattr(
        "PySide6.QtGui.QDesktopServices.openUrl", lambda *a: pytest.fail("no outside opener")
    )
    window.menu_actions["readme"].trigger()
    guide = window.help_window
    assert guide is not None and guide.isVisible() and not guide.isModal()
    QApplication.processEvents()
    body = window.ledger_page.count.fontInfo().pixelSize()  # 13px from the style sheet
    assert guide.text.fontInfo().pixelSize() >= body + 3
    titles = [guide.sections.item(i).text() for i in range(guide.sections.count())]
    assert titles == [title for title, _ in SECTIONS]
    for topic in ("整改流程", "整改时限的写法", "Excel 表格", "快捷键", "每月的工作"):
        assert any(topic in title for title in titles), topic
    before, size = guide.points, guide.text.fontInfo().pixelSize()
    guide.larger.click()
    QApplication.processEvents()
    assert guide.points == before + 2 and guide.text.fontInfo().pixelSize() > size
    window.menu_actions["readme"].trigger()  # a second F1 raises the same window
    assert window.help_window is guide


def test_the_guide_covers_what_a_secretary_asks(qtbot):
    guide = HelpWindow()
    qtbot.addWidget(guide)
    text = "\n".join(body for _, body in SECTIONS)
    for words in (
        "挂账 → 整改中 → 待销号 → 已销号",
        "2026年6月底前",
        "立行立改",
        "时限不明确",
        "Ctrl+C",
        "收取支部月报",
        "问题描述（具体表现）",
        "完成时限",
    ):
        assert words in text, words
    guide.find.setText("校验码")
    assert guide.find_next()
    assert "校验码" in guide.section_text()
    guide.find.setText("不存在的词语")
    assert not guide.find_next() and "没有" in guide.status.text()
