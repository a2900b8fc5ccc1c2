"""Where things go and how a location is shown: passwords hidden, evidence folders named without
credentials, and one rule for the folder of a file the user names."""

from __future__ import annotations

import pytest

from tracker import paths
from tracker.errors import StorageError

from .test_cli_errors import run


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        (
            "postgresql://zhang:supersecret@db.example/ledger",
            "postgresql://zhang:***@db.example/ledger",
        ),
        (
            "postgresql://zhang@db.example/ledger?password=supersecret",
            "postgresql://zhang@db.example/ledger?password=***",
        ),
        (
            "postgresql://zhang@db.example:5432/ledger?sslmode=require&PASSWORD=super%40secret",
            "postgresql://zhang@db.example:5432/ledger?sslmode=require&PASSWORD=***",
        ),
        ("postgresql://db.example/ledger", "postgresql://db.example/ledger"),
        ("/home/王敏/台账.db", "/home/王敏/台账.db"),
    ],
)
def test_a_password_is_hidden_in_either_form(url, shown):
    assert paths.redact(url) == shown
    message = f"无法连接 {url}：（驱动原文）{' '.join(paths.secrets_in(url))}"
    assert "secret" not in paths.scrub(message, url)


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://zhang:supersecret@db.example/ledger",
        "postgresql://zhang@db.example/ledger?password=supersecret",
        "postgresql://db.example/ledger?sslmode=require&password=supersecret",
    ],
)
def test_the_evidence_folder_of_a_shared_ledger_is_named_after_server_and_database(url):
    folder = paths.evidence_dir_for(url)
    assert folder.name == "db_example_ledger"
    assert "secret" not in str(folder) and "zhang" not in str(folder)


def test_socket_and_port_parameters_still_tell_two_servers_apart():
    a = paths.evidence_dir_for("postgresql://u@/ledger?host=/run/a&port=5432&password=x")
    b = paths.evidence_dir_for("postgresql://u@/ledger?host=/run/b&port=5432")
    assert a != b and "password" not in a.name


def test_an_old_folder_is_merged_into_an_existing_new_one(isolated_data_dir):
    url = "postgresql://u@db.example/ledger?password=supersecret"
    old, new = paths.legacy_evidence_dir(url), paths.evidence_dir_for(url)
    (old / "ab").mkdir(parents=True)
    (old / "ab" / "ab12.pdf").write_bytes(b"minutes")
    (new / "cd").mkdir(parents=True)
    (new / "cd" / "cd34.pdf").write_bytes(b"photo")

    paths.adopt_legacy_evidence(url)

    assert (new / "ab" / "ab12.pdf").read_bytes() == b"minutes"
    assert (new / "cd" / "cd34.pdf").read_bytes() == b"photo"
    assert not old.exists()


# -- the folder rule ----------------------------------------------------------------------------
def test_a_missing_folder_is_refused_by_name_and_not_created(tmp_path):
    target = tmp_path / "没有的文件夹" / "台账.db"
    with pytest.raises(StorageError) as caught:
        paths.require_folder(target, "台账")
    assert "没有的文件夹" in str(caught.value) and "不存在" in str(caught.value)
    assert not target.parent.exists()


def test_the_programs_own_data_directory_is_created(isolated_data_dir):
    target = isolated_data_dir / "ledger.db"
    assert paths.require_folder(target, "台账") == target
    assert isolated_data_dir.is_dir()


@pytest.mark.parametrize(
    "args",
    [
        ["--db", "{p}/新建/l.db", "init"],
        ["--db", "{p}/新建/l.db", "demo", "--problems", "3"],
        ["--db", "{p}/l.db", "export", "{p}/新建/x.xlsx"],
        ["--db", "{p}/l.db", "report", "--month", "2026-03", "{p}/新建/r.xlsx"],
        ["--db", "{p}/l.db", "backup", "{p}/新建/b.db"],
    ],
)
def test_every_command_that_writes_a_named_file_keeps_the_same_rule(tmp_path, args):
    assert run("--db", str(tmp_path / "l.db"), "init").returncode == 0

    result = run(*(a.format(p=tmp_path) for a in args))

    assert result.returncode == 2, result.stderr
    assert "新建" in result.stderr and "不存在" in result.stderr
    assert not (tmp_path / "新建").exists()
