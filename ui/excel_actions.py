"""Excel from the GUI: export the ledger, build the monthly report, import a workbook — all in the background."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QRadioButton,
    QSpinBox,
    QWidget,
)

from tracker.changes import Changes
from tracker.dates import format_date, format_month

from . import files
from .operations import run_in_background
from .widgets import DateEdit, ask_choice

if TYPE_CHECKING:
    from .main_window import MainWindow


class ExportOptions(QDialog):
    """What to export: the current filter or everything, now or as the ledger stood on a date."""

    def __init__(self, filtered_count: int, total: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("导出台账")
        form = QFormLayout(self)
        self.current = QRadioButton(f"当前列表中的问题（{filtered_count} 个）")
        self.everything = QRadioButton(f"全部问题（{total} 个，不含已作废）")
        self.current.setChecked(True)
        form.addRow("范围：", self.current)
        form.addRow("", self.everything)
        self.past = QCheckBox("导出台账在某一天的状态（由历史记录还原）")
        self.date = DateEdit(dt.date.today())
        self.date.setEnabled(False)
        self.past.toggled.connect(self.date.setEnabled)
        form.addRow("", self.past)
        form.addRow("日期：", self.date)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("选择保存位置…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def as_of(self) -> dt.date | None:
        return self.date.value() if self.past.isChecked() else None


class MonthChooser(QDialog):
    def __init__(self, today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("生成月报")
        form = QFormLayout(self)
        self.year = QSpinBox()
        self.year.setRange(2000, today.year)
        self.year.setValue(today.year)
        self.year.setSuffix(" 年")
        self.month = QComboBox()
        for m in range(1, 13):
            self.month.addItem(f"{m} 月", m)
        self.month.setCurrentIndex(today.month - 1)
        form.addRow("年份：", self.year)
        form.addRow("月份：", self.month)
        note = QLabel("月报按该月月底的状态生成（由历史记录还原）；当月的月报按现在的状态生成。")
        note.setWordWrap(True)
        form.addRow(note)
        self.full_history = QCheckBox("附带全部历史记录")
        self.full_history.setToolTip(
            "大台账的月报默认只带上上个月底以来的历史记录；中间有月份没有报送、"
            "机关党委提示“历史记录缺失”时勾选。"
        )
        form.addRow("", self.full_history)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("选择保存位置…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def value(self) -> tuple[int, int]:
        return self.year.value(), self.month.currentData()


def _save_path(parent: QWidget, title: str, name: str, purpose: str = "export") -> Path | None:
    """The file to save (in the folder last used for `purpose`), asked for with the overwrite
    rule (`may_write`) instead of the file dialog's own "replace?" question, which would ask
    about our own exports too."""
    path = files.save_file(
        parent, purpose, title, name, "Excel 工作簿 (*.xlsx)", confirm_overwrite=False
    )
    if not path:
        return None
    target = Path(path if path.lower().endswith(".xlsx") else path + ".xlsx")
    return target if may_write(parent, target) else None


def may_write(parent: QWidget | None, target: Path) -> bool:
    """The overwrite rule (`tracker.excel.writer.check_overwrite`) in the window: a workbook
    this program made is replaced; anyone else's only after the user chooses 覆盖."""
    from tracker.excel.writer import is_our_workbook

    if not target.exists() or target.is_dir() or is_our_workbook(target):
        return True
    return ask_choice(
        parent,
        "文件已存在",
        f"“{target.name}”已存在，而且不是本程序生成的文件（或生成后又被其他程序修改保存过）。\n"
        f"覆盖后，其中原有的内容将丢失。\n\n{target}",
        "覆盖",
        icon=QMessageBox.Icon.Warning,
        default_no=True,
    )


def offer_to_open(parent: QWidget, title: str, text: str, path: Path) -> None:
    box = QMessageBox(QMessageBox.Icon.Information, title, text, parent=parent)
    open_file = box.addButton("打开文件", QMessageBox.ButtonRole.AcceptRole)
    open_folder = box.addButton("打开所在文件夹", QMessageBox.ButtonRole.ActionRole)
    box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
    files.ask(box)
    if box.clickedButton() is open_file:
        files.open_external(parent, path)  # says so when no program opens .xlsx
    elif box.clickedButton() is open_folder:
        files.open_folder(parent, path.parent)


