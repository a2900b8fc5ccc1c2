"""收取支部月报, step 2: what each file is and what will happen to it, before anything is kept.

One row per file (单位, 月份, 结果), every reason of a refusal in full below (wrapping, selectable,
copyable), and a checkbox on each file from a branch not on the list: registering a new branch
pins its signing key for good, so the user says so; it starts unchecked.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from tracker.exchange.collect import KINDS, Incoming

from ..widgets import headline, read_only_rows, readable
from .jobs import replaces

COLUMNS = ["文件", "单位", "月份", "结果", "登记为新支部"]
GREEN, AMBER, RED = "#1b6e20", "#a15c00", "#b00020"


def verdict(incoming: Incoming, confirmed: bool) -> tuple[str, str]:
    """The 结果 cell: (text, colour)."""
    if not incoming.ok:
        return "拒收", RED
    if incoming.new_branch and not confirmed:
        return "新支部，请确认", AMBER
    if incoming.new_branch:
        return "将收取（登记新支部）", GREEN
    if not incoming.verified:
        return "将收取（未校验）", AMBER
    if incoming.branch is not None and not incoming.branch.bound:
        return "将收取（首次报送，登记签名）", GREEN
    if replaces(incoming):
        return "将收取（替换已收到的）", GREEN
    return "将收取", GREEN


def _unit(incoming: Incoming) -> str:
    return incoming.unit or "（无法识别）"


def _paragraphs(incoming: Incoming) -> list[str]:
    """Everything the user should read about one file, as HTML paragraphs."""
    out: list[str] = []
    if not incoming.ok:
        out.append("<p>这份文件<b>不收取</b>，原因：</p>")
        out.append(
            "<ul>" + "".join(f"<li>{html.escape(r)}</li>" for r in incoming.reasons) + "</ul>"
        )
        return out
    if incoming.new_branch and incoming.verified:
        out.append(
            f"<p>“{html.escape(incoming.unit)}”<b>不在支部名单中</b>。如果它确是下级支部，"
            "请勾选“登记为新支部”：程序将记下它的台账编号和签名密钥，以后它的月报必须来自同一台账。"
            f"<br>签名密钥指纹：<b>{html.escape(incoming.fingerprint)}</b>"
            "<br>（可请该支部在本程序中用“文件 → 核对月报…”核对自己的这份月报，显示的指纹应与此相同。）</p>"
        )
    elif incoming.new_branch:
        out.append(
            f"<p>“{html.escape(incoming.unit)}”<b>不在支部名单中</b>。"
            "勾选“登记为新支部”后收取（手工台账没有签名密钥，只登记名称）。</p>"
        )
    what = KINDS.get(incoming.kind, incoming.kind)
    if incoming.verified:
        out.append(f"<p>{what}核对通过：签名、表中内容、历史记录接续和重算都对得上。</p>")
    out.extend(f"<p>{html.escape(note)}</p>" for note in incoming.notes)
    return out


class CollectReview(QDialog):
    """Accept with 收取 (the files `chosen()` returns) or 取消 (Esc): nothing is kept."""

    def __init__(
        self, incomings: list[Incoming], parent: QWidget | None = None, title: str = "收取支部月报"
    ) -> None:
        super().__init__(parent)
        self.incomings = incomings
        self.checks: dict[int, QCheckBox] = {}
        self.setWindowTitle(f"{title} — 核对结果")
        self.resize(1000, 640)
        layout = QVBoxLayout(self)
        self.summary = headline(scale=1.25)
        layout.addWidget(self.summary)

        self.table = QTableWidget(len(incomings), len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        read_only_rows(self.table, stretch=0)
        for row, incoming in enumerate(incomings):
            self._fill_row(row, incoming)
        self.table.currentCellChanged.connect(lambda row, *_: self._scroll_to(row))

        self.details = readable(QTextBrowser())
        self.details.setOpenLinks(False)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout.addWidget(split, 1)

        buttons = QDialogButtonBox()
        copy = buttons.addButton("复制全部说明", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_all)
        self.accept_button = buttons.addButton("收取", QDialogButtonBox.ButtonRole.AcceptRole)
        self.accept_button.setDefault(True)
        cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setToolTip("不收取任何文件（Esc）")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        hint = QLabel("选中一行可在下方查看该文件的详细说明；说明文字可以选中复制。")
        hint.setStyleSheet("color: #5f6b7a;")
        bottom.addWidget(hint, 1)
        bottom.addWidget(buttons)
        layout.addLayout(bottom)
        self._update()
        first = next((i for i, x in enumerate(incomings) if not x.ok or x.new_branch), 0)
        if incomings:
            self.table.selectRow(first)

    # -- the table -------------------------------------------------------------------------------
    def _fill_row(self, row: int, incoming: Incoming) -> None:
        what = KINDS.get(incoming.kind, incoming.kind)
        month = f"{incoming.month_label}{what}" if incoming.month_label else "—"
        cells = [incoming.path.name, _unit(incoming), month, ""]
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(str(incoming.path) if column == 0 else text)
            self.table.setItem(row, column, item)
        if incoming.ok and incoming.new_branch:
            box = QCheckBox("登记")
            box.setToolTip(f"把“{incoming.unit}”登记为新支部并收取这份文件")
            box.toggled.connect(lambda checked, r=row: self._confirm(r, checked))
            holder = QWidget()
            inner = QHBoxLayout(holder)
            inner.setContentsMargins(8, 0, 8, 0)
            inner.addWidget(box)
            self.table.setCellWidget(row, 4, holder)
            self.checks[row] = box

    def _confirm(self, row: int, checked: bool) -> None:
        """One branch, one answer: its other files in this batch follow the same checkbox."""
        me = self.incomings[row]
        for other, box in self.checks.items():
            them = self.incomings[other]
            same = (them.ledger_id, them.unit) == (me.ledger_id, me.unit)
            if other != row and same and box.isChecked() != checked:
                box.setChecked(checked)
        self._update()

    def confirmed(self, row: int) -> bool:
        box = self.checks.get(row)
        return box is not None and box.isChecked()

    def chosen(self) -> list[Incoming]:
        """The files to keep: passed, and from a known branch or one the user registered."""
        return [
            x
            for row, x in enumerate(self.incomings)
            if x.ok and (not x.new_branch or self.confirmed(row))
        ]

    def _update(self) -> None:
        bold = QFont(self.table.font())
        bold.setBold(True)
        for row, incoming in enumerate(self.incomings):
            text, colour = verdict(incoming, self.confirmed(row))
            item = self.table.item(row, 3)
            item.setText(text)
            item.setForeground(QColor(colour))
            item.setFont(bold)
        refused = sum(1 for x in self.incomings if not x.ok)
        waiting = sum(
            1
            for r, x in enumerate(self.incomings)
            if x.ok and x.new_branch and not self.confirmed(r)
        )
        chosen = len(self.chosen())
        parts = [f"共 {len(self.incomings)} 份：将收取 {chosen} 份"]
        if refused:
            parts.append(f"拒收 {refused} 份")
        if waiting:
            parts.append(f"{waiting} 份来自不在名单中的单位，勾选“登记”后才收取")
        self.summary.setText("，".join(parts) + "。")
        self.accept_button.setEnabled(chosen > 0)
        self.accept_button.setText(f"收取（{chosen} 份）" if chosen else "收取")
        self._write_details()

    # -- the details -----------------------------------------------------------------------------
    def _write_details(self) -> None:
        parts = []
        for row, incoming in enumerate(self.incomings):
            text, colour = verdict(incoming, self.confirmed(row))
            what = KINDS.get(incoming.kind, incoming.kind)
            heading = f"{row + 1}. {html.escape(_unit(incoming))}　{incoming.month_label}{what}"
            parts.append(
                f'<a name="f{row}"></a><h3>{heading}：<span style="color:{colour}">{text}</span></h3>'
                f'<p style="color:#5f6b7a">文件：{html.escape(str(incoming.path))}</p>'
            )
            parts.extend(_paragraphs(incoming))
        scroll = self.details.verticalScrollBar().value()
        self.details.setHtml("".join(parts))
        self.details.verticalScrollBar().setValue(scroll)

    def _scroll_to(self, row: int) -> None:
        if row >= 0:
            self.details.scrollToAnchor(f"f{row}")

    def details_text(self) -> str:
        return self.details.toPlainText()

    def copy_all(self) -> None:
        QGuiApplication.clipboard().setText(self.summary.text() + "\n\n" + self.details_text())
