"""Who has opened a shared ledger: the member their PostgreSQL login is (or the database owner)."""

from __future__ import annotations

from peewee import JOIN, Database

from ..errors import LedgerOpenError
from ..models import Branch, Member
from . import refusals, schema
from .roles import OWNER
from .roles import Member as Person


def login_of(db: Database) -> str:
    return db.execute_sql("SELECT session_user").fetchone()[0]


def is_owner(db: Database) -> bool:
    return bool(db.execute_sql("SELECT zg_is_owner()").fetchone()[0])


def identify(db: Database) -> Person | None:
    """The member acting on this ledger; None for a ledger that is not shared. Refuses a login
    that is neither an active member nor the owner (it could not even read the ledger)."""
    if schema.shared_prefix(db) is None:
        return None
    login = login_of(db)
    row = (
        Member.select(Member.name, Member.role, Member.branch, Member.active, Branch.name)
        .join(Branch, join_type=JOIN.LEFT_OUTER, on=(Member.branch == Branch.id))
        .where(Member.login == login)
        .bind(db)
        .tuples()
        .first()
    )
    if row is not None and row[3]:
        name, role, branch, _active, branch_name = row
        return Person(login, name, role, branch, branch_name or "")
    if is_owner(db):
        return Person(login, login, OWNER)
    if row is not None:
        raise LedgerOpenError(f"账户“{login}”（{row[0]}）已被停用，不能再打开本台账。")
    raise LedgerOpenError(refusals.not_member(login))
