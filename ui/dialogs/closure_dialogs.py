"""The two 销号 steps: 申请销号 (with a checklist of what is still missing) and 审核通过.

Both read the guards from `tracker.workflow` through `problem_facts`, so the checklist shows
exactly the conditions the service will enforce, in the same words; both call the service
themselves on OK and stay open with the user's input when it refuses.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from tracker import services, workflow
from tracker.dates import format_date
from tracker.models import Person
from tracker.services.lookup import problem_facts, problem_row

from ..session import Session
from ..widgets import DateEdit, to_qdate
from .reason_dialog import field_error

OK_STYLE = "color: #2e7d32;"
MISSING_STYLE = "color: #c62828;"
PLACEHOLDER = "…"  # stands for text the user is about to type, so only real obstacles remain


def _summary(problem: dict) -> QLabel:
    text = problem["description"]
    if len(text) > 120:
        text = text[:120] + "……"
    label = QLabel(f"<b>问题 {problem['code']}</b>：{html.escape(text)}")
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def _buttons(dialog: QDialog, ok_text: str) -> tuple[QDialogButtonBox, QWidget]:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons, ok


class _ClosureDialog(QDialog):
    """A dialog about one problem's closure: reads the problem and its guard facts, shows its summary."""

    def __init__(
        self, session: Session, problem_id: int, title: str, width: int, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.problem_id = problem_id
        self.problem = problem_row(session.ledger, problem_id)
        self.facts = problem_facts(session.ledger, self.problem)
        self.setWindowTitle(f"{title} — {self.problem['code']}")
        self.setMinimumWidth(width)
        self.body = QVBoxLayout(self)
        self.body.addWidget(_summary(self.problem))


class RequestClosureDialog(_ClosureDialog):
    """申请销号: what is still missing (open measures, evidence, note) and the 销号说明 itself."""

    def __init__(self, session: Session, problem_id: int, parent: QWidget | None = None) -> None:
        super().__init__(session, problem_id, "申请销号", 520, parent)
        layout = self.body

        box = QGroupBox("销号条件")
        checks = QVBoxLayout(box)
        live = [s for s in self.facts.measure_statuses if s != workflow.M_VOID]
        counts = {
            s: live.count(s) for s in (workflow.M_DONE, workflow.M_LONG_TERM, workflow.M_OPEN)
        }
        measures_ok = bool(live) and counts[workflow.M_OPEN] == 0
        self.measures_check = self._check(
            measures_ok,
            f"整改措施：共 {len(live)} 项，已完成 {counts[workflow.M_DONE]} 项，"
            f"长期坚持 {counts[workflow.M_LONG_TERM]} 项，未完成 {counts[workflow.M_OPEN]} 项",
        )
        evidence = self.facts.evidence_count
        self.evidence_check = self._check(
            evidence > 0, f"佐证材料：已上传 {evidence} 份" if evidence else "佐证材料：尚未上传"
        )
        self.note_check = self._check(False, "")
        for label in (self.measures_check, self.evidence_check, self.note_check):
            checks.addWidget(label)
        self.blockers = QLabel()
        self.blockers.setWordWrap(True)
        self.blockers.setStyleSheet(MISSING_STYLE)
        checks.addWidget(self.blockers)
        layout.addWidget(box)

        note_label = QLabel("销号说明（必填）：")
        layout.addWidget(note_label)
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("写明各项措施的落实情况和取得的效果，供审核人审核")
        self.note.setTabChangesFocus(True)
        self.note.setMinimumHeight(110)
        note_label.setBuddy(self.note)
        layout.addWidget(self.note)
        self.buttons, self.ok_button = _buttons(self, "提交申请")
        layout.addWidget(self.buttons)
        self.note.textChanged.connect(self._update)
        self._update()
        self.note.setFocus()

    @staticmethod
    def _check(ok: bool, text: str) -> QLabel:
        label = QLabel()
        _set_check(label, ok, text)
        return label

    def blocking_reasons(self) -> list[str]:
        """The guards that typing a note cannot fix (open measures, no evidence)."""
        self.facts.closure_note = PLACEHOLDER
        return workflow.refusals("request_closure", self.facts)

    def _update(self) -> None:
        written = bool(self.note_text())
        _set_check(
            self.note_check, written, "销号说明：已填写" if written else "销号说明：尚未填写"
        )
        blocking = self.blocking_reasons()
        self.blockers.setText("暂不能申请销号：\n" + "\n".join(blocking) if blocking else "")
        self.blockers.setVisible(bool(blocking))
        self.ok_button.setEnabled(not blocking)
        self.ok_button.setToolTip("\n".join(blocking) or "提交后问题进入“待销号”，等待审核")

    def note_text(self) -> str:
        return self.note.toPlainText().strip()

    def values(self) -> dict:
        return {"closure_note": self.note_text()}

    def accept(self) -> None:
        if not self.note_text():
            field_error(self, self.note, "销号说明", "不能为空：请写明整改落实情况。")
            return
        changes = self.session.perform(
            self,
            services.request_closure,
            self.problem_id,
            self.note_text(),
            expected_version=self.problem["version"],
        )
        if changes is not None:
            super().accept()


def _set_check(label: QLabel, ok: bool, text: str) -> None:
    label.setText(("✔ " if ok else "✘ ") + text)
    label.setStyleSheet(OK_STYLE if ok else MISSING_STYLE)


class ApproveClosureDialog(_ClosureDialog):
    """审核通过: who reviewed it, their opinion and the 销号 date; warns if the reviewer is responsible."""

    def __init__(self, session: Session, problem_id: int, parent: QWidget | None = None) -> None:
        super().__init__(session, problem_id, "审核通过（销号）", 540, parent)
        ledger = session.ledger
        layout = self.body

        facts_form = QFormLayout()
        applicant = QLabel(self.problem["applicant"] or "（未记录）")
        facts_form.addRow("申请人：", applicant)
        note = QLabel(self.problem["closure_note"] or "（无）")
        note.setWordWrap(True)
        facts_form.addRow("销号说明：", note)
        facts_form.addRow("佐证材料：", QLabel(f"{self.facts.evidence_count} 份"))
        responsible = "、".join(sorted(self.facts.responsible_names)) or "（未指定）"
        facts_form.addRow("责任领导/责任人：", QLabel(responsible))
        layout.addLayout(facts_form)

        form = QFormLayout()
        self.reviewer = QComboBox()
        self.reviewer.setEditable(True)
        self.reviewer.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        names = ledger.select(Person, Person.name).where(Person.active == True)  # noqa: E712
        self.reviewer.addItems([name for (name,) in names.order_by(Person.id).tuples()])
        self.reviewer.setCurrentIndex(-1)
        self.reviewer.lineEdit().setPlaceholderText("填写或选择审核人姓名")
        self.reviewer.setToolTip("审核人一般不应是该问题的责任领导或责任人")
        if ledger.member is not None:  # a shared ledger: the reviewer is the one logged in
            self.reviewer.setEditText(ledger.actor)
            self.reviewer.setEnabled(False)
            self.reviewer.setToolTip("多人共用的台账上，审核人就是登录的成员本人")
        form.addRow("审核人（必填）：", self.reviewer)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #b26a00;")
        self.warning.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        form.addRow(self.warning)
        self.opinion = QPlainTextEdit()
        self.opinion.setPlaceholderText("审核意见（选填），如：佐证材料齐全，同意销号")
        self.opinion.setTabChangesFocus(True)
        self.opinion.setMaximumHeight(100)
        form.addRow("审核意见：", self.opinion)
        self.closed_on = DateEdit(ledger.today())
        self.closed_on.setMaximumDate(to_qdate(ledger.today()))
        self.closed_on.setToolTip(f"销号日期不能晚于今天（{format_date(ledger.today())}）")
        form.addRow("销号日期：", self.closed_on)
        layout.addLayout(form)
        self.buttons, self.ok_button = _buttons(self, "审核通过")
        layout.addWidget(self.buttons)
        self.reviewer.editTextChanged.connect(self._update)
        self._update()
        self.reviewer.setFocus()

    def reviewer_name(self) -> str:
        return self.reviewer.currentText().strip()

    def set_reviewer(self, name: str) -> None:
        self.reviewer.setEditText(name)

    def reviewer_warnings(self) -> list[str]:
        self.facts.reviewer = self.reviewer_name()
        return workflow.warnings("approve", self.facts)

    def _update(self) -> None:
        warnings = self.reviewer_warnings()
        self.warning.setText("⚠ " + "".join(warnings) if warnings else "")
        self.warning.setVisible(bool(warnings))

    def values(self) -> dict:
        return {
            "reviewer": self.reviewer_name(),
            "opinion": self.opinion.toPlainText().strip(),
            "closed_on": self.closed_on.value(),
        }

    def same_person_box(self) -> tuple[QMessageBox, QWidget]:
        """The question asked when the reviewer requested this 销号 too (Esc and Enter = 取消)."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "申请人与审核人是同一人",
            workflow.same_person_sentence(self.facts)
            + "\n\n如果本台账只有您一人维护、确实由您本人审核，可以继续；"
            "历史记录中会注明“申请人与审核人为同一人”。",
            parent=self,
        )
        go = box.addButton("仍然审核通过", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        return box, go

    def confirm_same_person(self) -> bool:
        box, go = self.same_person_box()
        box.exec()
        return box.clickedButton() is go

    def accept(self) -> None:
        values = self.values()
        if not values["reviewer"]:
            field_error(self, self.reviewer, "审核人", "不能为空：请填写审核人姓名。")
            return
        self.facts.reviewer = values["reviewer"]
        confirmed = False
        if workflow.same_person(self.facts) and self.session.ledger.is_sqlite:
            if not self.confirm_same_person():
                return
            confirmed = True
        changes = self.session.perform(
            self,
            services.approve_closure,
            self.problem_id,
            values["reviewer"],
            values["opinion"],
            closed_on=values["closed_on"],
            expected_version=self.problem["version"],
            same_person_confirmed=confirmed,
        )
        if changes is not None:
            super().accept()
