"""Import never closes what the workbook did not close (issue 17).

Only a 销号 word or a date in a 销号时间 column crosses a problem off; 已完成 on every measure means
待销号 (awaiting review) unless the user chooses otherwise for the whole import, and every problem
crossed off by an import is marked 导入时已销号 wherever it is shown and counted.
"""

from __future__ import annotations

import datetime as dt

from tracker.excel.cells import read_status
from tracker.excel.import_cli import print_plan
from tracker.import_closure import closed_on_import, closed_on_import_condition
from tracker.models import Measure, Problem, Progress
from tracker.replay import verify
from tracker.stats import stats
from tracker.workflow import CLOSED, IN_PROGRESS, LISTED, LONG_TERM, PENDING

from . import workbooks as W
from .test_excel_import import do_import, ledger_content


def statuses(ledger) -> list[tuple[str, str]]:
    return [(p["description"], p["status"]) for p in ledger_content(ledger)]


def progress_texts(ledger) -> list[str]:
    return [t for (t,) in ledger.select(Progress, Progress.text).order_by(Progress.id).tuples()]


def test_done_on_every_measure_is_awaiting_review_and_only_a_closure_word_or_date_closes(
    ledger, tmp_path, capsys
):
    plan, _ = do_import(ledger, W.two_vocabularies(tmp_path / "两种说法.xlsx"))
    assert statuses(ledger) == [
        ("会议多，陪会多", PENDING),  # 已完成 twice: awaiting review, not crossed off
        ("文件多，照搬照抄", CLOSED),  # 已销号 with its 销号时间
        ("调研少，走马观花", IN_PROGRESS),  # 基本完成 is not done
        ("督查多，层层加码", LONG_TERM),  # 已完成 + 长期坚持
        ("学习少，以会代学", CLOSED),  # no word, a date in 销号时间
        ("记录缺，补记代记", IN_PROGRESS),  # 正在整改 beats a stray date, which is kept
    ]
    first, second, third, _, fifth, sixth = ledger_content(ledger)
    assert [m[6] for m in first["measures"]] == ["done", "done"]
    notes = [
        n for (n,) in ledger.select(Problem, Problem.closure_note).order_by(Problem.id).tuples()
    ]
    assert notes[0] == "导入：原表中各项整改措施均为“已完成”，没有写明销号，待审核销号。"
    assert notes[1] == "导入：原表写明已销号（导入时已销号，未经本台账审核）。"
    assert notes[4] == "导入：原表填写了销号时间（导入时已销号，未经本台账审核）。"
    assert third["measures"][0][6] == "open"
    assert (second["closed_on"], fifth["closed_on"]) == (dt.date(2026, 1, 15), dt.date(2026, 2, 10))
    assert "销号时间（原表）：2026年2月11日" in sixth["remarks"]
    assert any(
        "销号时间：2026年2月11日 已填写，但完成情况为“整改中”" in str(w) for w in plan.warnings
    )
    print_plan(plan)
    out = capsys.readouterr().out
    assert "1 个问题的整改措施均为“已完成”，原表没有写明销号：按“待销号”导入" in out
    assert "（工作表“台账”第4行）" in out  # which rows
    assert "2 个问题按原表写明的销号（或销号时间）导入为“已销号”，标记为“导入时已销号”" in out
    assert verify(ledger).ok


def test_the_user_may_choose_to_treat_all_done_as_closed_and_they_are_marked(ledger, tmp_path):
    path = W.two_vocabularies(tmp_path / "两种说法.xlsx")
    plan, _ = do_import(ledger, path, done_as_closed=True)
    assert statuses(ledger)[0] == ("会议多，陪会多", CLOSED)
    marked = [
        d
        for (d,) in ledger.select(Problem, Problem.description)
        .where(closed_on_import_condition())
        .tuples()
    ]
    assert marked == ["会议多，陪会多", "文件多，照搬照抄", "学习少，以会代学"]
    assert stats(ledger)["closed_on_import"] == 3


def test_a_sentence_in_the_status_column_never_closes_and_the_real_status_column_wins(
    ledger, tmp_path
):
    plan, _ = do_import(ledger, W.free_text_status(tmp_path / "情况说明.xlsx"))
    fields = {c.heading: c.field for c in plan.tables[0].columns}
    assert fields["整改状态"] == "status"
    assert fields["完成情况"] == "progress"  # sentences: the progress, not the status
    assert statuses(ledger) == [
        ("调查研究不深入", IN_PROGRESS),
        ("学习走过场", CLOSED),
        ("台账不全", IN_PROGRESS),  # progress written: the work has started
        ("值班脱岗", LISTED),
    ]
    assert progress_texts(ledger) == [
        "已完成第一次蹲点调研。",
        "已完成全部专题学习，学习笔记已检查。",
        "正在补齐2025年台账，已完成一半。",
    ]
    assert all("整改状态" not in p["remarks"] for p in ledger_content(ledger))


def test_a_status_column_of_sentences_alone_never_closes(ledger, tmp_path):
    path = W._sheet(
        tmp_path / "只有情况.xlsx",
        "Sheet1",
        [],
        ["序号", "问题描述", "整改措施", "责任人", "完成情况"],
        [[1, "调查研究不深入", "蹲点调研", "周杰", "已完成第一次蹲点调研。"]],
    )
    plan, _ = do_import(ledger, path)
    assert statuses(ledger) == [("调查研究不深入", IN_PROGRESS)]
    assert progress_texts(ledger) == ["已完成第一次蹲点调研。"]


