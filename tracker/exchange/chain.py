"""The part of a ledger's journal a report carries, and the receiver's check that it continues the
chain received before.

A hash chain alone does not stop a forger who reads the code: they rewrite old entries, recompute
every hash after them, and the chain checks out again. What stops them is someone else holding
the chain as it was: the committee keeps each branch's entries as they arrived, and a report is
taken in only if its entries repeat the ones held (where they overlap) and continue from them.

A report carries the whole journal while it is small (a first report always needs it); a large
ledger carries what was written since the end of the month before last, which overlaps the
previous month's report by a month. A branch that skipped months is asked for a report with its
whole history (`full=True`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import Database

from .. import journal
from ..dates import month_end
from ..models import Journal

FULL_LIMIT = 20_000  # entries: below this a report carries the whole journal
Entry = list  # [seq, txn, at, actor, action, problem, changes text, prev_hash, hash]


def carried(db: Database, head: journal.Head, year: int, month: int, *, full: bool = False) -> dict:
    """The entries a report of `year`-`month` made at `head` carries: {"from": seq, "entries": […]}."""
    start = 1
    if not full and head.seq > FULL_LIMIT:
        before_last = dt.date(year, month, 1) - dt.timedelta(days=1)
        before_last = dt.date(before_last.year, before_last.month, 1) - dt.timedelta(days=1)
        first = journal.cut(db, journal.until_stamp(month_end(before_last.year, before_last.month)))
        start = min(first or head.seq + 1, head.seq + 1)
    rows = (
        Journal.select(*journal.COLUMNS)
        .where((Journal.seq >= start) & (Journal.seq <= head.seq))
        .order_by(Journal.seq)
        .bind(db)
        .tuples()
    )
    return {"from": start, "entries": [list(row) for row in rows.iterator()]}


@dataclass(frozen=True)
class Held:
    """The last entry of a chain the receiver holds (seq 0: nothing yet)."""

    seq: int
    hash: str


def check(carried_part: dict, head: journal.Head, held: Held, held_hash_of) -> list[str]:
    """What is wrong with `carried_part` as the continuation of the held chain, in Chinese.

    `held_hash_of(seq)` gives the hash the receiver holds for entry `seq` (None if it has none);
    `head` is the entry the report was made at: the carried entries must end there.
    """
    try:
        start = int(carried_part["from"])
        entries = carried_part["entries"]
    except (KeyError, TypeError, ValueError):
        return ["报表携带的历史记录无法读取。"]
    if start > held.seq + 1:
        return [
            f"报表只带了第 {start} 条以后的历史记录，而上级这里只收到过第 {held.seq} 条为止，"
            f"中间第 {held.seq + 1} 至 {start - 1} 条缺失：请该支部补报以前月份的月报，"
            "或生成月报时选择“附带全部历史记录”。"
        ]
    prev = journal.GENESIS if start == 1 else held_hash_of(start - 1)
    if prev is None:
        return [f"上级这里没有第 {start - 1} 条历史记录，无法接续。"]
    expected = start
    for entry in entries:
        try:
            seq, txn, at, actor, action, problem, changes, prev_hash, digest = entry
        except (TypeError, ValueError):
            return [f"报表携带的第 {expected} 条历史记录格式不对。"]
        if seq != expected:
            return [f"报表携带的历史记录不连续：第 {expected} 条之后是第 {seq} 条。"]
        if (
            prev_hash != prev
            or journal.entry_hash(seq, txn, at, actor, action, problem, changes, prev_hash)
            != digest
        ):
            return [f"报表携带的第 {seq} 条历史记录与前一条接不上，或内容与校验值不符（被改动）。"]
        if seq <= held.seq and held_hash_of(seq) != digest:
            return [
                f"第 {seq} 条历史记录与上次报送时不一致：该支部在上次报送之后改写了这条"
                "或更早的历史记录。"
            ]
        prev, expected = digest, seq + 1
    if expected - 1 != head.seq or prev != head.hash:
        return [f"报表携带的历史记录没有到达报表所依据的第 {head.seq} 条，或与校验码不符。"]
    return []
