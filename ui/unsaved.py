"""Unsaved work, the way every editor the users know treats it: 保存 / 不保存 / 取消 and Ctrl+S.

`ask_unsaved` is the one question asked before leaving an edited form (closing the window,
choosing another problem, opening another ledger). Ctrl+S presses the save button of the form
being worked in: in the main window through the 编辑 menu's 保存 action, in a dialog through a
shortcut that `install_save_key` gives every dialog when it first gets the focus. Which button
is a save button: one marked with `mark_save_button` (添加 of a new measure, 添加进展), or one whose
text starts with 保存 and does not end with … (which opens another window instead of saving).
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QMessageBox, QWidget

from .widgets import Role, ask

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"
SAVE_PROPERTY = "savesForm"


def ask_unsaved(parent: QWidget, text: str) -> str:
    """SAVE, DISCARD or CANCEL. 保存 is the default (Enter keeps the work); Esc and closing the
    box are 取消, which leaves everything as it was."""
    answer = ask(
        parent,
        "保存修改？",
        text,
        [("保存", Role.AcceptRole), ("不保存", Role.DestructiveRole), ("取消", Role.RejectRole)],
        default="保存",
        escape="取消",
        details="保存：保存后继续；不保存：放弃这些修改；取消：回去继续编辑。",
        icon=QMessageBox.Icon.Warning,
    )
    return {"保存": SAVE, "不保存": DISCARD}.get(answer, CANCEL)


# -- Ctrl+S ----------------------------------------------------------------------------------------
def mark_save_button(button: QAbstractButton) -> QAbstractButton:
    """Let Ctrl+S press this button although its text does not start with 保存."""
    button.setProperty(SAVE_PROPERTY, True)
    return button


def is_save_button(button: QAbstractButton) -> bool:
    if button.property(SAVE_PROPERTY):
        return True
    text = button.text().replace("&", "").strip()
    return text.startswith("保存") and not text.endswith(("…", "..."))


def save_button_in(window: QWidget) -> QAbstractButton | None:
    """The save button Ctrl+S means in `window`: among the visible ones, the one nearest the
    widget with the keyboard focus (the form being typed in), else the first."""
    buttons = [
        b for b in window.findChildren(QAbstractButton) if b.isVisible() and is_save_button(b)
    ]
    if not buttons:
        return None
    focus = QApplication.focusWidget()
    chain = []
    while focus is not None and focus is not window:
        chain.append(focus)
        focus = focus.parentWidget()

    def distance(button: QAbstractButton) -> int:
        ancestor, steps = button.parentWidget(), 0
        while ancestor is not None and ancestor not in chain and ancestor is not window:
            ancestor, steps = ancestor.parentWidget(), steps + 1
        return steps if ancestor in chain else len(chain) + steps + 1

    return min(buttons, key=distance)


def press_save(window: QWidget) -> bool:
    """Ctrl+S: press the form's save button if it is enabled (disabled: nothing to save)."""
    button = save_button_in(window)
    if button is None or not button.isEnabled():
        return False
    button.click()
    return True


class _SaveKeyForDialogs(QObject):
    """Gives each dialog, when it first gets the focus, a Ctrl+S shortcut (only dialogs that
    have a save button use it; the rest ignore the key as before)."""

    def focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        dialog = new.window() if new is not None else None
        if not isinstance(dialog, QDialog) or dialog.property("saveKey"):
            return
        dialog.setProperty("saveKey", True)
        shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), dialog)
        shortcut.activated.connect(lambda: press_save(dialog))


def install_save_key(app: QApplication) -> None:
    """Once per application (each main window calls it)."""
    if app.property("saveKeyInstalled"):
        return
    app.setProperty("saveKeyInstalled", True)
    watcher = _SaveKeyForDialogs(app)
    app.focusChanged.connect(watcher.focus_changed)
