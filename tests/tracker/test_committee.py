"""The committee's end of the month: branch reports collected, checked, kept and rolled up.

Three branch ledgers (demo ledgers named for their branches) report October and November; the
committee collects them. Each attack a committee office meets — an edited figure, an edited 明细
row, edited hidden data, a report from a stranger signing as a known branch, history rewritten
between two reports — is refused with the reason, and the honest reports still go in.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tracker import journal
from tracker.cli import main
from tracker.demo import build_demo
from tracker.excel.report import build_report
from tracker.excel.verify_report import check_file
from tracker.exchange import chain, seal
from tracker.exchange.branches import add_branch, branches
from tracker.exchange.collect import collect, inspect
from tracker.exchange.rollup import rollup, rollup_json
from tracker.exchange.rollup_book import build_rollup
from tracker.ledger import create_ledger, open_ledger
from tracker.models import Branch, BranchEntry, ReceivedReport
from tracker.replay import verify
from tracker.stats import stats

from . import workbooks
from .test_excel_print import pdf_of, smallest_cjk_size

NOW = dt.datetime(2026, 11, 20, 10, 0)
NAMES = ("第一党支部", "第二党支部", "第三党支部")


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """Each branch's ledger and its October and November reports, made once for the module."""
    folder = tmp_path_factory.mktemp("branches")
    out = {}
    for name in NAMES:
        ledger = build_demo(folder / f"{name}.db", problems=50, unit=name, clock=lambda: NOW)
        october = build_report(ledger, folder / f"{name}10月.xlsx", 2026, 10).path
        november = build_report(ledger, folder / f"{name}11月.xlsx", 2026, 11).path
        out[name] = (folder / f"{name}.db", october, november)
        ledger.close()
    return out


@pytest.fixture
def committee(tmp_path):
    ledger = create_ledger(
        tmp_path / "机关党委.db", unit_name="某某局机关党委", actor="沈卫红", clock=lambda: NOW
    )
    yield ledger
    ledger.close()


def copy(path: Path, folder: Path, name: str | None = None) -> Path:
    folder.mkdir(exist_ok=True)
    return Path(shutil.copy(path, folder / (name or path.name)))


def edit(path: Path, out: Path, change) -> Path:
    wb = load_workbook(path)
    change(wb)
    wb.save(out)
    return out


def test_the_months_reports_go_in_and_the_totals_are_the_sum_of_the_branches_own_stats(
    made, committee
):
    result = collect(committee, [made[n][2] for n in NAMES])
    assert result.all_accepted, [i.reasons for i in result.refused]
    own = []
    for name in NAMES:
        with open_ledger(made[name][0], clock=lambda: NOW) as branch:
            own.append(stats(branch))
    month = rollup(committee, 2026, 11)
    assert [b.branch.name for b in month.lines] == list(NAMES)
    for line, numbers in zip(month.lines, own, strict=True):
        assert line.line["problems"] == numbers["problems"]
        assert line.line["closed"] == numbers["closed"]
        assert line.line["long_term"] == numbers["long_term"]
        assert line.line["overdue"] == numbers["overdue_problems"]
    total = month.total
    assert total["problems"] == sum(n["problems"] for n in own)
    assert total["closed"] == sum(n["closed"] for n in own)
    assert total["rate"] == round(total["closed"] / total["problems"], 4)  # from the sums
    data = rollup_json(month)
    assert data["month"] == "2026-11" and data["missing"] == []
    assert {"name", "problems", "closed", "overdue_problems", "closure_rate", "verified"} <= set(
        data["branches"][0]
    )
    assert data["total"]["closure_rate"] == total["rate"]
    assert len(month.overdue) == sum(n["overdue_measures"] for n in own)
    assert verify(committee).ok


def test_tampered_reports_are_refused_with_the_cell_and_the_honest_ones_still_go_in(
    made, committee, tmp_path, capsys
):
    inbox = tmp_path / "收件箱"
    first, second, third = (made[n][2] for n in NAMES)
    row = next(c.row for c in load_workbook(first)["汇总"]["A"] if c.value == "查摆问题")
    edit(first, copy(first, inbox), lambda wb: setattr(wb["汇总"].cell(row, 4), "value", 49))
    edit(second, copy(second, inbox), lambda wb: setattr(wb["明细"]["H5"], "value", "已整改到位"))

    def hidden(wb):
        ws = wb[seal.DATA_SHEET]
        for cells in ws.iter_rows():
            if cells[0].value == "payload":
                cells[1].value = cells[1].value.replace('"closed":', '"closed":9', 1)
                break

    edit(third, copy(third, inbox), hidden)
    resaved = edit(made[NAMES[0]][1], inbox / "第一党支部10月（另存）.xlsx", lambda wb: None)

    code = main(["--db", committee.location, "collect", str(inbox)])
    out, err = capsys.readouterr()
    assert code == 1
    assert f"汇总 D{row}：报表为 49，生成时为" in err
    assert "明细 H5：报表为 已整改到位，生成时为" in err
    assert "摘要不符" in err
    assert f"已收取：{resaved.name}" in out and "收取 1 份，拒收 3 份" in out
    with open_ledger(committee.location) as again:
        names = [b.name for b in branches(again)]
        assert names == ["第一党支部"]  # only the honest (re-saved) report's branch
        assert again.select(ReceivedReport).count() == 1
        kept = again.select(BranchEntry).count()
        assert kept == again.select(ReceivedReport, ReceivedReport.chain_seq).scalar()


