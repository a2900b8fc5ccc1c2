"""`python -m tracker …`: the ledger from the command line (a contract other tools and tests rely on)."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import sys
import traceback
from pathlib import Path

from . import backup as backup_mod
from .checkpoints import past
from .command_name import program_name
from .dates import format_date
from .errors import LedgerError
from .failures import translate
from .history import problem_history
from .ledger import create_ledger, open_ledger
from .overdue import format_rate
from .paths import (
    default_db_location,
    is_url,
    log_dir,
    redact,
    redact_urls,
    require_folder,
    scrub,
)
from .replay import reindex, verify
from .stats import FOLLOWUP_KEYS, KEY_LABELS, stats
from .version import VERSION

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2
MB = 1024 * 1024
# Modules that add commands: each has `register(subparsers) -> {name: function(args, location, actor)}`.
EXTENSIONS: list[str] = [
    "tracker.excel.import_cli",
    "tracker.excel.export_cli",
    "tracker.exchange.cli",
    "tracker.documents.cli",
    "tracker.followup.cli",
    "tracker.commands.workflow",
    "tracker.sharing.cli",
]


class ChineseArgumentParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        from .commands.chinese import ChineseHelpFormatter

        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # argparse's own wording is English; say it in Chinese
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_ERROR, f"命令行参数有误：{message}\n运行 `{program_name()} --help` 查看用法。\n"
        )


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{text}” 不是有效日期，格式应为 YYYY-MM-DD，如 2026-10-31"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    from .commands import chinese

    chinese.install()  # argparse's own words ("usage:", "options" …) in Chinese
    parser = ChineseArgumentParser(
        prog=program_name(),
        description="整改台账命令行：创建台账、生成示例、统计、校验历史、备份与恢复。",
    )
    parser.add_argument("--version", action="version", version=f"整改台账（命令行）{VERSION}")
    parser.add_argument(
        "--db",
        help="台账文件路径或 postgresql:// 地址（默认：环境变量 ZHENGGAI_DB，或用户数据目录中的 ledger.db）",
    )
    parser.add_argument(
        "--user",
        help="记录在每条修改上的操作人（默认：环境变量 ZHENGGAI_USER，或系统登录名）；"
        "多人共用的台账上操作人就是登录账户，不能指定",
    )
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseArgumentParser)
    sub.required = True

    p = sub.add_parser("init", help="创建一个新的空台账")
    p.add_argument("--unit", default="", help="填报单位名称")
    p.add_argument("--contact", default="", help="联系人")
    p.add_argument("--phone", default="", help="联系电话")
    p.add_argument(
        "--shared",
        action="store_true",
        help="多人共用的 PostgreSQL 台账：另建成员账户组、权限和数据库中的检查（由数据库所有者运行）",
    )

    p = sub.add_parser("demo", help="创建一个填好示例数据的台账（仅限新文件）")
    p.add_argument("--problems", type=int, default=300, help="问题数量（默认 300，可到 100000）")
    p.add_argument(
        "--seed", type=int, default=2026, help="随机种子：相同种子、相同日期生成相同台账"
    )
    p.add_argument(
        "--unit",
        help="示例台账的填报单位名称（如“第三党支部”；不同名称生成不同内容，可模拟多个支部）",
    )

    p = sub.add_parser("stats", help="统计问题与措施数量、逾期、销号率")
    p.add_argument("--as-of", type=_date, help="按历史记录还原到某日（YYYY-MM-DD）再统计")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")

    p = sub.add_parser(
        "verify", help="校验历史记录链，核对数据是否被程序之外改动，逐个核对佐证材料文件的内容"
    )
    p.add_argument(
        "--quick", action="store_true", help="佐证材料只核对文件大小，不重新计算 SHA-256（更快）"
    )

    sub.add_parser(
        "reindex", help="重建派生数据：搜索索引和各问题的最近时限（校验提示不一致时使用）"
    )

    p = sub.add_parser("history", help="显示一个问题的全部修改历史")
    p.add_argument("code", help="问题编号，如 2026-001")

    p = sub.add_parser("backup", help="在线备份台账（含佐证材料）到一个文件")
    p.add_argument("file", type=Path)

    p = sub.add_parser(
        "restore", help="用备份文件恢复台账（先显示双方内容；恢复前自动另存当前台账，带时间）"
    )
    p.add_argument("file", type=Path)
    p.add_argument(
        "--yes",
        action="store_true",
        help="确认恢复：备份的填报单位与当前台账不同、或恢复 PostgreSQL 共用台账时必须加上",
    )
    for module in EXTENSIONS:
        COMMANDS.update(importlib.import_module(module).register(sub))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command. Exit status: 0 done, 1 a check found a problem (`verify`,
    `verify-report`, a report `collect` refused), 2 anything else that went wrong (always said
    in a Chinese sentence)."""
    args = build_parser().parse_args(argv)
    location = args.db or default_db_location()
    actor = args.user  # None: the default (a shared ledger's login; else ZHENGGAI_USER, the OS)
    try:
        return COMMANDS[args.command](args, location, actor)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return EXIT_ERROR
    except Exception as error:
        known = translate(error, location)
        if known is None:
            return unexpected(error, location)
        print(f"错误：{known}", file=sys.stderr)
        return EXIT_ERROR


