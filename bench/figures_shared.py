"""Figures 16–18 of issue 14: the shared ledger at committee scale, on a PostgreSQL server the
benchmark starts itself (skipped, with a note, where the server's programs are not installed).

16. Search at 100000 problems, 2- and 4-character terms, beside the same search on the SQLite
    ledger it was loaded from (the ids must be equal).
17. 20 members at once for 60 s, each in a process of its own (as on 20 PCs): 填报人 editing,
    writing progress, listing problems, requesting 销号; 审核人 approving and rejecting; all
    searching. Written: throughput, the 95th percentile of an action, lost updates (each 填报人
    appends a token to a shared problem's 备注 through the version check: every token
    acknowledged must be there at the end), and verify afterwards (one chain, every row as the
    journal says).
18. Start to a usable window on the 100000-problem shared ledger, beside the same ledger as a
    SQLite file.
"""

from __future__ import annotations

import csv
import io
import multiprocessing
import random
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from timing import Figure, Target, median_time

from tracker.models import ALL_MODELS

SEARCH_TERMS = ("调研", "窗口服务")
INSTANT = 0.050
MEMBERS, BRANCHES, SECONDS = 20, 8, 60
PASSWORD = "bench-password-1"
CHUNK = 20000  # rows per COPY


def available() -> bool:
    from tests.tracker import pgserver

    return pgserver.available()


def skipped(number: str, name: str, size: int) -> Figure:
    figure = Figure(number, name, size)
    figure.notes.append("skipped: PostgreSQL server programs (initdb, pg_ctl) not installed")
    return figure


class Server:
    """A throwaway server for the run (trust logins on a Unix socket, fsync on: as deployed)."""

    def __init__(self, scratch: Path) -> None:
        from tests.tracker.pgserver import PgServer

        self.pg = PgServer(Path(tempfile.mkdtemp(prefix="bench-pg-", dir=scratch)))
        self.pg.start()

    def url(self, database: str, login: str = "postgres") -> str:
        return self.pg.url(database, login)

    def stop(self) -> None:
        self.pg.stop()


# -- loading the SQLite demo ledger into PostgreSQL ---------------------------------------------
def load(server: Server, sqlite_path: Path, database: str) -> float:
    """Copy a ledger file into a new shared ledger (COPY, then the search index, then the
    roles); returns seconds taken. Members: one 填报人 per branch pair, reviewers of all."""
    from tracker import search_index
    from tracker.backup import _reset_sequences
    from tracker.ledger import open_ledger
    from tracker.migrations import create_schema
    from tracker.sharing import schema

    started = time.perf_counter()
    url = server.pg.create_database(database)
    import psycopg2

    conn = psycopg2.connect(host=str(server.pg.root), port=server.pg.port, user="postgres",
                            dbname=database)  # fmt: skip
    from playhouse.db_url import connect as connect_url

    from tracker.db import load_postgres_driver

    load_postgres_driver()  # tracker imports peewee with the drivers hidden (a faster start)
    db = connect_url(url)
    create_schema(db)
    db.execute_sql("DELETE FROM meta")
    db.close()
    source = sqlite3.connect(str(sqlite_path))
    cursor = conn.cursor()
    for model in ALL_MODELS:
        table = model._meta.table_name
        columns = [f.column_name for f in model._meta.sorted_fields]
        kinds = [f.field_type for f in model._meta.sorted_fields]
        names = ", ".join(f'"{c}"' for c in columns)
        copy = f"COPY \"{table}\" ({names}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        rows = source.execute(f'SELECT {", ".join(f"""[{c}]""" for c in columns)} FROM "{table}"')
        while chunk := rows.fetchmany(CHUNK):  # in pieces: the journal alone is a gigabyte
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in chunk:
                writer.writerow([_cell(v, k) for v, k in zip(row, kinds, strict=True)])
            buffer.seek(0)
            cursor.copy_expert(copy, buffer)
    conn.commit()
    source.close()
    _files(conn, sqlite_path)
    db = connect_url(url)
    _reset_sequences(db)
    with db.atomic():
        search_index.rebuild(db)
    vacuum = psycopg2.connect(host=str(server.pg.root), port=server.pg.port, user="postgres",
                              dbname=database)  # fmt: skip
    vacuum.autocommit = True  # what autovacuum does a while after a bulk load: visibility map
    vacuum.cursor().execute("VACUUM ANALYZE")  # (index-only scans) and the planner's statistics
    vacuum.close()
    with db.atomic():
        prefix = schema.prefix_for(database)
        schema.install(db, prefix, database)
        db.execute_sql("INSERT INTO meta (key, value) VALUES (%s, %s)", (schema.SHARED_KEY, prefix))
    db.close()
    conn.close()
    with open_ledger(url) as owner:
        _members(owner)
    return time.perf_counter() - started


def _files(conn, sqlite_path: Path) -> None:
    """The demo's evidence files, from the folder beside the file into the database."""
    from psycopg2 import Binary
    from psycopg2.extras import execute_values

    from tracker import evidence_store
    from tracker.paths import evidence_dir_for

    cursor, batch = conn.cursor(), []
    for path in evidence_store.files(evidence_dir_for(str(sqlite_path))):
        data = path.read_bytes()
        batch.append((path.name[:64], len(data), Binary(data)))
        if len(batch) >= 500:
            execute_values(
                cursor, "INSERT INTO evidence_blob VALUES %s ON CONFLICT DO NOTHING", batch
            )
            batch = []
    if batch:
        execute_values(cursor, "INSERT INTO evidence_blob VALUES %s ON CONFLICT DO NOTHING", batch)
    conn.commit()


