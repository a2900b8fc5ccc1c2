"""A hand-kept 巡察 ledger's 措施类型 column (several values a cell) becomes each measure's tags, not
the problem's category; a 整改进展 cell's dated lines become entries of those days, and what
bears no date says it was imported instead of claiming to have happened on the import day."""

from __future__ import annotations

import datetime as dt

from openpyxl import load_workbook

from tracker.excel.export import export_ledger
from tracker.excel.importer import apply_plan
from tracker.excel.plan import build_plan
from tracker.ledger import create_ledger
from tracker.models import Category, Measure, Problem, Progress
from tracker.replay import verify

from . import workbooks as W
from .test_excel_export import openpyxl_rows, records

HEADINGS = [
    "序号",
    "问题描述",
    "整改措施",
    "措施类型",
    "责任人",
    "整改时限",
    "整改进展",
    "完成情况",
]


def imported(ledger, path):
    plan = build_plan(ledger, path)
    apply_plan(ledger, plan)
    return plan


def test_every_value_of_a_措施类型_cell_is_a_tag_of_its_measure(ledger, tmp_path):
    path = W._sheet(
        tmp_path / "巡察台账.xlsx",
        "巡察整改",
        [],
        HEADINGS,
        [
            [1, "违规发放津贴补贴", "清退违规发放的补贴", "挽回损失（3.2万元）、追责问责", "李娜", "2026年3月底前", None, "正在整改"],
            [None, None, "修订津贴补贴发放办法", "建章立制、举一反三", "李娜", "2026年4月底前", None, "正在整改"],
            [2, "学习走过场", "开展专题学习", "专题学习", "王敏", "2026年5月底前", None, "正在整改"],
        ],
    )  # fmt: skip
    plan = imported(ledger, path)
    assert {c.heading: c.field for c in plan.tables[0].columns}["措施类型"] == "measure_tags"
    rows = ledger.select(Measure, Measure.text, Measure.tags, Measure.amount_cents)
    assert sorted(rows.order_by(Measure.id).tuples()) == sorted(
        [
            ("清退违规发放的补贴", "accountability,recovery", 3_200_000),
            ("修订津贴补贴发放办法", "rules,lessons", None),
            ("开展专题学习", "study", None),
        ]
    )
    # not the problems' category any more (that took only the first value, and the wrong thing)
    assert set(ledger.select(Problem, Problem.category).tuples()) == {(None,)}
    assert not ledger.select(Category).where(Category.name == "挽回损失").exists()
    assert verify(ledger).ok


def test_words_that_are_no_tag_are_kept_in_remarks_with_a_warning(ledger, tmp_path):
    path = W._sheet(
        tmp_path / "t.xlsx",
        "Sheet1",
        [],
        HEADINGS,
        [[1, "公车私用", "完善派车制度", "制度建设、流程优化", "李娜", "2026年3月底前", None, "正在整改"]],
    )  # fmt: skip
    plan = imported(ledger, path)
    assert ledger.select(Measure, Measure.tags).scalar() == "rules"
    assert "措施类型（第2行）：流程优化" in ledger.select(Problem, Problem.remarks).scalar()
    assert any("流程优化" in w.message for w in plan.warnings)


def test_dated_progress_lines_keep_their_days_and_undated_ones_say_they_were_imported(
    ledger, clock, tmp_path
):
    path = W._sheet(
        tmp_path / "t.xlsx",
        "Sheet1",
        [],
        HEADINGS,
        [
            [1, "会议多", "精简会议", None, "李娜", "2026年6月底前", "2026年1月5日：召开专题会议部署\n2026.2.10 印发会议精简办法", "正在整改"],
            [2, "文件多", "精简文件", None, "李娜", "2026年6月底前", "已压减文件两成", "正在整改"],
        ],
    )  # fmt: skip
    imported(ledger, path)
    entries = ledger.select(Progress, Progress.on, Progress.text, Progress.origin).order_by(
        Progress.id
    )
    assert list(entries.tuples()) == [
        (dt.date(2026, 1, 5), "召开专题会议部署", "import"),
        (dt.date(2026, 2, 10), "印发会议精简办法", "import"),
        (clock.now.date(), "已压减文件两成", "import-undated"),
    ]
    body = records(
        openpyxl_rows(load_workbook(export_ledger(ledger, tmp_path / "o.xlsx").path).active)
    )
    assert body[0]["整改进展"] == (
        "2026年1月5日（原表记载）：召开专题会议部署2026年2月10日（原表记载）：印发会议精简办法"
    )
    assert body[1]["整改进展"] == "原表记载（2026年3月2日导入，未注明日期）：已压减文件两成"


def test_an_exported_ledger_reads_back_with_its_tags_and_without_its_reader_columns(
    ledger, tmp_path
):
    from tracker import services, tags

    from .factories import make_problem, measure_ids

    pid = make_problem(ledger, "会议文件多，以文件落实文件")
    (mid,) = measure_ids(ledger, pid)
    services.update_measure(ledger, mid, tags=(tags.RULES, tags.RECOVERY), amount=1_250_000)
    path = export_ledger(ledger, tmp_path / "t.xlsx").path
    copy = create_ledger(tmp_path / "copy.db", actor="王敏", clock=lambda: dt.datetime(2026, 4, 1))
    plan = imported(copy, path)
    fields = {c.heading: c.field for c in plan.tables[0].columns}
    assert fields["是否销号"] == "ignore" and fields["措施类型"] == "measure_tags"
    m = copy.select(Measure, Measure.tags, Measure.amount_cents).tuples().first()
    assert m == ("rules,recovery", 1_250_000)
    assert copy.select(Problem, Problem.remarks).scalar() == ""
    copy.close()
