"""`python -m tracker user add|list|disable`: a shared ledger's members from the command line."""

from __future__ import annotations

import sys

from ..errors import ValidationError
from ..ledger import open_ledger
from .members import add_member, disable_member, list_members

EXIT_OK = 0


def register(sub) -> dict:
    p = sub.add_parser("user", help="多人共用台账的成员：添加、列出、停用（管理员或数据库所有者）")
    verbs = p.add_subparsers(dest="verb", metavar="操作", parser_class=type(p))
    verbs.required = True
    add = verbs.add_parser(
        "add", help="添加成员：创建其 PostgreSQL 登录账户，密码从标准输入读取（一行）"
    )
    add.add_argument("login", help="登录名：小写英文字母、数字和下划线，以字母开头，如 zhangsan")
    add.add_argument("--name", required=True, help="姓名（记入历史记录的操作人）")
    add.add_argument(
        "--role", required=True, help="角色：管理员、审核人、填报人（支部书记）或 查看"
    )
    add.add_argument(
        "--branch",
        help="所在支部：填报人必填；审核人填写所负责的支部（不填则审核全部支部）；"
        "支部名单中没有的会自动登记",
    )
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="从标准输入读取密码（必须；密码不会出现在命令行、输出和日志中）",
    )
    verbs.add_parser("list", help="列出成员：登录名、姓名、角色、支部、状态")
    off = verbs.add_parser("disable", help="停用成员：不能再登录，其姓名仍保留在历史记录中")
    off.add_argument("login", help="登录名")
    return {"user": cmd_user}


def _password() -> str:
    line = sys.stdin.readline()
    return line.rstrip("\r\n")


def cmd_user(args, location: str, actor: str | None) -> int:
    if args.verb == "add" and not args.password_stdin:
        raise ValidationError(
            "密码",
            "请用 --password-stdin 从标准输入提供，如 `echo 密码 | python -m tracker … user add …`。",
        )
    password = _password() if args.verb == "add" else ""
    with open_ledger(location, actor=actor) as ledger:
        if args.verb == "add":
            add_member(
                ledger,
                args.login,
                name=args.name,
                role=args.role,
                branch=args.branch,
                password=password,
            )
            print(f"已添加成员：{args.name}（{args.login}，{args.role}）。")
            return EXIT_OK
        if args.verb == "disable":
            disable_member(ledger, args.login)
            print(f"已停用成员：{args.login}。")
            return EXIT_OK
        rows = list_members(ledger)
    if not rows:
        print("还没有成员。用 `user add 登录名 --name 姓名 --role 角色 --password-stdin` 添加。")
    for row in rows:
        state = "" if row.active else "（已停用）"
        branch = f"  {row.branch}" if row.branch else ""
        print(f"{row.login}  {row.name}  {row.role_label}{branch}{state}")
    return EXIT_OK
