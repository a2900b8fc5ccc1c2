"""The Qt binding keeps Python's reference counts straight: a promise every long session depends on.

PySide6 6.12.0 dropped a reference to None on every call of a void method and to True/False on
every bool signal delivered to Python; after a few thousand clicks the program (and this test
suite, at exit) died with "Fatal Python error: bool_dealloc". pyproject.toml keeps below it; this
test fails on any release that brings such a bug back.
"""

from __future__ import annotations

import gc
import sys

from PySide6.QtWidgets import QCheckBox, QPushButton, QWidget

CALLS = 300


def _drift(action) -> tuple[int, int, int]:
    gc.collect()
    before = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
    for _ in range(CALLS):
        action()
    gc.collect()
    after = (sys.getrefcount(None), sys.getrefcount(True), sys.getrefcount(False))
    return tuple(a - b for a, b in zip(after, before, strict=True))


def test_void_calls_keep_none_alive(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    none, _, _ = _drift(lambda: widget.setEnabled(True))
    assert none > -CALLS // 2, f"None lost {-none} references in {CALLS} calls"


def test_bool_signals_keep_true_and_false_alive(qtbot):
    button, box = QPushButton(), QCheckBox()
    qtbot.addWidget(button)
    qtbot.addWidget(box)
    button.setCheckable(True)
    button.clicked.connect(lambda checked=False: None)
    box.toggled.connect(lambda on: None)
    _, true, false = _drift(lambda: (button.click(), box.toggle()))
    assert true > -CALLS // 2 and false > -CALLS // 2, (true, false)
