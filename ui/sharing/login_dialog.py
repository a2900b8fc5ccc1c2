"""登录共用台账: server, database, login and password; everything but the password remembered."""

from __future__ import annotations

from urllib.parse import quote

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

KEYS = {"server": "shared/server", "database": "shared/database", "login": "shared/login"}
DEFAULT_PORT = 5432


def shared_url(server: str, database: str, login: str, password: str) -> str:
    """`postgresql://login:password@host:port/database`, login and password percent-encoded
    (any character may be in a password)."""
    host, _, port = server.strip().rpartition(":") if ":" in server else (server.strip(), "", "")
    secret = f":{quote(password, safe='')}" if password else ""
    user = quote(login.strip(), safe="")
    name = quote(database.strip())
    if host.startswith("/"):  # a Unix socket folder (the server on this computer)
        query = f"?host={quote(host)}" + (f"&port={port}" if port else "")
        return f"postgresql://{user}{secret}@/{name}{query}"
    where = f"{host}:{port}" if port else host
    return f"postgresql://{user}{secret}@{where}/{name}"


def ok_cancel(dialog: QDialog, ok_text: str) -> QDialogButtonBox:
    """OK (named for what it does) and 取消, wired to the dialog's accept and reject."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class LoginDialog(QDialog):
    """Asks where the shared ledger is and who is logging in; `url()` once accepted."""

    def __init__(
        self, settings: QSettings, parent: QWidget | None = None, message: str = ""
    ) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("登录共用台账")
        layout = QVBoxLayout(self)
        intro = QLabel(
            "多人共用的台账放在单位的 PostgreSQL 服务器上。请填写服务器地址、数据库名，"
            "以及管理员为您开设的登录名和密码。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.message = QLabel(message)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color:#8c1d18;")
        self.message.setVisible(bool(message))
        layout.addWidget(self.message)
        form = QFormLayout()
        self.server = QLineEdit(settings.value(KEYS["server"], "") or "")
        self.server.setPlaceholderText("如 192.168.1.20 或 dangwei-server:5432")
        self.server.setToolTip("服务器的地址（IP 或计算机名），端口不是 5432 时写在冒号后")
        self.database = QLineEdit(settings.value(KEYS["database"], "") or "")
        self.database.setPlaceholderText("如 zhenggai")
        self.login = QLineEdit(settings.value(KEYS["login"], "") or "")
        self.login.setPlaceholderText("如 zhangsan")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setToolTip("密码不会被保存，每次登录时填写")
        form.addRow("服务器：", self.server)
        form.addRow("数据库：", self.database)
        form.addRow("登录名：", self.login)
        form.addRow("密码：", self.password)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self, "登录"))
        for field in (self.server, self.database, self.login, self.password):
            if not field.text():
                field.setFocus()
                break

    def accept(self) -> None:
        missing = [
            label
            for label, field in (
                ("服务器", self.server),
                ("数据库", self.database),
                ("登录名", self.login),
            )
            if not field.text().strip()
        ]
        if missing:
            self.message.setText(f"请填写{'、'.join(missing)}。")
            self.message.show()
            return
        for key, field in (
            ("server", self.server),
            ("database", self.database),
            ("login", self.login),
        ):
            self.settings.setValue(KEYS[key], field.text().strip())  # never the password
        super().accept()

    def url(self) -> str:
        return shared_url(
            self.server.text(), self.database.text(), self.login.text(), self.password.text()
        )
