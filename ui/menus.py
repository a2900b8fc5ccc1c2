"""The main window's menus, toolbar and shortcuts, and which of them are enabled when."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QFontMetrics, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QToolBar, QToolButton

from tracker.services import describe_last

from .page_layout import PLACES, SIDE_KEY

if TYPE_CHECKING:
    from .main_window import MainWindow

NEEDS_LEDGER = (
    "export",
    "report",
    "lists",
    "word_report",
    "backup",
    "close",
    "save",
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
    from . import document_actions
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
        "lists": _action(
            window,
            "导出三张清单…",
            lambda: document_actions.export_lists(window),
            tip="导出问题清单、任务清单、责任清单（Excel，A4 横向）",
        ),
        "word_report": _action(
            window,
            "生成整改情况报告…",
            lambda: document_actions.word_report(window),
            tip="生成《关于××整改落实情况的报告》草稿（Word，公文格式）",
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
        "save": _action(
            window,
            "保存修改",
            window.save_form,
            QKeySequence.StandardKey.Save,
            "保存正在编辑的内容，与表单上的“保存”按钮相同（Ctrl+S）",
        ),
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
    from .followup import actions as followup

    for name, (text, tip) in followup.ENTRIES.items():
        a[f"followup:{name}"] = _action(
            window, text, lambda n=name: followup.trigger(window, n), tip=tip
        )
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
        "lists",
        "word_report",
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
    for key in ("save", "undo", None, "new_problem", "edit", None, "find", "refresh"):
        edit_menu.addSeparator() if key is None else edit_menu.addAction(a[key])
    work_menu = bar.addMenu("整改(&W)")
    for action in window.workflow.actions():
        work_menu.addAction(action)
    build_view_menu(window, bar.addMenu("查看(&V)"))
    chase_menu = bar.addMenu("督办(&D)")
    for key in (
        "chase",
        "chase_sheet",
        None,
        "lookback",
        "similar",
        None,
        "sample",
        "sample_results",
        None,
        "lookback_interval",
    ):
        chase_menu.addSeparator() if key is None else chase_menu.addAction(a[f"followup:{key}"])
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
    a["undo"].setIconText("撤销")  # the toolbar keeps one width; the menu names what is undone
    for key in ("new_problem", "edit", "undo"):
        toolbar.addAction(a[key])
    toolbar.addSeparator()
    for action in window.workflow.actions():
        toolbar.addAction(action)
    toolbar.addSeparator()
    for key in ("import", "export", "report"):
        toolbar.addAction(a[key])
    overflow = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
    if overflow is not None:  # shown when the window is too narrow for every button
        overflow.setText("更多»")
        overflow.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        overflow.setToolTip("窗口较窄，放不下的按钮在这里")
        OverflowWatch(toolbar)
    return a


class OverflowWatch(QObject):
    """Qt's overflow button is 12 px wide with a small arrow: too small to find or hit. The first
    time the toolbar is too narrow for its buttons, it gets a style with a wide, labelled one (a
    style loads Qt's QStyle type: not before the first paint on a screen wide enough)."""

    def __init__(self, toolbar: QToolBar) -> None:
        super().__init__(toolbar)
        self.toolbar = toolbar
        toolbar.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize and (
            self.toolbar.width() < self.toolbar.sizeHint().width()
        ):
            self.toolbar.removeEventFilter(self)
            style = wide_overflow_style(self.toolbar.style().name())
            style.setParent(QApplication.instance())  # outlives every window that uses it
            self.toolbar.setStyle(style)
        return False


def wide_overflow_style(base: str):
    from PySide6.QtWidgets import QProxyStyle, QStyle

    class ToolbarStyle(QProxyStyle):
        def pixelMetric(self, metric, option=None, widget=None) -> int:  # noqa: N802
            if metric == QStyle.PixelMetric.PM_ToolBarExtensionExtent:
                return QFontMetrics(QApplication.font()).horizontalAdvance("更多»") + 16
            return super().pixelMetric(metric, option, widget)

    return ToolbarStyle(base)


def build_view_menu(window: MainWindow, menu: QMenu) -> None:
    """查看: the side list, where the detail panel goes, the font size."""
    from .font_size import SIZES, current_size

    page = window.ledger_page
    side = menu.addAction("左侧视图列表")
    side.setCheckable(True)
    side.setChecked(window.settings.value(SIDE_KEY, True, type=bool))
    side.setToolTip("显示或隐藏左侧的视图与整改批次列表，隐藏后台账列表更宽")
    side.toggled.connect(page.show_side_list)
    places = menu.addMenu("详情面板")
    group = QActionGroup(places)
    for key, label in PLACES.items():
        action = places.addAction(label)
        action.setCheckable(True)
        action.setChecked(page.placement.choice == key)
        action.setData(key)
        group.addAction(action)
        action.triggered.connect(lambda _c=False, k=key: page.choose_detail_place(k))
    places.setToolTip("自动：窗口宽时放在列表右侧，窄时（如 1366×768 的笔记本）放在列表下方")
    menu.addSeparator()
    sizes = menu.addMenu("字体大小")
    group = QActionGroup(sizes)
    chosen = current_size(window.settings)
    for key, (label, _) in SIZES.items():
        action = sizes.addAction(label)
        action.setCheckable(True)
        action.setChecked(key == chosen)
        group.addAction(action)
        action.triggered.connect(lambda _c=False, k=key: window.choose_font_size(k))
    window.view_actions = {"side": side, "places": places, "sizes": sizes}


def update_enabled(window: MainWindow) -> None:
    ledger = window.session.ledger
    writable = ledger is not None and not ledger.read_only
    for key, action in window.menu_actions.items():
        enabled = True
        if (key in NEEDS_LEDGER or key.startswith("followup:")) and ledger is None:
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
