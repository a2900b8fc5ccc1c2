"""The same ledger on PostgreSQL, as a Party committee shares it: services, journal, verify, backup."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from tests.tracker import pgserver
from tracker import nearest_due, services
from tracker.backup import backup_ledger
from tracker.cli import main
from tracker.dashboard import breakdown
from tracker.errors import ConflictError, LedgerOpenError
from tracker.ledger import create_ledger, open_ledger
from tracker.models import Problem
from tracker.queries import OVERDUE, Filter, problem_ids
from tracker.replay import snapshot, verify
from tracker.restore import restore_ledger
from tracker.stats import stats

pytestmark = pytest.mark.skipif(
    not pgserver.available(), reason="PostgreSQL server binaries not installed"
)
_names = itertools.count(1)


@pytest.fixture
def pg_url(server):
    return server.create_database(f"ledger_{next(_names)}")


def test_a_shared_ledger_works_end_to_end_on_postgresql(pg_url, clock):
    ledger = create_ledger(pg_url, unit_name="机关党委", actor="沈卫红", clock=clock)
    changes = services.create_problem(
        ledger,
        description="请示报告制度执行不严格",
        measures=[services.MeasureInput("修订请示报告制度", deadline="2026年3月底前")],
    )
    pid = changes.created_id
    assert stats(ledger)["listed"] == 1
    clock.advance(days=40)
    assert stats(ledger)["overdue_problems"] == 1
    assert stats(ledger)["overdue_measures"] == 1
    assert nearest_due.stale(ledger.db) == []
    assert problem_ids(ledger, Filter(view=OVERDUE), "deadline") == [pid]
    assert [b.overdue for b in breakdown(ledger, "category")] == [1]
    report = verify(ledger)
    assert report.ok, report.problems
    past = snapshot(ledger, dt.date(2026, 3, 1))
    assert stats(past)["problems"] == 0
    assert ledger.select(Problem, Problem.code).where(Problem.id == pid).scalar() == "2026-001"
    ledger.close()

    again = open_ledger(pg_url, actor="韩立新", clock=clock)
    assert stats(again)["problems"] == 1
    again.close()


def test_two_committee_members_editing_the_same_problem(pg_url, clock):
    first = create_ledger(pg_url, unit_name="机关党委", actor="甲", clock=clock)
    pid = services.create_problem(first, description="原描述").created_id
    second = open_ledger(pg_url, actor="乙", clock=clock)
    services.update_problem(first, pid, expected_version=1, description="甲的修改")
    with pytest.raises(ConflictError):
        services.update_problem(second, pid, expected_version=1, description="乙的修改")
    assert (
        second.select(Problem, Problem.description).where(Problem.id == pid).scalar() == "甲的修改"
    )
    assert verify(second).ok
    first.close()
    second.close()


def test_backup_to_a_file_and_restore_into_postgresql(pg_url, tmp_path, clock):
    ledger = create_ledger(pg_url, unit_name="机关党委", actor="甲", clock=clock)
    services.create_problem(ledger, description="问题一")
    target = tmp_path / "committee.db"
    backup_ledger(ledger.db, ledger.evidence_dir, target)
    with open_ledger(target) as copy:
        assert verify(copy).ok and stats(copy)["problems"] == 1

    services.create_problem(ledger, description="问题二")
    assert stats(ledger)["problems"] == 2
    restore_ledger(ledger, target)
    assert stats(ledger)["problems"] == 1
    assert verify(ledger).ok
    # ids continue after the restored rows: the sequences were moved on
    services.create_problem(ledger, description="问题三")
    assert stats(ledger)["problems"] == 2
    ledger.close()


def test_restoring_a_shared_ledger_needs_yes_and_keeps_what_it_replaced(
    pg_url, tmp_path, clock, capsys, isolated_data_dir
):
    """A backup of 1 problem restored over a committee's ledger of 4: asked first, and the 4 are
    kept in a time-stamped backup file in the data directory."""
    ledger = create_ledger(pg_url, unit_name="机关党委", actor="甲", clock=clock)
    services.create_problem(ledger, description="问题一")
    target = tmp_path / "committee.db"
    backup_ledger(ledger.db, ledger.evidence_dir, target)
    for n in range(3):
        services.create_problem(ledger, description=f"备份之后的问题{n}")
    ledger.close()

    assert main(["--db", pg_url, "restore", str(target)]) == 2
    out, err = capsys.readouterr()
    assert "问题 1 个" in out and "问题 4 个" in out
    assert "PostgreSQL" in err and "--yes" in err
    with open_ledger(pg_url) as unchanged:
        assert stats(unchanged)["problems"] == 4

    assert main(["--db", pg_url, "restore", str(target), "--yes"]) == 0
    (safety,) = isolated_data_dir.glob("*.before-restore-*.db")
    assert str(safety) in capsys.readouterr().out
    with open_ledger(safety) as before:
        assert stats(before)["problems"] == 4
        assert verify(before).ok
    with open_ledger(pg_url) as restored:
        assert stats(restored)["problems"] == 1
        assert verify(restored).ok


def test_a_database_holding_other_tables_is_refused(server):
    url = server.create_database(f"other_{next(_names)}")
    import psycopg2

    conn = psycopg2.connect(
        host=str(server.root),
        port=server.port,
        user="postgres",
        dbname=url.split("/")[3].split("?")[0],
    )
    conn.cursor().execute("CREATE TABLE payroll (id int)")
    conn.commit()
    conn.close()
    with pytest.raises(LedgerOpenError, match="不是整改台账"):
        open_ledger(url)


def test_the_ledger_export_and_the_monthly_report_read_postgresql(pg_url, tmp_path, clock):
    from openpyxl import load_workbook

    from tracker.excel.export import export_ledger
    from tracker.excel.report import build_report

    ledger = create_ledger(pg_url, unit_name="机关党委", actor="沈卫红", clock=clock)
    for text in ("会议记录不规范", "学习制度落实不到位"):
        services.create_problem(
            ledger,
            description=text,
            measures=[services.MeasureInput("建立台账", deadline="2026年3月底前")],
        )
    clock.advance(days=40)
    exported = export_ledger(ledger, tmp_path / "台账.xlsx")
    assert (exported.problems, exported.rows, exported.overdue_rows) == (2, 2, 2)
    sheet = load_workbook(exported.path, read_only=True)["整改台账"]
    rows = list(sheet.iter_rows(min_row=3, max_row=5, values_only=True))
    column = [str(h).replace("\n", "") for h in rows[0]].index("问题描述（具体表现）")
    assert [r[column] for r in rows[1:]] == ["会议记录不规范", "学习制度落实不到位"]
    report = build_report(ledger, tmp_path / "月报.xlsx", 2026, 3)
    assert report.figures.total.problems == 2
    assert report.detail_problems == 2
    ledger.close()


def test_searching_a_postgresql_ledger_uses_its_index_and_finds_two_character_terms(pg_url, clock):
    from tracker import search_index
    from tracker.queries import Filter, problem_ids

    ledger = create_ledger(pg_url, unit_name="机关党委", actor="沈卫红", clock=clock)
    first = services.create_problem(ledger, description="调研走过场，报告照搬照抄").created_id
    services.create_problem(ledger, description="窗口服务态度生硬")
    assert search_index.available(ledger.db)  # character grams in a GIN index (sharing/search)
    assert problem_ids(ledger, Filter(search="调研")) == [first]
    services.update_problem(ledger, first, description="会风不正")
    assert problem_ids(ledger, Filter(search="调研")) == []
    assert search_index.stale(ledger.db) == []
    assert verify(ledger).ok
    ledger.close()


def test_on_a_shared_ledger_the_applicant_cannot_approve_their_own_request(pg_url, clock, tmp_path):
    from tracker.errors import WorkflowError

    from .factories import make_problem, ready_for_closure

    ledger = create_ledger(pg_url, unit_name="机关党委", actor="沈卫红", clock=clock)
    pid = make_problem(ledger)
    ready_for_closure(ledger, pid, tmp_path / "files")
    services.request_closure(ledger, pid, "各项措施已完成。")
    for reviewer in ("沈卫红", "赵刚"):  # her own name, or another name typed by her
        with pytest.raises(WorkflowError) as caught:
            services.approve_closure(ledger, pid, reviewer, same_person_confirmed=True)
        assert "不允许同一人申请并审核销号" in str(caught.value)
    ledger.close()
    other = open_ledger(pg_url, actor="韩立新", clock=clock)
    services.approve_closure(other, pid, "韩立新")
    assert other.select(Problem, Problem.status).where(Problem.id == pid).scalar() == "closed"
    other.close()
