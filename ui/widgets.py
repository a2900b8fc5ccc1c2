"""Small widgets shared by dialogs and panels: dictionary pickers, deadline entry, dates, and the
common set-ups of a read-only list, a dialog's 确定/取消 and a large result line over copyable text.

A picker given the session (`DictionaryCombo(..., session=…)`) can be typed into: a name that is
not in 名录 yet is added on the spot (`services.add_entry`, journaled) once the user confirms —
on Enter, or when the form is saved (`resolve`). Filters keep plain, choose-only pickers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from tracker.dates import format_date
from tracker.deadlines import IMMEDIATE, parse_deadline
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


PENDING_STYLE = "QLineEdit { background: #fff3c4; }"  # the text only: the layout must not move


Role = QMessageBox.ButtonRole


def ask_choice(
    parent: QWidget | None,
    title: str,
    text: str,
    yes: str,
    no: str = "取消",
    *,
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
    default_no: bool = False,
) -> bool:
    """A question with two buttons named for what they do; Esc is always `no`."""
    answers = [(yes, Role.AcceptRole), (no, Role.RejectRole)]
    default = no if default_no else yes
    return ask(parent, title, text, answers, default=default, escape=no, icon=icon) == yes


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    answers: list[tuple[str, QMessageBox.ButtonRole]],
    *,
    default: str,
    escape: str,
    details: str = "",
    icon: QMessageBox.Icon = QMessageBox.Icon.Question,
) -> str:
    """Buttons in the user's words, one default (Enter), one for Esc: the text of the button
    clicked (`escape`'s when the box is closed)."""
    box = QMessageBox(icon, title, text, parent=parent)
    if details:
        box.setInformativeText(details)
    buttons = {label: box.addButton(label, role) for label, role in answers}
    box.setDefaultButton(buttons[default])
    box.setEscapeButton(buttons[escape])
    box.exec()
    clicked = box.clickedButton()
    return next((label for label, button in buttons.items() if button is clicked), escape)


def confirm_entry(parent: QWidget | None, title: str, text: str, ok_text: str) -> bool:
    """Ask before a name joins 名录 (tests replace this). Esc and 取消 keep it out."""
    return ask_choice(parent, title, text, ok_text)


class DictionaryCombo(QComboBox):
    """Pick a category / source / department / person / batch by name; `value()` is its id or None.

    With `session`, the picker is also a text field: typing filters the names (anywhere in the
    name), and a new name is offered to 名录 — `pending_name()` until `resolve()` adds it."""

    def __init__(
        self,
        ledger: Ledger,
        kind: str,
        *,
        empty_text: str = "（不指定）",
        parent: QWidget | None = None,
        session=None,
    ) -> None:
        super().__init__(parent)
        self.kind = kind
        self.empty_text = empty_text
        self.session = session
        self.setEditable(session is not None)
        if session is not None:
            self._make_typeable()
            session.changed.connect(self._dictionaries_changed)
        self.reload(ledger)

    # -- typing a name ---------------------------------------------------------------------------
    def _make_typeable(self) -> None:
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.activated[str].connect(self._picked_text)
        self.setCompleter(completer)
        edit = self.lineEdit()
        edit.setPlaceholderText("未指定（可直接输入新名称）")
        edit.textEdited.connect(lambda _t: self._show_pending())
        self.currentIndexChanged.connect(self._index_changed)

    def _index_changed(self, index: int) -> None:
        if index == 0 and self.isEditable():
            self.lineEdit().clear()  # the placeholder says （不指定）
        self._show_pending()

    def _picked_text(self, text: str) -> None:
        index = self.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            self.setCurrentIndex(index)

    def typed_text(self) -> str:
        return self.lineEdit().text().strip() if self.isEditable() else ""

    def pending_name(self) -> str:
        """A name typed in that is not (yet) one of the entries: '' when there is none."""
        text = self.typed_text()
        if not text or text == self.empty_text:
            return ""
        return "" if self.findText(text, Qt.MatchFlag.MatchExactly) > 0 else text

    def _show_pending(self) -> None:
        from tracker.services.dictionaries import ENTRY_LABELS  # loaded with the first form

        name = self.pending_name()
        label = ENTRY_LABELS[self.kind]
        self.lineEdit().setStyleSheet(PENDING_STYLE if name else "")
        self.lineEdit().setToolTip(
            f"“{name}”还不在名录中：按回车加入名录（保存时也会询问）"
            if name
            else f"从名录中选择{label}，或直接输入新名称"
        )

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Enter commits the typed name here (the focus is on the combo, not its text field),
        instead of also falling through to the dialog's OK button."""
        if (
            self.isEditable()
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not (self.completer() and self.completer().popup().isVisible())
            and self._commit_typed()
        ):
            event.accept()
            return
        super().keyPressEvent(event)

    def _commit_typed(self) -> bool:
        """Choose the entry whose name was typed, or offer a new name to 名录; True if handled."""
        text = self.typed_text()
        index = self.findText(text, Qt.MatchFlag.MatchExactly) if text else -1
        if index > 0 and index != self.currentIndex():
            self.setCurrentIndex(index)
            return True
        if self.pending_name():
            self.resolve(self)
            return True
        return False

    def focusInEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        """Clicking or tabbing into the picker selects its text: typing replaces the name."""
        super().focusInEvent(event)
        if self.isEditable():
            QTimer.singleShot(0, self.lineEdit().selectAll)

    def resolve(self, parent: QWidget | None) -> bool:
        """Add the typed name to 名录 after asking (or bring a retired one back); True when there
        is nothing left pending, False when the user declined or the ledger refused."""
        name = self.pending_name()
        if not name or self.session is None:
            return True
        from tracker import services
        from tracker.services.dictionaries import ENTRY_LABELS, entry_state

        label = ENTRY_LABELS[self.kind]
        found, active = entry_state(self.session.ledger, self.kind, name)
        if found is not None and not active:
            text = f"{label}“{name}”在名录中已停用。\n\n要恢复使用它吗？"
            asked = confirm_entry(parent, "恢复使用？", text, "恢复使用")
        else:
            text = (
                f"名录中还没有{label}“{name}”。\n\n加入名录后，这里和以后的表单都可以选择它；"
                "以后可以在“工具 → 设置… → 名录”中改名或停用。\n\n要加入名录吗？"
            )
            asked = confirm_entry(parent, "加入名录？", text, "加入名录")
        if asked:
            changes = self.session.perform(parent, services.add_entry, self.kind, name)
            if changes is not None:
                self.reload(self.session.ledger)
                self.set_value(changes.created_id)
                return True
        self.setFocus()
        self.lineEdit().selectAll()
        return False

    def _dictionaries_changed(self, changes) -> None:
        if changes.dictionaries and self.session.ledger is not None:
            self.reload(self.session.ledger)

    # -- the entries -----------------------------------------------------------------------------
    def reload(self, ledger: Ledger) -> None:
        current = self.value()
        shown = self.currentText()
        typed = self.pending_name()  # a name being typed survives a reload
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
        if current is not None and self.findData(current) < 0:  # retired while chosen: keep it
            suffix = "" if shown.endswith("（已停用）") else "（已停用）"
            self.addItem(f"{shown}{suffix}", current)
        self.set_value(current)
        if self.isEditable():
            if self.currentIndex() == 0:
                self.lineEdit().clear()
            if typed:
                self.lineEdit().setText(typed)
        self.blockSignals(False)
        if self.isEditable():
            self._show_pending()

    def value(self) -> int | None:
        """The chosen entry's id; for a typed name, the entry of that name (None if it is new —
        `pending_name()` says so — or when the field is empty)."""
        if not self.isEditable():
            return self.currentData()
        text = self.typed_text()
        if not text or text == self.empty_text:
            return None
        index = self.findText(text, Qt.MatchFlag.MatchExactly)
        return self.itemData(index) if index > 0 else None

    def set_value(self, pk: int | None) -> None:
        index = self.findData(pk)
        self.setCurrentIndex(index if index >= 0 else 0)
        if self.isEditable():
            self.lineEdit().setText("" if self.currentIndex() == 0 else self.currentText())
            self._show_pending()


def resolve_all(parent: QWidget | None, combos) -> bool:
    """Offer every typed new name to 名录 in turn; False as soon as one is declined."""
    return all(combo.resolve(parent) for combo in combos if isinstance(combo, DictionaryCombo))


class DeadlineEdit(QWidget):
    """A 整改时限 typed as text (“2026年6月底前”, “立行立改”) or picked from a calendar.

    Below the text it says how the text was read, so a wrong reading is seen before saving. Given
    the day (`set_context`), it also says when a date is already past, and what date 立行立改
    means (the day the problem was found, `anchor`).
    """

    changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.today: dt.date | None = None
        self.anchor: dt.date | None = None
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
        self.reading.setWordWrap(True)
        layout.addWidget(self.reading)
        self.edit.textChanged.connect(self._update)
        self._update("")

    def _picked(self, qdate: QDate) -> None:
        self.edit.setText(f"{qdate.year()}年{qdate.month()}月{qdate.day()}日")
        self.button.menu().close()

    def set_context(self, today: dt.date | None, anchor: dt.date | None = None) -> None:
        """The ledger's today and the date 立行立改 stands for (the problem's 查摆日期)."""
        self.today, self.anchor = today, anchor
        self._update(self.edit.text())

    def _update(self, text: str) -> None:
        parsed = parse_deadline(text)
        warn = False
        if parsed.kind == "unknown":
            reading = (
                f"⚠ {parsed.problem or '无法识别，将按文本保存'}（列入“时限不明确”，不提示逾期）"
            )
            warn = True
        elif parsed.kind == IMMEDIATE and parsed.due is None and self.anchor is not None:
            reading = (
                f"识别为：立行立改——以查摆日期{format_date(self.anchor)}为期限，当天未完成即逾期"
            )
        else:
            reading = f"识别为：{parsed.describe()}"
        due = parsed.due or (self.anchor if parsed.kind == IMMEDIATE else None)
        if self.today is not None and due is not None and due < self.today:
            reading += f"\n⚠ 已经过去 {(self.today - due).days} 天，保存后即为逾期"
            warn = True
        self.reading.setText(reading)
        self.reading.setStyleSheet("color: #b26a00;" if warn else "color: #5f6b7a;")
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


def close_row(
    close: Callable[[], object], *left: QWidget, right: tuple[QWidget, ...] = ()
) -> QHBoxLayout:
    """A dialog's bottom row: `left` buttons, space, `right` buttons, then 关闭 (running `close`)."""
    row = QHBoxLayout()
    for widget in left:
        row.addWidget(widget)
    row.addStretch(1)
    for widget in right:
        row.addWidget(widget)
    button = QPushButton("关闭")
    button.clicked.connect(close)
    row.addWidget(button)
    return row


def headline(text: str = "", scale: float = 1.3) -> QLabel:
    """A result in one large bold line (wrapping) above its details. Sized by a style sheet of
    its own: the application's style sheet sets every widget's font size, which a `setFont`
    would not override."""
    label = QLabel(text)
    label.setStyleSheet(f"font-size: {scaled_points(scale):.1f}pt; font-weight: bold;")
    label.setWordWrap(True)
    return label


def scaled_points(scale: float) -> float:
    """The application's font size times `scale`, in points."""
    from PySide6.QtWidgets import QApplication

    base = QApplication.font().pointSizeF()
    return (base if base > 0 else 10.0) * scale


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


def note_edit(placeholder: str, height: int = 90) -> QPlainTextEdit:
    """A few lines of text in a form (a reason, a note): Tab leaves it, as in the other fields."""
    edit = QPlainTextEdit()
    edit.setPlaceholderText(placeholder)
    edit.setTabChangesFocus(True)
    edit.setMaximumHeight(height)
    return edit


def past_date(today: dt.date) -> DateEdit:
    """A day something was done: today or earlier."""
    edit = DateEdit(today)
    edit.setMaximumDate(to_qdate(today))
    return edit
