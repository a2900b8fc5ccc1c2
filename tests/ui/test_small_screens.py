"""The window on a 1366×768 or 1280×720 office laptop: everything reachable, nothing jumps."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import QApplication, QToolBar, QToolButton

from tests.ui.helpers import first, run_python
from ui import window_geometry
from ui.ledger_model import COLUMNS
from ui.main_window import MainWindow
from ui.page_layout import DETAIL_MIN_WIDTH, GUARDED

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def open_at(qtbot, settings, demo_ledger, width: int, height: int) -> MainWindow:
    win = MainWindow(settings, actor="周晓梅")
    qtbot.addWidget(win)
    location = demo_ledger.location
    demo_ledger.close()
    win.open_location(location, synchronous=True)
    win.resize(width, height)
    win.show()
    QApplication.processEvents()
    return win


def column_in_view(page, key: str) -> bool:
    """The whole column lies inside the table's viewport, at least as wide as its text needs."""
    keys = [k for _, k, _ in COLUMNS]
    column = keys.index(key)
    header = page.table.horizontalHeader()
    right = header.sectionViewportPosition(column) + header.sectionSize(column)
    wide_enough = header.sectionSize(column) >= page.columns.needed(key)
    return (
        header.sectionViewportPosition(column) >= 0
        and right <= page.table.viewport().width()
        and wide_enough
    )


@pytest.mark.parametrize("size", [(1366, 728), (1280, 680)])
def test_deadline_and_progress_are_never_cut(qtbot, settings, demo_ledger, size):
    win = open_at(qtbot, settings, demo_ledger, *size)
    page = win.ledger_page
    page.table.selectRow(0)
    QApplication.processEvents()
    for key in GUARDED:
        assert column_in_view(page, key), key
    keys = [k for _, k, _ in COLUMNS]
    description = page.table.columnWidth(keys.index("description"))
    assert description >= 180


def test_1366_puts_the_detail_beside_the_list_and_1280_under_it(qtbot, settings, demo_ledger):
    win = open_at(qtbot, settings, demo_ledger, 1366, 728)
    page = win.ledger_page
    assert page.body.orientation() == Qt.Orientation.Horizontal
    assert page.detail_area.width() >= DETAIL_MIN_WIDTH
    win.resize(1280, 680)
    QApplication.processEvents()
    assert page.body.orientation() == Qt.Orientation.Vertical
    assert win.minimumSizeHint().width() <= 1000  # the window can be narrower still


def test_the_detail_panel_can_be_hidden_or_put_below_and_it_is_remembered(
    qtbot, settings, demo_ledger
):
    win = open_at(qtbot, settings, demo_ledger, 1600, 900)
    page = win.ledger_page
    places = {a.data(): a for a in win.view_actions["places"].actions()}
    places["hidden"].trigger()
    assert not page.detail_area.isVisible()
    places["below"].trigger()
    assert page.detail_area.isVisible() and page.body.orientation() == Qt.Orientation.Vertical
    assert settings.value("layout/detail") == "below"
    win.view_actions["side"].trigger()
    assert not page.views.isVisible() and settings.value("layout/side-list") in (False, "false")


def test_opening_the_filters_or_a_problem_does_not_narrow_the_side_list(
    qtbot, settings, demo_ledger
):
    win = open_at(qtbot, settings, demo_ledger, 1366, 728)
    page = win.ledger_page
    side = page.views.width()
    page.filters.more.setChecked(True)
    QApplication.processEvents()
    assert page.views.width() == side
    page.table.selectRow(0)
    QApplication.processEvents()
    assert page.views.width() == side
    assert win.width() == 1366  # nor widens the window


def toolbar_of(win) -> QToolBar:
    return win.findChild(QToolBar, "mainToolbar")


def test_the_toolbar_does_not_move_when_the_undo_label_changes(
    qtbot, settings, demo_ledger, monkeypatch
):
    win = open_at(qtbot, settings, demo_ledger, 1366, 728)
    toolbar = toolbar_of(win)
    report = toolbar.widgetForAction(win.menu_actions["report"])
    before = report.geometry()
    pid = first(win.session.ledger, "in_progress")
    win.show_problem(pid)
    monkeypatch.setattr(win.workflow, "ask_reason", lambda *a, **k: "重复录入")
    next(a for a in win.workflow.actions() if a.text().startswith("作废")).trigger()
    QApplication.processEvents()
    assert win.menu_actions["undo"].text().startswith("撤销：")  # the menu names what is undone
    assert report.geometry() == before


def test_a_narrow_window_keeps_every_toolbar_action_reachable(qtbot, settings, demo_ledger):
    win = open_at(qtbot, settings, demo_ledger, 1000, 680)
    toolbar = toolbar_of(win)
    overflow = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    hidden = [
        a
        for a in toolbar.actions()
        if not a.isSeparator() and not toolbar.widgetForAction(a).isVisible()
    ]
    assert hidden and overflow.isVisible() and overflow.text() == "更多»"
    assert overflow.width() >= 40  # big enough to see and to hit


def test_first_start_on_a_small_screen_opens_maximized(qtbot, settings, monkeypatch):
    monkeypatch.setattr(
        window_geometry, "available_area", lambda window=None: QRect(0, 0, 1366, 728)
    )
    win = MainWindow(settings, actor="周晓梅")
    qtbot.addWidget(win)
    assert win.width() <= 1366 and win.height() <= 728
    win.show_on_screen()
    assert win.isMaximized()


def test_a_size_saved_on_a_larger_screen_is_shrunk_to_this_one(qtbot, settings, monkeypatch):
    big = MainWindow(settings, actor="周晓梅")
    qtbot.addWidget(big)
    big.resize(1900, 1050)
    big.close()
    monkeypatch.setattr(
        window_geometry, "available_area", lambda window=None: QRect(0, 0, 1280, 680)
    )
    win = MainWindow(settings, actor="周晓梅")
    qtbot.addWidget(win)
    assert not win.first_start
    assert win.width() <= 1280 - window_geometry.FRAME_WIDTH
    assert win.height() <= 680 - window_geometry.FRAME_HEIGHT
    assert win.x() >= 0 and win.y() >= 0


def test_screenshot_renders_at_the_size_asked(tmp_path, demo_ledger):
    location = demo_ledger.location
    demo_ledger.close()
    out = tmp_path / "small.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ZHENGGAI_DATA_DIR": str(tmp_path / "d")}
    args = ["main.py", "--db", location, "--screenshot", out, "--size", "1366x768"]
    result = run_python(args, env)
    assert result.returncode == 0, result.stderr
    from PySide6.QtGui import QImage

    image = QImage(str(out))
    assert (image.width(), image.height()) == (1366, 768)
