"""A question with named answers: the buttons in the user's words, one default (Enter), one for Esc."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

Role = QMessageBox.ButtonRole


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    answers: list[tuple[str, QMessageBox.ButtonRole]],
    *,
    default: str,
    escape: str,
    details: str = "",
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
) -> str:
    """The text of the button clicked; `escape`'s when the box is closed or Esc is pressed."""
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setText(text)
    if details:
        box.setInformativeText(details)
    buttons = {label: box.addButton(label, role) for label, role in answers}
    box.setDefaultButton(buttons[default])
    box.setEscapeButton(buttons[escape])
    box.exec()
    clicked = box.clickedButton()
    return next((label for label, button in buttons.items() if button is clicked), escape)
