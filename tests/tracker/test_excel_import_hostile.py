"""Hostile workbooks: zip bombs, XML entities, sheets of a million rows — refused fast, in bounded memory.

Each file here reproduces an attack reported in issue 10 or 17, at a size that runs in seconds.
"""

from __future__ import annotations

import time
import tracemalloc

import pytest

from tracker.cli import main
from tracker.excel.plan import build_plan
from tracker.excel.reader import WorkbookError, read_workbook
from tracker.excel.safety import check_archive
from tracker.models import Journal, Problem

from . import workbooks as W


def refused(ledger, path) -> tuple[str, float, int]:
    """(message, seconds, peak traced bytes) of a build_plan that must raise WorkbookError."""
    before = ledger.select(Journal).count()
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(WorkbookError) as raised:
            build_plan(ledger, path)
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert ledger.select(Journal).count() == before
    assert ledger.select(Problem).count() == 0
    return str(raised.value), seconds, peak


def test_a_sheet_that_inflates_far_beyond_its_size_is_refused_before_parsing(ledger, tmp_path):
    path = W.bomb_xlsx(tmp_path / "炸弹.xlsx", padding=300 * 1024 * 1024)
    assert path.stat().st_size < 2 * 1024 * 1024  # 300 MB of XML in well under 2 MB
    message, seconds, peak = refused(ledger, path)
    assert "“炸弹.xlsx”" in message and "“xl/worksheets/sheet1.xml”" in message
    assert "超过单个部分 256 MB 的上限" in message and "压缩炸弹" in message
    assert seconds < 1.0
    assert peak < 20 * 1024 * 1024


def test_a_high_compression_ratio_is_refused_even_under_the_size_limit(ledger, tmp_path):
    path = W.bomb_xlsx(tmp_path / "高压缩比.xlsx", padding=60 * 1024 * 1024)
    message, seconds, peak = refused(ledger, path)
    assert "“xl/worksheets/sheet1.xml”压缩比高达" in message
    assert seconds < 1.0 and peak < 20 * 1024 * 1024


def test_a_part_that_lies_about_its_size_is_stopped_where_the_lie_shows(ledger, tmp_path):
    path = W.bomb_xlsx(tmp_path / "说谎.xlsx", padding=200 * 1024 * 1024, declare=4096)
    message, seconds, peak = refused(ledger, path)
    assert "“xl/worksheets/sheet1.xml”实际解压出的内容超过了它声明的大小（声明 4 KB）" in message
    assert seconds < 1.0 and peak < 20 * 1024 * 1024


def test_a_real_but_enormous_sheet_is_refused_in_plain_words(ledger, tmp_path, monkeypatch):
    import zipfile

    from tracker.excel import safety

    rows, merges = W.big_ledger(2000)
    path = W.raw_xlsx(tmp_path / "大台账.xlsx", rows, merges=merges)
    (size,) = [i.file_size for i in zipfile.ZipFile(path).infolist() if "sheet1" in i.filename]
    monkeypatch.setattr(safety, "MAX_PART_BYTES", size - 1)  # as a real sheet of 400000 rows
    message, seconds, _ = refused(ledger, path)
    assert "超过单个部分" in message and "请把台账分成几个文件分别导入" in message
    assert "压缩炸弹" not in message
    assert seconds < 1.0


def test_the_same_ledger_without_padding_imports(ledger, tmp_path):
    plan = build_plan(ledger, W.bomb_xlsx(tmp_path / "正常.xlsx", padding=1024))
    assert [p.description for p in plan.problems] == ["会议多"]


def _header_and_row(cell: str) -> list[list]:
    return [["序号", "问题描述", "整改措施", "责任人"], [1, cell, "精简会议", "张伟"]]


