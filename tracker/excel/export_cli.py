"""`python -m tracker export | report | verify-report`: the Excel-out commands of the CLI."""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Callable
from pathlib import Path

from .. import workflow
from ..dates import format_date
from ..errors import LedgerError, NotFoundError
from ..ledger import Ledger, open_ledger
from ..models import Batch, Category, Department
from ..overdue import format_rate
from ..queries import OVERDUE, Filter
from .export import export_ledger
from .report import build_report
from .verify_report import check_file, check_report, describe
from .writer import check_overwrite, check_target

EXIT_OK, EXIT_MISMATCH = 0, 1
Command = Callable[[argparse.Namespace, str, str], int]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}” 不是有效日期，格式应为 YYYY-MM-DD，如 2026-10-31"
        ) from None


def _month(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"\s*(\d{4})[-/.年](\d{1,2})月?\s*", text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise argparse.ArgumentTypeError(f"“{text}” 不是有效月份，格式应为 YYYY-MM，如 2026-10")
    return int(match.group(1)), int(match.group(2))


FILE_HELP = "要保存的 .xlsx 文件（所在文件夹须已存在；同名文件若是本程序生成的则直接替换）"
OVERWRITE_HELP = "同名文件不是本程序生成的，也覆盖它（默认拒绝，以免覆盖别人的表格）"


def register(sub) -> dict[str, Command]:
    p = sub.add_parser("export", help="导出整改台账（Excel，每项措施一行，可按条件筛选）")
    p.add_argument("file", type=Path, help=FILE_HELP)
    p.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    p.add_argument("--as-of", type=_date, metavar="DATE", help="导出台账在某日（YYYY-MM-DD）的样子")
    p.add_argument("--batch", metavar="NAME", help="只导出这个整改批次")
    p.add_argument(
        "--status",
        nargs="+",
        action="extend",
        metavar="状态",
        help="只导出这些状态的问题：挂账 整改中 待销号 已销号 长期坚持 已作废",
    )
    p.add_argument("--department", metavar="NAME", help="只导出这个部门负责的问题")
    p.add_argument("--category", metavar="NAME", help="只导出这个类别的问题")
    p.add_argument("--overdue", action="store_true", help="只导出有逾期措施的问题")
    p.add_argument(
        "--brief",
        action="store_true",
        help="导出简表：序号、问题、措施、责任领导/部门/人、时限、完成情况、是否销号（默认完整表）",
    )

    p = sub.add_parser("report", help="生成月报（汇总、明细、逾期三张表，附校验码）")
    p.add_argument(
        "--month", type=_month, required=True, metavar="YYYY-MM", help="报告月份，如 2026-10"
    )
    p.add_argument("file", type=Path, help=FILE_HELP)
    p.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    p.add_argument(
        "--full-history",
        action="store_true",
        help="附带全部历史记录（大台账默认只带上上个月底以来的部分；中间有月份没报送时用）",
    )

    p = sub.add_parser(
        "verify-report",
        help="核对月报：报表生成后是否被改动，台账历史是否仍然支持它（逐格核对）",
    )
    p.add_argument("file", type=Path, help="本程序生成的月报 .xlsx")
    p.add_argument(
        "--file-only",
        action="store_true",
        help="只核对文件本身（签名与内容），不与台账核对（上级收到报表、手头没有该台账时）",
    )
    return {"export": cmd_export, "report": cmd_report, "verify-report": cmd_verify_report}


def _lookup(ledger: Ledger, model, name: str | None, label: str) -> int | None:
    if name is None:
        return None
    pk = ledger.select(model, model.id).where(model.name == name.strip()).scalar()
    if pk is None:
        known = "、".join(n for (n,) in ledger.select(model, model.name).limit(12).tuples())
        raise NotFoundError(f"台账中没有名为“{name}”的{label}。现有：{known or '（无）'}")
    return pk


def _statuses(words: list[str] | None) -> tuple[str, ...]:
    out = []
    for word in re.split(r"[,，、\s]+", " ".join(words or [])):
        if not word:
            continue
        code = workflow.STATUS_BY_LABEL.get(word, word)
        if code not in workflow.STATUS_LABELS:
            known = " ".join(workflow.STATUS_LABELS.values())
            raise LedgerError(f"“{word}” 不是问题状态，可用：{known}")
        out.append(code)
    return tuple(out)


def build_filter(ledger: Ledger, args: argparse.Namespace) -> Filter:
    """The GUI's filters, from command-line words (names, not ids)."""
    return Filter(
        view=OVERDUE if args.overdue else Filter().view,
        batch=_lookup(ledger, Batch, args.batch, "整改批次"),
        statuses=_statuses(args.status),
        category=_lookup(ledger, Category, args.category, "问题类别"),
        department=_lookup(ledger, Department, args.department, "部门"),
    )


def cmd_export(args, location: str, actor: str) -> int:
    check_target(args.file)
    check_overwrite(args.file, args.overwrite)
    with open_ledger(location, actor=actor) as ledger:
        if args.as_of and args.as_of > ledger.today():
            raise LedgerError(f"--as-of 不能晚于今天（{format_date(ledger.today())}）。")
        result = export_ledger(
            ledger, args.file, build_filter(ledger, args), as_of=args.as_of, brief=args.brief
        )
    print(f"已导出整改台账：{result.path}")
    print(f"  {result.title}")
    print(
        f"  问题 {result.problems} 个，整改措施 {result.rows} 行，其中逾期 {result.overdue_rows} 项。"
    )
    size = f"，表中文字打印为 {10.5 * result.scale:.1f} 磅" if result.scale < 1 else ""
    print(f"  {'简表' if result.brief else '完整表'}，A4 横向{size}。")
    if result.omitted:
        print(f"  所选问题均未填写的列未列出：{'、'.join(result.omitted)}。")
    if result.as_of:
        print(f"  数据按历史记录还原到 {format_date(result.as_of)} 当日结束时。")
    if result.replaced:
        print("  （已覆盖原有同名文件。）")
    return EXIT_OK


def cmd_report(args, location: str, actor: str) -> int:
    year, month = args.month
    check_target(args.file)
    check_overwrite(args.file, args.overwrite)
    with open_ledger(location, actor=actor) as ledger:
        result = build_report(ledger, args.file, year, month, full_history=args.full_history)
    t = result.figures.total
    print(f"已生成月报：{result.path}")
    print(f"  {result.title}")
    print(
        f"  问题总数 {t.problems}，本月新增 {t.new}，已销号 {t.closed}（本月 {t.closed_in_month}），"
        f"长期坚持 {t.long_term}，正在整改 {t.open}（其中逾期 {t.overdue}），"
        f"销号率 {format_rate(t.rate)}。"
    )
    print(f"  明细 {result.detail_problems} 个问题，逾期措施 {result.overdue_measures} 项。")
    print(f"  校验码：{result.code}（历史记录截至 {result.moment}）")
    return EXIT_OK


def cmd_verify_report(args, location: str, actor: str) -> int:
    from ..exchange import identity
    from ..paths import is_url

    explicit = args.db is not None
    exists = is_url(location) or Path(location).exists()
    if args.file_only or (not explicit and not exists):
        check = check_file(args.file)
        if not args.file_only:
            check.notes.append(
                "本机没有台账，只核对了文件本身；用 --db 指定生成报表的台账可逐格核对。"
            )
    else:
        with open_ledger(location, actor=actor, read_only=not is_url(location)) as ledger:
            check = check_file(args.file)
            mine = identity.identity(ledger.db).ledger_id
            if explicit or check.payload.get("ledger", {}).get("id") in (None, mine):
                check = check_report(ledger, args.file)
            else:
                check.notes.append(
                    "本机台账不是生成该报表的台账，只核对了文件本身；"
                    "用 --db 指定生成报表的台账可逐格核对。"
                )
    for line in describe(check):
        print(line, file=sys.stdout if check.ok else sys.stderr)
    return EXIT_OK if check.ok else EXIT_MISMATCH
