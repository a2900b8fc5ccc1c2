"""The demo ledger: the same seed gives the same ledger, byte for byte, however it is generated."""

from __future__ import annotations

import datetime as dt
import random

from tracker import demo, journal
from tracker.demo import build_demo
from tracker.replay import verify


def test_the_demo_draws_are_the_random_module_draws():
    """The demo's quick `randint`, `choice` and fate draw give what `random.Random` gives, so
    rewriting them did not change any demo ledger."""
    ours, theirs = demo._Random(5), random.Random(5)
    pool = list("abcdefghijklmnopq")
    for i in range(3000):
        low, high = i % 7 - 3, i % 7 - 3 + i % 300
        assert ours.randint(low, high) == theirs.randint(low, high)
        assert ours.choice(pool[: i % 17 + 1]) == theirs.choice(pool[: i % 17 + 1])
        assert ours.sample(pool, 3) == theirs.sample(pool, 3)
    for old in (True, False):
        statuses, cumulative = demo.FATES[old]
        weights = [b - a for a, b in zip([0, *cumulative[:-1]], cumulative, strict=True)]
        ours, theirs = demo._Random(9), random.Random(9)
        gen = demo._Generator.__new__(demo._Generator)
        gen.rng, gen.today = ours, dt.date(2026, 11, 20)
        found = gen.today - dt.timedelta(days=90 if old else 10)
        for _ in range(2000):
            assert gen.fate(found) == theirs.choices(statuses, weights=weights)[0]


def test_a_seed_gives_the_same_history_as_before(tmp_path):
    """The journal head of a seeded demo covers every row, every entry's text and the hash chain:
    it was this code before the bulk path was made faster (a problem row gained its branch in
    schema version 11), and verify accepts the ledger. (If the
    demo's content is ever changed on purpose, this code changes with it.)"""
    ledger = build_demo(
        tmp_path / "demo.db", problems=300, seed=11, clock=lambda: dt.datetime(2026, 11, 20, 10)
    )
    head = journal.head(ledger.db)
    # measures carry 措施类型 (v10); extensions go through 延期申请 (v12)
    assert head.seq == 1796 and head.hash[:8].upper() == "CEBEF7E3"
    report = verify(ledger)
    assert report.ok, report.problems
    ledger.close()
