"""Files as they arrive: old .xls, unreadable or wrong files, and the `import` command itself.

tests/data/*.xls were made once from `workbooks.official` and `workbooks.wps_style` with
`soffice --headless --convert-to xls` (LibreOffice 7.4), so the .xls path is tested without it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from tracker.cli import main
from tracker.excel.plan import build_plan
from tracker.excel.reader import OLE_MAGIC, WorkbookError, read_workbook
from tracker.ledger import create_ledger
from tracker.models import Journal

from . import workbooks as W
from .test_excel_import import do_import, ledger_content

DATA = Path(__file__).resolve().parents[1] / "data"


def journal_size(ledger) -> int:
    return ledger.select(Journal).count()


def test_an_old_xls_gives_the_same_ledger_as_the_xlsx(ledger, tmp_path, clock):
    do_import(ledger, W.official(tmp_path / "台账.xlsx"))
    other = create_ledger(tmp_path / "other.db", actor="王敏", clock=clock)
    plan, _ = do_import(other, DATA / "official_2003.xls")
    assert plan.workbook.engine == "calamine"
    assert ledger_content(other) == ledger_content(ledger)
    other.close()


def test_xls_formulas_are_read_as_their_cached_values():
    workbook = read_workbook(DATA / "wps_2003.xls")
    assert workbook.sheets[0].rows[1][0] == 1  # =ROW()-1


def test_calamine_reads_xlsx_the_same_way(tmp_path):
    path = W.official(tmp_path / "台账.xlsx")
    slow, fast = read_workbook(path), read_workbook(path, engine="calamine")
    assert (slow.engine, fast.engine) == ("openpyxl", "calamine")
    assert fast.sheets[0].merged_from == slow.sheets[0].merged_from
    assert [len(r) for r in fast.sheets[0].rows] == [len(r) for r in slow.sheets[0].rows]


def _zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path


def _bytes(data: bytes):
    def write(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return write


BAD_FILES = {
    "empty": (_bytes(b""), "是空文件（0 字节）"),
    "text": (_bytes("序号,问题描述\n1,会议多\n".encode()), "不是 Excel 工作簿"),
    "pdf": (_bytes(b"%PDF-1.7\n..."), "是 PDF 文件"),
    "html": (
        _bytes("<html><table><tr><td>问题</td></tr></table></html>".encode()),
        "是网页（HTML/XML）格式的文件",
    ),
    "docx": (
        lambda p: _zip(p, {"[Content_Types].xml": "<x/>", "word/document.xml": "<w/>"}),
        "是 Word 文档",
    ),
    "zip": (lambda p: _zip(p, {"readme.txt": "hello"}), "是一个压缩包"),
    "broken": (_bytes(b"PK\x03\x04" + b"\x00" * 200), "已损坏"),
    "encrypted": (  # an encrypted .xlsx is an OLE container holding EncryptionInfo
        _bytes(OLE_MAGIC + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64),
        "设置了打开密码（已加密）",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
def test_a_file_that_is_not_a_readable_workbook_gets_a_clear_message(ledger, tmp_path, kind):
    make, words = BAD_FILES[kind]
    path = make(tmp_path / "台账.xlsx")
    before = journal_size(ledger)
    with pytest.raises(WorkbookError) as raised:
        build_plan(ledger, path)
    assert words in str(raised.value)
    assert "台账.xlsx" in str(raised.value)
    assert journal_size(ledger) == before


def test_a_workbook_without_data_or_without_a_header(ledger, tmp_path):
    from openpyxl import Workbook

    empty = tmp_path / "空表.xlsx"
    Workbook().save(empty)
    with pytest.raises(WorkbookError, match="没有任何数据"):
        build_plan(ledger, empty)

    notes = tmp_path / "会议记录.xlsx"
    wb = Workbook()
    wb.active.append(["2026年第一季度党员大会会议记录"])
    wb.active.append(["时间", "地点", "主持人"])
    wb.active.append(["3月2日", "三楼会议室", "张伟"])
    wb.save(notes)
    with pytest.raises(WorkbookError, match="没有找到台账表头"):
        build_plan(ledger, notes)


def test_asking_for_a_sheet_that_is_not_there_names_the_sheets_that_are(ledger, tmp_path):
    path = W.several_sheets(tmp_path / "两批.xlsx")
    with pytest.raises(
        WorkbookError, match="没有名为“汇总”的工作表。现有工作表：填表说明、两批问题"
    ):
        from tracker.excel.plan import ImportOptions

        build_plan(ledger, path, ImportOptions(sheets=["汇总"]))


def test_missing_file_and_folder(ledger, tmp_path):
    with pytest.raises(WorkbookError, match="找不到文件"):
        read_workbook(tmp_path / "nope.xlsx")
    with pytest.raises(WorkbookError, match="是一个文件夹"):
        read_workbook(tmp_path)


# -- the command -----------------------------------------------------------------------------
def test_import_command_previews_then_imports_then_skips(tmp_path, capsys):
    db = str(tmp_path / "l.db")
    assert main(["--db", db, "--user", "王敏", "init"]) == 0
    path = W.official(tmp_path / "台账.xlsx")
    capsys.readouterr()

    assert main(["--db", db, "import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "工作表“整改台账”：表头在第3行" in out
    assert " K 整改时限 → 整改时限（把握度 100%）" in out
    assert "共识别问题 3 个：将新增 3 个（整改措施 7 项）" in out
    assert "将新建人员 5 个：张伟、李娜、王敏、赵刚、陈晨" in out
    assert "工作表“整改台账” 第9行 整改时限：‘年底前’ 无法确定年份，已按文本保存" in out
    assert "试运行：未写入任何数据" in out
    assert main(["--db", db, "stats", "--json"]) == 0
    assert '"problems": 0' in capsys.readouterr().out

    assert main(["--db", db, "import", str(path), "--batch", "组织生活会"]) == 0
    out = capsys.readouterr().out
    assert "已导入：新增问题 3 个（2026-001 至 2026-003）、整改措施 7 项" in out
    assert "校验码：" in out

    assert main(["--db", db, "import", str(path)]) == 0
    assert "跳过已导入的 3 个" in capsys.readouterr().out
    assert main(["--db", db, "verify"]) == 0


def test_import_command_reports_a_bad_file_in_chinese(tmp_path, capsys):
    db = str(tmp_path / "l.db")
    assert main(["--db", db, "init"]) == 0
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"")
    assert main(["--db", db, "import", str(bad)]) == 2
    assert "错误：“坏.xlsx” 是空文件" in capsys.readouterr().err
