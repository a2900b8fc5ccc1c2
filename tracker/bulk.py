"""Writing many rows at once with their journal: the demo generator and the Excel importer use it.

Rows are built in journal form together with the events that created or changed them; `write`
inserts the rows with executemany, chains the events' hashes and appends them, all in one
transaction — so a bulk write is all-or-nothing and `verify` checks it like any other change.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import operator
import os
import threading
from collections.abc import Callable, Iterator

from peewee import Model

from . import evidence_store, journal, nearest_due, search_index
from .db import bulk_insert, write_transaction
from .errors import Cancelled, ReadOnlyError  # Cancelled: imported from here by many
from .journal import json_value
from .ledger import Ledger
from .models import JOURNALED, Meta, Problem
from .recorder import journaled_fields, row_values
from .sharing import rules

TABLE_OF = {model: name for name, model in JOURNALED.items()}
ProgressCallback = Callable[[int, int], bool] | None  # (done, total) -> keep going?


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Hold Python's cycle collector while millions of rows are built in memory.

    Bulk rows are plain dicts and tuples without cycles, but every allocation counts towards the
    collector's thresholds, and each full collection walks everything held so far: at 100000
    problems that was about a fifth of building the demo.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _FileWriter(threading.Thread):
    """Writes files (path, content) on a thread while the rows go in, and is waited for before
    the transaction commits: a committed bulk write always has its files (a crash before the
    commit may leave files that no row names, which is harmless). Each file is written whole
    under a temporary name and renamed into place; one already in place is kept only if its
    content is the same (a run killed earlier may have left one cut short)."""

    def __init__(self, files: list[tuple[str, bytes]]) -> None:
        super().__init__(name="bulk-files", daemon=True)
        self.files = files
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            made = set()
            for path, content in self.files:
                folder = os.path.dirname(path)
                if folder not in made:
                    os.makedirs(folder, exist_ok=True)
                    made.add(folder)
                evidence_store.put_bytes(path, content)
        except BaseException as error:  # reported to the writing thread, which rolls back
            self.error = error

    def __enter__(self) -> _FileWriter:
        if self.files:
            self.start()
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.files:
            self.join()
        if self.error is not None and exc_type is None:
            raise self.error


class BulkWriter:
    """Rows (journal form) plus the events that produced them, written together by `write`."""

    def __init__(self, ledger: Ledger) -> None:
        if ledger.read_only:
            raise ReadOnlyError("此台账以只读方式打开，不能修改。")
        self.ledger = ledger
        self.rows: dict[str, dict[int, dict]] = {t: {} for t in JOURNALED}
        self.events: list[tuple[dt.datetime, int, str, str, int | None, list[dict]]] = []
        self.code_counters: dict[int, int] = {}
        self.updates: dict[tuple[str, int], int] = {}  # journaled updates per row: its version - 1
        self._next: dict[type[Model], int] = {}
        self.files: list[tuple[str, bytes]] = []  # (path, content): written unless present

    def new_id(self, model: type[Model]) -> int:
        if model not in self._next:
            top = self.ledger.select(model, model.id).order_by(model.id.desc()).scalar() or 0
            self._next[model] = top + 1
        pk = self._next[model]
        self._next[model] = pk + 1
        return pk

    def create(
        self, model: type[Model], values: dict, *, pk: int | None = None
    ) -> tuple[int, dict]:
        """A new row (with a fresh id unless `pk` was reserved with `new_id`); returns (id, change)."""
        pk = self.new_id(model) if pk is None else pk
        member = self.ledger.member
        if model is Problem and member is not None and "branch" not in values:
            values = {**values, "branch": member.branch}  # a 填报人's own branch
        row = row_values(model, values)
        self.rows[TABLE_OF[model]][pk] = row
        return pk, {"t": TABLE_OF[model], "id": pk, "op": "c", "f": dict(row)}

    def update(self, model: type[Model], pk: int, **values) -> dict:
        """Change a row created by this writer; returns the journal change (changed fields only)."""
        row = self.rows[TABLE_OF[model]][pk]
        diffs = {}
        for name, new in values.items():
            new = json_value(new)
            if row[name] != new:
                diffs[name] = [row[name], new]
                row[name] = new
        if diffs:
            key = (TABLE_OF[model], pk)
            self.updates[key] = self.updates.get(key, 0) + 1
        return {"t": TABLE_OF[model], "id": pk, "op": "u", "f": diffs}

    def event(
        self, at: dt.datetime, actor: str, action: str, problem: int | None, changes: list[dict]
    ) -> None:
        self.events.append((at, len(self.events), actor, action, problem, changes))

    def write(
        self, progress: ProgressCallback = None, *, one_transaction: bool = False
    ) -> journal.Head:
        """Insert everything in one database transaction; events are journaled in time order.

        With `one_transaction` all events share one txn number (an import is undone as a whole).
        """
        db = self.ledger.db
        events = sorted(self.events)  # by time, then by order made (unique: never compared further)
        total = len(events)
        if self.ledger.member is not None:  # a shared ledger: every new row as the database will
            for table, rows in self.rows.items():
                for row in rows.values():
                    rules.check(self.ledger, table, "c", None, row, pending=self.rows)
        with write_transaction(db), _FileWriter(self.files):
            for table, model in JOURNALED.items():
                rows = self.rows[table]
                if not rows:
                    continue
                fields = [f.name for f in journaled_fields(model)]
                has_version = "version" in model._meta.fields
                pk = model._meta.primary_key.name
                columns = [pk, *fields] + (["version"] if has_version else [])
                values = operator.itemgetter(*fields)
                if has_version:
                    updates = self.updates
                    data = [
                        (key, *values(row), 1 + updates.get((table, key), 0))
                        for key, row in rows.items()
                    ]
                else:
                    data = [(key, *values(row)) for key, row in rows.items()]
                bulk_insert(db, model, columns, data)
            # problems with new measures, and any problem an event names (an import's updates of
            # existing measures)
            due = {row["problem"] for row in self.rows["measure"].values()}
            due.update(self._named_problems())
            nearest_due.refresh(db, due)
            start = journal.head(db)
            txn = start.seq + 1 if one_transaction else None
            prepared = (
                (txn, at.isoformat(sep=" "), actor, action, pid, changes)
                for at, _, actor, action, pid, changes in events
            )
            head, done = start, 0
            for batch in journal.chain(start, prepared):
                journal.insert_rows(db, batch)
                head, done = journal.Head(batch[-1][0], batch[-1][-1]), done + len(batch)
                if progress and not progress(done, total):
                    raise Cancelled("已取消，未写入任何数据。")
            for year, number in self.code_counters.items():
                bump_code_counter(self.ledger, year, number)
            self._index(db)
        return head

    def _named_problems(self) -> set[int]:
        """Every problem an event is about (new ones and, for an import's updates, existing ones)."""
        return {event[4] for event in self.events if event[4] is not None}

    def _index(self, db) -> None:
        """Search documents: new problems from the rows in memory, any other problem an event
        names (an import's updates of existing problems) read back from the database."""
        if not search_index.available(db):
            return
        docs = search_index.bodies_from_rows(
            self.rows["problem"], self.rows["measure"], self.rows["progress"]
        )
        search_index.add(db, docs)
        others = self._named_problems() - docs.keys()
        search_index.refresh(db, others)


def bump_code_counter(ledger: Ledger, year: int, number: int) -> None:
    """Make sure the per-year problem code counter is at least `number` (codes are never reused)."""
    key = f"code_counter.{year}"
    row = ledger.select(Meta, Meta.value).where(Meta.key == key).tuples().first()
    if row is None:
        Meta.insert(key=key, value=str(number)).execute(ledger.db)
    elif int(row[0]) < number:
        Meta.update(value=str(number)).where(Meta.key == key).execute(ledger.db)
