"""Started where there is no desktop (over SSH, on a server), the program says so in Chinese and
points to the command line, instead of Qt's abort (exit status 134) with English messages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ui.helpers import run_python
from ui.display_check import missing_desktop

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="X11 / Wayland")


def start(tmp_path, **env) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    clean.update(env, ZHENGGAI_DATA_DIR=str(tmp_path / "data"))
    return run_python(["main.py"], clean, timeout=60)


def test_no_display_is_explained_in_chinese_with_the_command_line(tmp_path):
    result = start(tmp_path)
    assert result.returncode == 2
    assert "需要在有图形桌面的电脑上打开" in result.stderr
    assert "没有设置 DISPLAY" in result.stderr
    assert "zhenggai-cli" in result.stderr and "python -m tracker" in result.stderr
    assert "qt.qpa" not in result.stderr and "Aborted" not in result.stderr


def test_a_display_nobody_serves_is_named(tmp_path):
    result = start(tmp_path, DISPLAY=":917")
    assert result.returncode == 2
    assert "无法连接到显示器 DISPLAY=:917" in result.stderr


def test_the_rules_of_the_check():
    assert missing_desktop({}, "win32") is None
    assert missing_desktop({}, "darwin") is None
    assert missing_desktop({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert "DISPLAY" in missing_desktop({}, "linux")
    assert "DISPLAY=nonsense" in missing_desktop({"DISPLAY": "nonsense"}, "linux")
    assert "DISPLAY=:917" in missing_desktop({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":917"}, "linux")
    wayland = {"WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": "/nonexistent"}
    assert missing_desktop(wayland, "linux") is not None  # its socket is not there


def test_a_listening_x_server_passes():
    import socket

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:  # an X server's socket
        server.bind("\0/tmp/.X11-unix/X7391")  # in the abstract namespace: no file left behind
        server.listen(1)
        assert missing_desktop({"DISPLAY": ":7391"}, "linux") is None
        assert missing_desktop({"DISPLAY": "unix:7391.0"}, "linux") is None
