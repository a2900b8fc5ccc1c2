"""A committee's shared ledger: members log in with their own passwords, the journal records who
logged in, and what the database refuses (plain SQL included) is said in the program's words."""

from __future__ import annotations

import io

import psycopg2
import pytest

from tests.tracker import pgserver
from tracker import services
from tracker.cli import main
from tracker.errors import LedgerError, LedgerOpenError
from tracker.failures import translate
from tracker.journal import entries
from tracker.ledger import open_ledger
from tracker.models import Evidence, Journal, Measure, Member, Problem
from tracker.replay import verify
from tracker.sharing import refusals
from tracker.sharing.listen import Listener
from tracker.sharing.members import add_member, disable_member, list_members
from tracker.sharing.schema import shared_prefix

from .sharing import ONE, PASSWORD, TWO, code_of, problem_in

pytestmark = pytest.mark.skipif(
    not pgserver.available(), reason="PostgreSQL server binaries not installed"
)
MEMBER_LOGINS = ["guanli", "shenhe", "tianbao", "tianbao2", "chakan"]


def said(error: BaseException, committee, login: str) -> str:
    return str(translate(error, committee.url(login)))


# -- who is who ---------------------------------------------------------------------------------
def test_members_log_in_with_their_own_password_and_act_under_their_own_name(committee):
    with committee.open("tianbao") as ledger:
        assert ledger.actor == "李娜" and ledger.member.label == "填报人"
        assert ledger.member.describe() == "李娜（填报人 · 第一党支部）"
        pid = services.create_problem(ledger, description="学习制度落实不到位").created_id
    last = committee.owner.select(Journal, Journal.actor).order_by(Journal.seq.desc()).scalar()
    assert last == "李娜"
    row = committee.owner.select(Problem, Problem.branch).where(Problem.id == pid).scalar()
    assert row == committee.branches[ONE]  # a 填报人's problem is their branch's

    wrong = committee.url("tianbao").replace(PASSWORD.replace("!", "%21"), "wrong-password")
    with pytest.raises(LedgerOpenError):
        open_ledger(wrong)


def test_the_user_flag_is_refused_on_a_shared_ledger_saying_why(committee, capsys, monkeypatch):
    monkeypatch.setenv("ZHENGGAI_USER", "冒名者")  # a default, not a claim: ignored
    with committee.open("tianbao") as ledger:
        assert ledger.actor == "李娜"
    assert main(["--db", committee.url("tianbao"), "--user", "王敏", "stats"]) == 2
    err = capsys.readouterr().err
    assert "操作人就是登录的账户" in err and "--user" in err and PASSWORD not in err
    with pytest.raises(LedgerOpenError, match="不能用 --user 指定"):
        open_ledger(committee.url("tianbao"), actor="王敏")


def test_user_add_list_and_disable_from_the_command_line(committee, capsys, monkeypatch):
    admin = committee.url("guanli")
    monkeypatch.setattr("sys.stdin", io.StringIO("Zhou-Password-1\n"))
    assert (
        main(
            [
                "--db",
                admin,
                "user",
                "add",
                "zhouqi",
                "--name",
                "周琦",
                "--role",
                "审核人",
                "--branch",
                TWO,
                "--password-stdin",
            ]
        )
        == 0
    )
    out = capsys.readouterr()
    assert "Zhou-Password-1" not in out.out + out.err
    assert main(["--db", admin, "user", "list"]) == 0
    listing = capsys.readouterr().out
    assert "zhouqi  周琦  审核人  第二党支部" in listing
    with open_ledger(committee.server.url(committee.database, "zhouqi", "Zhou-Password-1")) as z:
        assert z.member.describe() == "周琦（审核人 · 第二党支部）"

    assert main(["--db", admin, "user", "disable", "zhouqi"]) == 0
    capsys.readouterr()
    with pytest.raises(LedgerOpenError):
        open_ledger(committee.server.url(committee.database, "zhouqi", "Zhou-Password-1"))
    assert [m.active for m in list_members(committee.owner) if m.login == "zhouqi"] == [False]
    assert verify(committee.owner).ok


def test_only_an_admin_or_the_owner_manages_members(committee, monkeypatch):
    with committee.open("shenhe") as reviewer:
        with pytest.raises(refusals.PermissionRefused, match="赵刚（审核人）不能管理成员"):
            add_member(reviewer, "x1", name="某人", role="查看", password=PASSWORD)
    refused = committee.try_sql(
        "shenhe", ("SELECT zg_login('x2', 'whatever', 'zg_x_member', true)", ())
    )
    assert said(refused, committee, "shenhe") == "赵刚（审核人）不能管理成员：只有管理员可以办理。"
    with committee.open("guanli") as admin:  # not even an admin takes over the owner's login
        with pytest.raises(refusals.PermissionRefused, match="已被数据库中的其他账户使用"):
            add_member(admin, "postgres", name="超级用户", role="管理员", password=PASSWORD)
        with pytest.raises(refusals.PermissionRefused, match="不能停用自己的账户"):
            disable_member(admin, "guanli")


