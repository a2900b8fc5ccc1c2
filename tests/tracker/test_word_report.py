"""The Word 整改情况报告: a draft in the official layout, its figures those of the monthly report,
the parts the secretary writes marked 【请补充】."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from tracker import services, tags
from tracker.cli import main
from tracker.demo import build_demo
from tracker.documents.word_report import build_word_report
from tracker.errors import OverwriteRefusedError
from tracker.excel.report import build_report
from tracker.excel.writer import check_overwrite
from tracker.models import Batch
from tracker.overdue import format_rate

from .factories import make_problem, measure_ids
from .test_excel_print import pdf_of, smallest_cjk_size

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    folder = tmp_path_factory.mktemp("word")
    ledger = build_demo(folder / "demo.db", problems=40, clock=lambda: NOW)
    result = build_word_report(ledger, folder / "报告.docx")
    report = build_report(ledger, folder / "月报.xlsx", 2026, 11)
    yield ledger, result, report, folder
    ledger.close()


def texts(path) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in Document(str(path)).paragraphs]


def east_asian(style) -> str:
    return style.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def test_the_page_and_the_typefaces_follow_the_official_format(made):
    _, result, _, _ = made
    doc = Document(str(result.path))
    section = doc.sections[0]

    def mm(length) -> float:
        return round(length / Mm(1), 1)  # stored in twips: 210 mm reads back as 210.0

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
    assert (mm(section.top_margin), mm(section.left_margin)) == (37, 28)
    assert mm(section.page_width - section.left_margin - section.right_margin) == 156
    assert mm(section.page_height - section.top_margin - section.bottom_margin) == 225
    styles = doc.styles
    assert styles["公文标题"].font.size == Pt(22) and east_asian(styles["公文标题"]) == "黑体"
    assert styles["公文正文"].font.size == Pt(16) and east_asian(styles["公文正文"]) == "仿宋"
    assert east_asian(styles["一级标题"]) == "黑体" and east_asian(styles["二级标题"]) == "楷体"
    footer = section.footer.paragraphs[0]
    assert "PAGE" in footer._p.xml and footer.text.startswith("— ")


def test_the_report_has_its_four_parts_and_marks_what_to_write(made):
    _, result, _, _ = made
    paragraphs = texts(result.path)
    assert paragraphs[0] == ("公文标题", result.title)
    assert result.title == "关于示范市机关事务服务中心党支部问题整改落实情况的报告"
    headings = [t for style, t in paragraphs if style == "一级标题"]
    assert headings == ["一、总体情况", "二、问题整改情况", "三、存在的不足", "四、下一步打算"]
    fill = [t for _, t in paragraphs if "【请补充" in t]
    assert len(fill) >= 4  # 主送机关, the occasion, the shortfalls, the plans …
    body = "\n".join(t for _, t in paragraphs)
    assert body.count("采取的措施：") == result.problems
    assert [t for _, t in paragraphs[-3:]] == [
        "示范市机关事务服务中心党支部",
        "2026年11月20日",
        "（盖章）",
    ]


def test_its_figures_are_the_monthly_reports(made):
    _, result, report, _ = made
    t = report.figures.total
    overall = next(t for style, t in texts(result.path) if t.startswith("截至"))
    assert (
        f"共查摆问题{t.problems}个，已整改销号{t.closed}个，销号率{format_rate(t.rate)}" in overall
    )
    assert f"正在整改{t.open}个，其中逾期{t.overdue}个" in overall
    assert f"共制定整改措施{t.measures}项，已完成{t.measures_done}项" in overall


def test_one_batch_as_of_a_day_from_the_command_line(made, tmp_path, capsys):
    ledger, _, _, _ = made
    name = ledger.select(Batch, Batch.name).scalar()
    out = tmp_path / "批次报告.docx"
    code = main(
        ["--db", ledger.location, "word-report", str(out), "--batch", name, "--as-of", "2026-10-31"]
    )
    assert code == 0 and "【请补充】" in capsys.readouterr().out
    october = build_report(ledger, tmp_path / "10.xlsx", 2026, 10).figures
    line = next(x for n, x in october.by_batch if n == name)
    overall = next(t for _, t in texts(out) if t.startswith("截至"))
    assert overall.startswith(
        f"截至2026年10月31日，共查摆问题{line.problems}个，已整改销号{line.closed}个"
    )


def test_a_day_before_the_ledger_existed_is_refused(ledger, tmp_path):
    from tracker.errors import LedgerError

    with pytest.raises(LedgerError, match="还不存在"):
        build_word_report(ledger, tmp_path / "r.docx", as_of=dt.date(2026, 1, 31))


def test_tags_are_counted_with_the_money(ledger, tmp_path):
    pid = make_problem(ledger, "违规发放补贴")
    (mid,) = measure_ids(ledger, pid)
    services.update_measure(
        ledger, mid, tags=(tags.RECOVERY, tags.ACCOUNTABILITY), amount=1_500_000
    )
    result = build_word_report(ledger, tmp_path / "r.docx")
    body = "\n".join(t for _, t in texts(result.path))
    assert "追责问责方面的措施1项" in body and "挽回损失、清退资金的措施1项，金额1.5万元" in body


def test_someone_elses_document_is_not_overwritten(ledger, tmp_path, capsys):
    theirs = tmp_path / "报告.docx"
    theirs.write_bytes(b"a letter")
    assert main(["--db", ledger.location, "word-report", str(theirs)]) == 2
    assert "不是本程序生成的" in capsys.readouterr().err
    assert theirs.read_bytes() == b"a letter"
    ours = tmp_path / "ours.docx"
    build_word_report(ledger, ours)
    assert build_word_report(ledger, ours).replaced  # our own is replaced without asking
    with pytest.raises(OverwriteRefusedError):
        check_overwrite(theirs)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_rendered_the_body_prints_at_sanhao(made, tmp_path):
    _, result, _, _ = made
    pdf = pdf_of(result.path, tmp_path)
    assert smallest_cjk_size(pdf) >= 13.9  # 三号 body, 四号 page numbers
    out = (
        __import__("subprocess")
        .run(
            ["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
            capture_output=True,
            text=True,
        )
        .stdout
    )
    assert re.search(r"一、\s*总体情况", out)
