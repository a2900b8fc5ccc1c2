"""支部名单: the branches whose monthly reports this ledger collects — add, edit, retire, restore.

Every change goes through `Session.perform` (validated, journaled); a refusal names the field and
the form stays open with what the user typed. A branch is never deleted: retired, it is no longer
asked for reports, and its past reports stay in the rollups.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
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
from tracker.dates import format_month
from tracker.exchange import branches as service
from tracker.exchange.branches import BranchRow
from tracker.exchange.identity import key_fingerprint

from ..dialogs.reason_dialog import field_error
from ..session import Session
from ..widgets import close_row, ok_cancel, read_only_rows

COLUMNS = ["名称", "联系人", "电话", "状态", "签名密钥指纹", "最近报送", "停用"]
MUTED = QColor("#9aa3ad")


def state(branch: BranchRow, latest: tuple[int, int, bool] | None) -> str:
    if branch.bound:
        return "已登记签名"
    return "手工台账（无签名）" if latest else "尚未报送"


def latest_text(latest: tuple[int, int, bool] | None) -> str:
    if latest is None:
        return "—"
    year, month, verified = latest
    return format_month(year, month) + ("" if verified else "（未校验）")


class BranchForm(QDialog):
    """登记 or 修改 one branch. `submit(name, contact, phone) -> bool` runs the action on OK."""

    def __init__(
        self,
        title: str,
        submit: Callable[[str, str, str], bool],
        branch: BranchRow | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(440)
        self._submit = submit
        form = QFormLayout(self)
        self.name = QLineEdit(branch.name if branch else "")
        self.name.setPlaceholderText("与其月报上的填报单位一致，如：第一党支部")
        self.contact = QLineEdit(branch.contact if branch else "")
        self.phone = QLineEdit(branch.phone if branch else "")
        form.addRow("支部名称：", self.name)
        form.addRow("联系人：", self.contact)
        form.addRow("电话：", self.phone)
        if branch is not None and branch.bound:
            note = QLabel(
                "改名不影响核对：该支部的月报按其台账编号和签名密钥识别（指纹 "
                f"{key_fingerprint(branch.public_key)}）。"
            )
            note.setWordWrap(True)
            note.setStyleSheet("color: #5f6b7a;")
            form.addRow(note)
        form.addRow(ok_cancel(self, "保存", self._save))

    def _save(self) -> None:
        if not self.name.text().strip():
            field_error(self, self.name, "支部名称", "不能为空。")
            return
        if self._submit(self.name.text(), self.contact.text(), self.phone.text()):
            self.accept()


class BranchListDialog(QDialog):
    """The list with its four actions; refreshes itself from the session's `changed`."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.rows: list[BranchRow] = []
        self.setWindowTitle("支部名单")
        self.resize(980, 520)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "这里登记需要报送月报的下级支部。支部名称应与其月报上的填报单位一致；"
            "第一次收到某支部的月报时，程序记下它的台账编号和签名密钥，以后它的月报必须来自同一台账。"
            "不再报送的支部可以停用（已收到的报表保留）。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        read_only_rows(self.table, stretch=0)
        self.table.cellDoubleClicked.connect(lambda *_: self.edit())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)

        self.add_button = QPushButton("登记支部…")
        self.edit_button = QPushButton("修改…")
        self.retire_button = QPushButton("停用")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.retire_button.clicked.connect(self.toggle_active)
        buttons = (self.add_button, self.edit_button, self.retire_button)
        layout.addLayout(close_row(self.reject, *buttons))
        session.changed.connect(self._changed)
        self.reload()

    # -- reading ---------------------------------------------------------------------------------
    def _changed(self, changes: Changes) -> None:
        if changes.committee:
            self.reload()

    def reload(self, select: int | None = None) -> None:
        keep = select if select is not None else self.selected_id()
        ledger = self.session.ledger
        self.rows = service.branches(ledger, include_retired=True) if ledger else []
        latest = service.latest_reports(ledger) if ledger else {}
        self.table.setRowCount(len(self.rows))
        for r, branch in enumerate(self.rows):
            fingerprint = key_fingerprint(branch.public_key) if branch.bound else "—"
            values = [
                branch.name,
                branch.contact,
                branch.phone,
                state(branch, latest.get(branch.id)),
                fingerprint,
                latest_text(latest.get(branch.id)),
                "" if branch.active else "已停用",
            ]
            for c, text in enumerate(values):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if not branch.active:
                    item.setForeground(MUTED)
                self.table.setItem(r, c, item)
        ids = [b.id for b in self.rows]
        if keep in ids:
            self.table.selectRow(ids.index(keep))
        self._update_buttons()

    def selected(self) -> BranchRow | None:
        row = self.table.currentRow()
        picked = self.table.selectionModel().selectedRows()
        return self.rows[row] if picked and 0 <= row < len(self.rows) else None

    def selected_id(self) -> int | None:
        branch = self.selected()
        return branch.id if branch else None

    def _update_buttons(self) -> None:
        writable = not self.session.read_only
        branch = self.selected()
        self.add_button.setEnabled(writable)
        self.edit_button.setEnabled(writable and branch is not None)
        self.retire_button.setEnabled(writable and branch is not None)
        self.retire_button.setText("恢复" if branch is not None and not branch.active else "停用")

    # -- actions ---------------------------------------------------------------------------------
    def add(self) -> None:
        def submit(name: str, contact: str, phone: str) -> bool:
            changes = self.session.perform(self, service.add_branch, name, contact, phone)
            if changes is not None:
                self.reload(select=changes.created_id)
            return changes is not None

        BranchForm("登记支部", submit, parent=self).exec()

    def edit(self) -> None:
        branch = self.selected()
        if branch is None or self.session.read_only:
            return

        def submit(name: str, contact: str, phone: str) -> bool:
            changes = self.session.perform(
                self, service.edit_branch, branch.id, name=name, contact=contact, phone=phone
            )
            return changes is not None

        BranchForm(f"修改支部 — {branch.name}", submit, branch, self).exec()

    def toggle_active(self) -> None:
        branch = self.selected()
        if branch is None:
            return
        if branch.active:
            answer = QMessageBox.question(
                self,
                "停用支部",
                f"停用“{branch.name}”？\n停用后汇总中不再把它列为未报送；已收到的报表保留，可随时恢复。",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.session.perform(self, service.set_branch_active, branch.id, not branch.active)
