"""The 整改台账 table, laid out for A4 landscape: its columns, each problem's rows, the pages.

Columns are chosen per export: the 完整表 or the 简表 (序号, 问题, 措施, 责任领导/部门/人, 时限,
完成情况, 是否销号), less any column that would be empty for the whole export. Every cell's text
is broken into lines here (`linebreak`), so each row's height is known and `printing.Pages` can
keep a problem on one page, or carry a problem taller than a page over under its description
repeated (“（续上页）”). The file records which columns were broken and how wide, so that the
importer reading the ledger back joins the lines again (`restore_lines`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from openpyxl.packaging.custom import StringProperty
from openpyxl.utils import get_column_letter

from .. import import_closure, tags, workflow
from ..dates import format_date
from ..import_closure import status_label
from ..overdue import is_overdue
from .linebreak import CONTINUED, PROPERTY, wrap
from .printed_sheet import Row
from .printing import Spec, capacity
from .rows import MeasureLine, ProblemGroup, progress_entry

OVERDUE_WORD = "逾期"
SHEET = "整改台账"

SPECS = {
    s.key: s
    for s in (
        Spec("seq", "序号", least=5.0, most=6.0),
        Spec("code", "问题编号", least=10.5, most=11.0),
        Spec("source", "问题来源", least=7.5, most=11.5),
        Spec("category", "问题类别", least=7.5, most=11.5),
        Spec(
            "description", "问题描述（具体表现）", text=True, weight=3, least=10.5, centered=False
        ),
        Spec("cause", "原因分析", text=True, weight=2, least=8.5, centered=False),
        Spec("target", "整改目标", text=True, weight=2, least=8.5, centered=False),
        Spec("measure", "整改措施", text=True, weight=3, least=10.5, centered=False),
        Spec("tags", "措施类型", least=8.5, most=11.5),
        Spec("leader", "责任领导", least=7.0, most=9.5),
        Spec("department", "责任部门", least=7.5, most=11.5),
        Spec("owner", "责任人", least=7.0, most=9.5),
        Spec("deadline", "整改时限", least=8.5, most=13.0),
        Spec("progress", "整改进展", text=True, weight=3, least=10.5, centered=False),
        Spec("state", "完成情况", least=11.0, most=13.0),
        Spec("closed", "是否销号", least=5.5, most=5.5),
        Spec("closed_on", "销号时间", least=8.5, most=10.5),
        Spec("evidence", "佐证材料", text=True, weight=1.5, least=7.5, centered=False),
        Spec("remarks", "备注", text=True, weight=1.5, least=7.5, centered=False),
    )
}
FULL = tuple(SPECS)
BRIEF = ("seq", "description", "measure", "leader", "department", "owner", "deadline", "state")
BRIEF += ("closed",)
ALWAYS = {"seq", "description", "measure", "state", "closed"}  # never left out for being empty
PROBLEM_KEYS = {"seq", "code", "source", "category", "description", "cause", "target", "leader"}
PROBLEM_KEYS |= {"closed", "closed_on", "evidence", "remarks"}
LISTS = {"evidence", "remarks"}  # one item a line, broken like prose where an item is long


@dataclass
class Table:
    """The export's columns as planned: keys, widths, the print scale."""

    keys: list[str]
    widths: list[float]
    scale: float
    omitted: list[str] = field(default_factory=list)  # headings left out for being empty

    def __post_init__(self) -> None:
        self.index = {key: i for i, key in enumerate(self.keys)}
        self.problem_columns = tuple(i + 1 for i, k in enumerate(self.keys) if k in PROBLEM_KEYS)
        # how each column's text is broken: (half-widths, balanced), asked for every cell
        self._breaking = {
            k: (capacity(w), SPECS[k].centered) for k, w in zip(self.keys, self.widths, strict=True)
        }

    @property
    def specs(self) -> list[Spec]:
        return [SPECS[k] for k in self.keys]

    def fit(self, key: str, text: str) -> str:
        return wrap(text, *self._breaking[key])

    def lines_property(self, first_row: int) -> StringProperty:
        """What `restore_lines` needs: the table's first row, columns whose lines are joined
        whole (short values), and the prose columns with the width they were broken to."""
        join, prose, ignore = [], {}, []
        for i, key in enumerate(self.keys):
            letter = get_column_letter(i + 1)
            if key == "closed":
                ignore.append(letter)  # 完成情况 says it; 是否销号 is for the reader
            elif SPECS[key].text or key in LISTS:
                prose[letter] = capacity(self.widths[i])
            elif key != "seq":
                join.append(letter)
        value = {"sheet": SHEET, "first_row": first_row, "join": join, "prose": prose}
        value["ignore"] = ignore
        if "description" in self.index:
            value["continued"] = get_column_letter(self.index["description"] + 1)
        return StringProperty(name=PROPERTY, value=json.dumps(value, ensure_ascii=False))


