"""Pages that cost only when on screen: built the first time they are shown or asked for, and
(read-only pages) recounted only while visible."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget


class LazyPage(QWidget):
    """Holds the place of `factory()`'s widget (in a tab, a splitter…) until it is needed."""

    def __init__(self, factory: Callable[[], QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._factory = factory
        self._page: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def page(self) -> QWidget:
        if self._page is None:
            self._page = self._factory()
            self.layout().addWidget(self._page)
        return self._page

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt naming)
        self.page()
        super().showEvent(event)


class RefreshWhenShown:
    """Mixin for a QWidget page with `refresh()`: session news recounts it now if the user is
    looking, otherwise the next time it is shown (editing elsewhere stays fast)."""

    dirty = True

    def _stale(self, *_args) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self.dirty = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt naming)
        super().showEvent(event)
        if self.dirty:
            self.refresh()
