"""The import plan: what a workbook holds, how its columns map, and what importing it would do.

Built without writing anything, so the wizard (or `import --dry-run`) can show the mapping with
its confidence, the problems and measures, and every warning; the user may change any column's
field (`set_field`), which re-reads the rows already in memory. `importer.apply_plan` then
writes exactly this plan, re-checking names and recognised rows under the write lock.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..bulk import ProgressCallback
from ..dates import format_date
from ..errors import ValidationError
from ..ledger import Ledger
from ..limits import NAME_MAX
from ..models import Batch, Category, Department, ImportSource, Person, Problem, Source
from ..workflow import PENDING
from .cells import fingerprint
from .closing import BY_CHOICE, BY_DATE, BY_WORD
from .headers import FIELDS, IGNORE
from .parse import TableParser
from .reader import Workbook, WorkbookError, read_workbook
from .records import Column, ImportWarning, MeasurePlan, ProblemPlan, Table
from .tables import find_tables

__all__ = [
    "Column",
    "ImportOptions",
    "ImportPlan",
    "ImportWarning",
    "LedgerIndex",
    "MeasurePlan",
    "ProblemPlan",
    "Table",
    "build_plan",
]

CREATE, SKIP, UPDATE = "create", "skip", "update"
NAME_KINDS = {
    "person": Person,
    "department": Department,
    "category": Category,
    "source": Source,
    "batch": Batch,
}
KIND_LABELS = {
    "person": "人员",
    "department": "部门",
    "category": "问题类别",
    "source": "问题来源",
    "batch": "整改批次",
}


@dataclass
class ImportOptions:
    sheets: list[str] | None = None  # None: every sheet on which a ledger table is found
    batch: str | None = (
        None  # 整改批次 for every problem; None: the table's title, else the file name
    )
    # 查摆日期 where the workbook has no 查摆时间 column; None: the table's 填报日期, else the
    # batch's date in the ledger, else today (see `found_on_summary`)
    found_on: dt.date | None = None
    default_year: int | None = None  # the year of deadlines written without one (“6月底前”)
    update: bool = False  # re-import: update recognised problems instead of skipping them
    # import problems whose every measure is 已完成 (and no 销号 written) as 已销号 rather than
    # 待销号; they are marked 导入时已销号 like every problem an import crosses off
    done_as_closed: bool = False


@dataclass
class LedgerIndex:
    """What the ledger already holds, read once: recognises imported rows and names new entries."""

    by_key: dict[str, list[int]]
    status: dict[int, tuple[str, str]]  # problem id -> (code, status)
    names: dict[str, set[str]]
    batch_dates: dict[str, dt.date] = field(default_factory=dict)  # 整改批次 -> 召开日期

    @classmethod
    def read(cls, ledger: Ledger) -> LedgerIndex:
        by_key: dict[str, list[int]] = {}
        query = ledger.select(ImportSource, ImportSource.key, ImportSource.problem)
        for key, pid in query.order_by(ImportSource.id).tuples().iterator():
            by_key.setdefault(key, []).append(pid)
        status = {}
        query = ledger.select(
            Problem, Problem.id, Problem.code, Problem.description, Problem.status
        )
        for pid, code, description, state in query.order_by(Problem.id).tuples().iterator():
            status[pid] = (code, state)
            ids = by_key.setdefault(fingerprint(description), [])
            if pid not in ids:
                ids.append(pid)
        names = {
            kind: {n for (n,) in ledger.select(model, model.name).tuples()}
            for kind, model in NAME_KINDS.items()
        }
        held = ledger.select(Batch, Batch.name, Batch.held_on).where(Batch.held_on.is_null(False))
        batch_dates = {name: _as_date(day) for name, day in held.tuples()}
        return cls(by_key, status, names, batch_dates)

    def recognise(self, problem: ProblemPlan) -> int | None:
        ids = self.by_key.get(problem.key, [])
        return ids[problem.occurrence] if problem.occurrence < len(ids) else None


@dataclass
class ImportPlan:
    workbook: Workbook
    options: ImportOptions
    today: dt.date
    index: LedgerIndex
    tables: list[Table] = field(default_factory=list)
    problems: list[ProblemPlan] = field(default_factory=list)
    found_on_sources: Counter = field(default_factory=Counter)  # (source, date) -> problems
    warnings: list[ImportWarning] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)  # sheets with no ledger table

    @property
    def file_name(self) -> str:
        return self.workbook.name

    @property
    def sha256(self) -> str:
        return self.workbook.sha256

    def set_field(self, table: int, column: int, field: str | None) -> None:
        """The user's choice for one column (a FIELDS key, IGNORE, or None = 记入备注).

        A field feeds one column only: the column that had it before goes to 备注.
        """
        if field is not None and field != IGNORE and field not in FIELDS:
            raise ValueError(f"unknown field {field!r}")
        columns = self.tables[table].columns
        for col in columns:
            if field not in (None, IGNORE) and col.field == field and col.index != column:
                col.field, col.confidence, col.by_user = None, 0.0, True
        target = next((c for c in columns if c.index == column), None)
        if target is None:
            raise ValueError(f"table {table} has no column {column}")
        target.field, target.confidence, target.by_user = field, 1.0, True
        self.parse()

    def parse(self) -> None:
        """(Re)read every table's rows with the current mapping and match them to the ledger."""
        self.problems, self.warnings = [], []
        sheets = {s.name: s for s in self.workbook.sheets}
        self.found_on_sources = Counter()
        for table in self.tables:
            parser = TableParser(
                sheets[table.sheet],
                table,
                default_year=self.options.default_year,
                batch=self.options.batch or table.title or self.workbook.path.stem,
                done_as_closed=self.options.done_as_closed,
                today=self.today,
            )
            self.warnings.extend(_table_warnings(table))
            problems = parser.problems()
            for problem in problems:
                if problem.found_on is None:
                    problem.found_on, problem.found_on_from = self._found_on(table, problem)
                else:
                    problem.found_on_from = f"工作簿的“{table.column('found_on').heading}”列"
            self.problems.extend(problems)
            self.warnings.extend(parser.warnings)
        seen: Counter[str] = Counter()
        first_row: dict[str, ProblemPlan] = {}
        for problem in self.problems:
            problem.occurrence = seen[problem.key]
            seen[problem.key] += 1
            if problem.key in first_row:
                other = first_row[problem.key]
                self.warnings.append(
                    ImportWarning(
                        problem.sheet,
                        problem.first_row,
                        None,
                        f"问题描述与工作表“{other.sheet}”第{other.first_row}行相同，将作为两个问题导入",
                    )
                )
            first_row.setdefault(problem.key, problem)
            self._check_dates(problem)
            self.found_on_sources[(problem.found_on_from, problem.found_on)] += 1
            pid = self.index.recognise(problem)
            problem.existing = pid
            problem.existing_code = self.index.status[pid][0] if pid else ""
            problem.action = CREATE if pid is None else (UPDATE if self.options.update else SKIP)

    def _found_on(self, table: Table, problem: ProblemPlan) -> tuple[dt.date, str]:
        """查摆日期 of a problem the workbook gives none: (date, where it comes from, in words)."""
        if self.options.found_on:
            return self.options.found_on, "导入时指定的查摆日期"
        if table.filled_on and table.filled_on <= self.today:
            return table.filled_on, f"工作表“{table.sheet}”表头的“填报日期”"
        held = self.index.batch_dates.get(problem.batch)
        if held and held <= self.today:
            return held, f"整改批次“{problem.batch}”的召开日期"
        return self.today, "今天（工作簿中没有查摆时间，也没有填报日期）"

    def found_on_summary(self) -> list[str]:
        """Which 查摆日期 the problems get and where each comes from, for the preview."""
        return [
            f"{n} 个问题的查摆日期为{format_date(day)}：来自{source}"
            for (source, day), n in sorted(self.found_on_sources.items(), key=lambda i: -i[1])
        ]

    def _check_dates(self, problem: ProblemPlan) -> None:
        if problem.closed_on and problem.closed_on < problem.found_on:
            problem.found_on = problem.closed_on  # found no later than it was crossed off
            problem.found_on_from = "销号时间（查摆日期不晚于销号日期）"

    # -- what the wizard shows --------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        by_action = Counter(p.action for p in self.problems)
        return {
            "problems": len(self.problems),
            "create": by_action[CREATE],
            "skip": by_action[SKIP],
            "update": by_action[UPDATE],
            "measures": sum(len(p.measures) for p in self.problems if p.action == CREATE),
            "warnings": len(self.warnings),
        }

    def status_notes(self) -> list[str]:
        """What the preview must say about closures: 待销号 for all-done, 导入时已销号 for closed."""
        doing = [p for p in self.problems if p.action != SKIP]
        pending = [p for p in doing if p.all_done and p.status == PENDING]
        chosen = [p for p in doing if p.closed_by == BY_CHOICE]
        closed = [p for p in doing if p.closed_by in (BY_WORD, BY_DATE)]
        notes = []
        if pending:
            notes.append(
                f"{len(pending)} 个问题的整改措施均为“已完成”，原表没有写明销号：按“待销号”导入，"
                f"经审核后才算销号{_where(pending)}。如确认原表中这些问题已经销号，可选择"
                "“措施均已完成的问题按已销号导入”（命令行 --done-as-closed），"
                "它们将标记为“导入时已销号”。"
            )
        if chosen:
            notes.append(
                f"{len(chosen)} 个问题的整改措施均为“已完成”，按您的选择导入为“已销号”，"
                f"标记为“导入时已销号”{_where(chosen)}。"
            )
        if closed:
            notes.append(
                f"{len(closed)} 个问题按原表写明的销号（或销号时间）导入为“已销号”，标记为"
                "“导入时已销号”（没有审核人），在台账、导出和统计中单独标明。"
            )
        return notes

    def new_names(self) -> dict[str, list[str]]:
        """Dictionary entries the import would add (people, departments, …), by kind."""
        wanted: dict[str, list[str]] = {kind: [] for kind in NAME_KINDS}
        for p in self.problems:
            if p.action == SKIP:
                continue
            names = [("person", p.leader), ("department", p.department)]
            names += [("category", p.category), ("source", p.source), ("batch", p.batch)]
            for m in p.measures:
                names += [("person", m.owner), ("department", m.department)]
            for kind, name in names:
                if name and name not in self.index.names[kind] and name not in wanted[kind]:
                    wanted[kind].append(name)
        return {kind: names for kind, names in wanted.items() if names}


