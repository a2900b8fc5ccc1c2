"""Small widgets shared by dialogs and panels: dictionary pickers, deadline entry, dates, and the
common set-ups of a read-only list, a dialog's 确定/取消 and a large result line over copyable text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from tracker.deadlines import parse_deadline
from tracker.ledger import Ledger
from tracker.models import Batch, Category, Department, Person, Source

DICTIONARY_MODELS = {
    "category": Category,
    "source": Source,
    "department": Department,
    "person": Person,
    "batch": Batch,
}


def to_qdate(value: dt.date | None) -> QDate:
    return QDate(value.year, value.month, value.day) if value else QDate()


def from_qdate(value: QDate) -> dt.date | None:
    return dt.date(value.year(), value.month(), value.day()) if value.isValid() else None


class DictionaryCombo(QComboBox):
    """Pick a category / source / department / person / batch by name; `value()` is its id or None."""

    def __init__(
        self,
        ledger: Ledger,
        kind: str,
        *,
        empty_text: str = "（不指定）",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.empty_text = empty_text
        self.setEditable(False)
        self.reload(ledger)

    def reload(self, ledger: Ledger) -> None:
        current = self.value()
        model = DICTIONARY_MODELS[self.kind]
        query = ledger.select(model, model.id, model.name)
        if "active" in model._meta.fields:
            query = query.where(model.active == True)  # noqa: E712
        order = model.sort_order if "sort_order" in model._meta.fields else model.name
        self.blockSignals(True)
        self.clear()
        self.addItem(self.empty_text, None)
        for pk, name in query.order_by(order, model.id).tuples():
            self.addItem(name, pk)
        self.blockSignals(False)
        self.set_value(current)

    def value(self) -> int | None:
        return self.currentData()

    def set_value(self, pk: int | None) -> None:
        index = self.findData(pk)
        self.setCurrentIndex(index if index >= 0 else 0)


class DeadlineEdit(QWidget):
    """A 整改时限 typed as text (“2026年6月底前”, “立行立改”) or picked from a calendar.

    Below the text it says how the text was read, so a wrong reading is seen before saving.
    """

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        row = QHBoxLayout()
        self.edit = QLineEdit()
        self.edit.setPlaceholderText("如：2026年6月底前、2026-06-30、立行立改、长期坚持、每季度")
        self.edit.setToolTip("按原文填写整改时限；也可以点右侧按钮从日历中选择日期")
        self.button = QToolButton()
        self.button.setText("日历")
        self.button.setToolTip("从日历中选择日期")
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.button)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        self.button.setMenu(menu)
        self.calendar.clicked.connect(self._picked)
        row.addWidget(self.edit, 1)
        row.addWidget(self.button)
        layout.addLayout(row)
        self.reading = QLabel()
        self.reading.setObjectName("deadlineReading")
        layout.addWidget(self.reading)
        self.edit.textChanged.connect(self._update)
        self._update("")

    def _picked(self, qdate: QDate) -> None:
        self.edit.setText(f"{qdate.year()}年{qdate.month()}月{qdate.day()}日")
        self.button.menu().close()

    def _update(self, text: str) -> None:
        parsed = parse_deadline(text)
        if parsed.kind == "unknown":
            self.reading.setText(f"⚠ {parsed.problem or '无法识别，将按文本保存'}")
            self.reading.setStyleSheet("color: #b26a00;")
        else:
            self.reading.setText(f"识别为：{parsed.describe()}")
            self.reading.setStyleSheet("color: #5f6b7a;")
        self.changed.emit(text)

    def text(self) -> str:
        return self.edit.text().strip()

    def setText(self, text: str) -> None:  # noqa: N802 (Qt naming)
        self.edit.setText(text)


class DateEdit(QDateEdit):
    """A calendar date field in the Chinese format."""

    def __init__(self, value: dt.date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy年M月d日")
        self.setDate(to_qdate(value or dt.date.today()))
        self.setAlignment(Qt.AlignmentFlag.AlignLeft)

    def value(self) -> dt.date:
        return from_qdate(self.date())


def read_only_rows(view: QTableView, *, stretch: int | None = None) -> None:
    """A list to read and pick one row from: no editing, whole rows, no row numbers; with
    `stretch`, columns as wide as their contents and that one column takes the spare width."""
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().setVisible(False)
    if stretch is not None:
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


def ok_cancel(
    dialog: QDialog, ok_text: str = "确定", on_ok: Callable[[], None] | None = None
) -> QDialogButtonBox:
    """OK (renamed, running `on_ok` or accepting) and 取消 (also Esc)."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Ok).setText(ok_text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
    buttons.accepted.connect(on_ok or dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def headline(text: str = "", scale: float = 1.3) -> QLabel:
    """A result in one large bold line (wrapping) above its details."""
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    label.setWordWrap(True)
    return label


def readable(widget: QWidget, points: float = 11.0) -> QWidget:
    """Body text of at least `points` (findings and reasons are read closely)."""
    font = QFont(widget.font())
    font.setPointSizeF(max(font.pointSizeF(), points))
    widget.setFont(font)
    return widget


def report_text(text: str) -> QPlainTextEdit:
    """Findings to read and copy: read-only, legible."""
    edit = QPlainTextEdit(text)
    edit.setReadOnly(True)
    readable(edit)
    return edit
