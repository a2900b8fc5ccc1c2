"""`python -m tracker collect | rollup | branch …`: the committee's end of the monthly report."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ..errors import LedgerError, NotFoundError
from ..excel.export_cli import OVERWRITE_HELP
from ..excel.writer import check_overwrite
from ..ledger import open_ledger
from ..overdue import format_rate
from . import branches

EXIT_OK, EXIT_REFUSED = 0, 1


def _month(text: str) -> tuple[int, int]:
    from ..excel.export_cli import _month as parse

    return parse(text)


def register(sub) -> dict:
    p = sub.add_parser(
        "collect",
        help="收取支部月报：逐份核对（签名、内容、历史记录接续、重算），通过的收入本台账",
    )
    p.add_argument("files", nargs="+", type=Path, help="月报 .xlsx 文件或所在文件夹")
    p.add_argument(
        "--no-new", action="store_true", help="不在支部名单中的单位的报表一律不收（默认自动登记）"
    )
    p.add_argument(
        "--handkept",
        action="store_true",
        help="这些文件是支部手工填写的台账（不是本程序生成的），按“未校验”收取；需 --branch 和 --month",
    )
    p.add_argument("--branch", metavar="支部", help="手工台账所属的支部名称")
    p.add_argument("--month", type=_month, metavar="YYYY-MM", help="手工台账对应的月份")

    p = sub.add_parser("rollup", help="生成各支部月报汇总表（Excel），或用 --json 输出汇总数字")
    p.add_argument("--month", type=_month, required=True, metavar="YYYY-MM", help="汇总月份")
    p.add_argument("file", type=Path, nargs="?", help="要保存的汇总表 .xlsx（用 --json 时可省略）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出汇总数字")
    p.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)

    p = sub.add_parser("branch", help="支部名单：list 列出，add 登记，edit 修改，retire 停用")
    verbs = p.add_subparsers(dest="verb", metavar="操作")
    verbs.required = True
    verbs.add_parser("list", help="列出支部名单")
    q = verbs.add_parser("add", help="登记一个支部")
    q.add_argument("name", help="支部名称（与其月报上的填报单位一致）")
    q.add_argument("--contact", default="", help="联系人")
    q.add_argument("--phone", default="", help="电话")
    q = verbs.add_parser("edit", help="修改支部名称、联系人、电话")
    q.add_argument("name", help="现在的支部名称")
    q.add_argument("--new-name", help="新名称")
    q.add_argument("--contact", help="联系人")
    q.add_argument("--phone", help="电话")
    q = verbs.add_parser("retire", help="停用一个支部（不再要求报送，历史报表保留）")
    q.add_argument("name")
    return {"collect": cmd_collect, "rollup": cmd_rollup, "branch": cmd_branch}


def cmd_collect(args, location: str, actor: str) -> int:
    from .collect import collect, receive, report_files
    from .handkept import inspect_handkept

    with open_ledger(location, actor=actor) as ledger:
        if args.handkept:
            if not args.branch or not args.month:
                raise LedgerError("收取手工台账需要用 --branch 指定支部、用 --month 指定月份。")
            accepted, refused = [], []
            for path in report_files(args.files):
                incoming = inspect_handkept(ledger, path, args.branch, *args.month)
                if incoming.ok:
                    try:
                        receive(ledger, incoming, branch_name=args.branch)
                    except LedgerError as error:
                        incoming.reasons.append(str(error))
                (accepted if incoming.ok else refused).append(incoming)
            warnings: list[str] = []
        else:
            result = collect(ledger, args.files, accept_new=not args.no_new)
            accepted, refused, warnings = result.accepted, result.refused, result.changes.warnings
    for incoming in accepted:
        mark = "（未校验）" if not incoming.verified else ""
        print(f"已收取：{incoming.describe()}{mark}")
        if incoming.new_branch and incoming.verified:
            print(f"  新登记支部“{incoming.unit}”，签名密钥指纹 {incoming.fingerprint}")
        for note in incoming.notes:
            print(f"  {note}")
    for warning in warnings:
        print(f"注意：{warning}")
    for incoming in refused:
        print(f"未收取：{incoming.describe()}", file=sys.stderr)
        for reason in incoming.reasons:
            print(f"  - {reason}", file=sys.stderr)
    if not accepted and not refused:
        raise LedgerError("没有找到要收取的 .xlsx 文件。")
    print(
        f"共 {len(accepted) + len(refused)} 份：收取 {len(accepted)} 份，拒收 {len(refused)} 份。"
    )
    return EXIT_OK if not refused else EXIT_REFUSED


def cmd_rollup(args, location: str, actor: str) -> int:
    from .rollup import rollup, rollup_json
    from .rollup_book import build_rollup

    year, month = args.month
    if args.file is None and not args.json:
        raise LedgerError("请指定要保存的汇总表文件（.xlsx），或用 --json 输出汇总数字。")
    if args.file is not None:
        check_overwrite(args.file, args.overwrite)
    with open_ledger(location, actor=actor) as ledger:
        if args.file is not None:
            path, result = build_rollup(ledger, args.file, year, month)
        else:
            path, result = None, rollup(ledger, year, month)
    if args.json:
        print(json.dumps(rollup_json(result), ensure_ascii=False))
        return EXIT_OK
    t = result.total
    print(f"已生成汇总表：{path}")
    print(f"  {result.title}")
    print(
        f"  已报送 {len(result.lines)} 个支部，未报送 {len(result.missing)} 个；问题总数 {t['problems']}，"
        f"已销号 {t['closed']}，逾期 {t['overdue']}，销号率 {format_rate(t['rate'])}，"
        f"措施完成率 {format_rate(t['measures_rate'])}。"
    )
    for b in result.missing:
        print(f"  未报送：{b.name}（联系人：{b.contact or '未登记'}，电话：{b.phone or '未登记'}）")
    return EXIT_OK


def cmd_branch(args, location: str, actor: str) -> int:
    with open_ledger(location, actor=actor) as ledger:
        if args.verb == "list":
            rows = branches.branches(ledger, include_retired=True)
            if not rows:
                print("支部名单为空。用 branch add 登记，或收取月报时自动登记。")
            for b in rows:
                state = "" if b.active else "（已停用）"
                key = f"签名密钥指纹 {_fingerprint(b)}" if b.bound else "尚未收到其月报"
                print(f"{b.name}{state}  联系人：{b.contact or '—'}  电话：{b.phone or '—'}  {key}")
            return EXIT_OK
        if args.verb == "add":
            branches.add_branch(ledger, args.name, args.contact, args.phone)
            print(f"已登记支部：{args.name.strip()}")
            return EXIT_OK
        found = branches.find_branch(ledger, args.name)
        if found is None:
            raise NotFoundError(f"支部名单中没有“{args.name}”。")
        if args.verb == "edit":
            branches.edit_branch(
                ledger,
                found.id,
                name=args.new_name if args.new_name is not None else found.name,
                contact=args.contact if args.contact is not None else found.contact,
                phone=args.phone if args.phone is not None else found.phone,
            )
            print(f"已修改支部：{found.name}")
        else:
            branches.set_branch_active(ledger, found.id, False)
            print(f"已停用支部：{found.name}（其历史报表保留）")
    return EXIT_OK


def _fingerprint(b: branches.BranchRow) -> str:
    from .identity import key_fingerprint

    return key_fingerprint(b.public_key)
