"""`python -m tracker chase | chase-sheet | extension | lookback | sample | sample-result |
similar | repeat`: following the work through from the command line, the same actions as the GUI."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..dates import format_date, format_stamp
from ..errors import LedgerError, NotFoundError
from ..excel.export_cli import FILE_HELP, OVERWRITE_HELP
from ..excel.writer import check_overwrite, check_target
from ..ledger import Ledger, open_ledger
from ..models import Batch, Measure
from ..services.lookup import problem_id_by_code, problem_row
from ..workflow import M_OPEN, REQUEST_LABELS, REQUEST_PENDING, SAMPLE_RESULTS
from . import chases, extensions, lookbacks, repeats, sampling, similar

EXIT_OK = 0


def _date(text: str) -> dt.date:
    from ..cli import _date as parse

    return parse(text)


def _program() -> str:
    from ..command_name import program_name

    return program_name()


def register(sub) -> dict:
    p = sub.add_parser("chase", help="记录一次催办：催了谁、哪些措施、何时、以何种方式")
    p.add_argument("code", help="问题编号，如 2026-001")
    p.add_argument("--way", required=True, choices=chases.WAYS, help="催办方式")
    p.add_argument(
        "--measure", type=int, nargs="+", metavar="序号", help="措施序号（默认：全部未完成措施）"
    )
    p.add_argument("--whom", default="", help="被催办人（默认：措施的责任人，按人分别记录）")
    p.add_argument("--note", default="", help="催办内容")
    p.add_argument("--on", type=_date, metavar="YYYY-MM-DD", help="催办日期（默认今天）")

    p = sub.add_parser("chase-sheet", help="生成催办单（Excel，每位责任人一张表）")
    p.add_argument("file", type=Path, help=FILE_HELP)
    who = p.add_mutually_exclusive_group(required=True)
    who.add_argument("--person", nargs="+", metavar="姓名", help="这些责任人")
    who.add_argument("--overdue", action="store_true", help="所有有逾期措施的责任人")
    who.add_argument("--due-soon", action="store_true", help="所有有7天内到期措施的责任人")
    who.add_argument("--problem", nargs="+", metavar="编号", help="这些问题的措施的责任人")
    p.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)

    p = sub.add_parser("extension", help="延期申请：request 申请，approve 批准，reject 不批准 …")
    verbs = p.add_subparsers(dest="verb", metavar="操作")
    verbs.required = True
    q = verbs.add_parser("list", help="列出延期申请（默认只列待审批的）")
    q.add_argument("--all", action="store_true", help="列出全部延期申请")
    q = verbs.add_parser("request", help="为一项措施申请延期（期限届满前；批准后才改期限）")
    q.add_argument("code", help="问题编号")
    q.add_argument("--measure", type=int, required=True, metavar="序号", help="措施序号")
    q.add_argument("--to", required=True, metavar="期限", help="申请延至，如 2026年12月底前")
    q.add_argument("--reason", required=True, help="延期理由")
    q.add_argument("--applicant", default="", help="申请人（默认：操作人）")
    q = verbs.add_parser("approve", help="批准一项延期申请（须由申请人以外的人）")
    q.add_argument("id", type=int, help="延期申请编号（见 extension list）")
    q.add_argument("--approver", default="", help="审批人（默认：操作人）")
    q.add_argument("--note", default="", help="审批意见")
    q.add_argument(
        "--same-person",
        action="store_true",
        help="单人维护的台账：确认审批人就是申请人（历史记录中注明）",
    )
    q = verbs.add_parser("reject", help="不批准一项延期申请")
    q.add_argument("id", type=int)
    q.add_argument("--reason", required=True, help="不批准的理由")
    q.add_argument("--approver", default="", help="审批人（默认：操作人）")
    q = verbs.add_parser("withdraw", help="撤回一项待审批的延期申请")
    q.add_argument("id", type=int)
    q.add_argument("--reason", default="", help="撤回原因")

    p = sub.add_parser("lookback", help="回头看：list 到期的，held 巩固，slipped 反弹 …")
    verbs = p.add_subparsers(dest="verb", metavar="操作")
    verbs.required = True
    q = verbs.add_parser("list", help="列出待做的回头看（默认只列已到期的）")
    q.add_argument("--all", action="store_true", help="列出全部待做的回头看")
    q = verbs.add_parser("held", help="回头看：巩固（整改成效保持）")
    q.add_argument("code")
    q.add_argument("--note", default="", help="回头看说明")
    q = verbs.add_parser("slipped", help="回头看：反弹（问题重新整改，须写明情况）")
    q.add_argument("code")
    q.add_argument("--reason", required=True, help="反弹情况")
    q = verbs.add_parser("move", help="改一个问题的回头看日期")
    q.add_argument("code")
    q.add_argument("--to", type=_date, required=True, metavar="YYYY-MM-DD")
    q = verbs.add_parser("interval", help="设置销号后多少个月回头看（台账设置，默认 6）")
    q.add_argument("months", type=int)

    p = sub.add_parser(
        "sample",
        help="抽查：随机抽取已销号问题，生成核查表（Excel）；种子由程序选定并记入历史",
    )
    p.add_argument("--closed", type=int, metavar="N", help="抽取的已销号问题个数")
    p.add_argument("--batch", metavar="批次", help="只从这个整改批次中抽取")
    p.add_argument("--seed", type=int, help="重做一次已记录的抽查：用它的种子（结果应与记录相同）")
    p.add_argument("--list", action="store_true", help="列出历次抽查")
    p.add_argument("file", type=Path, nargs="?", help=FILE_HELP)
    p.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)

    p = sub.add_parser("sample-result", help="记录抽查的现场核查结果（属实/不属实）")
    p.add_argument("draw", type=int, help="抽查编号（见 sample --list）")
    p.add_argument("code", help="被抽中的问题编号")
    p.add_argument("result", choices=SAMPLE_RESULTS)
    p.add_argument("--note", default="", help="核查说明（不属实时必填）")
    p.add_argument("--checker", default="", help="核查人（默认：操作人）")

    p = sub.add_parser("similar", help="查找与一个问题描述相似的、其他批次的早先问题（复发）")
    p.add_argument("code", nargs="?", help="问题编号（用它的描述、批次和查摆日期）")
    p.add_argument("--text", help="或直接给出问题描述")
    p.add_argument("--limit", type=int, default=similar.LIMIT, help="最多列出几个")

    p = sub.add_parser("repeat", help="把一个问题记为某个已销号问题的复发（或用 --clear 取消）")
    p.add_argument("code", help="问题编号")
    p.add_argument("earlier", nargs="?", help="它所重复的早先问题编号")
    p.add_argument("--clear", action="store_true", help="取消复发关联")
    return {
        "chase": cmd_chase,
        "chase-sheet": cmd_chase_sheet,
        "extension": cmd_extension,
        "lookback": cmd_lookback,
        "sample": cmd_sample,
        "sample-result": cmd_sample_result,
        "similar": cmd_similar,
        "repeat": cmd_repeat,
    }


# -- 催办 -----------------------------------------------------------------------------------------
def _open_measures(ledger: Ledger, pid: int, seqs: list[int] | None) -> list[tuple[int, int, int]]:
    """(id, seq, owner) of the problem's open measures (those numbered `seqs`, if given)."""
    rows = list(
        ledger.select(Measure, Measure.id, Measure.seq, Measure.owner)
        .where((Measure.problem == pid) & (Measure.status == M_OPEN))
        .order_by(Measure.seq)
        .tuples()
    )
    if seqs:
        missing = sorted(set(seqs) - {seq for _, seq, _ in rows})
        if missing:
            raise NotFoundError(f"没有序号为 {'、'.join(map(str, missing))} 的未完成措施。")
        rows = [r for r in rows if r[1] in seqs]
    if not rows:
        raise LedgerError("该问题没有未完成的整改措施，无需催办。")
    return rows


