"""The main window: composes the pages, menus and toolbar, and wires their signals. Nothing more."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
)

from tracker.changes import Changes
from tracker.errors import LedgerError
from tracker.ledger import Ledger, create_ledger, open_ledger
from tracker.paths import ENV_USER, data_dir, default_actor, demo_db_path, is_url
from tracker.version import VERSION

from . import files
from .errors import report_failure
from .instance_lock import LedgerLock, offer_read_only
from .lazy_page import LazyPage
from .ledger_model import COLUMNS
from .ledger_page import LedgerPage
from .operations import Operation, run_in_background
from .panels.welcome import WelcomePage
from .session import Session, show_error
from .sharing.actions import LAST_SHARED, manages_members, member_text
from .sharing.live import LiveUpdates
from .unsaved import install_save_key, press_save
from .widgets import Role, ask
from .window_geometry import centre_on_screen, default_size, fit_on_screen, small_screen
from .workflow_actions import WorkflowActions

log = logging.getLogger(__name__)
LAST_LEDGER = "ledger/last"
SIDE_SPLIT = "layout/side-split"  # the side list's width
USER_NAME = "user/name"
# The saved column layout is only valid for the same columns: the key names them.
HEADER_KEY = (
    "table/header-" + hashlib.sha1("|".join(c[1] for c in COLUMNS).encode()).hexdigest()[:8]
)


class MainWindow(QMainWindow):
    def __init__(self, settings: QSettings, actor: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        # a name someone gave (--user, the settings, ZHENGGAI_USER); else the login name, which is
        # written into the journal only once the user picks it (`_ensure_name`)
        self.actor_chosen = bool(
            actor or settings.value(USER_NAME, "") or (os.environ.get(ENV_USER) or "").strip()
        )
        self.actor = actor or settings.value(USER_NAME, "") or default_actor()
        self.claimed_actor = actor  # --user: a shared ledger refuses it, saying why
        self.session = Session(self)
        install_save_key(QApplication.instance())  # Ctrl+S in dialogs with a 保存 button
        self.session.before_write = self._ensure_name
        self.help_window = None
        self.lock: LedgerLock | None = None
        self.resize(*default_size())

        self.welcome = WelcomePage()
        self.ledger_page = LedgerPage(self.session, settings)
        self.dashboard_tab = LazyPage(self._build_dashboard)  # QtCharts and all, when first opened
        self.rollup_tab = LazyPage(self._build_rollup)  # the committee's page of branch reports
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.ledger_page, "整改台账")
        self.tabs.addTab(self.dashboard_tab, "统计分析")
        self.tabs.addTab(self.rollup_tab, "汇总")
        self.members_tab = LazyPage(self._build_members)  # a shared ledger's 管理员 only
        self.live = LiveUpdates(self.session, self)  # other members' changes
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.tabs)
        self.setCentralWidget(self.stack)

        self.workflow = WorkflowActions(self.session, self)
        from .menus import build_menus

        self.menu_actions = build_menus(self)
        self.ledger_page.table.addActions(self.table_context_actions())
        self.status_ledger = QLabel()
        self.statusBar().addPermanentWidget(self.status_ledger)

        self.welcome.new_ledger.connect(self.new_ledger)
        self.welcome.open_demo.connect(self.open_demo)
        self.welcome.open_file.connect(self.open_file)
        self.welcome.import_excel.connect(self.import_excel)
        self.welcome.open_shared.connect(self.open_shared)
        empty = self.ledger_page.empty  # the first steps shown while the ledger has no problem
        empty.new_problem.connect(self.new_problem)
        empty.import_excel.connect(self.import_excel)
        empty.directory.connect(lambda: self.open_settings(tab="名录"))
        empty.help.connect(self.open_readme)
        self.ledger_page.selection_changed.connect(self.workflow.set_selection)
        self.session.changed.connect(self._changed)
        self.session.opened.connect(self._opened)
        self._restore_layout()
        self.show_welcome()

    # -- pages -----------------------------------------------------------------------------------
    @property
    def dashboard(self):
        return self.dashboard_tab.page()

    def _build_dashboard(self):
        from .panels.dashboard import DashboardPage

        page = DashboardPage(self.session)
        page.open_problem.connect(self.show_problem)
        return page

    @property
    def rollup(self):
        return self.rollup_tab.page()

    def _build_rollup(self):
        from .committee.rollup_page import RollupPage

        return RollupPage(self.session, self.settings)

    def _build_members(self):
        from .sharing.members_page import MembersPage

        return MembersPage(self.session)

    def show_welcome(self) -> None:
        self.stack.setCurrentWidget(self.welcome)
        self._update_enabled()

    def show_problem(self, problem_id: int) -> None:
        self.tabs.setCurrentWidget(self.ledger_page)
        self.ledger_page.select_problem(problem_id)

    def table_context_actions(self) -> list[QAction]:
        a = self.menu_actions
        followup = [a[f"followup:{name}"] for name in ("chase", "lookback", "similar")]
        return [a["edit"], a["new_problem"], *self.workflow.actions(), *followup]

    # -- opening ledgers -------------------------------------------------------------------------
    def open_location(self, location: str, *, synchronous: bool = False) -> None:
        """Open a ledger file or URL; a second instance on the same file is offered read-only.

        With `synchronous` the ledger is opened on this thread, a held lock means read-only without
        asking, and a LedgerError is raised to the caller.
        """
        location = str(location)
        if self._is_open(location):  # its lock is ours: not "another window", nothing to do
            self.statusBar().showMessage("该台账已经打开。", 4000)
            return
        if not self.ledger_page.detail.maybe_save():  # 取消: go on editing the open ledger
            return
        read_only = False
        lock = None
        if not is_url(location):
            lock = LedgerLock(location)
            if not lock.acquire():
                if synchronous:
                    read_only = True
                elif offer_read_only(self, lock):
                    read_only = True
                else:
                    return
                lock = None

        actor = self.claimed_actor if is_url(location) else self.actor

        def job(progress):
            return open_ledger(location, actor=actor, read_only=read_only)

        def done(ledger: Ledger) -> None:
            self._release_lock()
            self.lock = lock
            self.session.open(ledger)

        def failed(error) -> None:
            if lock:
                lock.release()
            report_failure(self, error)

        if synchronous:  # unattended callers (screenshots, tests) get the error, not a dialog
            try:
                done(job(None))
            except LedgerError:
                if lock:
                    lock.release()
                raise
            return
        run_in_background(
            self, "正在打开台账…", job, done, failed, cancellable=False, location=location
        )

    def _is_open(self, location: str) -> bool:
        ledger = self.session.ledger
        if ledger is None or self.lock is None or is_url(location):
            return False
        return Path(ledger.location).resolve() == Path(location).resolve()

    def _opened(self, ledger: Ledger) -> None:
        self.stack.setCurrentWidget(self.tabs)
        if not ledger.location.startswith("postgresql") and "@" not in ledger.location:
            self.settings.setValue(LAST_LEDGER, ledger.location)
        if ledger.is_sqlite:
            files.remember("ledger", ledger.location)
        self.settings.setValue(LAST_SHARED, ledger.member is not None)
        unit = ledger.unit_name or "未命名单位"
        # Qt adds " — 整改台账" (the application's display name) itself
        self.setWindowTitle(f"{unit}{'（只读）' if ledger.read_only else ''}")
        self._show_status(ledger)
        members = self.tabs.indexOf(self.members_tab)
        if manages_members(ledger) and members < 0:
            self.tabs.addTab(self.members_tab, "成员")
        elif not manages_members(ledger) and members >= 0:
            self.tabs.removeTab(members)
        self._update_enabled()
        from .committee.actions import opens_on_rollup

        if opens_on_rollup(ledger):
            self.tabs.setCurrentWidget(self.rollup_tab)
        QTimer.singleShot(0, self.ledger_page.banner.check)

    def _release_lock(self) -> None:
        if self.lock:
            self.lock.release()
            self.lock = None

    def new_ledger(self) -> None:
        from .dialogs.new_ledger_dialog import NewLedgerDialog

        ledger = self.session.ledger
        folder = (
            Path(ledger.location).parent
            if ledger is not None and ledger.is_sqlite
            else Path(files.remembered("ledger") or data_dir())
        )
        dialog = NewLedgerDialog(
            self, folder=folder, user_name=self.actor if self.actor_chosen else None
        )
        if not dialog.exec():
            return
        values = dialog.values()
        if values.get("user_name"):
            self.actor = values["user_name"]
            self.actor_chosen = True
            self.settings.setValue(USER_NAME, self.actor)
        try:
            ledger = create_ledger(
                values["location"],
                unit_name=values["unit_name"],
                contact_person=values.get("contact_person", ""),
                contact_phone=values.get("contact_phone", ""),
                actor=self.actor,
            )
        except LedgerError as error:
            show_error(self, error)
            return
        ledger.close()
        self.open_location(values["location"])

    def open_demo(self) -> None:
        """The demo ledger lives in the data directory; it is built once, in the background."""
        path = demo_db_path()
        if path.exists():
            self.open_location(str(path))
            return

        actor = self.actor if self.actor_chosen else "示例数据"  # never the login name unasked

        def job(progress):
            from tracker.demo import build_demo

            build_demo(path, problems=300, actor=actor, progress=progress).close()
            return str(path)

        run_in_background(self, "正在生成示例台账…", job, self.open_location)

    def open_file(self) -> None:
        last = self.settings.value(LAST_LEDGER, "") or ""
        path = files.open_file(
            self,
            "ledger",
            "打开台账文件",
            "整改台账 (*.db);;所有文件 (*)",
            fallback=Path(last).parent if last else None,
        )
        if path:
            self.open_location(path)

    def open_shared(self) -> None:
        from .sharing.actions import open_shared

        open_shared(self)

    def close_ledger(self) -> None:
        if not self.ledger_page.detail.maybe_save():
            return
        self.session.close()
        self._release_lock()
        self.settings.setValue(LAST_SHARED, False)
        self.setWindowTitle("")
        self.status_ledger.clear()
        self.show_welcome()

    # -- actions ---------------------------------------------------------------------------------
    def new_problem(self) -> None:
        from .dialogs.problem_dialog import ProblemDialog

        if self.session.ledger is None or self.session.read_only:
            return
        dialog = ProblemDialog(self.session, self)
        if dialog.exec() and dialog.created_id:
            self.show_problem(dialog.created_id)
            from .followup.similar_dialog import offer_after_entry

            offer_after_entry(self.session, dialog.created_id, self)

    def edit_problem(self) -> None:
        ids = self.ledger_page.selected_ids()
        if ids:
            self.ledger_page.detail.focus_editor()

    def save_form(self) -> None:
        """Ctrl+S: the 保存 of the form being worked in (基本信息, 添加进展)."""
        if not press_save(self):
            self.statusBar().showMessage("没有需要保存的修改", 3000)

    def undo(self) -> None:
        from tracker.services import undo_last

        self.session.perform(self, undo_last)

    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.ledger_page)
        self.ledger_page.filters.search.setFocus()
        self.ledger_page.filters.search.selectAll()

    def refresh(self) -> None:
        self.session.changed.emit(Changes(dictionaries=True))

    def open_settings(self, tab: str | None = None) -> None:
        from .dialogs.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.session, self.settings, self)
        for index in range(dialog.tabs.count()):
            if dialog.tabs.tabText(index) == tab:
                dialog.tabs.setCurrentIndex(index)
        dialog.exec()
        self.actor_chosen = self.actor_chosen or bool(self.settings.value(USER_NAME, ""))
        if self.session.ledger is not None:
            self.actor = self.session.ledger.actor
            self._opened(self.session.ledger)

    def verify_ledger(self) -> Operation | None:
        from tracker.replay import verify

        ledger = self.session.ledger
        if ledger is None:
            return None

        def done(report) -> None:
            if report.ok:
                QMessageBox.information(
                    self,
                    "校验通过",
                    f"历史记录 {report.entries} 条完整，数据与历史记录一致。\n\n校验码：{report.head.code}\n（可抄录备查）",
                )
            else:
                QMessageBox.warning(self, "校验未通过", "\n".join(report.problems[:15]))

        return run_in_background(  # progress: rehashing the evidence files, the long part
            self, "正在校验台账…", lambda progress: verify(ledger, progress=progress), done
        )

    def import_excel(self) -> None:
        from .excel_actions import import_excel

        import_excel(self)

    def open_readme(self) -> None:
        """帮助 → 使用说明 (F1): the guide the program carries, in a window beside the ledger."""
        from .help_window import HelpWindow

        if self.help_window is None:
            self.help_window = HelpWindow(self)
        self.help_window.show()
        self.help_window.raise_()
        self.help_window.activateWindow()

    def choose_font_size(self, key: str) -> None:
        """Kept in the settings; Qt applies a scale at start, so offer to restart now."""
        from .font_size import KEY, SIZES, current_size

        if key == current_size(self.settings):
            return
        self.settings.setValue(KEY, key)
        self.settings.sync()
        answer = ask(
            self,
            "字体大小",
            f"字体大小已改为“{SIZES[key][0]}”，重新启动程序后生效。",
            [("立即重新启动", Role.AcceptRole), ("稍后", Role.RejectRole)],
            default="立即重新启动",
            escape="稍后",
            details="现在重新启动吗？未保存的修改会先询问是否保存。",
        )
        if answer == "立即重新启动":
            self.restart()

    def restart(self) -> bool:
        """Close as the user would (unsaved edits asked about), then start the program again."""
        from PySide6.QtCore import QProcess, QProcessEnvironment

        from .font_size import restart_command, restart_environment

        if not self.close():
            return False
        program, arguments = restart_command()
        process = QProcess()
        environment = QProcessEnvironment()
        for name, value in restart_environment().items():
            environment.insert(name, value)
        process.setProcessEnvironment(environment)
        process.setProgram(program)
        process.setArguments(arguments)
        process.startDetached()
        QApplication.instance().quit()
        return True

    def about(self) -> None:
        QMessageBox.about(self, "关于整改台账", about_text())

    def _ensure_name(self, parent) -> bool:
        """Before the first change of a session with no name given: ask who is working. The
        login name goes into the journal only if the user picks it; cancelling stops the change.
        A shared ledger's journal records the member logged in: nothing to ask."""
        if self.actor_chosen or (self.session.ledger and self.session.ledger.member is not None):
            return True
        from .dialogs.user_name_dialog import ask_user_name

        name = ask_user_name(parent or self, default_actor())
        if not name:
            return False
        self.actor, self.actor_chosen = name, True
        self.settings.setValue(USER_NAME, name)
        if self.session.ledger is not None:
            self.session.ledger.actor = name
            self._show_status(self.session.ledger)
        return True

    def _show_status(self, ledger: Ledger) -> None:
        suffix = "（只读）" if ledger.read_only else ""
        if ledger.member is not None:  # a shared ledger: the member logged in, and their role
            who = member_text(ledger)
        else:
            who = f"操作人：{ledger.actor if self.actor_chosen else '未填写（第一次修改时询问）'}"
        self.status_ledger.setText(f"台账：{ledger.display_location}  ·  {who}{suffix}")

    # -- state -----------------------------------------------------------------------------------
    def _changed(self, changes: Changes) -> None:
        self._update_enabled()

    def _update_enabled(self) -> None:
        from .menus import update_enabled

        update_enabled(self)

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        self.first_start = geometry is None or not self.restoreGeometry(geometry)
        if not self.first_start:
            fit_on_screen(self)  # saved on a larger screen: shrink it to this one
        header = self.settings.value(HEADER_KEY)
        if header is not None:
            self.ledger_page.table.horizontalHeader().restoreState(header)
        splitter = self.settings.value(SIDE_SPLIT)
        if splitter is not None:
            self.ledger_page.splitter.restoreState(splitter)

    def show_on_screen(self) -> None:
        """First start: maximized on a screen smaller than the preferred size, else centred at
        that size; later starts: where the user left it, inside this screen."""
        if self.first_start and small_screen():
            self.showMaximized()
            return
        if self.first_start:
            centre_on_screen(self)
        self.show()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.session.ledger is not None and not self.ledger_page.detail.maybe_save():
            event.ignore()  # the user chose to keep editing
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue(HEADER_KEY, self.ledger_page.table.horizontalHeader().saveState())
        self.settings.setValue(SIDE_SPLIT, self.ledger_page.splitter.saveState())
        self.ledger_page.placement.save()
        self.session.close()
        self._release_lock()
        super().closeEvent(event)


def about_text() -> str:
    return (
        f"整改台账 {VERSION}\n\n"
        "问题挂账、整改落实、审核销号，每一处修改都有据可查。\n"
        "使用说明：帮助 → 使用说明（F1）。"
    )
