"""The search index of a PostgreSQL ledger: the same documents as SQLite's, as character grams
in an array with a GIN index.

Each problem's document is the same normalized body `search_index` builds (fields separated by
SEP). Its grams are every character (a code point) and every pair of neighbouring characters
within a field (`first << 21 | second`), without repeats. A term of one or two characters is then
exactly `grams @> its grams`; a longer term also needs its pairs in that order, so the few rows
holding all of them are confirmed with `strpos(body, term)` — which never crosses a field, as
SEP is never in a term. The answers are those of the SQLite index (a test compares them).

Kept in step like SQLite's: by the writers, in the writing transaction (`search_index` hands the
calls here); rows are only ever inserted or replaced, never deleted (members may not delete).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import pairwise

from peewee import SQL, Database

TABLE = "search_doc"
BATCH = 500


def create(db: Database) -> None:
    db.execute_sql(
        f"CREATE TABLE IF NOT EXISTS {TABLE} (problem_id INTEGER PRIMARY KEY, "
        "body TEXT NOT NULL, grams BIGINT[] NOT NULL)"
    )
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS search_doc_grams ON {TABLE} USING gin (grams)")
    # The planner reads a common pair's rows one by one (detoasting every array) rather than
    # through the index, judging the containment test cheap: about 8× slower. Asking through a
    # function that may not scan keeps it on the index.
    for args, extra in (
        ("wanted bigint[]", ""),
        ("wanted bigint[], term text", " AND strpos(body, term) > 0"),
    ):
        db.cursor().execute(
            f"CREATE OR REPLACE FUNCTION zg_search_ids({args}) RETURNS SETOF integer "
            "LANGUAGE sql STABLE SET enable_seqscan = off AS "
            f"$$ SELECT problem_id FROM {TABLE} WHERE grams @> wanted{extra} $$"
        )
    db._zg_search = True


def available(db: Database) -> bool:
    known = getattr(db, "_zg_search", None)
    if known is None:
        known = db.execute_sql("SELECT to_regclass(%s) IS NOT NULL", (TABLE,)).fetchone()[0]
        db._zg_search = known
    return known


def grams(body: str) -> list[int]:
    from ..search_index import SEP

    found: set[int] = set()
    for field in body.split(SEP):
        codes = [ord(c) for c in field]
        found.update(codes)
        found.update((a << 21) | b for a, b in pairwise(codes))
    return sorted(found)


def term_grams(term: str) -> list[int]:
    codes = [ord(c) for c in term]
    if len(codes) == 1:
        return codes
    return sorted({(a << 21) | b for a, b in pairwise(codes)})


def text_match(db: Database, term: str):
    """The ids of problems whose own text contains the normalized `term` (a subquery)."""
    if not available(db):
        return None
    wanted = term_grams(term)
    if len(term) <= 2:
        return SQL("(SELECT zg_search_ids(%s::bigint[]))", [wanted])
    return SQL("(SELECT zg_search_ids(%s::bigint[], %s))", [wanted, term])


def _upsert(db: Database, docs: Iterable[tuple[int, str]]) -> None:
    from psycopg2.extras import execute_values

    cursor = db.cursor()
    batch: list[tuple] = []
    for pid, text in docs:
        batch.append((pid, text, grams(text)))
        if len(batch) >= BATCH:
            _send(execute_values, cursor, batch)
            batch = []
    if batch:
        _send(execute_values, cursor, batch)


def _send(execute_values, cursor, batch: list[tuple]) -> None:
    execute_values(
        cursor,
        f"INSERT INTO {TABLE} (problem_id, body, grams) VALUES %s ON CONFLICT (problem_id) "
        "DO UPDATE SET body = EXCLUDED.body, grams = EXCLUDED.grams",
        batch,
        template="(%s, %s, %s::bigint[])",
        page_size=BATCH,
    )


def add(db: Database, docs: Mapping[int, str]) -> None:
    if docs and available(db):
        _upsert(db, docs.items())


def refresh(db: Database, ids: Iterable[int]) -> int:
    from ..search_index import bodies_from_db

    wanted = sorted(set(ids))
    if not wanted or not available(db):
        return 0
    new = bodies_from_db(db, wanted)
    old = dict(
        db.execute_sql(
            f"SELECT problem_id, body FROM {TABLE} WHERE problem_id = ANY(%s)", (wanted,)
        ).fetchall()
    )
    changed = [(pid, text) for pid, text in new.items() if old.get(pid) != text]
    _upsert(db, changed)
    return len(changed)


def rebuild(db: Database) -> int:
    from ..search_index import bodies_from_db

    create(db)
    docs = bodies_from_db(db)
    _upsert(db, docs.items())
    return len(docs)


def stale(db: Database) -> list[int]:
    from ..search_index import bodies_from_db

    if not available(db):
        return []
    want = bodies_from_db(db)
    have = {
        pid: (body, list(found))
        for pid, body, found in db.execute_sql(f"SELECT problem_id, body, grams FROM {TABLE}")
    }
    out = []
    for pid in want.keys() | have.keys():
        body, found = have.get(pid, (None, None))
        if want.get(pid) != body or (body is not None and found != grams(body)):
            out.append(pid)
    return sorted(out)
