"""The 月报's numbers: totals, the month's changes and breakdowns, counted by SQL on a ledger.

The ledger given is the one as it stood at the report's moment (a snapshot for a past month), so
every figure is "as of" that moment without any date logic here beyond the month's bounds.
"本月新增" counts problems whose 发现日期 falls in the month (and their measures); "本月销号"
and "本月完成" count 销号 and completion dates in the month: business dates a supervisor can
check against the table, not the moment somebody typed them in. Overdue is `tracker.overdue`'s
rule at the end of the month (or today for the current month), exactly as `stats` counts it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass, field, fields

from peewee import JOIN, SQL, Case, fn

from .. import workflow
from ..import_closure import closed_on_import_condition
from ..ledger import Ledger
from ..models import Batch, Category, Department, Measure, Problem
from ..overdue import closure_rate, overdue_measure_condition
from ..tags import codes as tag_codes

OPEN_STATUSES = (workflow.LISTED, workflow.IN_PROGRESS, workflow.PENDING)  # 正在整改
NO_CATEGORY, NO_DEPARTMENT, NO_BATCH = "未分类", "未指定部门", "未归入批次"


@dataclass
class Line:
    """One line of figures (the whole ledger, or one category / department / batch)."""

    problems: int = 0
    new: int = 0
    closed: int = 0
    closed_in_month: int = 0
    long_term: int = 0
    open: int = 0  # 正在整改: 挂账 + 整改中 + 待销号
    overdue: int = 0  # problems with an overdue measure
    measures: int = 0
    measures_new: int = 0
    measures_done: int = 0
    measures_done_in_month: int = 0
    measures_long_term: int = 0
    measures_open: int = 0
    measures_overdue: int = 0
    # 措施类型: measures carrying each tag, and the money recovered or returned (分)
    tags_rules: int = 0
    tags_accountability: int = 0
    tags_recovery: int = 0
    tags_study: int = 0
    tags_lessons: int = 0
    recovered_cents: int = 0

    @property
    def rate(self) -> float:
        return closure_rate(self.closed, self.problems)

    @property
    def measures_rate(self) -> float:
        return closure_rate(self.measures_done, self.measures)

    def add(self, other: Line) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))


@dataclass
class Figures:
    first: dt.date
    last: dt.date
    today: dt.date  # the day overdue is judged on
    total: Line
    by_category: list[tuple[str, Line]] = field(default_factory=list)
    by_department: list[tuple[str, Line]] = field(default_factory=list)
    by_batch: list[tuple[str, Line]] = field(default_factory=list)
    closed_on_import: int = 0  # of `total.closed`: 已销号 with no review (tracker/import_closure)


def _by(columns: tuple) -> list:
    """GROUP BY 1, 2, …: an expression with parameters (a CASE on dates) repeated in GROUP BY is
    not recognised as the selected one by a server that binds parameters (PostgreSQL, psycopg 3)."""
    return [SQL(str(i)) for i in range(1, len(columns) + 1)]


def _in(column, first: dt.date, last: dt.date):
    return Case(None, [((column >= first) & (column <= last), 1)], 0)


def figures(source: Ledger, first: dt.date, last: dt.date) -> Figures:
    """All the 汇总 sheet's numbers in three grouped queries (problems, measures, overdue)."""
    today = source.today()
    keys = ("category", "department", "batch")
    lines: dict[tuple, Line] = defaultdict(Line)
    group = (Problem.category, Problem.department, Problem.batch)
    columns = (*group, Problem.status, _in(Problem.found_on, first, last))
    columns += (_in(Problem.closed_on, first, last),)
    problems = (
        source.select(Problem, *columns, fn.COUNT(Problem.id))
        .where(Problem.status != workflow.VOID)
        .group_by(*_by(columns))
        .tuples()
    )
    for cat, dept, batch, status, new, closed_now, n in problems:
        line = lines[(cat, dept, batch)]
        line.problems += n
        line.new += n if new else 0
        if status == workflow.CLOSED:
            line.closed += n
            line.closed_in_month += n if closed_now else 0
        elif status == workflow.LONG_TERM:
            line.long_term += n
        else:
            line.open += n
    overdue = Case(None, [(overdue_measure_condition(today), 1)], 0)
    columns = (*group, Measure.status, _in(Problem.found_on, first, last))
    columns += (_in(Measure.done_on, first, last), overdue, Measure.tags)
    measures = (
        source.select(Measure, *columns, fn.COUNT(Measure.id), fn.SUM(Measure.amount_cents))
        .join(Problem, JOIN.INNER, on=(Measure.problem == Problem.id))
        .where((Problem.status != workflow.VOID) & (Measure.status != workflow.M_VOID))
        .group_by(*_by(columns))
        .tuples()
    )
    for cat, dept, batch, status, new, done_now, late, tagged, n, cents in measures:
        line = lines[(cat, dept, batch)]
        for code in tag_codes(tagged):
            name = f"tags_{code}"
            setattr(line, name, getattr(line, name) + n)
        line.recovered_cents += cents or 0
        line.measures += n
        line.measures_new += n if new else 0
        line.measures_overdue += n if late else 0
        if status == workflow.M_DONE:
            line.measures_done += n
            line.measures_done_in_month += n if done_now else 0
        elif status == workflow.M_LONG_TERM:
            line.measures_long_term += n
        else:
            line.measures_open += n
    late_problems = (
        source.select(Measure, *group, fn.COUNT(fn.DISTINCT(Problem.id)))
        .join(Problem, JOIN.INNER, on=(Measure.problem == Problem.id))
        .where(overdue_measure_condition(today))
        .group_by(*group)
        .tuples()
    )
    for cat, dept, batch, n in late_problems:
        lines[(cat, dept, batch)].overdue += n
    total = Line()
    for line in lines.values():
        total.add(line)
    out = Figures(first, last, today, total)
    out.closed_on_import = source.select(Problem).where(closed_on_import_condition()).count()
    out.by_category = _breakdown(source, lines, keys.index("category"), Category, NO_CATEGORY)
    out.by_department = _breakdown(
        source, lines, keys.index("department"), Department, NO_DEPARTMENT
    )
    out.by_batch = _breakdown(source, lines, keys.index("batch"), Batch, NO_BATCH)
    return out


def _breakdown(
    source: Ledger, lines: dict[tuple, Line], position: int, model, missing: str
) -> list[tuple[str, Line]]:
    """Lines summed per group, in the dictionary's order, groups without problems left out."""
    grouped: dict[int | None, Line] = defaultdict(Line)
    for key, line in lines.items():
        grouped[key[position]].add(line)
    order = model.sort_order if hasattr(model, "sort_order") else model.held_on
    names = source.select(model, model.id, model.name).order_by(order, model.id).tuples()
    out = [(name, grouped[pk]) for pk, name in names if grouped.get(pk) and grouped[pk].problems]
    if None in grouped and grouped[None].problems:
        out.append((missing, grouped[None]))
    return out


def figures_json(numbers: Figures) -> dict:
    """The figures as plain data (what a report's machine data carries; rates included)."""

    def line(x: Line) -> dict:
        return {**asdict(x), "rate": x.rate, "measures_rate": x.measures_rate}

    return {
        "first": numbers.first.isoformat(),
        "last": numbers.last.isoformat(),
        "today": numbers.today.isoformat(),
        "total": line(numbers.total),
        "by_category": [[name, line(x)] for name, x in numbers.by_category],
        "by_department": [[name, line(x)] for name, x in numbers.by_department],
        "by_batch": [[name, line(x)] for name, x in numbers.by_batch],
        "closed_on_import": numbers.closed_on_import,
    }
