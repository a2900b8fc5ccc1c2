"""Attacks on a monthly report, and the checks that must see through each one.

A report's figures were changed in a spreadsheet and the old check still said 核对通过. Each
test here edits a genuine report the way a person (or a forger who has read the code) would, and
asserts that the file check (the supervisor's, without the ledger) and the ledger check (the
report rebuilt from history, cell by cell) both say what was changed, where.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from nacl.signing import SigningKey
from openpyxl import load_workbook
from openpyxl.styles import Font

from tracker import journal, services
from tracker.cli import main
from tracker.demo import build_demo
from tracker.excel.report import build_report
from tracker.excel.verify_report import check_file, check_report
from tracker.exchange import seal
from tracker.exchange.content import read_content
from tracker.exchange.identity import key_fingerprint
from tracker.ledger import create_ledger
from tracker.replay import verify

from .factories import close_problem, make_problem

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """One branch ledger and its genuine November report (copied fresh for each test)."""
    folder = tmp_path_factory.mktemp("branch")
    ledger = build_demo(folder / "branch.db", problems=80, clock=lambda: NOW)
    report = build_report(ledger, folder / "月报.xlsx", 2026, 11)
    ledger.close()
    return folder / "branch.db", report.path


@pytest.fixture
def branch(made, tmp_path):
    from tracker.ledger import open_ledger

    db = tmp_path / "branch.db"
    shutil.copy(made[0], db)
    ledger = open_ledger(db, clock=lambda: NOW)
    yield ledger, made[1]
    ledger.close()


def edited(path: Path, tmp_path: Path, edit) -> Path:
    """The report opened in a spreadsheet program, edited and saved under a new name."""
    wb = load_workbook(path)
    edit(wb)
    out = tmp_path / "改过的月报.xlsx"
    wb.save(out)
    return out


def headline_row(ws) -> int:
    return next(c.row for c in ws["A"] if c.value == "查摆问题")


def test_a_genuine_report_passes_both_checks_and_a_plain_resave_keeps_it(branch, tmp_path):
    ledger, path = branch
    assert check_file(path).ok
    assert check_report(ledger, path).ok
    resaved = edited(path, tmp_path, lambda wb: None)  # opened and saved, nothing changed
    assert check_file(resaved).ok and check_report(ledger, resaved).ok


def test_three_figures_changed_in_a_spreadsheet_are_named_cell_by_cell(branch, tmp_path):
    """The attack that found the hole: 已销号, 销号率 and 正在整改 retyped on the 汇总 sheet."""
    ledger, path = branch
    ws = load_workbook(path)["汇总"]
    row = headline_row(ws)
    closed, open_, rate = ws.cell(row, 4).value, ws.cell(row, 7).value, ws.cell(row, 9).value

    def inflate(wb):
        ws = wb["汇总"]
        ws.cell(row, 4).value = closed + 7
        ws.cell(row, 9).value = 0.8
        ws.cell(row, 7).value = open_ - 7

    bad = edited(path, tmp_path, inflate)
    alone = check_file(bad)
    assert not alone.ok
    assert f"汇总 D{row}：报表为 {closed + 7}，生成时为 {closed}。" in alone.file_reasons
    assert f"汇总 I{row}：报表为 80.0%，生成时为 {rate * 100:.1f}%。" in alone.file_reasons
    assert f"汇总 G{row}：报表为 {open_ - 7}，生成时为 {open_}。" in alone.file_reasons
    against = check_report(ledger, bad)
    assert f"汇总 D{row}：报表为 {closed + 7}，台账当时为 {closed}。" in against.ledger_reasons
    assert len([r for r in against.ledger_reasons if r.startswith("汇总")]) == 3


def test_an_edited_detail_row_and_an_edited_overdue_row_are_named(branch, tmp_path):
    ledger, path = branch

    def soften(wb):
        wb["明细"]["H5"].value = "已全部整改到位"
        wb["逾期"]["I5"].value = 1

    bad = edited(path, tmp_path, soften)
    reasons = check_report(ledger, bad).reasons
    assert any(r.startswith("明细 H5：报表为 已全部整改到位，生成时为") for r in reasons)
    assert any(r.startswith("明细 H5：报表为 已全部整改到位，台账当时为") for r in reasons)
    assert any(r.startswith("逾期 I5：报表为 1，") for r in reasons)


def test_a_removed_row_and_an_added_row_are_each_one_finding(branch, tmp_path):
    ledger, path = branch
    wb = load_workbook(path)
    gone = [c.value for c in wb["逾期"][6]]

    def drop_and_add(wb):
        wb["逾期"].delete_rows(6)  # an embarrassing overdue measure taken out
        wb["明细"].append([999, "2026-999", "作风建设", "编造的问题"])

    bad = edited(path, tmp_path, drop_and_add)
    reasons = check_file(bad).file_reasons
    removed = [r for r in reasons if r.startswith("逾期 第 6 行")]
    assert len(removed) == 1 and "报表中没有" in removed[0] and str(gone[1]) in removed[0]
    assert any("明细 第" in r and "多出这一行" in r and "2026-999" in r for r in reasons)
    assert not any(r.startswith("逾期 I") for r in reasons)  # the rows after it are not "changed"


@pytest.mark.parametrize(
    "attack, expected",
    [
        (lambda wb: setattr(wb["汇总"]["D7"], "number_format", '"8"'), "显示格式被改为"),
        (lambda wb: setattr(wb["逾期"]["C5"], "font", Font(color="FFFFFF")), "看不见"),
        (lambda wb: setattr(wb["逾期"].row_dimensions[5], "hidden", True), "行被隐藏"),
        (lambda wb: setattr(wb["逾期"].column_dimensions["I"], "hidden", True), "列被隐藏"),
        (lambda wb: setattr(wb["逾期"], "sheet_state", "hidden"), "状态被改为隐藏"),
        (lambda wb: wb.remove(wb["逾期"]), "工作表“逾期”被删除"),
        (lambda wb: wb["汇总"].merge_cells("P40:Q41"), "合并单元格被改动"),
    ],
    ids=["format", "white-font", "hidden-row", "hidden-column", "hidden-sheet", "sheet", "merge"],
)
def test_what_is_shown_can_be_changed_without_a_value_and_is_still_caught(
    branch, tmp_path, attack, expected
):
    ledger, path = branch
    bad = edited(path, tmp_path, attack)
    assert any(expected in r for r in check_file(bad).file_reasons), check_file(bad).file_reasons


def test_editing_the_hidden_data_breaks_its_seal(branch, tmp_path):
    ledger, path = branch

    def tamper(wb):
        ws = wb[seal.DATA_SHEET]
        for row in ws.iter_rows():
            if row[0].value == "payload":
                row[1].value = row[1].value.replace('"closed":', '"closed":1', 1)
                break

    bad = edited(path, tmp_path, tamper)
    check = check_file(bad)
    assert not check.ok and any("摘要不符" in r for r in check.file_reasons)
    assert not check_report(ledger, bad).ok


def _forge(path: Path, out: Path, edit) -> str:
    """What a forger who has read this program does: edit the figures, then recompute the seal
    over the edited content and sign it with a key of their own. Returns the forger's key."""
    wb = load_workbook(path)
    edit(wb)
    wb.save(out)
    payload = seal.read_seal(read_content(path), path.name).payload  # the genuine data
    payload["sheets"] = [s.as_json() for s in seal.shown_sheets(read_content(out))]
    key = SigningKey.generate()
    public = base64.b64encode(bytes(key.verify_key))
    payload["ledger"]["public_key"] = public.decode()
    text = seal.encode(payload)
    sha = seal.digest(text)
    signature = base64.b64encode(key.sign(seal.SIGNED + sha.encode()).signature).decode()
    wb = load_workbook(out)
    wb.remove(wb[seal.DATA_SHEET])
    ws = wb.create_sheet(seal.DATA_SHEET)
    ws.sheet_state = "veryHidden"
    for k, v in [("format", seal.FORMAT), ("public_key", public.decode()), ("digest", sha)]:
        ws.append([k, v])
    ws.append(["signature", signature])
    for start in range(0, len(text), seal.CHUNK):
        ws.append(["payload", text[start : start + seal.CHUNK]])
    wb.save(out)
    return public.decode()


