"""The import keeps the limits the forms keep (issue 17): nothing over-long is stored unsaid."""

from __future__ import annotations

from tracker import limits
from tracker.models import Department, Measure, Person, Problem
from tracker.replay import verify
from tracker.services import dictionaries, measures, problems

from . import workbooks as W
from .test_excel_import import do_import


def test_the_services_and_the_import_share_one_definition_of_the_limits():
    assert problems.DESCRIPTION_MAX == measures.TEXT_MAX == limits.TEXT_MAX == 4000
    assert dictionaries.NAME_MAX == limits.NAME_MAX == 60


def over_long(path):
    headings = ["序号", "问题描述", "整改措施", "责任人", "责任部门", "问题类别", "整改时限"]
    rows = [
        [1, "长" * 32762, "措" * 5000, "张伟", "部" * 300, "作风建设", "2026年6月底前"],
        [2, "会议多", "精简会议", "人" * 100, "办公室", "类" * 70, "2026年6月底前"],
    ]
    return W._sheet(path, "台账", [], headings, rows)


def test_over_long_texts_are_cut_with_a_note_and_over_long_names_kept_in_remarks(ledger, tmp_path):
    plan, _ = do_import(ledger, over_long(tmp_path / "超长.xlsx"))
    messages = [str(w) for w in plan.warnings]
    assert (
        "工作表“台账” 第2行 问题描述：有 32762 字，超过 4000 字的上限：只导入前面的部分，"
        "末尾注明“已截断”，请导入后核对" in messages
    )
    assert any(
        m.startswith("工作表“台账” 第2行 整改措施：有 5000 字，超过 4000 字") for m in messages
    )
    assert (
        "工作表“台账” 第2行 责任部门：有 300 字，超过名称 60 字的上限：不作为部门名称，原文记入备注"
        in messages
    )
    assert any(
        m.startswith("工作表“台账” 第3行 责任人：有 100 字，超过名称 60 字") for m in messages
    )
    assert any(m.startswith("工作表“台账” 第3行 问题类别：有 70 字") for m in messages)

    first, second = ledger.select(Problem).order_by(Problem.id).dicts()
    assert len(first["description"]) == 4000
    assert first["description"].startswith("长" * 3900)
    assert first["description"].endswith("（原文共 32762 字，超过 4000 字的上限，已截断）")
    (measure,) = ledger.select(Measure).where(Measure.problem == first["id"]).dicts()
    assert len(measure["text"]) == 4000 and measure["text"].endswith("已截断）")
    assert first["department"] is None
    assert "部" * 300 in first["remarks"]
    assert second["category"] is None and "类" * 70 in second["remarks"]
    assert "人" * 100 in second["remarks"]
    names = {n for (n,) in ledger.select(Person, Person.name).tuples()}
    names |= {n for (n,) in ledger.select(Department, Department.name).tuples()}
    assert max(len(n) for n in names) <= 60
    assert verify(ledger).ok


def test_a_batch_name_given_for_the_import_keeps_the_name_limit(ledger, tmp_path):
    import pytest

    from tracker.errors import ValidationError

    with pytest.raises(ValidationError, match="不能超过 60 个字"):
        do_import(ledger, W.official(tmp_path / "台账.xlsx"), batch="批" * 61)
    assert ledger.select(Problem).count() == 0
