"""The main window's place on the screen: inside the available area on the first start and after a
saved size from a larger screen (a laptop taken from its docking station's monitor).
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

PREFERRED = (1480, 900)
# The window manager's frame is known only once the window is shown; what title bars and borders
# take on Windows 10/11, GNOME and openbox stays under these.
FRAME_WIDTH, FRAME_HEIGHT = 16, 40


def available_area(window: QWidget | None = None) -> QRect | None:
    """The screen area a window may use (without the taskbar), of the window's screen."""
    screen = window.screen() if window is not None else None
    screen = screen or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else None


def default_size(area: QRect | None = None) -> tuple[int, int]:
    """1480×900, or what fits the available area, frame included."""
    area = area if area is not None else available_area()
    if area is None:
        return PREFERRED
    return (
        min(PREFERRED[0], area.width() - FRAME_WIDTH),
        min(PREFERRED[1], area.height() - FRAME_HEIGHT),
    )


def small_screen(area: QRect | None = None) -> bool:
    """Smaller than the preferred window: the first start opens maximized (a 1366×768 laptop)."""
    area = area if area is not None else available_area()
    return area is not None and (
        area.width() < PREFERRED[0] + FRAME_WIDTH or area.height() < PREFERRED[1] + FRAME_HEIGHT
    )


def fit_on_screen(window: QWidget, area: QRect | None = None) -> None:
    """Shrink a window larger than the available area and move it fully inside."""
    area = area if area is not None else available_area(window)
    if area is None or window.isMaximized() or window.isFullScreen():
        return
    width = min(window.width(), area.width() - FRAME_WIDTH)
    height = min(window.height(), area.height() - FRAME_HEIGHT)
    if (width, height) != (window.width(), window.height()):
        window.resize(width, height)
    x = min(max(window.x(), area.left()), area.right() + 1 - width - FRAME_WIDTH)
    y = min(max(window.y(), area.top()), area.bottom() + 1 - height - FRAME_HEIGHT)
    if (x, y) != (window.x(), window.y()):
        window.move(max(x, area.left()), max(y, area.top()))


def centre_on_screen(window: QWidget, area: QRect | None = None) -> None:
    area = area if area is not None else available_area(window)
    if area is not None:
        window.move(
            area.left() + max(0, (area.width() - window.width() - FRAME_WIDTH) // 2),
            area.top() + max(0, (area.height() - window.height() - FRAME_HEIGHT) // 2),
        )
