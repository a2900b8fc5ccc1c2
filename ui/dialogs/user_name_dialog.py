"""您的姓名: asked before the first change when nobody has said who is working.

Every journal entry names the person who made the change. The computer's login name ("root",
"Administrator", "user01") says nothing to a supervisor, so it is used only when the user picks it
here; otherwise the real name typed in is kept (settings.ini) for every later session.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .reason_dialog import field_error


class UserNameDialog(QDialog):
    """`name()` after OK: what was typed, or the login name when 使用登录名 was chosen."""

    def __init__(self, login: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.login = login
        self._chosen = ""
        self.setWindowTitle("请填写您的姓名")
        self.setMinimumWidth(480)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "您在台账里做的每一处修改，都会以这个姓名记入历史记录，供审核和上级查看。"
            "请填写您的真实姓名。以后可以在“工具 → 设置… → 我的姓名”中修改。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("如：王敏")
        form.addRow("您的姓名：", self.edit)
        layout.addLayout(form)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("确定", QDialogButtonBox.ButtonRole.AcceptRole)
        self.use_login = QPushButton(f"使用登录名“{login}”")
        self.use_login.setToolTip("用这台电脑的登录名记录修改（他人看到的是这个名字）")
        buttons.addButton(self.use_login, QDialogButtonBox.ButtonRole.ActionRole)
        cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        self.ok.clicked.connect(self._typed)
        self.use_login.clicked.connect(self._login)
        cancel.clicked.connect(self.reject)
        self.ok.setDefault(True)
        layout.addWidget(buttons)
        self.edit.setFocus()

    def _typed(self) -> None:
        name = self.edit.text().strip()
        if not name:
            field_error(self, self.edit, "您的姓名", "不能为空：每次修改都要记下是谁做的。")
            return
        self._chosen = name
        self.accept()

    def _login(self) -> None:
        self._chosen = self.login
        self.accept()

    def name(self) -> str:
        return self._chosen


def ask_user_name(parent: QWidget | None, login: str) -> str:
    """The name to record, or '' when the user cancelled (tests replace this)."""
    dialog = UserNameDialog(login, parent)
    return dialog.name() if dialog.exec() == QDialog.DialogCode.Accepted else ""
