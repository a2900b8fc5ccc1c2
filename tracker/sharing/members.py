"""Setting up a shared ledger and managing its members: each a service action, journaled.

A member is a row of `member` (journaled: who added whom, with which role, is history like any
other) and a PostgreSQL login in this ledger's group roles, made in the same transaction by
`zg_login` (the database's function, which lets only a 管理员 or the owner manage logins, and
only logins of this ledger). The password never reaches the server: its SCRAM hash does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from peewee import JOIN

from ..changes import Changes
from ..db import write_transaction
from ..errors import LedgerError, NotFoundError, ValidationError
from ..ledger import Ledger, create_ledger, open_ledger
from ..limits import NAME_MAX
from ..models import Branch, Member, Meta
from ..paths import is_url, redact
from ..recorder import Unit
from . import refusals, schema, scram
from .roles import BRANCH_ALLOWED, BRANCH_REQUIRED, OWNER, ROLE_BY_WORD, ROLE_LABELS

LOGIN = re.compile(r"[a-z][a-z0-9_]{0,62}")
PASSWORD_MIN = 8


@dataclass(frozen=True)
class MemberRow:
    login: str
    name: str
    role: str
    branch: str
    active: bool

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


def init_shared(
    location: str,
    *,
    unit_name: str = "",
    contact_person: str = "",
    contact_phone: str = "",
    clock=None,
) -> tuple[Ledger, bool]:
    """Make (or make shared) the ledger at a PostgreSQL `location`: its tables, then the roles,
    grants and checks; run by the database's owner. Returns (ledger, whether it was new)."""
    if not is_url(location):
        raise LedgerError(
            "--shared 用于多人共用的 PostgreSQL 台账，请用 --db postgresql://所有者@服务器/数据库 指定。"
        )
    extra = {"clock": clock} if clock is not None else {}
    try:
        ledger, new = (
            create_ledger(
                location,
                unit_name=unit_name,
                contact_person=contact_person,
                contact_phone=contact_phone,
                **extra,
            ),
            True,
        )
    except LedgerError as error:
        if "已经是一个台账" not in str(error):
            raise
        ledger, new = open_ledger(location, **extra), False
    try:
        db = ledger.db
        _require_owner(ledger)
        prefix = schema.shared_prefix(db) or schema.prefix_for(db.database)
        with write_transaction(db):
            schema.install(db, prefix, db.database)
            if schema.shared_prefix(db) is None:
                Meta.insert(key=schema.SHARED_KEY, value=prefix).execute(db)
        ledger.close()
        return open_ledger(location, **extra), new
    except BaseException:
        ledger.close()
        raise


def _require_owner(ledger: Ledger) -> None:
    row = ledger.db.execute_sql(
        "SELECT r.rolsuper, r.rolcreaterole, r.oid = (SELECT relowner FROM pg_class "
        "WHERE oid = 'public.journal'::regclass) FROM pg_roles r WHERE r.rolname = session_user"
    ).fetchone()
    superuser, createrole, owner = row
    if not (owner or superuser):
        raise LedgerError(
            f"只有台账数据库的所有者才能设置多人共用（{redact(ledger.location)} 的表不属于当前账户）。"
        )
    if not (superuser or createrole):
        raise LedgerError(
            "设置多人共用需要能创建账户的数据库账户（超级用户，或有 CREATEROLE 权限）："
            "请用 postgres 账户运行，或先执行 ALTER ROLE 所有者 CREATEROLE。"
        )


def _require_shared(ledger: Ledger) -> str:
    prefix = schema.shared_prefix(ledger.db)
    if prefix is None:
        raise LedgerError(
            "成员和角色只用于多人共用的 PostgreSQL 台账：请先由数据库所有者运行 `init --shared`。"
        )
    return prefix


def role_code(word: str) -> str:
    code = ROLE_BY_WORD.get((word or "").strip())
    if code is None:
        raise ValidationError(
            "角色", f"“{word}”不是可用的角色，应为 管理员、审核人、填报人 或 查看。"
        )
    return code


