"""The verifiable history: every action hash-chained, tampering found and named, history in words."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tracker import history, journal, replay, services
from tracker.errors import ValidationError
from tracker.models import Evidence, Journal

from .factories import (
    LEADER,
    OWNER,
    REVIEWER,
    close_problem,
    make_problem,
    make_team,
    measure_ids,
)


def a_busy_ledger(ledger, tmp_path, clock) -> dict:
    """A ledger in which a bit of everything has happened, over a few days."""
    team = make_team(ledger)
    services.set_unit_info(ledger, contact_phone="0571-88880000")
    services.add_batch(ledger, "2025年度组织生活会", held_on=dt.date(2026, 1, 20))
    a = make_problem(ledger, "会议多", deadlines=("2026年3月31日", "长期坚持"))
    b = make_problem(ledger, "文件多")
    clock.advance(days=1)
    services.update_problem(ledger, a, cause="习惯以会议落实会议", leader=team.owner)
    first, _ = measure_ids(ledger, a)
    services.add_progress(ledger, first, "制定会议清单")
    services.extend_deadline(ledger, first, "2026年4月30日", "等上级文件")
    clock.advance(days=1)
    close_problem(ledger, b, tmp_path / "files")
    services.void_problem(ledger, a, "误操作")
    services.restore_problem(ledger, a, "恢复")
    return {"a": a, "b": b, "first": first}


def messages(ledger) -> list[str]:
    report = replay.verify(ledger)
    assert not report.ok
    assert report.problems
    return report.problems


# -- the chain ----------------------------------------------------------------------------------
def test_every_action_appends_chained_entries(ledger, tmp_path, clock):
    start = journal.count(ledger.db)
    heads = []
    pid = make_problem(ledger)
    heads.append(journal.head(ledger.db))
    services.update_problem(ledger, pid, cause="原因")
    heads.append(journal.head(ledger.db))
    services.add_progress(ledger, measure_ids(ledger, pid)[0], "进展")
    heads.append(journal.head(ledger.db))

    assert journal.count(ledger.db) > start
    assert [h.seq for h in heads] == sorted({h.seq for h in heads})  # strictly growing
    entries = list(journal.entries(ledger.db))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    prev = journal.GENESIS
    for e in entries:
        assert e.prev_hash == prev
        text = journal.dumps(e.changes)
        assert (
            journal.entry_hash(e.seq, e.txn, e.at, e.actor, e.action, e.problem, text, prev)
            == e.hash
        )
        prev = e.hash
    problems, head = journal.check_chain(ledger.db)
    assert problems == []
    assert head == heads[-1]


def test_the_head_code_can_be_copied_by_hand_and_carries_100_bits(ledger):
    changes = services.update_problem(ledger, make_problem(ledger), cause="原因")
    head = journal.head(ledger.db)
    assert changes.journal_head == head.code
    seq, *groups = head.code.split("-")
    assert int(seq) == head.seq and len(groups) == 4
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{5}", g) for g in groups)  # no I, L, O, U
    # the 100 bits are the top of the hash: a forger must match them all
    value = 0
    for ch in "".join(groups):
        value = value * 32 + "0123456789ABCDEFGHJKMNPQRSTVWXYZ".index(ch)
    assert value == int(head.hash, 16) >> (256 - 100)


def test_a_code_copied_with_slips_still_reads_and_an_old_short_code_reads_as_weak(ledger):
    make_problem(ledger)
    head = journal.head(ledger.db)
    seq, digits = head.code.split("-", 1)
    typed = seq + "-" + digits.lower().replace("0", "o").replace("1", "l").replace("-", " ", 2)
    parsed = journal.parse_head_code(f"校验码：{typed}（历史记录截至…）")
    assert parsed is not None and parsed.strong and parsed.text == head.code
    assert parsed.matches(head.hash)
    old = journal.parse_head_code(f"校验码：{head.seq}-{head.hash[:8].upper()}（…）")
    assert old is not None and not old.strong and old.matches(head.hash)
    assert journal.parse_head_code("校验码：12-XYZ") is None


def test_each_action_is_its_own_transaction(ledger):
    """An entry's transaction number is the first entry the action wrote, so actions can be told apart."""
    make_problem(ledger, "问题一")
    make_problem(ledger, "问题二")
    entries = list(journal.entries(ledger.db))
    create_entries = [e for e in entries if e.action == "problem.create"]
    assert len({e.txn for e in create_entries}) == 2
    for e in entries:
        assert e.txn <= e.seq


def test_a_refused_action_leaves_no_trace(ledger):
    pid = make_problem(ledger)
    head = journal.head(ledger.db)
    with pytest.raises(ValidationError):
        services.update_problem(ledger, pid, description="")
    assert journal.head(ledger.db) == head


