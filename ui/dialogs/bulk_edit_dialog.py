"""批量修改: set one value on many selected problems, journaled per problem like a single edit.

Each field has its own “修改此项” box: an unticked field is passed as `KEEP` and left alone, so
“clear the owner” (ticked, empty) and “don't touch the owner” (unticked) cannot be confused.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from tracker import services, workflow
from tracker.models import Problem
from tracker.services.measures import KEEP

from ..session import Session
from ..widgets import DeadlineEdit, DictionaryCombo
from .reason_dialog import field_error

CHUNK = 500  # ids per IN (...) query: well below SQLite's variable limit


def editable_count(session: Session, problem_ids: list[int]) -> int:
    """How many of the problems may be edited now (the service skips the others, with a warning)."""
    count = 0
    for start in range(0, len(problem_ids), CHUNK):
        chunk = problem_ids[start : start + CHUNK]
        count += (
            session.ledger.select(Problem)
            .where(Problem.id.in_(chunk) & Problem.status.in_(list(workflow.EDITABLE)))
            .count()
        )
    return count


class BulkEditDialog(QDialog):
    """问题类别 / 责任部门 on the problems, 责任人 / 整改时限 on their open measures."""

    FIELDS = (
        ("category", "问题类别", "所选问题的问题类别"),
        ("department", "责任部门", "所选问题的责任部门"),
        ("owner", "责任人", "所选问题中未完成措施的责任人"),
        ("deadline", "整改时限", "所选问题中未完成措施的整改时限"),
    )

    def __init__(
        self, session: Session, problem_ids: list[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.problem_ids = list(dict.fromkeys(problem_ids))
        ledger = session.ledger
        self.setWindowTitle(f"批量修改 — {len(self.problem_ids)} 个问题")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        editable = editable_count(session, self.problem_ids)
        intro = f"将修改所选的 {len(self.problem_ids)} 个问题。勾选“修改此项”的内容才会被修改。"
        skipped = len(self.problem_ids) - editable
        if skipped:
            intro += f"\n其中 {skipped} 个问题处于待销号、已销号或已作废状态，将被跳过。"
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)

        self.editors: dict[str, QWidget] = {
            "category": DictionaryCombo(ledger, "category", empty_text="（清空）"),
            "department": DictionaryCombo(ledger, "department", empty_text="（清空）"),
            "owner": DictionaryCombo(ledger, "person", empty_text="（清空）"),
            "deadline": DeadlineEdit(),
        }
        self.checks: dict[str, QCheckBox] = {}
        grid = QGridLayout()
        grid.setColumnStretch(2, 1)
        for row, (name, label, tip) in enumerate(self.FIELDS):
            check = QCheckBox("修改此项")
            check.setToolTip(f"勾选后修改{tip}")
            editor = self.editors[name]
            editor.setToolTip(tip)
            editor.setEnabled(False)
            check.toggled.connect(editor.setEnabled)
            self.checks[name] = check
            grid.addWidget(check, row, 0)
            caption = QLabel(f"{label}：")
            caption.setBuddy(editor.edit if isinstance(editor, DeadlineEdit) else editor)
            grid.addWidget(caption, row, 1)
            grid.addWidget(editor, row, 2)
        layout.addLayout(grid)
        note = QLabel("责任人和整改时限只修改“未完成”的措施；已完成、长期坚持的措施保持不变。")
        note.setWordWrap(True)
        note.setStyleSheet("color: #5f6b7a;")
        layout.addWidget(note)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("批量修改")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.checks["category"].setFocus()

    def set_field(self, name: str, value) -> None:
        """Tick `name` and set its value (an id for the pickers, text for the deadline)."""
        self.checks[name].setChecked(True)
        editor = self.editors[name]
        if isinstance(editor, DeadlineEdit):
            editor.setText(value)
        else:
            editor.set_value(value)

    def values(self) -> dict:
        """Keyword arguments for `services.bulk_update`: KEEP for every unticked field."""
        out = {}
        for name, _, _ in self.FIELDS:
            editor = self.editors[name]
            if not self.checks[name].isChecked():
                out[name] = KEEP
            elif isinstance(editor, DeadlineEdit):
                out[name] = editor.text()
            else:
                out[name] = editor.value()
        return out

    def accept(self) -> None:
        values = self.values()
        if all(v is KEEP for v in values.values()):
            field_error(self, self.checks["category"], "批量修改", "请至少勾选一项要修改的内容。")
            return
        if values["deadline"] is not KEEP and not values["deadline"]:
            field_error(
                self, self.editors["deadline"].edit, "整改时限", "不能为空：请填写新的整改时限。"
            )
            return
        changes = self.session.perform(self, services.bulk_update, self.problem_ids, **values)
        if changes is not None:
            super().accept()
