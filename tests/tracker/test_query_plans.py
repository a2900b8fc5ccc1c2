"""The ledger table's default order is read from an index: the first page needs no full sort."""

from __future__ import annotations

from tracker import services
from tracker.queries import Filter, code_order, problem_ids


def _plan(ledger, query) -> str:
    sql, params = query.sql()
    rows = ledger.db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params).fetchall()
    return " | ".join(row[-1] for row in rows)


def test_the_code_order_is_served_by_its_expression_index(ledger):
    from tracker.models import Problem

    services.create_problem(ledger, description="会议记录不规范")
    query = (
        Problem.select(Problem.id)
        .where(Problem.status != "void")
        .order_by(*code_order(), Problem.id)
        .limit(201)
        .bind(ledger.db)
    )
    plan = _plan(ledger, query)
    assert "problem_code_order" in plan and "TEMP B-TREE" not in plan, plan


def test_the_first_page_is_the_head_of_the_whole_list(ledger, clock):
    for i in range(12):
        services.create_problem(ledger, description=f"问题{i}")
    for descending in (False, True):
        everything = problem_ids(ledger, Filter(), "code", descending)
        assert problem_ids(ledger, Filter(), "code", descending, limit=5) == everything[:5]
