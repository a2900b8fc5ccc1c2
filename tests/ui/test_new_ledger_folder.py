"""新建台账 follows the folder rule of every file the user names: the folder must exist."""

from __future__ import annotations

from ui.dialogs.new_ledger_dialog import NewLedgerDialog


def test_a_new_ledger_in_a_folder_that_does_not_exist_is_refused_at_the_field(
    qtbot, tmp_path, message_boxes
):
    dialog = NewLedgerDialog(location=str(tmp_path / "没有的文件夹" / "台账.db"), user_name="王敏")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.unit_name.setText("市直机关第一党支部")

    dialog.accept()

    assert dialog.isVisible()
    (_kind, title, text) = message_boxes[-1]
    assert "文件位置" in title and "没有的文件夹" in text and "不存在" in text
    assert not (tmp_path / "没有的文件夹").exists()