def test_a_forger_who_reseals_with_their_own_key_shows_a_different_fingerprint_and_fails_the_ledger(
    branch, tmp_path
):
    ledger, path = branch
    genuine = check_file(path).seal.fingerprint
    row = headline_row(load_workbook(path)["汇总"])
    out = tmp_path / "伪造.xlsx"
    key = _forge(path, out, lambda wb: setattr(wb["汇总"].cell(row, 4), "value", 99))
    alone = check_file(out)
    # Internally consistent: the file check alone cannot tell — but the key is not the branch's.
    assert alone.seal.fingerprint == key_fingerprint(key) != genuine
    against = check_report(ledger, out)
    assert not against.ok
    assert any("签名密钥与本台账的不同" in r for r in against.ledger_reasons)
    assert any(r.startswith(f"汇总 D{row}：报表为 99，台账当时为") for r in against.ledger_reasons)


def test_a_forger_who_rewrites_history_and_rehashes_the_chain_passes_verify_but_not_the_report(
    branch, tmp_path
):
    """Rewriting an old entry and recomputing every hash after it fools `verify`'s chain walk,
    not a report made before: its seal holds the full hash of its head entry."""
    ledger, path = branch
    head = check_file(path).seal.payload["report"]["head"]
    db = sqlite3.connect(ledger.location)
    rows = db.execute(
        "SELECT seq, txn, at, actor, action, problem, changes, prev_hash FROM journal ORDER BY seq"
    ).fetchall()
    target = next(r for r in rows if "problem.close" in r[4] or '"closed"' in r[6])
    prev = None
    with db:
        for seq, txn, at, actor, action, problem, changes, prev_hash in rows:
            if seq == target[0]:
                changes = changes.replace("202", "203", 1)
            if prev is not None:
                prev_hash = prev
            digest = journal.entry_hash(seq, txn, at, actor, action, problem, changes, prev_hash)
            if seq >= target[0]:
                db.execute(
                    "UPDATE journal SET changes=?, prev_hash=?, hash=? WHERE seq=?",
                    (changes, prev_hash, digest, seq),
                )
                prev = digest
    db.close()
    problems, _ = journal.check_chain(ledger.db)
    assert problems == []  # the chain itself is consistent again
    check = check_report(ledger, path)
    assert not check.ok
    assert any(f"第 {head[0]} 条历史记录的校验值与报表不符" in r for r in check.ledger_reasons)
    assert check_file(path).ok  # the file itself was not touched