def measure_rows(table: Table, g: ProblemGroup, today: dt.date) -> list[Row]:
    """Each measure's row (one empty row for a problem without measures)."""
    open_left = any(x.status == workflow.M_OPEN for x in g.measures)
    any_done = any(x.status == workflow.M_DONE for x in g.measures)
    return [measure_row(table, g, m, today, open_left, any_done) for m in g.measures or [None]]


def measure_row(
    table: Table,
    g: ProblemGroup,
    m: MeasureLine | None,
    today: dt.date,
    open_left: bool,
    any_done: bool,
) -> Row:
    """The cells of one measure's row that belong to the measure (not the problem)."""
    overdue = m is not None and is_overdue(m.status, m.deadline_date, g.status, today)
    state = completion(g.status, m, overdue, open_left, any_done, g.reviewer)
    values: dict[str, str] = {"state": state}
    if m is not None:
        values |= {
            "measure": m.text,
            "tags": tags.label_text(m.tags, m.amount_cents),
            "department": m.department,
            "owner": m.owner,
            "deadline": m.deadline_text,
            "progress": progress_text(m),
        }
    index, fit = table.index, table.fit
    cells = {k: fit(k, v) for k, v in values.items() if v and k in index}
    lines = max(v.count("\n") for v in cells.values()) + 1 if cells else 1
    return Row(cells, lines, overdue)


def shared_cells(table: Table, number: int, g: ProblemGroup, continued: bool = False) -> dict:
    """The problem's own cells (merged down its rows); a continuation repeats its description."""
    if continued:
        values = {"seq": number, "code": g.code, "description": g.description}
    else:
        values = problem_values(number, g)
    out = {}
    for key, value in values.items():
        if key not in table.index or key not in PROBLEM_KEYS or value in ("", None):
            continue
        out[key] = value if isinstance(value, int) else table.fit(key, value)
    if continued and "description" in out:
        out["description"] = f"{CONTINUED}\n{out['description']}"
    return out


def problem_values(number: int, g: ProblemGroup) -> dict:
    """A problem's own values by column key, as the export and the 问题清单 write them."""
    closed = g.status == workflow.CLOSED
    return {
        "seq": number,
        "code": g.code,
        "source": g.source,
        "category": g.category,
        "description": g.description,
        "cause": g.cause,
        "target": g.target,
        "leader": g.leader,
        "department": g.department,
        "measures": len(g.measures),
        "status": status_label(g.status, g.reviewer),
        "closed": "是" if closed else "否",
        "closed_on": format_date(g.closed_on) if closed else "",
        "evidence": "\n".join(g.evidence),
        "remarks": remarks(g),
    }


def progress_text(m: MeasureLine) -> str:
    """Dated entries, oldest first: “2026年3月5日 李娜：召开专题会议…”."""
    return "\n".join(progress_entry(*entry) for entry in m.progress)


def completion(
    problem_status: str,
    m: MeasureLine | None,
    overdue: bool,
    open_left: bool,
    any_done: bool,
    reviewer: str,
) -> str:
    """完成情况 of one measure row, in words the importer reads back to the same problem status.

    A crossed-off or pending problem speaks for all its rows; otherwise each row tells its
    measure's state, worded so the problem's own state is still recognisable when none of its
    measures is open (the importer derives the problem's status from these words).
    """
    if problem_status == workflow.CLOSED:
        return import_closure.status_label(problem_status, reviewer)  # 已销号 / 导入时已销号
    if problem_status == workflow.PENDING:
        return "待销号"
    if problem_status == workflow.VOID:
        return "已作废"
    if problem_status == workflow.LISTED:
        return f"{OVERDUE_WORD}未开始" if overdue else "未开始"
    if m is None:
        return workflow.STATUS_LABELS.get(problem_status, problem_status)
    if overdue:
        return OVERDUE_WORD
    in_progress_only = problem_status == workflow.IN_PROGRESS and not open_left
    if m.status == workflow.M_DONE:
        return "已完成（整改中）" if in_progress_only else "已完成"
    if m.status == workflow.M_LONG_TERM:
        return "整改中" if in_progress_only and not any_done else "长期坚持"
    return "正在整改"


def remarks(g: ProblemGroup) -> str:
    """The problem's own remarks, then what the table has no column for: recurrence (复发),
    extensions and 催办 (tracker/followup)."""
    parts = [g.remarks.strip()] if g.remarks.strip() else []
    if g.recurrence_of:
        parts.append(f"复发：问题 {g.recurrence_of} 再次出现")
    for m in g.measures:
        if m.extensions:
            first_old = m.extensions[0][0] or "未填写"
            parts.append(f"措施{m.seq}延期{len(m.extensions)}次（原时限：{first_old}）")
        if m.chases:
            parts.append(f"措施{m.seq}催办 {m.chases} 次")
    return "\n".join(parts)
