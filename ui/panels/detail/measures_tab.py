"""整改措施: the problem's measures with owner, deadline, reading, days left, and their actions.

Each action is one service call through the session; the table is refilled from the `Changes`
that follow, so what is shown is always what the ledger holds.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tracker import services, workflow
from tracker.dates import format_date
from tracker.detail import MeasureView, ProblemDetail
from tracker.services import MeasureInput
from tracker.tags import codes as tag_codes
from ui.session import Session

from .common import (
    BAND_COLOURS,
    MUTED,
    ColumnFitter,
    Notice,
    ask_date,
    ask_reason,
    days_text,
    deadline_reading,
    edit_block,
)
from .measure_dialog import MeasureDialog

HEADERS = [
    "序号",
    "整改措施",
    "责任人",
    "责任部门",
    "整改时限",
    "识别为",
    "状态",
    "剩余天数",
    "延期次数",
    "催办",
]
TEXT_MIN_WIDTH = 130
HIDE_FIRST = [9, 8, 5, 3, 0]  # 催办, 延期次数, 识别为, 责任部门, 序号: hidden in this order
HEADER_TIPS = [
    "措施在本问题中的序号",
    "整改措施的内容",
    "具体负责落实的同志",
    "负责落实的部门",
    "按原文记录的整改时限",
    "程序对整改时限的理解，据此判断是否逾期",
    "未完成 / 已完成 / 长期坚持 / 已作废",
    "距离期限的天数：红色逾期，黄色 7 天内到期，蓝色 30 天内到期",
    "经批准的延期次数（原时限和延期记录见单元格提示；“待批”为有待审批的延期申请）",
    "该措施被催办的次数（催办记录见“督办”页）",
]

__all__ = ["MeasuresTab", "ask_date", "ask_measure", "ask_reason", "run_dialog"]


def ask_measure(
    parent: QWidget,
    session: Session,
    measure: MeasureView | None = None,
    found_on: dt.date | None = None,
) -> MeasureInput | None:
    dialog = MeasureDialog(session, measure, parent, found_on=found_on)
    return dialog.measure_input() if dialog.exec() == QDialog.DialogCode.Accepted else None


def run_dialog(dialog: QDialog) -> bool:
    """Show a dialog that performs its action itself on OK (tests replace this)."""
    return dialog.exec() == QDialog.DialogCode.Accepted


class MeasuresTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.detail: ProblemDetail | None = None
        self.blocked = ""
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.notice = Notice()
        layout.addWidget(self.notice)
        bar = QGridLayout()  # two rows of at most four: whole labels in a narrow panel at 1366×768
        bar.setHorizontalSpacing(4)
        bar.setVerticalSpacing(2)
        self.actions: dict[str, QAction] = {}
        for key, text, tip, slot in [
            ("add", "新增措施", "为该问题增加一项整改措施", self.add),
            ("edit", "修改", "修改所选措施的内容、责任人或时限（更正录入错误）", self.edit),
            ("complete", "标记完成", "所选措施已落实到位，记录完成日期", self.complete),
            ("reopen", "改回未完成", "所选措施被误标为完成时，改回未完成", self.reopen),
            (
                "extend",
                "申请延期",
                "为所选措施提出延期申请（写明理由；由他人批准后期限才改变）",
                self.extend,
            ),
            (
                "decide",
                "审批延期",
                "批准或不批准所选措施待审批的延期申请（审批人应为申请人以外的人）",
                self.decide,
            ),
            ("void", "作废措施", "误录或不再需要的措施作废（需填写理由，不删除）", self.void),
        ]:
            index = len(self.actions)
            action = QAction(text, self)
            action.setToolTip(tip)
            action.setStatusTip(tip)
            action.triggered.connect(slot)
            self.actions[key] = action
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            bar.addWidget(button, index // 4, index % 4)
        bar.setColumnStretch(4, 1)
        layout.addLayout(bar)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setToolTip("双击修改；右键显示更多操作")
        self.table.setHorizontalHeaderLabels(HEADERS)
        for col, tip in enumerate(HEADER_TIPS):
            self.table.horizontalHeaderItem(col).setToolTip(tip)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(False)
        self.fitter = ColumnFitter(self.table, 1, TEXT_MIN_WIDTH, HIDE_FIRST, {4: 130, 5: 130})
        self.table.setStyleSheet("QTableWidget::item { padding: 2px 3px; }")
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._menu)
        self.table.itemSelectionChanged.connect(self._update_actions)
        self.table.itemDoubleClicked.connect(lambda *_: self.edit())
        layout.addWidget(self.table, 1)
        self._update_actions()

    # -- loading -------------------------------------------------------------------------------
    def load(self, detail: ProblemDetail) -> None:
        keep = self.current()
        self.detail = detail
        self.blocked = edit_block(self.session, detail.row["status"], "整改措施")
        self.notice.say(self.blocked)
        extensions: dict[int, list[dict]] = {}
        for ext in detail.extensions:
            extensions.setdefault(ext["measure"], []).append(ext)
        self.table.setRowCount(len(detail.measures))
        for row, m in enumerate(detail.measures):
            cells = [
                str(m.seq),
                m.text,
                m.owner,
                m.department,
                m.deadline_text,
                deadline_reading(m),
                m.status_label,
                days_text(m),
                str(m.extensions) + ("·待批" if m.pending_request else ""),
                str(m.chases) if m.chases else "",
            ]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, m.id)
                item.setToolTip(text)
                if col in (0, 7, 8, 9):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if m.status == workflow.M_OPEN and m.band:
                    item.setBackground(QBrush(QColor(BAND_COLOURS[m.band])))
                if m.status == workflow.M_VOID:
                    item.setForeground(QBrush(MUTED))
                    font = item.font()
                    font.setStrikeOut(col == 1)
                    item.setFont(font)
                self.table.setItem(row, col, item)
            self.table.item(row, 2).setToolTip(
                f"{m.owner or '未指定'}（{m.department or '未指定部门'}）"
            )
            self.table.item(row, 4).setToolTip(f"{m.deadline_text or '未填写'}\n识别为：{cells[5]}")
            if m.extensions:
                self.table.item(row, 7).setToolTip(f"{cells[7]}，已延期 {m.extensions} 次")
            if m.done_on:
                self.table.item(row, 6).setToolTip(f"完成于 {format_date(m.done_on)}")
            if m.id in extensions or m.pending_request:
                lines = [f"原时限：{m.original_deadline}"] if m.original_deadline else []
                lines += [
                    f"{e['old_text'] or '未填写'} → {e['new_text']}：{e['reason']}（{e['by']}批准，{e['at'][:10]}）"
                    for e in extensions.get(m.id, [])
                ]
                if m.pending_request:
                    lines.append("有一项延期申请待审批")
                self.table.item(row, 8).setToolTip("\n".join(lines))
            if m.chases:
                self.table.item(row, 9).setToolTip(f"催办 {m.chases} 次")
        self.fitter.fit()
        self._select(keep.id if keep else None)
        self._update_actions()

    def _select(self, measure_id: int | None) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == measure_id:
                self.table.selectRow(row)
                return
        self.table.clearSelection()

    def current(self) -> MeasureView | None:
        if self.detail is None:
            return None
        rows = {i.row() for i in self.table.selectedItems()}
        if not rows:
            return None
        mid = self.table.item(rows.pop(), 0).data(Qt.ItemDataRole.UserRole)
        return next((m for m in self.detail.measures if m.id == mid), None)

    def _update_actions(self) -> None:
        m = self.current()
        can = self.detail is not None and not self.blocked
        status = m.status if m else None
        self.actions["add"].setEnabled(can)
        self.actions["edit"].setEnabled(can and m is not None and status != workflow.M_VOID)
        self.actions["complete"].setEnabled(
            can and status in (workflow.M_OPEN, workflow.M_LONG_TERM)
        )
        self.actions["reopen"].setEnabled(can and status == workflow.M_DONE)
        self.actions["extend"].setEnabled(
            can and status == workflow.M_OPEN and not (m and m.pending_request)
        )
        self.actions["decide"].setEnabled(
            not self.session.read_only and m is not None and m.pending_request is not None
        )
        self.actions["void"].setEnabled(can and m is not None and status != workflow.M_VOID)

    def _menu(self, pos) -> None:
        menu = QMenu(self)
        menu.setToolTipsVisible(True)
        for action in self.actions.values():
            menu.addAction(action)
        menu.exec(self.table.viewport().mapToGlobal(pos))

    # -- actions -------------------------------------------------------------------------------
    def _today(self) -> dt.date:
        return self.session.ledger.today()

    def add(self) -> None:
        if self.detail is None or self.blocked:
            return
        measure = ask_measure(self, self.session, None, self.detail.row["found_on"])
        if measure is not None:
            self.session.perform(self, services.add_measure, self.detail.row["id"], measure)

    def edit(self) -> None:
        m = self.current()
        if m is None or not self.actions["edit"].isEnabled():
            return
        new = ask_measure(self, self.session, m, self.detail.row["found_on"])
        if new is None:
            return
        changed = {}
        if new.text != m.text:
            changed["text"] = new.text
        if new.owner != m.owner_id:
            changed["owner"] = new.owner
        if new.department != m.department_id:
            changed["department"] = new.department
        if new.deadline != m.deadline_text:
            changed["deadline"] = new.deadline
        given = new.tags is not None
        if given and (new.tags != tag_codes(m.tags) or new.amount != m.amount_cents):
            changed["tags"], changed["amount"] = new.tags, new.amount
        if changed:
            self.session.perform(
                self, services.update_measure, m.id, expected_version=m.version, **changed
            )

    def complete(self) -> None:
        m = self.current()
        if m is None or not self.actions["complete"].isEnabled():
            return
        today = self._today()
        done_on = ask_date(self, "标记完成", f"措施 {m.seq} 的完成日期", today, today)
        if done_on is not None:
            self.session.perform(self, services.complete_measure, m.id, done_on)

    def reopen(self) -> None:
        m = self.current()
        if m is not None and self.actions["reopen"].isEnabled():
            self.session.perform(self, services.reopen_measure, m.id)

    def extend(self) -> None:
        from ui.followup.extension_dialogs import ExtensionRequestDialog

        m = self.current()
        if m is None or not self.actions["extend"].isEnabled():
            return
        run_dialog(
            ExtensionRequestDialog(
                self.session, self.detail.row["id"], measure_id=m.id, parent=self
            )
        )

    def decide(self) -> None:
        from ui.followup.extension_dialogs import ExtensionDecisionDialog

        m = self.current()
        if m is None or not m.pending_request or not self.actions["decide"].isEnabled():
            return
        run_dialog(ExtensionDecisionDialog(self.session, m.pending_request, self))

    def void(self) -> None:
        m = self.current()
        if m is None or not self.actions["void"].isEnabled():
            return
        reason = ask_reason(self, "作废措施", f"作废措施 {m.seq}“{m.text[:30]}”的理由（必填）：")
        if reason is not None:
            self.session.perform(self, services.void_measure, m.id, reason)
