"""The search index of a PostgreSQL ledger: the same documents as SQLite's, as character n-grams
in an array under a GIN index.

Each problem's document is the normalized body `search_index` builds (fields separated by SEP),
kept in `search_doc`. Its grams, in `search_gram`, are every run of 1 to 4 neighbouring characters
within a field, each packed exactly into one bigint (16 bits a character: `gram`), without
repeats. A term of up to 4 characters is then exactly `grams @> ARRAY[its gram]`: no
verification pass; a longer one needs all its 4-character runs, and the few rows that hold them
are confirmed with `strpos(body, term)` (which never crosses a field: SEP is never in a term). A
term with a character outside the Basic Multilingual Plane is left to the plain LIKE search. The
answers are those of the SQLite index (`tests/tracker/test_sharing_search.py` compares them).

Why this shape (measured at 100000 problems, 2 cores): the grams table is narrow on disk — its
arrays are stored out of line (`toast_tuple_target`), so the bitmap of a common term visits a few
hundred pages, not the 170 MB a table with the body inline needed (≈ 40 ms for a term in a
quarter of the problems, sorted, instead of 500 ms).

Kept in step like SQLite's: by the writers, in the writing transaction (`search_index` hands the
calls here); rows are only ever inserted or replaced, never deleted (members may not delete).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from peewee import SQL, Database

DOCS, GRAMS = "search_doc", "search_gram"
TABLES = (DOCS, GRAMS)
BATCH = 500
LONGEST = 4  # characters of the longest gram
WIDE = 1 << 16  # characters at or above it (outside the BMP) are not indexed
WRAP, HALF = 1 << 64, 1 << 63


def create(db: Database) -> None:
    db.execute_sql(
        f"CREATE TABLE IF NOT EXISTS {DOCS} (problem_id INTEGER PRIMARY KEY, body TEXT NOT NULL)"
    )
    db.execute_sql(
        f"CREATE TABLE IF NOT EXISTS {GRAMS} (problem_id INTEGER PRIMARY KEY, "
        "grams BIGINT[] NOT NULL) WITH (toast_tuple_target = 128)"
    )
    db.execute_sql(f"CREATE INDEX IF NOT EXISTS search_gram_grams ON {GRAMS} USING gin (grams)")
    db._zg_search = True


def available(db: Database) -> bool:
    known = getattr(db, "_zg_search", None)
    if known is None:
        known = db.execute_sql("SELECT to_regclass(%s) IS NOT NULL", (GRAMS,)).fetchone()[0]
        db._zg_search = known
    return known


def gram(codes) -> int:
    """1–4 code points (each below 2^16) as one bigint: lengths never collide (the first code
    point is never 0), and a 4-character gram above 2^63 wraps into the negative half."""
    value = 0
    for code in codes:
        value = (value << 16) | code
    return value - WRAP if value >= HALF else value


def grams(body: str) -> list[int]:
    from ..search_index import SEP

    found: set[int] = set()
    for field in body.split(SEP):
        codes = [ord(c) for c in field]
        runs = [[]]  # stretches of indexable characters
        for code in codes:
            if code < WIDE:
                runs[-1].append(code)
            elif runs[-1]:
                runs.append([])
        for run in runs:
            for size in range(1, LONGEST + 1):
                found.update(gram(run[i : i + size]) for i in range(len(run) - size + 1))
    return sorted(found)


def text_match(db: Database, term: str):
    """The ids of problems whose own text contains the normalized `term` (a subquery), or None
    when this index cannot answer it."""
    if not available(db) or any(ord(c) >= WIDE for c in term):
        return None
    codes = [ord(c) for c in term]
    if len(codes) <= LONGEST:
        return SQL(f"(SELECT problem_id FROM {GRAMS} WHERE grams @> %s::bigint[])", [[gram(codes)]])
    wanted = sorted({gram(codes[i : i + LONGEST]) for i in range(len(codes) - LONGEST + 1)})
    return SQL(
        f"(SELECT g.problem_id FROM {GRAMS} g JOIN {DOCS} d ON d.problem_id = g.problem_id "
        "WHERE g.grams @> %s::bigint[] AND strpos(d.body, %s) > 0)",
        [wanted, term],
    )


def _upsert(db: Database, docs: Iterable[tuple[int, str]]) -> None:
    from psycopg2.extras import execute_values

    cursor = db.cursor()
    batch: list[tuple[int, str]] = []
    for pid, text in docs:
        batch.append((pid, text))
        if len(batch) >= BATCH:
            _send(execute_values, cursor, batch)
            batch = []
    if batch:
        _send(execute_values, cursor, batch)


def _send(execute_values, cursor, batch: list[tuple[int, str]]) -> None:
    execute_values(
        cursor,
        f"INSERT INTO {DOCS} (problem_id, body) VALUES %s ON CONFLICT (problem_id) "
        "DO UPDATE SET body = EXCLUDED.body",
        batch,
        page_size=BATCH,
    )
    execute_values(
        cursor,
        f"INSERT INTO {GRAMS} (problem_id, grams) VALUES %s ON CONFLICT (problem_id) "
        "DO UPDATE SET grams = EXCLUDED.grams",
        [(pid, grams(text)) for pid, text in batch],
        template="(%s, %s::bigint[])",
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
            f"SELECT problem_id, body FROM {DOCS} WHERE problem_id = ANY(%s)", (wanted,)
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


def clear(db: Database) -> None:
    """Empty the index (the owner's restore, which replaces every problem)."""
    if available(db):
        for table in TABLES:
            db.execute_sql(f"DELETE FROM {table}")


def stale(db: Database) -> list[int]:
    """Problems whose document or grams differ from what their rows say (empty: in step)."""
    from ..search_index import bodies_from_db

    if not available(db):
        return []
    want = bodies_from_db(db)
    have = dict(db.execute_sql(f"SELECT problem_id, body FROM {DOCS}").fetchall())
    found = dict(db.execute_sql(f"SELECT problem_id, grams FROM {GRAMS}").fetchall())
    out = []
    for pid in want.keys() | have.keys() | found.keys():
        body = have.get(pid)
        if want.get(pid) != body or list(found.get(pid) or []) != grams(body or ""):
            out.append(pid)
    return sorted(out)
