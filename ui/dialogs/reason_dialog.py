"""A generic "why" dialog (驳回, 重新整改, 作废, 恢复 …): one required, multi-line reason.

The ledger keeps a reason with every step backwards, so the dialog will not let the user through
without one. When given a `submit` callback it runs the action itself on OK and stays open (with
the text the user wrote) if the action was refused; without one it simply returns `reason()`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from tracker.errors import ValidationError

from ..session import show_error


def field_error(parent: QWidget, widget: QWidget | None, field: str, message: str) -> None:
    """Refuse OK the way the service would: a dialog naming the field, then focus on that field.

    Dialogs check what they can before calling the service so the user hears about an empty
    required field at once, in the same words and look as a refusal from the ledger.
    """
    show_error(parent, ValidationError(field, message))
    if widget is not None:
        widget.setFocus()


class ReasonDialog(QDialog):
    """Ask for a reason. `submit(reason) -> bool` (optional) performs the action on OK."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        explanation: str,
        *,
        label: str = "理由",
        placeholder: str = "",
        ok_text: str = "确定",
        submit: Callable[[str], bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        self._submit = submit
        layout = QVBoxLayout(self)
        self.explanation = QLabel(explanation)
        self.explanation.setWordWrap(True)
        layout.addWidget(self.explanation)
        self.label = QLabel(f"{label}（必填）：")
        layout.addWidget(self.label)
        self.edit = QPlainTextEdit()
        self.edit.setPlaceholderText(placeholder or f"请写明{label}，它会记入历史记录")
        self.edit.setTabChangesFocus(True)
        self.edit.setMinimumHeight(110)
        self.label.setBuddy(self.edit)
        layout.addWidget(self.edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setToolTip(f"填写{label}后才能确定")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.edit.textChanged.connect(self._update)
        self._update()
        self.edit.setFocus()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.reason()))

    def reason(self) -> str:
        return self.edit.toPlainText().strip()

    def set_reason(self, text: str) -> None:
        self.edit.setPlainText(text)

    def values(self) -> dict:
        return {"reason": self.reason()}

    def accept(self) -> None:
        if not self.reason():  # Enter or a direct call can reach here with the button disabled
            return
        if self._submit is not None and not self._submit(self.reason()):
            return  # refused: the error was shown; keep the user's text
        super().accept()