def cmd_chase(args, location: str, actor: str) -> int:
    with open_ledger(location, actor=actor) as ledger:
        pid = problem_id_by_code(ledger, args.code)
        rows = _open_measures(ledger, pid, args.measure)
        if args.whom:
            items = [chases.ChaseInput(pid, tuple(r[0] for r in rows), args.whom)]
        else:  # one chase per owner
            owners: dict = {}
            for mid, _seq, owner in rows:
                owners.setdefault(owner, []).append(mid)
            items = [chases.ChaseInput(pid, tuple(mids)) for mids in owners.values()]
        chases.record_chases(ledger, items, args.way, args.note, on=args.on)
        for view in chases.chases_of_problem(ledger, pid)[: len(items)]:
            seqs = "、".join(str(s) for s in view.measures)
            print(f"已记录催办：{args.code} 措施 {seqs}，{view.way}催办 {view.whom}（{view.on}）")
    return EXIT_OK


def cmd_chase_sheet(args, location: str, actor: str) -> int:
    from .chase_sheet import DUE_SOON, OVERDUE, gather, write_chase_sheets

    check_target(args.file)
    check_overwrite(args.file, args.overwrite)
    with open_ledger(location, actor=actor) as ledger:
        problems = [problem_id_by_code(ledger, c) for c in args.problem or []]
        which = OVERDUE if args.overdue else DUE_SOON if args.due_soon else None
        sheets = gather(ledger, people=args.person or (), which=which, problems=problems)
        path = write_chase_sheets(ledger, args.file, sheets)
    print(f"已生成催办单：{path}（{len(sheets)} 人）")
    for sheet in sheets:
        late = f"，其中逾期 {sheet.overdue} 项" if sheet.overdue else ""
        print(f"  {sheet.name}：未完成措施 {len(sheet.items)} 项{late}")
    return EXIT_OK


