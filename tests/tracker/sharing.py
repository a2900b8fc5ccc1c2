"""A shared ledger on a throwaway PostgreSQL server that checks passwords, with one member of each
role: the committee as the tests meet it."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

import psycopg2

from tests.conftest import FakeClock
from tracker import services
from tracker.ledger import Ledger, open_ledger
from tracker.models import Branch, Problem
from tracker.sharing.members import add_member, init_shared

ONE, TWO = "第一党支部", "第二党支部"
PASSWORD = "Dangwei-2026!"  # every member's password (the server checks it)
# login -> (name, role, branch)
MEMBERS = {
    "guanli": ("王敏", "管理员", None),
    "shenhe": ("赵刚", "审核人", ONE),
    "tianbao": ("李娜", "填报人", ONE),
    "tianbao2": ("陈亮", "填报人", TWO),
    "chakan": ("孙红", "查看", None),
}
_names = itertools.count(1)


@dataclass
class Committee:
    """The owner's ledger and a way in for every member."""

    server: object
    database: str
    clock: FakeClock
    owner: Ledger = field(init=False)
    branches: dict[str, int] = field(default_factory=dict)

    def url(self, login: str = "postgres") -> str:
        if login == "postgres":
            return self.server.url(self.database)
        return self.server.url(self.database, login, PASSWORD)

    def open(self, login: str) -> Ledger:
        return open_ledger(self.url(login), clock=self.clock)

    def sql(self, login: str):
        """A plain psycopg2 connection as `login` (what `psql` would be)."""
        return psycopg2.connect(
            host=str(self.server.root),
            port=self.server.port,
            dbname=self.database,
            user=login,
            password=None if login == "postgres" else PASSWORD,
        )

    def try_sql(self, login: str, *statements: tuple[str, tuple]) -> BaseException | None:
        """Run the statements as `login` in one transaction, always rolled back (a plain edit
        is never journaled: it must not stay); the error that stopped them, or None."""
        conn = self.sql(login)
        try:
            cursor = conn.cursor()
            for sql, params in statements:
                cursor.execute(sql, params)
            return None
        except psycopg2.Error as error:
            return error
        finally:
            conn.rollback()
            conn.close()


def make_committee(server, clock: FakeClock) -> Committee:
    database = f"committee_{next(_names)}"
    server.create_database(database)
    committee = Committee(server, database, clock)
    ledger, _ = init_shared(committee.url(), unit_name="市直机关党委", clock=clock)
    committee.owner = ledger
    for login, (name, role, branch) in MEMBERS.items():
        add_member(ledger, login, name=name, role=role, branch=branch, password=PASSWORD)
    committee.branches = dict(ledger.select(Branch, Branch.name, Branch.id).tuples())
    return committee


def problem_in(committee: Committee, branch: str, description: str = "会议记录不规范") -> int:
    """A problem of `branch` with one open measure (made by the owner, who is not checked)."""
    return services.create_problem(
        committee.owner,
        description=description,
        branch=committee.branches[branch],
        measures=[services.MeasureInput("建立会议记录制度", deadline="2026年6月30日")],
    ).created_id


def code_of(ledger: Ledger, problem_id: int) -> str:
    return ledger.select(Problem, Problem.code).where(Problem.id == problem_id).scalar()


def today(committee: Committee) -> dt.date:
    return committee.clock().date()