def test_a_disabled_member_cannot_write_even_in_a_window_still_open(committee):
    open_window = committee.open("tianbao")
    try:
        disable_member(committee.owner, "tianbao")
        with pytest.raises(Exception) as caught:  # noqa: B017 - translated at the boundary
            services.create_problem(open_window, description="停用后还想写")
        assert str(translate(caught.value, None)) == refusals.no_grant()
    finally:
        open_window.close()
    assert verify(committee.owner).ok


# -- the journal and the data tables, whatever the grants ---------------------------------------
@pytest.mark.parametrize("login", MEMBER_LOGINS)
def test_no_member_can_change_delete_or_empty_the_journal(committee, login):
    for sql in (
        "UPDATE journal SET actor = '别人'",
        "DELETE FROM journal WHERE seq > 1",
        "TRUNCATE journal",
    ):
        refused = committee.try_sql(login, (sql, ()))  # no grant: the database's own refusal
        assert said(refused, committee, login) == refusals.no_grant()


def test_a_grant_added_by_mistake_still_does_not_open_the_journal_or_deletes(committee):
    group = shared_prefix(committee.owner.db) + "_member"
    committee.owner.db.execute_sql(
        f'GRANT UPDATE, DELETE, TRUNCATE ON journal, problem, progress TO "{group}"'
    )
    problem_in(committee, ONE)
    for sql, sentence in (
        ("UPDATE journal SET actor = '别人'", refusals.journal()),
        ("DELETE FROM journal", refusals.journal()),
        ("TRUNCATE journal", refusals.journal()),
        ("DELETE FROM problem", refusals.delete("problem")),
        ("TRUNCATE progress", refusals.delete("progress")),
    ):
        refused = committee.try_sql("tianbao", (sql, ()))
        assert refused is not None, sql
        assert said(refused, committee, "tianbao") == sentence, sql
    assert verify(committee.owner).ok


def test_the_journal_takes_entries_only_in_the_members_name_and_in_line(committee):
    head = (
        committee.owner.select(Journal, Journal.seq, Journal.hash)
        .order_by(Journal.seq.desc())
        .tuples()
    )
    seq, digest = head.first()
    insert = (
        "INSERT INTO journal (seq, txn, at, actor, action, problem, changes, prev_hash, hash) "
        "VALUES (%s, %s, '2026-03-02 10:00:00', %s, 'problem.edit', NULL, '[]', %s, 'x')"
    )
    forged = committee.try_sql("tianbao", (insert, (seq + 1, seq + 1, "王敏", digest)))
    assert said(forged, committee, "tianbao") == refusals.actor("李娜", "王敏")
    forked = committee.try_sql("tianbao", (insert, (seq, seq, "李娜", "0" * 64)))
    assert said(forked, committee, "tianbao") == refusals.chain()


def test_only_the_admin_reads_the_signing_key_and_makes_the_signed_report(committee, tmp_path):
    from tracker.excel.report import build_report

    kept = committee.owner.db.execute_sql("SELECT value FROM zg_secret").fetchall()
    assert len(kept) == 1 and len(kept[0][0]) == 44  # base64 of 32 bytes, apart from meta
    for login, readable in (("tianbao", 0), ("shenhe", 0), ("chakan", 0), ("guanli", 1)):
        conn = committee.sql(login)
        cursor = conn.cursor()
        cursor.execute("SELECT count(*) FROM meta WHERE key = 'signing_key'")
        assert cursor.fetchone()[0] == 0, login
        cursor.execute("SELECT zg_signing_key()")
        assert (cursor.fetchone()[0] == kept[0][0]) == readable, login
        conn.rollback()
        with pytest.raises(psycopg2.errors.InsufficientPrivilege):
            cursor.execute("SELECT value FROM zg_secret")  # no grant at all, 管理员 included
        conn.close()
    with committee.open("tianbao") as reporter:
        with pytest.raises(LedgerError, match="月报和汇总表由管理员生成并签名"):
            build_report(reporter, tmp_path / "月报.xlsx", 2026, 3)
        assert verify(reporter).ok  # the hidden key is not reported missing
    with committee.open("guanli") as admin:
        report = build_report(admin, tmp_path / "月报.xlsx", 2026, 3)
        assert report.path.exists()
        assert verify(admin).ok  # the key is checked where it is kept
    committee.owner.db.execute_sql("UPDATE zg_secret SET value = 'x'")
    with committee.open("guanli") as admin:
        assert any("zg_secret" in line for line in verify(admin).problems)


