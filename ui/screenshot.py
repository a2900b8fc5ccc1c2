"""`--screenshot FILE.png [--view NAME]`: render the main window offscreen over a ledger and save it."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from tracker.errors import LedgerError
from tracker.queries import VIEW_LABELS

from .background import wait_for_reads

ROLLUP_VIEWS = ("汇总", "rollup")
VIEW_KEYS = {label: key for key, label in VIEW_LABELS.items()} | {key: key for key in VIEW_LABELS}


def offscreen_platform(current: str, size: str) -> str:
    """Qt's offscreen platform with one screen of `size` (WIDTHxHEIGHT), so that the window is
    laid out as on that screen: its available area, and the font size setting's scale."""
    if current not in ("", "offscreen"):
        return current  # the caller chose a platform: leave it
    width, _, height = size.partition("x")
    screen = {"name": "screen", "x": 0, "y": 0, "width": int(width), "height": int(height)}
    screen |= {"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    config = Path(tempfile.gettempdir()) / f"zhenggai-screen-{int(width)}x{int(height)}.json"
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    return f"offscreen:configfile={config}"


def take_screenshot(window, location: str | None, args) -> int:
    area = QApplication.primaryScreen().geometry()  # the --size screen, in the window's units
    window.resize(area.width(), area.height())
    if location:
        try:
            window.open_location(location, synchronous=True)
        except LedgerError as error:
            print(f"无法打开台账：{error}", file=sys.stderr)
            return 2
    window.show()
    _settle()
    view = args.view
    page = window.ledger_page
    if location and view == "dashboard":
        window.tabs.setCurrentWidget(window.dashboard_tab)
    elif location and view in ROLLUP_VIEWS:  # the committee's page of branch reports
        window.tabs.setCurrentWidget(window.rollup_tab)
    elif location and view == "detail":  # an overdue problem with its measures shown
        window.tabs.setCurrentWidget(page)
        page.views.select_key("view:overdue")
        page.table.selectRow(0)
        page.detail.tabs.setCurrentIndex(1)
    elif location:
        window.tabs.setCurrentWidget(page)  # a committee's ledger opens on 汇总
        wanted = f"view:{VIEW_KEYS.get(view)}"
        shown = page.views.current_key == wanted  # opening the ledger showed it: no second query
        if view not in VIEW_KEYS or not (shown or page.views.select_key(wanted)):
            print(
                f"未知视图：{view}（可用：{'、'.join(VIEW_LABELS.values())}、detail、dashboard、汇总）",
                file=sys.stderr,
            )
            return 2
        page.table.selectRow(0)
    _settle()
    if not window.grab().save(args.screenshot):
        print(f"无法保存截图：{args.screenshot}", file=sys.stderr)
        return 2
    print(args.screenshot)
    window.close()
    return 0


def _settle() -> None:
    """Let the window finish what start-up queued, counts read on pool threads included."""
    for _ in range(5):
        QApplication.processEvents()
    wait_for_reads()
    for _ in range(5):
        QApplication.processEvents()
