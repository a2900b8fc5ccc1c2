"""Headings in the many wordings branches use, found by content and mapped with a confidence."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.excel.cells import DONE, measure_done, read_status, split_names, split_numbered
from tracker.excel.headers import FIELDS, KEYWORD_CHARS, find_header, match_heading
from tracker.workflow import CLOSED, IN_PROGRESS, LISTED, LONG_TERM, PENDING, VOID

WORDINGS = {
    "deadline": ["完成时限", "整改时限", "整改期限", "时限要求", "计划完成时间", "整改完成时限"],
    "department": ["责任单位", "责任部门", "牵头单位", "责任科室", "牵头部门"],
    "description": [
        "问题表现",
        "问题描述",
        "存在问题",
        "具体表现",
        "问题描述（具体表现）",
        "查摆问题",
    ],
    "progress": ["整改情况", "整改进展", "进展情况", "整改落实情况", "措施落实情况"],
    "status": ["是否完成", "完成情况", "整改状态", "是否销号", "完成情况（是否销号）"],
    "measure": ["整改措施", "整改举措", "具体措施", "整改任务"],
    "owner": ["责任人", "具体责任人", "整改责任人"],
    "leader": ["责任领导", "牵头领导", "分管领导"],
    "closed_on": ["销号时间", "销号日期"],
    "done_on": ["实际完成时间", "完成日期", "办结时间"],
    "long_term": ["是否常态化坚持", "是否长期坚持", "长期坚持"],
    "code": ["问题编号"],
    "seq": ["序号", "序 号", "No."],
}


@pytest.mark.parametrize(
    "field,heading", [(f, h) for f, hs in WORDINGS.items() for h in hs]
)  # fmt: skip
def test_each_wording_maps_to_its_field(field, heading):
    match = match_heading(heading)
    assert match is not None and match.field == field
    assert match.confidence >= 0.8


@pytest.mark.parametrize(
    "heading", ["配合单位", "协办部门", "填表人", "联系电话", "", "   ", "合计"]
)
def test_headings_that_are_not_ledger_fields_map_to_nothing(heading):
    assert match_heading(heading) is None


def test_full_width_spaces_line_breaks_and_numbering_do_not_matter():
    assert match_heading("整　改\n时　限").field == "deadline"
    assert match_heading("3.责任单位").field == "department"
    assert match_heading("＊问题描述").field == "description"


def test_a_two_row_header_reads_weak_sub_headings_with_their_group():
    rows = [
        ["某支部问题整改台账"] * 6,
        ["序号", "存在问题", "整改措施", "责任主体", "责任主体", "责任主体"],
        ["序号", "存在问题", "整改措施", "领导", "单位", "个人"],
        [1, "会议多", "精简会议", "张伟", "办公室", "李娜"],
    ]
    guess = find_header(rows)
    assert guess.rows == (1, 2)
    assert [m.field if m else None for m in guess.matches] == [
        "seq", "description", "measure", "leader", "department", "owner",
    ]  # fmt: skip
    assert guess.headings[3] == "责任主体/领导"


def test_a_data_row_is_never_taken_for_the_header():
    rows = [
        ["问题描述", "整改措施", "责任人", "整改时限"],
        ["会议文件多，问题突出", "整改措施：精简会议", "张伟", "2026年6月底前"],
    ]
    assert find_header(rows).rows == (0,)
    assert find_header(rows[1:]) is None


# -- properties ------------------------------------------------------------------------------
@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_any_text_maps_to_a_known_field_or_nothing(text):
    match = match_heading(text)
    assert match is None or (match.field in FIELDS and 0.5 <= match.confidence <= 1.0)


def _unrelated(char: str) -> bool:
    return not set(unicodedata.normalize("NFKC", char)) & KEYWORD_CHARS


@settings(max_examples=400, deadline=None)
@given(st.text(st.characters().filter(_unrelated), min_size=1, max_size=30))
def test_a_heading_of_unrelated_text_maps_to_nothing(text):
    assert match_heading(text) is None


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.one_of(st.none(), st.text(max_size=12), st.integers()), max_size=8),
        max_size=12,
    )
)
def test_finding_a_header_never_crashes_on_any_grid(rows):
    guess = find_header(rows)
    assert guess is None or all(0 <= r < len(rows) for r in guess.rows)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_splitting_a_cell_into_measures_keeps_its_words(text):
    items = split_numbered(text)
    assert all(item.strip() for item in items)
    assert len(items) <= max(1, len(text))
    if items == [text.strip()]:
        return
    for item in items:
        assert item in text or item[-3:] in text  # each piece comes from the cell


# -- cell words --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "word,status",
    [
        ("已完成", DONE), ("完成", DONE), ("已整改", DONE), ("已销号", CLOSED), ("是", DONE),
        ("已销账", CLOSED), ("销号", CLOSED),
        ("正在整改", IN_PROGRESS), ("整改中", IN_PROGRESS), ("推进中", IN_PROGRESS),
        ("长期坚持", LONG_TERM), ("持续整改", LONG_TERM), ("未完成", LISTED), ("否", LISTED),
        ("待销号", PENDING), ("基本完成", IN_PROGRESS),
    ],
)  # fmt: skip
def test_status_words(word, status):
    assert read_status(word) == (status, True)


def test_the_export_words_for_a_done_measure_of_an_open_problem_and_a_voided_problem():
    assert read_status("已完成（整改中）") == (IN_PROGRESS, True)
    assert measure_done("已完成（整改中）") and measure_done("已完成")
    assert not measure_done("整改中") and not measure_done(None)
    assert read_status("逾期未开始") == (LISTED, True)
    assert read_status("已作废") == (VOID, True)


def test_status_sentences_are_read_by_their_words_and_blanks_mean_nothing():
    # a sentence reports work: never done, never crossed off (its words go to 整改进展)
    assert read_status("已完成整改，制度已印发") == (IN_PROGRESS, False)
    assert read_status("已于3月销号并存档备查") == (IN_PROGRESS, False)
    assert read_status("完成了") == (DONE, False)
    assert read_status("尚未完成，正在推进") == (LISTED, False)
    assert read_status("召开专题会议") == (None, False)
    assert read_status(None) == (None, False)
    assert read_status(" ") == (None, False)


def test_measures_in_one_cell_and_names_in_one_cell():
    assert split_numbered("1.建立制度；2.开展培训；3.每月通报") == [
        "建立制度",
        "开展培训",
        "每月通报",
    ]
    assert split_numbered("（1）精简会议（2）压缩文件") == ["精简会议", "压缩文件"]
    assert split_numbered("一是加强学习，二是建立台账") == ["加强学习", "建立台账"]
    assert split_numbered("①学习②整改") == ["学习", "整改"]
    assert split_numbered("1.2026年3月底前；2.每月") == ["2026年3月底前", "每月"]
    assert split_numbered("按照第2.5条执行") == ["按照第2.5条执行"]
    assert split_numbered("2.只有第二条") == ["2.只有第二条"]
    assert split_names("张  伟") == [("张伟", "")]
    assert split_names("张伟 李娜") == [("张伟", ""), ("李娜", "")]
    assert split_names("王强（支部书记）、李四") == [("王强", "支部书记"), ("李四", "")]
