"""verify reads what is stored, not what Peewee makes of it: dates, yes/no flags, the meta table.

Each story is an edit made with a database tool that leaves the value "the same" to a reader that
converts (2026-4-30 is still 30 April, 2 is still true) while the program's SQL sees something
else: the overdue counts drop, an evidence file vanishes from the lists, a code counter goes back.
"""

from __future__ import annotations

import pytest

from tracker import nearest_due, replay, services, stats
from tracker.cli import main
from tracker.ledger import open_ledger
from tracker.models import Meta, Problem

from .factories import extend, make_problem, measure_ids, ready_for_closure


def findings(ledger) -> list[str]:
    report = replay.verify(ledger)
    assert not report.ok, "verify passed a ledger edited behind the program's back"
    return report.problems


@pytest.fixture
def overdue_ledger(ledger, clock, tmp_path):
    """Two problems, one measure overdue (deadline 2026-04-30, today 2026-05-10), evidence added."""
    a = make_problem(ledger, "会议多", deadlines=("2026年4月30日",))
    b = make_problem(ledger, "文件多", deadlines=("2026年6月30日",))
    ready_for_closure(ledger, b, tmp_path / "files")
    clock.advance(days=69)
    assert stats.stats(ledger)["overdue_measures"] == 1
    return {"a": a, "b": b}


# -- rows: the stored form of every journaled column -------------------------------------------
@pytest.mark.parametrize(
    ("sql", "field", "stored"),
    [
        ("UPDATE measure SET deadline_date = '2026-4-30'", "到期日期", "'2026-4-30'"),
        ("UPDATE problem SET found_on = found_on || ' 00:00:00'", "查摆日期", "00:00:00"),
        ("UPDATE evidence SET active = 2", "有效", "2"),
        ("UPDATE category SET active = -1 WHERE id = 1", "有效", "-1"),
    ],
)
def test_a_value_stored_in_another_form_is_named(overdue_ledger, ledger, sql, field, stored):
    ledger.db.execute_sql(sql)

    found = findings(ledger)

    assert any(f"“{field}”" in m and stored in m and "程序之外" in m for m in found), found


def test_a_date_without_leading_zeros_no_longer_passes_after_reindex(overdue_ledger, ledger):
    """The attack of issue 17: verify advised reindex, reindex blessed the rewritten dates."""
    ledger.db.execute_sql("UPDATE measure SET deadline_date = '2026-4-30'")
    assert stats.stats(ledger)["overdue_measures"] == 0  # what the rewrite does to the figures
    ledger.close()

    assert main(["--db", ledger.location, "reindex"]) == 2
    assert main(["--db", ledger.location, "verify"]) == 1


def test_reindex_refuses_rows_that_do_not_match_the_journal_and_says_why(
    overdue_ledger, ledger, capsys
):
    ledger.db.execute_sql("UPDATE evidence SET active = 2")
    ledger.db.execute_sql("UPDATE problem SET nearest_due = NULL")
    ledger.close()
    capsys.readouterr()

    assert main(["--db", ledger.location, "reindex"]) == 2

    err = capsys.readouterr().err
    assert "拒绝" in err and "佐证材料" in err and "有效" in err
    with open_ledger(ledger.location) as again:
        assert nearest_due.stale(again.db)  # nothing was rebuilt


def test_reindex_still_rebuilds_derived_data_of_an_honest_ledger(overdue_ledger, ledger, capsys):
    ledger.db.execute_sql("UPDATE problem SET nearest_due = NULL")
    ledger.close()

    assert main(["--db", ledger.location, "reindex"]) == 0
    assert main(["--db", ledger.location, "verify"]) == 0


def test_an_honest_ledger_with_every_kind_of_column_verifies(overdue_ledger, ledger):
    services.void_problem(ledger, overdue_ledger["a"], "重复挂账")
    report = replay.verify(ledger)
    assert report.ok, report.problems


