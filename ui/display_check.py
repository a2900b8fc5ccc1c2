"""Before Qt starts: is there a desktop to open a window on?

Without one, Qt aborts the process (exit status 134) with English messages and a hint to install
libxcb-cursor0 that misleads on a server where it is installed. This check runs before the
QApplication exists, imports no Qt, and says in Chinese what is missing and what works instead.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Mapping

CLI_HINT = (
    "没有桌面时可以使用命令行，它不需要显示器：zhenggai-cli --help（或 python -m tracker --help），"
    "可统计、校验、导出台账、生成月报、导入 Excel、备份与恢复。"
)
NEEDS_DESKTOP = "整改台账是桌面程序，需要在有图形桌面的电脑上打开（Windows、macOS 或 Linux 桌面）。"
CONNECT_TIMEOUT = 2.0  # seconds, for an X server reached over the network (ssh -X)


def missing_desktop(
    env: Mapping[str, str] | None = None, platform: str | None = None
) -> str | None:
    """None when a window can be shown (or Qt was told to draw elsewhere); else the reason, in
    Chinese, with what to do instead."""
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform in ("win32", "darwin"):
        return None
    qpa = env.get("QT_QPA_PLATFORM", "")
    if qpa and not qpa.startswith(("xcb", "wayland")):
        return None  # offscreen, vnc, eglfs …: the user chose where Qt draws
    wayland = env.get("WAYLAND_DISPLAY", "")
    if wayland and not qpa.startswith("xcb") and _wayland_reachable(wayland, env):
        return None
    display = env.get("DISPLAY", "")
    if not display:
        return (
            f"{NEEDS_DESKTOP}\n这台电脑现在没有可用的显示器（没有设置 DISPLAY，"
            f"通过 SSH 登录服务器时通常如此）。\n{CLI_HINT}"
        )
    if not _x_reachable(display):
        return (
            f"{NEEDS_DESKTOP}\n无法连接到显示器 DISPLAY={display}（图形桌面没有运行，或不允许"
            f"本程序连接）。\n{CLI_HINT}"
        )
    return None


def _wayland_reachable(name: str, env: Mapping[str, str]) -> bool:
    path = name if name.startswith("/") else os.path.join(env.get("XDG_RUNTIME_DIR", ""), name)
    return os.path.exists(path)


def _x_reachable(display: str) -> bool:
    """Connect to the X server's socket the way Xlib would, without speaking X."""
    host, _, rest = display.rpartition(":")
    number = rest.split(".")[0]
    if not number.isdigit():
        return False
    if host in ("", "unix") or host.startswith("/"):
        if host.startswith("/"):  # launchd-style socket path (macOS XQuartz)
            return os.path.exists(display.split(":")[0])
        path = f"/tmp/.X11-unix/X{number}"
        for address in (path, "\0" + path):  # a file, or Linux's abstract namespace
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
                    sock.settimeout(CONNECT_TIMEOUT)
                    sock.connect(address)
                    return True
            except OSError:
                continue
        return False
    try:
        with socket.create_connection((host, 6000 + int(number)), timeout=CONNECT_TIMEOUT):
            return True
    except OSError:
        return False
