"""The detail panel: everything about the selected problem, in a header and five tabs.

The panel reads through `tracker.detail` / `tracker.history` and writes only through
`Session.perform`; it refreshes itself from the session's `changed` signal, so an action taken
anywhere (toolbar, dialog, another tab) shows up here without the window telling it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tracker.changes import Changes
from tracker.errors import NotFoundError
from tracker.overdue import BAND_LABELS, OPEN_PROBLEM, RED
from ui.session import Session
from ui.unsaved import CANCEL, SAVE, ask_unsaved

if TYPE_CHECKING:  # tracker.detail (with the deadline parser) loads with the first problem shown
    from tracker.detail import ProblemDetail

from .common import BAND_COLOURS, BAND_TEXT_COLOURS, STATUS_COLOURS, ElidedLabel, worst_band

EMPTY_TEXT = "请选择一个问题"
PAGE_PARTS = {"tabs", "basic", "measures", "progress", "evidence", "history", "code", "status"}
PAGE_PARTS |= {"band", "summary", "stripe"}
TAB_TIPS = {
    "基本信息": "问题描述、原因分析、整改目标、责任领导等，可直接修改",
    "整改措施": "整改措施、责任人和整改时限；完成、延期、作废",
    "整改进展": "按日期记录的整改进展",
    "佐证材料": "证明整改到位的文件",
    "历史记录": "该问题的全部修改记录：谁在什么时候把什么改成了什么",
}


class DetailPanel(QWidget):
    """`show_problem(id)` shows one problem; `None` shows the empty state."""

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.problem_id: int | None = None
        self.detail: ProblemDetail | None = None
        self._dictionaries_stale = False
        self._history_stale = True
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.stack = QStackedWidget()
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setStyleSheet("color:#8a8f98; font-size:15px;")
        self.empty.setToolTip("在左侧台账中点选一个问题，这里显示它的详细信息")
        self.stack.addWidget(self.empty)
        self._built = False  # the header and five tabs are built when the first problem is shown
        layout.addWidget(self.stack)
        session.changed.connect(self._on_changed)
        session.opened.connect(self._on_opened)
        session.closed.connect(self._on_closed)

    def __getattr__(self, name: str):
        """The tabs and header exist once built; asking for one builds them (tests, F2, …)."""
        if name in PAGE_PARTS and not self.__dict__.get("_built", True):
            self._build_page()
            return getattr(self, name)
        raise AttributeError(name)

    def _build_page(self) -> None:
        if self._built:
            return
        self._built = True
        from .basic_tab import BasicTab
        from .evidence_tab import EvidenceTab
        from .history_tab import HistoryTab
        from .measures_tab import MeasuresTab
        from .progress_tab import ProgressTab

        session = self.session
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(0)
        page_layout.addWidget(self._build_header())
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.basic = BasicTab(session)
        self.measures = MeasuresTab(session)
        self.progress = ProgressTab(session)
        self.evidence = EvidenceTab(session)
        self.history = HistoryTab()
        for widget, title in [
            (self.basic, "基本信息"),
            (self.measures, "整改措施"),
            (self.progress, "整改进展"),
            (self.evidence, "佐证材料"),
            (self.history, "历史记录"),
        ]:
            index = self.tabs.addTab(widget, title)
            self.tabs.setTabToolTip(index, TAB_TIPS[title])
        self.tabs.currentChanged.connect(self._tab_changed)
        self.basic.dirty_changed.connect(self._dirty_changed)
        page_layout.addWidget(self.tabs, 1)
        self.stack.addWidget(page)

    def _build_header(self) -> QWidget:
        header = QFrame()
        header.setObjectName("detailHeader")
        outer = QVBoxLayout(header)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        line = QHBoxLayout()
        line.setContentsMargins(12, 8, 12, 6)
        line.setSpacing(10)
        self.code = QLabel()
        self.code.setStyleSheet("font-size:16px; font-weight:bold;")
        self.code.setToolTip("问题编号（自动编号，不会重复使用）")
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status = QLabel()
        self.status.setToolTip("问题当前的状态：挂账 → 整改中 → 待销号 → 已销号")
        self.band = QLabel()
        self.band.setToolTip("整改期限提醒：红色逾期，黄色 7 天内到期，蓝色 30 天内到期")
        self.summary = ElidedLabel()
        self.summary.setStyleSheet("color:#5f6b7a;")
        line.addWidget(self.code)
        line.addWidget(self.status)
        line.addWidget(self.band)
        line.addWidget(self.summary, 1)
        outer.addLayout(line)
        self.stripe = QFrame()
        self.stripe.setFixedHeight(4)
        self.stripe.setToolTip(self.band.toolTip())
        outer.addWidget(self.stripe)
        return header

    # -- public --------------------------------------------------------------------------------
    def show_problem(self, problem_id: int | None) -> bool:
        """False if the user chose to go on editing the problem shown (取消 on unsaved edits)."""
        if problem_id != self.problem_id:
            if not self.maybe_save():
                return False
            if self._built:
                self.basic.clear()
        self.problem_id = problem_id
        self.reload()
        return True

    def focus_editor(self) -> None:
        """F2: bring the 基本信息 form forward with the cursor in 问题描述."""
        if self.detail is None:
            return
        self.tabs.setCurrentWidget(self.basic)
        self.basic.texts["description"].setFocus()

    def maybe_save(self) -> bool:
        """Before leaving the problem: 保存 / 不保存 / 取消 unsaved 基本信息; False to stay (取消, or
        the save was refused)."""
        if (
            self.problem_id is None
            or not self._built
            or not self.basic.is_dirty()
            or self.session.read_only
        ):
            return True
        from tracker.services.problems import FIELD_LABELS  # loaded with the form, not at start

        labels = "、".join(FIELD_LABELS.get(n, n) for n in self.basic.changed_fields())
        answer = ask_unsaved(
            self, f"问题 {self.detail.row['code']} 的基本信息有未保存的修改（{labels}）。"
        )
        if answer == CANCEL:
            return False
        if answer == SAVE:
            return self.basic.save()
        self.basic.revert()
        return True

    def reload(self) -> None:
        ledger = self.session.ledger
        if self.problem_id is None or ledger is None:
            self._show_empty(EMPTY_TEXT)
            return
        try:
            from tracker.detail import problem_detail

            detail = problem_detail(ledger, self.problem_id)
        except NotFoundError:
            self.problem_id = None
            self._show_empty("该问题已不存在（可能已被撤销）")
            return
        self.detail = detail
        self._build_page()
        self.basic.load(detail, ledger, refresh_dictionaries=self._dictionaries_stale)
        self._dictionaries_stale = False
        self.measures.load(detail)
        self.progress.load(detail)
        self.evidence.load(detail)
        self._history_stale = True
        if self.tabs.currentWidget() is self.history:
            self._load_history()
        self._fill_header(detail)
        self.stack.setCurrentIndex(1)

    # -- header --------------------------------------------------------------------------------
    def _fill_header(self, detail: ProblemDetail) -> None:
        row = detail.row
        self.code.setText(row["code"])
        background, colour = STATUS_COLOURS.get(row["status"], ("#eeeeee", "#333333"))
        self.status.setText(detail.status_label)
        self.status.setStyleSheet(
            f"background:{background}; color:{colour}; border-radius:9px;"
            " padding:2px 10px; font-weight:bold;"
        )
        band = worst_band(detail.measures) if row["status"] in OPEN_PROBLEM else None
        if band is None:
            self.band.setText("")
            self.stripe.setStyleSheet("background:#e6e9ee;")
        else:
            overdue = sum(1 for m in detail.measures if m.overdue)
            text = f"{overdue} 项措施逾期" if band == RED else f"有措施{BAND_LABELS[band]}"
            self.band.setText(text)
            self.band.setStyleSheet(
                f"color:{BAND_TEXT_COLOURS[band]}; background:{BAND_COLOURS[band]};"
                " border-radius:9px; padding:2px 8px;"
            )
            self.stripe.setStyleSheet(f"background:{BAND_TEXT_COLOURS[band]};")
        self.band.setVisible(band is not None)
        description = " ".join(row["description"].split())
        self.summary.set_full_text(description)

    def _show_empty(self, text: str) -> None:
        self.detail = None
        if self._built:
            self.basic.clear()
            self.history.clear()
        self.empty.setText(text)
        self.stack.setCurrentIndex(0)

    def _dirty_changed(self, dirty: bool) -> None:
        self.tabs.setTabText(0, "基本信息 *" if dirty else "基本信息")

    # -- refresh -------------------------------------------------------------------------------
    def _tab_changed(self, _index: int) -> None:
        if self.tabs.currentWidget() is self.history and self._history_stale:
            self._load_history()

    def _load_history(self) -> None:
        if self.problem_id is not None and self.session.ledger is not None:
            self.history.load(self.session.ledger, self.problem_id)
            self._history_stale = False

    def _on_changed(self, changes: Changes) -> None:
        if changes.dictionaries:
            self._dictionaries_stale = True
        if self.problem_id is None or self.detail is None:
            return
        mine = {m.id for m in self.detail.measures}
        if self.problem_id in changes.problems or changes.dictionaries or changes.measures & mine:
            self.reload()

    def _on_opened(self, _ledger) -> None:
        self._dictionaries_stale = True
        self.problem_id = None
        self._show_empty(EMPTY_TEXT)

    def _on_closed(self) -> None:
        self.problem_id = None
        self._show_empty(EMPTY_TEXT)
