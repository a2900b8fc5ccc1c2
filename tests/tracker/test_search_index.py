"""Searching through the index finds exactly what the plain LIKE search finds, and every way of
changing the ledger keeps the index in step with the rows."""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from peewee import SqliteDatabase

from tests.tracker.factories import make_problem, make_team, measure_ids, term_id
from tracker import migrations, search_index, services
from tracker.errors import ConflictError
from tracker.ledger import Ledger, open_ledger
from tracker.models import Measure, Person, Problem, Progress
from tracker.queries import Filter, _like_condition, problem_ids
from tracker.replay import snapshot, verify
from tracker.services.undo import undo_last


def found(ledger: Ledger, term: str) -> set[int]:
    return set(problem_ids(ledger, Filter(search=term)))


def found_by_like(ledger: Ledger, term: str) -> set[int]:
    """What today's plain LIKE search answers (the reference the index must equal)."""
    query = Problem.select(Problem.id).where(
        (Problem.status != "void") & _like_condition(term.strip())
    )
    return {pid for (pid,) in query.bind(ledger.db).tuples()}


def index_contents(db) -> set[tuple]:
    """Every token of the FTS table with its document and position (read through fts5vocab)."""
    db.execute_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab "
        "USING fts5vocab(main, search_fts, instance)"
    )
    return set(db.execute_sql("SELECT term, doc, offset FROM temp.search_vocab").fetchall())


def assert_in_step(ledger: Ledger) -> None:
    """The stored documents say what the rows say, and the FTS tokens equal a fresh rebuild's."""
    assert search_index.stale(ledger.db) == []
    live = index_contents(ledger.db)
    docs = dict(ledger.db.execute_sql("SELECT problem_id, body FROM search_doc").fetchall())
    with ledger.db.atomic() as transaction:
        search_index.rebuild(ledger.db)
        rebuilt = index_contents(ledger.db)
        assert dict(ledger.db.execute_sql("SELECT problem_id, body FROM search_doc")) == docs
        transaction.rollback()  # leave the ledger's own index as it was
    assert live == rebuilt


# -- the same answers as LIKE, for random texts and terms -------------------------------------------
PLAIN = "窗口服务调研整改落实会议文件aAbBcC12-% _"  # NFKC-stable: LIKE and the index agree
WIDE = PLAIN + "ＡＢａｂ１２－ÄäẞßİK"  # full width, non-ASCII case: the index normalizes


def scratch_ledger(texts: list[list[str]], names: list[str]) -> Ledger:
    """An in-memory ledger with one problem per entry of `texts`: [description, cause, measure,
    progress], led by one of `names` (rows written directly: this tests search, not services)."""
    db = SqliteDatabase(":memory:", pragmas={"foreign_keys": 0})
    migrations.create_schema(db)
    names = list(dict.fromkeys(names))
    if names:
        Person.insert_many([{"id": i, "name": n} for i, n in enumerate(names, 1)]).execute(db)
    problems, measures, progress = [], [], []
    for pid, (desc, cause, measure, note) in enumerate(texts, 1):
        problems.append(
            {
                "id": pid,
                "code": f"2026-{pid:03d}",
                "description": desc,
                "cause": cause,
                "leader": pid % len(names) + 1 if names else None,
                "found_on": dt.date(2026, 1, 1),
                "status": "listed",
            }
        )
        measures.append({"id": pid, "problem": pid, "seq": 1, "text": measure, "status": "open"})
        progress.append(
            {"id": pid, "measure": pid, "on": dt.date(2026, 2, 1), "text": note, "author": "王敏"}
        )
    Problem.insert_many(problems).execute(db)
    Measure.insert_many(measures).execute(db)
    Progress.insert_many(progress).execute(db)
    search_index.rebuild(db)
    return Ledger(db, ":memory:", actor="王敏")


def texts_of(alphabet: str):
    field = st.text(alphabet, max_size=12)
    return st.lists(st.lists(field, min_size=4, max_size=4), min_size=1, max_size=12)


FAST = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@FAST
@given(
    texts=texts_of(PLAIN),
    names=st.lists(st.text(PLAIN, min_size=1, max_size=4), max_size=3),
    terms=st.lists(st.text(PLAIN, min_size=1, max_size=5), min_size=1, max_size=6),
)
def test_the_index_finds_exactly_what_like_finds(texts, names, terms):
    ledger = scratch_ledger(texts, names)
    assert search_index.available(ledger.db)
    for term in terms:
        assert found(ledger, term) == found_by_like(ledger, term), term


