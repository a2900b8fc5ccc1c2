"""A shared ledger's password, given in its URL, never shows in the window or the log."""

from __future__ import annotations

import logging

from PySide6.QtCore import QSettings

from tracker.ledger import Ledger
from ui.dialogs.settings_dialog import SettingsDialog
from ui.errors import RedactingFormatter, crash_report
from ui.main_window import MainWindow

URL = "postgresql://zhang:supersecret@db.example/ledger?sslmode=require&password=supersecret"


def as_if_shared(ledger) -> Ledger:
    """The demo ledger's database under a PostgreSQL URL: what the window shows of a location."""
    return Ledger(ledger.db, URL, actor="周晓梅", clock=ledger.clock)


def test_the_status_line_and_the_settings_show_no_password(qtbot, tmp_path, demo_ledger):
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    shared = as_if_shared(demo_ledger)

    window.session.open(shared)
    dialog = SettingsDialog(
        window.session, settings=QSettings(str(tmp_path / "t.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(dialog)

    shown = [window.windowTitle(), window.status_ledger.text(), dialog.location.text()]
    assert all("supersecret" not in text for text in shown), shown
    assert "db.example" in window.status_ledger.text()
    window.session.ledger = None  # the demo_ledger fixture closes the database


def test_log_lines_and_crash_reports_hide_the_password():
    record = logging.LogRecord(
        "zhenggai", logging.ERROR, __file__, 1, "cannot open %s", (URL,), None
    )
    line = RedactingFormatter("%(message)s").format(record)
    assert "supersecret" not in line and "db.example" in line
    try:
        raise RuntimeError(f"connect failed: {URL}")
    except RuntimeError as error:
        assert "supersecret" not in crash_report(error)
