"""GUI fixtures: a Session over a small demo ledger (offscreen Qt; see tests/conftest.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QMessageBox

from tracker.demo import build_demo
from ui.session import Session

DEMO_NOW = dt.datetime(2026, 11, 21, 10, 0, 0)


@pytest.fixture
def demo_ledger(tmp_path):
    ledger = build_demo(
        tmp_path / "demo.db", problems=60, seed=11, actor="周晓梅", clock=lambda: DEMO_NOW
    )
    yield ledger
    ledger.close()


@pytest.fixture
def session(qtbot, demo_ledger):
    s = Session()
    s.open(demo_ledger)
    yield s
    s.ledger = None  # the demo_ledger fixture closes it


@pytest.fixture
def panel(qtbot, session):
    """The detail panel over the demo ledger, shown at a comfortable size."""
    from ui.panels.detail import DetailPanel

    widget = DetailPanel(session)
    qtbot.addWidget(widget)
    widget.resize(900, 640)
    widget.show()
    return widget


@pytest.fixture
def message_boxes(monkeypatch):
    """Record QMessageBox calls instead of blocking on them: list of (kind, title, text)."""
    seen: list[tuple[str, str, str]] = []

    def recorder(kind, answer):
        def fake(parent, title, text, *args, **kwargs):
            seen.append((kind, title, text))
            return answer

        return fake

    monkeypatch.setattr(QMessageBox, "warning", recorder("warning", QMessageBox.StandardButton.Ok))
    monkeypatch.setattr(
        QMessageBox, "information", recorder("information", QMessageBox.StandardButton.Ok)
    )
    monkeypatch.setattr(
        QMessageBox, "critical", recorder("critical", QMessageBox.StandardButton.Ok)
    )
    monkeypatch.setattr(
        QMessageBox, "question", recorder("question", QMessageBox.StandardButton.Yes)
    )
    return seen


@pytest.fixture
def settle(qtbot):
    """Call after an action: waits for reads running on pool threads and applies their answers."""
    from PySide6.QtWidgets import QApplication

    from ui.background import wait_for_reads

    def run() -> None:
        wait_for_reads()
        QApplication.processEvents()

    return run
