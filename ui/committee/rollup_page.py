"""The 汇总 page: a month of branch reports at a glance — each branch's figures and the 合计,
who has not reported (with whom to call), and every overdue measure; collect, export, branches.

It only reads (`tracker.exchange.rollup`); changes come from the collect flows and the branch
list, through the session. Like the dashboard it refreshes when shown after a change.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tracker.dates import format_month
from tracker.exchange.branches import branches
from tracker.exchange.collect import Incoming
from tracker.exchange.rollup import Rollup, rollup
from tracker.overdue import format_rate

from ..lazy_page import RefreshWhenShown
from ..operations import run_in_background
from ..session import Session
from .month_box import Month, MonthBox, shift
from .rollup_tables import BranchTable, MissingBox, OverdueTable

PAGE_STYLE = """
#rollupPage { background: #f4f6f9; }
QLabel#rollupTitle { font-size: 16pt; font-weight: bold; color: #1f2933; }
QLabel#rollupSummary { font-size: 11pt; color: #2d3748; }
QLabel#sectionTitle { font-size: 11pt; font-weight: bold; color: #2d3748; }
QLabel#sectionNote { color: #6b7685; }
QFrame#missingBox { background: #fdecee; border: 1px solid #f0b8c0; border-left: 4px solid #b00020;
                    border-radius: 4px; }
QFrame#missingBox[complete="true"] { background: #edf7ee; border: 1px solid #b9dcbf;
                                     border-left: 4px solid #1b6e20; }
QFrame#missingBox[complete="true"] QLabel#missingTitle { color: #1b6e20; }
QLabel#missingTitle { font-weight: bold; color: #b00020; font-size: 11pt; }
QLabel#missingEntry { color: #b00020; }
QLabel#missingName { color: #b00020; font-weight: bold; }
QLabel#emptyHint { font-size: 12pt; color: #2d3748; background: white; border: 1px solid #e1e5eb;
                   border-radius: 8px; padding: 24px; }
