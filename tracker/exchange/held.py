"""The committee's copy of each branch's journal, kept entry by entry as its reports carried it.

It is what lets a committee see history rewritten between two reports (`chain.check` compares
a report's entries with these), and rebuild any report a branch sent from its history alone
(`journal_ledger`). Not journaled itself: `verify` checks that each branch's entries still form
an unbroken chain reaching every report received from it (`problems`).
"""

from __future__ import annotations

from peewee import SchemaManager, SqliteDatabase

from .. import journal
from ..db import bulk_insert
from ..errors import LedgerError
from ..ledger import Ledger
from ..models import BranchEntry, Journal, ReceivedReport
from . import chain

_ENTRY_FIELDS = [getattr(BranchEntry, f.name) for f in journal.COLUMNS]
_NAMES = [f.name for f in journal.COLUMNS]


def head(ledger: Ledger, branch_id: int | None) -> chain.Held:
    """The last entry held for a branch (seq 0 when nothing is held yet)."""
    if branch_id is None:
        return chain.Held(0, journal.GENESIS)
    row = (
        ledger.select(BranchEntry, BranchEntry.seq, BranchEntry.hash)
        .where(BranchEntry.branch == branch_id)
        .order_by(BranchEntry.seq.desc())
        .limit(1)
        .tuples()
        .first()
    )
    return chain.Held(*row) if row else chain.Held(0, journal.GENESIS)


def hashes(ledger: Ledger, branch_id: int | None, first: int) -> dict[int, str]:
    """seq -> hash of the entries held for a branch from `first` on."""
    if branch_id is None:
        return {}
    query = ledger.select(BranchEntry, BranchEntry.seq, BranchEntry.hash).where(
        (BranchEntry.branch == branch_id) & (BranchEntry.seq >= first)
    )
    return dict(query.tuples())


def continuation_problems(
    ledger: Ledger, branch_id: int | None, carried: dict, report_head: journal.Head
) -> list[str]:
    """Why `carried` does not continue what is held for the branch (empty: it does)."""
    start = int(carried.get("from", 1)) if isinstance(carried, dict) else 1
    known = hashes(ledger, branch_id, max(start - 1, 1))
    return chain.check(carried, report_head, head(ledger, branch_id), known.get)


def store(
    ledger: Ledger,
    branch_id: int,
    carried: dict,
    report_head: journal.Head,
    checked: chain.Held | None = None,
) -> None:
    """Append the carried entries the committee does not hold yet (inside the caller's write).

    `checked` is the held head the entries were checked against before the write lock was
    taken; if another receiver has moved it since, they are checked again.
    """
    held = head(ledger, branch_id)
    if held != checked:
        found = continuation_problems(ledger, branch_id, carried, report_head)
        if found:  # another receiver got in first with a different chain
            raise LedgerError("；".join(found))
    new = [(branch_id, *e) for e in carried["entries"] if e[0] > held.seq]
    bulk_insert(ledger.db, BranchEntry, ["branch", *_NAMES], new)


def journal_ledger(ledger: Ledger, branch_id: int | None, carried: dict, upto: int) -> Ledger:
    """A read-only, in-memory ledger holding only a branch's journal up to entry `upto`: the
    chain held for it before the carried part, then the carried entries."""
    db = SqliteDatabase(":memory:", pragmas={"foreign_keys": 0})
    SchemaManager(Journal, db).create_all()  # a replay reads nothing else
    start = int(carried["from"])
    with db.atomic():
        if branch_id is not None and start > 1:
            rows = (
                ledger.select(BranchEntry, *_ENTRY_FIELDS)
                .where((BranchEntry.branch == branch_id) & (BranchEntry.seq < start))
                .order_by(BranchEntry.seq)
                .tuples()
            )
            bulk_insert(db, Journal, _NAMES, list(rows))
        bulk_insert(db, Journal, _NAMES, [tuple(e) for e in carried["entries"] if e[0] <= upto])
    return Ledger(db, "（支部历史记录）", actor=ledger.actor, read_only=True, clock=ledger.clock)


def problems(ledger: Ledger, limit: int = 10) -> list[str]:
    """What `verify` says about the held chains: broken, or missing an entry a report names."""
    from .branches import branches

    out: list[str] = []
    for b in branches(ledger, include_retired=True):
        prev, expected = journal.GENESIS, 1
        by_seq: dict[int, str] = {}
        query = (
            ledger.select(BranchEntry, *_ENTRY_FIELDS)
            .where(BranchEntry.branch == b.id)
            .order_by(BranchEntry.seq)
            .tuples()
        )
        for seq, txn, at, actor, action, problem, changes, prev_hash, digest in query.iterator():
            if (
                seq != expected
                or prev_hash != prev
                or journal.entry_hash(seq, txn, at, actor, action, problem, changes, prev_hash)
                != digest
            ):
                out.append(
                    f"为“{b.name}”保存的第 {seq} 条历史记录被删除、改动或接不上"
                    "（上级保存的支部历史记录只能由收取月报写入）。"
                )
                break
            by_seq[seq] = digest
            prev, expected = digest, seq + 1
        reports = ledger.select(
            ReceivedReport, ReceivedReport.chain_seq, ReceivedReport.chain_hash
        ).where((ReceivedReport.branch == b.id) & (ReceivedReport.verified == True))  # noqa: E712
        for seq, digest in reports.tuples():
            if by_seq.get(seq) != digest:
                out.append(
                    f"“{b.name}”报送的月报依据第 {seq} 条历史记录，但上级保存的该支部历史记录中"
                    "这一条不见了或不一致。"
                )
        if len(out) >= limit:
            break
    return out + _file_problems(ledger)


def _file_problems(ledger: Ledger) -> list[str]:
    """Every received report's file is kept, unchanged (it is what a drill-down shows)."""
    import hashlib

    from ..services.evidence import evidence_file

    out = []
    rows = ledger.select(
        ReceivedReport, ReceivedReport.sha256, ReceivedReport.file_name, ReceivedReport.size
    )
    for sha, name, size in rows.tuples():
        path = evidence_file(ledger, sha, name)
        try:
            data = path.read_bytes()
        except OSError:
            out.append(f"收到的报表“{name}”的文件不见了：{path}")
            continue
        if len(data) != size or hashlib.sha256(data).hexdigest() != sha:
            out.append(f"收到的报表“{name}”的文件被改动或替换：{path}")
    return out
