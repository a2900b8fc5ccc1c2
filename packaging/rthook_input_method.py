"""Runs first in the bundled GUI (a PyInstaller runtime hook): Chinese typing under fcitx.

Qt loads input-method plugins from the bundle, which carries Qt's own `ibus` and `compose`
plugins but no `fcitx` one (fcitx's Qt plugin is built against the system's Qt, not ours).
Desktops that use fcitx (统信UOS, 麒麟, deepin) set QT_IM_MODULE=fcitx; Qt then finds no such
plugin and falls back to `compose`, which cannot type Chinese. fcitx 5 also speaks the ibus
protocol (its ibus frontend, on by default), so the bundled `ibus` plugin reaches it.
Not verified on those systems (see README: 哪些在本项目的机器上运行过).
"""

import os

if os.environ.get("QT_IM_MODULE", "").lower().startswith("fcitx"):
    os.environ["QT_IM_MODULE"] = "ibus"