"""
EMPTY_HINT = (
    "<p><b>这里汇总下级各支部报送的月报</b>（机关党委、党委使用）。</p>"
    "<p>开始使用：</p>"
    "<ol><li>点击上方的<b>“支部名单…”</b>，登记需要报送的各支部（名称、联系人、电话）；或者</li>"
    "<li>直接点击<b>“收取支部月报…”</b>，选择各支部发来的月报文件或所在文件夹——"
    "第一次收到某支部的月报时，可以把它登记为新支部。</li>"
    "<li>还没有使用本程序的支部，可以用<b>“收取手工台账…”</b>收取其手工填写的 Excel 台账（标为“未校验”）。</li></ol>"
    "<p>收取后，本页按月列出各支部的问题总数、销号、逾期等数字和合计，未报送的支部以红色列出；"
    "“导出汇总表…”生成上报用的汇总表。</p>"
    "<p style='color:#6b7685'>本台账是支部自己的台账时，本页用不到：月报用“文件 → 生成月报…”生成后报送上级即可。</p>"
)


def default_month(ledger, today) -> Month:
    """This month; early in a month, before any report for it came in, the month before."""
    now = (today.year, today.month)
    if rollup(ledger, *now).lines:
        return now
    before = shift(now, -1)
    return before if rollup(ledger, *before).lines else now


class RollupPage(RefreshWhenShown, QWidget):
    def __init__(
        self, session: Session, settings: QSettings | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.result: Rollup | None = None
        self._range_for = None  # the ledger the month list was set up for
        self.setObjectName("rollupPage")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(PAGE_STYLE)
        self._build()
        session.changed.connect(self._changed)
        session.opened.connect(self._opened)
        session.closed.connect(self._opened)

    # -- layout ----------------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 10)
        outer.setSpacing(8)
        top = QHBoxLayout()
        title = QLabel("各支部整改进展汇总")
        title.setObjectName("rollupTitle")
        self.month = MonthBox()
        self.month.changed.connect(lambda *_: self.refresh())
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(self.month)
        top.addStretch(1)
        self.collect_button = QPushButton("收取支部月报…")
        self.collect_button.setToolTip("选择各支部报送的月报文件或所在文件夹，逐份核对后收取")
        self.handkept_button = QPushButton("收取手工台账…")
        self.handkept_button.setToolTip(
            "收取未使用本程序的支部手工填写的 Excel 台账（标为“未校验”）"
        )
        self.export_button = QPushButton("导出汇总表…")
        self.export_button.setToolTip("生成本月的汇总表 Excel（带校验码，可报送上级）")
        self.branches_button = QPushButton("支部名单…")
        self.branches_button.setToolTip("登记、修改、停用需要报送月报的支部")
        self.collect_button.clicked.connect(lambda: self.collect_reports())
        self.handkept_button.clicked.connect(lambda: self.collect_handkept())
        self.export_button.clicked.connect(lambda: self.export_rollup())
        self.branches_button.clicked.connect(lambda: self.open_branches())
        for button in (
            self.collect_button,
            self.handkept_button,
            self.export_button,
            self.branches_button,
        ):
            top.addWidget(button)
        outer.addLayout(top)
        self.summary = QLabel()
        self.summary.setObjectName("rollupSummary")
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)

        self.stack = QStackedWidget()
        self.empty = QLabel(EMPTY_HINT)
        self.empty.setObjectName("emptyHint")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        empty_holder = QWidget()
        holder = QVBoxLayout(empty_holder)
        holder.setContentsMargins(0, 0, 0, 0)
        holder.addWidget(self.empty)
        holder.addStretch(1)
        self.stack.addWidget(empty_holder)
        self.stack.addWidget(self._content())
        outer.addWidget(self.stack, 1)

    def _content(self) -> QWidget:
        content = QWidget()
        content.setObjectName("rollupPage")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.table = BranchTable()
        self.table.cellDoubleClicked.connect(self._open_row)
        self.no_reports = QLabel()
        self.no_reports.setObjectName("sectionNote")
        self.uneven = QLabel()
        self.uneven.setObjectName("sectionNote")
        self.uneven.setWordWrap(True)
        layout.addWidget(self.table)
        layout.addWidget(self.uneven)
        layout.addWidget(self.no_reports)
        self.missing = MissingBox()
        layout.addWidget(self.missing)
        head = QHBoxLayout()
        self.overdue_title = QLabel("逾期整改措施")
        self.overdue_title.setObjectName("sectionTitle")
        self.overdue_note = QLabel("点击“支部”或“逾期天数”表头可排序；双击一行查看该支部的明细")
        self.overdue_note.setObjectName("sectionNote")
        head.addWidget(self.overdue_title)
        head.addSpacing(12)
        head.addWidget(self.overdue_note)
        head.addStretch(1)
        layout.addLayout(head)
        self.overdue = OverdueTable()
        self.overdue.setMinimumHeight(150)
        self.overdue.doubleClicked.connect(self._open_overdue)
        layout.addWidget(self.overdue, 1)
        scroll = QScrollArea()  # a small screen scrolls the page rather than squeezing the tables
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        return scroll

    # -- refreshing ------------------------------------------------------------------------------
    def _opened(self, *_args) -> None:
        self._range_for = None
        self._stale()

    def _changed(self, changes) -> None:
        if changes.committee or changes.settings:
            self._stale()

    def _ensure_months(self, ledger) -> None:
        """A newly opened ledger: offer two years of months and show the likeliest one."""
        if self._range_for is ledger:
            return
        self._range_for = ledger
        today = ledger.today()
        current = (today.year, today.month)
        self.month.blockSignals(True)
        self.month.set_range(shift(current, -23), current, default_month(ledger, today))
        self.month.blockSignals(False)

    def current_month(self) -> Month | None:
        """The month shown (set up first if the page has not been shown yet)."""
        if self.session.ledger is not None:
            self._ensure_months(self.session.ledger)
        return self.month.value()

    def show_month(self, year: int, month: int) -> None:
        if self.session.ledger is not None:
            self._ensure_months(self.session.ledger)
        if self.month.value() == (year, month) or not self.month.set_value((year, month)):
            self.refresh()

    def refresh(self) -> None:
        self.dirty = False
        ledger = self.session.ledger
        writable = ledger is not None and not ledger.read_only
        for button in (self.collect_button, self.handkept_button):
            button.setEnabled(writable)
        self.export_button.setEnabled(ledger is not None)
        self.branches_button.setEnabled(ledger is not None)
        if ledger is None:
            self.result = None
            self.month.setVisible(False)
            self.summary.setText("未打开台账")
            self.stack.setCurrentIndex(0)
            return
        self._ensure_months(ledger)
        year, month = self.month.value()
        empty = not branches(ledger, include_retired=True)
        self.month.setVisible(not empty)
        if empty:
            self.result = None
            self.summary.setText("支部名单为空，还没有收到任何支部的月报。")
            self.stack.setCurrentIndex(0)
            self.export_button.setEnabled(False)
            return
        self.stack.setCurrentIndex(1)
        self.result = result = rollup(ledger, year, month)
        self._fill(result)

    def _fill(self, result: Rollup) -> None:
        reported, missing = len(result.lines), len(result.missing)
        t = result.total
        text = f"{format_month(result.year, result.month)}：已报送 {reported} 个支部，未报送 {missing} 个"
        if reported:
            text += (
                f"；问题总数 {t['problems']}，已销号 {t['closed']}，逾期 {t['overdue']}，"
                f"销号率 {format_rate(t['rate'])}。"
            )
        else:
            text += "。"
        self.summary.setText(text)
        uneven = self._uneven(result)
        self.table.fill(result, uneven)
        self.uneven.setText(f"※ {uneven}")
        self.uneven.setVisible(bool(uneven and result.lines and result.change))
        self.table.setVisible(bool(result.lines))
        self.no_reports.setText(
            ""
            if result.lines
            else f"{format_month(result.year, result.month)}还没有收到任何支部的月报。"
        )
        self.no_reports.setVisible(not result.lines)
        self.missing.fill(result.missing, reported)
        self.missing.setVisible(bool(result.missing or result.lines))
        order = {line.branch.name: i for i, line in enumerate(result.lines)}
        self.overdue.fill(result.overdue, order)
        count = len(result.overdue)
        if count > self.overdue.shown:
            self.overdue_title.setText(
                f"逾期整改措施（共 {count} 项，显示逾期最久的 {self.overdue.shown} 项，全部见导出的汇总表）"
            )
        else:
            self.overdue_title.setText(
                f"逾期整改措施（{count} 项）" if count else "没有逾期的整改措施"
            )

    def _uneven(self, result: Rollup) -> str:
        """Why the 合计's 较上月 is not like for like: the branches that reported differ."""
        if result.previous_total is None:
            return ""
        now = {line.branch.name for line in result.lines}
        before = {
            line.branch.name
            for line in rollup(self.session.ledger, *shift((result.year, result.month), -1)).lines
        }
        if now == before:
            return ""
        parts = []
        if before - now:
            parts.append(f"本月未报送的{'、'.join(sorted(before - now))}计入了上月合计")
        if now - before:
            parts.append(f"上月未报送的{'、'.join(sorted(now - before))}计入了本月合计")
        return (
            "合计的“较上月”是两个月各自已报送支部的合计之差，两月报送的支部不同："
            + "，".join(parts)
            + "。"
        )

    # -- drilling down ---------------------------------------------------------------------------
    def _open_row(self, row: int, _column: int) -> None:
        line = self.table.line_at(row)
        if line is not None and self.result is not None:
            self.open_detail(line)

    def _open_overdue(self, index) -> None:
        name = self.overdue.proxy.index(index.row(), 0).data()
        line = next(
            (x for x in (self.result.lines if self.result else []) if x.branch.name == name), None
        )
        if line is not None:
            self.open_detail(line)

    def open_detail(self, line) -> None:
        from .detail_dialog import show_detail

        show_detail(self, self.session.ledger, line, self.result.year, self.result.month)

    # -- actions ---------------------------------------------------------------------------------
    def _after_collect(self, received: list[Incoming]) -> None:
        from .collecting import busiest_month

        month = busiest_month(received)
        if month is not None:
            self.show_month(*month)

    def collect_reports(self, paths: list[str] | None = None) -> None:
        from .collecting import collect_reports

        collect_reports(self, self.session, self.settings, self._after_collect, paths)

    def collect_handkept(self) -> None:
        from .handkept_dialog import collect_handkept

        collect_handkept(
            self, self.session, self.settings, self.current_month(), self._after_collect
        )

    def open_branches(self) -> None:
        from .branch_dialog import BranchListDialog

        BranchListDialog(self.session, self).exec()

    def export_rollup(self) -> None:
        from tracker.exchange.rollup_book import build_rollup

        from ..excel_actions import _save_path, offer_to_open

        ledger = self.session.ledger
        if ledger is None:
            return
        year, month = self.current_month()
        name = f"{ledger.unit_name}{format_month(year, month)}各支部整改工作进展汇总表.xlsx"
        target = _save_path(self, "导出汇总表", name, "rollup")  # overwrite rule: 覆盖 / 取消
        if target is None:
            return

        def done(answer) -> None:
            saved, result = answer
            text = (
                f"{result.title}\n已报送 {len(result.lines)} 个支部，未报送 {len(result.missing)} 个；"
                f"逾期措施 {len(result.overdue)} 项。\n{saved}"
            )
            offer_to_open(self, "汇总表已生成", text, Path(saved))

        run_in_background(
            self,
            "正在生成汇总表…",
            lambda progress: build_rollup(ledger, target, year, month, progress=progress),
            done,
        )
