"""措施类型: a measure's tags (建章立制, 追责问责, 挽回损失/清退资金 with an amount, 专题学习, 举一反三),
journaled and replayed; an older ledger upgraded to them still verifies."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tracker import history, migrations, replay, services, tags
from tracker.errors import ValidationError
from tracker.ledger import open_ledger
from tracker.models import Measure, Progress

from .factories import make_problem, measure, measure_ids

OLD_LEDGER = Path(__file__).resolve().parents[1] / "data" / "ledger-v9.db"


def test_a_measure_carries_its_tags_and_the_amount_recovered(ledger):
    pid = make_problem(ledger)
    (mid,) = measure_ids(ledger, pid)

    services.update_measure(
        ledger, mid, tags=(tags.RECOVERY, tags.RULES), amount=tags.cents_of("3.2万元")
    )

    m = measure(ledger, mid)
    assert m["tags"] == "rules,recovery"  # stored in the one order, whatever order given
    assert m["amount_cents"] == 3_200_000
    assert tags.label_text(m["tags"], m["amount_cents"]) == "建章立制、挽回损失/清退资金（3.2万元）"
    lines = [line for item in history.problem_history(ledger, pid) for line in item.lines]
    assert any("措施类型" in line and "建章立制、挽回损失/清退资金" in line for line in lines)
    assert any("金额" in line and "3.2万元" in line for line in lines)
    assert replay.verify(ledger).ok


def test_tags_are_given_when_a_measure_is_added(ledger):
    pid = make_problem(ledger)
    services.add_measure(
        ledger, pid, services.MeasureInput("开展专题学习", tags=(tags.STUDY, tags.LESSONS))
    )
    assert measure(ledger, measure_ids(ledger, pid)[-1])["tags"] == "study,lessons"


def test_an_amount_needs_the_recovery_tag_and_is_never_negative(ledger):
    pid = make_problem(ledger)
    (mid,) = measure_ids(ledger, pid)
    with pytest.raises(ValidationError) as caught:
        services.update_measure(ledger, mid, tags=(tags.RULES,), amount=100)
    assert "挽回损失" in str(caught.value)
    with pytest.raises(ValidationError):
        services.update_measure(ledger, mid, tags=(tags.RECOVERY,), amount=-1)
    with pytest.raises(ValidationError) as caught:
        services.update_measure(ledger, mid, tags=("bribes",))
    assert "措施类型" in str(caught.value)


def test_dropping_the_recovery_tag_drops_its_amount(ledger):
    pid = make_problem(ledger)
    (mid,) = measure_ids(ledger, pid)
    services.update_measure(ledger, mid, tags=(tags.RECOVERY,), amount=50_000)

    services.update_measure(ledger, mid, tags=(tags.RULES,))

    assert (measure(ledger, mid)["tags"], measure(ledger, mid)["amount_cents"]) == ("rules", None)


@pytest.mark.parametrize(
    "cell, codes, cents, unknown",
    [
        ("建章立制、挽回损失、追责问责", ("rules", "accountability", "recovery"), None, []),
        ("清退资金3.2万元；举一反三", ("recovery", "lessons"), 3_200_000, []),
        ("专题学习,问责（2人）", ("accountability", "study"), None, ["2人"]),
        ("挽回经济损失12000元", ("recovery",), 1_200_000, []),
    ],
)
def test_a_措施类型_cell_is_read_as_tags_and_an_amount(cell, codes, cents, unknown):
    assert tags.read_words(cell) == (codes, cents, unknown)


def test_an_older_ledger_gets_the_new_columns_and_still_verifies(tmp_path):
    """A ledger written by the version before tags (schema 9, with an import) is upgraded; its
    old entries replay with the new columns' defaults, so verify, snapshots and new edits agree."""
    path = tmp_path / "old.db"
    shutil.copy(OLD_LEDGER, path)
    clock = lambda: dt.datetime(2026, 4, 20, 9, 0)  # noqa: E731

    with open_ledger(path, clock=clock) as upgraded:
        assert migrations.schema_version(upgraded.db) == migrations.LATEST
        assert replay.verify(upgraded).ok
        rows = upgraded.select(Measure, Measure.tags, Measure.amount_cents).tuples()
        assert set(rows) == {("", None)}
        assert {o for (o,) in upgraded.select(Progress, Progress.origin).tuples()} == {""}

        first = upgraded.select(Measure, Measure.id).order_by(Measure.id).scalar()
        services.update_measure(upgraded, first, tags=(tags.RULES,))
        assert replay.verify(upgraded).ok
        past = replay.snapshot(upgraded, dt.date(2026, 3, 31))
        try:
            assert {t for (t,) in past.select(Measure, Measure.tags).tuples()} == {""}
        finally:
            past.close()
