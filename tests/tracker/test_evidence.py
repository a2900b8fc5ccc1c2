"""佐证材料: files copied into the ledger under their SHA-256, and the 纸面销号 warning."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tracker import journal, replay, services
from tracker.errors import ValidationError, WorkflowError
from tracker.models import Evidence

from .factories import (
    close_problem,
    complete_all,
    evidence,
    is_chinese,
    make_problem,
    measure_ids,
    problem,
    write_file,
)

PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40


def test_a_file_is_copied_into_the_ledger_under_its_fingerprint(ledger, tmp_path, clock):
    pid = make_problem(ledger)
    photo = write_file(tmp_path / "手机照片", "整改现场.PNG", PHOTO)
    clock.advance(hours=2)

    changes = services.add_evidence(ledger, pid, photo, note="  会议室张贴的清单  ")

    row = evidence(ledger, changes.created_id)
    sha = hashlib.sha256(PHOTO).hexdigest()
    assert (row["sha256"], row["name"], row["size"]) == (sha, "整改现场.PNG", len(PHOTO))
    assert (row["note"], row["added_by"], row["added_at"]) == (
        "会议室张贴的清单",
        "王敏",
        "2026-03-02 11:30:00",
    )
    assert row["active"] is True and row["measure"] is None
    stored = services.evidence_file(ledger, sha, "整改现场.PNG")
    assert stored == ledger.evidence_dir / sha[:2] / f"{sha}.png"
    assert stored.read_bytes() == PHOTO
    assert photo.read_bytes() == PHOTO  # the user's own file is left alone
    assert changes.problems == {pid} and changes.warnings == []
    assert not list(ledger.evidence_dir.rglob(".incoming-*"))


def test_the_same_content_is_stored_once(ledger, tmp_path):
    pid = make_problem(ledger)
    first = write_file(tmp_path / "a", "纪要.txt", "支部会议纪要")
    second = write_file(tmp_path / "b", "纪要.txt", "支部会议纪要")

    services.add_evidence(ledger, pid, first)
    services.add_evidence(ledger, pid, second)

    assert len([f for f in ledger.evidence_dir.rglob("*") if f.is_file()]) == 1
    assert ledger.select(Evidence).count() == 2


def test_evidence_can_back_a_particular_measure(ledger, tmp_path):
    pid = make_problem(ledger, deadlines=("2026年4月30日", "2026年5月31日"))
    _, second = measure_ids(ledger, pid)

    changes = services.add_evidence(
        ledger, pid, write_file(tmp_path, "制度.docx", b"PK.."), measure_id=second
    )

    assert evidence(ledger, changes.created_id)["measure"] == second


def test_a_measure_of_another_problem_is_refused(ledger, tmp_path):
    pid = make_problem(ledger, "问题一")
    other = make_problem(ledger, "问题二")

    with pytest.raises(ValidationError) as caught:
        services.add_evidence(
            ledger,
            pid,
            write_file(tmp_path, "制度.docx", b"PK.."),
            measure_id=measure_ids(ledger, other)[0],
        )

    assert caught.value.field == "整改措施"
    assert ledger.select(Evidence).count() == 0


def test_a_missing_file_is_refused_and_nothing_is_recorded(ledger, tmp_path):
    pid = make_problem(ledger)
    before = journal.count(ledger.db)

    with pytest.raises(ValidationError) as caught:
        services.add_evidence(ledger, pid, tmp_path / "不存在的扫描件.pdf")

    assert caught.value.field == "佐证材料"
    assert "文件不存在" in str(caught.value) and "不存在的扫描件.pdf" in str(caught.value)
    assert journal.count(ledger.db) == before
    assert ledger.select(Evidence).count() == 0


def test_a_folder_is_not_an_evidence_file(ledger, tmp_path):
    pid = make_problem(ledger)
    (tmp_path / "材料文件夹").mkdir()
    with pytest.raises(ValidationError) as caught:
        services.add_evidence(ledger, pid, tmp_path / "材料文件夹")
    assert caught.value.field == "佐证材料"


def test_a_closed_problem_takes_no_more_evidence(ledger, tmp_path):
    pid = make_problem(ledger)
    close_problem(ledger, pid, tmp_path / "files")

    with pytest.raises(WorkflowError) as caught:
        services.add_evidence(ledger, pid, write_file(tmp_path, "补充.txt", "事后补的材料"))

    assert "已销号" in str(caught.value) and "佐证材料" in str(caught.value)


# -- 纸面销号 -------------------------------------------------------------------------------------
def test_the_same_file_backing_two_problems_is_flagged_on_upload(ledger, tmp_path):
    first = make_problem(ledger, "会议多")
    second = make_problem(ledger, "文件多")
    minutes = write_file(tmp_path, "支部会议纪要.docx", b"same minutes")
    services.add_evidence(ledger, first, minutes)

    changes = services.add_evidence(ledger, second, minutes)

    (warning,) = changes.warnings
    assert "纸面销号" in warning and problem(ledger, first)["code"] in warning
    assert "支部会议纪要.docx" in warning and is_chinese(warning)


def test_a_renamed_copy_of_the_same_file_is_still_flagged(ledger, tmp_path):
    first = make_problem(ledger, "会议多")
    second = make_problem(ledger, "文件多")
    services.add_evidence(ledger, first, write_file(tmp_path, "纪要.docx", b"same minutes"))

    changes = services.add_evidence(
        ledger, second, write_file(tmp_path, "整改报告.docx", b"same minutes")
    )

    assert len(changes.warnings) == 1 and "纸面销号" in changes.warnings[0]


def test_the_shared_file_is_flagged_again_when_closure_is_requested(ledger, tmp_path):
    first = make_problem(ledger, "会议多")
    second = make_problem(ledger, "文件多")
    minutes = write_file(tmp_path, "支部会议纪要.docx", b"same minutes")
    services.add_evidence(ledger, first, minutes)
    services.add_evidence(ledger, second, minutes)
    complete_all(ledger, second)

    changes = services.request_closure(ledger, second, "已整改")

    assert problem(ledger, second)["status"] == "pending_closure"  # warned, not refused
    assert any("纸面销号" in w and "2026-001" in w for w in changes.warnings)


def test_different_files_and_the_same_problem_raise_no_flag(ledger, tmp_path):
    first = make_problem(ledger, "会议多")
    second = make_problem(ledger, "文件多")
    minutes = write_file(tmp_path, "纪要.docx", b"minutes of meeting one")
    services.add_evidence(ledger, first, minutes)

    assert services.add_evidence(ledger, first, minutes).warnings == []
    assert (
        services.add_evidence(
            ledger, second, write_file(tmp_path, "另一份.docx", b"other")
        ).warnings
        == []
    )


def test_a_removed_file_no_longer_raises_the_flag(ledger, tmp_path):
    first = make_problem(ledger, "会议多")
    second = make_problem(ledger, "文件多")
    minutes = write_file(tmp_path, "纪要.docx", b"same minutes")
    mistaken = services.add_evidence(ledger, first, minutes).created_id
    services.remove_evidence(ledger, mistaken, "传错了问题")

    assert services.add_evidence(ledger, second, minutes).warnings == []


# -- removing -----------------------------------------------------------------------------------
def test_removing_evidence_needs_a_reason_and_keeps_the_file(ledger, tmp_path):
    pid = make_problem(ledger)
    eid = services.add_evidence(ledger, pid, write_file(tmp_path, "照片.jpg", PHOTO)).created_id
    row = evidence(ledger, eid)
    stored = services.evidence_file(ledger, row["sha256"], row["name"])

    with pytest.raises(ValidationError) as caught:
        services.remove_evidence(ledger, eid, "  ")
    assert caught.value.field == "移除理由"
    assert evidence(ledger, eid)["active"] is True

    services.remove_evidence(ledger, eid, "照片不清晰，重新拍摄")

    row = evidence(ledger, eid)
    assert (row["active"], row["removed_reason"]) == (False, "照片不清晰，重新拍摄")
    assert stored.read_bytes() == PHOTO  # kept on disk: history may still point at it
    assert replay.verify(ledger).ok

    with pytest.raises(WorkflowError) as caught:
        services.remove_evidence(ledger, eid, "再移除一次")
    assert "已经移除" in str(caught.value)


def test_removing_evidence_that_does_not_exist_is_refused(ledger):
    with pytest.raises(ValidationError) as caught:
        services.remove_evidence(ledger, 404, "不要了")
    assert caught.value.field == "佐证材料"


def test_evidence_of_a_closed_problem_cannot_be_removed(ledger, tmp_path):
    pid = make_problem(ledger)
    close_problem(ledger, pid, tmp_path / "files")
    (eid,) = [e for (e,) in ledger.select(Evidence, Evidence.id).tuples()]

    with pytest.raises(WorkflowError):
        services.remove_evidence(ledger, eid, "销号后想撤掉材料")
    assert evidence(ledger, eid)["active"] is True


# -- the store on disk (issues 10 and 17) -------------------------------------------------------
def stored(ledger, evidence_id: int):
    row = evidence(ledger, evidence_id)
    return services.evidence_file(ledger, row["sha256"], row["name"])


def test_a_file_replaced_by_another_of_the_same_size_fails_verify(ledger, tmp_path):
    """Someone swaps the scanned closure report for a doctored one of exactly the same length."""
    pid = make_problem(ledger)
    eid = services.add_evidence(ledger, pid, write_file(tmp_path, "销号报告.pdf", PHOTO)).created_id
    path = stored(ledger, eid)
    doctored = bytearray(PHOTO)
    doctored[100:110] = b"0123456789"
    path.write_bytes(bytes(doctored))

    report = replay.verify(ledger)

    assert not report.ok
    (message,) = report.problems
    assert "销号报告.pdf" in message and "内容" in message and is_chinese(message)
    assert replay.verify(ledger, quick=True).ok  # --quick compares sizes only, as before


def test_verify_reports_its_progress_through_the_evidence_files(ledger, tmp_path):
    pid = make_problem(ledger)
    for n in range(3):
        services.add_evidence(ledger, pid, write_file(tmp_path, f"照片{n}.jpg", PHOTO + bytes([n])))
    seen = []

    report = replay.verify(ledger, progress=lambda done, total: seen.append((done, total)) or True)

    assert report.ok
    total = 3 * (len(PHOTO) + 1)
    assert seen and seen[-1] == (total, total)
    assert all(t == total for _, t in seen) and [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_a_damaged_stored_file_is_replaced_when_the_same_file_is_added_again(ledger, tmp_path):
    """A copy cut short (a crash, a full disk) is not reused just because its name exists."""
    pid = make_problem(ledger)
    photo = write_file(tmp_path, "整改现场.jpg", PHOTO)
    path = stored(ledger, services.add_evidence(ledger, pid, photo).created_id)
    path.write_bytes(PHOTO[:100])
    assert not replay.verify(ledger).ok

    services.add_evidence(ledger, pid, photo)

    assert path.read_bytes() == PHOTO
    assert replay.verify(ledger).ok


def test_a_file_still_being_written_is_recorded_as_it_was_copied(ledger, tmp_path, monkeypatch):
    """The scanner is still writing 扫描件.pdf when it is added: the size recorded is that of the
    bytes stored, not of the file before the copy."""
    pid = make_problem(ledger)
    scan = write_file(tmp_path, "扫描件.pdf", b"%PDF-1.7 " + b"a" * 4000)
    real_stat = Path.stat

    def stat_while_the_scanner_writes(self, *args, **kwargs):
        result = real_stat(self, *args, **kwargs)
        if self == scan:
            with open(scan, "ab") as more:
                more.write(b"b" * 6000)
        return result

    monkeypatch.setattr(Path, "stat", stat_while_the_scanner_writes)
    eid = services.add_evidence(ledger, pid, scan).created_id
    monkeypatch.undo()

    row = evidence(ledger, eid)
    content = stored(ledger, eid).read_bytes()
    assert row["size"] == len(content)
    assert row["sha256"] == hashlib.sha256(content).hexdigest()
    assert replay.verify(ledger).ok


def test_a_file_name_too_long_for_the_disk_is_refused_in_words(ledger, tmp_path):
    pid = make_problem(ledger)
    name = "关于进一步加强机关作风建设问题整改落实情况的报告" * 13 + ".pdf"
    assert len(name) >= 300

    with pytest.raises(ValidationError) as caught:
        services.add_evidence(ledger, pid, tmp_path / name)

    assert caught.value.field == "佐证材料" and "文件名或路径太长" in str(caught.value)
    assert ledger.select(Evidence).count() == 0


@pytest.mark.parametrize(
    "name, ending",
    [
        ("整改报告.PDF", ".pdf"),
        ("现场照片.jpeg", ".jpeg"),
        ("会议纪要.2026年第三季度支部委员会扩大会议记录", ""),
        ("附件." + "x" * 40, ""),
        ("没有扩展名", ""),
    ],
)
def test_a_stored_file_is_named_by_its_fingerprint_and_a_short_ending(
    ledger, tmp_path, name, ending
):
    """The display name lives in the ledger; on disk a file needs only its hash (and an ending
    the system can open it by)."""
    pid = make_problem(ledger)
    eid = services.add_evidence(ledger, pid, write_file(tmp_path, name, PHOTO)).created_id

    assert stored(ledger, eid).name == hashlib.sha256(PHOTO).hexdigest() + ending
    assert evidence(ledger, eid)["name"] == name
    assert replay.verify(ledger).ok


def test_files_stored_under_the_earlier_longer_names_are_still_found(ledger, tmp_path):
    """A ledger written by an earlier version keeps up to 12 characters of the ending."""
    pid = make_problem(ledger)
    name = "会议纪要.第三季度支部委员会扩大会议"
    eid = services.add_evidence(ledger, pid, write_file(tmp_path, name, PHOTO)).created_id
    sha = hashlib.sha256(PHOTO).hexdigest()
    earlier = ledger.evidence_dir / sha[:2] / (sha + ".第三季度支部委员会扩大")
    stored(ledger, eid).rename(earlier)

    assert stored(ledger, eid) == earlier
    assert replay.verify(ledger).ok
    services.add_evidence(ledger, pid, write_file(tmp_path / "again", name, PHOTO))
    assert [f for f in ledger.evidence_dir.rglob("*") if f.is_file()] == [earlier]


def test_a_demo_run_again_over_a_cut_short_evidence_file_writes_it_whole(tmp_path):
    """A demo killed while its files were written is run again on the same path."""
    from tracker.demo import build_demo

    path = tmp_path / "demo.db"
    build_demo(path, problems=30).close()
    cut = sorted(f for f in (tmp_path / "demo.evidence").rglob("*") if f.is_file())[0]
    whole = cut.read_bytes()
    cut.write_bytes(whole[: len(whole) // 2])
    for leftover in tmp_path.glob("demo.db*"):
        leftover.unlink()  # the killed run's transaction never committed

    with build_demo(path, problems=30) as again:
        assert cut.read_bytes() == whole
        assert replay.verify(again).ok


def test_the_command_line_rehashes_showing_progress_and_quick_compares_sizes(
    ledger, tmp_path, capsys
):
    from tracker.cli import main

    pid = make_problem(ledger)
    path = stored(
        ledger,
        services.add_evidence(ledger, pid, write_file(tmp_path, "照片.jpg", PHOTO)).created_id,
    )
    path.write_bytes(PHOTO[::-1])

    assert main(["--db", ledger.location, "verify"]) == 1
    err = capsys.readouterr().err
    assert "核对佐证材料：100%" in err and "内容与记录不符" in err

    assert main(["--db", ledger.location, "verify", "--quick"]) == 0
    out, err = capsys.readouterr()
    assert "只核对了文件大小" in out and "核对佐证材料" not in err