def _cell(value, kind: str):
    if value is None:
        return "\\N"
    if kind == "BOOL":
        return "t" if value else "f"
    return value


def _members(owner) -> None:
    from tracker import services
    from tracker.sharing.members import add_member

    for b in range(BRANCHES):
        branch = f"第{b + 1}党支部"
        for k in range(2):
            add_member(owner, f"tb{b}_{k}", name=f"填报人{b}-{k}", role="填报人", branch=branch,
                       password=PASSWORD)  # fmt: skip
    for r in range(MEMBERS - 2 * BRANCHES):
        add_member(owner, f"sh{r}", name=f"审核人{r}", role="审核人", password=PASSWORD)
    from tracker.models import Branch

    ids = dict(owner.select(Branch, Branch.name, Branch.id).tuples())
    for name, branch in ids.items():  # each branch's shared problem, for the lost-update check
        services.create_problem(owner, description=f"{name}共同维护的问题", branch=branch,
                                remarks="")  # fmt: skip


# -- 16: search ---------------------------------------------------------------------------------
def search(pg_ledger, sqlite_ledger, size: int, runs: int) -> list[Figure]:
    from tracker.queries import Filter, problem_ids, problem_rows

    out = []
    for term in SEARCH_TERMS:
        flt = Filter(search=term)

        def keystroke(ledger=pg_ledger, flt=flt):
            ids = problem_ids(ledger, flt)
            problem_rows(ledger, ids[:200])
            return ids

        figure = Figure("16", f"shared search “{term}” ({len(term)} chars)", size, "ms", runs=runs)
        figure.value = median_time(keystroke, runs)
        figure.baseline = median_time(lambda flt=flt: problem_ids(sqlite_ledger, flt), runs)
        figure.baseline_name = "same search, SQLite file"
        figure.target = {100000: Target(value=INSTANT)}.get(size)
        got, want = keystroke(), problem_ids(sqlite_ledger, flt)
        figure.notes.append(
            f"{len(got):,} problems match; "
            + ("same ids as SQLite" if got == want else "DIFFERENT ids from SQLite")
        )
        out.append(figure)
    return out


