"""Problems that come back: similar earlier problems of other batches, with a score and the words
they share, and the 复发 link counted and shown."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import replay, services, stats
from tracker.errors import ValidationError, WorkflowError
from tracker.followup import repeats, similar
from tracker.queries import REPEATS, Filter, problem_ids, problem_rows

from ..factories import close_problem, make_problem, problem

LAST_YEAR = "会议记录流于形式，学习笔记应付了事，理论学习缺乏深度"
THIS_YEAR = "学习笔记应付了事，会议记录流于形式，个别党员学习缺乏深度"


@pytest.fixture
def batches(ledger):
    old = services.add_batch(ledger, "2025年度组织生活会", held_on=dt.date(2025, 1, 20)).created_id
    new = services.add_batch(ledger, "2026年度组织生活会", held_on=dt.date(2026, 2, 20)).created_id
    return old, new


def test_a_similar_earlier_problem_is_found_with_its_score_and_shared_words(ledger, batches):
    old, new = batches
    earlier = make_problem(ledger, LAST_YEAR, batch=old, found_on=dt.date(2025, 1, 20))
    make_problem(ledger, "公车使用登记不规范，私车公养现象仍有发生", batch=old)
    sibling = make_problem(ledger, LAST_YEAR, batch=new)  # same batch: not a repeat

    (found,) = similar.similar_problems(ledger, THIS_YEAR, batch=new)

    assert found.id == earlier and found.batch == "2025年度组织生活会"
    assert 0.5 < found.score < 1
    assert found.words == ["学习笔记应付了事", "会议记录流于形式", "学习缺乏深度"]
    assert found.percent.endswith("%")
    assert sibling not in [s.id for s in similar.similar_problems(ledger, THIS_YEAR, batch=new)]


def test_unrelated_text_and_later_or_void_problems_are_not_offered(ledger, batches):
    old, new = batches
    later = make_problem(ledger, LAST_YEAR, batch=old, found_on=dt.date(2026, 3, 2))
    void = make_problem(ledger, LAST_YEAR, batch=old, found_on=dt.date(2025, 1, 20))
    services.void_problem(ledger, void, "重复录入")

    assert (
        similar.similar_problems(ledger, THIS_YEAR, batch=new, found_on=dt.date(2026, 3, 1)) == []
    )
    assert similar.similar_problems(ledger, "消防通道堆放杂物", batch=new) == []
    assert [s.id for s in similar.similar_problems(ledger, THIS_YEAR, batch=new)] == [later]


def test_a_snapshot_without_an_index_finds_the_same(ledger, batches):
    old, new = batches
    make_problem(ledger, LAST_YEAR, batch=old, found_on=dt.date(2025, 1, 20))
    make_problem(ledger, "公车使用登记不规范", batch=old)
    live = similar.similar_problems(ledger, THIS_YEAR, batch=new)
    snap = replay.snapshot(ledger, ledger.today())
    try:
        past = similar.similar_problems(snap, THIS_YEAR, batch=new)
    finally:
        snap.close()
    assert [(s.id, s.words) for s in past] == [(s.id, s.words) for s in live]


def test_marking_a_repeat_links_it_and_counts_it(ledger, batches, tmp_path):
    old, new = batches
    earlier = make_problem(ledger, LAST_YEAR, batch=old)
    close_problem(ledger, earlier, tmp_path)
    again = make_problem(ledger, THIS_YEAR, batch=new)

    repeats.mark_repeat(ledger, again, earlier)

    assert problem(ledger, again)["recurrence_of"] == earlier
    assert problem_ids(ledger, Filter(view=REPEATS)) == [again]
    assert problem_rows(ledger, [again])[again].repeat_of == problem(ledger, earlier)["code"]
    assert stats.stats(ledger)["repeats"] == 1
    assert replay.verify(ledger).ok

    repeats.clear_repeat(ledger, again)
    assert problem(ledger, again)["recurrence_of"] is None
    assert stats.stats(ledger)["repeats"] == 0


def test_only_a_closed_problem_can_be_repeated_and_never_in_a_loop(ledger, batches, tmp_path):
    old, new = batches
    open_one = make_problem(ledger, LAST_YEAR, batch=old)
    again = make_problem(ledger, THIS_YEAR, batch=new)
    with pytest.raises(ValidationError) as caught:
        repeats.mark_repeat(ledger, again, open_one)
    assert caught.value.field == "复发自" and "尚未销号" in str(caught.value)

    close_problem(ledger, open_one, tmp_path / "a")
    repeats.mark_repeat(ledger, again, open_one)
    close_problem(ledger, again, tmp_path / "b")
    with pytest.raises(ValidationError):
        repeats.mark_repeat(ledger, open_one, again)
    with pytest.raises(WorkflowError):
        repeats.mark_repeat(ledger, again, open_one)  # already so


def test_a_closed_problem_can_still_be_marked_as_a_repeat(ledger, batches, tmp_path):
    old, new = batches
    earlier = make_problem(ledger, LAST_YEAR, batch=old)
    close_problem(ledger, earlier, tmp_path / "a")
    later = make_problem(ledger, THIS_YEAR, batch=new)
    close_problem(ledger, later, tmp_path / "b")
    repeats.mark_repeat(ledger, later, earlier)  # 导入时已销号 or closed since: still a repeat
    assert problem(ledger, later)["recurrence_of"] == earlier


def test_an_import_names_the_new_problems_that_resemble_closed_ones(ledger, tmp_path, capsys):
    from tracker.cli import main

    from ..workbooks import official

    old = services.add_batch(ledger, "2024年度组织生活会", held_on=dt.date(2024, 1, 10)).created_id
    earlier = make_problem(
        ledger, "以文件落实文件，会议文件多，基层负担较重", batch=old, found_on=dt.date(2024, 1, 10)
    )
    close_problem(ledger, earlier, tmp_path / "e")
    code = problem(ledger, earlier)["code"]
    location = ledger.location
    ledger.close()
    book = official(tmp_path / "台账.xlsx")

    assert main(["--db", str(location), "--user", "王敏", "import", str(book)]) == 0
    out = capsys.readouterr().out
    assert "可能是复发" in out
    line = next(line for line in out.splitlines() if f"≈ {code}" in line)
    assert "相似度" in line and "以文件落实文件" in line