def test_an_inspection_system_layout_closes_nothing(ledger, tmp_path):
    plan, _ = do_import(ledger, W.inspection_system(tmp_path / "巡察.xlsx"))
    fields = {c.heading: c.field for c in plan.tables[0].columns}
    assert fields == {
        "序号": "seq", "具体表现": "description", "整改专项": None, "是否重点关注": None,
        "措施内容": "measure", "措施类型": "measure_tags", "预计完成时间": "deadline",
        "完成情况": "status", "问题完成情况概述": "progress", "是否常态化坚持": "long_term",
    }  # fmt: skip
    assert not [w for w in plan.warnings if "把握度" in w.message]
    content = ledger_content(ledger)
    assert [(p["description"], p["status"]) for p in content] == [
        ("干部作风不实，调研走过场", LONG_TERM),  # done, and one measure kept up for good
        ("窗口服务态度生硬", PENDING),
        ("审批时限过长", IN_PROGRESS),
        ("公车管理不规范", IN_PROGRESS),
    ]
    assert [m[6] for m in content[0]["measures"]] == ["done", "long_term"]
    # 措施类型 are the measures' tags (制度建设 is 建章立制); words that are no tag stay in 备注
    assert content[0]["remarks"] == (
        "整改专项：作风专项\n是否重点关注：是\n措施类型（第3行）：长效机制"
    )
    tagged = ledger.select(Measure, Measure.text, Measure.tags).where(Measure.tags != "")
    assert sorted(tagged.tuples()) == [
        ("完善派车单制度", "rules"),
        ("建立调研报告评审制度", "rules"),
        ("设立群众意见箱", "rules"),
    ]
    # a problem-level sentence repeated on every measure row is one progress entry
    assert progress_texts(ledger).count("已建立制度并运行") == 1
    assert stats(ledger)["closed"] == 0


def test_basically_done_and_sentences_are_not_done_in_the_one_table_of_words():
    assert read_status("已完成") == ("measure_done", True)
    assert read_status("已销号") == (CLOSED, True)
    assert read_status("基本完成") == (IN_PROGRESS, True)
    assert read_status("已完成第一次蹲点调研。") == (IN_PROGRESS, False)
    assert read_status("是") == ("measure_done", True)
    assert read_status("是", asks_closure=True) == (CLOSED, True)
    assert read_status("导入时已销号") == (CLOSED, True)


def test_closed_on_import_means_closed_without_a_reviewer_which_the_workflow_never_makes(
    ledger, tmp_path
):
    """Approval needs a reviewer; reopening clears it but leaves the problem open; so a closed
    problem with no reviewer can only come from an import (or a re-import's --update)."""
    from tracker import services

    from .factories import close_problem, make_problem

    pid = make_problem(ledger)
    close_problem(ledger, pid, tmp_path)
    row = ledger.select(Problem).where(Problem.id == pid).dicts().first()
    assert row["status"] == CLOSED and not closed_on_import(row["status"], row["reviewer"])
    services.reopen_problem(ledger, pid, "回头看发现反弹")
    row = ledger.select(Problem).where(Problem.id == pid).dicts().first()
    assert (row["status"], row["reviewer"]) == (IN_PROGRESS, "")
    assert stats(ledger)["closed_on_import"] == 0
    assert closed_on_import(CLOSED, "") and closed_on_import(CLOSED, None)
    assert not closed_on_import(PENDING, "") and not closed_on_import(CLOSED, "审核人")


def test_closed_on_import_is_marked_in_the_list_and_the_export_and_reads_back(ledger, tmp_path):
    from openpyxl import load_workbook

    from tracker.detail import problem_detail
    from tracker.excel.export import export_ledger
    from tracker.ledger import create_ledger
    from tracker.queries import problem_rows

    do_import(ledger, W.two_vocabularies(tmp_path / "两种说法.xlsx"))
    ids = [i for (i,) in ledger.select(Problem, Problem.id).order_by(Problem.id).tuples()]
    labels = [problem_rows(ledger, ids)[i].status_label for i in ids]
    assert labels == ["待销号", "导入时已销号", "整改中", "长期坚持", "导入时已销号", "整改中"]
    assert problem_detail(ledger, ids[1]).status_label == "导入时已销号"  # the detail panel too

    out = tmp_path / "导出.xlsx"
    export_ledger(ledger, out)
    sheet = load_workbook(out, read_only=True).active
    rows = [r for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r and "完成情况" in str(r))
    column = [str(c) for c in rows[header]].index(
        next(str(c) for c in rows[header] if "完成情况" in str(c))
    )
    states = [r[column] for r in rows[header + 1 :] if len(r) > column and r[column]]
    assert states.count("导入时已销号") == 3  # problem 2 (two rows) and problem 5
    assert "已销号" not in states

    copy = create_ledger(tmp_path / "copy.db", actor="王敏")
    do_import(copy, out)
    assert stats(copy)["closed_on_import"] == 2  # still closed, still marked
    copy.close()