def test_a_report_of_another_ledger_is_not_checked_against_this_one(branch, tmp_path):
    ledger, path = branch
    other = create_ledger(tmp_path / "other.db", unit_name="别的支部", clock=lambda: NOW)
    check = check_report(other, path)
    assert not check.ok and "不是由这个台账生成的" in check.ledger_reasons[0]
    other.close()


def test_an_old_report_with_a_short_code_is_read_but_called_weak(ledger, clock, tmp_path):
    make_problem(ledger, "窗口服务慢")
    close_problem(ledger, make_problem(ledger, "调研走过场"), tmp_path / "scans")
    clock.now = dt.datetime(2026, 3, 20, 9, 0)
    path = build_report(ledger, tmp_path / "3.xlsx", 2026, 3).path
    head = journal.head(ledger.db)

    def old_format(wb):  # what the first versions wrote: no seal, 8 hex digits
        wb.remove(wb[seal.DATA_SHEET])
        for row in wb["汇总"].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("校验码："):
                    cell.value = cell.value.replace(
                        head.code, f"{head.seq}-{head.hash[:8].upper()}"
                    )

    old = edited(path, tmp_path, old_format)
    check = check_report(ledger, old)
    assert check.code is not None and not check.code.strong
    assert check.ledger_reasons == []  # the history still backs it
    assert any("较弱" in n for n in check.notes)
    assert any("没有签名的校验数据" in r for r in check.file_reasons)


