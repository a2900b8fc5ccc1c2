"""The first-run page: create a ledger, open the demo, open a file, or bring an Excel ledger in."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget


class WelcomePage(QWidget):
    new_ledger = Signal()
    open_demo = Signal()
    open_file = Signal()
    import_excel = Signal()
    open_shared = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcomePage")
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("整改台账")
        title.setObjectName("welcomeTitle")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        subtitle = QLabel("查摆问题挂账、整改措施落实、佐证材料审核、销号——每一步都有记录可查")
        subtitle.setObjectName("welcomeSubtitle")
        subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(subtitle)
        layout.addSpacing(24)
        buttons = [
            ("新建台账", "填写单位名称和联系人，创建一个空台账", self.new_ledger),
            ("打开示例台账", "打开一个填好示例数据的台账，先熟悉各项功能", self.open_demo),
            ("打开已有台账文件…", "打开本机或共享盘上的台账文件（.db）", self.open_file),
            ("从Excel导入…", "把手工填写的整改台账 Excel 表导入为新台账", self.import_excel),
            (
                "登录共用台账…",
                "党委多个支部共用的台账（在单位的 PostgreSQL 服务器上），用自己的账户登录",
                self.open_shared,
            ),
        ]
        self.buttons: dict[str, QPushButton] = {}
        for text, tip, signal in buttons:
            button = QPushButton(text)
            button.setObjectName("welcomeButton")
            button.setToolTip(tip)
            button.setMinimumWidth(320)
            button.clicked.connect(signal)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
            hint = QLabel(tip)
            hint.setObjectName("welcomeHint")
            hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(hint)
            self.buttons[text] = button