def _where(problems: list[ProblemPlan], shown: int = 10) -> str:
    rows = "、".join(f"工作表“{p.sheet}”第{p.first_row}行" for p in problems[:shown])
    return f"（{rows}{'等' if len(problems) > shown else ''}）"


def _as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _table_warnings(table: Table) -> list[ImportWarning]:
    out = []
    fields = {c.field for c in table.columns}
    row = table.header_rows[-1]
    if "description" not in fields:
        out.append(ImportWarning(table.sheet, row, None, "没有找到“问题描述”列，无法导入问题"))
    if "measure" not in fields:
        out.append(
            ImportWarning(table.sheet, row, None, "没有找到“整改措施”列，问题将不带整改措施导入")
        )
    for col in table.columns:
        if col.field not in (None, IGNORE) and col.confidence < 0.8 and not col.by_user:
            out.append(
                ImportWarning(
                    table.sheet,
                    row,
                    col.heading,
                    f"按“{FIELDS[col.field]}”导入（把握度 {col.confidence:.0%}），请核对",
                )
            )
    return out


# -- finding the tables ------------------------------------------------------------------------------
def build_plan(
    ledger: Ledger,
    source: str | Path | Workbook,
    options: ImportOptions | None = None,
    *,
    progress: ProgressCallback = None,
) -> ImportPlan:
    """Read a workbook and work out the import; nothing is written. Raises WorkbookError."""
    options = options or ImportOptions()
    if options.batch and len(options.batch.strip()) > NAME_MAX:
        raise ValidationError("整改批次", f"名称不能超过 {NAME_MAX} 个字。")
    workbook = source if isinstance(source, Workbook) else read_workbook(source, progress=progress)
    names = [s.name for s in workbook.sheets]
    if options.sheets:
        missing = [n for n in options.sheets if n not in names]
        if missing:
            raise WorkbookError(
                f"工作簿中没有名为“{'、'.join(missing)}”的工作表。现有工作表：{'、'.join(names)}"
            )
    plan = ImportPlan(workbook, options, ledger.today(), LedgerIndex.read(ledger))
    for sheet in workbook.sheets:
        if options.sheets and sheet.name not in options.sheets:
            continue
        found = find_tables(sheet)
        if found:
            plan.tables.extend(found)
        else:
            plan.skipped_sheets.append(sheet.name)
    if not plan.tables:
        where = f"工作表“{'、'.join(options.sheets)}”" if options.sheets else "任何工作表"
        raise WorkbookError(
            f"在“{workbook.name}”的{where}中没有找到台账表头。"
            "表头应有“问题描述”“整改措施”“责任人”“整改时限”等列（名称可以不完全相同）。"
        )
    plan.parse()
    return plan
