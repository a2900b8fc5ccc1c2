"""延期申请 and its decision: a later deadline asked for with a reason, decided by someone else.

The request dialog offers a problem's open measures (the caller may preselect one), shows the
current and original deadline, and who asks (the measure's owner unless changed). Nothing moves
until the decision dialog's 批准; there the decider's name is compared with the requester's as
for 销号: on a single-user file the same person is asked to confirm, on a shared ledger refused.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker import workflow
from tracker.dates import format_date
from tracker.detail import MeasureView, ProblemDetail, problem_detail
from tracker.followup import extensions
from tracker.followup.facts import extension_label
from tracker.models import ExtensionRequest

from ..dialogs.reason_dialog import field_error
from ..session import Session
from ..widgets import DeadlineEdit, note_edit


def open_measures(detail: ProblemDetail) -> list[MeasureView]:
    """The measures of a problem a 延期申请 applies to (open ones; done/long-term/void cannot)."""
    return [m for m in detail.measures if m.status == workflow.M_OPEN]


def _measure_title(m: MeasureView) -> str:
    text = m.text if len(m.text) <= 40 else m.text[:40] + "……"
    return f"措施{m.seq}：{text}"


def describe_deadline(m: MeasureView) -> str:
    """“2026年6月底前（即 2026年6月30日，延期 1 次（原时限：…））” — as written, then read."""
    if not m.deadline_text:
        return "（未填写）"
    parts = []
    if m.deadline_date is not None and format_date(m.deadline_date) != m.deadline_text:
        parts.append(f"即 {format_date(m.deadline_date)}")
    elif m.deadline_date is None:
        parts.append(m.deadline_reading)
    if m.overdue:
        parts.append("已逾期")
    if m.extensions:
        parts.append(extension_label(m.extensions, m.original_deadline))
    if m.pending_request:
        parts.append("有待审批的延期申请")
    return m.deadline_text + (f"（{'，'.join(parts)}）" if parts else "")


class ExtensionRequestDialog(QDialog):
    """Pick the measure (if several are open), type the deadline wanted, why, and who asks."""

    def __init__(
        self,
        session: Session,
        problem_id: int,
        *,
        measure_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.problem_id = problem_id
        detail = problem_detail(session.ledger, problem_id)
        self.measures = open_measures(detail)
        self.setWindowTitle(f"申请延期 — {detail.row['code']}")
        self.setMinimumWidth(540)
        layout = QVBoxLayout(self)
        about = QLabel(
            "延期须在期限届满前申请，由申请人以外的人审批；批准后整改时限才改为新期限，"
            "原时限和延期次数保留在台账和报表中。"
        )
        about.setWordWrap(True)
        about.setStyleSheet("color: #5f6b7a;")
        layout.addWidget(about)
        form = QFormLayout()
        self.measure = QComboBox()
        for m in self.measures:
            self.measure.addItem(_measure_title(m), m.id)
            self.measure.setItemData(self.measure.count() - 1, m.text, Qt.ItemDataRole.ToolTipRole)
        self.measure.setEnabled(len(self.measures) > 1)
        self.measure.setToolTip("只有未完成的整改措施可以申请延期")
        form.addRow("整改措施：", self.measure)
        self.owner = QLabel()
        form.addRow("责任人：", self.owner)
        self.current = QLabel()
        self.current.setWordWrap(True)
        form.addRow("当前期限：", self.current)
        self.deadline = DeadlineEdit()
        today = session.ledger.today()
        self.deadline.set_context(today, today)  # a new 立行立改 counts from today
        form.addRow("申请延至（必填）：", self.deadline)
        self.reason = note_edit("写明不能按期完成的原因，如：涉及上级审批，需等待批复", 110)
        form.addRow("延期理由（必填）：", self.reason)
        self.applicant = QLineEdit()
        self.applicant.setToolTip("提出延期的人，一般是措施的责任人；审批须由其他人进行")
        form.addRow("申请人：", self.applicant)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("提交申请")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.measure.currentIndexChanged.connect(self._show_measure)
        if measure_id is not None:
            self.select_measure(measure_id)
        self._show_measure()
        self.deadline.edit.setFocus()

    def select_measure(self, measure_id: int) -> None:
        index = self.measure.findData(measure_id)
        if index >= 0:
            self.measure.setCurrentIndex(index)

    def current_measure(self) -> MeasureView | None:
        index = self.measure.currentIndex()
        return self.measures[index] if 0 <= index < len(self.measures) else None

    def _show_measure(self) -> None:
        m = self.current_measure()
        self.owner.setText((m.owner or "（未指定）") if m else "")
        self.current.setText(describe_deadline(m) if m else "该问题没有未完成的整改措施。")
        self.applicant.setText(m.owner if m and m.owner else self.session.ledger.actor)
        late = m is not None and m.overdue  # a request comes before the deadline, not after
        if late:
            self.current.setText(
                f"{html.escape(describe_deadline(m))}<br><span style='color:#b3261e'>期限已过，不能再申请延期"
                "（延期须在期限届满前申请）；请抓紧整改，逾期情况如实报告。</span>"
            )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(m is not None and not m.pending_request and not late)
        why = "该措施已有待审批的延期申请" if m and m.pending_request else ""
        ok.setToolTip(why or ("期限已过，不能再申请延期" if late else ""))

    def values(self) -> dict:
        m = self.current_measure()
        return {
            "measure_id": m.id if m else None,
            "new_deadline": self.deadline.text(),
            "reason": self.reason.toPlainText().strip(),
            "applicant": self.applicant.text().strip(),
        }

    def accept(self) -> None:
        values = self.values()
        if values["measure_id"] is None:
            return
        if not values["new_deadline"]:
            field_error(self, self.deadline.edit, "新期限", "不能为空：请填写申请延至的整改时限。")
            return
        if not values["reason"]:
            field_error(self, self.reason, "延期理由", "不能为空：请写明延期的原因。")
            return
        changes = self.session.perform(
            self,
            extensions.request_extension,
            values["measure_id"],
            values["new_deadline"],
            values["reason"],
            applicant=values["applicant"],
        )
        if changes is not None:
            super().accept()


class ExtensionDecisionDialog(QDialog):
    """批准 / 不批准 a waiting request (or 撤回 it, for the one who asked)."""

    def __init__(self, session: Session, request_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.request_id = request_id
        ledger = session.ledger
        self.request = (
            ledger.select(ExtensionRequest).where(ExtensionRequest.id == request_id).dicts().first()
        )
        detail = problem_detail(ledger, _problem_of(ledger, self.request["measure"]))
        self.measure = next(m for m in detail.measures if m.id == self.request["measure"])
        self.setWindowTitle(f"审批延期申请 — {detail.row['code']} 措施 {self.measure.seq}")
        self.setMinimumWidth(540)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        text = QLabel(self.measure.text)
        text.setWordWrap(True)
        form.addRow("整改措施：", text)
        current = QLabel(describe_deadline(self.measure))
        current.setWordWrap(True)
        form.addRow("当前期限：", current)
        wanted = self.request["new_text"]
        if self.request["new_date"] and format_date(self.request["new_date"]) != wanted:
            wanted += f"（即 {format_date(self.request['new_date'])}）"
        form.addRow("申请延至：", QLabel(wanted))
        reason = QLabel(self.request["reason"])
        reason.setWordWrap(True)
        form.addRow("延期理由：", reason)
        asked = f"{self.request['requested_by']}（{self.request['requested_at'][:16]}）"
        form.addRow("申请人：", QLabel(asked))
        self.approver = QLineEdit(ledger.actor)
        self.approver.setToolTip("作出审批决定的人；应为申请人以外的人")
        form.addRow("审批人：", self.approver)
        self.note = note_edit("审批意见；不批准时必填，写明理由")
        form.addRow("审批意见：", self.note)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox()
        self.approve_button = QPushButton("批准")
        self.reject_button = QPushButton("不批准")
        self.withdraw_button = QPushButton("撤回申请")
        self.withdraw_button.setToolTip("申请人不再需要延期时撤回（记入历史）")
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("取消")
        for button in (self.approve_button, self.reject_button, self.withdraw_button):
            self.buttons.addButton(button, QDialogButtonBox.ButtonRole.ActionRole)
        self.approve_button.clicked.connect(self.approve)
        self.reject_button.clicked.connect(self.refuse)
        self.withdraw_button.clicked.connect(self.withdraw)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

    def same_person(self) -> bool:
        return self.approver.text().strip() == self.request["requested_by"].strip()

    def confirm_same_person(self) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "申请人与审批人是同一人",
            f"审批人“{self.approver.text().strip()}”就是申请延期的人。延期应由申请人以外的人批准。"
            "\n\n如果本台账只有您一人维护、确实由您本人审批，可以继续；"
            "历史记录中会注明“申请人与审批人为同一人”。",
            parent=self,
        )
        go = box.addButton("仍然批准", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        return box.clickedButton() is go

    def approve(self) -> None:
        name = self.approver.text().strip()
        if not name:
            field_error(self, self.approver, "审批人", "不能为空：请填写审批人姓名。")
            return
        confirmed = False
        if self.same_person() and self.session.ledger.is_sqlite:
            if not self.confirm_same_person():
                return
            confirmed = True
        self._done(
            extensions.approve_extension,
            self.request_id,
            name,
            self.note.toPlainText().strip(),
            same_person_confirmed=confirmed,
        )

    def refuse(self) -> None:
        note = self.note.toPlainText().strip()
        if not note:
            field_error(self, self.note, "不批准的理由", "不能为空：请写明不批准的理由。")
            return
        self._done(extensions.reject_extension, self.request_id, note, self.approver.text())

    def withdraw(self) -> None:
        self._done(extensions.withdraw_extension, self.request_id, self.note.toPlainText())

    def _done(self, action, *args, **kwargs) -> None:
        if self.session.perform(self, action, *args, **kwargs) is not None:
            self.accept()


def _problem_of(ledger, measure_id: int) -> int:
    from tracker.models import Measure

    return ledger.select(Measure, Measure.problem).where(Measure.id == measure_id).scalar()