def add_member(
    ledger: Ledger,
    login: str,
    *,
    name: str,
    role: str,
    password: str,
    branch: str | None = None,
) -> Changes:
    """添加成员: a login with its password, name, role and (填报人, 审核人) branch. A login once
    disabled is enabled again with the new role and password."""
    prefix = _require_shared(ledger)
    login = (login or "").strip()
    if not LOGIN.fullmatch(login):
        raise ValidationError(
            "登录名",
            "只能由小写英文字母、数字和下划线组成，以字母开头，不超过 63 个字符（如 zhangsan）。",
        )
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise ValidationError("姓名", f"不能为空，不超过 {NAME_MAX} 个字。")
    code = role_code(role)
    branch = (branch or "").strip() or None
    if code in BRANCH_REQUIRED and branch is None:
        raise ValidationError("支部", f"{ROLE_LABELS[code]}必须指定所在支部（--branch）。")
    if branch is not None and code not in BRANCH_ALLOWED:
        raise ValidationError("支部", f"{ROLE_LABELS[code]}不分支部，不能指定支部。")
    if len(password or "") < PASSWORD_MIN:
        raise ValidationError("密码", f"至少 {PASSWORD_MIN} 个字符。")
    _login_free(ledger, login, prefix)
    with Unit(ledger, "member.create") as unit:
        existing = ledger.select(Member).where(Member.login == login).dicts().first()
        if existing is not None and existing["active"]:
            raise ValidationError("登录名", f"“{login}”已经是本台账的成员（{existing['name']}）。")
        names = ledger.select(Member, Member.login).where(
            (Member.name == name) & (Member.active == True) & (Member.login != login)  # noqa: E712
        )
        if names.exists():
            raise ValidationError(
                "姓名",
                f"已有成员叫“{name}”：历史记录按姓名区分操作人，请写明区别（如“张伟（二支部）”）。",
            )
        branch_id = _branch(unit, ledger, branch)
        values = {"name": name, "role": code, "branch": branch_id, "active": True}
        if existing is None:
            unit.create(Member, login=login, **values)
        else:
            unit.update(Member, existing["id"], values, expected_version=existing["version"])
        ledger.db.execute_sql(
            "SELECT zg_login(%s, %s, %s, true)",
            (login, scram.verifier(password), schema.group(prefix, code)),
        )
        unit.changes.members = True
    return unit.changes


def _login_free(ledger: Ledger, login: str, prefix: str) -> None:
    """The check `zg_login` makes, made first: a login of the server that is not this ledger's
    (a superuser, an owner, another ledger's member) cannot be taken over."""
    row = ledger.db.execute_sql(
        "SELECT r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.oid = (SELECT relowner "
        "FROM pg_class WHERE oid = 'public.journal'::regclass), pg_has_role(r.oid, %s, 'MEMBER') "
        "FROM pg_roles r WHERE r.rolname = %s",
        (schema.group(prefix), login),
    ).fetchone()
    owner = ledger.member is not None and ledger.member.role == OWNER
    if row is not None and (row[0] or (not owner and not row[1])):
        raise refusals.refuse("login_taken", login)


def _branch(unit: Unit, ledger: Ledger, name: str | None) -> int | None:
    """The branch called `name`, registered in the branch list if it is not there yet."""
    from ..exchange.branches import create_branch, find_branch

    if name is None:
        return None
    found = find_branch(ledger, name)
    return found.id if found is not None else create_branch(ledger, unit, name)


def disable_member(ledger: Ledger, login: str) -> Changes:
    """停用成员: the login can no longer log in; their name stays on everything they did."""
    _require_shared(ledger)
    login = (login or "").strip()
    if ledger.member is not None and login == ledger.member.login:
        raise refusals.refuse("self_disable", ledger.member.name)
    with Unit(ledger, "member.disable") as unit:
        row = ledger.select(Member).where(Member.login == login).dicts().first()
        if row is None:
            raise NotFoundError(f"本台账没有登录名为“{login}”的成员。")
        if not row["active"]:
            raise ValidationError("登录名", f"成员“{row['name']}”（{login}）已经停用。")
        unit.update(Member, row["id"], {"active": False}, expected_version=row["version"])
        ledger.db.execute_sql("SELECT zg_login(%s, NULL, NULL, false)", (login,))
        unit.changes.members = True
    return unit.changes


def list_members(ledger: Ledger) -> list[MemberRow]:
    _require_shared(ledger)
    rows = (
        ledger.select(Member, Member.login, Member.name, Member.role, Branch.name, Member.active)
        .join(Branch, join_type=JOIN.LEFT_OUTER, on=(Member.branch == Branch.id))
        .order_by(Member.active.desc(), Member.role, Member.login)
        .tuples()
    )
    return [
        MemberRow(login, name, role, branch or "", active)
        for login, name, role, branch, active in rows
    ]