def unexpected(error: BaseException, location: str) -> int:
    """A bug: one Chinese sentence; the traceback goes to the log, where support can read it."""
    report = redact_urls(scrub("".join(traceback.format_exception(error)), location))
    log = log_dir() / "zhenggai.log"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("a", encoding="utf-8") as fh:
            fh.write(f"{dt.datetime.now():%Y-%m-%d %H:%M:%S} python -m tracker: {report}\n")
        where = f"详细信息已记录到 {log}，如需帮助请把该文件发给技术支持。"
    except OSError:
        print(report, file=sys.stderr)
        where = "详细信息见上方。"
    kind = redact_urls(scrub(f"{type(error).__name__}: {error}", location))
    print(
        f"错误：程序遇到意外错误（{kind}），操作未完成，已保存的数据不受影响。{where}",
        file=sys.stderr,
    )
    return EXIT_ERROR


def cmd_init(args, location: str, actor: str | None) -> int:
    if args.shared:
        from .sharing.members import init_shared

        if actor is not None:
            raise LedgerError("多人共用的台账上，操作人就是登录账户，不能用 --user 指定。")
        ledger, new = init_shared(
            location, unit_name=args.unit, contact_person=args.contact, contact_phone=args.phone
        )
        with ledger:
            who = ledger.member.login if ledger.member else ""
        done = "已创建多人共用台账" if new else "已为现有台账设置（或重新检查）多人共用"
        print(f"{done}：{redact(location)}（数据库所有者：{who}）")
        print(
            "下一步：添加成员，如 `echo 密码 | python -m tracker --db 地址 user add zhangsan "
            "--name 张三 --role 管理员 --password-stdin`。"
        )
        return EXIT_OK
    with create_ledger(
        location,
        unit_name=args.unit,
        contact_person=args.contact,
        contact_phone=args.phone,
        actor=actor,
    ):
        pass
    print(f"已创建台账：{redact(location)}")
    return EXIT_OK


def cmd_demo(args, location: str, actor: str) -> int:
    from .demo import build_demo

    if args.problems < 0:
        raise LedgerError("--problems 不能为负数。")
    if is_url(location):
        raise LedgerError("示例台账只能创建为本地文件，请用 --db 指定一个 .db 文件。")
    with build_demo(
        location, problems=args.problems, seed=args.seed, actor=actor, unit=args.unit
    ) as ledger:
        numbers = stats(ledger)
    print(f"已创建示例台账：{location}")
    print(
        f"共 {numbers['problems']} 个问题、{numbers['measures']} 项整改措施，其中逾期问题 {numbers['overdue_problems']} 个。"
    )
    return EXIT_OK


def cmd_stats(args, location: str, actor: str) -> int:
    with open_ledger(location, actor=actor, read_only=False) as ledger:
        target = past(ledger, args.as_of) if args.as_of else ledger
        numbers = stats(target)
        unit = target.unit_name
    if args.json:
        print(json.dumps(numbers, ensure_ascii=False))
        return EXIT_OK
    print(f"填报单位：{unit or '（未填写）'}")
    print(f"统计截至：{format_date(dt.date.fromisoformat(numbers['as_of']))}")
    for key, label in KEY_LABELS.items():
        value = format_rate(numbers[key]) if key == "closure_rate" else numbers[key]
        indent = (
            "  "
            if key
            in {
                "listed",
                "in_progress",
                "pending_closure",
                "long_term",
                "closed",
                "measures_done",
                "measures_long_term",
                "overdue_measures",
                "overdue_problems",
            }
            else ""
        )
        indent = "    " if key == "closed_on_import" else indent  # a part of 已销号
        if key == FOLLOWUP_KEYS[0]:
            print("跟踪问效：")
        indent = "  " if key in FOLLOWUP_KEYS else indent
        print(f"{indent}{label}：{value}")
    return EXIT_OK


