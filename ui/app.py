"""Starting the desktop program: flags, Qt application setup, logging, the first window."""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
import time
import traceback
from pathlib import Path

from tracker.paths import ENV_DATA_DIR, ENV_DB, data_dir, default_db_location, log_dir
from tracker.version import VERSION

STARTED = time.time()  # for the start-up probe: as close to process start as our code gets
RESOURCES = Path(__file__).resolve().parents[1] / "resources"
FONT_FAMILIES = [
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
    "Source Han Sans SC",
]
log = logging.getLogger("zhenggai")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    from tracker.commands.chinese import ChineseHelpFormatter, install

    install()  # argparse's own words in Chinese
    parser = argparse.ArgumentParser(
        prog="zhenggai", description="整改台账桌面程序", formatter_class=ChineseHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"整改台账 {VERSION}")
    parser.add_argument("--db", help="要打开的台账文件或 postgresql:// 地址")
    parser.add_argument(
        "--user",
        help="操作人姓名（默认：设置中的姓名或系统登录名；多人共用的台账上操作人就是登录账户）",
    )
    parser.add_argument("--data-dir", help="数据目录（便携使用）")
    parser.add_argument(
        "--screenshot", metavar="FILE.png", help="在屏幕外渲染主窗口，保存为 PNG 后退出"
    )
    parser.add_argument(
        "--view",
        default="全部",
        help="配合 --screenshot：视图名（全部、逾期、7天内到期、待销号…）、detail、dashboard 或 汇总",
    )
    parser.add_argument(
        "--size", default="1600x960", help="配合 --screenshot：屏幕（窗口）大小，如 1366x768"
    )
    return parser.parse_args(argv)


def setup_logging() -> None:
    folder = log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        folder / "zhenggai.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
    )
    from .errors import RedactingFormatter  # a database URL's password never reaches the log

    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    root.addHandler(handler)


def make_application():
    from PySide6.QtGui import QFont, QFontDatabase, QIcon
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("zhenggai")
    app.setOrganizationName("zhenggai")
    app.setApplicationDisplayName("整改台账")
    app.setWindowIcon(QIcon(str(RESOURCES / "icon.png")))
    families = set(QFontDatabase.families())
    for family in FONT_FAMILIES:
        if family in families:
            app.setFont(QFont(family, 10))
            break
    install_translations(app)
    style = RESOURCES / "style.qss"
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def install_translations(app) -> list:
    """Qt's own words (buttons, file dialogs, context menus) in Chinese: qtbase_zh_CN.qm, which
    PySide6 ships. The two file-dialog labels it lacks are set by `ui.files.make_dialog`."""
    from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China))
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(), "qtbase", "_", folder):
        log.warning("Qt's Chinese translations (qtbase_zh_CN.qm) not found in %s", folder)
        return []
    app.installTranslator(translator)
    return [translator]


def initial_location(args: argparse.Namespace, settings) -> str | None:
    """--db, then ZHENGGAI_DB, then the last ledger opened, then the default ledger if it exists."""
    if args.db:
        return args.db
    if os.environ.get(ENV_DB):
        return os.environ[ENV_DB]
    last = settings.value("ledger/last", "")
    if last and Path(last).exists():
        return last
    default = default_db_location()
    return default if Path(default).exists() else None


def run(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.data_dir:
        os.environ[ENV_DATA_DIR] = args.data_dir
    if args.screenshot:  # a screen of --size, offscreen: no desktop needed
        from .screenshot import offscreen_platform

        platform = offscreen_platform(os.environ.get("QT_QPA_PLATFORM", ""), args.size)
        os.environ["QT_QPA_PLATFORM"] = platform
    from .display_check import missing_desktop

    reason = missing_desktop()
    if reason:  # Qt would abort with English messages (exit 134): say it in words instead
        print(reason, file=sys.stderr)
        return 2
    setup_logging()
    from PySide6.QtCore import QSettings

    from .font_size import apply_before_start

    settings = QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)
    apply_before_start(settings)  # 查看→字体大小: Qt's scale factor, read once at start
    app = make_application()
    from .errors import install_excepthook
    from .main_window import MainWindow
    from .startup_probe import FirstRowsProbe

    if args.screenshot:  # unattended: a failure is printed and ends the run, never a modal dialog
        from .screenshot import take_screenshot

        try:
            window = MainWindow(settings, actor=args.user)
            FirstRowsProbe(window.ledger_page.table, STARTED)
            return take_screenshot(window, initial_location(args, settings), args)
        except Exception:
            log.exception("screenshot failed")
            traceback.print_exc()
            return 2
    install_excepthook()
    window = MainWindow(settings, actor=args.user)
    FirstRowsProbe(window.ledger_page.table, STARTED)
    location = initial_location(args, settings)
    if location:
        window.open_location(location)
    window.show_on_screen()
    if not location and settings.value("shared/last", False, type=bool):
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, window.open_shared)  # a shared ledger last time: log in again
    return app.exec()
