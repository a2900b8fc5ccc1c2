"""成员: the members of a shared ledger, for its 管理员 (and the owner): add one, disable one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.changes import Changes
from tracker.exchange.branches import branches
from tracker.sharing.members import add_member, disable_member, list_members
from tracker.sharing.roles import ROLE_DUTIES, ROLE_LABELS, ROLES

from ..session import Session
from ..widgets import read_only_rows
from .login_dialog import ok_cancel

HEADERS = ["姓名", "登录名", "角色", "支部", "状态"]


class MembersPage(QWidget):
    """A table of members (refreshed when members change, here or at another PC)."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        layout = QVBoxLayout(self)
        intro = QLabel(
            "每位成员用自己的账户登录，历史记录中的操作人就是登录的成员。"
            "填报人只能录入本支部的问题；审核人审核所负责支部的销号；查看只能查看。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setHorizontalHeaderLabels(HEADERS)
        read_only_rows(self.table)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("添加成员…")
        self.add_button.setToolTip("为一位同志开设登录账户，指定角色和支部")
        self.add_button.clicked.connect(self.add)
        self.disable_button = QPushButton("停用")
        self.disable_button.setToolTip("所选成员不能再登录；其姓名仍保留在历史记录中")
        self.disable_button.clicked.connect(self.disable)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.disable_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        session.changed.connect(self._changed)
        self.reload()

    def _changed(self, changes: Changes) -> None:
        if changes.members or changes.committee:
            self.reload()

    def reload(self) -> None:
        ledger = self.session.ledger
        rows = list_members(ledger) if ledger is not None and ledger.member else []
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            cells = [
                row.name,
                row.login,
                row.role_label,
                row.branch,
                "在用" if row.active else "已停用",
            ]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if not row.active:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()

    def selected_login(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 1).text() if rows else None

    def add(self) -> None:
        dialog = MemberDialog(self.session, self)
        dialog.exec()

    def disable(self) -> None:
        login = self.selected_login()
        if login is None:
            QMessageBox.information(self, "停用成员", "请先在表中选择一位成员。")
            return
        answer = QMessageBox.question(
            self,
            "停用成员",
            f"停用“{login}”后，该账户不能再登录；其姓名仍保留在历史记录中。\n\n确定停用吗？",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.session.perform(self, disable_member, login)


class MemberDialog(QDialog):
    """添加成员: login, name, role, branch, and the password typed twice."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("添加成员")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.login = QLineEdit()
        self.login.setPlaceholderText("小写英文字母、数字和下划线，如 zhangsan")
        self.name = QLineEdit()
        self.name.setPlaceholderText("记入历史记录的姓名")
        self.role = QComboBox()
        for code in ROLES:
            self.role.addItem(ROLE_LABELS[code], code)
            self.role.setItemData(
                self.role.count() - 1, ROLE_DUTIES[code], Qt.ItemDataRole.ToolTipRole
            )
        self.role.setCurrentIndex(ROLES.index("reporter"))
        self.branch = QComboBox()
        self.branch.setEditable(True)
        self.branch.setToolTip("填报人所在的支部；审核人负责的支部（留空则审核全部支部）")
        self.branch.addItem("")
        for row in branches(session.ledger):
            self.branch.addItem(row.name)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.again = QLineEdit()
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow("登录名：", self.login)
        form.addRow("姓名：", self.name)
        form.addRow("角色：", self.role)
        form.addRow("支部：", self.branch)
        form.addRow("密码：", self.password)
        form.addRow("再输一次：", self.again)
        layout.addLayout(form)
        self.message = QLabel()
        self.message.setStyleSheet("color:#8c1d18;")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        layout.addWidget(ok_cancel(self, "添加"))

    def accept(self) -> None:
        if self.password.text() != self.again.text():
            self.message.setText("两次输入的密码不一致。")
            return
        done = self.session.perform(
            self,
            add_member,
            self.login.text(),
            name=self.name.text(),
            role=self.role.currentData(),
            branch=self.branch.currentText(),
            password=self.password.text(),
        )
        if done is not None:
            super().accept()