# -- 17: members at once ------------------------------------------------------------------------
def concurrency(server: Server, database: str, size: int, seconds: int) -> list[Figure]:
    from tracker.ledger import open_ledger
    from tracker.models import Branch, Problem
    from tracker.replay import verify

    logins = [f"tb{b}_{k}" for b in range(BRANCHES) for k in range(2)]
    logins += [f"sh{r}" for r in range(MEMBERS - 2 * BRANCHES)]
    context = multiprocessing.get_context("spawn")
    start_at = time.time() + 40  # all start together, after 20 processes have imported Qt-free
    jobs = [
        (server.url(database, login), login, start_at, seconds, n) for n, login in enumerate(logins)
    ]
    with context.Pool(len(jobs)) as pool:
        reports = pool.map(_member, jobs)
    writes = sum(r["writes"] for r in reports)
    times = sorted(t for r in reports for t in r["times"])
    write_times = sorted(t for r in reports for t in r["write_times"])
    tokens = {branch: [] for branch in range(BRANCHES)}
    for r in reports:
        for branch, token in r["tokens"]:
            tokens[branch].append(token)
    with open_ledger(server.url(database)) as owner:
        lost = 0
        for (name,) in owner.select(Branch, Branch.name).tuples():
            remarks = (
                owner.select(Problem, Problem.remarks)
                .where(Problem.description == f"{name}共同维护的问题")
                .scalar()
                or ""
            )
            have = set(remarks.split())
            index = int(name[1:-3]) - 1
            lost += sum(1 for t in tokens.get(index, []) if t not in have)
        started = time.perf_counter()
        report = verify(owner, quick=True)
        verify_took = time.perf_counter() - started
    figure = Figure("17", f"{MEMBERS} members at once, {seconds} s: writes", size, "s", runs=1)
    figure.value = _p95(write_times)
    figure.notes.append(f"{writes:,} writes, {writes / seconds:.1f} writes/s")
    figure.notes.append(
        f"p95 of all {len(times):,} actions (searches too): {_p95(times) * 1000:.0f} ms"
    )
    figure.notes.append(f"conflicts retried: {sum(r['conflicts'] for r in reports)}")
    figure.notes.append(
        f"decided by another 审核人 first (refused in words): {sum(r['raced'] for r in reports)}"
    )
    messages = [m for r in reports for m in r["messages"]]
    figure.notes.append(
        f"errors: {len(messages)}" + (f" (first: {messages[0]})" if messages else "")
    )
    figure.notes.append(f"lost updates: {lost}")
    figure.notes.append(
        f"verify afterwards: {'clean' if report.ok else 'FAILED: ' + report.problems[0]} "
        f"({report.entries:,} entries, {verify_took:.0f} s)"
    )
    if lost or not report.ok or any(r["errors"] for r in reports):
        figure.error = f"lost {lost}, verify {'ok' if report.ok else 'failed'}"
    return [figure]


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    return values[min(len(values) - 1, int(len(values) * 0.95))]


