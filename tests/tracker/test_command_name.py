"""Messages quote the command-line program the way this user can run it."""

from __future__ import annotations

import sys

import pytest

from tracker.command_name import command, program_name
from tracker.db import open_database
from tracker.errors import LedgerError


@pytest.mark.parametrize(
    ("argv0", "frozen", "expected"),
    [
        ("/opt/zhenggai/zhenggai-cli", False, "zhenggai-cli"),
        ("/opt/zhenggai/zhenggai", False, "zhenggai-cli"),  # the GUI points to the CLI beside it
        (r"C:\Users\li\AppData\Local\Programs\zhenggai\zhenggai.exe", True, "zhenggai-cli"),
        ("/home/li/zhenggai/main.py", False, "python -m tracker"),
        ("/home/li/zhenggai/tracker/__main__.py", False, "python -m tracker"),
    ],
)
def test_the_program_is_named_as_it_was_started(monkeypatch, argv0, frozen, expected):
    monkeypatch.setattr(sys, "argv", [argv0])
    monkeypatch.setattr(sys, "frozen", frozen, raising=False)
    assert program_name() == expected
    assert command("verify") == f"`{expected} verify`"


def test_a_missing_ledger_names_the_installed_command(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "argv", ["/opt/zhenggai/zhenggai-cli"])
    with pytest.raises(LedgerError, match="`zhenggai-cli init`"):
        open_database(str(tmp_path / "none.db"))
