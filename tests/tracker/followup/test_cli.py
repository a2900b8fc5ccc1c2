"""Following the work through from the command line, as a secretary would on the demo ledger:
催办 and the 催办单, 延期申请 decided by someone else, 回头看, 抽查 with its seed, 复发."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from tracker.cli import main
from tracker.ledger import open_ledger
from tracker.models import Measure, Problem, SampleDraw
from tracker.workflow import M_OPEN


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("cli") / "l.db")
    assert main(["--db", db, "--user", "周晓梅", "demo", "--problems", "80", "--seed", "7"]) == 0
    return db


def run(capsys, db: str, *args: str, user: str = "王五") -> tuple[int, str]:
    capsys.readouterr()
    code = main(["--db", db, "--user", user, *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def open_measure(db: str) -> tuple[str, int, str]:
    """(problem code, measure seq, owner) of an open measure with an owner, not yet due."""
    with open_ledger(db) as ledger:
        today = ledger.today()
        row = (
            ledger.select(Measure, Problem.code, Measure.seq, Measure.owner)
            .join(Problem, on=(Measure.problem == Problem.id))
            .where(
                (Measure.status == M_OPEN)
                & Measure.owner.is_null(False)
                & (Measure.deadline_date > today)
            )
            .order_by(Problem.id, Measure.seq)
            .tuples()
            .first()
        )
    return row


def test_a_chase_is_recorded_and_shows_on_the_sheet(demo_db, capsys, tmp_path):
    code, seq, _owner = open_measure(demo_db)
    rc, out = run(capsys, demo_db, "chase", code, "--way", "当面", "--measure", str(seq))
    assert rc == 0 and f"已记录催办：{code} 措施 {seq}，当面催办" in out

    target = tmp_path / "催办单.xlsx"
    rc, out = run(capsys, demo_db, "chase-sheet", str(target), "--problem", code)
    assert rc == 0, out
    book = load_workbook(target)
    sheet = book.worksheets[0]
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "整改措施催办单" in values
    assert any(
        isinstance(v, str) and v.startswith("被催办人签收") and "回复日期" in v for v in values
    )
    assert any(v == code for v in values)


def test_one_sheet_per_person_for_everyone_overdue(demo_db, capsys, tmp_path):
    target = tmp_path / "逾期催办单.xlsx"
    rc, out = run(capsys, demo_db, "chase-sheet", str(target), "--overdue")
    assert rc == 0, out
    people = re.findall(r"^  (\S+)：未完成措施", out, re.M)
    assert len(people) >= 2
    assert load_workbook(target).sheetnames == people
    # a workbook someone else made is not replaced without --overwrite
    other = tmp_path / "别人的表.xlsx"
    other.write_bytes(b"not ours")
    rc, out = run(capsys, demo_db, "chase-sheet", str(other), "--overdue")
    assert rc != 0 and other.read_bytes() == b"not ours"


def test_an_extension_moves_the_deadline_only_when_someone_else_approves(demo_db, capsys):
    code, seq, _owner = open_measure(demo_db)
    rc, out = run(
        capsys,
        demo_db,
        "extension",
        "request",
        code,
        "--measure",
        str(seq),
        "--to",
        "2027年12月31日",
        "--reason",
        "需等上级批复",
        user="李娜",
    )
    assert rc == 0, out
    request = int(re.search(r"编号 (\d+)", out).group(1))
    rc, out = run(capsys, demo_db, "extension", "list")
    assert f"[{request}] {code} 措施 {seq}" in out

    rc, out = run(capsys, demo_db, "extension", "approve", str(request), user="李娜")
    assert rc != 0 and "申请" in out  # the applicant may not approve their own request
    with open_ledger(demo_db) as ledger:
        text = ledger.select(Measure, Measure.deadline_text).join(Problem, on=(Measure.problem == Problem.id)).where((Problem.code == code) & (Measure.seq == seq)).scalar()  # fmt: skip
    assert text != "2027年12月31日"

    rc, out = run(capsys, demo_db, "extension", "approve", str(request), user="韩立新")
    assert rc == 0, out
    with open_ledger(demo_db) as ledger:
        text = ledger.select(Measure, Measure.deadline_text).join(Problem, on=(Measure.problem == Problem.id)).where((Problem.code == code) & (Measure.seq == seq)).scalar()  # fmt: skip
    assert text == "2027年12月31日"
    rc, out = run(capsys, demo_db, "extension", "list", "--all")
    line = next(x for x in out.splitlines() if x.startswith(f"  [{request}]"))
    assert "→ 2027年12月31日（已批准）" in line and "2027年12月31日 → " not in line


def test_look_backs_are_listed_and_recorded(demo_db, capsys):
    rc, out = run(capsys, demo_db, "lookback", "list", "--all")
    assert rc == 0
    codes = re.findall(r"^  (\d{4}-\d{3})", out, re.M)
    assert codes
    rc, out = run(capsys, demo_db, "lookback", "held", codes[0], "--note", "现场查看，制度执行良好")
    assert rc == 0 and "巩固" in out
    rc, out = run(capsys, demo_db, "lookback", "list", "--all")
    assert codes[0] not in re.findall(r"^  (\d{4}-\d{3})", out, re.M)
    with pytest.raises(SystemExit):  # the reason is required
        run(capsys, demo_db, "lookback", "slipped", codes[1])


def test_a_draw_is_journaled_and_redone_from_its_seed(demo_db, capsys, tmp_path):
    rc, out = run(capsys, demo_db, "sample", "--closed", "3", str(tmp_path / "a.xlsx"))
    assert rc == 0, out
    seed = re.search(r"随机种子：(\d+)", out).group(1)
    drawn = re.search(r"抽中 3 个：(\S+)", out).group(1)
    rc, out = run(
        capsys, demo_db, "sample", "--closed", "3", "--seed", seed, str(tmp_path / "b.xlsx")
    )
    assert rc == 0, out
    assert re.search(r"抽中 3 个：(\S+)", out).group(1) == drawn
    assert "重做已记入历史" in out
    with open_ledger(demo_db) as ledger:
        rows = list(ledger.select(SampleDraw, SampleDraw.seed, SampleDraw.redo_of).tuples())
    assert [r[0] for r in rows[-2:]] == [int(seed)] * 2 and rows[-1][1] is not None

    # a seed no draw recorded is refused: choosing a seed would choose the sample
    rc, out = run(
        capsys, demo_db, "sample", "--closed", "3", "--seed", "12345", str(tmp_path / "c.xlsx")
    )
    assert rc != 0

    first = drawn.split("、")[0]
    rc, out = run(capsys, demo_db, "sample-result", "1", first, "不属实")
    assert rc != 0  # 不属实 needs a note
    rc, out = run(capsys, demo_db, "sample-result", "1", first, "不属实", "--note", "会议记录缺页")
    assert rc == 0, out
    rc, out = run(capsys, demo_db, "sample", "--list")
    assert "不属实 1" in out


def test_the_sample_book_lists_evidence_with_its_hash(demo_db, capsys, tmp_path):
    target = tmp_path / "抽查.xlsx"
    rc, out = run(capsys, demo_db, "sample", "--closed", "2", str(target))
    assert rc == 0, out
    book = load_workbook(target)
    assert book.sheetnames == ["抽查核查表", "佐证材料"]
    hashes = [
        c
        for row in book["佐证材料"].iter_rows(values_only=True)
        for c in row
        if isinstance(c, str) and re.fullmatch(r"[0-9a-f]{64}", c)
    ]
    assert hashes


def test_similar_and_repeat(demo_db, capsys):
    rc, out = run(capsys, demo_db, "similar", "--text", "理论学习停留在读原文、念文件层面")
    assert rc == 0
    assert "相似度" in out and "相同的词" in out
