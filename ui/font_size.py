"""The font size setting (查看 → 字体大小: 小 / 标准 / 大 / 特大), which scales the whole window.

Qt's own scale factor (QT_SCALE_FACTOR) is what scales everything alike — text, row heights,
fixed field heights, icons, the px sizes of the stylesheet — so that forms and dialogs keep their
layout at every size. Qt reads it once, before the application object exists: the choice is kept
in QSettings and applied at the next start (the program offers to restart at once).
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QSettings

KEY = "view/font-size"
ENV = "QT_SCALE_FACTOR"
_set_here = False  # QT_SCALE_FACTOR came from the setting, not from the user
SIZES = {  # key: (label, scale)
    "small": ("小", 0.9),
    "standard": ("标准", 1.0),
    "large": ("大", 1.15),
    "xlarge": ("特大", 1.3),
}


def current_size(settings: QSettings) -> str:
    key = settings.value(KEY, "standard")
    return key if key in SIZES else "standard"


def apply_before_start(settings: QSettings) -> float:
    """Set Qt's scale factor from the setting; a QT_SCALE_FACTOR set by the user wins."""
    global _set_here
    if ENV in os.environ and not _set_here:
        return float(os.environ[ENV] or 1)
    scale = SIZES[current_size(settings)][1]
    os.environ.pop(ENV, None)
    if scale != 1.0:
        os.environ[ENV] = f"{scale:g}"
        _set_here = True
    return scale


def restart_environment() -> dict[str, str]:
    """This process's environment for the restarted program, less the scale set from the old
    setting (the new one is read at its start)."""
    env = dict(os.environ)
    if _set_here:
        env.pop(ENV, None)
    return env


def restart_command() -> tuple[str, list[str]]:
    """The command that started this program, to start it again (also from a frozen bundle)."""
    if getattr(sys, "frozen", False):
        return sys.executable, sys.argv[1:]
    return sys.executable, [os.path.abspath(sys.argv[0]), *sys.argv[1:]]
