"""What the list area says while a ledger has no problems yet: the first steps, each a button.

A new ledger opens on an empty table with pickers that offer nothing; without a word about where
to begin, a first-time user is stuck. This page names the three ways in (新建问题, 从Excel导入,
名录) in the order people usually take them, and is replaced by the table once a problem exists.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..widgets import headline

STEPS = [
    (
        "new_problem",
        "新建问题…",
        "把查摆出的问题逐条挂账，同时写上整改措施、责任人和整改时限（Ctrl+N）。",
    ),
    (
        "import_excel",
        "从Excel导入…",
        "已经有手工填写的整改台账 Excel 表？直接导入，不用重新录入。",
    ),
    (
        "directory",
        "名录…",
        "预先录入本单位的部门、人员、问题类别和整改批次。也可以不预先录入："
        "填写问题时在选择框里直接输入新名称，程序会问您是否加入名录。",
    ),
]


class EmptyLedgerPage(QFrame):
    """Emits the step the user chose; `set_writable(False)` disables the steps that write."""

    new_problem = Signal()
    import_excel = Signal()
    directory = Signal()
    help = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyLedgerPage")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        body = QWidget()
        body.setMaximumWidth(720)
        column = QVBoxLayout(body)
        column.addWidget(headline("这个台账里还没有问题", 1.5))
        intro = QLabel("第一次使用，可以从下面任一步开始：")
        intro.setWordWrap(True)
        column.addWidget(intro)
        column.addSpacing(8)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(14)
        self.buttons: dict[str, QPushButton] = {}
        for row, (key, text, hint) in enumerate(STEPS):
            button = QPushButton(text)
            button.setObjectName("welcomeButton")
            button.setToolTip(hint)
            button.setMinimumWidth(200)
            button.clicked.connect(getattr(self, key).emit)
            label = QLabel(hint)
            label.setWordWrap(True)
            label.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
            grid.addWidget(button, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(label, row, 1)
            self.buttons[key] = button
        grid.setColumnStretch(1, 1)
        column.addLayout(grid)
        column.addSpacing(12)
        more = QPushButton("查看使用说明（F1）")
        more.setFlat(True)
        more.setCursor(Qt.CursorShape.PointingHandCursor)
        more.setStyleSheet("color:#1f5fa8; text-decoration: underline; text-align: left;")
        more.clicked.connect(self.help)
        column.addWidget(more, 0, Qt.AlignmentFlag.AlignLeft)
        self.read_only_note = QLabel("此台账以只读方式打开，不能新建或导入问题。")
        self.read_only_note.setStyleSheet("color:#8a5a00;")
        self.read_only_note.hide()
        column.addWidget(self.read_only_note)
        outer.addWidget(body, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def set_writable(self, writable: bool) -> None:
        for key in ("new_problem", "import_excel"):
            self.buttons[key].setEnabled(writable)
        self.read_only_note.setVisible(not writable)