def test_a_reviewer_cannot_approve_a_closure_requested_in_their_own_name(committee, tmp_path):
    from .test_sharing_matrix import _ready

    pid = problem_in(committee, ONE)
    _ready(committee, pid, tmp_path)
    services.request_closure(committee.owner, pid, "已整改", applicant="赵刚")
    sentence = refusals.same_person(code_of(committee.owner, pid), "赵刚")
    with committee.open("shenhe") as reviewer:
        with pytest.raises(LedgerError) as caught:
            services.approve_closure(reviewer, pid, reviewer.actor, "同意")
    assert str(caught.value) == sentence
    refused = committee.try_sql(
        "shenhe",
        (
            "UPDATE problem SET status = 'closed', reviewer = '赵刚', closed_on = '2026-03-02' "
            "WHERE id = %s",
            (pid,),
        ),
    )
    assert said(refused, committee, "shenhe") == sentence


def test_a_reporter_may_bring_a_deadline_forward_but_not_put_it_back(committee):
    pid = problem_in(committee, ONE)
    mid = committee.owner.select(Measure, Measure.id).where(Measure.problem == pid).scalar()
    sentence = refusals.postpone(code_of(committee.owner, pid), 1)
    with committee.open("tianbao") as reporter:
        with pytest.raises(LedgerError) as caught:
            services.update_measure(reporter, mid, deadline="2026年12月31日")
        assert str(caught.value) == sentence
        services.update_measure(reporter, mid, deadline="2026年5月31日")
    refused = committee.try_sql(
        "tianbao",
        ("UPDATE measure SET deadline_date = '2026-12-31' WHERE id = %s", (mid,)),
    )
    assert said(refused, committee, "tianbao") == sentence


def test_a_reviewer_without_a_branch_reviews_every_branch(committee, tmp_path):
    from .test_sharing_matrix import _ready

    add_member(committee.owner, "zongshen", name="钱总", role="审核人", password=PASSWORD)
    pid = problem_in(committee, TWO)
    _ready(committee, pid, tmp_path)
    services.request_closure(committee.owner, pid, "已整改", applicant="陈亮")
    with committee.open("zongshen") as reviewer:
        assert reviewer.member.describe() == "钱总（审核人 · 全部支部）"
        services.approve_closure(reviewer, pid, reviewer.actor, "同意")
    assert (
        committee.owner.select(Problem, Problem.status).where(Problem.id == pid).scalar()
        == "closed"
    )


# -- evidence in the database --------------------------------------------------------------------
def test_evidence_is_stored_once_in_the_database_and_read_back_on_another_pc(
    committee, tmp_path, monkeypatch
):
    pid = problem_in(committee, ONE)
    other = problem_in(committee, ONE, "另一个问题")
    scan = tmp_path / "会议记录.pdf"
    scan.write_bytes(b"%PDF-1.4 minutes of the branch committee" * 100)
    with committee.open("tianbao") as reporter:
        services.add_evidence(reporter, pid, scan)
        services.add_evidence(reporter, other, scan)  # the same file: stored once
    stored = committee.owner.db.execute_sql("SELECT count(*) FROM evidence_blob").fetchone()[0]
    assert stored == 1
    scan.unlink()

    monkeypatch.setenv("ZHENGGAI_DATA_DIR", str(tmp_path / "another-pc"))
    with committee.open("shenhe") as reviewer:
        sha, name = (
            reviewer.select(Evidence, Evidence.sha256, Evidence.name)
            .where(Evidence.problem == pid)
            .tuples()
            .first()
        )
        path = services.evidence_file(reviewer, sha, name)
        assert path.read_bytes() == b"%PDF-1.4 minutes of the branch committee" * 100
        assert str(path).startswith(str(tmp_path / "another-pc"))
        assert verify(reviewer).ok


def test_verify_finds_a_file_replaced_in_the_database(committee, tmp_path):
    pid = problem_in(committee, ONE)
    scan = tmp_path / "照片.jpg"
    scan.write_bytes(b"photo" * 50)
    with committee.open("tianbao") as reporter:
        services.add_evidence(reporter, pid, scan)
    db = committee.owner.db
    refused = committee.try_sql("postgres", ("UPDATE evidence_blob SET content = 'x'", ()))
    assert said(refused, committee, "postgres") == refusals.blob()  # even the owner
    db.execute_sql("ALTER TABLE evidence_blob DISABLE TRIGGER zg_blob_check")
    db.execute_sql("UPDATE evidence_blob SET content = %s", (psycopg2.Binary(b"fotos" * 50),))
    db.execute_sql("ALTER TABLE evidence_blob ENABLE TRIGGER zg_blob_check")
    report = verify(committee.owner)
    assert not report.ok
    assert any("内容与记录不符" in line for line in report.problems)
    assert verify(committee.owner, quick=True).ok  # sizes still match


