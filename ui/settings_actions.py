"""Backup and restore from the GUI: both run in the background and never overwrite without asking."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from tracker.backup import backup_ledger, restore_ledger
from tracker.changes import Changes
from tracker.errors import LedgerError
from tracker.ledger import open_ledger
from tracker.replay import verify

from .operations import run_in_background

if TYPE_CHECKING:
    from .session import Session


def _session(window) -> Session:
    return window.session


def backup_now(window: QWidget, session: Session | None = None) -> None:
    session = session or _session(window)
    ledger = session.ledger
    if ledger is None:
        return
    suggested = f"整改台账备份-{dt.date.today():%Y%m%d}.db"
    start = str(Path(ledger.location).with_name(suggested)) if ledger.is_sqlite else suggested
    path, _ = QFileDialog.getSaveFileName(window, "备份台账", start, "整改台账 (*.db)")
    if not path:
        return
    target = Path(path)
    if target.exists():
        QMessageBox.warning(
            window, "备份", f"文件“{target}”已存在。为避免覆盖原有备份，请换一个文件名。"
        )
        return

    def job(progress):
        backup_ledger(ledger.db, ledger.evidence_dir, target)
        return target

    run_in_background(
        window,
        "正在备份…",
        job,
        lambda t: QMessageBox.information(
            window,
            "备份完成",
            f"已备份到：\n{t}\n佐证材料已复制到：\n{t.with_name(t.stem + '.evidence')}",
        ),
        cancellable=False,
    )


def restore_backup(window: QWidget, session: Session | None = None) -> None:
    session = session or _session(window)
    ledger = session.ledger
    if ledger is None or ledger.read_only:
        return
    path, _ = QFileDialog.getOpenFileName(window, "选择备份文件", "", "整改台账 (*.db)")
    if not path:
        return
    answer = QMessageBox.question(
        window,
        "从备份恢复",
        "恢复会用备份中的内容替换当前台账的全部数据。\n恢复前会先校验备份，并把当前台账另存一份。\n\n确定要恢复吗？",
    )
    if answer != QMessageBox.StandardButton.Yes:
        return

    def job(progress):
        with open_ledger(path, read_only=True) as candidate:
            report = verify(candidate)
        if not report.ok:
            raise LedgerError(f"备份文件未通过校验，拒绝恢复：{report.problems[0]}")
        safety = restore_ledger(ledger.db, ledger.evidence_dir, Path(path))
        return report.head.code, safety

    def done(result) -> None:
        code, safety = result
        session.changed.emit(Changes(dictionaries=True, settings=True))
        note = f"\n恢复前的台账已另存为：{safety}" if safety else ""
        QMessageBox.information(window, "恢复完成", f"已从备份恢复（校验码 {code}）。{note}")

    run_in_background(window, "正在恢复…", job, done, cancellable=False)