def test_the_cli_checks_with_and_without_the_ledger_and_exits_1_on_a_mismatch(
    branch, tmp_path, capsys
):
    ledger, path = branch
    assert main(["--db", ledger.location, "verify-report", str(path)]) == 0
    out = capsys.readouterr().out
    assert "文件本身：通过" in out and "与台账核对：通过" in out
    row = headline_row(load_workbook(path)["汇总"])
    bad = edited(path, tmp_path, lambda wb: setattr(wb["汇总"].cell(row, 4), "value", 77))
    assert main(["--db", ledger.location, "verify-report", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"汇总 D{row}：报表为 77，台账当时为" in err
    # the supervisor has no ledger: the file alone
    assert (
        main(["--db", str(tmp_path / "nothing.db"), "verify-report", "--file-only", str(bad)]) == 1
    )
    err = capsys.readouterr().err
    assert f"汇总 D{row}：报表为 77，生成时为" in err and "与台账核对" not in err


def test_a_report_is_rebuilt_exactly_after_settings_and_work_changed_later(ledger, clock, tmp_path):
    """The header is as of when the report was made, the data as of its moment: both rebuilt."""
    make_problem(ledger, "会议文件多")
    clock.now = dt.datetime(2026, 4, 2, 9, 0)
    path = build_report(ledger, tmp_path / "3.xlsx", 2026, 3).path
    services.set_unit_info(ledger, contact_person="刘洋", unit_name="改名后的支部")
    make_problem(ledger, "四月的新问题")
    assert check_report(ledger, path).ok
    assert verify(ledger).ok


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_a_report_opened_and_saved_in_libreoffice_still_checks(branch, tmp_path):
    ledger, path = branch
    out = tmp_path / "lo"
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = out / path.name
    assert (
        hashlib.sha256(resaved.read_bytes()).digest() != hashlib.sha256(path.read_bytes()).digest()
    )
    assert check_file(resaved).ok and check_report(ledger, resaved).ok


def _reseal_with(path: Path, out: Path, db, change_payload, change_sheets=None) -> None:
    """The branch itself (it holds its ledger's key) re-signs a report it changed."""
    from tracker.exchange import identity

    wb = load_workbook(path)
    if change_sheets:
        change_sheets(wb)
    wb.save(out)
    payload = seal.read_seal(read_content(path), path.name).payload
    payload["sheets"] = [s.as_json() for s in seal.shown_sheets(read_content(out))]
    change_payload(payload)
    text = seal.encode(payload)
    sha = seal.digest(text)
    wb = load_workbook(out)
    wb.remove(wb[seal.DATA_SHEET])
    ws = wb.create_sheet(seal.DATA_SHEET)
    ws.sheet_state = "veryHidden"
    ws.append(["format", seal.FORMAT])
    ws.append(["public_key", identity.identity(db).public_key])
    ws.append(["digest", sha])
    ws.append(["signature", identity.sign(db, seal.SIGNED + sha.encode())])
    for start in range(0, len(text), seal.CHUNK):
        ws.append(["payload", text[start : start + seal.CHUNK]])
    wb.save(out)


def test_a_report_of_another_layout_is_checked_on_its_figures(branch, tmp_path):
    """An older or newer program's report cannot be rebuilt cell by cell; its figures still are
    recounted from history — and a branch that signs inflated figures with its own key is caught."""
    ledger, path = branch
    older = tmp_path / "旧版.xlsx"
    _reseal_with(path, older, ledger.db, lambda p: p.update(layout=0))
    check = check_report(ledger, older)
    assert check.ok, check.reasons
    assert any("只由历史记录重算并核对了汇总数字" in n for n in check.notes)

    row = headline_row(load_workbook(path)["汇总"])
    inflated = tmp_path / "虚报.xlsx"

    def more_closed(p):
        p.update(layout=0)
        p["figures"]["total"]["closed"] += 5

    _reseal_with(
        path,
        inflated,
        ledger.db,
        more_closed,
        lambda wb: setattr(wb["汇总"].cell(row, 4), "value", wb["汇总"].cell(row, 4).value + 5),
    )
    assert check_file(inflated).ok  # signed with the branch's own key: the file alone cannot tell
    against = check_report(ledger, inflated)
    assert any(r.startswith("已销号：报表为") and "台账当时为" in r for r in against.ledger_reasons)
