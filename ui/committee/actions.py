"""The committee's menu entries: they open the 汇总 page (where the result shows) and act there."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tracker.ledger import Ledger

    from ..main_window import MainWindow
    from .rollup_page import RollupPage


def opens_on_rollup(ledger: Ledger) -> bool:
    """A committee's ledger (branches listed, no problems of its own) opens on the 汇总 tab."""
    from tracker.exchange.branches import branches
    from tracker.queries import Filter, len_query

    return bool(branches(ledger)) and len_query(ledger, Filter()) == 0


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
