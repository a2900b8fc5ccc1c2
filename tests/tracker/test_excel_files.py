"""Where an export or a report is saved: a folder that cannot be written is named, and a workbook
this program did not make is never replaced without the user saying so."""

from __future__ import annotations

import contextlib
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tracker.errors import LedgerError, OverwriteRefusedError
from tracker.excel.export import export_ledger
from tracker.excel.report import build_report
from tracker.excel.writer import check_overwrite, is_our_workbook

from .factories import is_chinese, make_problem
from .test_cli_errors import run


def export(ledger, path):
    return export_ledger(ledger, path)


def report(ledger, path):
    return build_report(ledger, path, 2026, 3)


@contextlib.contextmanager
def read_only_mount(folder: Path):
    """A read-only tmpfs (root ignores file permissions, but not a read-only file system)."""
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(folder)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a read-only file system here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@contextlib.contextmanager
def unwritable(kind: str, tmp_path: Path):
    if kind == "file":
        parent = tmp_path / "不是文件夹"
        parent.write_text("a file", encoding="utf-8")
        yield parent
    elif kind == "read-only mount":
        with read_only_mount(tmp_path / "只读") as folder:
            yield folder
    else:
        if os.geteuid() == 0:
            pytest.skip("root writes into a folder whatever its permissions")
        folder = tmp_path / "无权限"
        folder.mkdir()
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)


@pytest.mark.parametrize("write", [export, report])
@pytest.mark.parametrize("kind", ["file", "read-only mount", "no permission"])
def test_a_folder_that_cannot_be_written_is_named_in_chinese(ledger, tmp_path, kind, write):
    make_problem(ledger)
    with unwritable(kind, tmp_path) as folder:
        with pytest.raises(LedgerError) as caught:
            write(ledger, folder / "台账.xlsx")
        message = str(caught.value)
        assert str(folder) in message and is_chinese(message)
        if folder.is_dir():
            assert list(folder.iterdir()) == []


def test_the_command_line_names_a_read_only_folder(ledger, tmp_path):
    ledger.close()
    with read_only_mount(tmp_path / "只读") as folder:
        result = run("--db", ledger.location, "export", str(folder / "x.xlsx"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert str(folder) in result.stderr


# -- overwriting --------------------------------------------------------------------------------
def someone_elses_workbook(path: Path) -> bytes:
    wb = Workbook()
    wb.active["A1"] = "手工整理的台账，不要覆盖"
    wb.save(path)
    return path.read_bytes()


@pytest.mark.parametrize("command", [["export"], ["report", "--month", "2026-03"]])
def test_a_workbook_the_program_did_not_make_is_not_overwritten_without_the_flag(
    ledger, tmp_path, command
):
    ledger.close()
    target = tmp_path / "手工台账.xlsx"
    before = someone_elses_workbook(target)

    refused = run("--db", ledger.location, *command, str(target))

    assert refused.returncode == 2 and "--overwrite" in refused.stderr
    assert "手工台账.xlsx" in refused.stderr and "Traceback" not in refused.stderr
    assert target.read_bytes() == before

    forced = run("--db", ledger.location, *command, "--overwrite", str(target))
    assert forced.returncode == 0, forced.stderr
    assert is_our_workbook(target)


@pytest.mark.parametrize("write", [export, report])
def test_our_own_workbook_is_replaced_without_asking(ledger, tmp_path, write):
    target = tmp_path / "月报.xlsx"
    write(ledger, target)
    assert is_our_workbook(target)

    check_overwrite(target)  # no question: the program made it

    assert write(ledger, target).path == target


def test_our_workbook_saved_since_by_someone_else_counts_as_theirs(ledger, tmp_path):
    target = tmp_path / "台账.xlsx"
    export(ledger, target)
    wb = load_workbook(target)
    wb.active["A1"] = "王敏补充了说明"
    wb.properties.lastModifiedBy = "王敏"  # as Excel or WPS writes it when a person saves
    wb.save(target)

    assert not is_our_workbook(target)
    with pytest.raises(OverwriteRefusedError):
        check_overwrite(target)
    check_overwrite(target, overwrite=True)


@pytest.mark.parametrize(
    "content", [b"", b"plain text", b"PK\x03\x04 not really a zip", "中文.xlsx".encode()]
)
def test_a_file_that_is_not_a_workbook_is_not_ours(tmp_path, content):
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    assert not is_our_workbook(path)


def test_a_huge_property_part_is_not_read(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("docProps/custom.xml", b" " * (10 * 1024 * 1024))
        archive.writestr("docProps/core.xml", b"<x/>")
    assert not is_our_workbook(path)
