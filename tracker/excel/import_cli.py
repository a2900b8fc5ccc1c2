"""`python -m tracker import FILE`: bring a hand-kept Excel ledger in, or preview it with --dry-run."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ..ledger import open_ledger
from .importer import apply_plan
from .plan import KIND_LABELS, ImportOptions, ImportPlan, build_plan

EXIT_OK = 0
SHOWN_NAMES = 8


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” 不是有效日期，格式应为 YYYY-MM-DD") from None


def register(sub) -> dict:
    p = sub.add_parser("import", help="从 Excel 台账（.xlsx/.xls）导入问题与整改措施")
    p.add_argument("file", type=Path, help="要导入的工作簿")
    p.add_argument(
        "--sheet",
        action="append",
        metavar="NAME",
        help="只导入这个工作表（可重复；默认所有台账表）",
    )
    p.add_argument("--batch", metavar="NAME", help="整改批次名称（默认：表格标题或文件名）")
    p.add_argument("--dry-run", action="store_true", help="只显示列对应关系、数量和提示，不写入")
    p.add_argument(
        "--update", action="store_true", help="再次导入时更新已导入问题的变化（默认跳过）"
    )
    p.add_argument("--year", type=int, help="没写年份的时限（如“6月底前”）按这一年理解")
    p.add_argument(
        "--found-on",
        type=_date,
        metavar="DATE",
        help="工作簿没有查摆时间列时问题的查摆日期（默认：表头的填报日期，其次整改批次的日期，再次今天）",
    )
    p.add_argument(
        "--done-as-closed",
        action="store_true",
        help="措施均为“已完成”而原表没写销号的问题按已销号导入（标记为“导入时已销号”；默认按待销号）",
    )
    return {"import": cmd_import}


class StderrProgress:
    """`progress(done, total)` for the command line: “正在读取工作簿… 40%” on stderr, one line per
    tenth (rewritten in place on a terminal), so a big file shows it is moving."""

    def __init__(self, label: str, stream=None) -> None:
        self.label, self.stream, self.shown = label, stream or sys.stderr, -1

    def __call__(self, done: int, total: int) -> bool:
        tenth = min(10, done * 10 // max(total, 1))
        if tenth > self.shown:
            self.shown = tenth
            end = "\r" if self.stream.isatty() and tenth < 10 else "\n"
            self.stream.write(f"{self.label}… {tenth * 10}%{end}")
            self.stream.flush()
        return True


def cmd_import(args, location: str, actor: str) -> int:
    options = ImportOptions(
        sheets=args.sheet,
        batch=args.batch,
        found_on=args.found_on,
        default_year=args.year,
        update=args.update,
        done_as_closed=args.done_as_closed,
    )
    with open_ledger(location, actor=actor) as ledger:
        plan = build_plan(ledger, args.file, options, progress=StderrProgress("正在读取工作簿"))
        print_plan(plan)
        if args.dry_run:
            print("（试运行：未写入任何数据。）")
            return EXIT_OK
        result = apply_plan(ledger, plan, progress=StderrProgress("正在写入台账"))
    for warning in result.warnings:
        print(f"  {warning}")
    codes = result.codes
    span = (
        f"（{codes[0]} 至 {codes[-1]}）" if len(codes) > 1 else (f"（{codes[0]}）" if codes else "")
    )
    print(
        f"已导入：新增问题 {result.created} 个{span}、整改措施 {result.measures} 项；"
        f"更新 {result.updated} 个，跳过已导入的 {result.skipped} 个。"
    )
    if result.changes.journal_head:
        print(f"校验码：{result.changes.journal_head}")
    if codes:
        from ..followup.similar import possible_repeats, repeat_lines

        with open_ledger(location, actor=actor) as ledger:
            pairs, looked = possible_repeats(ledger, codes)
        for line in repeat_lines(pairs, looked, len(codes)):
            print(line)
    return EXIT_OK


def print_plan(plan: ImportPlan) -> None:
    """The preview in words: the mapping per table, the counts, new names, every warning."""
    print(
        f"工作簿：{plan.file_name}（SHA-256 {plan.sha256[:16]}…，读取方式 {plan.workbook.engine}）"
    )
    for name in plan.skipped_sheets:
        print(f"工作表“{name}”：没有找到台账表头，跳过。")
    for table in plan.tables:
        rows = "、".join(str(r) for r in table.header_rows)
        first, end = table.body
        title = f"，标题“{table.title}”" if table.title else ""
        print(f"工作表“{table.sheet}”：表头在第{rows}行，数据从第{first + 1}行开始{title}")
        for col in table.columns:
            sure = f"（把握度 {col.confidence:.0%}）" if col.field and col.field != "ignore" else ""
            print(f"  {col.letter:>2} {col.heading} → {col.label}{sure}")
    counts = plan.counts()
    print(
        f"共识别问题 {counts['problems']} 个：将新增 {counts['create']} 个"
        f"（整改措施 {counts['measures']} 项），"
        f"已导入过将{'更新' if plan.options.update else '跳过'} "
        f"{counts['update'] if plan.options.update else counts['skip']} 个。"
    )
    for line in plan.found_on_summary():
        print(line + "（可用 --found-on 指定）")
    for note in plan.status_notes():
        print(note)
    for kind, names in plan.new_names().items():
        shown = "、".join(names[:SHOWN_NAMES]) + ("等" if len(names) > SHOWN_NAMES else "")
        print(f"将新建{KIND_LABELS[kind]} {len(names)} 个：{shown}")
    if plan.warnings:
        print(f"提示 {len(plan.warnings)} 条：")
        for warning in plan.warnings:
            print(f"  {warning}")
    else:
        print("没有需要核对的提示。")
