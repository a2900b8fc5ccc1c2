"""Names typed into a form's picker become 名录 entries on the spot, journaled like any change."""

from __future__ import annotations

import pytest

from tracker import journal, services
from tracker.errors import ValidationError
from tracker.models import Batch, Department, Person
from tracker.replay import verify
from tracker.services.dictionaries import NAME_MAX, entry_state


@pytest.mark.parametrize(
    ("kind", "model", "action"),
    [
        ("department", Department, "department.create"),
        ("person", Person, "person.create"),
        ("batch", Batch, "batch.create"),
    ],
)
def test_a_new_name_is_added_and_journaled(ledger, kind, model, action):
    changes = services.add_entry(ledger, kind, "  办公室  ")
    row = ledger.select(model).where(model.id == changes.created_id).dicts().first()
    assert row["name"] == "办公室"
    assert changes.dictionaries
    last = list(journal.entries(ledger.db))[-1]
    assert last.action == action and last.actor == "王敏"
    assert verify(ledger).ok


def test_categories_and_sources_too(ledger):
    category = services.add_entry(ledger, "category", "意识形态").created_id
    source = services.add_entry(ledger, "source", "领导点评").created_id
    assert entry_state(ledger, "category", "意识形态") == (category, True)
    assert entry_state(ledger, "source", "领导点评") == (source, True)


def test_the_same_limits_as_the_directory(ledger):
    with pytest.raises(ValidationError) as empty:
        services.add_entry(ledger, "department", "   ")
    assert empty.value.field == "部门"
    with pytest.raises(ValidationError) as long:
        services.add_entry(ledger, "person", "张" * (NAME_MAX + 1))
    assert long.value.field == "人员" and str(NAME_MAX) in str(long.value)
    services.add_entry(ledger, "batch", "2026年组织生活会")
    with pytest.raises(ValidationError) as twice:
        services.add_entry(ledger, "batch", "2026年组织生活会")
    assert "已存在" in str(twice.value)


def test_a_retired_name_is_brought_back_rather_than_duplicated(ledger):
    pid = services.add_entry(ledger, "department", "宣传部").created_id
    services.set_term_active(ledger, "department", pid, False)
    assert entry_state(ledger, "department", "宣传部") == (pid, False)
    changes = services.add_entry(ledger, "department", "宣传部")
    assert changes.created_id == pid
    assert entry_state(ledger, "department", "宣传部") == (pid, True)
    assert list(journal.entries(ledger.db))[-1].action == "department.edit"


def test_an_unknown_kind_is_a_programming_error(ledger):
    with pytest.raises(ValueError):
        services.add_entry(ledger, "planet", "火星")
