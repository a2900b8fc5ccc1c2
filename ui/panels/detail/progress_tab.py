"""整改进展: the dated timeline of what was done (newest first) and a form to add an entry.

The timeline is read-only text so long entries wrap naturally; entries are never edited in place
(a correction is a new entry), which is what a supervisor expects of a progress record.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from tracker import services, workflow
from tracker.dates import format_date
from tracker.detail import ProblemDetail, ProgressView
from ui.session import Session
from ui.unsaved import mark_save_button
from ui.widgets import DateEdit, to_qdate

from .common import Notice, work_block


class ProgressTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.detail: ProblemDetail | None = None
        self.entries: list[ProgressView] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.notice = Notice()
        layout.addWidget(self.notice)
        self.timeline = QTextBrowser()
        self.timeline.setOpenLinks(False)
        self.timeline.setToolTip("整改进展记录，最新的在最上面")
        layout.addWidget(self.timeline, 1)
        self.form = QGroupBox("添加进展")
        self.form.setToolTip("记录某项措施做了什么；进展一经添加不能修改，如有错误请再补充一条")
        form = QVBoxLayout(self.form)
        row = QHBoxLayout()
        row.addWidget(QLabel("措施"))
        self.measure = QComboBox()
        self.measure.setToolTip("这条进展属于哪一项整改措施")
        self.measure.setMinimumContentsLength(16)
        self.measure.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        row.addWidget(self.measure, 1)
        row.addWidget(QLabel("日期"))
        self.date = DateEdit()
        self.date.setToolTip("进展发生的日期，不能晚于今天")
        row.addWidget(self.date)
        form.addLayout(row)
        self.text = QPlainTextEdit()
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(60)
        self.text.setPlaceholderText(
            "做了什么、取得什么效果，如：已召开专题会议，修订印发《会议管理办法》"
        )
        self.text.setToolTip("进展内容")
        form.addWidget(self.text)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.add_button = mark_save_button(QPushButton("添加进展"))  # Ctrl+S adds it
        self.add_button.setToolTip("保存这条进展（记入历史记录；挂账的问题随之转为整改中）")
        self.add_button.clicked.connect(self.add)
        buttons.addWidget(self.add_button)
        form.addLayout(buttons)
        layout.addWidget(self.form)
        self.text.textChanged.connect(self._update_button)
        self.measure.currentIndexChanged.connect(self._update_button)

    def load(self, detail: ProblemDetail) -> None:
        same = self.detail is not None and self.detail.row["id"] == detail.row["id"]
        keep = self.measure.currentData() if same else None
        self.detail = detail
        self.entries = list(detail.progress)
        self._render()
        self.measure.clear()
        for m in detail.measures:
            if m.status != workflow.M_VOID:
                text = m.text if len(m.text) <= 28 else m.text[:27] + "…"
                self.measure.addItem(f"{m.seq}. {text}（{m.status_label}）", m.id)
                self.measure.setItemData(
                    self.measure.count() - 1, m.text, Qt.ItemDataRole.ToolTipRole
                )
        if keep is not None and self.measure.findData(keep) >= 0:
            self.measure.setCurrentIndex(self.measure.findData(keep))
        else:
            first_open = next((m.id for m in detail.measures if m.status == workflow.M_OPEN), None)
            self.measure.setCurrentIndex(max(0, self.measure.findData(first_open)))
        today = self.session.ledger.today()
        self.date.setMaximumDate(to_qdate(today))
        if not same:
            self.date.setDate(to_qdate(today))
            self.text.clear()
        block = work_block(self.session, detail.row["status"], "整改进展")
        if not block and self.measure.count() == 0:
            block = "该问题还没有整改措施：请先在“整改措施”中增加措施，再记录进展。"
        self.notice.say(block)
        self.form.setEnabled(not block)
        self.form.setVisible(not block)  # the notice says why; a greyed form only takes room
        self._update_button()

    def _render(self) -> None:
        seqs = {m.id: m for m in self.detail.measures}
        if not self.entries:
            self.timeline.setHtml("<p style='color:#8a8f98'>还没有整改进展记录。</p>")
            return
        parts = ["<table width='100%' cellspacing='0' cellpadding='5'>"]
        for e in self.entries:
            m = seqs.get(e.measure_id)
            what = f"措施 {e.measure_seq}" + (f"：{escape(_short(m.text))}" if m else "")
            parts.append(
                "<tr><td valign='top' style='white-space:nowrap; color:#1f5fa8; font-weight:bold;"
                f" border-left:3px solid #9cc0ef'>{format_date(e.on)}</td>"
                f"<td valign='top'><span style='color:#5f6b7a'>{what} · {escape(e.author)}</span>"
                f"<br/>{escape(e.text)}</td></tr>"
            )
        parts.append("</table>")
        self.timeline.setHtml("".join(parts))

    def _update_button(self, *_) -> None:
        self.add_button.setEnabled(
            bool(self.text.toPlainText().strip()) and self.measure.currentData() is not None
        )

    def add(self) -> None:
        mid = self.measure.currentData()
        text = self.text.toPlainText().strip()
        if self.detail is None or mid is None or not text:
            return
        if self.session.perform(self, services.add_progress, mid, text, on=self.date.value()):
            self.text.clear()


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