def _member(job) -> dict:
    """One member's minute: run in a process of its own."""
    import sys

    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    from tracker import services
    from tracker.errors import ConflictError, LedgerError, WorkflowError
    from tracker.ledger import open_ledger
    from tracker.models import Measure, Problem
    from tracker.queries import Filter, problem_ids, problem_rows

    url, login, start_at, seconds, seed = job
    rng = random.Random(seed)
    out = {
        "writes": 0,
        "times": [],
        "write_times": [],
        "tokens": [],
        "conflicts": 0,
        "raced": 0,  # a 销号 another 审核人 decided first: refused in words, as in real use
        "errors": 0,
        "messages": [],
    }
    ledger = open_ledger(url)
    member = ledger.member
    branch = member.branch
    index = int(login[2:].split("_")[0]) if login.startswith("tb") else None
    shared = (
        ledger.select(Problem, Problem.id).where(Problem.description.endswith("共同维护的问题"))
        .where(Problem.branch == branch).scalar() if branch else None
    )  # fmt: skip
    mine: list[int] = []
    while time.time() < start_at:
        time.sleep(0.01)
    stop = start_at + seconds
    n = 0
    while time.time() < stop:
        n += 1
        roll = rng.random()
        started = time.perf_counter()
        wrote = True
        try:
            if roll < 0.3:
                term = rng.choice(SEARCH_TERMS)
                problem_rows(ledger, problem_ids(ledger, Filter(search=term))[:200])
                wrote = False
            elif member.role == "reviewer":
                pending = (
                    ledger.select(Problem, Problem.id).where(Problem.status == "pending_closure")
                    .order_by(Problem.id).limit(20).tuples()
                )  # fmt: skip
                choices = [pid for (pid,) in pending]
                if not choices:
                    problem_rows(ledger, problem_ids(ledger, Filter(view="overdue"))[:200])
                    wrote = False
                elif rng.random() < 0.7:
                    services.approve_closure(ledger, rng.choice(choices), ledger.actor, "同意")
                else:
                    services.reject_closure(ledger, rng.choice(choices), "佐证材料不足")
            elif roll < 0.55:
                for _ in range(20):  # the lost-update check: read, append, save with the version
                    version, remarks = (
                        ledger.select(Problem, Problem.version, Problem.remarks)
                        .where(Problem.id == shared).tuples().first()
                    )  # fmt: skip
                    token = f"{login}.{n}"
                    try:
                        services.update_problem(ledger, shared, expected_version=version,
                                                remarks=f"{remarks} {token}".strip())  # fmt: skip
                        out["tokens"].append((index, token))
                        break
                    except ConflictError:
                        out["conflicts"] += 1
            elif roll < 0.7 or not mine:
                changes = services.create_problem(
                    ledger,
                    description=f"{login}查摆的问题{n}",
                    measures=[services.MeasureInput("制定整改方案", deadline="2026年12月底前")],
                )
                mine.append(changes.created_id)
            elif roll < 0.9:
                pid = rng.choice(mine)
                measure = ledger.select(Measure, Measure.id).where(Measure.problem == pid).scalar()
                services.add_progress(ledger, measure, f"第{n}次推进")
            else:
                pid = mine.pop(0)
                measure = ledger.select(Measure, Measure.id).where(Measure.problem == pid).scalar()
                services.complete_measure(ledger, measure)
                evidence = Path(tempfile.gettempdir()) / f"bench-evidence-{login}-{n}.txt"
                evidence.write_text(f"{login} {n} 整改材料", encoding="utf-8")
                services.add_evidence(ledger, pid, evidence)
                evidence.unlink()
                services.request_closure(ledger, pid, "措施已完成")
        except ConflictError:
            out["conflicts"] += 1
            wrote = False
        except WorkflowError:
            out["raced"] += 1
            wrote = False
        except LedgerError as error:
            out["errors"] += 1
            out["messages"].append(str(error)[:200])
            wrote = False
        took = time.perf_counter() - started
        out["times"].append(took)
        if wrote:
            out["writes"] += 1
            out["write_times"].append(took)
    ledger.close()
    return out


# -- 18: start-up -------------------------------------------------------------------------------
def startup(server: Server, database: str, sqlite_path: Path, size: int, runs: int,
            scratch: Path) -> Figure:  # fmt: skip
    import shutil

    import baselines
    from figures import _run_process

    url = server.url(database, "tb0_0")
    shared, local = [], []
    for i in range(runs + 1):
        folder = Path(tempfile.mkdtemp(prefix="start-pg-", dir=scratch))
        peak, png = folder / "peak", folder / "window.png"
        got = _run_process(baselines.app_command(peak, url, png), folder, peak)
        peak.unlink()
        mine = _run_process(baselines.app_command(peak, sqlite_path, png), folder, peak)
        shutil.rmtree(folder, ignore_errors=True)
        if i:
            shared.append(got[0])
            local.append(mine[0])
    figure = Figure("18", "start to usable window, shared ledger", size, "s", runs=runs)
    figure.value, figure.baseline = statistics.median(shared), statistics.median(local)
    figure.baseline_name = "same ledger, SQLite file"
    figure.target = {100000: Target(ratio=2.0)}.get(size)
    return figure