def test_a_second_report_for_the_month_replaces_the_first_and_both_stay(made, committee):
    path = made[NAMES[0]][2]
    assert collect(committee, [path]).all_accepted
    again = collect(committee, [path])
    assert again.all_accepted and "已由这一份替换" in again.changes.warnings[0]
    rows = committee.select(ReceivedReport, ReceivedReport.active).tuples()
    assert sorted(a for (a,) in rows) == [False, True]
    assert len(rollup(committee, 2026, 11).lines) == 1
    entries = [e.action for e in journal.entries(committee.db)]
    assert entries.count("report.receive") == 2


def _rewrite_history(db_path: Path, upto: int) -> int:
    """A branch rewrites an early entry and recomputes every hash after it (it read the code)."""
    con = sqlite3.connect(db_path)
    rows = con.execute(
        "SELECT seq, txn, at, actor, action, problem, changes, prev_hash FROM journal ORDER BY seq"
    ).fetchall()
    target = next(r[0] for r in rows if r[0] > 5 and "整改" in r[6] and r[0] <= upto)
    prev = None
    with con:
        for seq, txn, at, actor, action, problem, changes, prev_hash in rows:
            if seq < target:
                continue
            if seq == target:
                changes = changes.replace("整改", "整顿", 1)
            else:
                prev_hash = prev
            digest = journal.entry_hash(seq, txn, at, actor, action, problem, changes, prev_hash)
            con.execute(
                "UPDATE journal SET changes=?, prev_hash=?, hash=? WHERE seq=?",
                (changes, prev_hash, digest, seq),
            )
            prev = digest
    con.close()
    return target


def test_history_rewritten_between_two_reports_is_refused_naming_the_entry(
    made, committee, tmp_path
):
    db = Path(shutil.copy(made[NAMES[1]][0], tmp_path / "branch.db"))
    assert collect(committee, [made[NAMES[1]][1]]).all_accepted  # October, as it was
    october_head = committee.select(ReceivedReport, ReceivedReport.chain_seq).scalar()
    seq = _rewrite_history(db, october_head)
    with open_ledger(db, clock=lambda: NOW) as branch:
        assert journal.check_chain(branch.db)[0] == []  # the branch's own chain looks fine
        later = build_report(branch, tmp_path / "11月.xlsx", 2026, 11).path
    refused = inspect(committee, later)
    assert not refused.ok
    assert f"第 {seq} 条历史记录与上次报送时不一致" in refused.reasons[0]


def test_a_stranger_signing_as_a_known_branch_is_refused(made, committee, tmp_path):
    assert collect(committee, [made[NAMES[0]][2]]).all_accepted
    impostor = build_demo(tmp_path / "冒名.db", problems=20, unit=NAMES[0], clock=lambda: NOW)
    fake = build_report(impostor, tmp_path / "冒名月报.xlsx", 2026, 11).path
    impostor.close()
    found = inspect(committee, fake)
    assert not found.ok and "已由另一个台账报送过" in found.reasons[0]


def test_the_committees_own_report_is_not_taken_as_a_branchs(committee, tmp_path):
    path = build_report(committee, tmp_path / "自己.xlsx", 2026, 11).path
    assert "本台账自己生成的报表" in inspect(committee, path).reasons[0]


def test_a_branch_added_by_hand_takes_its_first_reports_identity_and_silent_ones_are_listed(
    made, committee
):
    add_branch(committee, NAMES[0], "王敏", "0571-1")
    add_branch(committee, "第四党支部", "钱进", "0571-4")
    result = collect(committee, [made[NAMES[0]][2]])
    assert result.all_accepted and "第一次报送" in result.accepted[0].notes[0]
    bound = committee.select(Branch, Branch.ledger_id, Branch.public_key).where(
        Branch.name == NAMES[0]
    )
    ledger_id, key = bound.tuples().first()
    assert ledger_id and key == result.accepted[0].public_key
    month = rollup(committee, 2026, 11)
    assert [(b.name, b.contact, b.phone) for b in month.missing] == [
        ("第四党支部", "钱进", "0571-4")
    ]
    assert not collect(committee, [made[NAMES[1]][2]], accept_new=False).all_accepted