def test_entries_record_who_and_when(ledger, clock):
    pid = make_problem(ledger)
    clock.advance(days=3, hours=5)
    ledger.actor = "李娜"

    services.update_problem(ledger, pid, cause="原因")

    *_, entry = journal.entries(ledger.db)
    assert (entry.actor, entry.at, entry.problem) == ("李娜", "2026-03-05 14:30:00", pid)


# -- verify on an honest ledger -----------------------------------------------------------------
def test_an_honest_ledger_verifies(ledger, tmp_path, clock):
    a_busy_ledger(ledger, tmp_path, clock)

    report = replay.verify(ledger)

    assert report.ok, report.problems
    assert report.problems == []
    assert report.entries == journal.count(ledger.db)
    assert report.head == journal.head(ledger.db)
    assert report.rows_checked > 20


def test_a_new_ledger_verifies(ledger):
    assert replay.verify(ledger).ok


# -- tampering ----------------------------------------------------------------------------------
def test_a_description_changed_in_an_sqlite_editor_is_named(ledger, tmp_path, clock):
    pid = a_busy_ledger(ledger, tmp_path, clock)["b"]

    ledger.db.execute_sql("UPDATE problem SET description = '问题已全部解决' WHERE id = ?", (pid,))

    (message,) = messages(ledger)
    assert "问题 2026-002" in message and "问题描述" in message
    assert "文件多" in message and "问题已全部解决" in message
    assert "程序之外" in message


def test_a_back_dated_crossing_off_is_named(ledger, tmp_path, clock):
    """The 虚报 case: a 销号 moved back into last month to make the monthly report look better."""
    pid = a_busy_ledger(ledger, tmp_path, clock)["b"]

    ledger.db.execute_sql("UPDATE problem SET closed_on = '2026-02-27' WHERE id = ?", (pid,))

    (message,) = messages(ledger)
    assert "问题 2026-002" in message and "销号日期" in message and "2026-02-27" in message


def test_a_measure_deleted_behind_the_programs_back_is_named(ledger, tmp_path, clock):
    mid = a_busy_ledger(ledger, tmp_path, clock)["first"]

    ledger.db.execute_sql("PRAGMA foreign_keys = OFF")
    ledger.db.execute_sql("DELETE FROM progress WHERE measure_id = ?", (mid,))
    ledger.db.execute_sql("DELETE FROM extension WHERE measure_id = ?", (mid,))
    ledger.db.execute_sql("DELETE FROM measure WHERE id = ?", (mid,))
    ledger.db.execute_sql("PRAGMA foreign_keys = ON")

    found = messages(ledger)
    assert f"整改措施（id {mid}） 已从数据库中消失（被程序之外删除）。" in found
    assert any(m.startswith("整改进展") and "消失" in m for m in found)
    assert any(m.startswith("延期记录") and "消失" in m for m in found)


def test_a_problem_slipped_in_outside_the_program_is_named(ledger, tmp_path, clock):
    a_busy_ledger(ledger, tmp_path, clock)

    ledger.db.execute_sql(
        "INSERT INTO problem (code, description, found_on, status, applicant, reviewer, closure_note,"
        " review_opinion, status_reason, voided_from, cause, target, remarks, version)"
        " VALUES ('2026-099', '补录的问题', '2026-03-01', 'closed', '', '', '', '', '', '', '', '', '', 1)"
    )

    (message,) = messages(ledger)
    assert message == "问题 2026-099 不在历史记录中：它是在程序之外被加入的。"


def test_a_rewritten_journal_entry_is_named_by_its_number(ledger, tmp_path, clock):
    a_busy_ledger(ledger, tmp_path, clock)
    target = next(e for e in journal.entries(ledger.db) if e.action == "problem.approve")
    forged = journal.dumps(target.changes).replace(REVIEWER, "上级领导")
    assert forged != journal.dumps(target.changes)

    ledger.db.execute_sql("UPDATE journal SET changes = ? WHERE seq = ?", (forged, target.seq))

    found = messages(ledger)
    assert any(f"第 {target.seq} 条" in m and "被改动过" in m for m in found)
    assert any("审核人" in m for m in found)  # the replayed row no longer matches either
    problems, _ = journal.check_chain(ledger.db)
    assert problems and all(f"第 {target.seq} 条" in p for p in problems)


def test_a_journal_entry_whose_hash_was_recomputed_still_breaks_the_chain(ledger, tmp_path, clock):
    """A careful forger who fixes the entry's own hash still cannot fix the entry after it."""
    a_busy_ledger(ledger, tmp_path, clock)
    target = next(e for e in journal.entries(ledger.db) if e.action == "problem.approve")
    forged = journal.dumps(target.changes).replace(REVIEWER, "上级领导")
    digest = journal.entry_hash(
        target.seq,
        target.txn,
        target.at,
        target.actor,
        target.action,
        target.problem,
        forged,
        target.prev_hash,
    )

    ledger.db.execute_sql(
        "UPDATE journal SET changes = ?, hash = ? WHERE seq = ?", (forged, digest, target.seq)
    )

    problems, _ = journal.check_chain(ledger.db)
    assert any(f"第 {target.seq + 1} 条与前一条接不上" in p for p in problems)


