"""新建问题: list a problem (挂账) together with its measures, in one journaled action.

The measures are entered in the same dialog because a problem without its measures is only half
a line of the 三张清单; the service writes both in one transaction. Pickers autofill the obvious
(a person's department, a batch's source) but never overwrite what the user chose; a name typed
into a picker that 名录 does not have yet is offered to it (on Enter, or at 保存) — on the first
day 名录 is empty. Deadlines are read against today and the 查摆日期 as they are typed.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tracker import services, workflow
from tracker.errors import NotFoundError
from tracker.models import Batch, Person, Problem
from tracker.services.lookup import problem_id_by_code, problem_row

from ..session import Session
from ..widgets import DateEdit, DeadlineEdit, DictionaryCombo, resolve_all, to_qdate
from .reason_dialog import field_error


def _text_edit(placeholder: str, height: int) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(height)
    return edit


def _fill_if_empty(combo: DictionaryCombo, value: int | None) -> None:
    if combo.value() is None and value is not None:
        combo.set_value(value)


class MeasureEditor(QFrame):
    """One 整改措施 being written: text, owner, department, deadline (shown as read)."""

    def __init__(self, session: Session, number: int, on_remove) -> None:
        super().__init__()
        self.session = session
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        head = QHBoxLayout()
        self.title = QLabel()
        head.addWidget(self.title, 1)
        self.remove = QPushButton("删除")
        self.remove.setToolTip("删除这项措施")
        self.remove.clicked.connect(lambda: on_remove(self))
        head.addWidget(self.remove)
        layout.addLayout(head)
        form = QFormLayout()
        self.text = _text_edit("写明具体的整改措施", 56)
        form.addRow("整改措施：", self.text)
        ledger = session.ledger
        self.owner = DictionaryCombo(ledger, "person", session=session)
        form.addRow("责任人：", self.owner)
        self.department = DictionaryCombo(ledger, "department", session=session)
        form.addRow("责任部门：", self.department)
        self.deadline = DeadlineEdit()
        form.addRow("整改时限：", self.deadline)
        layout.addLayout(form)
        self.owner.currentIndexChanged.connect(self._owner_changed)
        self.set_number(number)

    def set_number(self, number: int) -> None:
        self.number = number
        self.title.setText(f"<b>措施 {number}</b>")

    def _owner_changed(self) -> None:
        owner = self.owner.value()
        if owner is not None:
            dept = self.session.ledger.select(Person, Person.department).where(Person.id == owner)
            _fill_if_empty(self.department, dept.scalar())

    def is_blank(self) -> bool:
        return not (
            self.text.toPlainText().strip()
            or self.owner.typed_text()
            or self.department.typed_text()
            or self.deadline.text()
        )

    def value(self) -> services.MeasureInput:
        return services.MeasureInput(
            text=self.text.toPlainText().strip(),
            owner=self.owner.value(),
            department=self.department.value(),
            deadline=self.deadline.text() or None,
        )

    def focus_chain(self) -> list[QWidget]:
        return [self.text, self.owner, self.department, self.deadline.edit, self.remove]

    def pickers(self) -> list[DictionaryCombo]:
        return [self.owner, self.department]


class NewProblemDialog(QDialog):
    """新建问题. On OK it calls `services.create_problem`; `created_id` is the new problem's id."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.created_id: int | None = None
        self.measure_editors: list[MeasureEditor] = []
        ledger = session.ledger
        self.setWindowTitle("新建问题")
        self.resize(1040, 680)
        layout = QVBoxLayout(self)
        columns = QHBoxLayout()
        layout.addLayout(columns, 1)

        problem_box = QGroupBox("问题")
        box_layout = QVBoxLayout(problem_box)
        form = QFormLayout()
        box_layout.addLayout(form)
        box_layout.addStretch(1)
        self.description = _text_edit("写明问题的具体表现（必填）", 96)
        form.addRow("问题描述（必填）：", self.description)
        self.cause = _text_edit("从思想、制度、执行等方面分析原因", 64)
        form.addRow("原因分析：", self.cause)
        self.target = _text_edit("整改到什么程度算完成", 52)
        form.addRow("整改目标：", self.target)
        self.category = DictionaryCombo(ledger, "category", session=session)
        form.addRow("问题类别：", self.category)
        self.source = DictionaryCombo(ledger, "source", session=session)
        form.addRow("问题来源：", self.source)
        self.batch = DictionaryCombo(ledger, "batch", session=session)
        form.addRow("整改批次：", self.batch)
        self.leader = DictionaryCombo(ledger, "person", session=session)
        form.addRow("责任领导：", self.leader)
        self.department = DictionaryCombo(ledger, "department", session=session)
        form.addRow("责任部门：", self.department)
        self.found_on = DateEdit(ledger.today())
        self.found_on.setMaximumDate(to_qdate(ledger.today()))
        form.addRow("查摆日期：", self.found_on)
        self.recurrence = QLineEdit()
        self.recurrence.setPlaceholderText("回头看发现反弹时，填写原问题编号，如 2026-003")
        self.recurrence.setToolTip("选填：只能关联一个已销号的问题")
        self.recurrence.setCompleter(self._closed_codes())
        self.recurrence_info = QLabel()
        self.recurrence_info.setWordWrap(True)
        recurrence_box = QVBoxLayout()
        recurrence_box.setSpacing(2)
        recurrence_box.addWidget(self.recurrence)
        recurrence_box.addWidget(self.recurrence_info)
        form.addRow("复发自：", recurrence_box)
        columns.addWidget(problem_box, 5)

        measures_box = QGroupBox("整改措施")
        measures_layout = QVBoxLayout(measures_box)
        self.measure_list = QVBoxLayout()
        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.addLayout(self.measure_list)
        holder_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        measures_layout.addWidget(scroll, 1)
        self.add_button = QPushButton("＋ 添加措施")
        self.add_button.setToolTip("再添加一项整改措施")
        self.add_button.clicked.connect(lambda: self.add_measure().text.setFocus())
        measures_layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        columns.addWidget(measures_box, 4)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("保存（挂账）")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)

        self.leader.currentIndexChanged.connect(self._leader_changed)
        self.batch.currentIndexChanged.connect(self._batch_changed)
        self.recurrence.textChanged.connect(self._show_recurrence)
        self.found_on.dateChanged.connect(lambda _d: self._deadline_context())
        self.add_measure()
        self._show_recurrence()
        self.description.setFocus()

    # -- measures --------------------------------------------------------------------------------
    def add_measure(self) -> MeasureEditor:
        editor = MeasureEditor(self.session, len(self.measure_editors) + 1, self.remove_measure)
        editor.deadline.set_context(self.session.ledger.today(), self.found_on.value())
        self.measure_editors.append(editor)
        self.measure_list.addWidget(editor)
        self._fix_tab_order()
        return editor

    def remove_measure(self, editor: MeasureEditor) -> None:
        self.measure_editors.remove(editor)
        editor.setParent(None)
        editor.deleteLater()
        for number, other in enumerate(self.measure_editors, 1):
            other.set_number(number)
        self._fix_tab_order()

    def _fix_tab_order(self) -> None:
        """Problem fields, then each measure in turn, then the buttons: the order one reads."""
        chain: list[QWidget] = [self.description, self.cause, self.target, self.category]
        chain += [self.source, self.batch, self.leader, self.department, self.found_on]
        chain.append(self.recurrence)
        for editor in self.measure_editors:
            chain += editor.focus_chain()
        chain += [self.add_button, *self.buttons.buttons()]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _deadline_context(self) -> None:
        """立行立改 means the 查摆日期: say which, again when that date changes."""
        for editor in self.measure_editors:
            editor.deadline.set_context(self.session.ledger.today(), self.found_on.value())

    def pickers(self) -> list[DictionaryCombo]:
        pickers = [self.category, self.source, self.batch, self.leader, self.department]
        for editor in self.measure_editors:
            pickers += editor.pickers()
        return pickers

    # -- helpers ---------------------------------------------------------------------------------
    def _closed_codes(self) -> QCompleter:
        query = self.session.ledger.select(Problem, Problem.code).where(
            Problem.status == workflow.CLOSED
        )
        codes = [code for (code,) in query.order_by(Problem.code.desc()).tuples()]
        completer = QCompleter(codes, self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        return completer

    def _leader_changed(self) -> None:
        leader = self.leader.value()
        if leader is not None:
            query = self.session.ledger.select(Person, Person.department)
            _fill_if_empty(self.department, query.where(Person.id == leader).scalar())

    def _batch_changed(self) -> None:
        batch = self.batch.value()
        if batch is not None:
            query = self.session.ledger.select(Batch, Batch.source).where(Batch.id == batch)
            _fill_if_empty(self.source, query.scalar())

    def recurrence_id(self) -> tuple[int | None, str]:
        """The id of the problem this one repeats, or None with the reason it is not usable."""
        code = self.recurrence.text().strip()
        if not code:
            return None, ""
        try:
            row = problem_row(self.session.ledger, problem_id_by_code(self.session.ledger, code))
        except NotFoundError as error:
            return None, str(error)
        if row["status"] != workflow.CLOSED:
            status = workflow.STATUS_LABELS[row["status"]]
            return None, f"问题 {code} 当前为“{status}”，只能关联已销号的问题。"
        return row["id"], row["description"]

    def _show_recurrence(self) -> None:
        pid, text = self.recurrence_id()
        if pid is None and text:
            self.recurrence_info.setText("⚠ " + text)
            self.recurrence_info.setStyleSheet("color: #b26a00;")
        else:
            short = text if len(text) <= 60 else text[:60] + "……"
            self.recurrence_info.setText(f"原问题：{short}" if pid else "")
            self.recurrence_info.setStyleSheet("color: #5f6b7a;")
        self.recurrence_info.setVisible(bool(text))

    # -- result ----------------------------------------------------------------------------------
    def values(self) -> dict:
        """Keyword arguments for `services.create_problem` (blank measure cards are left out)."""
        return {
            "description": self.description.toPlainText().strip(),
            "cause": self.cause.toPlainText().strip(),
            "target": self.target.toPlainText().strip(),
            "category": self.category.value(),
            "source": self.source.value(),
            "batch": self.batch.value(),
            "leader": self.leader.value(),
            "department": self.department.value(),
            "found_on": self.found_on.value(),
            "recurrence_of": self.recurrence_id()[0],
            "measures": [e.value() for e in self.measure_editors if not e.is_blank()],
        }

    def accept(self) -> None:
        if not self.description.toPlainText().strip():
            field_error(self, self.description, "问题描述", "不能为空：请写明问题的具体表现。")
            return
        recurrence, why = self.recurrence_id()
        if recurrence is None and why:
            field_error(self, self.recurrence, "复发自", why)
            return
        for editor in self.measure_editors:
            if not editor.is_blank() and not editor.text.toPlainText().strip():
                message = f"第 {editor.number} 项措施的内容不能为空（不需要的措施请删除）。"
                field_error(self, editor.text, "整改措施", message)
                return
        if not resolve_all(self, self.pickers()):  # names typed in that 名录 does not have yet
            return
        changes = self.session.perform(self, services.create_problem, **self.values())
        if changes is not None:
            self.created_id = changes.created_id
            super().accept()


ProblemDialog = NewProblemDialog  # the name the main window imports