# -- meta: schema version, application, code counters -------------------------------------------
def set_meta(ledger, key: str, value: str) -> None:
    ledger.db.execute_sql("UPDATE meta SET value = ? WHERE key = ?", (value, key))


def test_a_code_counter_rolled_back_below_the_codes_in_use_is_named(ledger):
    for n in range(3):
        make_problem(ledger, f"问题{n}")

    set_meta(ledger, "code_counter.2026", "1")

    (message,) = findings(ledger)
    assert "问题编号计数器" in message and "2026" in message and "2026-003" in message


def test_a_new_problem_after_a_rolled_back_counter_gets_the_next_free_code(ledger):
    for n in range(3):
        make_problem(ledger, f"问题{n}")
    set_meta(ledger, "code_counter.2026", "1")

    pid = make_problem(ledger, "第四个问题")

    code = ledger.select(Problem, Problem.code).where(Problem.id == pid).scalar()
    assert code == "2026-004"
    assert replay.verify(ledger).ok  # the counter caught up with the codes in use


def test_a_garbled_code_counter_is_named_and_does_not_stop_new_problems(ledger):
    make_problem(ledger, "问题一")
    set_meta(ledger, "code_counter.2026", "abc")

    (message,) = findings(ledger)
    assert "问题编号计数器" in message and "abc" in message

    pid = make_problem(ledger, "问题二")
    assert ledger.select(Problem, Problem.code).where(Problem.id == pid).scalar() == "2026-002"


@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("schema_version", "07", "结构版本"),
        ("application", "other-program", "程序标识"),
    ],
)
def test_a_changed_meta_value_is_named(ledger, key, value, words):
    make_problem(ledger)
    set_meta(ledger, key, value)

    (message,) = findings(ledger)
    assert words in message and value in message


def test_an_unknown_meta_key_is_reported(ledger):
    Meta.insert(key="owner_override", value="1").execute(ledger.db)

    (message,) = findings(ledger)
    assert "owner_override" in message


def test_a_missing_application_mark_is_reported(ledger):
    ledger.db.execute_sql("DELETE FROM meta WHERE key = 'application'")

    (message,) = findings(ledger)
    assert "程序标识" in message and "缺少" in message


def test_measures_and_progress_of_an_honest_ledger_keep_verifying(ledger, clock):
    pid = make_problem(ledger, deadlines=("2026年4月30日", "长期坚持"))
    first, _ = measure_ids(ledger, pid)
    services.add_progress(ledger, first, "制定会议清单")
    extend(ledger, first, "2026年5月31日", "等上级文件")
    assert replay.verify(ledger).ok


def test_a_damaged_signing_key_is_named_without_showing_the_key(ledger):
    key = ledger.db.execute_sql("SELECT value FROM meta WHERE key = 'signing_key'").fetchone()[0]
    set_meta(ledger, "signing_key", key[:-8])

    (message,) = findings(ledger)
    assert "报表签名密钥" in message and key[:12] not in message


def test_a_ledger_id_rewritten_is_named(ledger):
    set_meta(ledger, "ledger_id", "another-ledger")

    (message,) = findings(ledger)
    assert "台账标识" in message and "another-ledger" in message


def test_a_flood_of_one_edit_does_not_hide_another(ledger, tmp_path):
    """Hundreds of rewritten dates are counted, and the flag and the counter still get a line."""
    for n in range(30):
        make_problem(ledger, f"问题{n}", deadlines=("2026年4月30日", "2026年5月31日"))
    ready_for_closure(ledger, 1, tmp_path / "files")
    ledger.db.execute_sql("UPDATE measure SET deadline_date = '2026-4-30'")
    ledger.db.execute_sql("UPDATE evidence SET active = 2")
    set_meta(ledger, "code_counter.2026", "1")

    found = findings(ledger)

    assert any(line.startswith("……另有 ") and "到期日期" in line for line in found)
    assert any("佐证材料" in line and "“有效”" in line for line in found)
    assert any("问题编号计数器" in line for line in found)
