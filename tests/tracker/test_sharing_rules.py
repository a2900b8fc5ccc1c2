"""Every table a member can write is covered by a rule: a table added later (a merge) cannot
slip past the role and branch checks unnoticed. No server needed."""

from __future__ import annotations

from tracker.models import ALL_MODELS, JOURNALED
from tracker.sharing import functions, rules, schema


def test_every_journaled_table_has_a_rule_for_members():
    covered = {"problem", "measure", *rules.SCOPED, *rules.TERM_TABLES, *rules.MANAGED}
    assert set(JOURNALED) <= covered, set(JOURNALED) - covered


def test_every_table_below_a_problem_is_kept_to_the_members_branch_in_both_checks():
    assert set(rules.SCOPED) == set(schema.SCOPE_OF) == set(functions.OLD_SCOPE)


def test_every_table_is_guarded_in_the_database():
    tables = {m._meta.table_name for m in ALL_MODELS}
    assert tables == {*schema.DATA_TABLES, "journal"}
    assert set(schema.WRITTEN) | set(schema.APPENDED) >= tables
