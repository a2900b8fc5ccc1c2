"""新建台账 (from the welcome page): the unit's header lines, the user's name and where the file goes.

The dialog only gathers and checks the values; the caller creates the ledger with
`tracker.ledger.create_ledger`, so opening files stays in one place (the welcome page / app).
您的姓名 starts empty (the login name, "root" or "Administrator", is offered as a choice, never
filled in), and the file is a new one: named after the unit as it is typed, in the folder given,
never the ledger already open (`tracker.backup.free_path` skips names that are taken).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker.backup import free_path
from tracker.errors import StorageError
from tracker.paths import data_dir, default_actor, is_url, require_folder

from .. import files
from .reason_dialog import field_error

PHONE_CHARACTERS = set("0123456789-+() ")


class NewLedgerDialog(QDialog):
    """Ask 单位名称 (required), 联系人, 联系电话, 您的姓名 and the file location; see `values()`."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        location: str | None = None,
        user_name: str | None = None,
        folder: str | Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.folder = Path(folder) if folder else data_dir()
        self._location_edited = location is not None  # given or changed: no longer follows the unit
        self.setWindowTitle("新建台账")
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "填写本单位的信息。它们会出现在导出的台账和月报的表头，以后可以在“设置”中修改。"
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.unit_name = QLineEdit()
        self.unit_name.setPlaceholderText("如：市机关事务服务中心党支部")
        form.addRow("单位名称（必填）：", self.unit_name)
        self.contact_person = QLineEdit()
        self.contact_person.setPlaceholderText("填报表格时的联系人")
        form.addRow("联系人：", self.contact_person)
        self.contact_phone = QLineEdit()
        self.contact_phone.setPlaceholderText("如：0571-88886666")
        form.addRow("联系电话：", self.contact_phone)
        self.user_name = QLineEdit(user_name or "")
        self.user_name.setPlaceholderText("请填写真实姓名，如：王敏")
        self.user_name.setToolTip("每一次修改都会以这个姓名记入历史记录")
        login = default_actor()
        self.use_login = QPushButton(f"用登录名“{login}”")
        self.use_login.setToolTip("不填姓名，而用这台电脑的登录名记录修改（他人看到的是这个名字）")
        self.use_login.clicked.connect(lambda: self.user_name.setText(login))
        name_row = QHBoxLayout()
        name_row.addWidget(self.user_name, 1)
        name_row.addWidget(self.use_login)
        form.addRow("您的姓名（必填）：", name_row)
        self.location = QLineEdit(location or str(self._free_location()))
        self.location.setToolTip("台账文件保存的位置；佐证材料保存在它旁边的同名文件夹中")
        self.browse = QPushButton("更改…")
        self.browse.setToolTip("选择台账文件保存的位置")
        self.browse.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.location, 1)
        row.addWidget(self.browse)
        form.addRow("文件位置：", row)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("创建台账")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("取消")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.unit_name.textChanged.connect(self._follow_unit)
        self.location.textEdited.connect(self._location_typed)
        self.unit_name.setFocus()

    def _free_location(self) -> Path:
        """A file that does not exist yet: 〈单位〉整改台账.db in the folder (…-2.db and on)."""
        unit = "".join(ch for ch in self.unit_name.text().strip() if ch not in '\\/:*?"<>|')
        base = f"{unit}整改台账" if unit else "整改台账"
        return free_path(self.folder, base[:60])

    def _follow_unit(self) -> None:
        if not self._location_edited:
            self.location.setText(str(self._free_location()))

    def _location_typed(self) -> None:
        self._location_edited = True

    def choose_location(self, current: str) -> str:
        """Ask where to save (tests replace this); an empty string means the user cancelled."""
        return files.save_file(
            self, "ledger", "台账文件保存位置", current, "台账文件 (*.db);;所有文件 (*)"
        )

    def _browse(self) -> None:
        path = self.choose_location(self.location.text())
        if path:
            if not Path(path).suffix:
                path += ".db"
            self._location_edited = True
            self.location.setText(path)

    def values(self) -> dict:
        return {
            "unit_name": self.unit_name.text().strip(),
            "contact_person": self.contact_person.text().strip(),
            "contact_phone": self.contact_phone.text().strip(),
            "user_name": self.user_name.text().strip(),
            "location": self.location.text().strip(),
        }

    def problem(self) -> tuple[QWidget, str, str] | None:
        """The first thing wrong with the form: (widget, field, message), or None."""
        v = self.values()
        if not v["unit_name"]:
            return self.unit_name, "单位名称", "不能为空：它是导出表格的填报单位。"
        if v["contact_phone"] and not set(v["contact_phone"]) <= PHONE_CHARACTERS:
            return self.contact_phone, "联系电话", "只能包含数字和 - + ( ) 等符号。"
        if not v["user_name"]:
            return self.user_name, "您的姓名", "不能为空：每次修改都要记下是谁做的。"
        if not v["location"]:
            return self.location, "文件位置", "不能为空。"
        if not is_url(v["location"]):
            path = Path(v["location"])
            if path.is_dir():
                return self.location, "文件位置", "这是一个文件夹，请填写文件名，如 台账.db。"
            if path.exists():
                return (
                    self.location,
                    "文件位置",
                    "该文件已存在，请换一个文件名（或用“打开已有台账”）。",
                )
            try:
                require_folder(path, "台账")  # the folder rule of every file the user names
            except StorageError as error:
                return self.location, "文件位置", str(error)
        return None

    def accept(self) -> None:
        wrong = self.problem()
        if wrong is not None:
            field_error(self, *wrong)
            return
        super().accept()
