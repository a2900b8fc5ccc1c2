"""No cell with content is lost: every value of every data row is found again in the ledger.

What a column feeds decides where a value lands (a field, a name, a deadline, a progress entry);
what feeds nothing lands in 备注 as “列名：内容”. Only 序号 is not kept: it numbers the rows.
"""

from __future__ import annotations

import pytest

from tracker.dates import format_date
from tracker.deadlines import parse_deadline
from tracker.excel.cells import (
    as_text,
    read_date,
    read_status,
    read_yes,
    split_names,
    split_numbered,
)
from tracker.excel.headers import IGNORE
from tracker.excel.parse import TableParser
from tracker.models import Batch, Category, Department, Measure, Person, Problem, Progress, Source

from . import workbooks as W
from .test_excel_import import do_import

BOOKS = [
    "official",
    "two_row_header",
    "wps_style",
    "several_sheets",
    "two_vocabularies",
    "free_text_status",
    "inspection_system",
    "spread_rows",
    "description_first",
]


def ledger_text(ledger) -> str:
    """Everything a reader of the ledger can see, as one text."""
    parts: list[str] = []
    for model in (Person, Department, Category, Source, Batch):
        parts += [n for (n,) in ledger.select(model, model.name).tuples()]
    parts += [p for (p,) in ledger.select(Person, Person.post).tuples()]
    for row in ledger.select(Problem).dicts():
        parts += [row[k] or "" for k in ("code", "description", "cause", "target", "remarks")]
        parts += [format_date(row[k]) for k in ("found_on", "closed_on") if row[k]]
    for row in ledger.select(Measure).dicts():
        parts += [row["text"], row["deadline_text"]]
        parts += [format_date(row[k]) for k in ("deadline_date", "done_on") if row[k]]
    parts += [t for (t,) in ledger.select(Progress, Progress.text).tuples()]
    return "\n".join(parts)


def kept(field: str, value, text: str) -> bool:
    words = as_text(value)
    if words in text:
        return True
    if field == "status":
        return read_status(value)[1]  # a status word: it is the problem's or measure's status
    if field == "long_term":
        return read_yes(value) is not None
    if field == "measure":  # “1.…；2.…” becomes one measure per item
        return all(item in text for item in split_numbered(words))
    if field == "deadline":
        items = split_numbered(words) if isinstance(value, str) else [value]
        return all(parse_deadline(item).text in text for item in items)
    if field in ("closed_on", "done_on", "found_on"):
        day, _ = read_date(value)
        return day is not None and format_date(day) in text
    if field in ("owner", "leader", "department", "source", "category", "batch"):
        return all(name in text for name, _ in split_names(value))
    return False


@pytest.mark.parametrize("book", BOOKS)
def test_every_non_empty_cell_of_the_data_rows_is_found_in_the_ledger(ledger, tmp_path, book):
    plan, _ = do_import(ledger, getattr(W, book)(tmp_path / f"{book}.xlsx"))
    text = ledger_text(ledger)
    sheets = {s.name: s for s in plan.workbook.sheets}
    checked, missing = 0, []
    for table in plan.tables:
        sheet = sheets[table.sheet]
        parser = TableParser(sheet, table, default_year=None, batch="")
        for rows, _ in parser.groups():
            for r in rows:
                for col in table.columns:
                    value = sheet.value(r, col.index)
                    anchor = sheet.merged_from.get((r, col.index))
                    if value is None or col.field in ("seq", IGNORE) or anchor:
                        continue
                    checked += 1
                    if not kept(col.field or "", value, text):
                        missing.append(f"第{r + 1}行 {col.heading}：{as_text(value)}")
    assert checked > 10
    assert missing == []


def test_spread_rows_land_where_a_reader_looks_for_them(ledger, tmp_path):
    plan, _ = do_import(ledger, W.spread_rows(tmp_path / "分行.xlsx"))
    problems = {p["code"]: p for p in ledger.select(Problem).dicts()}
    progress = {
        code: [t for (t,) in q.tuples()]
        for code in problems
        for q in [
            ledger.select(Progress, Progress.text)
            .join(Measure, on=(Progress.measure == Measure.id))
            .join(Problem, on=(Measure.problem == Problem.id))
            .where(Problem.code == code)
            .order_by(Progress.id)
        ]
    }
    # progress in the first row, above the measures: the first measure's
    assert progress["2025-101"] == ["已制定学习计划"]
    # beside a measure, alone below it, and one that starts like a footnote
    assert progress["2025-102"] == ["已走访12户\n又走访8户\n说明：走访记录已归档"]
    # a problem with no measure keeps its progress in 备注 (row 19)
    assert "整改进展：已更新两期宣传栏" in problems["2025-110"]["remarks"]
    assert "原编号：2025-102A" in problems["2025-102"]["remarks"]
    assert "责任部门（第10行）：组织科" in problems["2025-102"]["remarks"]
    assert "责任部门（原表）：办公室、机要室" in problems["2025-103"]["remarks"]
    # a sentence is not a status; its words are kept
    assert problems["2025-105"]["status"] == "in_progress"
    assert progress["2025-105"] == ["已完成第一轮评比。"]
    assert "政治理论学习不系统" in problems["2025-101"]["description"]


def test_a_problem_written_alone_in_the_first_column_is_a_problem(ledger, tmp_path):
    plan, _ = do_import(ledger, W.description_first(tmp_path / "无序号.xlsx"))
    descriptions = [d for (d,) in ledger.select(Problem, Problem.description).tuples()]
    assert descriptions == ["会议多", "督查多", "文件多"]
