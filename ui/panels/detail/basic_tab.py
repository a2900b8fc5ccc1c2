"""基本信息: the problem's own fields as a form; saving sends only what the user changed.

Only changed fields go to `update_problem`, together with the version the form was filled from,
so a save never silently overwrites someone else's edit of a field this user did not touch, and
a stale form is refused by the service instead of winning. A name typed into a picker that 名录
does not have counts as a change; saving first offers it to 名录 (`DictionaryCombo.resolve`).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from tracker import services
from tracker.detail import ProblemDetail
from tracker.ledger import Ledger
from tracker.services.problems import FIELD_LABELS
from ui.session import Session
from ui.widgets import DateEdit, DictionaryCombo, resolve_all, to_qdate

from .closure_box import ClosureBox
from .common import ElidedLabel, Notice, edit_block, select_entry

# (field, label, height in px, tooltip) of the free-text fields, in tab order
TEXTS = [
    ("description", "问题描述", 84, "问题的具体表现，写清楚在哪里、表现为什么"),
    ("cause", "原因分析", 64, "产生问题的根源，从思想、制度、作风等方面分析"),
    ("target", "整改目标", 52, "整改到什么程度算完成，作为销号的依据"),
    ("remarks", "备注", 44, "其他需要说明的情况"),
]
TWO_COLUMNS_FROM = 600  # px: narrower than this, the pickers stack in one column
# (field, label, dictionary kind, key in ProblemDetail.names, tooltip)
COMBOS = [
    ("category", "问题类别", "category", "category", "问题类别（可在“设置”中维护类别清单）"),
    ("source", "问题来源", "source", "source", "在什么场合查摆出的问题，如组织生活会、巡察反馈"),
    ("batch", "整改批次", "batch", "batch", "问题所属的查摆批次（一次会议或一次反馈）"),
    ("leader", "责任领导", "person", "leader", "对该问题整改负领导责任的同志"),
    ("department", "责任部门", "department", "department", "牵头整改的部门"),
]


class BasicTab(QWidget):
    """The editable form; `dirty_changed(bool)` lets the panel know there is unsaved work."""

    dirty_changed = Signal(bool)

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.row: dict | None = None
        self.combos: dict[str, DictionaryCombo] = {}
        self._loading = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(10, 8, 10, 8)
        self.notice = Notice()
        self.body.addWidget(self.notice)
        self.recurrence = QLabel()
        self.recurrence.setToolTip("回头看发现的反弹问题，关联到它所重复的已销号问题")
        self.recurrence.setStyleSheet("color:#8c1d18;")
        self.body.addWidget(self.recurrence)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(8)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(3, 1)
        self.body.addLayout(self.grid)
        self.found_on = DateEdit()
        self.found_on.setToolTip("查摆出该问题的日期")
        self.found_on.dateChanged.connect(self._edited)
        self.texts: dict[str, QPlainTextEdit] = {}
        self.captions: dict[str, QLabel] = {"found_on": QLabel("查摆日期")}
        self._two_columns: bool | None = None
        for name, label, height, tip in TEXTS:
            edit = QPlainTextEdit()
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(height)
            edit.setToolTip(tip)
            edit.setPlaceholderText(tip)
            edit.textChanged.connect(self._edited)
            self.texts[name] = edit
            caption = QLabel(label)
            caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            caption.setContentsMargins(0, 4, 0, 0)
            self.captions[name] = caption
        self.closure = ClosureBox()
        self.body.addWidget(self.closure)
        self.body.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(10, 4, 10, 8)
        self.state = ElidedLabel()
        self.state.setStyleSheet("color:#5f6b7a;")
        buttons.addWidget(self.state, 1)
        self.revert_button = QPushButton("撤销修改")
        self.revert_button.setToolTip("放弃尚未保存的修改，恢复为台账中的内容")
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton("保存")
        self.save_button.setToolTip("保存修改过的字段；每项修改都会记入历史记录")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        self._update_buttons()

    # -- the dictionaries (built once a ledger exists: DictionaryCombo reads it on creation) ------
    def _build_combos(self, ledger: Ledger) -> None:
        for name, label, kind, _, tip in COMBOS:
            combo = DictionaryCombo(ledger, kind, session=self.session)
            combo.setToolTip(tip)
            combo.currentIndexChanged.connect(self._edited)
            combo.lineEdit().textEdited.connect(self._edited)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(6)  # long batch names must not widen the panel
            self.combos[name] = combo
            self.captions[name] = QLabel(label)
        self._arrange(self.width() >= TWO_COLUMNS_FROM)
        chain = [
            self.texts["description"],
            *self.combos.values(),
            self.found_on,
            self.texts["cause"],
            self.texts["target"],
            self.texts["remarks"],
            self.revert_button,
            self.save_button,
        ]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    def _arrange(self, two_columns: bool) -> None:
        """问题描述 on top, then the pickers (in two columns when there is room), then the texts."""
        if two_columns == self._two_columns:
            return
        self._two_columns = two_columns
        pickers = [*self.combos.values(), self.found_on]
        names = [*self.combos, "found_on"]
        for widget in [*pickers, *self.texts.values(), *self.captions.values()]:
            self.grid.removeWidget(widget)
        self.grid.addWidget(self.captions["description"], 0, 0)
        self.grid.addWidget(self.texts["description"], 0, 1, 1, 3)
        per_row = 2 if two_columns else 1
        for i, (name, widget) in enumerate(zip(names, pickers, strict=True)):
            r, c = divmod(i, per_row)
            self.grid.addWidget(self.captions[name], r + 1, c * 2)
            self.grid.addWidget(widget, r + 1, c * 2 + 1, 1, 1 if two_columns else 3)
        row = 1 + -(-len(pickers) // per_row)
        for name in ("cause", "target", "remarks"):
            self.grid.addWidget(self.captions[name], row, 0)
            self.grid.addWidget(self.texts[name], row, 1, 1, 3)
            row += 1
        self.grid.setColumnStretch(3, 1 if two_columns else 0)

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        super().resizeEvent(event)
        if self.combos:
            self._arrange(self.width() >= TWO_COLUMNS_FROM)

    # -- loading -------------------------------------------------------------------------------
    def load(
        self, detail: ProblemDetail, ledger: Ledger, *, refresh_dictionaries: bool = False
    ) -> None:
        """Fill the form; unsaved edits survive a reload unless someone else changed that field."""
        kept, lost = {}, []
        same = self.row is not None and dict(detail.row) == self.row  # read again, unchanged
        if self.row is not None and self.row["id"] == detail.row["id"]:
            for name, value in self.changed_fields().items():
                if detail.row[name] == self.row[name]:
                    kept[name] = value
                elif detail.row[name] != value:
                    lost.append((_label(name), detail.row[name], value))
        self.row = dict(detail.row)
        block = edit_block(self.session, self.row["status"], "基本信息")
        if block and kept:  # e.g. closure was requested meanwhile: the edits can no longer be saved
            block += f"未保存的修改（{'、'.join(_label(n) for n in kept)}）已放弃。"
            kept = {}
        self._loading = True
        if not self.combos:
            self._build_combos(ledger)
        elif refresh_dictionaries:
            for combo in self.combos.values():
                combo.reload(ledger)
        for name, edit in self.texts.items():
            edit.setPlainText(self.row[name] or "")
        for name, _, _, key, _ in COMBOS:
            select_entry(self.combos[name], self.row[name], detail.names.get(key, ""))
        self.found_on.setDate(to_qdate(self.row["found_on"]))
        for name, value in kept.items():
            self._set_value(name, value)
        self._loading = False
        code = detail.names.get("recurrence_of")
        self.recurrence.setText(f"⟲ 复发自问题 {code}（回头看发现的反弹）" if code else "")
        self.recurrence.setVisible(bool(code))
        self.closure.show_row(self.row)
        if block:
            self.notice.say(block)
        elif lost:
            self.notice.say(conflict_notice(lost), "warn")
        elif not same:  # a second reading of the same row keeps what the first one said
            self.notice.say("")
        for (_, _, _, tip), edit in zip(TEXTS, self.texts.values(), strict=True):
            edit.setReadOnly(bool(block))
            edit.setPlaceholderText("" if block else tip)
        for combo in self.combos.values():
            combo.setEnabled(not block)
        self.found_on.setEnabled(not block)
        self.save_button.setVisible(not block)
        self.revert_button.setVisible(not block)
        self._edited()

    def clear(self) -> None:
        self.row = None
        self._update_buttons()

    # -- values --------------------------------------------------------------------------------
    def _value(self, name: str):
        if name in self.texts:
            return self.texts[name].toPlainText().strip()
        if name in self.combos:
            return self.combos[name].value()
        return self.found_on.value()

    def _set_value(self, name: str, value) -> None:
        if name in self.texts:
            self.texts[name].setPlainText(value)
        elif name in self.combos and isinstance(value, str):  # a new name, still being typed
            self.combos[name].lineEdit().setText(value)
        elif name in self.combos:
            self.combos[name].set_value(value)
        else:
            self.found_on.setDate(to_qdate(value))

    def changed_fields(self) -> dict:
        """Fields whose widget differs from the loaded row (ids for references)."""
        if self.row is None or not self.combos:
            return {}
        out = {}
        for name, combo in self.combos.items():
            if combo.pending_name():  # a new name: saving offers it to 名录 first
                out[name] = combo.pending_name()
        for name in [*self.texts, *self.combos, "found_on"]:
            if name in out:
                continue
            value, old = self._value(name), self.row[name]
            if name in self.texts:
                old = (old or "").strip()
            if value != old:
                out[name] = value
        return out

    def is_dirty(self) -> bool:
        return bool(self.changed_fields())

    def _edited(self, *_) -> None:
        if not self._loading:
            self._update_buttons()

    def _update_buttons(self) -> None:
        changed = self.changed_fields()
        self.save_button.setEnabled(bool(changed))
        self.revert_button.setEnabled(bool(changed))
        labels = "、".join(_label(n) for n in changed)
        self.state.setText(f"已修改：{labels}（未保存）" if changed else "")
        self.dirty_changed.emit(bool(changed))

    # -- actions -------------------------------------------------------------------------------
    def save(self) -> bool:
        """Send the changed fields; the session's `changed` signal then reloads the form."""
        if self.row is None or not self.changed_fields():
            return True
        if not resolve_all(self, self.combos.values()):
            return False
        changed = self.changed_fields()
        if not changed:
            return True
        result = self.session.perform(
            self,
            services.update_problem,
            self.row["id"],
            expected_version=self.row["version"],
            **changed,
        )
        return result is not None

    def revert(self) -> None:
        """Put the loaded values back into the widgets."""
        if self.row is None:
            return
        row = self.row
        self._loading = True
        for name, edit in self.texts.items():
            edit.setPlainText(row[name] or "")
        for name in self.combos:
            self.combos[name].set_value(row[name])
        self.found_on.setDate(to_qdate(row["found_on"]))
        self._loading = False
        self._update_buttons()


def _label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


def conflict_notice(lost: list[tuple[str, object, object]]) -> str:
    """Someone else changed a field this form had unsaved edits in: both versions, so the
    user's own text is not lost from sight (the notice can be selected and copied)."""
    names = "、".join(label for label, _, _ in lost)
    lines = [f"他人刚修改了“{names}”，您对这些字段的修改未保存，请核对后重新填写："]
    for label, theirs, yours in lost:
        lines.append(f"{label}　台账中现在是：{_text(theirs)}　您填写的是：{_text(yours)}")
    return "\n".join(lines)


def _text(value, limit: int = 200) -> str:
    text = "" if value is None else str(value)
    if not text:
        return "（空）"
    return f"“{text[:limit]}{'…' if len(text) > limit else ''}”"
