"""The workflow from the command line, for scripts and tests, on a file or a shared ledger:
`problem add`, `measure add`, `measure done`, `evidence add`, `request-closure`, `approve`,
`reject`, `reopen`. Each command is one service action (the same the GUI calls); names not yet in
the 名录 are added first, as the GUI's pickers add them (`services.add_entry`).
On a shared ledger the actor is the login in the URL, and `--user` is refused (`open_ledger`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .. import services
from ..errors import NotFoundError, SamePersonError, ValidationError
from ..ledger import Ledger, open_ledger
from ..models import Branch, Measure
from ..services.dictionaries import entry_state
from ..services.lookup import problem_id_by_code

EXIT_OK = 0


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"“{text}”不是措施的序号（应为 1、2、3 …）")
    return int(text)


def register(sub) -> dict:
    p = sub.add_parser("problem", help="问题：新增（挂账）")
    verbs = p.add_subparsers(dest="verb", metavar="操作", parser_class=type(p))
    verbs.required = True
    add = verbs.add_parser("add", help="新增一个问题，输出它的编号")
    add.add_argument("--description", required=True, help="问题描述（具体表现）")
    add.add_argument("--category", help="问题类别（名录中没有的会自动加入）")
    add.add_argument("--source", help="问题来源（名录中没有的会自动加入）")
    add.add_argument("--batch", help="整改批次（没有的会自动新建）")
    add.add_argument("--leader", help="责任领导（人员名录中没有的会自动加入）")
    add.add_argument("--department", help="责任部门（名录中没有的会自动加入）")
    add.add_argument(
        "--branch", help="所属支部（支部名单中的名称；共用台账上填报人默认为本人所在支部）"
    )

    p = sub.add_parser("measure", help="整改措施：新增、标记完成")
    verbs = p.add_subparsers(dest="verb", metavar="操作", parser_class=type(p))
    verbs.required = True
    add = verbs.add_parser("add", help="为问题新增一项整改措施")
    add.add_argument("code", help="问题编号，如 2026-001")
    add.add_argument("--text", required=True, help="措施内容")
    add.add_argument("--owner", help="责任人（人员名录中没有的会自动加入）")
    add.add_argument("--deadline", help="整改时限，如“2026年6月底前”“立行立改”“长期坚持”")
    done = verbs.add_parser("done", help="把问题的第 N 项措施标记为已完成")
    done.add_argument("code", help="问题编号，如 2026-001")
    done.add_argument("number", type=_positive, metavar="N", help="措施在该问题中的序号，从 1 起")

    p = sub.add_parser("evidence", help="佐证材料：上传")
    verbs = p.add_subparsers(dest="verb", metavar="操作", parser_class=type(p))
    verbs.required = True
    add = verbs.add_parser("add", help="为问题上传一个佐证材料文件")
    add.add_argument("code", help="问题编号，如 2026-001")
    add.add_argument("file", type=Path, help="文件路径")

    p = sub.add_parser("request-closure", help="申请销号（措施均已完成、已有佐证材料）")
    p.add_argument("code", help="问题编号，如 2026-001")
    p.add_argument("--note", required=True, help="销号说明")

    p = sub.add_parser("approve", help="审核通过，销号（审核人为当前操作人）")
    p.add_argument("code", help="问题编号，如 2026-001")
    p.add_argument("--opinion", default="", help="审核意见")
    p.add_argument(
        "--same-person-confirmed",
        action="store_true",
        help="单人维护的台账上，确认申请人与审核人为同一人（共用台账上一律不允许）",
    )

    p = sub.add_parser("reject", help="驳回销号申请，退回整改")
    p.add_argument("code", help="问题编号，如 2026-001")
    p.add_argument("--reason", required=True, help="驳回理由")

    p = sub.add_parser("reopen", help="重新整改（回头看发现反弹）")
    p.add_argument("code", help="问题编号，如 2026-001")
    p.add_argument("--reason", required=True, help="理由")
    return {
        "problem": cmd_problem,
        "measure": cmd_measure,
        "evidence": cmd_evidence,
        "request-closure": cmd_request_closure,
        "approve": cmd_approve,
        "reject": cmd_reject,
        "reopen": cmd_reopen,
    }


def _warn(changes) -> None:
    for line in changes.warnings:
        print(f"提示：{line}", file=sys.stderr)


def _term(ledger: Ledger, kind: str, name: str | None) -> int | None:
    """The id of the 名录 entry `name` (a category, source, department, person or batch), added
    first if it is not in use: the action the GUI's pickers take (`services.add_entry`)."""
    if not name or not name.strip():
        return None
    found, active = entry_state(ledger, kind, name)
    if found is not None and active:
        return found
    return services.add_entry(ledger, kind, name.strip()).created_id