def _xml_with_entity(path, secret, *, where: str):
    doctype = f'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file://{secret}">]>'
    if where == "sheet":
        return W.raw_xlsx(path, _header_and_row(W.RawXml("&xxe;")), prolog=doctype)
    # the same entity in the workbook part, which openpyxl reads with another parser
    workbook = W._WORKBOOK.replace("?>", "?>" + doctype, 1).replace('name="台账"', 'name="&xxe;"')
    return W.raw_xlsx(path, _header_and_row("会议多"), parts={"xl/workbook.xml": workbook.encode()})


@pytest.mark.parametrize("where", ["sheet", "workbook"])
def test_an_external_entity_never_reads_a_local_file_into_the_ledger(tmp_path, capsys, where):
    secret = tmp_path / "secret.txt"
    secret.write_text("机密：不应出现在台账中", encoding="utf-8")
    path = _xml_with_entity(tmp_path / "外部实体.xlsx", secret, where=where)
    db = str(tmp_path / "l.db")
    assert main(["--db", db, "init"]) == 0
    assert main(["--db", db, "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "含有 DOCTYPE/ENTITY 声明" in err
    assert "机密" not in err
    assert main(["--db", db, "stats", "--json"]) == 0
    assert '"problems": 0' in capsys.readouterr().out
    with pytest.raises(WorkbookError, match="DOCTYPE"):
        read_workbook(path, engine="calamine")


def test_billion_laughs_is_refused_by_our_check_not_left_to_the_parser(ledger, tmp_path):
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    path = W.raw_xlsx(
        tmp_path / "笑.xlsx",
        _header_and_row(W.RawXml("&lol9;")),
        prolog=f"<!DOCTYPE worksheet [{entities}]>",
    )
    message, seconds, _ = refused(ledger, path)
    assert "“xl/worksheets/sheet1.xml”含有 DOCTYPE/ENTITY 声明" in message
    assert seconds < 1.0


def test_a_doctype_in_utf16_is_found_too(tmp_path):
    path = W.raw_xlsx(tmp_path / "a.xlsx", _header_and_row("会议多"))
    sheet = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x [<!ENTITY a "b">]><worksheet/>'
    W.raw_xlsx(
        path,
        _header_and_row("会议多"),
        parts={"xl/sharedStrings.xml": "\ufeff".encode("utf-16-le") + sheet.encode("utf-16-le")},
    )
    with pytest.raises(WorkbookError, match="xl/sharedStrings.xml"):
        check_archive(path)


# -- sheets of a million rows ------------------------------------------------------------------
HEADER = ["序号", "问题描述", "整改措施", "责任人", "整改时限"]


def test_a_sheet_whose_dimension_claims_a_million_rows_reads_what_is_there(ledger, tmp_path):
    rows = [HEADER] + [[n, f"问题{n}", f"措施{n}", "张伟", "2026年6月底前"] for n in range(1, 6)]
    path = W.raw_xlsx(tmp_path / "声称百万行.xlsx", rows, dimension="A1:BL1048575")
    totals = []
    start = time.perf_counter()
    plan = build_plan(ledger, path, progress=lambda done, total: totals.append(total) or True)
    assert time.perf_counter() - start < 5
    assert len(plan.problems) == 5
    assert totals and max(totals) < 1000  # the progress bar counts the rows that are there


def test_a_million_rows_of_text_in_one_column_is_refused_at_the_row_limit(ledger, tmp_path):
    from tracker.excel import reader

    def rows():
        yield HEADER
        for n in range(1, 250_001):  # enough to pass the limit; the dimension claims a million
            yield [f"第{n}项"]

    path = W.raw_xlsx(tmp_path / "百万行.xlsx", rows(), dimension="A1:BL1048575")
    start = time.perf_counter()
    with pytest.raises(WorkbookError) as raised:
        build_plan(ledger, path)
    seconds = time.perf_counter() - start
    assert f"有内容的行超过 {reader.MAX_ROWS} 行（导入上限）" in str(raised.value)
    assert "“百万行.xlsx”的工作表“台账”" in str(raised.value)
    assert seconds < 30
    assert ledger.select(Problem).count() == 0


def test_reading_holds_memory_in_proportion_to_the_row_limit(ledger, tmp_path, monkeypatch):
    from tracker.excel import reader

    monkeypatch.setattr(reader, "MAX_ROWS", 2000)
    rows = [HEADER] + [[n, "问" * 40, "措施", "张伟", "长期坚持"] for n in range(1, 20_001)]
    path = W.raw_xlsx(tmp_path / "两万行.xlsx", rows)
    message, _, peak = refused(ledger, path)
    assert "超过 2000 行（导入上限）" in message
    assert peak < 30 * 1024 * 1024  # stopped after 2000 rows, not after holding 20000


def test_many_cells_are_refused_before_reading_a_row(ledger, tmp_path, monkeypatch):
    from tracker.excel import reader

    monkeypatch.setattr(reader, "MAX_CELLS", 10_000)
    rows = [HEADER] + [[n, f"问题{n}", "措施", "张伟", "长期坚持"] for n in range(1, 3001)]
    path = W.raw_xlsx(tmp_path / "多单元格.xlsx", rows)
    calls = []
    with pytest.raises(WorkbookError, match="超过导入上限（10000 个）"):
        build_plan(ledger, path, progress=lambda d, t: calls.append(d) or True)
    assert calls == []  # refused from the archive check, no row read


def test_a_huge_merged_range_is_not_held_cell_by_cell(ledger, tmp_path):
    """A merge over the whole sheet would be remembered cell by cell for every row read (up to
    200000 rows × 64 columns); a ledger's merges are a few rows tall, so such a merge is left."""
    rows = [HEADER] + [[n, f"问题{n}", f"措施{n}", "张伟", "长期坚持"] for n in range(1, 1001)]
    path = W.raw_xlsx(tmp_path / "大合并.xlsx", rows, merges=["F1:BL1048576", "A1:A1"])
    plan = build_plan(ledger, path)
    assert len(plan.problems) == 1000
    assert len(plan.workbook.sheets[0].merged_from) == 0


def test_the_import_command_shows_progress_on_stderr(tmp_path, capsys):
    rows = [HEADER] + [[n, f"问题{n}", f"措施{n}", "张伟", "长期坚持"] for n in range(1, 3001)]
    path = W.raw_xlsx(tmp_path / "三千行.xlsx", rows)
    db = str(tmp_path / "l.db")
    assert main(["--db", db, "init"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "import", str(path)]) == 0
    err = capsys.readouterr().err
    assert "正在读取工作簿" in err and "100%" in err
    assert "正在写入台账" in err


def test_rows_of_short_words_do_not_make_the_header_search_quadratic(ledger, tmp_path, monkeypatch):
    """Every row of short texts looks a little like a header; each must not be weighed in full.

    (Before: every such row was matched cell by cell against every heading wording; a million
    rows of 64 short texts were still being searched after ten minutes.)
    """
    from tracker.excel import tables as plan_module

    heading = ["序号", "问题描述", "整改措施", "责任人", "整改时限"] + [f"列{c}" for c in range(27)]
    rows = [heading] + [
        ["一"]
        + [f"问题{n}", f"措施{n}", f"人{n}", "长期坚持"]
        + [f"问题{n}-{c}" for c in range(27)]
        for n in range(1, 1501)
    ]
    weighed = []
    real = plan_module.find_header
    monkeypatch.setattr(
        plan_module, "find_header", lambda *a, **k: weighed.append(a[1:]) or real(*a, **k)
    )
    monkeypatch.setattr(plan_module, "MAX_CANDIDATES", 100)
    plan = build_plan(ledger, W.raw_xlsx(tmp_path / "短词.xlsx", rows))
    assert len(plan.tables) == 1 and len(plan.problems) == 1500
    assert len(weighed) <= 101
