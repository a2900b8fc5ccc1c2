"""What an import set is readable in the problem's history, like any other change."""

from __future__ import annotations

from tracker.cli import main
from tracker.history import problem_history
from tracker.models import Problem

from . import workbooks as W
from .test_excel_import import do_import


def test_the_history_of_an_imported_problem_says_what_the_import_set(ledger, tmp_path):
    do_import(ledger, W.official(tmp_path / "台账.xlsx"))
    pid = ledger.select(Problem, Problem.id).where(Problem.code == "2026-001").scalar()
    (item,) = problem_history(ledger, pid)
    assert item.action == "从Excel导入"
    lines = item.lines
    assert lines[0] == (
        "新增问题（问题编号：2026-001；问题描述：会议文件多，以文件落实文件，基层负担重；"
        "整改批次：市直机关第一党支部2025年度组织生活会查摆问题整改台账；问题来源：组织生活会；"
        "问题类别：作风建设；原因分析：形式主义思想作祟；整改目标：会议文件精简三分之一；"
        "责任领导：张伟；责任部门：办公室；查摆日期：2026年1月15日；状态：已销号；"
        "销号日期：2026年1月15日；销号说明：导入：原表写明已销号（导入时已销号，未经本台账审核）。；"
        "备注：佐证材料：会议纪要、制度文件）"
    )
    assert lines[1] == (
        "新增整改措施（内容：制定会议文件审核制度；责任人：李娜；责任部门：办公室；"
        "整改时限：2025年12月31日；状态：已完成；完成日期：2026年1月15日）"
    )
    assert "新增整改进展（日期：2026年3月2日；内容：已印发制度；填写人：王敏）" in lines
    assert lines[-1] == "新增导入来源（文件：台账.xlsx；工作表：整改台账；行号：4）"


def test_the_history_command_prints_it(tmp_path, capsys):
    db = str(tmp_path / "l.db")
    assert main(["--db", db, "--user", "王敏", "init"]) == 0
    assert main(["--db", db, "import", str(W.official(tmp_path / "台账.xlsx"))]) == 0
    capsys.readouterr()
    assert main(["--db", db, "history", "2026-002"]) == 0
    out = capsys.readouterr().out
    assert "从Excel导入" in out
    assert "状态：整改中" in out and "问题类别：组织建设" in out and "备注：重点督办" in out
    assert "新增整改措施（内容：每季度检查一次会议记录；责任人：陈晨" in out
