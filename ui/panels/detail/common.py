"""What the detail tabs share: band colours, readable numbers, the explanation line, small prompts.

Prompts live here as plain functions so each tab can import them under its own name and a test
can replace them there (`measures_tab.ask_reason = …`) instead of clicking through a modal dialog.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from tracker import workflow
from tracker.deadlines import IMMEDIATE, Deadline
from tracker.detail import MeasureView
from tracker.overdue import BLUE, RED, YELLOW
from ui.session import Session
from ui.widgets import DateEdit, DictionaryCombo, ok_cancel, to_qdate

BAND_COLOURS = {RED: "#fde2e1", YELLOW: "#fff4cc", BLUE: "#e3f0ff"}
BAND_TEXT_COLOURS = {RED: "#b3261e", YELLOW: "#8a6100", BLUE: "#1f5fa8"}
MUTED = QColor("#8a8f98")
STATUS_COLOURS = {  # (background, text) of the status chip in the header
    workflow.LISTED: ("#eceff3", "#3d4450"),
    workflow.IN_PROGRESS: ("#dcebff", "#1f5fa8"),
    workflow.PENDING: ("#fff1d6", "#8a5a00"),
    workflow.CLOSED: ("#dff3e4", "#1e7a3c"),
    workflow.LONG_TERM: ("#ece5fb", "#5b3fa0"),
    workflow.VOID: ("#eeeeee", "#8a8f98"),
}


def days_text(measure: MeasureView) -> str:
    """剩余天数 as the ledger people say it; a dash where counting days makes no sense."""
    days = measure.days_left
    if measure.status != workflow.M_OPEN or days is None:
        return "—"
    if days < 0:
        return f"逾期 {-days} 天"
    if days == 0:
        return "今天到期"
    return f"还剩 {days} 天"


def worst_band(measures: list[MeasureView]) -> str | None:
    """The header band: the most urgent colour among the open measures."""
    bands = {m.band for m in measures if m.status == workflow.M_OPEN}
    return next((b for b in (RED, YELLOW, BLUE) if b in bands), None)


def edit_block(session: Session, status: str, what: str) -> str:
    """Why `what` (基本信息, 整改措施) cannot be edited now, with the way out ('' when it can)."""
    if session.read_only:
        return f"此台账以只读方式打开，{what}只能查看。"
    if status not in workflow.EDITABLE:
        hint = {
            workflow.CLOSED: "如需修改，请先“重新整改”。",
            workflow.PENDING: "如需修改，请先驳回销号申请。",
            workflow.VOID: "如需修改，请先恢复该问题。",
        }.get(status, "")
        return f"问题当前为“{workflow.STATUS_LABELS[status]}”，{what}只能查看。{hint}"
    return ""


def work_block(session: Session, status: str, what: str) -> str:
    """Why progress or evidence cannot be added now ('' when it can)."""
    if session.read_only:
        return f"此台账以只读方式打开，不能添加{what}。"
    if status not in workflow.ACCEPTS_WORK:
        return f"问题当前为“{workflow.STATUS_LABELS[status]}”，不能再添加{what}。"
    return ""


class Notice(QLabel):
    """A wrapped explanation line above a tab's content; hidden while it has nothing to say."""

    STYLES = {
        "info": "background:#f1f4f8; color:#3d4450; border:1px solid #d9dee6;",
        "warn": "background:#fff4cc; color:#6b4c00; border:1px solid #f0d58a;",
        "danger": "background:#fde2e1; color:#8c1d18; border:1px solid #f3b5b1;",
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.hide()

    def say(self, text: str, kind: str = "info") -> None:
        self.setText(text)
        self.setToolTip(text)
        self.setStyleSheet(f"QLabel {{ {self.STYLES[kind]} border-radius:4px; padding:5px 8px; }}")
        self.setVisible(bool(text))


class ElidedLabel(QLabel):
    """One line that ends in “…” when it does not fit (the full text is in the tooltip)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(0, self.width() - 2)
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width))


def select_entry(combo: DictionaryCombo, pk: int | None, name: str) -> None:
    """Select `pk`, adding it when it is a retired entry: else the field would read as cleared,
    and saving an unrelated edit would clear it for real."""
    combo.set_value(pk)
    if pk is not None and combo.value() != pk:
        combo.addItem(f"{name}（已停用）", pk)
        combo.set_value(pk)


def deadline_reading(measure: MeasureView) -> str:
    """识别为: for 立行立改 also the date it is judged by (the day the problem was found)."""
    if measure.deadline_kind == IMMEDIATE and measure.deadline_date is not None:
        return Deadline(measure.deadline_text, IMMEDIATE, measure.deadline_date).describe()
    return measure.deadline_reading


class ColumnFitter(QObject):
    """Fits a table's columns to a narrow side panel, again whenever the view changes width.

    Short columns take their contents' width (some capped), or, given a `samples` text, the width
    of that text whatever the rows hold — so the columns stay put from one problem to the next;
    the text column takes the rest. When even its minimum does not fit, the least urgent columns
    step aside (their facts stay in cell tooltips) rather than letting a horizontal scroll bar
    hide the urgent ones. Qt's Stretch mode would instead squeeze the text column to nothing.
    """

    def __init__(
        self,
        view: QAbstractItemView,
        text_column: int,
        minimum: int,
        hide_first: list[int],
        caps: dict[int, int] | None = None,
        samples: dict[int, str] | None = None,
    ) -> None:
        super().__init__(view)
        self.samples = samples or {}
        self.view = view
        self.text_column = text_column
        self.minimum = minimum
        self.hide_first = hide_first
        self.caps = caps or {}
        header = view.horizontalHeader() if hasattr(view, "horizontalHeader") else view.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.viewport().installEventFilter(self)
        self.columns = header.count()

    def fit(self) -> None:
        view, widths = self.view, {}
        for col in range(self.columns):
            view.setColumnHidden(col, False)
            if col in self.samples:
                view.setColumnWidth(col, self._sample_width(col))
                widths[col] = view.columnWidth(col)
            elif col != self.text_column:
                view.resizeColumnToContents(col)
                if col in self.caps:
                    view.setColumnWidth(col, min(view.columnWidth(col), self.caps[col]))
                widths[col] = view.columnWidth(col)
        room = view.viewport().width() - sum(widths.values())
        for col in self.hide_first:
            if room >= self.minimum:
                break
            view.setColumnHidden(col, True)
            room += widths[col]
        view.setColumnWidth(self.text_column, max(self.minimum, room))
        if hasattr(view, "resizeRowsToContents"):
            view.resizeRowsToContents()

    def _sample_width(self, col: int) -> int:
        """The sample's width or the header's, whichever is wider, with the cell's padding."""
        model = self.view.model()
        header = model.headerData(col, Qt.Orientation.Horizontal) or ""
        metrics = self.view.fontMetrics()
        bold = self.view.font()
        bold.setBold(True)  # headers are bold in the stylesheet
        header_width = QFontMetrics(bold).horizontalAdvance(str(header))
        return max(metrics.horizontalAdvance(self.samples[col]), header_width) + 24

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt naming)
        if event.type() == QEvent.Type.Resize and event.size().width() != event.oldSize().width():
            self.fit()
        return False


class DateDialog(QDialog):
    """Ask one date (e.g. when a measure was completed); later than `maximum` is not offered."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        label: str,
        default: dt.date,
        maximum: dt.date | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.date = DateEdit(default)
        self.date.setToolTip("点右侧箭头从日历中选择，或直接修改年、月、日")
        if maximum is not None:
            self.date.setMaximumDate(to_qdate(maximum))
        form.addRow(label, self.date)
        layout.addLayout(form)
        layout.addWidget(ok_cancel(self))


def ask_date(
    parent: QWidget | None, title: str, label: str, default: dt.date, maximum: dt.date | None = None
) -> dt.date | None:
    dialog = DateDialog(parent, title, label, default, maximum)
    return dialog.date.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_reason(parent: QWidget | None, title: str, label: str) -> str | None:
    """A reason the journal keeps (作废、移除); None when the user cancels."""
    text, ok = QInputDialog.getMultiLineText(parent, title, label)
    return text.strip() if ok else None
