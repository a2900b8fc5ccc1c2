"""催办: the dialog that records who was chased about which open measures, when and how.

It lists the open measures of the selected problems (from the 逾期 or 7天内到期 view, usually),
all ticked; on OK one record per problem and owner is written in one action
(`tracker.followup.chases.record_chases`), so chasing several people is one step to undo.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.followup import chases
from tracker.followup.chases import Chaseable, ChaseInput

from ..dialogs.reason_dialog import field_error
from ..session import Session
from ..widgets import note_edit, ok_cancel, past_date

HEADINGS = ["问题编号", "整改措施", "责任人", "整改时限", "剩余天数", "已催办"]


def days_text(days: int | None) -> str:
    if days is None:
        return "—"
    if days < 0:
        return f"逾期{-days}天"
    return "今天到期" if days == 0 else f"还剩{days}天"


class ChaseDialog(QDialog):
    """Tick the measures chased, choose how (电话/当面/书面/短信) and when, note what was said."""

    def __init__(
        self, session: Session, problem_ids: list[int], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        ledger = session.ledger
        self.rows: list[Chaseable] = chases.chaseable(ledger, problem_ids)
        self.setWindowTitle("催办")
        self.setMinimumSize(760, 460)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "勾选本次催办的未完成措施。每位责任人记一条催办记录；“已催办”是此前的次数。"
            "催办记入历史记录，并计入台账列表、导出表和月报。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(HEADINGS)
        self.tree.setRootIsDecorated(False)
        header = self.tree.header()  # every column whole; the measure's text takes what is left
        header.setStretchLastSection(False)
        for column in range(len(HEADINGS)):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if column == 1
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(column, mode)
        for row in self.rows:
            item = QTreeWidgetItem(
                [
                    row.code,
                    f"措施{row.seq}：{row.text}",
                    row.owner or "（未指定）",
                    row.deadline_text,
                    days_text(row.days_left),
                    f"{row.chases}次" if row.chases else "",
                ]
            )
            item.setToolTip(1, row.text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(0, Qt.CheckState.Checked)
            self.tree.addTopLevelItem(item)
        layout.addWidget(self.tree, 1)
        if not self.rows:
            layout.addWidget(QLabel("所选问题没有未完成的整改措施，无需催办。"))
        form = QFormLayout()
        self.way = QComboBox()
        self.way.addItems(list(chases.WAYS))
        form.addRow("催办方式：", self.way)
        self.on = past_date(ledger.today())
        form.addRow("催办日期：", self.on)
        self.whom = QLineEdit()
        self.whom.setPlaceholderText("留空：按措施的责任人分别记录")
        self.whom.setToolTip("被催办人。留空时按所选措施的责任人分别记录，每人一条")
        form.addRow("被催办人：", self.whom)
        self.note = note_edit("催办内容，如“请于本周五前报送整改进展”（可不填）", 70)
        form.addRow("催办内容：", self.note)
        layout.addLayout(form)
        self.buttons = ok_cancel(self, "记录催办")
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setEnabled(bool(self.rows))
        layout.addWidget(self.buttons)

    def checked(self) -> list[Chaseable]:
        return [
            row
            for i, row in enumerate(self.rows)
            if self.tree.topLevelItem(i).checkState(0) == Qt.CheckState.Checked
        ]

    def set_checked(self, measure_ids: set[int]) -> None:
        for i, row in enumerate(self.rows):
            state = Qt.CheckState.Checked if row.measure in measure_ids else Qt.CheckState.Unchecked
            self.tree.topLevelItem(i).setCheckState(0, state)

    def items(self) -> list[ChaseInput]:
        """One input per problem and owner (or per problem, when a person is named)."""
        whom = self.whom.text().strip()
        groups: dict[tuple[int, str], list[int]] = {}
        for row in self.checked():
            groups.setdefault((row.problem, whom or row.owner), []).append(row.measure)
        return [ChaseInput(pid, tuple(mids), whom) for (pid, _), mids in groups.items()]

    def accept(self) -> None:
        items = self.items()
        if not items:
            field_error(self, self.tree, "催办对象", "请至少勾选一项未完成的整改措施。")
            return
        changes = self.session.perform(
            self,
            chases.record_chases,
            items,
            self.way.currentText(),
            self.note.toPlainText(),
            on=self.on.value(),
        )
        if changes is not None:
            super().accept()
