"""The append-only history: every change as a hash-chained entry, and a short head code to write down.

Each entry's hash covers its own content and the previous entry's hash, so changing, removing or
reordering any past entry breaks every hash after it. The head code (the last entry's number and
100 bits of its hash in groups a person can copy, `1234-5NRHC-GNQ4T-R480B-2FJMZ`) is what a user
writes down or what a report carries: a ledger whose history was rewritten afterwards no longer
reproduces it. Codes of the first versions carried 32 bits (`1234-3F2A9C1B`); they are still read,
and said to be weak.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from json.encoder import c_make_encoder
from json.encoder import encode_basestring as _quote
from typing import Any

from peewee import Database, fn

from .db import bulk_insert
from .fingerprints import grouped, normalise
from .models import Journal

_sha256 = hashlib.sha256
GENESIS = "0" * 64
BATCH = 5000
COLUMNS = [
    Journal.seq,
    Journal.txn,
    Journal.at,
    Journal.actor,
    Journal.action,
    Journal.problem,
    Journal.changes,
    Journal.prev_hash,
    Journal.hash,
]  # one entry, in the order entry_hash takes them


_PLAIN = frozenset({str, int, float, bool, type(None)})


def json_value(value: Any) -> Any:
    """The JSON form a column value takes in the journal (dates as ISO text, ids as ints)."""
    if type(value) in _PLAIN:  # most values: asked for every field of every row a bulk write makes
        return value
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "_pk"):  # a model instance given for a foreign key
        return value._pk
    return value


# Encoders made once: `json.dumps` with options builds a new encoder on every call, which is most of
# its cost for small documents (the demo and the importer write hundreds of thousands of entries).
_CHANGES = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))
_ENTRY = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
# `JSONEncoder.encode` still makes a new C encoder per call (and a dict to catch cycles, which
# journal changes never have); this one is made once and writes the same text as `_CHANGES`.
_encode_changes = (
    c_make_encoder(None, _CHANGES.default, _quote, None, ":", ",", True, False, True)
    if c_make_encoder is not None
    else None
)


def dumps(changes: list[dict]) -> str:
    if _encode_changes is None:
        return _CHANGES.encode(changes)
    return "".join(_encode_changes(changes, 0))


def entry_hash(
    seq: int,
    txn: int,
    at: str,
    actor: str,
    action: str,
    problem: int | None,
    changes: str,
    prev_hash: str,
) -> str:
    # The text `_ENTRY.encode([seq, txn, at, actor, action, problem, changes, prev_hash])` makes,
    # written directly (tests hold the two equal): one entry per row of a bulk write is hashed.
    if (
        type(seq) is int
        and type(txn) is int
        and (problem is None or type(problem) is int)
        and type(at) is type(actor) is type(action) is type(changes) is type(prev_hash) is str
    ):
        body = (
            f"[{seq},{txn},{_quote(at)},{_quote(actor)},{_quote(action)},"
            f"{'null' if problem is None else problem},{_quote(changes)},{_quote(prev_hash)}]"
        )
    else:
        body = _ENTRY.encode([seq, txn, at, actor, action, problem, changes, prev_hash])
    return _sha256(body.encode()).hexdigest()


@dataclass(frozen=True)
class Entry:
    seq: int
    txn: int
    at: str
    actor: str
    action: str
    problem: int | None
    changes: list[dict]
    prev_hash: str
    hash: str


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str

    @property
    def code(self) -> str:
        """A code a person can copy by hand: `1234-5NRHC-GNQ4T-R480B-2FJMZ`."""
        return head_code(self.seq, self.hash)


def head_code(seq: int, digest: str) -> str:
    return f"{seq}-{grouped(digest)}"


_STRONG_CODE = re.compile(r"(\d+)\s*-\s*((?:[0-9A-Za-z]{5}[\s-]*){3}[0-9A-Za-z]{5})(?![0-9A-Za-z])")
_WEAK_CODE = re.compile(r"(\d+)\s*-\s*([0-9A-Fa-f]{8})(?![0-9A-Za-z])")


@dataclass(frozen=True)
class HeadCode:
    """A head code read back from a report or typed by a person."""

    seq: int
    digits: str  # canonical: `5NRHC-GNQ4T-R480B-2FJMZ`, or 8 upper-case hex digits (weak)
    strong: bool

    @property
    def text(self) -> str:
        return f"{self.seq}-{self.digits}"

    def matches(self, digest: str) -> bool:
        """Does entry `seq` with this hash give this code?"""
        if self.strong:
            return grouped(digest) == self.digits
        return digest[:8].upper() == self.digits


def parse_head_code(text: str) -> HeadCode | None:
    """The first head code in `text` (a current one, or a weak one of the first versions)."""
    found = _STRONG_CODE.search(text)
    if found:
        digits = normalise(found.group(2))
        if digits:
            return HeadCode(int(found.group(1)), digits, True)
    found = _WEAK_CODE.search(text)
    if found:
        return HeadCode(int(found.group(1)), found.group(2).upper(), False)
    return None


def until_stamp(as_of: dt.date) -> str:
    """The last journal timestamp that still belongs to `as_of` (its end of day)."""
    return f"{as_of.isoformat()} 23:59:59"


def cut(db: Database, until: str) -> int | None:
    """The first entry written after `until`; history "as of" then is everything before it.

    Cutting the chain at one point (rather than picking entries by their time) keeps a past
    state consistent even if a PC's clock was wrong and timestamps are not in order.
    """
    # MIN(seq + 0), not MIN(seq): SQLite would otherwise walk the table in seq order until an
    # entry is late enough (the whole journal for a recent date) instead of reading the index on
    # `at`, which also holds seq.
    return Journal.select(fn.MIN(Journal.seq + 0)).where(Journal.at > until).bind(db).scalar()


def head(db: Database, *, until: str | None = None, upto: int | None = None) -> Head:
    """The last entry, or the last one before the cut at timestamp `until`, or entry `upto`."""
    query = Journal.select(Journal.seq, Journal.hash).order_by(Journal.seq.desc()).limit(1)
    if until is not None:
        first_after = cut(db, until)
        if first_after is not None:
            query = query.where(Journal.seq < first_after)
    if upto is not None:
        query = query.where(Journal.seq <= upto)
    row = query.bind(db).tuples().first()
    return Head(row[0], row[1]) if row else Head(0, GENESIS)


def append(
    db: Database, at: str, actor: str, groups: list[tuple[str, int | None, list[dict]]]
) -> Head:
    """Append one transaction's entries; the caller holds the write transaction."""
    last = head(db)
    rows = []
    seq, prev = last.seq, last.hash
    txn = last.seq + 1
    for action, problem, changes in groups:
        seq += 1
        text = dumps(changes)
        digest = entry_hash(seq, txn, at, actor, action, problem, text, prev)
        rows.append((seq, txn, at, actor, action, problem, text, prev, digest))
        prev = digest
    insert_rows(db, rows)
    return Head(seq, prev)


