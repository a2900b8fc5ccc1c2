"""A PostgreSQL ledger under attack: verify's stored-form and meta checks on real column types."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tracker import pgserver
from tracker import paths, services
from tracker.ledger import create_ledger, open_ledger
from tracker.models import Evidence, Problem
from tracker.replay import verify

from .factories import make_problem, ready_for_closure

pytestmark = pytest.mark.skipif(
    not pgserver.available(), reason="PostgreSQL server binaries not installed"
)
_names = itertools.count(1)


@pytest.fixture
def pg_ledger(server, clock, tmp_path):
    url = server.create_database(f"checks_{next(_names)}")
    ledger = create_ledger(url, unit_name="机关党委", actor="沈卫红", clock=clock)
    pid = make_problem(ledger, "会议多", deadlines=("2026年4月30日", "长期坚持"))
    ready_for_closure(ledger, pid, tmp_path / "files")
    make_problem(ledger, "文件多")
    yield ledger
    ledger.close()


def test_an_honest_postgresql_ledger_passes_the_stored_form_check(pg_ledger):
    services.void_problem(pg_ledger, 2, "重复挂账")
    report = verify(pg_ledger)
    assert report.ok, report.problems


@pytest.mark.parametrize(
    ("sql", "words"),
    [
        ("UPDATE evidence SET active = false", "“有效”"),
        ("UPDATE measure SET deadline_date = '2026-05-01' WHERE seq = 1", "“到期日期”"),
        ("UPDATE meta SET value = '1' WHERE key = 'code_counter.2026'", "问题编号计数器"),
    ],
)
def test_an_edit_made_with_a_database_tool_is_named(pg_ledger, sql, words):
    pg_ledger.db.execute_sql(sql)

    report = verify(pg_ledger)

    assert not report.ok
    assert any(words in line for line in report.problems), report.problems


def test_a_rolled_back_counter_does_not_stop_new_problems_on_postgresql(pg_ledger):
    pg_ledger.db.execute_sql("UPDATE meta SET value = '0' WHERE key = 'code_counter.2026'")

    pid = make_problem(pg_ledger, "第三个问题")

    assert pg_ledger.select(Problem, Problem.code).where(Problem.id == pid).scalar() == "2026-003"
    assert verify(pg_ledger).ok


# -- errors and passwords -----------------------------------------------------------------------
ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )


def as_role(server, url: str, role: str, *grants: str) -> str:
    """The same database, reached as `role` (a login without a password: the test server trusts)."""
    import psycopg2

    name = url.split("/")[3].split("?")[0]
    conn = psycopg2.connect(host=str(server.root), port=server.port, user="postgres", dbname=name)
    conn.autocommit = True
    cur = conn.cursor()
    cur.execute(f'CREATE ROLE "{role}" LOGIN')
    for grant in grants:
        cur.execute(grant.format(role=f'"{role}"'))
    conn.close()
    return url.replace("postgresql://postgres@", f"postgresql://{role}@")


def test_an_account_without_permissions_is_told_so_in_chinese(server, clock):
    url = server.create_database(f"perm_{next(_names)}")
    create_ledger(url, unit_name="机关党委", actor="沈卫红", clock=clock).close()
    nobody = as_role(server, url, f"guest_{next(_names)}")
    reader = as_role(
        server,
        url,
        f"reader_{next(_names)}",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
    )

    refused = run("--db", nobody, "stats")
    read_only = run("--db", reader, "reindex")

    for result in (refused, read_only):
        assert result.returncode == 2, result.stderr
        assert "权限" in result.stderr and "Traceback" not in result.stderr, result.stderr
        assert "ProgrammingError" not in result.stderr
    assert run("--db", reader, "stats").returncode == 0


@pytest.mark.parametrize("form", ["userinfo", "query"])
def test_a_password_in_the_url_is_never_printed_nor_part_of_a_folder_name(
    server, form, isolated_data_dir
):
    url = server.create_database(f"secret_{next(_names)}")
    if form == "userinfo":
        url = url.replace("postgresql://postgres@", "postgresql://postgres:supersecret@")
    else:
        url = url + "&password=supersecret"

    created = run("--db", url, "init", "--unit", "机关党委")
    again = run("--db", url, "init")
    missing = run("--db", url.replace("secret_", "no_such_db_"), "stats")

    assert created.returncode == 0, created.stderr
    assert again.returncode == 2 and missing.returncode == 2
    for result in (created, again, missing):
        assert "supersecret" not in result.stdout + result.stderr
    assert "***" in created.stdout
    with open_ledger(url) as ledger:
        assert "supersecret" not in str(ledger.evidence_dir)
        assert "password" not in ledger.evidence_dir.name
        assert "supersecret" not in ledger.display_location and "supersecret" not in repr(ledger)


def test_evidence_kept_under_the_old_folder_name_is_moved_to_the_new_one(
    server, clock, tmp_path, isolated_data_dir
):
    url = server.create_database(f"moved_{next(_names)}") + "&password=supersecret"
    ledger = create_ledger(url, unit_name="机关党委", actor="沈卫红", clock=clock)
    pid = make_problem(ledger)
    ready_for_closure(ledger, pid, tmp_path / "files")
    for sha, name in ledger.select(Evidence, Evidence.sha256, Evidence.name).tuples():
        services.evidence_file(ledger, sha, name)  # the files are in the database; this PC's copy
    new = ledger.evidence_dir
    ledger.close()
    old = paths.legacy_evidence_dir(url)
    assert old is not None and "supersecret" in old.name
    new.rename(old)  # as the program before this change kept it

    with open_ledger(url) as again:
        assert again.evidence_dir == new and new.is_dir() and not old.exists()
        assert verify(again).ok
