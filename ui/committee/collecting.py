"""收取支部月报 and 收取手工台账: choose → check in the background → review → keep in the
background → a summary, and the screens refresh from `Changes(committee=True)`.

Nothing is kept until the user presses 收取 in the review; a file that fails while being kept
does not stop the others.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from tracker.changes import Changes
from tracker.exchange.collect import KINDS, Incoming

from .. import files
from ..operations import run_in_background
from ..session import Session
from ..widgets import headline as headline_label
from ..widgets import report_text
from . import jobs
from .review_dialog import CollectReview

Done = Callable[[list[Incoming]], None] | None


def choose_reports(parent: QWidget, settings: QSettings | None = None) -> list[str]:
    """Several files, or a whole folder: the user picks which way first (empty: cancelled).
    Both start in the folder reports were last collected from (`ui.files`, purpose collect)."""
    box = QMessageBox(
        QMessageBox.Icon.Question,
        "收取支部月报",
        "请选择各支部报送的月报文件（可以一次选择多个），\n"
        "或者选择存放月报的文件夹（收取其中全部 .xlsx 文件）。",
        parent=parent,
    )
    several = box.addButton("选择文件…", QMessageBox.ButtonRole.AcceptRole)
    folder = box.addButton("选择文件夹…", QMessageBox.ButtonRole.ActionRole)
    cancel = box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(several)
    box.setEscapeButton(cancel)
    box.exec()
    if box.clickedButton() is several:
        return files.open_files(
            parent, "collect", "选择支部月报（可多选）", "Excel 工作簿 (*.xlsx)"
        )
    if box.clickedButton() is folder:
        picked = files.choose_folder(parent, "collect", "选择存放月报的文件夹")
        return [picked] if picked else []
    return []


def collect_reports(
    parent: QWidget,
    session: Session,
    settings: QSettings | None = None,
    done: Done = None,
    paths: list[str] | None = None,
) -> None:
    """文件 → 收取支部月报…: every chosen file checked in the background, then the review."""
    ledger = session.ledger
    if ledger is None or ledger.read_only:
        return
    paths = paths if paths is not None else choose_reports(parent, settings)
    if not paths:
        return
    run_in_background(
        parent,
        "正在核对支部月报…",
        lambda progress: jobs.inspect_files(ledger, paths, progress),
        lambda incomings: review_and_receive(parent, session, incomings, "收取支部月报", done),
    )


def review_and_receive(
    parent: QWidget, session: Session, incomings: list[Incoming], title: str, done: Done = None
) -> None:
    """Show the review; on 收取 keep the chosen files in the background, then the summary."""
    review = CollectReview(incomings, parent, title)
    if not review.exec():
        return
    chosen = review.chosen()
    if chosen and not session.ready_to_write(parent):  # who is receiving them (the journal)
        return
    kept = {id(x) for x in chosen}
    left = [x for x in incomings if x.ok and id(x) not in kept]  # new branches not registered
    ledger = session.ledger

    def finished(outcome: jobs.Outcome) -> None:
        if outcome.received:
            session.changed.emit(Changes(committee=True))
        refused = [x for x in incomings if not x.ok]
        SummaryDialog(outcome, refused, left, parent).exec()
        if done is not None and outcome.received:
            done(outcome.received)

    run_in_background(
        parent,
        "正在收取…",
        lambda progress: jobs.receive_files(ledger, chosen, progress),
        finished,
    )


def busiest_month(incomings: list[Incoming]) -> tuple[int, int] | None:
    """The month most of the received files are for (the one to show afterwards)."""
    counts = Counter((x.year, x.month) for x in incomings if x.year)
    return max(counts, key=lambda m: (counts[m], m)) if counts else None


# -- the summary ----------------------------------------------------------------------------------
def _line(incoming: Incoming) -> str:
    what = KINDS.get(incoming.kind, incoming.kind)
    mark = "（未校验）" if not incoming.verified else ""
    return (
        f"{incoming.path.name}：{incoming.unit or '（无法识别）'}{incoming.month_label}{what}{mark}"
    )


def summary(
    outcome: jobs.Outcome, refused: list[Incoming], left: list[Incoming]
) -> tuple[str, str]:
    """(headline, details) of a collect: 收取 N 份，拒收 M 份, then every file by name."""
    failed = len(refused) + len(outcome.failed)
    headline = f"收取 {len(outcome.received)} 份，拒收 {failed} 份。"
    waiting = len(left) + len(outcome.skipped)
    if waiting:
        headline += f"另有 {waiting} 份未收取（新支部未登记，或已取消）。"
    lines: list[str] = []
    if outcome.received:
        lines.append("已收取：")
        lines.extend(f"  {_line(x)}" for x in outcome.received)
    if refused or outcome.failed:
        lines.append("拒收：")
        for incoming in refused:
            lines.append(f"  {_line(incoming)}")
            lines.extend(f"    - {reason}" for reason in incoming.reasons)
        for incoming, reason in outcome.failed:
            lines.append(f"  {_line(incoming)}")
            lines.append(f"    - {reason}")
    if waiting:
        lines.append("未收取：")
        lines.extend(f"  {_line(x)}（未登记为新支部）" for x in left)
        lines.extend(f"  {_line(x)}（已取消）" for x in outcome.skipped)
    if outcome.warnings:
        lines.append("请注意：")
        lines.extend(f"  {w}" for w in outcome.warnings)
    return headline, "\n".join(lines)


class SummaryDialog(QDialog):
    """The result in one large line, every file below; copyable."""

    def __init__(
        self,
        outcome: jobs.Outcome,
        refused: list[Incoming],
        left: list[Incoming],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("收取完成")
        self.resize(820, 460)
        title, details = summary(outcome, refused, left)
        layout = QVBoxLayout(self)
        self.headline = headline_label(title)
        layout.addWidget(self.headline)
        self.text = report_text(details)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("关闭")
        copy = buttons.addButton("复制结果", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(title + "\n" + details))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
