"""Snapshots at two moments from one pass over the journal equal two separate snapshots."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import journal
from tracker.demo import build_demo
from tracker.models import JOURNALED
from tracker.replay import snapshot, snapshots


def _content(ledger) -> dict:
    out = {}
    for table, model in JOURNALED.items():
        out[table] = sorted(ledger.db.execute_sql(f'SELECT * FROM "{model._meta.table_name}"'))
    return out


def test_one_pass_gives_the_same_ledgers_as_two(tmp_path):
    ledger = build_demo(
        tmp_path / "demo.db", problems=60, seed=5, clock=lambda: dt.datetime(2026, 11, 20, 10)
    )
    last = journal.head(ledger.db).seq
    cuts = [
        (dt.date(2026, 9, 30), last // 3),
        (dt.date(2026, 10, 31), last // 3),
        (dt.date(2026, 11, 20), last),
    ]
    together = snapshots(ledger, cuts)
    try:
        for (day, upto), snap in zip(cuts, together, strict=True):
            alone = snapshot(ledger, day, upto=upto)
            try:
                assert _content(snap) == _content(alone)
                assert snap.snapshot_head == alone.snapshot_head
                assert snap.today() == alone.today() == day
            finally:
                alone.close()
        assert _content(together[0]) != _content(together[2])  # the later one went on
    finally:
        for snap in together:
            snap.close()
    with pytest.raises(ValueError):
        snapshots(ledger, [(dt.date(2026, 11, 20), last), (dt.date(2026, 9, 30), 1)])
    ledger.close()
