"""A month picker a tired eye can use: 上月 / 下月 buttons around a list of months, newest first."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QPushButton, QWidget

from tracker.dates import format_month

Month = tuple[int, int]


def shift(month: Month, by: int) -> Month:
    """The month `by` months after (or before, when negative) `month`."""
    index = month[0] * 12 + month[1] - 1 + by
    return index // 12, index % 12 + 1


def _key(month: Month) -> int:
    """The combo's item data: Qt compares plain numbers, not Python tuples."""
    return month[0] * 100 + month[1]


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from `last` back to `first`, newest first (at least `last`)."""
    out = [last]
    while out[-1] > first:
        out.append(shift(out[-1], -1))
    return out


class MonthBox(QWidget):
    """`changed(year, month)` when the user picks another month; never later than `last`."""

    changed = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.previous = QPushButton("◀ 上月")
        self.previous.setToolTip("看上一个月")
        self.combo = QComboBox()
        self.combo.setMinimumContentsLength(8)
        self.combo.setToolTip("选择月份")
        self.next = QPushButton("下月 ▶")
        self.next.setToolTip("看下一个月")
        for widget in (self.previous, self.combo, self.next):
            layout.addWidget(widget)
        layout.addStretch(1)  # in a wide form field the buttons keep their size
        self.previous.clicked.connect(lambda: self._step(1))
        self.next.clicked.connect(lambda: self._step(-1))
        self.combo.currentIndexChanged.connect(self._picked)

    def set_range(self, first: Month, last: Month, current: Month | None = None) -> None:
        """Offer `first`..`last` and show `current` (or keep the month shown, if still offered)."""
        keep = current or self.value()
        self.combo.blockSignals(True)
        self.combo.clear()
        for year, month in months_between(min(first, last), last):
            self.combo.addItem(format_month(year, month), _key((year, month)))
        index = self.combo.findData(_key(keep)) if keep else -1
        self.combo.setCurrentIndex(index if index >= 0 else 0)
        self.combo.blockSignals(False)
        self._update_buttons()

    def value(self) -> Month | None:
        data = self.combo.currentData()
        return divmod(int(data), 100) if data else None

    def set_value(self, month: Month) -> bool:
        """Show `month` if it is offered (earlier months are added); False if it is in the future."""
        if self.combo.findData(_key(month)) < 0:
            last = self.combo.itemData(0)
            if last is None or month > divmod(int(last), 100):
                return False
            self.set_range(month, divmod(int(last), 100), month)
        self.combo.setCurrentIndex(self.combo.findData(_key(month)))
        return True

    def _step(self, by: int) -> None:
        index = self.combo.currentIndex() + by
        if by > 0 and index >= self.combo.count():  # earlier than offered: offer one more month
            earlier = shift(self.value(), -1)
            self.combo.addItem(format_month(*earlier), _key(earlier))
        if 0 <= index < self.combo.count():
            self.combo.setCurrentIndex(index)

    def _picked(self, _index: int) -> None:
        self._update_buttons()
        value = self.value()
        if value:
            self.changed.emit(*value)

    def _update_buttons(self) -> None:
        self.next.setEnabled(self.combo.currentIndex() > 0)
