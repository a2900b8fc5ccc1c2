"""Numbered schema versions: a new ledger gets the latest schema, an older one is upgraded step by step.

An upgrade runs in one transaction, after a file backup of the ledger as it was.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from peewee import Database, SchemaManager, SqliteDatabase

from . import nearest_due, search_index
from .db import APPLICATION_ID, is_sqlite, sqlite_path, write_transaction
from .models import (
    ALL_MODELS,
    Branch,
    BranchEntry,
    Chase,
    ChaseMeasure,
    ExtensionRequest,
    ImportSource,
    Journal,
    Lookback,
    Measure,
    Member,
    Meta,
    Problem,
    Progress,
    ReceivedReport,
    SampleDraw,
    SampleItem,
)

SCHEMA_KEY = "schema_version"
APP_KEY = "application"
APP_NAME = "zhenggai-ledger"


def _indexes(db: Database) -> None:
    """Version 2: indexes the ledger table and the overdue lists are queried by.

    An index on a column a later step adds is left to that step (an old ledger upgraded step by
    step meets the index list before the column exists)."""
    for model, columns, name in INDEXES:
        table = {c.name for c in db.get_columns(model._meta.table_name)}
        if any(c.strip('"') not in table for c in columns if c.strip('"').isidentifier()):
            continue
        cols = ", ".join(columns)
        partial = f" WHERE {PARTIAL[name]}" if name in PARTIAL else ""
        db.execute_sql(
            f"CREATE INDEX IF NOT EXISTS {name} ON {model._meta.table_name} ({cols}){partial}"
        )


INDEXES = [
    (Measure, ["status", "deadline_date"], "measure_status_deadline"),
    (Problem, ["batch_id", "status"], "problem_batch_status"),
    (Problem, ["department_id", "status"], "problem_department_status"),
    (Progress, ['"on"'], "progress_on"),
    # version 4: a user's last action (undo); counting measures by status without reading their text
    (Journal, ["actor", "seq"], "journal_actor_seq"),
    (Measure, ["status", "problem_id"], "measure_status_problem"),
    # version 6: overdue problems (problem.nearest_due); partial, so that a plain status filter
    # keeps the status index (rows in id order) instead of this one (rows in deadline order)
    (Problem, ["status", "nearest_due"], "problem_status_due"),
    # each problem's open deadlines: keeping nearest_due in step, the page's measures
    (Measure, ["problem_id", "status", "deadline_date"], "measure_problem_status_due"),
    # the dashboard: problems per category, closures per month (partial for the reason above)
    (Problem, ["category_id", "status"], "problem_category_status"),
    (Problem, ["status", "closed_on"], "problem_status_closed"),
    # the department and person filters also match a problem through its measures
    (Measure, ["department_id", "problem_id"], "measure_department_problem"),
    (Measure, ["owner_id", "problem_id"], "measure_owner_problem"),
    # version 7: the default order (queries.code_order, same expressions) walked in an index, so
    # the table's first page needs no sort of every problem; status makes it cover the 全部 view
    (Problem, ["substr(code, 1, 4)", "length(code)", "code", "id", "status"], "problem_code_order"),
    # version 11: a branch's problems (a member's own branch, the filter by branch)
    (Problem, ["branch_id", "status"], "problem_branch_status"),
    # version 12: look-backs falling due, pending extension requests, repeats (tracker/followup)
    (Lookback, ["status", "due_on"], "lookback_status_due"),
    (ExtensionRequest, ["status", "measure_id"], "extension_request_status"),
    (Problem, ["recurrence_of_id"], "problem_recurrence"),
    # the problems closed on import (import_closure: 已销号 with no reviewer), counted by stats
    # and the report from the index alone instead of reading every closed problem
    (Problem, ["status", "reviewer"], "problem_status_reviewer"),
]
# Partial indexes: name -> the rows they hold.
PARTIAL = {
    "problem_status_due": "nearest_due IS NOT NULL",
    "problem_status_closed": "closed_on IS NOT NULL",
    "problem_recurrence": "recurrence_of_id IS NOT NULL",
}


def _import_source(db: Database) -> None:
    """Version 3: the table recording which workbook, sheet and row a problem was imported from."""
    SchemaManager(ImportSource, db).create_all(safe=True)


def _search_index(db: Database) -> None:
    """Version 5: the search index (bigrams of each problem's text in FTS5), built from the rows."""
    search_index.rebuild(db)


def _nearest_due(db: Database) -> None:
    """Version 6: each problem's nearest open deadline, stored for sorting and the overdue view."""
    if "nearest_due" not in {c.name for c in db.get_columns(Problem._meta.table_name)}:
        db.execute_sql(f"ALTER TABLE {Problem._meta.table_name} ADD COLUMN nearest_due DATE")
    _indexes(db)  # first: the rebuild looks up each problem's open measures by index
    nearest_due.rebuild(db)


def _identity(db: Database) -> None:
    """Version 8: the ledger's stable id and the key it signs its monthly reports with."""
    from .exchange import identity  # nacl (signatures): loaded only when a ledger needs it

    identity.ensure(db)


def _committee(db: Database) -> None:
    """Version 9: a committee's branches, the reports received from them, and its copy of each
    branch's journal."""
    for model in (Branch, ReceivedReport, BranchEntry):
        SchemaManager(model, db).create_all(safe=True)


def _tags_and_origin(db: Database) -> None:
    """Version 10: a measure's tags (措施类型) and recovered amount; where a progress entry came
    from. Journaled columns: entries written before them replay with the columns' defaults
    (`replay.replay`), which is what this step stores in the existing rows."""
    for model, column, ddl in (
        (Measure, "tags", "VARCHAR(255) NOT NULL DEFAULT ''"),
        (Measure, "amount_cents", "INTEGER"),
        (Progress, "origin", "VARCHAR(255) NOT NULL DEFAULT ''"),
    ):
        table = model._meta.table_name
        if column not in {c.name for c in db.get_columns(table)}:
            db.execute_sql(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}")


def _sharing(db: Database) -> None:
    """Version 11: the branch a problem belongs to and the members of a shared ledger (journaled:
    entries written before them replay with the defaults, no branch and no members); on
    PostgreSQL the evidence files in the database and the search index (`sharing/`)."""
    table = Problem._meta.table_name
    if "branch_id" not in {c.name for c in db.get_columns(table)}:
        db.execute_sql(f"ALTER TABLE {table} ADD COLUMN branch_id INTEGER REFERENCES branch (id)")
    SchemaManager(Member, db).create_all(safe=True)
    _indexes(db)
    if not is_sqlite(db):
        from .sharing import blobs

        blobs.create(db)
        search_index.rebuild(db)


def _followup(db: Database) -> None:
    """Version 12: following the work through — 催办, 延期申请, 回头看, 抽查 (tracker/followup)."""
    for model in (Chase, ChaseMeasure, ExtensionRequest, Lookback, SampleDraw, SampleItem):
        SchemaManager(model, db).create_all(safe=True)
    _indexes(db)
    if search_index.available(db):
        search_index.create_vocabulary(db)


# Steps that bring a ledger of version N-1 to version N. Version 1 is the original table set.
# Index steps re-run `_indexes`, which only creates what is missing.
STEPS: dict[int, Callable[[Database], None]] = {
    2: _indexes,
    3: _import_source,
    4: _indexes,
    5: _search_index,
    6: _nearest_due,
    7: _indexes,
    8: _identity,
    9: _committee,
    10: _tags_and_origin,
    11: _sharing,
    12: _followup,
}
LATEST = max([1, *STEPS])


def schema_version(db: Database) -> int:
    if "meta" not in db.get_tables():
        return 0
    row = Meta.select(Meta.value).where(Meta.key == SCHEMA_KEY).bind(db).tuples().first()
    return int(row[0]) if row else 0


def create_schema(db: Database, *, derived: bool = True, own: bool = True) -> None:
    """Create the latest schema in an empty database, in one transaction.

    `derived=False` leaves out the search index (a past snapshot rebuilt from the journal is
    searched with LIKE instead of paying for an index it would use once). `own=False` leaves out
    the ledger's identity (a snapshot is not a ledger of its own and signs nothing).
    """
    with db.atomic():
        if is_sqlite(db) and not derived:
            for sql in _plain_sqlite_ddl():  # snapshots: many per report check, DDL made once
                db.execute_sql(sql)
        else:
            _tables_and_indexes(db)
        if derived:
            search_index.create(db)
        if not is_sqlite(db):
            from .sharing import blobs

            blobs.create(db)
        rows = [(SCHEMA_KEY, str(LATEST)), (APP_KEY, APP_NAME)]
        if own:
            from .exchange import identity

            rows += identity.new_meta_rows()
        Meta.insert_many(rows, fields=[Meta.key, Meta.value]).execute(db)
    if is_sqlite(db):
        db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")


def _tables_and_indexes(db: Database) -> None:
    for model in ALL_MODELS:
        SchemaManager(model, db).create_all(safe=True)
    _indexes(db)


@functools.cache
def _plain_sqlite_ddl() -> tuple[str, ...]:
    """The statements that make the tables and indexes on SQLite, taken once from a scratch
    database: Peewee's schema manager builds them anew each time, which cost more than filling
    a branch's snapshot."""
    scratch = SqliteDatabase(":memory:")
    try:
        _tables_and_indexes(scratch)
        rows = scratch.execute_sql(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
            " ORDER BY rowid"
        ).fetchall()
    finally:
        scratch.close()
    return tuple(sql for (sql,) in rows)


def upgrade(db: Database, location: str | None = None) -> Path | None:
    """Bring an older ledger to LATEST. Returns the backup file written first, if any.

    A shared ledger is upgraded by its owner only (members may not change tables), who then
    gets the roles, grants and checks brought up to date in the same transaction; `location`
    (a PostgreSQL ledger's) lets the evidence files kept in this PC's folder move into the
    database."""
    from .sharing import schema as shared

    version = schema_version(db)
    if version >= LATEST:
        return None
    saved = None
    path = sqlite_path(db)
    if path is not None:
        from . import backup  # only an upgrade copies the file first

        saved = path.with_name(f"{path.stem}.v{version}.bak{path.suffix}")
        backup.sqlite_copy(db, saved)
    prefix = shared.shared_prefix(db)
    if prefix is not None:
        shared.require_owner(db, version, LATEST)
    with write_transaction(db):
        for step in sorted(s for s in STEPS if version < s <= LATEST):
            STEPS[step](db)
        Meta.update(value=str(LATEST)).where(Meta.key == SCHEMA_KEY).execute(db)
        if prefix is not None:
            shared.install(db, prefix, db.database)
        if location is not None and not is_sqlite(db) and version < 11:
            from .paths import evidence_dir_for
            from .sharing import blobs

            blobs.adopt_folder(db, evidence_dir_for(location))
    return saved
