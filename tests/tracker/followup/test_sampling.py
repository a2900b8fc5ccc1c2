"""抽查: closed problems drawn at random from a seed the program chooses; every draw journaled, any
draw repeatable from its seed, each drawn problem taking the on-site result."""

from __future__ import annotations

import hashlib
import json

import pytest

from tracker import history, journal, replay, services
from tracker.errors import LedgerDataError, NotFoundError, ValidationError, WorkflowError
from tracker.followup import sampling
from tracker.models import SampleDraw

from ..factories import close_problem, make_problem


def closed_problems(ledger, tmp_path, count=6, batch=None) -> list[int]:
    ids = []
    for n in range(count):
        pid = make_problem(ledger, f"已销号的问题{n}", batch=batch)
        close_problem(ledger, pid, tmp_path / f"f{n}")
        ids.append(pid)
    return ids


def test_the_draw_is_the_smallest_hashes_of_seed_and_code(ledger):
    codes = [f"2026-{n:03d}" for n in range(1, 21)]
    expected = sorted(codes, key=lambda c: hashlib.sha256(f"1234567890:{c}".encode()).hexdigest())
    assert sampling.draw(1234567890, codes, 3) == expected[:3]
    assert sampling.draw(1234567890, reversed(codes), 3) == expected[:3]  # order does not matter


def test_ids_travel_as_ranges(ledger):
    ids = [1, 2, 3, 5, 8, 9, 10, 30]
    assert sampling.encode_ids(ids) == "1-3,5,8-10,30"
    assert sampling.decode_ids("1-3,5,8-10,30") == ids
    assert sampling.decode_ids("") == []


def test_a_draw_is_journaled_with_its_seed_population_and_result(ledger, tmp_path):
    ids = closed_problems(ledger, tmp_path)
    make_problem(ledger, "还在整改的问题")  # not closed: not in the population

    changes = sampling.draw_sample(ledger, 3)

    view = sampling.draw_view(ledger, changes.created_id)
    assert len(view.codes) == 3 and view.population_size == 6
    assert SampleDraw.select().bind(ledger.db).count() == 1
    last = list(journal.entries(ledger.db))
    entries = [e for e in last if e.txn == last[-1].txn]  # the draw, then one per drawn problem
    assert {e.action for e in entries} == {"sample.draw"} and len(entries) == 4
    made = entries[0].changes[0]["f"]
    assert made["seed"] == view.seed and sampling.SEED_LOW <= view.seed < sampling.SEED_HIGH
    assert sampling.decode_ids(made["population"]) == ids
    assert json.loads(made["drawn"]) == view.codes
    drawn = [row["code"] for row in sampling.items(ledger, view.id)]
    assert drawn == view.codes
    assert replay.verify(ledger).ok


def test_a_drawn_problem_shows_it_in_its_history(ledger, tmp_path):
    closed_problems(ledger, tmp_path, 2)
    view = sampling.draw_view(ledger, sampling.draw_sample(ledger, 1).created_id)
    pid = sampling.items(ledger, view.id)[0]["problem"]
    assert history.problem_history(ledger, pid)[-1].action == "抽查（随机抽取已销号问题）"


def test_redoing_from_the_seed_gives_the_same_problems_and_is_journaled(ledger, tmp_path):
    closed_problems(ledger, tmp_path)
    first = sampling.draw_view(ledger, sampling.draw_sample(ledger, 3).created_id)
    closed_problems(ledger, tmp_path / "later", 4)  # the ledger moves on

    again = sampling.draw_view(ledger, sampling.redo_sample(ledger, first.seed).created_id)

    assert again.codes == first.codes and again.redo_of == first.id
    assert again.items_of == first.id
    assert [e.action for e in journal.entries(ledger.db)][-1] == "sample.redo"
    assert replay.verify(ledger).ok


def test_a_second_draw_stands_beside_the_first(ledger, tmp_path):
    closed_problems(ledger, tmp_path)
    sampling.draw_sample(ledger, 2)
    sampling.draw_sample(ledger, 2)
    assert [d.redo_of for d in sampling.draws(ledger)] == [None, None]
    assert services.describe_last(ledger) is None  # a draw cannot be undone


def test_a_seed_no_draw_recorded_is_refused(ledger, tmp_path):
    closed_problems(ledger, tmp_path, 2)
    with pytest.raises(NotFoundError) as caught:
        sampling.redo_sample(ledger, 1111111111)
    assert "程序选择种子" in str(caught.value)


def test_a_tampered_draw_is_caught_on_redo(ledger, tmp_path):
    closed_problems(ledger, tmp_path)
    first = sampling.draw_view(ledger, sampling.draw_sample(ledger, 2).created_id)
    ledger.db.execute_sql(
        "UPDATE sample_draw SET drawn = ? WHERE id = ?", ('["2026-099"]', first.id)
    )
    with pytest.raises(LedgerDataError) as caught:
        sampling.redo_sample(ledger, first.seed)
    assert "不一致" in str(caught.value)
    assert not replay.verify(ledger).ok


def test_a_batch_limits_the_population(ledger, tmp_path):
    batch = services.add_batch(ledger, "2025年度组织生活会").created_id
    inside = closed_problems(ledger, tmp_path / "a", 3, batch=batch)
    closed_problems(ledger, tmp_path / "b", 3)
    view = sampling.draw_view(ledger, sampling.draw_sample(ledger, 3, batch=batch).created_id)
    assert {r["problem"] for r in sampling.items(ledger, view.id)} == set(inside)
    assert view.batch == "2025年度组织生活会"
    assert "--batch 2025年度组织生活会" in view.redo_command()


def test_asking_for_more_than_there_are_is_refused(ledger, tmp_path):
    with pytest.raises(WorkflowError):
        sampling.draw_sample(ledger, 1)
    closed_problems(ledger, tmp_path, 2)
    with pytest.raises(ValidationError) as caught:
        sampling.draw_sample(ledger, 3)
    assert caught.value.field == "抽查数量"
    assert SampleDraw.select().bind(ledger.db).count() == 0


def test_results_are_recorded_back_and_false_ones_need_a_note(ledger, tmp_path):
    closed_problems(ledger, tmp_path, 3)
    view = sampling.draw_view(ledger, sampling.draw_sample(ledger, 2).created_id)
    first, second = sampling.items(ledger, view.id)

    sampling.record_result(ledger, first["id"], "属实", "现场查看会议记录，属实")
    with pytest.raises(ValidationError) as caught:
        sampling.record_result(ledger, second["id"], "不属实")
    assert caught.value.field == "核查说明"
    changes = sampling.record_result(
        ledger, second["id"], "不属实", "会议记录系事后补写", checker="纪检委员"
    )

    assert any("重新整改" in w for w in changes.warnings)
    done = sampling.items(ledger, view.id)
    assert [(r["result"], r["checked_by"]) for r in done] == [
        ("属实", "王敏"),
        ("不属实", "纪检委员"),
    ]
    assert sampling.result_counts(ledger, done) == {"属实": 1, "不属实": 1}
    assert sampling.item_for(ledger, view.id, second["code"]) == second["id"]
    assert replay.verify(ledger).ok