# -- 延期申请 -------------------------------------------------------------------------------------
def cmd_extension(args, location: str, actor: str) -> int:
    with open_ledger(location, actor=actor) as ledger:
        if args.verb == "list":
            return _list_requests(ledger, args.all)
        if args.verb == "request":
            pid = problem_id_by_code(ledger, args.code)
            ((mid, _seq, _owner),) = _open_measures(ledger, pid, [args.measure])
            changes = extensions.request_extension(
                ledger, mid, args.to, args.reason, applicant=args.applicant
            )
            print(f"已提交延期申请（编号 {changes.created_id}），待他人审批后期限才改变。")
        elif args.verb == "approve":
            extensions.approve_extension(
                ledger, args.id, args.approver, args.note, same_person_confirmed=args.same_person
            )
            print(f"已批准延期申请 {args.id}，整改时限已改为申请的期限。")
        elif args.verb == "reject":
            extensions.reject_extension(ledger, args.id, args.reason, args.approver)
            print(f"已不批准延期申请 {args.id}，整改时限不变。")
        else:
            extensions.withdraw_extension(ledger, args.id, args.reason)
            print(f"已撤回延期申请 {args.id}。")
    return EXIT_OK


def _list_requests(ledger: Ledger, everything: bool) -> int:
    from peewee import JOIN, fn

    from ..models import Extension, ExtensionRequest, Problem

    query = (
        ledger.select(
            ExtensionRequest,
            ExtensionRequest.id,
            Problem.code,
            Measure.seq,
            # an approved request's deadline before it; a waiting one's deadline now
            fn.COALESCE(Extension.old_text, Measure.deadline_text),
            ExtensionRequest.new_text,
            ExtensionRequest.reason,
            ExtensionRequest.requested_by,
            ExtensionRequest.requested_at,
            ExtensionRequest.status,
        )
        .join(Measure, on=(ExtensionRequest.measure == Measure.id))
        .join(Problem, on=(Measure.problem == Problem.id))
        .join_from(
            ExtensionRequest,
            Extension,
            JOIN.LEFT_OUTER,
            on=(ExtensionRequest.extension == Extension.id),
        )
        .order_by(ExtensionRequest.id)
    )
    if not everything:
        query = query.where(ExtensionRequest.status == REQUEST_PENDING)
    rows = list(query.tuples())
    print(f"{'全部' if everything else '待审批的'}延期申请：{len(rows)} 项")
    for rid, code, seq, now, new, reason, by, at, status in rows:
        print(
            f"  [{rid}] {code} 措施 {seq}：{now} → {new}（{REQUEST_LABELS[status]}）"
            f" 申请人 {by} {format_stamp(at)}；理由：{reason}"
        )
    return EXIT_OK


# -- 回头看 ---------------------------------------------------------------------------------------
def cmd_lookback(args, location: str, actor: str) -> int:
    with open_ledger(location, actor=actor) as ledger:
        if args.verb == "list":
            return _list_lookbacks(ledger, args.all)
        if args.verb == "interval":
            lookbacks.set_interval(ledger, args.months)
            print(f"已设置：销号后 {args.months} 个月回头看（已设定的回头看日期不变）。")
            return EXIT_OK
        pid = problem_id_by_code(ledger, args.code)
        if args.verb == "held":
            lookbacks.record_lookback(ledger, pid, "held", args.note)
            print(f"已记录回头看：问题 {args.code} 整改成效巩固。")
        elif args.verb == "slipped":
            lookbacks.record_lookback(ledger, pid, "slipped", args.reason)
            print(f"已记录回头看：问题 {args.code} 反弹，已重新整改。")
        else:
            lookbacks.move_lookback(ledger, pid, args.to)
            print(f"问题 {args.code} 的回头看日期已改为 {format_date(args.to)}。")
    return EXIT_OK


def _list_lookbacks(ledger: Ledger, everything: bool) -> int:
    from ..models import Lookback, Problem
    from ..workflow import CLOSED, LOOKBACK_PENDING

    query = (
        ledger.select(
            Lookback, Problem.code, Lookback.closed_on, Lookback.due_on, Problem.description
        )
        .join(Problem, on=(Lookback.problem == Problem.id))
        .where((Lookback.status == LOOKBACK_PENDING) & (Problem.status == CLOSED))
        .order_by(Lookback.due_on, Problem.id)
    )
    if not everything:
        query = query.where(Lookback.due_on <= ledger.today())
    rows = list(query.tuples())
    print(f"{'待做' if everything else '已到期'}的回头看：{len(rows)} 个问题")
    for code, closed, due, description in rows:
        text = description if len(description) <= 30 else description[:30] + "……"
        print(f"  {code}  {format_date(closed)}销号，{format_date(due)}回头看：{text}")
    return EXIT_OK


