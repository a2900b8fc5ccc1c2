"""The 名录 tab of 设置: categories, sources, departments, people and review batches.

Entries are never deleted (old problems keep pointing at them): they are added, renamed, and
retired/reactivated, each a journaled service call that takes effect at once. The entry editor
runs the service itself and stays open with the user's input when the ledger refuses.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker import services
from tracker.dates import format_date
from tracker.models import Batch, Department, Source
from tracker.services.dictionaries import TERM_LABELS, TERMS

from ..session import Session
from ..widgets import DateEdit, DictionaryCombo
from .reason_dialog import field_error

KINDS = [
    ("category", "问题类别"),
    ("source", "问题来源"),
    ("department", "部门"),
    ("person", "人员"),
    ("batch", "整改批次"),
]
COLUMNS = {
    "person": ["姓名", "部门", "职务", "状态"],
    "batch": ["名称", "问题来源", "召开日期", "文号"],
}
MUTED = QColor("#9aa3ad")


def entries(session: Session, kind: str) -> list[dict]:
    """Every entry of a dictionary, retired ones included, with the names a table shows."""
    ledger = session.ledger
    if kind == "batch":
        sources = dict(ledger.select(Source, Source.id, Source.name).tuples())
        rows = ledger.select(Batch).order_by(Batch.held_on.desc(nulls="last"), Batch.id.desc())
        return [
            {
                **r,
                "active": True,
                "cells": [
                    r["name"],
                    sources.get(r["source"], ""),
                    format_date(r["held_on"]),
                    r["doc_no"],
                ],
            }
            for r in rows.dicts()
        ]
    model = TERMS[kind]
    order = model.sort_order if "sort_order" in model._meta.fields else model.id
    rows = list(ledger.select(model).order_by(model.active.desc(), order, model.id).dicts())
    if kind == "person":
        departments = dict(ledger.select(Department, Department.id, Department.name).tuples())
        for r in rows:
            r["cells"] = [r["name"], departments.get(r["department"], ""), r["post"]]
    for r in rows:
        r.setdefault("cells", [r["name"]]).append("使用中" if r["active"] else "已停用")
    return rows


class EntryDialog(QDialog):
    """Add or edit one entry; `submit(values) -> bool` runs the service, False keeps it open."""

    def __init__(
        self,
        session: Session,
        kind: str,
        current: dict | None,
        submit: Callable[[dict], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self._submit = submit
        label = dict(KINDS)[kind]
        self.setWindowTitle(f"{'修改' if current else '新增'}{label}")
        self.setMinimumWidth(400)
        form = QFormLayout(self)
        self.name = QLineEdit(current["name"] if current else "")
        form.addRow("名称（必填）：" if kind != "person" else "姓名（必填）：", self.name)
        if kind == "person":
            self.department = DictionaryCombo(session.ledger, "department")
            self.department.set_value(current["department"] if current else None)
            form.addRow("部门：", self.department)
            self.post = QLineEdit(current["post"] if current else "")
            self.post.setPlaceholderText("如：支部书记、科长")
            form.addRow("职务：", self.post)
        if kind == "batch":
            self.source = DictionaryCombo(session.ledger, "source")
            self.source.set_value(current["source"] if current else None)
            form.addRow("问题来源：", self.source)
            held_on = current["held_on"] if current else None
            self.has_date = QCheckBox("填写召开日期")
            self.has_date.setChecked(held_on is not None)
            self.held_on = DateEdit(held_on or session.ledger.today())
            self.held_on.setEnabled(held_on is not None)
            self.has_date.toggled.connect(self.held_on.setEnabled)
            row = QHBoxLayout()
            row.addWidget(self.has_date)
            row.addWidget(self.held_on, 1)
            form.addRow("召开日期：", row)
            self.doc_no = QLineEdit(current["doc_no"] if current else "")
            self.doc_no.setPlaceholderText("如：X党发〔2026〕3号")
            form.addRow("文号：", self.doc_no)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.name.setFocus()

    def values(self) -> dict:
        out = {"name": self.name.text().strip()}
        if self.kind == "person":
            out.update(department=self.department.value(), post=self.post.text().strip())
        if self.kind == "batch":
            held_on = self.held_on.value() if self.has_date.isChecked() else None
            out.update(
                source=self.source.value(), held_on=held_on, doc_no=self.doc_no.text().strip()
            )
        return out

    def accept(self) -> None:
        if not self.values()["name"]:
            field_error(self, self.name, TERM_LABELS.get(self.kind, "整改批次"), "名称不能为空。")
            return
        if self._submit(self.values()):
            super().accept()


class DirectoryTab(QWidget):
    """Pick a dictionary on the left; add, edit and retire its entries on the right."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.rows: list[dict] = []
        layout = QHBoxLayout(self)
        self.kinds = QListWidget()
        self.kinds.addItems([label for _, label in KINDS])
        self.kinds.setFixedWidth(110)
        self.kinds.setToolTip("选择要维护的名录")
        layout.addWidget(self.kinds)
        right = QVBoxLayout()
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(self.edit)
        right.addWidget(self.table, 1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton("新增…")
        self.add_button.clicked.connect(self.add)
        self.edit_button = QPushButton("修改…")
        self.edit_button.clicked.connect(self.edit)
        self.toggle_button = QPushButton("停用")
        self.toggle_button.clicked.connect(self.toggle)
        for button in (self.add_button, self.edit_button, self.toggle_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        right.addLayout(buttons)
        note = QLabel(
            "名录的修改立即保存并记入历史记录。停用的条目不再出现在选择列表中，已有问题不受影响。"
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f6b7a;")
        right.addWidget(note)
        layout.addLayout(right, 1)
        self.kinds.currentRowChanged.connect(lambda _: self.reload())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.kinds.setCurrentRow(0)

    @property
    def kind(self) -> str:
        return KINDS[max(self.kinds.currentRow(), 0)][0]

    def reload(self, select_id: int | None = None) -> None:
        kind = self.kind
        self.rows = entries(self.session, kind)
        headers = COLUMNS.get(kind, ["名称", "状态"])
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            for c, text in enumerate(row["cells"]):
                item = QTableWidgetItem(text)
                if not row["active"]:
                    item.setForeground(MUTED)
                self.table.setItem(r, c, item)
            if row["id"] == select_id:
                self.table.selectRow(r)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        label = dict(KINDS)[kind]
        self.add_button.setToolTip(f"新增{label}")
        self.edit_button.setToolTip(
            f"修改所选{label}的名称" + ("、部门和职务" if kind == "person" else "")
        )
        self._update_buttons()

    def selected(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.rows[rows[0].row()] if rows else None

    def select_name(self, name: str) -> None:
        for r, row in enumerate(self.rows):
            if row["name"] == name:
                self.table.selectRow(r)

    def _update_buttons(self) -> None:
        row, writable = self.selected(), not self.session.read_only
        self.add_button.setEnabled(writable)
        self.edit_button.setEnabled(writable and row is not None)
        can_toggle = writable and row is not None and self.kind != "batch"
        self.toggle_button.setEnabled(can_toggle)
        self.toggle_button.setText("启用" if row is not None and not row["active"] else "停用")
        self.toggle_button.setToolTip(
            "整改批次没有停用"
            if self.kind == "batch"
            else "停用后不再出现在选择列表中；可随时重新启用"
        )

    # -- actions ---------------------------------------------------------------------------------
    def run_dialog(self, dialog: QDialog) -> bool:
        """Show an entry editor modally (tests replace this to fill it in and press OK)."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def add(self) -> None:
        kind, created = self.kind, []

        def submit(values: dict) -> bool:
            if kind == "batch":
                changes = self.session.perform(self, services.add_batch, **values)
            else:
                extra = {k: values[k] for k in ("department", "post") if k in values}
                changes = self.session.perform(
                    self, services.add_term, kind, values["name"], **extra
                )
            if changes is not None:
                created.append(changes.created_id)
            return changes is not None

        if self.run_dialog(EntryDialog(self.session, kind, None, submit, self)):
            self.reload(created[0] if created else None)

    def edit(self) -> None:
        row, kind = self.selected(), self.kind
        if row is None or self.session.read_only:
            return

        def submit(values: dict) -> bool:
            if kind == "batch":
                changed = {k: v for k, v in values.items() if row[k] != v}
                return not changed or self._do(services.update_batch, row["id"], **changed)
            if values["name"] != row["name"] and not self._do(
                services.rename_term, kind, row["id"], values["name"]
            ):
                return False
            if kind == "person" and (values["department"], values["post"]) != (
                row["department"],
                row["post"],
            ):
                return self._do(
                    services.update_person,
                    row["id"],
                    department=values["department"],
                    post=values["post"],
                )
            return True

        self.run_dialog(EntryDialog(self.session, kind, row, submit, self))
        self.reload(row["id"])

    def toggle(self) -> None:
        row = self.selected()
        if row is not None and self.kind != "batch":
            self._do(services.set_term_active, self.kind, row["id"], not row["active"])
            self.reload(row["id"])

    def _do(self, action, *args, **kwargs) -> bool:
        return self.session.perform(self, action, *args, **kwargs) is not None
