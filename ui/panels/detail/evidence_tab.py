"""佐证材料: the files that prove a fix — add (dialog or drag and drop), open, remove with a reason.

A file is known by its SHA-256, so the same scan attached to two problems is recognised however it
is named; the banner says so, because one document "proving" several fixes is how 纸面销号 looks.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QBrush, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker import services, workflow
from tracker.dates import format_datetime
from tracker.detail import EvidenceView, ProblemDetail
from tracker.labels import size_label
from ui import files
from ui.session import Session

from .common import MUTED, ColumnFitter, Notice, ask_reason, work_block

HEADERS = ["文件名", "大小", "添加人", "添加时间", "所属措施", "SHA-256", "说明"]
# the widest value each column usually holds: its fixed width (文件名 takes the rest)
COLUMN_SAMPLES = {
    1: "1023.9 KB",
    2: "欧阳建国",
    3: "2026年11月21日 10:00",
    4: "措施 12",
    5: "0123456789ab…",
    6: "⚠ 同一文件也用于 2026-001",
}

__all__ = ["EvidenceTab", "ask_reason", "choose_files", "open_path"]


def choose_files(parent: QWidget) -> list[str]:
    """Starts in the folder evidence was last added from (scans usually sit together)."""
    return files.open_files(parent, "evidence", "添加佐证材料", "所有文件 (*)")


def open_path(path: Path) -> bool:
    return files.open_url(QUrl.fromLocalFile(str(path)))


class EvidenceTab(QWidget):
    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.detail: ProblemDetail | None = None
        self.blocked = ""
        self.setAcceptDrops(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        self.notice = Notice()
        layout.addWidget(self.notice)
        self.banner = Notice()
        layout.addWidget(self.banner)
        bar = QHBoxLayout()
        self.add_button = QPushButton("添加文件…")
        self.add_button.setToolTip("选择一个或多个文件作为佐证材料（会复制到台账的材料文件夹）")
        self.add_button.clicked.connect(self.add_from_dialog)
        bar.addWidget(self.add_button)
        bar.addWidget(QLabel("关联措施"))
        self.measure = QComboBox()
        self.measure.setToolTip("新添加的材料证明哪一项措施；也可以只关联到问题")
        self.measure.setMinimumContentsLength(6)  # the panel fits beside the list at 1366 px
        self.measure.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        bar.addWidget(self.measure, 1)
        self.open_button = QPushButton("打开")
        self.open_button.setToolTip("用系统默认程序打开所选材料")
        self.open_button.clicked.connect(self.open_current)
        self.remove_button = QPushButton("移除")
        self.remove_button.setToolTip("把所选材料从该问题移除（需填写理由；文件和记录仍保留）")
        self.remove_button.clicked.connect(self.remove_current)
        bar.addWidget(self.open_button)
        bar.addWidget(self.remove_button)
        layout.addLayout(bar)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(HEADERS)
        self.tree.setToolTip("双击打开；SHA-256 是文件内容的指纹，同一文件无论如何改名都相同")
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # narrow panel: hide SHA-256, 添加时间, 所属措施, 大小 first (all in the name's tooltip);
        # every column but 文件名 has a fixed width, so nothing moves between problems
        self.fitter = ColumnFitter(self.tree, 0, 140, [5, 3, 4, 1], samples=COLUMN_SAMPLES)
        self.tree.itemSelectionChanged.connect(self._update_buttons)
        self.tree.itemDoubleClicked.connect(lambda *_: self.open_current())
        layout.addWidget(self.tree, 1)
        self.hint = QLabel("提示：也可以把文件从资源管理器直接拖到这里。")
        self.hint.setStyleSheet("color:#5f6b7a;")
        self.hint.setWordWrap(True)  # a long hint must not widen the panel
        layout.addWidget(self.hint)
        self._update_buttons()

    # -- loading -------------------------------------------------------------------------------
    def load(self, detail: ProblemDetail) -> None:
        same = self.detail is not None and self.detail.row["id"] == detail.row["id"]
        keep_measure = self.measure.currentData() if same else None
        selected = self.current()
        self.detail = detail
        self.blocked = work_block(self.session, detail.row["status"], "或移除佐证材料")
        self.notice.say(f"{self.blocked}已有材料仍可打开查看。" if self.blocked else "")
        seqs = {m.id: m.seq for m in detail.measures}
        self.measure.clear()
        self.measure.addItem("（只关联到问题）", None)
        for m in detail.measures:
            if m.status != workflow.M_VOID:
                self.measure.addItem(f"措施 {m.seq}：{m.text[:20]}", m.id)
                self.measure.setItemData(
                    self.measure.count() - 1, m.text, Qt.ItemDataRole.ToolTipRole
                )
        self.measure.setCurrentIndex(max(0, self.measure.findData(keep_measure)))
        self.tree.clear()
        for e in detail.evidence:
            self.tree.addTopLevelItem(self._item(e, seqs))
        self.fitter.fit()
        self._show_banner(detail.evidence)
        if selected is not None:
            for i in range(self.tree.topLevelItemCount()):
                if self.tree.topLevelItem(i).data(0, Qt.ItemDataRole.UserRole) == selected.id:
                    self.tree.setCurrentItem(self.tree.topLevelItem(i))
        self.hint.setText(self._idle_hint())
        self.hint.setVisible(not self.blocked)
        self._update_buttons()

    def _item(self, e: EvidenceView, seqs: dict[int, int]) -> QTreeWidgetItem:
        at = format_datetime(dt.datetime.fromisoformat(e.added_at)) if e.added_at else ""
        measure = f"措施 {seqs[e.measure_id]}" if e.measure_id in seqs else "—"
        if not e.active:
            note = f"已移除：{e.removed_reason}"
        elif e.shared_with:
            note = f"⚠ 同一文件也用于 {'、'.join(e.shared_with)}"
        else:
            note = e.note
        item = QTreeWidgetItem(
            [e.name, size_label(e.size), e.added_by, at, measure, e.sha256[:12] + "…", note]
        )
        item.setData(0, Qt.ItemDataRole.UserRole, e.id)
        item.setToolTip(
            0,
            f"{e.name}\n大小：{size_label(e.size)}\n添加：{e.added_by} {at}\n所属：{measure}"
            f"\nSHA-256：{e.sha256}" + (f"\n{note}" if note else ""),
        )
        item.setToolTip(1, f"{e.size:,} 字节")
        item.setToolTip(5, f"SHA-256：{e.sha256}")
        item.setToolTip(6, note)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if not e.active:
            for col in range(len(HEADERS)):
                item.setForeground(col, QBrush(MUTED))
        elif e.shared_with:
            item.setForeground(6, QBrush(Qt.GlobalColor.darkRed))
        return item

    def _show_banner(self, evidence: list[EvidenceView]) -> None:
        shared = [e for e in evidence if e.active and e.shared_with]
        if not shared:
            self.banner.say("")
            return
        lines = "；".join(f"“{e.name}”同时用于问题 {'、'.join(e.shared_with)}" for e in shared)
        self.banner.say(f"⚠ {lines}。同一份材料为多个问题作证，可能是纸面销号，请核实。", "danger")

    def current(self) -> EvidenceView | None:
        item = self.tree.currentItem()
        if self.detail is None or item is None or not item.isSelected():
            return None
        eid = item.data(0, Qt.ItemDataRole.UserRole)
        return next((e for e in self.detail.evidence if e.id == eid), None)

    def _update_buttons(self) -> None:
        e = self.current()
        can = self.detail is not None and not self.blocked
        self.add_button.setEnabled(can)
        self.measure.setEnabled(can)
        self.open_button.setEnabled(e is not None)
        self.remove_button.setEnabled(can and e is not None and e.active)

    # -- actions -------------------------------------------------------------------------------
    def add_from_dialog(self) -> None:
        if self.detail is not None and not self.blocked:
            self.add_files(choose_files(self))

    def add_files(self, paths: list[str]) -> int:
        """Attach files one action each (each journaled); stops at the first refusal."""
        if self.detail is None or self.blocked or not paths:
            return 0
        pid, mid = self.detail.row["id"], self.measure.currentData()
        added = 0
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)  # copying and hashing
        try:
            for path in paths:
                if (
                    self.session.perform(self, services.add_evidence, pid, path, measure_id=mid)
                    is None
                ):
                    break
                added += 1
        finally:
            QGuiApplication.restoreOverrideCursor()
        return added

    def open_current(self) -> None:
        e = self.current()
        if e is None or self.session.ledger is None:
            return
        path = services.evidence_file(self.session.ledger, e.sha256, e.name)
        if not path.exists():
            QMessageBox.warning(
                self,
                "找不到文件",
                f"材料文件夹中没有“{e.name}”：\n{path}\n"
                "请检查台账文件旁的材料文件夹是否被移动或删除。",
            )
            return
        if not open_path(path):  # no program for this kind of file: say so, offer the folder
            files.cannot_open(self, path, name=e.name)

    def remove_current(self) -> None:
        e = self.current()
        if e is None or not self.remove_button.isEnabled():
            return
        reason = ask_reason(
            self, "移除佐证材料", f"移除“{e.name}”的理由（必填，文件仍保留在材料文件夹中）："
        )
        if reason is not None:
            self.session.perform(self, services.remove_evidence, e.id, reason)

    # -- drag and drop ----------------------------------------------------------------------------
    @staticmethod
    def _local_files(mime) -> list[str]:
        if not mime.hasUrls():
            return []
        return [
            u.toLocalFile()
            for u in mime.urls()
            if u.isLocalFile() and Path(u.toLocalFile()).is_file()
        ]

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt naming)
        if self.detail is not None and not self.blocked and self._local_files(event.mimeData()):
            event.acceptProposedAction()
            self.hint.setText("松开鼠标即可添加这些文件。")
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:  # noqa: N802
        self.hint.setText(self._idle_hint())

    def _idle_hint(self) -> str:
        if self.detail is not None and not self.detail.evidence:
            return "还没有佐证材料：点“添加文件…”，或把文件从资源管理器直接拖到这里。"
        return "提示：也可以把文件从资源管理器直接拖到这里。"

    def dropEvent(self, event) -> None:  # noqa: N802
        self.dragLeaveEvent(event)
        files = self._local_files(event.mimeData())
        if not files:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_files(files)
