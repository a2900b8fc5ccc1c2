"""Showing failures: refusals as plain dialogs, unexpected exceptions with a copyable report and a log."""

from __future__ import annotations

import logging
import platform
import sys
import traceback
from typing import Any

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from tracker.errors import Cancelled, LedgerError
from tracker.failures import translate
from tracker.paths import log_dir, redact_urls

from .session import show_error

log = logging.getLogger(__name__)


class RedactingFormatter(logging.Formatter):
    """Log lines, tracebacks included, with any database URL's password hidden."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_urls(super().format(record))


class CrashDialog(QDialog):
    """An unexpected error: says nothing was lost, shows a report the user can copy to support."""

    def __init__(self, parent: QWidget | None, report: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("程序遇到意外错误")
        layout = QVBoxLayout(self)
        label = QLabel(
            "程序遇到了一个意外错误，刚才的操作没有完成。已保存的数据不受影响（每次修改都在一个事务中完成）。\n"
            f"错误报告已记录到日志：{log_dir() / 'zhenggai.log'}\n如需帮助，请复制下面的报告发给技术支持。"
        )
        label.setWordWrap(True)
        layout.addWidget(label)
        self.text = QPlainTextEdit(report)
        self.text.setReadOnly(True)
        self.text.setMinimumSize(640, 260)
        layout.addWidget(self.text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = buttons.addButton("复制报告", QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(lambda: QApplication.clipboard().setText(report))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


def crash_report(exc: BaseException, tb_text: str | None = None) -> str:
    tb_text = tb_text or "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    tb_text = redact_urls(tb_text)
    return f"整改台账 错误报告\nPython {sys.version.split()[0]}，PySide6 {pyside_version}，{platform.platform()}\n\n{tb_text}"


def report_failure(parent: QWidget | None, error: Any) -> None:
    """For background jobs: a refusal, a cancellation or an unexpected exception."""
    if isinstance(error, Cancelled):
        return
    if isinstance(error, LedgerError):
        show_error(parent, error)
        return
    known = translate(error) if isinstance(error, Exception) else None
    if known is not None:
        show_error(parent, known)
        return
    exc, tb_text = error if isinstance(error, tuple) else (error, None)
    CrashDialog(parent, crash_report(exc, tb_text)).exec()


def install_excepthook() -> None:
    """Uncaught exceptions in slots: log them and show the crash dialog instead of dying silently."""

    def hook(exc_type, exc, tb):
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("uncaught exception\n%s", text)
        known = translate(exc) if isinstance(exc, Exception) else None
        if known is not None:
            show_error(QApplication.activeWindow(), known)
            return
        if QApplication.instance() is not None:
            CrashDialog(QApplication.activeWindow(), crash_report(exc, text)).exec()

    sys.excepthook = hook