@FAST
@given(
    texts=texts_of(WIDE),
    terms=st.lists(st.text(WIDE, min_size=1, max_size=4), min_size=1, max_size=6),
)
def test_the_index_matches_normalized_substrings(texts, terms):
    ledger = scratch_ledger(texts, [])
    for term in terms:
        cleaned = search_index.normalize(term.strip().replace("%", "").replace("_", ""))
        expected = {
            pid
            for pid, fields in enumerate(texts, 1)
            if any(cleaned in search_index.normalize(f) for f in [f"2026-{pid:03d}", *fields])
        }
        assert found(ledger, term) == expected, term


# -- terms of every kind ---------------------------------------------------------------------------
@pytest.fixture
def three(ledger):
    a = make_problem(ledger, "窗口服务态度生硬，群众反映强烈")
    b = make_problem(ledger, "调研走过场，ABC-12 台账未更新", cause="学习不深入")
    c = make_problem(ledger, "全角编号ＸＹ－７未登记")
    return a, b, c


def test_one_character_terms(ledger, three):
    a, b, c = three
    assert found(ledger, "窗") == {a}
    assert found(ledger, "态") == {a}
    assert found(ledger, "烈") == {a}  # the last character of a field
    assert found(ledger, "深") == {b}  # in the cause


def test_two_character_terms(ledger, three):
    a, b, c = three
    assert found(ledger, "调研") == {b}
    assert found(ledger, "强烈") == {a}
    assert found(ledger, "烈调") == set()  # never across two problems or two fields


def test_codes_ascii_and_mixed_terms(ledger, three):
    a, b, c = three
    assert found(ledger, "abc-1") == {b}
    assert found(ledger, "ABC") == {b}
    assert found(ledger, "C-12 台") == {b}
    assert found(ledger, "2026-002") == {b}
    assert found(ledger, "2026-00") == {a, b, c}


def test_full_width_and_half_width_find_each_other(ledger, three):
    a, b, c = three
    assert found(ledger, "xy-7") == {c}
    assert found(ledger, "ＸＹ－７") == {c}
    assert found(ledger, "ａｂｃ") == {b}


def test_names_of_people_are_searched(ledger, three):
    a, b, c = three
    assert found(ledger, "张伟") == {a, b, c}  # the responsible leader
    other = make_problem(ledger, "另一个问题", leader=term_id(ledger, "person", "周敏"))
    assert found(ledger, "李娜") == {a, b, c, other}  # a measure's owner
    assert found(ledger, "周") == {other}


def test_odd_terms_fall_back_to_like(ledger, three):
    a, b, c = three
    assert found(ledger, "%") == {a, b, c}
    assert found(ledger, "调\x1f研") == found_by_like(ledger, "调\x1f研") == set()


# -- every change keeps the index in step ----------------------------------------------------------
def test_edits_measures_progress_renames_and_undo_keep_the_index_in_step(ledger, three, tmp_path):
    a, b, c = three
    services.update_problem(ledger, a, description="窗口服务已改进", remarks="备注：回访")
    assert found(ledger, "态度") == set() and found(ledger, "回访") == {a}
    first = measure_ids(ledger, b)[0]
    services.update_measure(ledger, first, text="建立调研成果转化机制")
    assert found(ledger, "成果转化") == {b}
    services.add_measure(ledger, c, services.MeasureInput("开展专项检查"))
    assert found(ledger, "专项") == {c}
    services.add_progress(ledger, first, "已召开专题会议部署")
    assert found(ledger, "专题会议") == {b}
    services.void_measure(ledger, measure_ids(ledger, c)[-1], "重复录入")
    assert found(ledger, "专项") == {c}  # a voided measure's text is still searched, as before
    team = make_team(ledger)
    services.rename_term(ledger, "person", team.leader, "张伟强")
    assert found(ledger, "伟强") == {a, b, c}
    services.complete_measure(ledger, first)
    assert_in_step(ledger)

    services.update_problem(ledger, a, description="临时改动")
    assert found(ledger, "临时") == {a}
    undo_last(ledger)
    assert found(ledger, "临时") == set() and found(ledger, "已改进") == {a}
    assert_in_step(ledger)
    assert verify(ledger).ok


