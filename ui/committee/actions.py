"""The committee's menu entries: they open the 汇总 page (where the result shows) and act there."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..main_window import MainWindow
    from .rollup_page import RollupPage


def rollup_page(window: MainWindow) -> RollupPage:
    window.tabs.setCurrentWidget(window.rollup_tab)
    return window.rollup_tab.page()


def collect_reports(window: MainWindow) -> None:
    rollup_page(window).collect_reports()


def collect_handkept(window: MainWindow) -> None:
    rollup_page(window).collect_handkept()


def open_branches(window: MainWindow) -> None:
    from .branch_dialog import BranchListDialog

    BranchListDialog(window.session, window).exec()
