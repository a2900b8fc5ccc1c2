"""帮助 → 使用说明: the user guide in a window of its own, sections on the left, large type.

The guide ships inside the program (`guide_text`), so it opens on a PC with nothing registered
for .md files. The text is set a few points larger than the window's and can be enlarged further
(放大/缩小, also Ctrl+加号/减号), because the people reading it are often past fifty.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut, QTextDocument
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from .guide_text import SECTIONS
from .widgets import close_row, scaled_points

EXTRA_POINTS = 3.0  # the guide's text is this much larger than the window's own
STEP = 2.0  # points per 放大 / 缩小
LARGEST = 28.0


class HelpWindow(QDialog):
    """Not modal: the guide can stay open beside the ledger while one follows it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("使用说明 — 整改台账")
        self.setWindowFlag(Qt.WindowType.WindowContextHelpButtonHint, False)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setModal(False)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("查找："))
        self.find = QLineEdit()
        self.find.setPlaceholderText("输入词语后按回车，在全部说明中查找")
        self.find.setClearButtonEnabled(True)
        self.find.returnPressed.connect(self.find_next)
        bar.addWidget(self.find, 1)
        self.smaller = QPushButton("缩小字号")
        self.smaller.setToolTip("把说明的字缩小一些（Ctrl+减号）")
        self.smaller.clicked.connect(lambda: self.zoom(-STEP))
        self.larger = QPushButton("放大字号")
        self.larger.setToolTip("把说明的字放大一些（Ctrl+加号）")
        self.larger.clicked.connect(lambda: self.zoom(STEP))
        bar.addWidget(self.smaller)
        bar.addWidget(self.larger)
        layout.addLayout(bar)
        self.sections = QListWidget()
        self.sections.addItems([title for title, _ in SECTIONS])
        self.sections.setMaximumWidth(220)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.sections)
        split.addWidget(self.text)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout.addWidget(split, 1)
        self.status = QLabel()
        self.status.setStyleSheet("color:#5f6b7a;")
        layout.addWidget(self.status)
        layout.addLayout(close_row(self.close))
        self.points = min(LARGEST, scaled_points(1.0) + EXTRA_POINTS)
        self._apply_size()
        self.sections.currentRowChanged.connect(self.show_section)
        QShortcut(QKeySequence.StandardKey.ZoomIn, self, lambda: self.zoom(STEP))
        QShortcut(QKeySequence.StandardKey.ZoomOut, self, lambda: self.zoom(-STEP))
        QShortcut(QKeySequence.StandardKey.Find, self, self.find.setFocus)
        self.sections.setCurrentRow(0)
        self.resize(980, 640)

    def show_section(self, index: int) -> None:
        if 0 <= index < len(SECTIONS):
            self.text.setMarkdown(SECTIONS[index][1])
            self.status.clear()

    def section_text(self) -> str:
        return self.text.toPlainText()

    def zoom(self, step: float) -> None:
        self.points = max(9.0, min(LARGEST, self.points + step))
        self._apply_size()

    def _apply_size(self) -> None:
        """The application's style sheet fixes every widget's font size: the guide overrides it
        with a style sheet of its own (a plain `setFont` would be ignored)."""
        font = self.text.font()
        font.setPointSizeF(self.points)
        self.text.setFont(font)
        self.text.document().setDefaultFont(font)
        self.text.setStyleSheet(f"QTextBrowser {{ font-size: {self.points:.1f}pt; }}")
        listed = max(self.points - 1, 10.0)
        self.sections.setStyleSheet(
            f"QListWidget {{ font-size: {listed:.1f}pt; }} QListWidget::item {{ padding: 4px; }}"
        )
        self.smaller.setEnabled(self.points > 9.0)
        self.larger.setEnabled(self.points < LARGEST)

    def find_next(self) -> bool:
        """The next place the word occurs: in this section, then in the sections after it."""
        term = self.find.text().strip()
        if not term:
            return False
        if self.text.find(term):
            self.status.clear()
            return True
        start = self.sections.currentRow()
        for step in range(1, len(SECTIONS) + 1):
            index = (start + step) % len(SECTIONS)
            if term in SECTIONS[index][1]:
                self.sections.setCurrentRow(index)
                self.text.moveCursor(self.text.textCursor().MoveOperation.Start)
                found = self.text.find(term, QTextDocument.FindFlag(0))
                self.status.setText(f"在“{SECTIONS[index][0]}”中找到“{term}”。")
                return found
        self.status.setText(f"说明中没有“{term}”。")
        return False
