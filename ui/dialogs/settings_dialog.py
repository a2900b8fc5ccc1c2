"""设置: the unit's header lines, the user's name, the dictionaries, and the ledger file (backup/restore).

Unit info and the name are applied on 确定/应用; dictionary edits are separate journaled actions
and take effect at once (the tab says so). Backup and restore run off the GUI thread. A restore
replaces the whole ledger, so it goes in three steps: the backup is verified (evidence rehashed)
and both ledgers summarized in the background; the user confirms, seeing both sides (and why
care is needed when the unit differs or the ledger is shared); then the restore runs.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from tracker import services
from tracker.backup import backup_ledger, free_path
from tracker.changes import Changes
from tracker.followup import lookbacks
from tracker.ledger import CONTACT_PERSON, CONTACT_PHONE, UNIT_NAME, open_ledger
from tracker.replay import verify
from tracker.restore import Summary, confirmation_needed, restore_ledger, summarize

from .. import files
from ..operations import Operation, run_in_background
from ..session import Session
from .reason_dialog import field_error
from .settings_directory import DirectoryTab

USER_NAME_KEY = "user/name"
WARN = "color: #b00020;"
UNIT_FIELDS = (
    ("unit_name", UNIT_NAME, "填报单位"),
    ("contact_person", CONTACT_PERSON, "联系人"),
    ("contact_phone", CONTACT_PHONE, "联系电话"),
)


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet("color: #5f6b7a;")
    return label


class SettingsDialog(QDialog):
    """Settings in four tabs. Tests pass their own `settings` (an ini file) instead of QSettings()."""

    backup_finished = Signal(str)  # the path written
    restore_finished = Signal(object)  # the safety copy of what was replaced (or None)

    def __init__(
        self,
        session: Session,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings if settings is not None else QSettings()
        self.operation: Operation | None = None
        self.setWindowTitle("设置")
        self.resize(760, 520)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._unit_tab(), "单位信息")
        self.tabs.addTab(self._name_tab(), "我的姓名")
        self.directory = DirectoryTab(session)
        self.tabs.addTab(self.directory, "名录")
        self.tabs.addTab(self._file_tab(), "台账文件")
        layout.addWidget(self.tabs)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.Apply
        )
        for button, text in (("Ok", "确定"), ("Cancel", "取消"), ("Apply", "应用")):
            self.buttons.button(getattr(QDialogButtonBox.StandardButton, button)).setText(text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.apply)
        layout.addWidget(self.buttons)
        self.load()
        read_only = session.read_only
        for widget in (*self.unit_edits.values(), self.restore_button):
            widget.setEnabled(not read_only)

    # -- tabs ------------------------------------------------------------------------------------
    def _unit_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.unit_edits: dict[str, QLineEdit] = {}
        for name, _, label in UNIT_FIELDS:
            self.unit_edits[name] = QLineEdit()
            form.addRow(
                f"{label}（必填）：" if name == "unit_name" else f"{label}：", self.unit_edits[name]
            )
        self.unit_edits["unit_name"].setPlaceholderText("如：市机关事务服务中心党支部")
        self.unit_edits["contact_phone"].setPlaceholderText("如：0571-88886666")
        form.addRow(_note("这些信息出现在导出的台账和月报的表头（填报单位、联系人、联系电话）。"))
        self.lookback_months = QSpinBox()
        self.lookback_months.setRange(1, lookbacks.MAX_MONTHS)
        self.lookback_months.setSuffix(" 个月")
        form.addRow("销号后回头看：", self.lookback_months)
        form.addRow(
            _note(
                "问题审核销号时，按此定下回头看日期（已定的日期不变；单个问题可在“督办 → 回头看…”中改）。"
            )
        )
        return tab

    def _name_tab(self) -> QWidget:
        tab = QWidget()
        form = QFormLayout(tab)
        self.user_name = QLineEdit()
        self.user_name.setToolTip("每一次修改都会以这个姓名记入历史记录")
        form.addRow("我的姓名（必填）：", self.user_name)
        form.addRow(_note("历史记录中的“操作人”就是这个姓名。它保存在本机，不写入台账文件。"))
        return tab

    def _file_tab(self) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        form = QFormLayout()
        self.location = QLineEdit()
        self.location.setReadOnly(True)
        form.addRow("台账文件：", self.location)
        self.evidence = QLineEdit()
        self.evidence.setReadOnly(True)
        form.addRow("佐证材料文件夹：", self.evidence)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.open_button = QPushButton("打开所在文件夹")
        self.open_button.setToolTip("在文件管理器中打开台账文件所在的文件夹")
        self.open_button.clicked.connect(self._open_folder)
        self.backup_button = QPushButton("立即备份…")
        self.backup_button.setToolTip("把台账和佐证材料复制一份到指定位置（可在使用中进行）")
        self.backup_button.clicked.connect(self.backup)
        self.restore_button = QPushButton("从备份恢复…")
        self.restore_button.setToolTip(
            "用备份文件替换当前台账的全部内容（先校验备份，并自动保留当前内容）"
        )
        self.restore_button.clicked.connect(self.restore)
        for button in (self.open_button, self.backup_button, self.restore_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(
            _note(
                "备份会同时复制佐证材料文件夹，完成后才出现备份文件。从备份恢复会替换当前台账的全部数据："
                "恢复前先校验备份并显示双方的内容供确认；当前内容会另存为带时间的副本"
                "（“…before-restore-年月日-时分秒.db”，每次恢复各留一份），可用它再恢复回去。"
            )
        )
        layout.addStretch(1)
        return tab

    # -- unit info and name ----------------------------------------------------------------------
    def load(self) -> None:
        ledger = self.session.ledger
        for name, key, _ in UNIT_FIELDS:
            self.unit_edits[name].setText(ledger.setting(key))
        self.lookback_months.setValue(lookbacks.interval(ledger))
        self.user_name.setText(ledger.actor)
        self.user_name.setReadOnly(ledger.member is not None)  # a shared ledger: the login's name
        if ledger.member is not None:
            self.user_name.setToolTip(
                "多人共用的台账上，记入历史记录的就是登录的成员本人，不能在这里修改"
            )
        self.location.setText(ledger.display_location)
        self.evidence.setText(str(ledger.evidence_dir))
        self.open_button.setEnabled(ledger.is_sqlite)
        self.directory.reload()

    def apply(self) -> bool:
        """Save the unit info and the name if they changed; False (and stay) if something is wrong."""
        ledger = self.session.ledger
        changed = {
            name: self.unit_edits[name].text().strip()
            for name, key, _ in UNIT_FIELDS
            if self.unit_edits[name].text().strip() != ledger.setting(key)
        }
        if changed and not self.session.read_only:
            if "unit_name" in changed and not changed["unit_name"]:
                field_error(self, self.unit_edits["unit_name"], "填报单位", "不能为空。")
                return False
            if self.session.perform(self, services.set_unit_info, **changed) is None:
                return False
        months = self.lookback_months.value()
        if months != lookbacks.interval(ledger) and not self.session.read_only:
            if self.session.perform(self, lookbacks.set_interval, months) is None:
                return False
        name = self.user_name.text().strip()
        if ledger.member is not None:
            return True
        if not name:
            self.tabs.setCurrentIndex(1)
            field_error(self, self.user_name, "我的姓名", "不能为空：每次修改都要记下是谁做的。")
            return False
        if name != ledger.actor:
            self.settings.setValue(USER_NAME_KEY, name)
            ledger.actor = name
            self.session.changed.emit(Changes(settings=True))
        return True

    def accept(self) -> None:
        if self.apply():
            super().accept()

    # -- prompts (tests replace these) -----------------------------------------------------------
    def choose_backup_path(self, suggested: str) -> str:
        return files.save_file(self, "backup", "备份到", suggested, "台账文件 (*.db)")

    def choose_restore_path(self) -> str:
        ledger = self.session.ledger
        folder = Path(ledger.location).parent if ledger.is_sqlite else None
        return files.open_file(
            self, "backup", "选择备份文件", "台账文件 (*.db);;所有文件 (*)", fallback=folder
        )

    def confirm(self, title: str, text: str) -> bool:
        """Yes or no (no by default), wide enough for the side-by-side table of a restore."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 560px; }")
        return box.exec() == QMessageBox.StandardButton.Yes

    def open_folder(self, folder: Path) -> None:
        files.open_folder(self, folder)

    # -- file actions ----------------------------------------------------------------------------
    def _open_folder(self) -> None:
        self.open_folder(Path(self.session.ledger.location).resolve().parent)

    def _is_the_ledger(self, path: str, doing: str) -> bool:
        """The open ledger file itself is never a backup target or source: refuse with a message."""
        ledger = self.session.ledger
        if ledger.is_sqlite and Path(path).resolve() == Path(ledger.location).resolve():
            QMessageBox.warning(
                self, "不能这样做", f"所选文件就是正在使用的台账文件，不能{doing}。"
            )
            return True
        return False

    def suggested_backup_path(self) -> str:
        """`台账-备份-20261130.db` beside the ledger; `…-2.db` and on when that is taken."""
        ledger = self.session.ledger
        folder = Path(ledger.location).parent if ledger.is_sqlite else Path.home()
        folder = Path(files.remembered("backup") or folder)  # last time's folder (a USB stick)
        stem = Path(ledger.location).stem if ledger.is_sqlite else "台账"
        return str(free_path(folder, f"{stem}-备份-{ledger.today():%Y%m%d}"))

    def backup(self) -> Operation | None:
        path = self.choose_backup_path(self.suggested_backup_path())
        if not path or self._is_the_ledger(path, "备份到"):
            return None
        ledger = self.session.ledger
        db, evidence_dir, dest = ledger.db, ledger.evidence_dir, Path(path)

        def job(progress):
            try:
                backup_ledger(db, evidence_dir, dest)
            finally:
                db.close()  # the worker thread's own connection (Peewee keeps one per thread)
            return str(dest)

        def done(written: str) -> None:
            QMessageBox.information(self, "备份完成", f"台账已备份到：\n{written}")
            self.backup_finished.emit(written)

        self.operation = run_in_background(self, "正在备份台账…", job, done, cancellable=False)
        return self.operation

    def restore(self) -> Operation | None:
        """Step 1 of 3: verify the chosen backup and summarize both ledgers in the background."""
        path = self.choose_restore_path()
        if not path or self._is_the_ledger(path, "从它恢复"):
            return None
        ledger = self.session.ledger
        source = Path(path)

        def check(progress):
            try:
                with open_ledger(source, read_only=True) as backup_copy:
                    report = verify(backup_copy, progress=progress)
                    incoming = summarize(backup_copy)
                return report, incoming, summarize(ledger)
            finally:
                ledger.db.close()  # the worker thread's own connection

        self.operation = run_in_background(
            self,
            "正在校验备份…",
            check,
            lambda result: self._checked(source, *result),
        )
        return self.operation

    def _checked(self, source: Path, report, incoming: Summary, current: Summary) -> None:
        """Step 2: both sides shown; step 3, once confirmed: the restore itself."""
        if not report.ok:
            detail = "\n".join(report.problems[:10])
            QMessageBox.warning(self, "备份未通过校验", f"该备份未通过校验，没有恢复：\n{detail}")
            return
        ledger = self.session.ledger
        reason = confirmation_needed(ledger, current, incoming)
        text = restore_question(source, incoming, current, reason)
        title = "恢复：请核对双方内容" if reason else "从备份恢复"
        if not self.confirm(title, text):
            return

        def job(progress):
            try:
                return restore_ledger(ledger, source)
            finally:
                ledger.db.close()  # the worker thread's own connection

        self.operation = run_in_background(
            self, "正在恢复台账…", job, self._restored, cancellable=False
        )

    def _restored(self, safety: Path) -> None:
        self.session.changed.emit(Changes(dictionaries=True, settings=True))
        self.load()
        QMessageBox.information(
            self,
            "恢复完成",
            f"已从备份恢复台账。\n恢复前的内容已另存为：{safety}\n（需要时可用它再恢复回去）",
        )
        self.restore_finished.emit(safety)