def cmd_verify(args, location: str, actor: str) -> int:
    with open_ledger(location, actor=actor) as ledger:
        report = verify(ledger, quick=args.quick, progress=_progress_on_stderr("核对佐证材料"))
    if report.ok:
        print(
            f"校验通过：历史记录 {report.entries} 条完整，{report.rows_checked} 条数据与历史记录一致。"
        )
        print(f"校验码：{report.head.code}（可抄录备查，今后可据此核对历史是否被改写）")
        if args.quick:
            print("（快速校验：佐证材料只核对了文件大小，未重新计算内容的 SHA-256。）")
        return EXIT_OK
    print(f"校验未通过，发现 {len(report.problems)} 处问题：", file=sys.stderr)
    for line in report.problems:
        print(f"  - {line}", file=sys.stderr)
    return EXIT_FAILED


def _progress_on_stderr(label: str):
    """A progress callback over bytes for stderr: rewritten in place on a terminal, one line per
    tenth otherwise (a log, a test). Nothing is shown for work without bytes to go through."""
    tty = sys.stderr.isatty()
    shown = -1

    def progress(done: int, total: int) -> bool:
        nonlocal shown
        if total <= 0:
            return True
        percent = min(100, done * 100 // total)
        if tty:
            end = "\n" if done >= total else ""
            print(
                f"\r{label}：{done / MB:.1f} / {total / MB:.1f} MB（{percent}%）",
                end=end,
                file=sys.stderr,
                flush=True,
            )
        elif percent // 10 > shown:
            shown = percent // 10
            print(f"{label}：{percent}%", file=sys.stderr, flush=True)
        return True

    return progress


def cmd_reindex(args, location: str, actor: str) -> int:
    with open_ledger(location, actor=actor) as ledger:
        count = reindex(ledger)
    print("已重建各问题的最近时限；已删除过去月份的检查点（以后需要时按历史记录重建）。")
    print(f"已重建搜索索引：{count} 个问题。")
    return EXIT_OK


def cmd_history(args, location: str, actor: str) -> int:
    from .services.lookup import problem_id_by_code

    with open_ledger(location, actor=actor) as ledger:
        items = problem_history(ledger, problem_id_by_code(ledger, args.code))
    print(f"问题 {args.code} 的修改历史（共 {len(items)} 条）：")
    for item in items:
        print(f"[{item.seq}] {item.when}  {item.actor}  {item.title}")
        for line in item.lines:
            print(f"      {line}")
    return EXIT_OK


def cmd_backup(args, location: str, actor: str) -> int:
    target: Path = args.file
    require_folder(target, "备份")  # exists, and a name that is free: checked by backup_ledger
    with open_ledger(location, actor=actor) as ledger:
        backup_mod.backup_ledger(ledger.db, ledger.evidence_dir, target)
    print(f"已备份到：{target}（佐证材料在 {backup_mod.evidence_dir_of_file(target)}）")
    return EXIT_OK


def cmd_restore(args, location: str, actor: str) -> int:
    from . import restore

    if not args.file.is_file():
        raise LedgerError(f"备份文件不存在：{args.file}")
    with open_ledger(args.file, read_only=True) as candidate:
        report = verify(candidate, progress=_progress_on_stderr("核对备份中的佐证材料"))
        incoming = restore.summarize(candidate)
    if not report.ok:
        raise LedgerError(f"备份文件 “{args.file}” 未通过校验，拒绝恢复：{report.problems[0]}")
    with open_ledger(location, actor=actor) as ledger:
        current = restore.summarize(ledger)
        print(f"将要恢复的备份：{args.file}")
        print(f"  {incoming.text()}")
        print(f"将被替换的当前台账：{redact(ledger.location)}")
        print(f"  {current.text()}")
        reason = restore.confirmation_needed(ledger, current, incoming)
        if reason and not args.yes:
            raise LedgerError(
                f"没有恢复：{reason}。请核对上面双方的内容，确认无误后加上 --yes 再运行一次。"
            )
        safety = restore.restore_ledger(ledger, args.file)
    print(f"已从 {args.file} 恢复台账（校验码 {report.head.code}）。")
    print(f"恢复前的台账已另存为：{safety}（可用它再恢复回去）")
    return EXIT_OK


COMMANDS = {
    "init": cmd_init,
    "demo": cmd_demo,
    "stats": cmd_stats,
    "verify": cmd_verify,
    "reindex": cmd_reindex,
    "history": cmd_history,
    "backup": cmd_backup,
    "restore": cmd_restore,
}

if __name__ == "__main__":
    raise SystemExit(main())