def _branch(ledger: Ledger, name: str | None) -> dict:
    if not name or not name.strip():
        return {}
    found = ledger.select(Branch, Branch.id).where(Branch.name == name.strip()).scalar()
    if found is None:
        known = "、".join(n for (n,) in ledger.select(Branch, Branch.name).tuples()) or "（无）"
        raise ValidationError("支部", f"支部名单中没有“{name.strip()}”。已登记的支部：{known}。")
    return {"branch": found}


def cmd_problem(args, location: str, actor: str | None) -> int:
    with open_ledger(location, actor=actor) as ledger:
        fields = {
            **_branch(ledger, args.branch),
            "category": _term(ledger, "category", args.category),
            "source": _term(ledger, "source", args.source),
            "department": _term(ledger, "department", args.department),
            "leader": _term(ledger, "person", args.leader),
            "batch": _term(ledger, "batch", args.batch),
        }
        changes = services.create_problem(ledger, description=args.description, **fields)
        code = _code(ledger, changes.created_id)
    _warn(changes)
    print(code)
    return EXIT_OK


def _code(ledger: Ledger, problem_id: int) -> str:
    from ..models import Problem

    return ledger.select(Problem, Problem.code).where(Problem.id == problem_id).scalar()


def cmd_measure(args, location: str, actor: str | None) -> int:
    with open_ledger(location, actor=actor) as ledger:
        pid = problem_id_by_code(ledger, args.code)
        if args.verb == "add":
            owner = _term(ledger, "person", args.owner)
            changes = services.add_measure(
                ledger, pid, services.MeasureInput(args.text, owner=owner, deadline=args.deadline)
            )
            number = (
                ledger.select(Measure, Measure.seq).where(Measure.id == changes.created_id).scalar()
            )
            _warn(changes)
            print(f"已为问题 {args.code} 新增第 {number} 项措施。")
            return EXIT_OK
        found = (
            ledger.select(Measure, Measure.id)
            .where((Measure.problem == pid) & (Measure.seq == args.number))
            .scalar()
        )
        if found is None:
            raise NotFoundError(f"问题 {args.code} 没有第 {args.number} 项措施。")
        _warn(services.complete_measure(ledger, found))
    print(f"问题 {args.code} 的第 {args.number} 项措施已标记为完成。")
    return EXIT_OK


def _on_problem(location: str, actor: str | None, code: str, act, done: str) -> int:
    """One action on the problem `code`: its warnings on stderr, `done` on stdout."""
    with open_ledger(location, actor=actor) as ledger:
        changes = act(ledger, problem_id_by_code(ledger, code))
    _warn(changes)
    print(done)
    return EXIT_OK


def _simple(service: str, value: str, done: str):
    """A command that calls one service with the problem and one argument, then says `done`
    (formatted with the arguments)."""

    def command(args, location: str, actor: str | None) -> int:
        def act(ledger: Ledger, pid: int):
            return getattr(services, service)(ledger, pid, getattr(args, value))

        return _on_problem(location, actor, args.code, act, done.format(a=args))

    return command


cmd_evidence = _simple("add_evidence", "file", "已为问题 {a.code} 上传佐证材料“{a.file.name}”。")
cmd_request_closure = _simple("request_closure", "note", "问题 {a.code} 已申请销号，等待审核。")
cmd_reject = _simple("reject_closure", "reason", "问题 {a.code} 的销号申请已驳回，退回整改。")
cmd_reopen = _simple("reopen_problem", "reason", "问题 {a.code} 已重新整改。")


def cmd_approve(args, location: str, actor: str | None) -> int:
    def approve(ledger: Ledger, pid: int):
        try:
            return services.approve_closure(
                ledger,
                pid,
                ledger.actor,
                args.opinion,
                same_person_confirmed=args.same_person_confirmed,
            )
        except SamePersonError as error:
            raise SamePersonError(f"{error}（命令行上请加 --same-person-confirmed 确认）") from None

    return _on_problem(location, actor, args.code, approve, f"问题 {args.code} 已审核通过，销号。")