def restore_question(source: Path, incoming: Summary, current: Summary, reason: str | None) -> str:
    """The restore confirmation: the backup and the ledger it replaces side by side (rich text),
    what differs in red, and why care is needed when it is more than an earlier state."""
    rows = [
        ("填报单位", incoming.unit or "（未填写）", current.unit or "（未填写）"),
        ("问题", f"{incoming.problems} 个", f"{current.problems} 个"),
        ("最后修改", incoming.last_change(), current.last_change()),
    ]
    cells = "".join(
        f"<tr><td>{label}</td>"
        + "".join(
            f'<td style="{WARN if label == "填报单位" and a != b else ""}">{escape(v)}</td>'
            for v in (a, b)
        )
        + "</tr>"
        for label, a, b in rows
    )
    warning = f'<p style="{WARN}"><b>请注意：{escape(reason)}。</b></p>' if reason else ""
    return (
        f"<p>将用备份文件<br><b>{escape(str(source))}</b><br>"
        "替换当前台账的全部内容（问题、措施、名录、历史记录）。</p>"
        '<table border="1" cellspacing="0" cellpadding="4">'
        "<tr><th></th><th>备份（恢复后）</th><th>当前台账（将被替换）</th></tr>"
        f"{cells}</table>{warning}"
        "<p>恢复前，当前内容会另存为一份带时间的副本，可用它再恢复回去。确定要恢复吗？</p>"
    )
