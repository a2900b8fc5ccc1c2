"""Search-term highlighting in the ledger table: the matched characters get a marker colour.

A delegate rather than rich text in the model: the model stays plain text (copying rows, tooltips,
tests read it as it is), and only the cells being painted are searched. The term is found the way
the search finds it (`tracker.matches.spans`: full-width finds half-width, case ignored), so what
is highlighted is exactly what made the row match.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from tracker.matches import spans

MARK = QColor("#ffb300")  # amber: visible on the red, yellow and blue deadline bands alike
MARK_TEXT = QColor("#000000")


class HighlightDelegate(QStyledItemDelegate):
    """Paints a cell as usual, then its text with each occurrence of `term()` marked."""

    def __init__(self, term: Callable[[], str], parent=None) -> None:
        super().__init__(parent)
        self.term = term

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        term = self.term()
        text = index.data(Qt.ItemDataRole.DisplayRole)
        found = spans(text, term) if term and isinstance(text, str) else []
        if not found:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # background, selection and focus as usual; the text is ours
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        rect = rect.adjusted(margin, 0, -margin, 0)
        metrics = opt.fontMetrics
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        keep = len(text) if shown == text else max(0, len(shown) - 1)  # the part before "…"
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        if selected:
            colour = opt.palette.color(QPalette.ColorRole.HighlightedText)
        else:
            brush = index.data(Qt.ItemDataRole.ForegroundRole)
            colour = (
                brush.color() if brush is not None else opt.palette.color(QPalette.ColorRole.Text)
            )
        painter.save()
        painter.setFont(opt.font)
        painter.setClipRect(rect)
        x = rect.left()
        for piece, marked in _pieces(text[:keep], found):
            width = metrics.horizontalAdvance(piece)
            box = QRect(x, rect.top(), width, rect.height())
            if marked:
                painter.fillRect(box.adjusted(0, 3, 0, -3), MARK)
            painter.setPen(MARK_TEXT if marked else colour)
            painter.drawText(
                box, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), piece
            )
            x += width
        if keep < len(text):
            painter.setPen(colour)
            painter.drawText(
                QRect(x, rect.top(), rect.right() - x + 1, rect.height()),
                int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                "…",
            )
        painter.restore()


def _pieces(text: str, found: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is it a match) in order; matches past its end are dropped."""
    out, at = [], 0
    for start, end in found:
        if start >= len(text):
            break
        if start > at:
            out.append((text[at:start], False))
        out.append((text[start : min(end, len(text))], True))
        at = min(end, len(text))
    if at < len(text):
        out.append((text[at:], False))
    return out
