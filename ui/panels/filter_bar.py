"""Search as you type and the filters above the table (status, category, source, department, person, deadline)."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker.workflow import STATUS_LABELS

from ..session import Session
from ..widgets import DateEdit, DictionaryCombo, from_qdate

SEARCH_DELAY_MS = 200


class FilterBar(QWidget):
    """Emits `changed()` whenever the search or a filter changes; `values()` gives the Filter fields."""

    changed = Signal()

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(4)
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("搜索问题描述、原因、措施、进展、责任人…（Ctrl+F）")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip(
            "输入即搜索：问题编号、描述、原因分析、整改目标、整改措施、整改进展和人员姓名"
        )
        top.addWidget(self.search, 1)
        self.more = QPushButton("筛选 ▾")
        self.more.setCheckable(True)
        self.more.setToolTip("按状态、类别、来源、部门、责任人、整改时限筛选")
        top.addWidget(self.more)
        self.clear = QPushButton("清除筛选")
        self.clear.setToolTip("清除搜索词和全部筛选条件")
        top.addWidget(self.clear)
        outer.addLayout(top)

        # three short rows rather than one long one: a row wider than the list would widen the
        # window past a 1366-pixel screen and squeeze the side list
        self.panel = QWidget()
        rows = QVBoxLayout(self.panel)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(4)
        row = QHBoxLayout()
        self._row2 = QHBoxLayout()
        self._row3 = QHBoxLayout()
        rows.addLayout(row)
        rows.addLayout(self._row2)
        rows.addLayout(self._row3)
        self.status = QComboBox()
        self.status.setToolTip("问题状态")
        self.status.addItem("全部状态", None)
        for code, label in STATUS_LABELS.items():
            self.status.addItem(label, code)
        row.addWidget(self.status)
        self.combos: dict[str, DictionaryCombo] = {}
        self.captions: list[QLabel] = []
        self.panel.setVisible(False)
        outer.addWidget(self.panel)
        self._row = row
        self.deadline_on = QCheckBox("时限在")
        self.deadline_on.setToolTip("只显示有未完成措施在此期间到期的问题")
        self.deadline_from = DateEdit()
        self.deadline_to = DateEdit(dt.date.today() + dt.timedelta(days=30))
        self._dates_connected = False

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.changed)
        self.search.textChanged.connect(lambda _t: self.timer.start())
        self.more.toggled.connect(self.panel.setVisible)
        self.clear.clicked.connect(self.reset)
        self.status.currentIndexChanged.connect(lambda _i: self.changed.emit())
        session.opened.connect(self._build_combos)
        session.changed.connect(self._reload_combos)

    def _build_combos(self, ledger) -> None:
        for layout in (self._row, self._row2, self._row3):  # all but 状态, built afresh
            for index in reversed(range(layout.count())):
                item = layout.itemAt(index)
                if item.widget() is not self.status:
                    layout.takeAt(index)
        for widget in [*self.combos.values(), *self.captions]:
            widget.setParent(None)
        self.combos.clear()
        self.captions = []
        labels = {
            "category": "全部类别",
            "source": "全部来源",
            "department": "全部部门",
            "person": "全部人员",
        }
        tips = {
            "category": "问题类别",
            "source": "问题来源",
            "department": "问题的责任部门，或它任一项措施的责任部门；只因措施列出的问题，"
            "“匹配之处”一列写明是哪项措施",
            "person": "问题的责任领导，或它任一项措施的责任人；只因措施列出的问题，"
            "“匹配之处”一列写明是哪项措施",
        }
        # the label says what the filter matches: a problem whose own department differs is
        # listed when one of its measures has that department
        captions = {"department": "责任部门（含措施）：", "person": "责任人（含措施）："}
        for kind, empty in labels.items():
            combo = DictionaryCombo(ledger, kind, empty_text=empty)
            combo.setToolTip(tips[kind])
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(8)  # long names must not widen the window
            combo.currentIndexChanged.connect(lambda _i: self.changed.emit())
            row = self._row2 if kind in captions else self._row
            if kind in captions:
                caption = QLabel(captions[kind])
                caption.setToolTip(tips[kind])
                caption.setBuddy(combo)
                row.addWidget(caption)
                self.captions.append(caption)
            row.addWidget(combo, 1)
            self.combos[kind] = combo
        self._row.addStretch(1)
        self._row2.addStretch(1)
        for widget in (self.deadline_on, self.deadline_from, self.deadline_to):
            self._row3.addWidget(widget)
        self._row3.addStretch(1)
        if not self._dates_connected:
            self.deadline_on.toggled.connect(lambda _v: self.changed.emit())
            self.deadline_from.dateChanged.connect(self._dates_changed)
            self.deadline_to.dateChanged.connect(self._dates_changed)
            self._dates_connected = True

    def _reload_combos(self, changes) -> None:
        if changes.dictionaries and self.session.ledger is not None:
            for combo in self.combos.values():
                combo.reload(self.session.ledger)

    def _dates_changed(self, _d: QDate) -> None:
        if self.deadline_on.isChecked():
            self.changed.emit()

    def values(self) -> dict:
        """The Filter fields this bar controls."""
        values = {
            "search": self.search.text().strip(),
            "statuses": (self.status.currentData(),) if self.status.currentData() else (),
            "deadline_from": from_qdate(self.deadline_from.date())
            if self.deadline_on.isChecked()
            else None,
            "deadline_to": from_qdate(self.deadline_to.date())
            if self.deadline_on.isChecked()
            else None,
        }
        for kind, combo in self.combos.items():
            values[kind] = combo.value()
        return values

    def set_values(self, flt) -> None:
        """Show a saved view's search and filters."""
        widgets = [self.search, self.status, self.deadline_on, *self.combos.values()]
        for w in widgets:
            w.blockSignals(True)
        self.search.setText(flt.search)
        index = self.status.findData(flt.statuses[0]) if flt.statuses else 0
        self.status.setCurrentIndex(max(index, 0))
        for kind, combo in self.combos.items():
            combo.set_value(getattr(flt, kind))
        self.deadline_on.setChecked(flt.deadline_from is not None or flt.deadline_to is not None)
        for w in widgets:
            w.blockSignals(False)

    def reset(self) -> None:
        widgets = [self.search, self.status, self.deadline_on, *self.combos.values()]
        for w in widgets:
            w.blockSignals(True)
        self.search.clear()
        self.status.setCurrentIndex(0)
        for combo in self.combos.values():
            combo.set_value(None)
        self.deadline_on.setChecked(False)
        for w in widgets:
            w.blockSignals(False)
        self.changed.emit()