# -- 抽查 ----------------------------------------------------------------------------------------
def cmd_sample(args, location: str, actor: str) -> int:
    from .sample_book import draw_line, write_sample_book

    if args.list:
        with open_ledger(location, actor=actor) as ledger:
            views = sampling.draws(ledger)
            print(f"历次抽查：{len(views)} 次")
            for view in views:
                done = sampling.result_counts(ledger, sampling.items(ledger, view.id))
                print(f"  [{view.id}] {draw_line(view, _program())}")
                print(
                    f"      抽中：{'、'.join(view.codes)}；已核查属实 {done['属实']}、不属实 {done['不属实']}"
                )
        return EXIT_OK
    if args.closed is None or args.file is None:
        raise LedgerError("请用 --closed N 指定抽取个数，并给出要保存的 .xlsx 文件名。")
    check_target(args.file)
    check_overwrite(args.file, args.overwrite)
    with open_ledger(location, actor=actor) as ledger:
        batch = _batch_id(ledger, args.batch)
        if args.seed is None:
            changes = sampling.draw_sample(ledger, args.closed, batch=batch)
        else:
            changes = sampling.redo_sample(ledger, args.seed, wanted=args.closed, batch=batch)
        view = sampling.draw_view(ledger, changes.created_id)
        # the draw is in the history before the file is written
        if view.redo_of:
            print(
                f"重做已记入历史（抽查编号 {view.id}，重做抽查 {view.redo_of}）。随机种子：{view.seed}"
            )
        else:
            print(f"抽查已记入历史（抽查编号 {view.id}）。随机种子：{view.seed}")
        print(
            f"  从 {view.population_size} 个已销号问题中抽中 {view.wanted} 个：{'、'.join(view.codes)}"
        )
        if view.redo_of:
            print("  用该种子重做的结果与原记录一致。")
        path = write_sample_book(ledger, args.file, view.id, program=_program())
    print(f"已生成抽查核查表：{path}")
    print(f"  任何人可重做核对：{_program()} {view.redo_command()}")
    return EXIT_OK


def _batch_id(ledger: Ledger, name: str | None) -> int | None:
    if not name:
        return None
    found = ledger.select(Batch, Batch.id).where(Batch.name == name.strip()).scalar()
    if found is None:
        raise NotFoundError(f"台账中没有名为“{name}”的整改批次。")
    return found


def cmd_sample_result(args, location: str, actor: str) -> int:
    with open_ledger(location, actor=actor) as ledger:
        item = sampling.item_for(ledger, args.draw, args.code)
        changes = sampling.record_result(ledger, item, args.result, args.note, checker=args.checker)
    print(f"已记录抽查 {args.draw} 中问题 {args.code} 的核查结果：{args.result}")
    for line in changes.warnings:
        print(f"  提示：{line}")
    return EXIT_OK


# -- 复发 ----------------------------------------------------------------------------------------
def cmd_similar(args, location: str, actor: str) -> int:
    with open_ledger(location, actor=actor) as ledger:
        if args.code:
            row = problem_row(ledger, problem_id_by_code(ledger, args.code))
            text, batch, found_on, exclude = (
                row["description"],
                row["batch"],
                row["found_on"],
                [row["id"]],
            )
        elif args.text:
            text, batch, found_on, exclude = args.text, None, None, []
        else:
            raise LedgerError("请给出问题编号，或用 --text 给出问题描述。")
        found = similar.similar_problems(
            ledger, text, batch=batch, found_on=found_on, exclude=exclude, limit=args.limit
        )
    if not found:
        print("没有找到其他批次中描述相似的早先问题。")
        return EXIT_OK
    print(f"其他批次中描述相似的早先问题 {len(found)} 个（相似度从高到低）：")
    for s in found:
        print(f"  {s.code}  相似度 {s.percent}  {s.status_label}  {s.batch or '（未分批次）'}")
        print(f"      {s.description}")
        print(f"      相同的词：{s.words_text or '（无）'}")
    return EXIT_OK


def cmd_repeat(args, location: str, actor: str) -> int:
    with open_ledger(location, actor=actor) as ledger:
        pid = problem_id_by_code(ledger, args.code)
        if args.clear:
            repeats.clear_repeat(ledger, pid)
            print(f"已取消问题 {args.code} 的复发关联。")
            return EXIT_OK
        if not args.earlier:
            raise LedgerError("请给出它所重复的早先问题编号，或用 --clear 取消关联。")
        repeats.mark_repeat(ledger, pid, problem_id_by_code(ledger, args.earlier))
    print(f"已把问题 {args.code} 记为问题 {args.earlier} 的复发。")
    return EXIT_OK