def export_ledger(window: MainWindow) -> None:
    from tracker.excel.export import export_ledger as export
    from tracker.queries import Filter, len_query

    ledger = window.session.ledger
    if ledger is None:
        return
    flt = window.ledger_page.current_filter()
    options = ExportOptions(window.ledger_page.model.total, len_query(ledger, Filter()), window)
    if not options.exec():
        return
    flt = flt if options.current.isChecked() else Filter()
    as_of = options.as_of()
    suffix = f"（{as_of:%Y%m%d}）" if as_of else ""
    target = _save_path(
        window, "导出台账", f"{ledger.unit_name}问题整改台账{suffix}.xlsx", "export"
    )
    if target is None:
        return

    def done(result) -> None:
        when = f"（{format_date(result.as_of)}的状态）" if result.as_of else ""
        text = f"已导出 {result.problems} 个问题、{result.rows} 行{when}，其中逾期 {result.overdue_rows} 行。\n{result.path}"
        offer_to_open(window, "导出完成", text, result.path)

    run_in_background(
        window,
        "正在导出台账…",
        lambda progress: export(ledger, target, flt, as_of=as_of, progress=progress),
        done,
        location=ledger.location,
    )


def monthly_report(window: MainWindow) -> None:
    from tracker.excel.report import build_report

    ledger = window.session.ledger
    if ledger is None:
        return
    chooser = MonthChooser(ledger.today(), window)
    if not chooser.exec():
        return
    year, month = chooser.value()
    full = chooser.full_history.isChecked()
    target = _save_path(
        window,
        "生成月报",
        f"{ledger.unit_name}{format_month(year, month)}整改工作进展情况.xlsx",
        "report",
    )
    if target is None:
        return

    def done(result) -> None:
        text = f"{result.title}\n明细 {result.detail_problems} 个问题，逾期措施 {result.overdue_measures} 项。\n校验码：{result.code}\n{result.path}"
        offer_to_open(window, "月报已生成", text, result.path)

    run_in_background(
        window,
        "正在生成月报…",
        lambda progress: build_report(
            ledger, target, year, month, progress=progress, full_history=full
        ),
        done,
        location=ledger.location,
    )


def import_excel(window: MainWindow) -> None:
    """Choose a workbook, read it in the background, show the wizard, apply in one transaction."""
    from tracker.excel.importer import apply_plan
    from tracker.excel.plan import build_plan

    if window.session.ledger is None:
        window.new_ledger()  # importing from the welcome page starts a new ledger first
        if window.session.ledger is None:
            return
    ledger = window.session.ledger
    if ledger.read_only or not window.session.ready_to_write(window):  # who is importing
        return
    path = files.open_file(
        window,
        "import",
        "选择要导入的 Excel 台账",
        "Excel 工作簿 (*.xlsx *.xlsm *.xls);;所有文件 (*)",
    )
    if not path:
        return

    def show(plan) -> None:
        from .dialogs.import_wizard import ImportWizard

        wizard = ImportWizard(plan, window)
        if not wizard.exec():
            return
        run_in_background(
            window,
            "正在导入…",
            lambda progress: apply_plan(ledger, plan, progress=progress),
            finished,
            location=ledger.location,
        )

    def finished(result) -> None:
        window.session.changed.emit(
            Changes(problems=set(result.changes.problems), dictionaries=True)
        )
        extra = f"\n另有 {len(result.warnings)} 条提示，见导入记录。" if result.warnings else ""
        QMessageBox.information(
            window,
            "导入完成",
            f"新建 {result.created} 个问题、{result.measures} 项措施；更新 {result.updated} 个；跳过 {result.skipped} 个。{extra}",
        )

    run_in_background(
        window,
        "正在读取工作簿…",
        lambda progress: build_plan(ledger, path, progress=progress),
        show,
    )