def test_a_bulk_edit_keeps_the_index_in_step(ledger, three):
    a, b, c = three
    other = term_id(ledger, "person", "周敏")
    services.bulk_update(ledger, [a, b], owner=other)
    assert found(ledger, "周敏") == {a, b}
    assert_in_step(ledger)


def test_a_failed_action_leaves_the_index_as_it_was(ledger, three):
    a, b, c = three
    before = index_contents(ledger.db)
    with pytest.raises(ConflictError):
        services.update_problem(ledger, a, description="新的描述", expected_version=99)
    assert index_contents(ledger.db) == before
    assert found(ledger, "新的描述") == set()


def test_the_demo_and_an_import_keep_the_index_in_step(tmp_path):
    from tracker.demo import build_demo
    from tracker.excel.export import export_ledger
    from tracker.excel.importer import apply_plan
    from tracker.excel.plan import ImportOptions, build_plan
    from tracker.ledger import create_ledger

    now = dt.datetime(2026, 11, 20, 10, 0, 0)
    demo = build_demo(tmp_path / "demo.db", problems=60, clock=lambda: now)
    assert_in_step(demo)
    assert found(demo, "调研") == found_by_like(demo, "调研") != set()
    book = tmp_path / "ledger.xlsx"
    export_ledger(demo, book)
    copy = create_ledger(tmp_path / "copy.db", actor="王敏", clock=lambda: now)
    apply_plan(copy, build_plan(copy, book))
    assert_in_step(copy)
    assert found(copy, "窗口") == found_by_like(copy, "窗口") != set()

    first = copy.select(Measure, Measure.id).order_by(Measure.id).scalar()
    services.update_measure(copy, first, text="导入后改过的措施")
    apply_plan(copy, build_plan(copy, book, ImportOptions(update=True)))  # puts the text back
    assert found(copy, "导入后改过") == set()
    assert_in_step(copy)
    demo.close()
    copy.close()


# -- ledgers without an index ----------------------------------------------------------------------
def test_a_past_snapshot_is_searched_without_an_index(ledger, three, clock):
    a, b, c = three
    clock.advance(days=2)
    make_problem(ledger, "后来才发现的调研问题")
    past = snapshot(ledger, clock().date() - dt.timedelta(days=1))
    assert not search_index.available(past.db)
    assert found(past, "调研") == {b}


def test_an_older_ledger_gets_its_index_when_upgraded(ledger, three, tmp_path, clock):
    a, b, c = three
    path = tmp_path / "ledger.db"
    ledger.close()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TABLE search_fts")
    conn.execute("DROP TABLE search_doc")
    conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    conn.close()
    with open_ledger(path, clock=clock) as upgraded:
        assert search_index.available(upgraded.db)
        assert found(upgraded, "调研") == {b}
        assert_in_step(upgraded)


def test_verify_names_an_index_out_of_step_and_reindex_repairs_it(ledger, three):
    from tracker.cli import main

    a, b, c = three
    ledger.db.execute_sql("UPDATE search_doc SET body = 'x' WHERE problem_id = ?", (a,))
    report = verify(ledger)
    assert not report.ok and "搜索索引" in report.problems[0]
    assert main(["--db", ledger.location, "reindex"]) == 0
    assert verify(ledger).ok
    assert found(ledger, "窗口") == {a}


def test_tokens_never_join_two_fields():
    text = search_index.body(["ab", "bc"])
    tokens = search_index.tokens(text).split()
    assert [t for t in tokens if not t.endswith(search_index.END)] == [
        "000061000062",
        "000062000063",
    ]
    assert list(itertools.chain(tokens)) == [
        "000061000062",
        "000062" + search_index.END,
        "000062000063",
        "000063" + search_index.END,
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text()), max_size=6))
def test_a_document_is_the_whole_text_normalized_at_once(fields):
    """Bodies are normalized field by field (repeated texts once); stored documents of older
    ledgers were normalized as one text, and the two must agree or verify would call them stale."""
    joined = search_index.SEP.join(f or "" for f in fields)
    assert search_index.body(fields) == search_index.normalize(joined)
    old_tokens = " ".join(
        search_index._HEX[ord(f[0])] + f[1:].translate(search_index._PAIR) + search_index.END
        for f in search_index.normalize(joined).split(search_index.SEP)
        if f
    )
    assert search_index.tokens(search_index.body(fields)) == old_tokens
