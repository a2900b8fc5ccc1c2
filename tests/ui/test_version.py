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
