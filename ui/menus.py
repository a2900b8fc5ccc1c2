"""The main window's menus, toolbar and shortcuts, and which of them are enabled when."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QToolBar

from tracker.services import describe_last

if TYPE_CHECKING:
    from .main_window import MainWindow

NEEDS_LEDGER = (
    "export",
    "report",
    "backup",
    "close",
    "new_problem",
    "edit",
    "undo",
    "find",
    "refresh",
    "settings",
    "verify",
    "collect",
    "collect_handkept",
    "branches",
)
NEEDS_WRITE = ("new_problem", "undo", "import", "collect", "collect_handkept")


def _action(window: MainWindow, text: str, slot, shortcut=None, tip: str = "") -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.setToolTip(tip or text)
    action.setStatusTip(tip or text)
    action.triggered.connect(lambda _checked=False: slot())
    return action


def build_menus(window: MainWindow) -> dict[str, QAction]:
    from .committee import actions as committee
    from .excel_actions import export_ledger, monthly_report
    from .report_check import check_report_file

    a = {
        "new_ledger": _action(window, "新建台账…", window.new_ledger, tip="创建一个新的空台账"),
        "open": _action(
            window, "打开台账…", window.open_file, QKeySequence.StandardKey.Open, "打开一个台账文件"
        ),
        "demo": _action(
            window, "打开示例台账", window.open_demo, tip="打开（首次则生成）一个示例台账"
        ),
        "open_shared": _action(
            window,
            "登录共用台账…",
            window.open_shared,
            tip="打开单位 PostgreSQL 服务器上多人共用的台账：填写服务器、数据库、登录名和密码",
        ),
        "import": _action(
            window, "从Excel导入…", window.import_excel, tip="把手工填写的整改台账 Excel 表导入"
        ),
        "export": _action(
            window,
            "导出台账…",
            lambda: export_ledger(window),
            "Ctrl+E",
            "按当前筛选导出正式格式的整改台账 Excel",
        ),
        "report": _action(
            window,
            "生成月报…",
            lambda: monthly_report(window),
            tip="生成某月的整改工作进展情况月报",
        ),
        "verify_report": _action(
            window,
            "核对月报…",
            lambda: check_report_file(window),
            tip="核对一份月报：生成后是否被改动；如果是本台账的月报，再由台账历史重新生成逐格对照",
        ),
        "collect": _action(
            window,
            "收取支部月报…",
            lambda: committee.collect_reports(window),
            tip="机关党委：选择各支部报送的月报文件或文件夹，逐份核对后收取，在“汇总”页查看",
        ),
        "collect_handkept": _action(
            window,
            "收取手工台账…",
            lambda: committee.collect_handkept(window),
            tip="机关党委：收取未使用本程序的支部手工填写的 Excel 台账（标为“未校验”）",
        ),
        "branches": _action(
            window,
            "支部名单…",
            lambda: committee.open_branches(window),
            tip="机关党委：登记、修改、停用需要报送月报的支部",
        ),
        "backup": _action(
            window,
            "备份与恢复…",
            lambda: window.open_settings(tab="台账文件"),
            tip="在线备份台账和佐证材料，或用备份恢复（恢复前自动另存当前台账）",
        ),
        "close": _action(window, "关闭台账", window.close_ledger, tip="关闭当前台账，回到欢迎页"),
        "quit": _action(window, "退出", window.close, QKeySequence.StandardKey.Quit, "退出程序"),
        "undo": _action(
            window,
            "撤销",
            window.undo,
            QKeySequence.StandardKey.Undo,
            "撤销我的上一步修改（撤销本身也记入历史）",
        ),
        "new_problem": _action(
            window,
            "新建问题…",
            window.new_problem,
            QKeySequence.StandardKey.New,
            "新增一个查摆问题并挂账（Ctrl+N）",
        ),
        "edit": _action(
            window, "编辑问题", window.edit_problem, "F2", "编辑所选问题的基本信息（F2）"
        ),
        "find": _action(
            window, "查找", window.focus_search, QKeySequence.StandardKey.Find, "搜索问题（Ctrl+F）"
        ),
        "refresh": _action(
            window, "刷新", window.refresh, QKeySequence.StandardKey.Refresh, "重新读取台账（F5）"
        ),
        "settings": _action(
            window, "设置…", window.open_settings, tip="单位信息、我的姓名、名录、台账文件与备份"
        ),
        "verify": _action(
            window, "校验台账", window.verify_ledger, tip="校验历史记录链和数据是否被程序之外改动"
        ),
        "readme": _action(
            window,
            "使用说明",
            window.open_readme,
            QKeySequence.StandardKey.HelpContents,
            "使用说明：整改流程、时限写法、Excel 格式、快捷键、每月工作（F1）",
        ),
        "about": _action(window, "关于", window.about),
    }
    bar = window.menuBar()
    file_menu = bar.addMenu("文件(&F)")
    for key in (
        "new_ledger",
        "open",
        "open_shared",
        "demo",
        None,
        "import",
        "export",
        "report",
        "verify_report",
        None,
        "collect",
        "collect_handkept",
        None,
        "backup",
        None,
        "close",
        "quit",
    ):
        file_menu.addSeparator() if key is None else file_menu.addAction(a[key])
    edit_menu = bar.addMenu("编辑(&E)")
    for key in ("undo", None, "new_problem", "edit", None, "find", "refresh"):
        edit_menu.addSeparator() if key is None else edit_menu.addAction(a[key])
    work_menu = bar.addMenu("整改(&W)")
    for action in window.workflow.actions():
        work_menu.addAction(action)
    tools = bar.addMenu("工具(&T)")
    tools.addAction(a["settings"])
    tools.addAction(a["verify"])
    tools.addAction(a["branches"])
    help_menu = bar.addMenu("帮助(&H)")
    help_menu.addAction(a["readme"])
    help_menu.addAction(a["about"])

    toolbar = QToolBar("常用")
    toolbar.setObjectName("mainToolbar")
    toolbar.setMovable(False)
    window.addToolBar(toolbar)
    for key in ("new_problem", "edit", "undo"):
        toolbar.addAction(a[key])
    toolbar.addSeparator()
    for action in window.workflow.actions():
        toolbar.addAction(action)
    toolbar.addSeparator()
    for key in ("import", "export", "report"):
        toolbar.addAction(a[key])
    return a


def update_enabled(window: MainWindow) -> None:
    ledger = window.session.ledger
    writable = ledger is not None and not ledger.read_only
    for key, action in window.menu_actions.items():
        enabled = True
        if key in NEEDS_LEDGER and ledger is None:
            enabled = False
        if key in NEEDS_WRITE and key != "import" and not writable:
            enabled = False
        action.setEnabled(enabled)
    undo = window.menu_actions["undo"]
    what = describe_last(ledger) if writable else None
    undo.setEnabled(what is not None)
    undo.setText(f"撤销：{what}" if what else "撤销")
    undo.setToolTip(
        f"撤销我的上一步修改：{what}（撤销本身也记入历史）" if what else "没有可以撤销的修改"
    )
