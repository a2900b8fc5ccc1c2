"""Search on PostgreSQL answers from its own index (character grams, GIN) exactly what SQLite's
FTS5 index answers, for terms of every length."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from tests.tracker import pgserver
from tracker import search_index, services
from tracker.backup import copy_tables
from tracker.demo import build_demo
from tracker.ledger import create_ledger
from tracker.models import Measure, Problem
from tracker.queries import Filter, problem_ids

pytestmark = pytest.mark.skipif(
    not pgserver.available(), reason="PostgreSQL server binaries not installed"
)


def terms_from(ledger, count: int = 120) -> list[str]:
    rng = random.Random(7)
    texts = [t for (t,) in ledger.select(Problem, Problem.description).tuples()]
    texts += [t for (t,) in ledger.select(Measure, Measure.text).tuples()]
    found = []
    for _ in range(count):
        text = rng.choice(texts)
        size = rng.choice([1, 2, 2, 3, 4, 4, 5])
        start = rng.randrange(0, max(1, len(text) - size))
        found.append(text[start : start + size])
    return found + [
        "调研",
        "窗口服务",
        "ＡＢＣ",
        "abc",
        "2026-0",
        "不存在的词语",
        "张",
        "%",
        "_会",
        "𠮷",
        "𠮷野家",
        "野家窗口服务",
        "口服务𠮷",  # outside the BMP: left to LIKE, same answer
    ]


def test_postgresql_finds_exactly_what_sqlite_finds(server, tmp_path):
    local = build_demo(
        tmp_path / "demo.db", problems=300, seed=5, clock=lambda: dt.datetime(2026, 11, 20, 10)
    )
    shared = create_ledger(server.create_database("search_same"), unit_name="机关党委")
    copy_tables(local.db, shared.db)
    for ledger in (local, shared):  # a character outside the BMP in one field
        services.create_problem(ledger, description="𠮷野家窗口服务态度差")
    assert search_index.available(shared.db) and search_index.stale(shared.db) == []
    found = 0
    for term in terms_from(local):
        want = problem_ids(local, Filter(search=term))
        got = problem_ids(shared, Filter(search=term))
        assert got == want, term
        found += bool(want)
    assert found > 100  # the terms were taken from the ledger: most find something
    local.close()
    shared.close()