def test_a_journal_entry_deleted_from_the_middle_is_named(ledger, tmp_path, clock):
    a_busy_ledger(ledger, tmp_path, clock)
    middle = journal.count(ledger.db) // 2

    ledger.db.execute_sql("DELETE FROM journal WHERE seq = ?", (middle,))

    found = messages(ledger)
    assert f"历史记录缺失：第 {middle} 条到第 {middle} 条不见了（记录被删除）。" in found
    assert any(f"第 {middle + 1} 条与前一条接不上" in m for m in found)


def test_cutting_the_last_entries_shows_as_rows_the_journal_does_not_explain(
    ledger, tmp_path, clock
):
    """Someone deletes the approval from the history and sets the problem back to 待销号 by hand."""
    pid = make_problem(ledger)
    close_problem(ledger, pid, tmp_path / "files")
    approval = next(e for e in journal.entries(ledger.db) if e.action == "problem.approve")

    ledger.db.execute_sql("DELETE FROM journal WHERE seq >= ?", (approval.seq,))
    ledger.db.execute_sql("UPDATE problem SET status = 'pending_closure' WHERE id = ?", (pid,))

    assert journal.check_chain(ledger.db)[0] == []  # what is left is a valid chain …
    found = messages(ledger)  # … but the rows still carry the approval
    assert any("问题 2026-001" in m and "审核人" in m for m in found)
    assert any("问题 2026-001" in m and "销号日期" in m for m in found)


def test_cutting_the_last_entries_and_reverting_the_row_is_still_noticed(ledger):
    pid = make_problem(ledger, "会议多")
    services.update_problem(ledger, pid, description="会议多（已改写）")
    last = journal.head(ledger.db).seq

    ledger.db.execute_sql("DELETE FROM journal WHERE seq = ?", (last,))
    ledger.db.execute_sql("UPDATE problem SET description = '会议多' WHERE id = ?", (pid,))

    assert not replay.verify(ledger).ok


def test_an_evidence_file_deleted_from_disk_is_named(ledger, tmp_path, clock):
    a_busy_ledger(ledger, tmp_path, clock)
    ((sha, name),) = ledger.select(Evidence, Evidence.sha256, Evidence.name).tuples()

    services.evidence_file(ledger, sha, name).unlink()

    (message,) = messages(ledger)
    assert name in message and "文件不见了" in message


def test_an_evidence_file_replaced_by_another_is_named(ledger, tmp_path, clock):
    a_busy_ledger(ledger, tmp_path, clock)
    ((sha, name),) = ledger.select(Evidence, Evidence.sha256, Evidence.name).tuples()

    services.evidence_file(ledger, sha, name).write_text(
        "另一份内容完全不同、长度也不同的文件", encoding="utf-8"
    )

    (message,) = messages(ledger)
    assert name in message and "大小不符" in message


def test_a_flood_of_damage_is_reported_briefly(ledger):
    for n in range(40):
        make_problem(ledger, f"问题{n}")
    ledger.db.execute_sql("UPDATE problem SET description = '全部改写'")

    found = messages(ledger)
    assert len(found) <= replay.MAX_REPORTED + 1
    assert found[-1] == "……另有 20 处问题的“问题描述”被程序之外改动，未逐条列出。"


def test_verify_only_reads(ledger):
    """Checking a ledger must never change it: the journal is the same after two runs."""
    make_problem(ledger)
    before = list(Journal.select().bind(ledger.db).tuples())
    replay.verify(ledger)
    replay.verify(ledger)
    assert list(Journal.select().bind(ledger.db).tuples()) == before


