"""Opening a shared ledger from the window, and what the window shows of its member."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.ledger import Ledger
from tracker.sharing.roles import ADMIN, OWNER

from .login_dialog import LoginDialog

if TYPE_CHECKING:
    from ..main_window import MainWindow

LAST_SHARED = "shared/last"  # the window opened a shared ledger last: log in again at start


def open_shared(window: MainWindow, message: str = "") -> None:
    """文件 → 登录共用台账…: ask where and who, then open it like any ledger."""
    dialog = LoginDialog(window.settings, window, message)
    if dialog.exec():
        window.settings.setValue(LAST_SHARED, True)
        window.open_location(dialog.url())


def member_text(ledger: Ledger) -> str:
    """The status bar's words for who is acting: `成员：李娜（填报人 · 第一党支部）`."""
    if ledger.member is None:
        return f"操作人：{ledger.actor}"
    return f"成员：{ledger.member.describe()}"


def manages_members(ledger: Ledger | None) -> bool:
    return ledger is not None and ledger.member is not None and ledger.member.role in (ADMIN, OWNER)