def chain(
    start: Head,
    events: Iterable[tuple[int | None, str, str, str, int | None, list[dict]]],
    size: int = BATCH,
) -> Iterator[list[tuple]]:
    """Hash a stream of prepared events (txn, at, actor, action, problem, changes) after `start`.

    Used by bulk writers (demo, import) that build many entries at once; yields lists of up to
    `size` insertable rows. A txn of None makes the event its own transaction.
    """
    seq, prev = start.seq, start.hash
    rows: list[tuple] = []
    for txn, at, actor, action, problem, changes in events:
        seq += 1
        if txn is None:
            txn = seq
        text = dumps(changes)
        digest = entry_hash(seq, txn, at, actor, action, problem, text, prev)
        rows.append((seq, txn, at, actor, action, problem, text, prev, digest))
        prev = digest
        if len(rows) >= size:
            yield rows
            rows = []
    if rows:
        yield rows


def insert_rows(db: Database, rows: Iterable[tuple]) -> None:
    """Insert prepared entries (in COLUMNS order) through executemany."""
    bulk_insert(db, Journal, [f.name for f in COLUMNS], list(rows), batch=BATCH)


def entries(
    db: Database,
    *,
    until: str | None = None,
    problem: int | None = None,
    since_seq: int = 0,
    txn: int | None = None,
) -> Iterator[Entry]:
    """Stream entries in order (never loads the whole journal at once)."""
    query = Journal.select(*COLUMNS).order_by(Journal.seq)
    if until is not None:
        first_after = cut(db, until)
        if first_after is not None:
            query = query.where(Journal.seq < first_after)
    if problem is not None:
        query = query.where(Journal.problem == problem)
    if since_seq:
        query = query.where(Journal.seq > since_seq)
    if txn is not None:
        query = query.where(Journal.txn == txn)
    for seq, txn, at, actor, action, prob, text, prev, digest in query.bind(db).tuples().iterator():
        yield Entry(seq, txn, at, actor, action, prob, json.loads(text), prev, digest)


def change_lists(
    db: Database, *, until: str | None = None, upto: int | None = None, since: int = 0
) -> Iterator[list[dict]]:
    """Only the changes of each entry, in order, up to the cut at `until` (or entry `upto`),
    after entry `since`: what a replay needs.

    Read as raw driver rows: rebuilding a past month replays the whole journal, and peewee's
    per-column conversion of the other eight columns cost more than parsing the changes.
    """
    query = Journal.select(Journal.changes).order_by(Journal.seq)
    if until is not None:
        first_after = cut(db, until)
        if first_after is not None:
            query = query.where(Journal.seq < first_after)
    if upto is not None:
        query = query.where(Journal.seq <= upto)
    if since:
        query = query.where(Journal.seq > since)
    loads = json.loads
    for (text,) in db.execute(query):
        yield loads(text)


def check_chain(
    db: Database, *, upto: int | None = None, limit: int = 20
) -> tuple[list[str], Head]:
    """Walk the chain (up to entry `upto`); return what is wrong with it and the head it reaches."""
    problems: list[str] = []
    expected_seq, prev = 1, GENESIS
    query = Journal.select(*COLUMNS).order_by(Journal.seq)
    if upto is not None:
        query = query.where(Journal.seq <= upto)
    last = Head(0, GENESIS)
    for seq, txn, at, actor, action, prob, text, prev_hash, digest in (
        query.bind(db).tuples().iterator()
    ):
        if seq != expected_seq:
            problems.append(
                f"历史记录缺失：第 {expected_seq} 条到第 {seq - 1} 条不见了（记录被删除）。"
            )
        if prev_hash != prev:
            problems.append(f"历史记录第 {seq} 条与前一条接不上（之前的记录被删除或改动）。")
        if entry_hash(seq, txn, at, actor, action, prob, text, prev_hash) != digest:
            problems.append(f"历史记录第 {seq} 条（{at}，{actor}）的内容被改动过，校验值不符。")
        prev, expected_seq = digest, seq + 1
        last = Head(seq, digest)
        if len(problems) > limit:
            problems.append("……问题过多，已停止检查历史记录。")
            break
    return problems, last


def count(db: Database) -> int:
    return Journal.select(fn.COUNT(Journal.seq)).bind(db).scalar() or 0