# -- history in words ---------------------------------------------------------------------------
def test_a_problems_history_reads_as_chinese_sentences(ledger, tmp_path, clock):
    team = make_team(ledger)
    pid = make_problem(ledger, "会议多")
    clock.advance(days=3)
    ledger.actor = "李娜"
    services.add_progress(ledger, measure_ids(ledger, pid)[0], "梳理会议清单")
    services.update_problem(ledger, pid, leader=team.owner, description="会议多、会议长")
    clock.advance(days=1)
    ledger.actor = "王敏"
    close_problem(ledger, pid, tmp_path / "files")

    items = history.problem_history(ledger, pid)

    created, progress, edit, *rest = items
    assert created.action == "新增问题（挂账）"
    assert created.lines[0] == "新增问题（问题编号：2026-001；问题描述：会议多）"
    assert created.actor == "王敏" and created.when == "2026年3月2日 09:30"
    assert progress.actor == "李娜" and progress.when == "2026年3月5日 09:30"
    assert "问题·状态：挂账 → 整改中" in progress.lines
    assert any(
        line.startswith("新增整改进展") and "梳理会议清单" in line for line in progress.lines
    )
    assert f"问题·责任领导：{LEADER} → {OWNER}" in edit.lines
    assert "问题·问题描述：会议多 → 会议多、会议长" in edit.lines
    approval = rest[-1]
    assert approval.action == "审核通过（销号）"
    assert "问题·状态：待销号 → 已销号" in approval.lines
    assert f"问题·审核人：（空） → {REVIEWER}" in approval.lines
    assert "问题·销号日期：（空） → 2026年3月6日" in approval.lines
    assert [item.seq for item in items] == sorted(item.seq for item in items)


def test_history_keeps_to_its_own_problem(ledger):
    mine = make_problem(ledger, "会议多")
    other = make_problem(ledger, "文件多")
    services.update_problem(ledger, other, cause="别的问题的原因")

    lines = [line for item in history.problem_history(ledger, mine) for line in item.lines]

    assert not any("别的问题的原因" in line or "文件多" in line for line in lines)


def test_history_shows_measure_status_in_words(ledger):
    pid = make_problem(ledger)
    (mid,) = measure_ids(ledger, pid)
    services.complete_measure(ledger, mid)

    last = history.problem_history(ledger, pid)[-1]

    assert last.action == "措施完成"
    assert last.title == "措施完成：措施 1“整改措施1：精简会议文件，建立清单”"
    assert "措施 1·状态：未完成 → 已完成" in last.lines
    assert "措施 1·完成日期：（空） → 2026年3月2日" in last.lines


def test_history_of_a_void_and_restore(ledger):
    pid = make_problem(ledger)
    services.void_problem(ledger, pid, "重复")
    services.restore_problem(ledger, pid, "误作废")

    void, restore = history.problem_history(ledger, pid)[-2:]

    assert void.action == "作废" and "问题·状态：挂账 → 已作废" in void.lines
    assert "问题·作废前状态：（空） → 挂账" in void.lines
    assert restore.action == "恢复作废的问题" and "问题·状态：已作废 → 挂账" in restore.lines


ODD_TEXTS = [
    "",
    "会议记录",
    'quote " and \\ backslash',
    "tab\tnew\nline\x1f\x00",
    "😀 ＡＢＣ，。",
    "\u2028",
]


def test_entry_text_and_hash_are_the_documented_json_whatever_the_values():
    """Old ledgers are verified with today's code: the entry text and the hash input must stay the
    plain `json.dumps` forms (changes: sorted keys; entry: a list), byte for byte."""
    import hashlib
    import json

    for i, text in enumerate(ODD_TEXTS):
        changes = [
            {"t": "problem", "id": i, "op": "c", "f": {"z": text, "a": None, "n": 1.5, "b": True}},
            {"t": "measure", "id": i + 1, "op": "u", "f": {"text": [text, "新"], "seq": [1, 2]}},
        ]
        want = json.dumps(changes, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        assert journal.dumps(changes) == want
        for problem in (None, 0, 12345):
            args = (i + 1, 1, f"2026-11-{i + 1:02d} 08:00:00", text, text + ".do", problem, want)
            prev = journal.GENESIS if i % 2 else "ab" * 32
            body = json.dumps([*args, prev], ensure_ascii=False, separators=(",", ":"))
            assert journal.entry_hash(*args, prev) == hashlib.sha256(body.encode()).hexdigest()


def test_a_row_in_journal_form_has_every_field_defaults_and_iso_dates():
    """`row_values` (every bulk row goes through it) gives each journaled field in column order,
    defaults for the missing ones, dates as ISO text, and drops what the journal does not keep."""
    from tracker.models import Measure, Problem
    from tracker.recorder import journaled_fields, row_values

    found = dt.datetime(2026, 3, 5, 14, 30)
    row = row_values(
        Problem,
        {"code": "2026-001", "found_on": found, "closed_on": None, "version": 7, "nearest_due": 1},
    )
    assert list(row) == [f.name for f in journaled_fields(Problem)]
    assert row["code"] == "2026-001" and row["found_on"] == "2026-03-05"
    assert row["closed_on"] is None and row["cause"] == "" and row["status_reason"] == ""
    assert "version" not in row and "nearest_due" not in row and "id" not in row
    measure = row_values(Measure, {"problem": 3, "deadline_date": dt.date(2026, 6, 30)})
    assert measure["deadline_date"] == "2026-06-30" and measure["deadline_kind"] == "none"
    assert measure["problem"] == 3
