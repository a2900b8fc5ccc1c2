"""File dialogs and opening files with other programs, the way an office worker expects them.

- Every file dialog starts in the folder last used for the same purpose (导出, 月报, 导入, 佐证材料,
  备份, 收取月报 …), remembered in QSettings (`settings.ini` in the data directory).
- Qt's own file dialog (used where the system offers none) is translated by qtbase_zh_CN.qm,
  except two labels whose English source carries a shortcut mark that the translation lacks
  ("&Look in:", "Files of &type:"); they are set here, so no English remains.
- Opening a file or folder with another program can fail (no program registered for .xlsx on a
  fresh PC). Qt only returns False; the user is told what failed and offered the folder instead.

Tests replace `run_dialog` (the one place a dialog is shown) and `open_url`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from tracker.paths import data_dir

PURPOSES = {
    "ledger": "台账文件",
    "export": "导出台账",
    "report": "月报",
    "import": "导入Excel",
    "evidence": "佐证材料",
    "backup": "备份",
    "collect": "收取的月报",
    "check": "核对的月报",
    "rollup": "汇总表",
}
LABELS = {  # Qt's widget dialog: the labels qtbase_zh_CN.qm leaves in English
    QFileDialog.DialogLabel.LookIn: "查找范围(&L)：",
    QFileDialog.DialogLabel.FileType: "文件类型(&T)：",
    QFileDialog.DialogLabel.FileName: "文件名(&N)：",
}


def settings() -> QSettings:
    return QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)


def remembered(purpose: str) -> str | None:
    """The folder last used for `purpose`, if there is one and it still exists."""
    folder = settings().value(f"folders/{purpose}", "") or ""
    return folder if folder and Path(folder).is_dir() else None


def start_folder(purpose: str, fallback: str | Path | None = None) -> str:
    """Where a dialog for `purpose` starts: the folder last used for it, else `fallback` (if it
    exists), else the user's home folder."""
    found = remembered(purpose)
    if found is None and fallback and Path(fallback).is_dir():
        found = str(fallback)
    return found or str(Path.home())


def remember(purpose: str, path: str | Path) -> None:
    """Keep the folder of `path` (or `path` itself, a folder) as the start for `purpose`."""
    if not path:
        return
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    store = settings()
    store.setValue(f"folders/{purpose}", str(folder))
    store.sync()


def make_dialog(parent: QWidget | None, title: str, start: str, filters: str) -> QFileDialog:
    dialog = QFileDialog(parent, title, start, filters)
    for label, text in LABELS.items():
        dialog.setLabelText(label, text)
    return dialog


def run_dialog(dialog: QFileDialog) -> list[str]:
    """Show the dialog; the chosen paths, or [] when cancelled (tests replace this)."""
    return dialog.selectedFiles() if dialog.exec() == QFileDialog.DialogCode.Accepted else []


def open_file(
    parent: QWidget | None,
    purpose: str,
    title: str,
    filters: str,
    fallback: str | Path | None = None,
) -> str:
    dialog = make_dialog(parent, title, start_folder(purpose, fallback), filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    chosen = run_dialog(dialog)
    if chosen:
        remember(purpose, chosen[0])
    return chosen[0] if chosen else ""


def open_files(parent: QWidget | None, purpose: str, title: str, filters: str) -> list[str]:
    dialog = make_dialog(parent, title, start_folder(purpose), filters)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
    chosen = run_dialog(dialog)
    if chosen:
        remember(purpose, chosen[0])
    return chosen


def save_file(
    parent: QWidget | None,
    purpose: str,
    title: str,
    name: str,
    filters: str,
    *,
    confirm_overwrite: bool = True,
) -> str:
    """A file name to save under, starting with `name` in the folder last used for `purpose`
    (`name` may be a whole path: then its own folder)."""
    start = name if Path(name).is_absolute() else str(Path(start_folder(purpose)) / name)
    dialog = make_dialog(parent, title, start, filters)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    if not confirm_overwrite:
        dialog.setOption(QFileDialog.Option.DontConfirmOverwrite)
    chosen = run_dialog(dialog)
    if chosen:
        remember(purpose, chosen[0])
    return chosen[0] if chosen else ""


def choose_folder(parent: QWidget | None, purpose: str, title: str) -> str:
    dialog = make_dialog(parent, title, start_folder(purpose), "")
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly)
    chosen = run_dialog(dialog)
    if chosen:
        remember(purpose, chosen[0])
    return chosen[0] if chosen else ""


# -- opening with other programs ----------------------------------------------------------------
def open_url(url: QUrl) -> bool:
    """Hand a file or folder to the system (tests replace this)."""
    return QDesktopServices.openUrl(url)


def kind_of(path: Path) -> str:
    suffix = path.suffix.lower()
    return f"{suffix} 文件" if suffix else "这种文件"


def open_external(parent: QWidget | None, path: str | Path) -> bool:
    """Open a file with the program the system has for it; say so when there is none, and offer
    the folder holding it (from where it can be copied to a PC that has one)."""
    path = Path(path)
    if open_url(QUrl.fromLocalFile(str(path))):
        return True
    cannot_open(parent, path)
    return False


def cannot_open(parent: QWidget | None, path: Path, name: str = "") -> None:
    """Say that no program opened `path` (shown to the user as `name`, e.g. an evidence file
    stored under its hash), with 打开所在文件夹 offered."""
    shown = Path(name) if name else path
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "无法打开文件",
        f"没有找到可以打开 {kind_of(shown)}的程序。\n\n"
        + (f"“{name}”保存在：\n{path}\n\n" if name else f"文件已保存在：\n{path}\n\n")
        + (
            "可以安装 WPS Office 或 Microsoft Excel 后再打开，"
            "或者打开所在文件夹，把文件拷到其他电脑上打开。"
            if shown.suffix.lower() in (".xlsx", ".xls", ".xlsm")
            else "可以打开所在文件夹，用其他程序打开它。"
        ),
        parent=parent,
    )
    folder = box.addButton("打开所在文件夹", QMessageBox.ButtonRole.ActionRole)
    close = box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(folder)
    box.setEscapeButton(close)
    ask(box)
    if box.clickedButton() is folder:
        open_folder(parent, path.parent)


def open_folder(parent: QWidget | None, folder: str | Path) -> bool:
    """Show a folder in the file manager; when that fails, say where it is (and copy the path)."""
    folder = Path(folder)
    if open_url(QUrl.fromLocalFile(str(folder))):
        return True
    QGuiApplication.clipboard().setText(str(folder))
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "无法打开文件夹",
        f"没有能打开文件夹的程序。\n\n文件夹位置（已复制，可粘贴到资源管理器的地址栏）：\n{folder}",
        parent=parent,
    )
    box.addButton("关闭", QMessageBox.ButtonRole.RejectRole)
    ask(box)
    return False


def ask(box: QMessageBox) -> None:
    """Show a message box modally (tests replace this and click a button themselves)."""
    box.exec()
