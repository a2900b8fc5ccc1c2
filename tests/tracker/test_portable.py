"""The installed program's own questions: where a bundle keeps its data (portable beside the
program, or the system's data folder) and which version it is."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from tracker import paths
from tracker.cli import main
from tracker.version import VERSION


@pytest.fixture
def bundle(tmp_path, monkeypatch) -> Path:
    """The program unpacked on a USB stick, as PyInstaller runs it: `sys.frozen` set and
    `sys.executable` our own executable. No data folder is named on the command line."""
    folder = tmp_path / "U盘" / "整改台账"
    folder.mkdir(parents=True)
    (folder / "zhenggai-cli").write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(folder / "zhenggai-cli"))
    monkeypatch.delenv(paths.ENV_DATA_DIR, raising=False)
    return folder


def test_with_a_portable_file_beside_the_program_everything_stays_in_its_data_folder(bundle):
    (bundle / "portable").write_text("", encoding="utf-8")
    data = bundle / "data"
    assert paths.data_dir() == data
    assert Path(paths.default_db_location()) == data / "ledger.db"
    assert paths.demo_db_path() == data / "demo.db"
    assert paths.log_dir() == data / "logs"
    assert paths.evidence_dir_for(paths.default_db_location()) == data / "ledger.evidence"
    assert paths.evidence_dir_for("postgresql://db.example/ledger").is_relative_to(data)


def test_a_portable_ledger_is_created_beside_the_program(bundle, capsys):
    (bundle / "portable").write_text("", encoding="utf-8")
    assert main(["demo", "--problems", "3"]) == 0
    assert (bundle / "data" / "ledger.db").is_file()
    assert (bundle / "data" / "ledger.evidence").is_dir()
    assert main(["stats", "--json"]) == 0
    assert '"problems": 3' in capsys.readouterr().out


def test_without_the_portable_file_a_bundle_uses_the_systems_data_folder(bundle):
    assert paths.portable_data_dir() is None
    assert paths.data_dir() == Path(platformdirs.user_data_dir("zhenggai", appauthor=False))


def test_a_data_folder_named_on_the_command_line_still_wins(bundle, tmp_path, monkeypatch):
    (bundle / "portable").write_text("", encoding="utf-8")
    monkeypatch.setenv(paths.ENV_DATA_DIR, str(tmp_path / "elsewhere"))
    assert paths.data_dir() == tmp_path / "elsewhere"


def test_run_from_source_a_portable_file_beside_python_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.delattr(sys, "frozen", raising=False)
    assert paths.program_dir() is None
    assert paths.portable_data_dir() is None


def test_the_command_line_tells_its_version(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["--version"])
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip() == f"整改台账（命令行）{VERSION}"


def test_the_bundles_command_line_names_itself_in_its_help(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["/opt/zhenggai/zhenggai-cli", "nonsense"])
    with pytest.raises(SystemExit):
        main(["nonsense"])
    assert "运行 `zhenggai-cli --help` 查看用法" in capsys.readouterr().err
