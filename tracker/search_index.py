"""The search index: each problem's searchable text as character bigrams in SQLite FTS5.

Substring search over 100 000 problems must answer while the user types, 2-character Chinese terms
included (FTS5's trigram tokenizer cannot match those). So every problem has one document: its
code, description, cause, target and remarks, its measures' texts and its progress entries'
texts — exactly the text columns the plain LIKE search reads — normalized (NFKC, casefold) and
kept in `search_doc`. The FTS5 table holds that body as overlapping bigrams, each written as a
fixed-width hex token (the `ascii` tokenizer keeps it whole), with an end token after each field.
A term of 2+ characters is then the FTS5 phrase of its bigrams, which matches exactly where the
term is a substring of one field: no verification pass is needed. A 1-character term is a prefix
query (every occurrence of a character starts a bigram or an end token).

The index is derived data: it is not journaled, a past snapshot has none (searching falls back to
LIKE there). PostgreSQL keeps the same documents as arrays of character grams with a GIN index
(`sharing/search.py`): every function below hands a PostgreSQL database over to it. It is kept in step by the code that writes the rows
(`recorder.Unit`, `bulk.BulkWriter`) inside the same transaction; `rebuild` makes it from scratch
and `stale` says which documents differ from a fresh build. The FTS5 table is contentless, so
removing a document's tokens needs its old text: that is why `search_doc` keeps the body.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable, Mapping
from itertools import pairwise

from peewee import SQL, Database

from .db import is_sqlite

DOC_TABLE = "search_doc"
FTS_TABLE = "search_fts"
VOCAB_TABLE = "search_vocab"  # how many documents hold each token (similar problems: rarity)
SEP = "\x1f"  # between fields of a body; a term containing it is left to the LIKE search
END = "000000"  # the token after a field's last character: hex of a code point that never occurs
# Which columns a document is made of, per journaled table (what the LIKE search reads).
SEARCHED = {
    "problem": ("code", "description", "cause", "target", "remarks"),
    "measure": ("text", "problem"),
    "progress": ("text", "measure"),
}
CHUNK = 500  # ids per IN (...) list


class _Hex(dict):
    """Code point -> its 6-digit hex token part, filled in as characters are met."""

    def __missing__(self, code: int) -> str:
        value = self[code] = f"{code:06x}"
        return value


class _Pair(dict):
    """Code point c -> 'hex(c) hex(c)': translating a field's tail with this writes the bigram
    tokens, because each character ends one bigram and starts the next."""

    def __missing__(self, code: int) -> str:
        value = self[code] = f"{code:06x} {code:06x}"
        return value


_HEX, _PAIR = _Hex(), _Pair()


def normalize(text: str) -> str:
    """The form both documents and terms are compared in: NFKC (full-width → half-width) and
    casefolded (so 'ABC' finds 'abc', as LIKE does for ASCII)."""
    if text.isascii():
        return text.lower()
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.casefold()


# Field texts repeat (measure wording, progress notes, a campaign's causes and targets): each
# distinct one is normalized and tokenized once. Bounded, so unique texts only pass through.
_normalized = functools.lru_cache(maxsize=8192)(normalize)


def body(fields: Iterable[str | None]) -> str:
    """One problem's document: its searchable fields, normalized, separated by SEP.

    Normalizing field by field gives the text normalizing the joined fields would: SEP is a
    control character, which NFKC neither composes with nor reorders across, and casefolding
    maps each character on its own.
    """
    return SEP.join([_normalized(f or "") for f in fields])


@functools.lru_cache(maxsize=8192)
def _field_tokens(field: str) -> str:
    return _HEX[ord(field[0])] + field[1:].translate(_PAIR) + END if field else ""


def tokens(body_text: str) -> str:
    """The FTS5 text of a body: per field its bigrams then an end token, fields run together
    (the end token keeps a phrase from crossing into the next field)."""
    return " ".join([t for t in map(_field_tokens, body_text.split(SEP)) if t])


def match_query(term: str) -> str | None:
    """The FTS5 query for a normalized term, or None if the index cannot answer it."""
    if not term or SEP in term:
        return None
    if len(term) == 1:
        return _HEX[ord(term)] + "*"
    return '"' + " ".join(_HEX[ord(a)] + _HEX[ord(b)] for a, b in pairwise(term)) + '"'


# -- schema ---------------------------------------------------------------------------------------
def _postgres():
    from .sharing import search

    return search


def create(db: Database) -> None:
    """Create the (empty) index tables."""
    if not is_sqlite(db):
        _postgres().create(db)
        return
    db.execute_sql(
        f"CREATE TABLE IF NOT EXISTS {DOC_TABLE} (problem_id INTEGER PRIMARY KEY, body TEXT NOT NULL)"
    )
    db.execute_sql(
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
        "grams, content='', columnsize=0, tokenize='ascii')"
    )
    create_vocabulary(db)


def create_vocabulary(db: Database) -> None:
    """The index's vocabulary as a table (FTS5's own `fts5vocab`: nothing stored, read from the
    index); version 12 adds it to older ledgers."""
    if is_sqlite(db):
        db.execute_sql(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {VOCAB_TABLE} USING fts5vocab({FTS_TABLE}, row)"
        )


def drop(db: Database) -> None:
    if is_sqlite(db):
        db.execute_sql(f"DROP TABLE IF EXISTS {VOCAB_TABLE}")
        db.execute_sql(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        db.execute_sql(f"DROP TABLE IF EXISTS {DOC_TABLE}")


def available(db: Database) -> bool:
    """Whether this database has the index (a ledger, not a past snapshot)."""
    if not is_sqlite(db):
        return _postgres().available(db)
    row = db.execute_sql(
        "SELECT COUNT(*) FROM sqlite_master WHERE name IN (?, ?)", (DOC_TABLE, FTS_TABLE)
    ).fetchone()
    return row[0] == 2


# -- reading the documents' text ------------------------------------------------------------------
def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _fields_from_db(db: Database, ids: list[int] | None) -> dict[int, list[str]]:
    """Problem id -> its searchable fields, for `ids` (None: every problem)."""
    parts: list[tuple[str, tuple]] = []
    if ids is None:
        parts.append(("", ()))
    else:
        parts.extend((f" IN ({', '.join([db.param] * len(c))})", tuple(c)) for c in _chunks(ids))
    fields: dict[int, list[str]] = {}
    for where, params in parts:
        cond = f"WHERE id{where}" if where else ""
        for pid, *texts in db.execute_sql(
            f"SELECT id, code, description, cause, target, remarks FROM problem {cond}", params
        ):
            fields[pid] = texts
    for where, params in parts:
        cond = f"WHERE problem_id{where}" if where else ""
        for pid, text in db.execute_sql(
            f"SELECT problem_id, text FROM measure {cond} ORDER BY id", params
        ):
            fields[pid].append(text)
    for where, params in parts:
        cond = f"WHERE m.problem_id{where}" if where else ""
        for pid, text in db.execute_sql(
            "SELECT m.problem_id, p.text FROM progress p JOIN measure m ON m.id = p.measure_id "
            f"{cond} ORDER BY p.id",
            params,
        ):
            fields[pid].append(text)
    return fields


def bodies_from_db(db: Database, ids: Iterable[int] | None = None) -> dict[int, str]:
    """The documents as the rows say now, for `ids` (None: every problem)."""
    wanted = None if ids is None else sorted(set(ids))
    return {pid: body(f) for pid, f in _fields_from_db(db, wanted).items()}


def bodies_from_rows(
    problems: Mapping[int, dict], measures: Mapping[int, dict], progress: Mapping[int, dict]
) -> dict[int, str]:
    """The documents of new problems from rows held in memory (journal form), in the same field
    order as `bodies_from_db`. Measures and progress of other problems are left out: those
    problems are refreshed from the database."""
    fields = {
        pid: [r["code"], r["description"], r["cause"], r["target"], r["remarks"]]
        for pid, r in problems.items()
    }
    owner = {}
    for mid in sorted(measures):
        row = measures[mid]
        owner[mid] = row["problem"]
        if row["problem"] in fields:
            fields[row["problem"]].append(row["text"])
    for key in sorted(progress):
        row = progress[key]
        pid = owner.get(row["measure"])
        if pid in fields:
            fields[pid].append(row["text"])
    return {pid: body(f) for pid, f in fields.items()}


# -- writing --------------------------------------------------------------------------------------
def add(db: Database, docs: Mapping[int, str]) -> None:
    """Index documents of problems that have none yet (bulk: the demo, an import)."""
    if not is_sqlite(db):
        _postgres().add(db, docs)
        return
    if not docs or not available(db):
        return
    cursor = db.cursor()
    cursor.executemany(f"INSERT INTO {DOC_TABLE} (problem_id, body) VALUES (?, ?)", docs.items())
    cursor.executemany(
        f"INSERT INTO {FTS_TABLE} (rowid, grams) VALUES (?, ?)",
        ((pid, tokens(text)) for pid, text in docs.items()),
    )


def refresh(db: Database, ids: Iterable[int]) -> int:
    """Bring the documents of these problems in step with their rows; returns how many changed.

    Called inside the transaction that changed the rows, so the index never lags behind them.
    """
    if not is_sqlite(db):
        return _postgres().refresh(db, ids)
    wanted = sorted(set(ids))
    if not wanted or not available(db):
        return 0
    new = bodies_from_db(db, wanted)
    old: dict[int, str] = {}
    for chunk in _chunks(wanted):
        marks = ", ".join("?" * len(chunk))
        old.update(
            db.execute_sql(
                f"SELECT problem_id, body FROM {DOC_TABLE} WHERE problem_id IN ({marks})", chunk
            ).fetchall()
        )
    changed = 0
    for pid in wanted:
        before, after = old.get(pid), new.get(pid)
        if before == after:
            continue
        changed += 1
        if before is not None:
            db.execute_sql(
                f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, grams) VALUES ('delete', ?, ?)",
                (pid, tokens(before)),
            )
        if after is None:
            db.execute_sql(f"DELETE FROM {DOC_TABLE} WHERE problem_id = ?", (pid,))
            continue
        db.execute_sql(
            f"INSERT OR REPLACE INTO {DOC_TABLE} (problem_id, body) VALUES (?, ?)", (pid, after)
        )
        db.execute_sql(
            f"INSERT INTO {FTS_TABLE} (rowid, grams) VALUES (?, ?)", (pid, tokens(after))
        )
    return changed


def rebuild(db: Database) -> int:
    """Make the index from scratch from the rows (a migration, a repair); returns documents."""
    if not is_sqlite(db):
        return _postgres().rebuild(db)
    drop(db)
    create(db)
    docs = bodies_from_db(db)
    add(db, docs)
    return len(docs)


def stale(db: Database) -> list[int]:
    """Problems whose stored document differs from what their rows say (empty: in step)."""
    if not is_sqlite(db):
        return _postgres().stale(db)
    if not available(db):
        return []
    want = bodies_from_db(db)
    have = dict(db.execute_sql(f"SELECT problem_id, body FROM {DOC_TABLE}").fetchall())
    return sorted(pid for pid in want.keys() | have.keys() if want.get(pid) != have.get(pid))


# -- reading --------------------------------------------------------------------------------------
def text_match(db: Database, term: str):
    """A subquery of the ids of problems whose own text (problem, measures, progress) contains the
    normalized `term`, or None when the index cannot answer (no index, or an unusual term)."""
    if not is_sqlite(db):
        return _postgres().text_match(db, term) if term and SEP not in term else None
    query = match_query(term)
    if query is None or not available(db):
        return None
    return SQL(f"(SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)", [query])
