"""The permission matrix of docs/SHARING.md, cell by cell, tried twice: through the program (the
service a window or the CLI calls) and as plain SQL logged in as that member. Both must allow or
both refuse, and a refusal must read the same sentence."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import FakeClock
from tests.tracker import pgserver
from tracker import meta, services
from tracker.errors import LedgerError
from tracker.exchange.branches import add_branch
from tracker.failures import translate
from tracker.followup import extensions
from tracker.models import (
    Branch,
    Category,
    Evidence,
    Extension,
    Measure,
    Member,
    Problem,
    Progress,
    Setting,
)
from tracker.replay import verify
from tracker.sharing.members import add_member
from tracker.stats import stats

from .sharing import ONE, PASSWORD, TWO, Committee, code_of, make_committee, problem_in

pytestmark = pytest.mark.skipif(
    not pgserver.available(), reason="PostgreSQL server binaries not installed"
)
MATRIX = Path(__file__).resolve().parents[2] / "docs" / "SHARING.md"
COLUMNS = [  # the table's columns: (login, the branch of the problem acted on)
    ("guanli", ONE),
    ("shenhe", ONE),
    ("shenhe", TWO),
    ("tianbao", ONE),
    ("tianbao", TWO),
    ("chakan", ONE),
]


def matrix() -> list[tuple[str, str, str, bool]]:
    """(action, login, branch, allowed) for every cell of the documented table."""
    cells = []
    for line in MATRIX.read_text(encoding="utf-8").splitlines():
        found = re.match(r"\| [^|`]*`([a-z_.]+)` \|(.*)\|\s*$", line)
        if not found:
            continue
        marks = [m.strip() for m in found.group(2).split("|")]
        assert len(marks) == len(COLUMNS), line
        for (login, branch), mark in zip(COLUMNS, marks, strict=True):
            cells.append((found.group(1), login, branch, mark == "✓"))
    return cells


@pytest.fixture(scope="module")
def committee(tmp_path_factory):
    if not pgserver.available():
        pytest.skip("PostgreSQL server binaries not installed")
    root = Path(tempfile.mkdtemp(prefix="zg-pgm-"))
    server = pgserver.PgServer(root, passwords=True)
    server.start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ZHENGGAI_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        found = make_committee(server, FakeClock(dt.datetime(2026, 3, 2, 9, 30)))
        yield found
        found.owner.close()
    server.stop()


# -- what each action needs, does, and is as SQL ----------------------------------------------
@dataclass
class Case:
    committee: Committee
    branch: str
    problem: int = 0
    measure: int = 0
    other: int = 0  # a second id the action needs (a category, a 延期申请)
    file: Path | None = None

    @property
    def branch_id(self) -> int:
        return self.committee.branches[self.branch]


_serial = iter(range(1, 10_000))


def _ready(c: Committee, pid: int, folder: Path) -> None:
    """Measures done and a file attached: ready to request the 销号 (done by the owner)."""
    mid = c.owner.select(Measure, Measure.id).where(Measure.problem == pid).scalar()
    services.complete_measure(c.owner, mid)
    evidence = folder / f"会议记录{pid}.txt"
    evidence.write_text(f"第 {pid} 号问题的整改记录", encoding="utf-8")
    services.add_evidence(c.owner, pid, evidence)


def prepare(action: str, c: Committee, branch: str, folder: Path) -> Case:
    case = Case(c, branch)
    if action in ("term.create", "setting.edit", "branch.edit", "member.edit", "read"):
        return case
    if action == "term.edit":
        case.other = services.add_term(c.owner, "category", f"类别{next(_serial)}").created_id
        return case
    if action == "problem.create":
        return case
    case.problem = problem_in(c, branch)
    case.measure = (
        c.owner.select(Measure, Measure.id).where(Measure.problem == case.problem).scalar()
    )
    if action == "evidence.create":
        case.file = folder / f"材料{case.problem}.txt"
        case.file.write_text("支部委员会会议记录", encoding="utf-8")
    if action in ("problem.request_closure", "problem.approve", "problem.reject", "problem.reopen"):
        _ready(c, case.problem, folder)
    if action in ("problem.approve", "problem.reject", "problem.reopen"):
        services.request_closure(c.owner, case.problem, "已整改", applicant="预备申请人")
    if action == "problem.reopen":
        services.approve_closure(c.owner, case.problem, c.owner.actor, "同意")
    if action == "measure.extend":  # a deadline moves only by approving a 延期申请
        extensions.request_extension(
            c.owner, case.measure, "2026年9月30日", "需协调上级部门", applicant="预备申请人"
        )
        case.other = extensions.pending_request(c.owner, case.measure)["id"]
    return case


def run_program(action: str, ledger, case: Case) -> None:
    pid, mid = case.problem, case.measure
    unique = f"{next(_serial)}"
    if action == "problem.create":
        services.create_problem(ledger, description="新查摆的问题", branch=case.branch_id)
    elif action == "problem.edit":
        services.update_problem(ledger, pid, description="改写后的问题描述")
    elif action == "measure.create":
        services.add_measure(ledger, pid, services.MeasureInput("再建立一项制度"))
    elif action == "measure.complete":
        services.complete_measure(ledger, mid)
    elif action == "progress.create":
        services.add_progress(ledger, mid, "已召开专题会议")
    elif action == "evidence.create":
        services.add_evidence(ledger, pid, case.file)
    elif action == "problem.request_closure":
        services.request_closure(ledger, pid, "各项措施已完成")
    elif action == "problem.approve":
        services.approve_closure(ledger, pid, ledger.actor, "同意销号")
    elif action == "problem.reject":
        services.reject_closure(ledger, pid, "佐证材料不足")
    elif action == "problem.reopen":
        services.reopen_problem(ledger, pid, "回头看发现反弹")
    elif action == "measure.extend":
        extensions.approve_extension(ledger, case.other)
    elif action == "problem.void":
        services.void_problem(ledger, pid, "重复挂账")
    elif action == "term.create":
        services.add_term(ledger, "category", f"新类别{unique}")
    elif action == "term.edit":
        services.rename_term(ledger, "category", case.other, f"改名类别{unique}")
    elif action == "setting.edit":
        services.set_unit_info(ledger, contact_phone=f"0571-{unique}")
    elif action == "branch.edit":
        add_branch(ledger, f"第{unique}党支部")
    elif action == "member.edit":
        add_member(ledger, f"m{unique}", name=f"新成员{unique}", role="查看", password=PASSWORD)
    elif action == "read":
        stats(ledger)
    else:
        raise AssertionError(action)


def sql_of(action: str, case: Case, name: str) -> list[tuple[str, tuple]]:
    """The same action as the statements a person would type in psql."""
    c = case.committee
    db = c.owner.db
    today = c.clock().date()
    stamp = c.owner.stamp()
    pid, mid = case.problem, case.measure
    unique = f"{next(_serial)}"

    def sql(query) -> tuple[str, tuple]:
        return query.bind(db).sql()

    if action == "problem.create":
        year = today.year
        code = meta.format_code(year, (meta.read_counter(db, year) or 0) + 1)
        return [
            sql(
                Problem.insert(
                    code=code,
                    description="新查摆的问题",
                    found_on=today,
                    status="listed",
                    branch=case.branch_id,
                )
            )
        ]
    if action == "problem.edit":
        update = {Problem.description: "改写后的问题描述", Problem.version: Problem.version + 1}
        return [sql(Problem.update(update).where(Problem.id == pid))]
    updates = {
        "problem.request_closure": {
            Problem.status: "pending_closure",
            Problem.applicant: name,
            Problem.closure_note: "各项措施已完成",
            Problem.review_opinion: "",
        },
        "problem.approve": {
            Problem.status: "closed",
            Problem.reviewer: name,
            Problem.closed_on: today,
            Problem.review_opinion: "同意销号",
        },
        "problem.reject": {
            Problem.status: "in_progress",
            Problem.review_opinion: "佐证材料不足",
            Problem.status_reason: "佐证材料不足",
        },
        "problem.reopen": {
            Problem.status: "in_progress",
            Problem.applicant: "",
            Problem.reviewer: "",
            Problem.closed_on: None,
            Problem.closure_note: "",
            Problem.review_opinion: "",
            Problem.status_reason: "回头看发现反弹",
        },
        "problem.void": {
            Problem.status: "void",
            Problem.voided_from: "listed",
            Problem.status_reason: "重复挂账",
        },
    }
    if action in updates:
        return [sql(Problem.update(updates[action]).where(Problem.id == pid))]
    if action == "measure.create":
        return [sql(Measure.insert(problem=pid, seq=2, text="再建立一项制度", status="open"))]
    if action == "measure.complete":
        return [sql(Measure.update(status="done", done_on=today).where(Measure.id == mid))]
    if action == "progress.create":
        return [sql(Progress.insert(measure=mid, on=today, text="已召开专题会议", author=name))]
    if action == "evidence.create":
        return [
            sql(
                Evidence.insert(
                    problem=pid,
                    sha256="0" * 64,
                    name="材料.txt",
                    size=1,
                    added_by=name,
                    added_at=stamp,
                )
            )
        ]
    if action == "measure.extend":
        return [
            sql(
                Extension.insert(
                    measure=mid,
                    old_text="2026年6月30日",
                    old_date=dt.date(2026, 6, 30),
                    new_text="2026年9月30日",
                    new_date=dt.date(2026, 9, 30),
                    reason="需协调上级部门",
                    by=name,
                    at=stamp,
                )
            ),
            sql(
                Measure.update(
                    deadline_text="2026年9月30日", deadline_date=dt.date(2026, 9, 30)
                ).where(Measure.id == mid)
            ),
        ]
    if action == "term.create":
        return [sql(Category.insert(name=f"新类别{unique}", sort_order=99))]
    if action == "term.edit":
        return [sql(Category.update(name=f"改名类别{unique}").where(Category.id == case.other))]
    if action == "setting.edit":
        return [sql(Setting.update(value="0571-1").where(Setting.key == "contact_phone"))]
    if action == "branch.edit":
        return [sql(Branch.insert(name=f"第{unique}党支部", sort_order=99))]
    if action == "member.edit":
        return [sql(Member.insert(login=f"m{unique}", name=f"新成员{unique}", role="viewer"))]
    if action == "read":
        return [("SELECT count(*) FROM problem", ())]
    raise AssertionError(action)


@pytest.mark.parametrize(("action", "login", "branch", "allowed"), matrix())
def test_each_cell_of_the_matrix_holds_in_the_program_and_in_plain_sql(
    committee, tmp_path, action, login, branch, allowed
):
    ledger = committee.open(login)
    name = ledger.actor
    try:
        through_program = prepare(action, committee, branch, tmp_path)
        through_sql = prepare(action, committee, branch, tmp_path)
        statements = sql_of(action, through_sql, name)

        refused_sql = committee.try_sql(login, *statements)
        try:
            run_program(action, ledger, through_program)
            refused_program = None
        except LedgerError as error:
            refused_program = error
    finally:
        ledger.close()

    if allowed:
        assert refused_program is None, f"程序拒绝了：{refused_program}"
        assert refused_sql is None, f"数据库拒绝了：{refused_sql}"
        return
    assert refused_program is not None, "程序没有拒绝"
    assert refused_sql is not None, "数据库没有拒绝"
    said = str(translate(refused_sql, committee.url(login)))
    if through_sql.problem:  # the same sentence, about the problem each was tried on
        said = said.replace(
            code_of(committee.owner, through_sql.problem),
            code_of(committee.owner, through_program.problem),
        )
    assert str(refused_program) == said
    assert "zhenggai-refused" not in said and "permission denied" not in said


def test_the_ledger_checks_out_after_every_attempt(committee):
    """Allowed program actions were journaled; refused ones and every SQL attempt left nothing."""
    report = verify(committee.owner)
    assert report.ok, report.problems
