"""The 三张清单: 问题清单, 任务清单, 责任清单 in one printed workbook, their numbers the ledger's and
the monthly report's."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from tracker.cli import main
from tracker.demo import build_demo
from tracker.documents.lists import build_lists
from tracker.excel.report_figures import figures
from tracker.models import Batch
from tracker.queries import Filter, len_query
from tracker.stats import stats

from .test_excel_export import calamine_rows, openpyxl_rows, records, same_values

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lists")
    ledger = build_demo(folder / "demo.db", problems=80, clock=lambda: NOW)
    result = build_lists(ledger, folder / "三张清单.xlsx")
    numbers = stats(ledger)
    month = figures(ledger, dt.date(2026, 11, 1), dt.date(2026, 11, 30)).total
    yield ledger, result, numbers, month
    ledger.close()


def sheet_rows(path, name):
    rows = openpyxl_rows(load_workbook(path)[name])
    values, _ = calamine_rows(path, name)
    assert same_values(values, rows)  # a second reader sees the same
    return rows


def test_three_sheets_in_the_official_printed_style(made):
    _, result, numbers, _ = made
    wb = load_workbook(result.path)
    assert wb.sheetnames == ["问题清单", "任务清单", "责任清单"]
    for ws in wb.worksheets:
        assert ws["A1"].value.endswith(ws.title)
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.scale >= 88
        assert ws.print_title_rows == "$3:$3"
    assert result.problems == numbers["problems"] and result.measures == numbers["measures"]
    assert result.overdue_measures == numbers["overdue_measures"]


def test_the_problem_list_and_the_task_list_hold_every_problem_and_measure(made):
    _, result, numbers, _ = made
    problems = records(sheet_rows(result.path, "问题清单"))
    assert [p["序号"] for p in problems] == list(range(1, numbers["problems"] + 1))
    assert sum(p["问题状态"] == "已销号" for p in problems) == numbers["closed"]
    assert all(p["原因分析"] and p["整改目标"] for p in problems)
    tasks = records(sheet_rows(result.path, "任务清单"))
    assert len(tasks) == numbers["measures"]
    late = [t for t in tasks if t["完成情况"].startswith("逾期")]
    assert len(late) == numbers["overdue_measures"]
    assert sum(t["完成情况"] == "已完成" for t in tasks) == numbers["measures_done"]


def test_each_section_of_the_duty_list_adds_up_to_the_monthly_report(made):
    _, result, _, month = made
    duties = records(sheet_rows(result.path, "责任清单"))
    totals, names, kind = {}, [], None
    for row in duties:
        kind = row["责任主体"] or kind
        if row["名称"] == "合计":
            totals[kind] = row
        elif kind == "责任人":
            names.append(row["名称"])
    leaders, units, people = totals["责任领导"], totals["责任部门"], totals["责任人"]
    for total in (leaders, units):  # problems by their responsible leader / department
        assert total["负责问题"] == month.problems
        assert total["已销号"] == month.closed and total["长期坚持"] == month.long_term
        assert total["正在整改"] == month.open and total["逾期问题"] == month.overdue
    for total in (leaders, units, people):  # every measure once
        assert total["负责措施"] == month.measures
        assert total["已完成措施"] == month.measures_done
        assert total["逾期措施"] == month.measures_overdue
    assert names and len(set(names)) == len(names)  # each person once


def test_one_batch_only_from_the_command_line(made, tmp_path, capsys):
    ledger, _, _, _ = made
    name, pk = ledger.select(Batch, Batch.name, Batch.id).tuples().first()
    out = tmp_path / "批次清单.xlsx"
    assert main(["--db", ledger.location, "lists", str(out), "--batch", name]) == 0
    text = capsys.readouterr().out
    assert "已导出三张清单" in text
    problems = records(openpyxl_rows(load_workbook(out)["问题清单"]))
    assert len(problems) == len_query(ledger, Filter(batch=pk))
    assert main(["--db", ledger.location, "lists", str(out), "--batch", "没有这个批次"]) == 2
    assert "没有名为“没有这个批次”的整改批次" in capsys.readouterr().err
