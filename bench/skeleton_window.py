"""The fairer baseline of figure 1: the program's window skeleton with no ledger code.

    python bench/skeleton_window.py OUT.png [WIDTHxHEIGHT]

What every Qt program shaped like ours pays before it is usable: a QApplication with the same
font, Qt translations and stylesheet; a main window with the same menus (about 40 actions), a
toolbar of 16 buttons, tabs, a side list of views and batches, a reminder line, a search box with
its buttons, a table of nine columns showing one page of rows (static text from a plain
QAbstractTableModel: no SQL, no tracker import), a status bar. Shown on the same offscreen screen
of WIDTHxHEIGHT, grabbed and saved as PNG like `main.py --screenshot`, and it writes the moment its
table was first painted with rows and the event queue had drained once to the file named by
ZHENGGAI_STARTUP_PROBE, as the program does (ui/startup_probe.py).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MENUS = {
    "文件(&F)": [
        "新建台账…",
        "打开台账…",
        "打开示例台账",
        "从Excel导入…",
        "导出台账…",
        "生成月报…",
        "核对月报…",
        "收取支部月报…",
        "收取手工台账…",
        "备份与恢复…",
        "关闭台账",
        "退出",
    ],
    "编辑(&E)": ["保存修改", "撤销", "新建问题…", "编辑问题", "查找", "刷新"],
    "整改(&W)": [
        "申请销号…",
        "审核通过…",
        "驳回…",
        "重新整改…",
        "设为长期坚持",
        "恢复整改",
        "延期…",
        "批量修改…",
        "作废…",
        "恢复（撤销作废）",
    ],
    "查看(&V)": ["左侧视图列表", "自动", "右侧", "下方", "隐藏", "小", "标准", "大", "特大"],
    "工具(&T)": ["设置…", "校验台账", "支部名单…"],
    "帮助(&H)": ["使用说明", "关于"],
}
TOOLBAR = [
    "新建问题",
    "编辑问题",
    "撤销",
    "申请销号",
    "审核通过",
    "驳回",
    "重新整改",
    "设为长期坚持",
    "恢复整改",
    "延期",
    "批量修改",
    "作废",
    "恢复（撤销作废）",
    "从Excel导入",
    "导出台账",
    "生成月报",
]
VIEWS = [
    "全部（100000）",
    "逾期（4600）",
    "7天内到期（1000）",
    "待销号（2200）",
    "长期坚持（2200）",
    "已销号（41000）",
    "已作废（800）",
]
BATCHES = [
    "上级督查反馈问题（4900）",
    "主题教育检视整改问题（4700）",
    "2026年机关作风建设专项整治",
    "市委第三巡察组反馈意见整改",
    "2025年度领导班子民主生活会检视问题",
]
HEADERS = [
    "编号",
    "问题描述",
    "状态",
    "最近时限",
    "整改进展",
    "责任部门",
    "责任领导",
    "问题类别",
    "整改批次",
]
ROW = [
    "2026-{:03d}",
    "工作标准不够高，窗口服务存在推诿现象，群众满意度不高",
    "整改中·逾期",
    "2026年6月底前（逾期153天）",
    "完成 1/3，长期 1",
    "办公室",
    "陈建国",
    "作风建设",
    "主题教育检视整改问题",
]
PAGE = 200


def offscreen_screen(size: str) -> None:
    """The same one-screen offscreen platform `main.py --screenshot` uses (ui/screenshot.py)."""
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") != "offscreen":
        return
    width, _, height = size.partition("x")
    screen = {
        "name": "screen",
        "x": 0,
        "y": 0,
        "width": int(width),
        "height": int(height),
        "logicalDpi": 96,
        "logicalBaseDpi": 96,
        "dpr": 1,
    }
    config = Path(tempfile.gettempdir()) / f"zhenggai-screen-{int(width)}x{int(height)}.json"
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"


def main() -> int:
    out, size = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "1600x960")
    offscreen_screen(size)
    from bare_window import FirstPaint, show_and_save
    from PySide6.QtCore import (
        QAbstractTableModel,
        QLibraryInfo,
        QLocale,
        QModelIndex,
        Qt,
        QTranslator,
    )
    from PySide6.QtGui import QAction, QFont, QFontDatabase
    from PySide6.QtWidgets import (
        QApplication,
        QHBoxLayout,
        QLabel,
        QLineEdit,
        QMainWindow,
        QPushButton,
        QSplitter,
        QTableView,
        QTabWidget,
        QToolBar,
        QTreeWidget,
        QTreeWidgetItem,
        QVBoxLayout,
        QWidget,
    )

    class Rows(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()):  # noqa: N802, B008
            return 0 if parent.isValid() else PAGE

        def columnCount(self, parent=QModelIndex()):  # noqa: N802, B008
            return 0 if parent.isValid() else len(HEADERS)

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            if role == Qt.ItemDataRole.DisplayRole:
                text = ROW[index.column()]
                return text.format(index.row() + 1) if index.column() == 0 else text
            return None

        def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
            if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            return None

    app = QApplication(sys.argv[:1])
    app.setApplicationDisplayName("整改台账")
    families = set(QFontDatabase.families())
    for family in ("Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei"):
        if family in families:
            app.setFont(QFont(family, 10))
            break
    translator = QTranslator(app)
    if translator.load(
        QLocale(), "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    ):
        app.installTranslator(translator)
    app.setStyleSheet((ROOT / "resources" / "style.qss").read_text(encoding="utf-8"))

    window = QMainWindow()
    for title, items in MENUS.items():
        menu = window.menuBar().addMenu(title)
        for text in items:
            menu.addAction(QAction(text, window))
    toolbar = QToolBar("常用")
    window.addToolBar(toolbar)
    for text in TOOLBAR:
        toolbar.addAction(QAction(text, window))
    views = QTreeWidget()
    views.setHeaderHidden(True)
    for heading, items in (("视图", VIEWS), ("整改批次", BATCHES)):
        top = QTreeWidgetItem([heading])
        views.addTopLevelItem(top)
        top.addChildren([QTreeWidgetItem([text]) for text in items])
        top.setExpanded(True)
    centre = QWidget()
    column = QVBoxLayout(centre)
    column.addWidget(QLabel("⚠ 逾期 65 项整改措施（涉及 46 个问题），7天内到期 10 项"))
    search = QHBoxLayout()
    search.addWidget(
        QLineEdit(placeholderText="搜索问题描述、原因、措施、进展、责任人…（Ctrl+F）"), 1
    )
    search.addWidget(QPushButton("筛选 ▾"))
    search.addWidget(QPushButton("清除筛选"))
    column.addLayout(search)
    table = QTableView()
    table.setModel(Rows(table))
    table.viewport().installEventFilter(FirstPaint(table))  # the probe bare_window.py uses
    column.addWidget(table, 1)
    column.addWidget(QLabel(f"共 {PAGE} 个问题"))
    splitter = QSplitter()
    splitter.addWidget(views)
    splitter.addWidget(centre)
    splitter.addWidget(QLabel("请选择一个问题"))
    tabs = QTabWidget()
    tabs.addTab(splitter, "整改台账")
    tabs.addTab(QWidget(), "统计分析")
    tabs.addTab(QWidget(), "汇总")
    window.setCentralWidget(tabs)
    window.statusBar().addPermanentWidget(QLabel("台账：ledger.db · 操作人：王敏"))
    area = app.primaryScreen().geometry()
    window.resize(area.width(), area.height())
    return show_and_save(app, window, out)


if __name__ == "__main__":
    sys.exit(main())
