"""从Excel导入: the column mapping (changeable), a preview of what will be created, every warning, apply."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tracker.excel.headers import CHOICES
from tracker.excel.plan import ImportPlan
from tracker.import_closure import MARK
from tracker.workflow import CLOSED, PENDING, STATUS_LABELS

from ..widgets import DateEdit, to_qdate

ACTION_LABELS = {"create": "新建", "skip": "跳过（已导入）", "update": "更新"}
PREVIEW_LIMIT = 2000


class ImportWizard(QDialog):
    """Shows a plan built in the background; `accept()` means "import it" (the caller applies it)."""

    def __init__(self, plan: ImportPlan, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle(f"从Excel导入 — {plan.file_name}")
        self.resize(1100, 720)
        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setObjectName("importSummary")
        layout.addWidget(self.summary)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        self.mapping = QTableWidget(0, 5)
        self.mapping.setHorizontalHeaderLabels(["工作表", "列", "表头", "导入为", "把握"])
        self.mapping.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.mapping.verticalHeader().setVisible(False)
        self.mapping.setToolTip(
            "程序根据表头文字猜测每一列的含义；猜错的可以在“导入为”中改正，未对应的列记入备注"
        )
        self.tabs.addTab(self.mapping, "列对应")
        self.preview = QTableWidget(0, 7)
        self.preview.setHorizontalHeaderLabels(
            ["工作表", "行", "问题编号", "问题描述", "措施数", "状态", "处理"]
        )
        self.preview.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.preview.verticalHeader().setVisible(False)
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.tabs.addTab(self.preview, "将导入的问题")
        self.warnings = QListWidget()
        self.warnings.setToolTip("需要核对的地方：工作表、行号、列名和原因")
        self.tabs.addTab(self.warnings, "提示")
        options = QHBoxLayout()
        self.update_box = QCheckBox("已导入过的问题：更新其中有变化的内容（不勾选则跳过）")
        self.update_box.setChecked(plan.options.update)
        self.update_box.toggled.connect(self._update_toggled)
        options.addWidget(self.update_box)
        options.addStretch(1)
        layout.addLayout(options)
        self.done_closed_box = QCheckBox(
            "整改措施均为“已完成”、原表没写销号的问题，按“已销号”导入"
            "（标记为“导入时已销号”；不勾选则为“待销号”，经审核后销号）"
        )
        self.done_closed_box.setChecked(plan.options.done_as_closed)
        self.done_closed_box.toggled.connect(self._done_closed_toggled)
        layout.addWidget(self.done_closed_box)
        dates = QHBoxLayout()
        self.found_on_box = QCheckBox("指定查摆日期：")
        self.found_on_box.setToolTip("工作簿没有“查摆时间”列时，所有问题的查摆日期")
        self.found_on_date = DateEdit(plan.options.found_on or plan.today)
        self.found_on_date.setMaximumDate(to_qdate(plan.today))
        self.found_on_date.setEnabled(False)
        self.found_on_box.setChecked(plan.options.found_on is not None)
        self.found_on_box.toggled.connect(self._found_on_changed)
        self.found_on_date.dateChanged.connect(self._found_on_changed)
        self.found_on_note = QLabel()
        self.found_on_note.setWordWrap(True)
        dates.addWidget(self.found_on_box)
        dates.addWidget(self.found_on_date)
        dates.addWidget(self.found_on_note, 1)
        layout.addLayout(dates)
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton("导入", QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setToolTip("在一个事务中导入：要么全部成功，要么什么都不改变")
        buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._fill_mapping()
        self._refresh()

    # -- mapping ---------------------------------------------------------------------------------
    def _fill_mapping(self) -> None:
        rows = [
            (t_index, table, col)
            for t_index, table in enumerate(self.plan.tables)
            for col in table.columns
        ]
        self.mapping.setRowCount(len(rows))
        for row, (t_index, table, col) in enumerate(rows):
            self.mapping.setItem(row, 0, _item(table.sheet))
            self.mapping.setItem(row, 1, _item(col.letter))
            self.mapping.setItem(row, 2, _item(col.heading))
            combo = QComboBox()
            for key, label in CHOICES.items():
                combo.addItem(label, key)
            combo.setCurrentIndex(max(combo.findData(col.field), 0))
            combo.currentIndexChanged.connect(
                lambda _i, t=t_index, c=col.index, box=combo: self.set_field(
                    t, c, box.currentData()
                )
            )
            self.mapping.setCellWidget(row, 3, combo)
            self.mapping.setItem(row, 4, _item(f"{col.confidence:.0%}" if col.field else "—"))
        self.mapping.resizeColumnsToContents()
        self.mapping.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def set_field(self, table: int, column: int, field: str | None) -> None:
        """The user corrected a column: re-read the rows with the new mapping and show the result."""
        self.plan.set_field(table, column, field)
        self._sync_combos()
        self._refresh()

    def _sync_combos(self) -> None:
        row = 0
        for table in self.plan.tables:
            for col in table.columns:
                combo = self.mapping.cellWidget(row, 3)
                combo.blockSignals(True)
                combo.setCurrentIndex(max(combo.findData(col.field), 0))
                combo.blockSignals(False)
                row += 1

    def _update_toggled(self, checked: bool) -> None:
        self.plan.options.update = checked
        self.plan.parse()
        self._refresh()

    def _done_closed_toggled(self, checked: bool) -> None:
        self.plan.options.done_as_closed = checked
        self.plan.parse()
        self._refresh()

    def _found_on_changed(self, *_args) -> None:
        chosen = self.found_on_box.isChecked()
        self.found_on_date.setEnabled(chosen)
        self.plan.options.found_on = self.found_on_date.value() if chosen else None
        self.plan.parse()
        self._refresh()

    # -- preview ---------------------------------------------------------------------------------
    def _refresh(self) -> None:
        counts = self.plan.counts()
        names = self.plan.new_names()
        labels = {
            "person": "人员",
            "department": "部门",
            "category": "问题类别",
            "source": "问题来源",
            "batch": "整改批次",
        }
        added = "；".join(
            f"新增{labels.get(k, k)} {len(v)} 个（{'、'.join(v[:5])}{'…' if len(v) > 5 else ''}）"
            for k, v in names.items()
        )
        text = (
            f"共识别 {len(self.plan.tables)} 个表格、{counts['problems']} 个问题。将新建 {counts['create']} 个问题、"
            f"{counts['measures']} 项整改措施；跳过 {counts['skip']} 个、更新 {counts['update']} 个已导入的问题。"
            f"需要核对的提示 {counts['warnings']} 条。"
        )
        if added:
            text += "\n" + added + "。"
        if self.plan.skipped_sheets:
            text += f"\n未找到台账表格的工作表：{'、'.join(self.plan.skipped_sheets)}。"
        for note in self.plan.status_notes():
            text += "\n" + note
        self.summary.setText(text)
        self.found_on_note.setText("；".join(self.plan.found_on_summary()) + "。")
        self.ok.setEnabled(counts["create"] + counts["update"] > 0)
        shown = self.plan.problems[:PREVIEW_LIMIT]
        self.preview.setRowCount(len(shown))
        for row, p in enumerate(shown):
            values = [
                p.sheet,
                str(p.first_row),
                p.code or p.existing_code,
                p.description,
                str(len(p.measures)),
                status_text(p),
                ACTION_LABELS.get(p.action, p.action),
            ]
            for column, value in enumerate(values):
                item = _item(value)
                if column == 3:
                    item.setToolTip(p.description)
                if column == 4:
                    item.setToolTip(measures_text(p) or "没有整改措施")
                self.preview.setItem(row, column, item)
        self.warnings.clear()
        for warning in self.plan.warnings:
            self.warnings.addItem(str(warning))
        self.tabs.setTabText(2, f"提示（{len(self.plan.warnings)}）")


def status_text(problem) -> str:
    """The status a problem will have, as the ledger will show it (导入时已销号 for closures)."""
    if problem.status == CLOSED:
        return MARK  # no reviewer: see tracker/import_closure.py
    if problem.status == PENDING and problem.all_done:
        return "待销号（措施均已完成）"
    return STATUS_LABELS.get(problem.status, problem.status)


def measures_text(problem) -> str:
    """The measures a row will create, one per line, as the wizard's tooltip shows them."""
    lines = []
    for n, m in enumerate(problem.measures, 1):
        who = f"（{m.owner}）" if m.owner else ""
        when = f"，{m.deadline.text}→{m.deadline.describe()}" if m.deadline.text else ""
        lines.append(f"{n}. {m.text}{who}{when}")
    return "\n".join(lines)


def _item(text: str) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    return item
