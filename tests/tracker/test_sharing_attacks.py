"""A member who knows SQL tries what the program would never do, logged in as themselves with
`psql` or any driver: the database refuses, in the program's words, and `verify` stays clean."""

from __future__ import annotations

import os
import subprocess

import psycopg2
import pytest

from tests.tracker import pgserver
from tracker import services
from tracker.errors import LedgerError
from tracker.failures import translate
from tracker.journal import entry_hash
from tracker.models import Journal, Meta, Problem
from tracker.replay import verify
from tracker.sharing import refusals

from .sharing import ONE, PASSWORD, problem_in

pytestmark = pytest.mark.skipif(
    not pgserver.available(), reason="PostgreSQL server binaries not installed"
)
READERS = ["shenhe", "tianbao", "chakan"]  # every member but the 管理员


def said(error: BaseException, committee, login: str) -> str:
    return str(translate(error, committee.url(login)))


def signing_key(committee) -> str:
    return committee.owner.db.execute_sql("SELECT value FROM zg_secret").fetchone()[0]


def head(committee) -> tuple[int, str]:
    query = committee.owner.select(Journal, Journal.seq, Journal.hash)
    return query.order_by(Journal.seq.desc()).tuples().first()


@pytest.mark.parametrize("login", READERS)
def test_no_member_reads_the_signing_key_by_renaming_the_meta_rows(committee, login):
    """`SET key = …` with no WHERE names no column, so the read policy alone would not filter it:
    renaming every row to a code counter's key once showed the private key to a 填报人."""
    secret = signing_key(committee)
    conn = committee.sql(login)
    try:
        cursor = conn.cursor()
        try:
            cursor.execute("UPDATE meta SET key = 'code_counter.' || gen_random_uuid()")
        except psycopg2.Error:
            conn.rollback()  # 查看 has no UPDATE at all
        cursor.execute("SELECT value FROM meta")
        assert secret not in {value for (value,) in cursor.fetchall()}
        cursor.execute("SELECT count(*) FROM meta WHERE key = 'signing_key'")
        assert cursor.fetchone()[0] == 0
    finally:
        conn.rollback()
        conn.close()


def test_without_the_policy_the_trigger_still_keeps_meta_rows_out_of_reach(committee):
    db = committee.owner.db
    db.execute_sql("DROP POLICY zg_change ON meta")  # a policy dropped by mistake
    db.execute_sql("CREATE POLICY zg_change ON meta FOR UPDATE USING (true) WITH CHECK (true)")
    refused = committee.try_sql(
        "tianbao", ("UPDATE meta SET key = 'code_counter.' || gen_random_uuid()", ())
    )
    assert refused is not None
    keys = [k for (k,) in committee.owner.select(Meta, Meta.key).tuples()]
    assert said(refused, committee, "tianbao") in {refusals.meta(k) for k in keys}


def test_a_journal_entry_must_carry_its_own_hash(committee):
    seq, prev = head(committee)
    at, changes = "2026-03-02 10:00:00", '[{"说明":"引号\\" 反斜杠\\\\ 换行\\n 制表\\t \\u0001"}]'
    insert = (
        "INSERT INTO journal (seq, txn, at, actor, action, problem, changes, prev_hash, hash) "
        "VALUES (%s, %s, %s, '李娜', 'problem.edit', NULL, %s, %s, %s)"
    )
    bogus = committee.try_sql("tianbao", (insert, (seq + 1, seq + 1, at, changes, prev, "0" * 64)))
    assert said(bogus, committee, "tianbao") == refusals.chain()
    right = entry_hash(seq + 1, seq + 1, at, "李娜", "problem.edit", None, changes, prev)
    assert (
        committee.try_sql("tianbao", (insert, (seq + 1, seq + 1, at, changes, prev, right))) is None
    )


def test_plain_sql_cannot_change_the_ledger_without_a_journal_entry(committee):
    pid = problem_in(committee, ONE)
    conn = committee.sql("tianbao")  # their own branch's problem: the role and branch allow it
    try:
        conn.cursor().execute("UPDATE problem SET description = '悄悄改过' WHERE id = %s", (pid,))
        with pytest.raises(psycopg2.Error) as caught:
            conn.commit()  # checked at commit: was there an entry in 李娜's name?
    finally:
        conn.close()
    assert said(caught.value, committee, "tianbao") == refusals.unjournaled("problem")
    assert verify(committee.owner).ok


def test_psql_as_a_member_cannot_rewrite_the_journal(committee):
    psql = pgserver.find_bin("psql")
    if psql is None:
        pytest.skip("psql not installed")
    server = committee.server
    env = {**os.environ, "PGPASSWORD": PASSWORD}
    for sql in ("UPDATE journal SET actor = '别人'", "DELETE FROM journal", "TRUNCATE journal"):
        result = subprocess.run(
            [psql, "-X", "-v", "ON_ERROR_STOP=1", "-h", str(server.root), "-p",
             str(server.port), "-U", "tianbao", "-d", committee.database, "-c", sql],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode != 0, sql
        assert "permission denied" in result.stderr, result.stderr
    assert verify(committee.owner).ok


def test_a_reviewer_cannot_write_another_name_in_as_applicant_or_reviewer(committee, tmp_path):
    """A request the owner made in the 审核人's own name cannot be approved by them; renaming its
    applicant first would get round that, and renaming who approved would falsify the record."""
    from tracker.sharing import rules

    from .sharing import code_of
    from .test_sharing_matrix import _ready

    pid = problem_in(committee, ONE)
    _ready(committee, pid, tmp_path)
    services.request_closure(committee.owner, pid, "已整改", applicant="赵刚")
    sentence = refusals.signed("申请人", "赵刚", "李娜")
    with committee.open("shenhe") as reviewer:
        row = Problem.select().where(Problem.id == pid).bind(reviewer.db).dicts().first()
        old = {**row, "branch": row["branch"], "code": code_of(reviewer, pid)}
        with pytest.raises(LedgerError) as caught:
            rules.check(reviewer, "problem", "u", old, {**old, "applicant": "李娜"})
        assert str(caught.value) == sentence
    renamed = committee.try_sql(
        "shenhe", ("UPDATE problem SET applicant = '李娜' WHERE id = %s", (pid,))
    )
    assert said(renamed, committee, "shenhe") == sentence
    services.approve_closure(committee.owner, pid, "钱总", "同意")  # approved by someone else
    rewritten = committee.try_sql(
        "shenhe", ("UPDATE problem SET reviewer = '孙红' WHERE id = %s", (pid,))
    )
    assert said(rewritten, committee, "shenhe") == refusals.signed("审核人", "赵刚", "孙红")
