"""文件 → 导出三张清单… and 生成整改情况报告…: the choices, the file, the work in the background."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QWidget,
)

from tracker.dates import format_date
from tracker.ledger import Ledger
from tracker.models import Batch

from .excel_actions import _save_path, finish_form, produce
from .widgets import DateEdit

if TYPE_CHECKING:
    from .main_window import MainWindow


class DocumentOptions(QDialog):
    """Which problems (all, or one 整改批次) and, for the Word report, as of which day."""

    def __init__(
        self, ledger: Ledger, title: str, note: str, *, dated: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        form = QFormLayout(self)
        self.batch = QComboBox()
        self.batch.addItem("全部问题（不含已作废）", None)
        batches = ledger.select(Batch, Batch.id, Batch.name).order_by(Batch.held_on, Batch.id)
        for pk, name in batches.tuples():
            self.batch.addItem(name, pk)
        form.addRow("范围：", self.batch)
        self.past = QCheckBox("按某一天的台账状态撰写（由历史记录还原）")
        self.date = DateEdit(ledger.today())
        self.date.setEnabled(False)
        self.past.toggled.connect(self.date.setEnabled)
        if dated:
            form.addRow("", self.past)
            form.addRow("日期：", self.date)
        finish_form(self, form, note)

    def chosen_batch(self) -> int | None:
        return self.batch.currentData()

    def as_of(self) -> dt.date | None:
        return self.date.value() if self.past.isChecked() else None


def _scope(options: DocumentOptions) -> str:
    return "" if options.chosen_batch() is None else options.batch.currentText()


def export_lists(window: MainWindow) -> None:
    from tracker.documents.lists import build_lists

    ledger = window.session.ledger
    if ledger is None:
        return
    options = DocumentOptions(
        ledger,
        "导出三张清单",
        "问题清单（问题、原因、目标）、任务清单（每项措施的时限和完成情况）、责任清单（责任领导、"
        "部门、责任人各负责多少、完成多少、哪些逾期）在一个 Excel 工作簿中，A4 横向排版。",
        dated=False,
        parent=window,
    )
    if not options.exec():
        return
    batch = options.chosen_batch()
    name = f"{ledger.unit_name}{_scope(options)}三张清单.xlsx"
    target = _save_path(window, "导出三张清单", name, "export")
    if target is None:
        return

    produce(
        window,
        "正在导出三张清单…",
        "三张清单已导出",
        lambda progress: build_lists(ledger, target, batch=batch, progress=progress),
        lambda result: (
            f"{result.title}\n问题清单 {result.problems} 个问题，任务清单 {result.measures} 项措施"
            f"（其中逾期 {result.overdue_measures} 项），责任清单按责任领导、部门、责任人分列。"
        ),
    )


def word_report(window: MainWindow) -> None:
    from tracker.documents.word_report import build_word_report

    ledger = window.session.ledger
    if ledger is None:
        return
    options = DocumentOptions(
        ledger,
        "生成整改情况报告",
        "按公文格式生成《关于××整改落实情况的报告》草稿（Word）：总体情况和问题整改情况由台账自动"
        "写出，数字与月报一致；主送机关、存在的不足、下一步打算等需要撰写的地方标有【请补充】。",
        dated=True,
        parent=window,
    )
    if not options.exec():
        return
    batch, as_of = options.chosen_batch(), options.as_of()
    when = f"（{as_of:%Y%m%d}）" if as_of else ""
    name = f"{ledger.unit_name}{_scope(options)}整改情况报告{when}.docx"
    target = _save_path(window, "生成整改情况报告", name, "report", ".docx")
    if target is None:
        return

    produce(
        window,
        "正在生成整改情况报告…",
        "整改情况报告已生成",
        lambda progress: build_word_report(
            ledger, target, batch=batch, as_of=as_of, progress=progress
        ),
        lambda result: (
            f"《{result.title}》（草稿）\n{result.problems} 个问题，数据截至"
            f"{format_date(result.as_of)}。标有【请补充】的部分请撰写后再报送。"
        ),
    )
