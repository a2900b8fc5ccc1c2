"""`zhenggai --version` answers before any window or Qt start-up."""

from __future__ import annotations

import sys

import pytest

import main as program
from tracker.version import VERSION


def test_the_desktop_program_tells_its_version(capsys):
    with pytest.raises(SystemExit) as stop:
        program.main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"整改台账 {VERSION}"


def test_with_no_console_the_version_is_not_lost(monkeypatch):
    """The Windows bundle's window program has no stdout: it must not crash on --version."""
    monkeypatch.setattr(sys, "stdout", None)
    assert program.main(["--version"]) == 0


def test_about_names_the_version(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from tracker.ledger import create_ledger

    from .helpers import main_window

    create_ledger(tmp_path / "台账.db", unit_name="第一党支部", actor="王敏").close()
    window = main_window(qtbot, tmp_path, tmp_path / "台账.db")
    shown = []
    monkeypatch.setattr(QMessageBox, "about", lambda parent, title, text: shown.append(text))
    window.about()
    assert shown and shown[0].startswith(f"整改台账 {VERSION}")