def test_a_large_ledger_sends_part_of_its_journal_and_a_gap_asks_for_the_whole(
    made, committee, tmp_path, monkeypatch
):
    monkeypatch.setattr(chain, "FULL_LIMIT", 10)
    with open_ledger(made[NAMES[2]][0], clock=lambda: NOW) as branch:
        partial = build_report(branch, tmp_path / "部分.xlsx", 2026, 11).path
        whole = build_report(branch, tmp_path / "全部.xlsx", 2026, 11, full_history=True).path
    refused = inspect(committee, partial)
    assert "缺失" in refused.reasons[0] and "附带全部历史记录" in refused.reasons[0]
    assert collect(committee, [whole]).all_accepted
    assert collect(committee, [partial]).all_accepted  # now it continues what is held
    assert verify(committee).ok
    by_cli = tmp_path / "命令行全部.xlsx"
    args = ["--db", str(made[NAMES[2]][0]), "report", "--month", "2026-11", "--full-history"]
    assert main([*args, str(by_cli)]) == 0
    assert check_file(by_cli).payload["journal"]["from"] == 1


def test_a_hand_kept_workbook_is_collected_as_unverified(committee, tmp_path, capsys):
    book = workbooks.official(tmp_path / "第五党支部台账.xlsx")
    code = main(
        [
            "--db",
            committee.location,
            "collect",
            "--handkept",
            "--branch",
            "第五党支部",
            "--month",
            "2026-11",
            str(book),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0 and "（未校验）" in out
    with open_ledger(committee.location) as again:
        (line,) = rollup(again, 2026, 11).lines
        assert not line.verified and line.kind == "handkept" and line.line["problems"] > 0
        assert rollup_json(rollup(again, 2026, 11))["branches"][0]["verified"] is False
    assert main(["--db", committee.location, "collect", "--handkept", str(book)]) == 2


def test_the_rollup_is_sealed_and_the_level_above_collects_it_the_same_way(
    made, committee, tmp_path, capsys
):
    assert collect(committee, [made[n][2] for n in NAMES] + [made[n][1] for n in NAMES])
    path, month = build_rollup(committee, tmp_path / "汇总表.xlsx", 2026, 11)
    check = check_file(path)
    assert check.ok and check.payload["kind"] == "rollup"
    summary = [[c.value for c in r] for r in load_workbook(path)["汇总"].iter_rows()]
    assert summary[0][0] == "某某局机关党委2026年11月各支部整改工作进展汇总表"
    total = next(r for r in summary if r[0] == "合计")
    assert total[2] == month.total["problems"] and total[9] == month.total["rate"]
    assert any(r[0] == "已报送支部" for r in summary)  # the comparison with October

    above = create_ledger(tmp_path / "党委.db", unit_name="某某局党委", clock=lambda: NOW)
    result = collect(above, [path])
    assert result.all_accepted, [i.reasons for i in result.refused]
    (line,) = rollup(above, 2026, 11).lines
    assert line.branch.name == "某某局机关党委" and line.line["problems"] == month.total["problems"]
    assert main(["--db", str(tmp_path / "党委.db"), "rollup", "--month", "2026-11", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"]["problems"] == month.total["problems"]
    above.close()

    row = next(i for i, r in enumerate(summary, 1) if r[0] == "合计")
    bad = tmp_path / "改过的汇总表.xlsx"
    edit(path, bad, lambda wb: setattr(wb["汇总"].cell(row, 3), "value", 1))
    assert not check_file(bad).ok


def test_verify_notices_a_held_branch_entry_removed_with_plain_sql(made, committee):
    assert collect(committee, [made[NAMES[0]][2]]).all_accepted
    con = sqlite3.connect(committee.location)
    with con:
        con.execute("DELETE FROM branch_entry WHERE seq = 7")
    con.close()
    report = verify(committee)
    assert not report.ok and any("第 8 条历史记录" in p or "第 7 条" in p for p in report.problems)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_the_rollup_prints_at_nine_points_or_larger(made, committee, tmp_path):
    assert collect(committee, [made[n][2] for n in NAMES])
    path, _ = build_rollup(committee, tmp_path / "汇总表.xlsx", 2026, 11)
    assert smallest_cjk_size(pdf_of(path, tmp_path)) >= 9.0
