"""The plain way of doing each job, measured beside the program in the same run.

A baseline does the same work with the bare tool and nothing of ours: a hand-written SQL query
for the same first page, plain openpyxl for the same cells, `executemany` for the same rows. The
ratio to it says what our layers cost, whatever the machine's speed that day.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from excel_baseline import plain_values, write_plain
from import_baseline import plain_openpyxl
from ledgers import ROOT

from tracker import workflow
from tracker.overdue import OPEN_PROBLEM

BARE_WINDOW = Path(__file__).with_name("bare_window.py")
SKELETON_WINDOW = Path(__file__).with_name("skeleton_window.py")
CHILD = Path(__file__).with_name("child.py")
MAIN = ROOT / "main.py"

__all__ = ["plain_openpyxl", "plain_values", "write_plain"]  # re-exported for figures_excel

# -- figure 3: one page of the ledger table, by hand ---------------------------------------------
# The columns `tracker.queries.problem_rows` gives the ledger table, with the nearest open deadline
# and the measure counts. The page is cut with LIMIT before names are joined, as anyone writing it
# by hand would; the program instead lists every id in order and then fetches rows for one page.
PAGE_COLUMNS = """
SELECT p.id, p.code, b.name, c.name, s.name, p.description, d.name, l.name, p.status,
       p.found_on, p.closed_on, p.version, agg.due, agg.total, agg.done
FROM page JOIN problem p ON p.id = page.id
LEFT JOIN (
    SELECT problem_id AS pid, MIN(CASE WHEN status = ? THEN deadline_date END) AS due,
           SUM(status != ?) AS total, SUM(status = ?) AS done
    FROM measure WHERE problem_id IN (SELECT id FROM page) GROUP BY problem_id
) agg ON agg.pid = p.id
LEFT JOIN batch b ON b.id = p.batch_id
LEFT JOIN category c ON c.id = p.category_id
LEFT JOIN source s ON s.id = p.source_id
LEFT JOIN department d ON d.id = p.department_id
LEFT JOIN person l ON l.id = p.leader_id
ORDER BY page.n
"""
COLUMN_PARAMS = (workflow.M_OPEN, workflow.M_VOID, workflow.M_DONE)
OPEN_MARKS = ", ".join("?" * len(OPEN_PROBLEM))

# Overdue = open with an open measure past its deadline, so the nearest open deadline (the sort
# key) is the one a grouped scan of open measures finds: no separate "nearest" pass is needed.
OVERDUE_BY_DEADLINE = f"""
WITH page AS (
    SELECT m.problem_id AS id,
           ROW_NUMBER() OVER (ORDER BY MIN(m.deadline_date), m.problem_id) AS n
    FROM measure m JOIN problem q ON q.id = m.problem_id
    WHERE m.status = ? AND q.status IN ({OPEN_MARKS})
    GROUP BY m.problem_id HAVING MIN(m.deadline_date) < ?
    ORDER BY MIN(m.deadline_date), m.problem_id LIMIT ?)
{PAGE_COLUMNS}"""

CATEGORY_BY_CODE = f"""
WITH page AS (
    SELECT id, ROW_NUMBER() OVER (ORDER BY substr(code, 1, 4), length(code), code, id) AS n
    FROM problem WHERE status != ? AND category_id = ?
    ORDER BY substr(code, 1, 4), length(code), code, id LIMIT ?)
{PAGE_COLUMNS}"""


def open_raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True)


def overdue_page(conn: sqlite3.Connection, today: str, page: int) -> list[tuple]:
    params = (workflow.M_OPEN, *OPEN_PROBLEM, today, page, *COLUMN_PARAMS)
    return conn.execute(OVERDUE_BY_DEADLINE, params).fetchall()


def category_page(conn: sqlite3.Connection, category: int, page: int) -> list[tuple]:
    params = (workflow.VOID, category, page, *COLUMN_PARAMS)
    return conn.execute(CATEGORY_BY_CODE, params).fetchall()


# -- figure 9: the demo ledger's rows, inserted raw ----------------------------------------------
Table = tuple[str, list[str], list[tuple], str]  # name, CREATE statements, rows, column list


def ledger_tables(path: Path) -> list[Table]:
    """(table, CREATE statements of the table and its indexes, rows, columns) for every table of
    tracker.models and for the search index, read untimed. The index is part of the ledger, so the
    baseline inserts the same rows into it: `search_doc` as stored, and the FTS table's text
    (its bigram tokens, which a contentless table cannot give back) computed here, untimed, with
    the program's own `search_index.tokens`: what is timed is SQLite storing and indexing them."""
    from tracker import search_index
    from tracker.models import ALL_MODELS

    conn = open_raw(path)
    out = []
    for name in [m._meta.table_name for m in ALL_MODELS] + [search_index.DOC_TABLE]:
        ddl = [
            sql
            for (sql,) in conn.execute(
                "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('table', 'index') "
                "AND sql IS NOT NULL ORDER BY type = 'index'",
                (name,),
            )
        ]
        rows = conn.execute(f'SELECT * FROM "{name}"').fetchall()
        out.append((name, ddl, rows, ""))
    fts = search_index.FTS_TABLE
    (ddl,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (fts,)).fetchone()
    docs = conn.execute(f"SELECT problem_id, body FROM {search_index.DOC_TABLE}").fetchall()
    rows = [(pid, search_index.tokens(body)) for pid, body in docs]
    out.append((fts, [ddl], rows, "(rowid, grams)"))
    conn.close()
    return out


def raw_insert(tables: list[Table], path: Path) -> int:
    """Create the tables in a new file and insert every row with executemany, in one transaction."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")  # as tracker/db.py opens a ledger
    count = 0
    conn.execute("BEGIN")
    for name, ddl, rows, columns in tables:
        for sql in ddl:
            conn.execute(sql)
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            conn.executemany(f'INSERT INTO "{name}" {columns} VALUES ({marks})', rows)
            count += len(rows)
    conn.execute("COMMIT")
    conn.close()
    return count


# -- figure 1: the command lines of the two processes --------------------------------------------
def app_command(peak_file: Path, ledger: Path, png: Path) -> list[str]:
    return [sys.executable, str(CHILD), str(peak_file), str(MAIN), "--db", str(ledger)] + [
        "--screenshot",
        str(png),
    ]


def bare_command(peak_file: Path, png: Path) -> list[str]:
    return [sys.executable, str(CHILD), str(peak_file), str(BARE_WINDOW), str(png)]


def skeleton_command(peak_file: Path, png: Path) -> list[str]:
    return [sys.executable, str(CHILD), str(peak_file), str(SKELETON_WINDOW), str(png)]
