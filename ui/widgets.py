"""Small input widgets shared by dialogs and panels: dictionary pickers, deadline entry, dates."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
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
