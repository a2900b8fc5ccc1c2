"""Run in a fresh process by test_font_size.py: the window at one font size on a 1366×768 screen.

    python -m tests.ui.layout_probe LEDGER   (QT_SCALE_FACTOR and the offscreen screen set by the caller)

Prints JSON: whether the window, the detail form, the table's urgent columns and the new-problem
dialog are laid out inside the screen at this size.
"""

from __future__ import annotations

import json
import sys

from PySide6.QtCore import QRect, QSettings
from PySide6.QtWidgets import QApplication, QPushButton


def inside(widget, window) -> bool:
    top_left = widget.mapTo(window, widget.rect().topLeft())
    return window.rect().contains(QRect(top_left, widget.size()))


def main(location: str, settings_file: str) -> int:
    app = QApplication(sys.argv[:1])
    from ui.dialogs.problem_dialog import ProblemDialog
    from ui.main_window import MainWindow
    from ui.page_layout import GUARDED

    screen = app.primaryScreen().availableGeometry()
    window = MainWindow(QSettings(settings_file, QSettings.Format.IniFormat), actor="周晓梅")
    window.open_location(location, synchronous=True)
    window.resize(screen.size())
    window.show()
    app.processEvents()
    page = window.ledger_page
    from tests.ui.helpers import first

    window.show_problem(first(window.session.ledger, "in_progress"))  # an editable form
    page.detail.tabs.setCurrentWidget(page.detail.basic)
    app.processEvents()
    app.processEvents()
    header = page.table.horizontalHeader()
    from ui.ledger_model import COLUMNS

    keys = [key for _, key, _ in COLUMNS]
    columns = {}
    for key in GUARDED:
        column = keys.index(key)
        right = header.sectionViewportPosition(column) + header.sectionSize(column)
        columns[key] = right <= page.table.viewport().width() and header.sectionSize(
            column
        ) >= page.columns.needed(key)
    dialog = ProblemDialog(window.session, window)
    dialog.show()  # laid out as the user would see it
    app.processEvents()
    save = next(b for b in dialog.findChildren(QPushButton) if b.text().startswith("保存"))
    facts = {
        "screen": [screen.width(), screen.height()],
        "window_fits": window.minimumSizeHint().width() <= screen.width()
        and window.minimumSizeHint().height() <= screen.height(),
        "save_button_inside": page.detail.basic.save_button.isVisible()
        and inside(page.detail.basic.save_button, window),
        "columns": columns,
        "dialog_fits": dialog.minimumSizeHint().width() <= screen.width()
        and dialog.minimumSizeHint().height() <= screen.height(),
        "dialog_save_inside": inside(save, dialog),
    }
    print(json.dumps(facts))
    dialog.reject()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
