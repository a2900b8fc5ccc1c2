"""`python -m tracker lists | word-report`: the 三张清单 workbook and the Word 整改情况报告."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from ..dates import format_date
from ..errors import LedgerError
from ..excel.export_cli import _date, _lookup
from ..excel.writer import check_overwrite
from ..ledger import open_ledger
from ..models import Batch

EXIT_OK = 0
Command = Callable[[argparse.Namespace, str, str], int]
OVERWRITE_HELP = "同名文件不是本程序生成的，也覆盖它（默认拒绝，以免覆盖别人的文件）"


def register(sub) -> dict[str, Command]:
    p = sub.add_parser(
        "lists", help="导出“三张清单”（问题清单、任务清单、责任清单，一个 Excel 工作簿）"
    )
    p.add_argument("file", type=Path, help="要保存的 .xlsx 文件（所在文件夹须已存在）")
    p.add_argument("--batch", metavar="NAME", help="只列这个整改批次的问题")
    p.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)

    p = sub.add_parser(
        "word-report",
        help="生成整改情况报告（Word，公文格式；待填写的部分标【请补充】）",
    )
    p.add_argument("file", type=Path, help="要保存的 .docx 文件（所在文件夹须已存在）")
    p.add_argument("--batch", metavar="NAME", help="只报告这个整改批次")
    p.add_argument(
        "--as-of",
        type=_date,
        metavar="DATE",
        help="按某日（YYYY-MM-DD）的台账状态撰写（由历史记录还原）",
    )
    p.add_argument("--overwrite", action="store_true", help=OVERWRITE_HELP)
    return {"lists": cmd_lists, "word-report": cmd_word_report}


def cmd_lists(args, location: str, actor: str) -> int:
    from ..excel.writer import check_target
    from .lists import build_lists

    check_target(args.file)
    check_overwrite(args.file, args.overwrite)
    with open_ledger(location, actor=actor) as ledger:
        batch = _lookup(ledger, Batch, args.batch, "整改批次")
        result = build_lists(ledger, args.file, batch=batch)
    print(f"已导出三张清单：{result.path}")
    print(f"  {result.title}")
    print(
        f"  问题清单 {result.problems} 个问题，任务清单 {result.measures} 项措施"
        f"（其中逾期 {result.overdue_measures} 项），责任清单按责任领导、责任部门、责任人分列。"
    )
    if result.replaced:
        print("  （已覆盖原有同名文件。）")
    return EXIT_OK


def cmd_word_report(args, location: str, actor: str) -> int:
    from .word_report import build_word_report, check_docx

    check_docx(args.file)
    check_overwrite(args.file, args.overwrite)
    with open_ledger(location, actor=actor) as ledger:
        if args.as_of and args.as_of > ledger.today():
            raise LedgerError(f"--as-of 不能晚于今天（{format_date(ledger.today())}）。")
        batch = _lookup(ledger, Batch, args.batch, "整改批次")
        result = build_word_report(ledger, args.file, batch=batch, as_of=args.as_of)
    print(f"已生成整改情况报告（草稿）：{result.path}")
    print(f"  《{result.title}》，{result.problems} 个问题，数据截至 {format_date(result.as_of)}。")
    print("  标有【请补充】的部分请撰写后再报送。")
    if result.replaced:
        print("  （已覆盖原有同名文件。）")
    return EXIT_OK