def test_backup_and_restore_carry_the_files_and_keep_the_ledger_shared(committee, tmp_path):
    from tracker.backup import backup_ledger
    from tracker.restore import restore_ledger

    pid = problem_in(committee, ONE)
    scan = tmp_path / "整改报告.docx"
    scan.write_bytes(b"report body" * 30)
    with committee.open("tianbao") as reporter:
        services.add_evidence(reporter, pid, scan)
    target = tmp_path / "备份" / "committee.db"
    target.parent.mkdir()
    with committee.open("tianbao") as reporter:
        with pytest.raises(LedgerError, match="由管理员或数据库所有者备份"):
            backup_ledger(reporter.db, reporter.evidence_dir, target)
    with committee.open("guanli") as admin:
        backup_ledger(admin.db, admin.evidence_dir, target)
    with open_ledger(target) as copy:  # a plain ledger file with the files beside it
        assert verify(copy).ok
    problem_in(committee, ONE, "备份之后的问题")

    with committee.open("guanli") as admin:
        with pytest.raises(LedgerError, match="只能由数据库所有者恢复"):
            restore_ledger(admin, target)
    restore_ledger(committee.owner, target)
    with committee.open("shenhe") as reviewer:
        assert reviewer.member is not None  # still shared, members still log in
        assert verify(reviewer).ok
    with committee.open("tianbao") as reporter:
        services.create_problem(reporter, description="恢复之后照常填报")


# -- working together ---------------------------------------------------------------------------
def test_a_change_by_one_member_reaches_the_others_listener(committee):
    listener = Listener(committee.url("shenhe"))
    try:
        assert listener.wait(0.2) is None
        with committee.open("tianbao") as reporter:
            pid = services.create_problem(reporter, description="窗口服务态度生硬").created_id
            services.add_term(reporter, "person", "新来的同志")
        changes = listener.wait(5)
        while changes is not None and not changes.dictionaries:
            more = listener.wait(2)
            if more is None:
                break
            changes.problems |= more.problems
            changes.dictionaries |= more.dictionaries
        assert changes is not None and changes.remote
        assert pid in changes.problems and changes.dictionaries
    finally:
        listener.close()


def test_members_writing_at_once_keep_one_chain_and_lose_no_update(committee):
    import threading

    pid = problem_in(committee, ONE)
    done: list[str] = []
    errors: list[BaseException] = []

    def work(n: int) -> None:
        from tracker.errors import ConflictError

        with committee.open("tianbao") as ledger:
            for i in range(8):
                while True:
                    version, remarks = (
                        ledger.select(Problem, Problem.version, Problem.remarks)
                        .where(Problem.id == pid)
                        .tuples()
                        .first()
                    )
                    token = f"{n}.{i}"
                    try:
                        services.update_problem(
                            ledger, pid, expected_version=version, remarks=f"{remarks} {token}"
                        )
                    except ConflictError:
                        continue
                    except BaseException as error:  # noqa: BLE001 - reported below
                        errors.append(error)
                        return
                    done.append(token)
                    break

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    remarks = committee.owner.select(Problem, Problem.remarks).where(Problem.id == pid).scalar()
    assert sorted(remarks.split()) == sorted(done) and len(done) == 32
    assert verify(committee.owner).ok


def test_the_members_table_is_journaled_like_everything_else(committee):
    rows = committee.owner.select(Member, Member.login, Member.role).tuples()
    assert ("tianbao", "reporter") in set(rows)
    history = [e.action for e in entries(committee.owner.db)]
    assert history.count("member.create") == 5


def test_a_stale_save_is_refused_showing_both_versions(committee):
    from tracker.errors import ConflictError

    pid = problem_in(committee, ONE, "原来的描述")
    with committee.open("tianbao") as here, committee.open("tianbao") as there:
        version = here.select(Problem, Problem.version).where(Problem.id == pid).scalar()
        services.update_problem(there, pid, expected_version=version, description="那边改的描述")
        with pytest.raises(ConflictError) as caught:
            services.update_problem(here, pid, expected_version=version, description="这边改的描述")
    message = str(caught.value)
    assert "台账中现在是：“那边改的描述”" in message and "您的修改是：“这边改的描述”" in message
