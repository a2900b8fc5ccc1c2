"""The workflow from the command line (`problem add` … `reopen`), on a file and on a shared
ledger, and `--help` in Chinese all the way down, argparse's own words included."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import tempfile
from pathlib import Path

import pytest

from tests.conftest import FakeClock
from tests.tracker import pgserver
from tracker.cli import build_parser, main
from tracker.ledger import open_ledger
from tracker.models import Category, Department, Person, Problem
from tracker.replay import verify

from .sharing import ONE, make_committee


def run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out.strip(), err.strip()


def test_a_problem_from_listing_to_closure_on_a_ledger_file(tmp_path, capsys):
    db = str(tmp_path / "台账.db")
    assert run(capsys, "--db", db, "init", "--unit", "第一党支部")[0] == 0
    status, code, _ = run(
        capsys,
        "--db",
        db,
        "--user",
        "李娜",
        "problem",
        "add",
        "--description",
        "会议记录不规范",
        "--category",
        "会风会纪",
        "--source",
        "组织生活会",
        "--batch",
        "2026年组织生活会",
        "--leader",
        "张伟",
        "--department",
        "办公室",
    )
    assert status == 0 and code == "2026-001"
    with open_ledger(db) as ledger:  # names not yet in the 名录 were added
        assert ledger.select(Category).where(Category.name == "会风会纪").exists()
        assert ledger.select(Person).where(Person.name == "张伟").exists()
        assert ledger.select(Department).where(Department.name == "办公室").exists()
    evidence = tmp_path / "会议记录.txt"
    evidence.write_text("支委会会议记录", encoding="utf-8")
    for step in (
        [
            "measure",
            "add",
            code,
            "--text",
            "建立会议记录模板",
            "--owner",
            "李娜",
            "--deadline",
            "2026年6月底前",
        ],
        ["measure", "done", code, "1"],
        ["evidence", "add", code, str(evidence)],
        ["request-closure", code, "--note", "措施均已完成"],
    ):
        status, out, err = run(capsys, "--db", db, "--user", "李娜", *step)
        assert status == 0, err
    status, _, err = run(capsys, "--db", db, "--user", "李娜", "approve", code, "--opinion", "同意")
    assert status == 2 and "--same-person-confirmed" in err  # the applicant approving: asked
    assert run(capsys, "--db", db, "--user", "赵刚", "approve", code, "--opinion", "同意")[0] == 0
    assert (
        run(capsys, "--db", db, "--user", "赵刚", "reopen", code, "--reason", "回头看反弹")[0] == 0
    )
    status, _, err = run(capsys, "--db", db, "measure", "done", code, "7")
    assert status == 2 and "没有第 7 项措施" in err
    with open_ledger(db) as ledger:
        row = ledger.select(Problem, Problem.status, Problem.status_reason).tuples().first()
        assert row == ("in_progress", "回头看反弹")
        assert verify(ledger).ok


def test_a_rejected_request_goes_back_to_work(tmp_path, capsys):
    db = str(tmp_path / "台账.db")
    run(capsys, "--db", db, "init")
    code = run(capsys, "--db", db, "problem", "add", "--description", "调研走过场")[1]
    evidence = tmp_path / "调研报告.txt"
    evidence.write_text("调研报告", encoding="utf-8")
    run(capsys, "--db", db, "measure", "add", code, "--text", "重新开展调研")
    run(capsys, "--db", db, "measure", "done", code, "1")
    run(capsys, "--db", db, "evidence", "add", code, str(evidence))
    run(capsys, "--db", db, "request-closure", code, "--note", "已完成")
    status, out, _ = run(capsys, "--db", db, "reject", code, "--reason", "调研报告过于简单")
    assert status == 0 and "驳回" in out
    status, _, err = run(capsys, "--db", db, "reject", code, "--reason", "再驳回一次")
    assert status == 2 and "不能驳回" in err


ENGLISH = re.compile(
    r"usage|options|positional|optional arguments|show this help|error:|required|invalid|"
    r"\b[A-Z]{2,}\b"
)


def _parsers(parser: argparse.ArgumentParser, path=()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, name))


def test_every_help_text_is_in_chinese_including_argparse_s_own_words():
    allowed = {"JSON", "SHA", "PDF", "YYYY", "MM", "DD", "ZHENGGAI_DB", "ZHENGGAI_USER", "SQL"}
    allowed |= {"PostgreSQL", "Excel", "CREATEROLE"}
    for path, parser in _parsers(build_parser()):
        text = parser.format_help()
        assert "用法：" in text and "显示本帮助并退出" in text, path
        found = {w for w in ENGLISH.findall(text)} - allowed
        assert not found, (path, found)


def test_mistakes_on_the_command_line_are_said_in_chinese(capsys):
    with pytest.raises(SystemExit):
        main(["problem", "add"])
    err = capsys.readouterr().err
    assert "缺少必需的参数：--description" in err and "required" not in err
    with pytest.raises(SystemExit):
        main(["measure", "done", "2026-001", "一"])
    assert "不是措施的序号" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["nonsense"])
    assert "无效的选择" in capsys.readouterr().err


@pytest.mark.skipif(not pgserver.available(), reason="PostgreSQL server binaries not installed")
def test_the_same_workflow_on_a_shared_ledger_where_the_login_is_the_actor(tmp_path, capsys):
    server = pgserver.PgServer(Path(tempfile.mkdtemp(prefix="zg-pgc-")), passwords=True)
    server.start()
    try:
        committee = make_committee(server, FakeClock(dt.datetime(2026, 3, 2, 9, 30)))
        committee.owner.close()
        reporter, reviewer = committee.url("tianbao"), committee.url("shenhe")
        status, code, err = run(
            capsys,
            "--db",
            reporter,
            "problem",
            "add",
            "--description",
            "窗口服务态度生硬",
            "--leader",
            "新的领导",
        )
        assert status == 0 and code == "2026-001", err
        evidence = tmp_path / "整改报告.txt"
        evidence.write_text("整改报告", encoding="utf-8")
        for step in (
            ["measure", "add", code, "--text", "开展服务礼仪培训", "--owner", "李娜"],
            ["measure", "done", code, "1"],
            ["evidence", "add", code, str(evidence)],
            ["request-closure", code, "--note", "已完成培训"],
        ):
            status, _, err = run(capsys, "--db", reporter, *step)
            assert status == 0, err
        status, _, err = run(capsys, "--db", reporter, "approve", code)
        assert status == 2 and "李娜（填报人）不能审核通过（销号）" in err
        status, _, err = run(capsys, "--db", reviewer, "--user", "李娜", "approve", code)
        assert status == 2 and "不能用 --user 指定" in err
        assert run(capsys, "--db", reviewer, "approve", code, "--opinion", "同意")[0] == 0
        with committee.open("chakan") as viewer:
            closed = viewer.select(Problem, Problem.status, Problem.reviewer).tuples().first()
            assert closed == ("closed", "赵刚")
            assert viewer.select(Problem, Problem.branch).scalar() == committee.branches[ONE]
            assert verify(viewer).ok
    finally:
        server.stop()
