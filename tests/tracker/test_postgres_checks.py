"""A PostgreSQL ledger under attack: verify's stored-form and meta checks on real column types."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

import pytest

from tests.tracker import pgserver
from tracker import services
from tracker.ledger import create_ledger
from tracker.models import Problem
from tracker.replay import verify

from .factories import make_problem, ready_for_closure

pytestmark = pytest.mark.skipif(
    not pgserver.available(), reason="PostgreSQL server binaries not installed"
)
_names = itertools.count(1)


@pytest.fixture(scope="module")
def server():
    root = Path(tempfile.mkdtemp(prefix="zg-pgc-"))
    pg = pgserver.PgServer(root)
    pg.start()
    yield pg
    pg.stop()


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
