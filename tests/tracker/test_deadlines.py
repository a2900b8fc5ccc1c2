"""整改时限 as real ledgers write it: read exactly when it can be, kept as text when not."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tracker.dates import month_end
from tracker.deadlines import (
    DATE,
    IMMEDIATE,
    LONG_TERM,
    NONE,
    RECURRING,
    UNKNOWN,
    Deadline,
    parse_deadline,
)

D = date

# (text, kind, due, rhythm): what a secretary types in the 整改时限 column and what it means.
EXAMPLES = [
    # full dates, with the usual trailing words
    ("2026-06-30", DATE, D(2026, 6, 30), None),
    ("2026-6-30", DATE, D(2026, 6, 30), None),
    ("2026.6.30", DATE, D(2026, 6, 30), None),
    ("2026/6/30", DATE, D(2026, 6, 30), None),
    ("20260630", DATE, D(2026, 6, 30), None),
    ("2026年6月30日", DATE, D(2026, 6, 30), None),
    ("2026年6月30号", DATE, D(2026, 6, 30), None),
    ("2026年06月05日", DATE, D(2026, 6, 5), None),
    ("2026年6月30", DATE, D(2026, 6, 30), None),
    ("2026.6.30前", DATE, D(2026, 6, 30), None),
    ("2026/6/30以前", DATE, D(2026, 6, 30), None),
    ("2026年6月30日之前", DATE, D(2026, 6, 30), None),
    ("2026年6月30日止", DATE, D(2026, 6, 30), None),
    ("2026年6月30日前完成", DATE, D(2026, 6, 30), None),
    ("于2026年6月30日前完成整改", DATE, D(2026, 6, 30), None),
    ("截至2026年6月30日", DATE, D(2026, 6, 30), None),
    ("  2026-06-30  ", DATE, D(2026, 6, 30), None),
    ("2026 年 6 月 30 日", DATE, D(2026, 6, 30), None),
    ("2026-06-30 14:05", DATE, D(2026, 6, 30), None),
    ("2026年6月30日17时前", DATE, D(2026, 6, 30), None),
    ("2028年2月29日", DATE, D(2028, 2, 29), None),
    # Chinese numerals and full-width forms
    ("二〇二六年六月三十日", DATE, D(2026, 6, 30), None),
    ("二零二六年十二月底", DATE, D(2026, 12, 31), None),
    ("二〇二六年十一月十日前", DATE, D(2026, 11, 10), None),
    ("二〇二六年三月二十一日", DATE, D(2026, 3, 21), None),
    ("2026年六月十五前", DATE, D(2026, 6, 15), None),
    ("２０２６年６月３０日", DATE, D(2026, 6, 30), None),
    ("２０２６－０６－３０", DATE, D(2026, 6, 30), None),
    ("２０２６．６．３０", DATE, D(2026, 6, 30), None),
    ("２０２６／６／３０", DATE, D(2026, 6, 30), None),
    ("2026年6月底前，并报党支部", DATE, D(2026, 6, 30), None),
    ("26年6月底", DATE, D(2026, 6, 30), None),
    ("2026年元月底", DATE, D(2026, 1, 31), None),
    # year and month: the end of the month, or the day a 旬 stands for
    ("2026年6月", DATE, D(2026, 6, 30), None),
    ("2026年6月底", DATE, D(2026, 6, 30), None),
    ("2026年6月底前", DATE, D(2026, 6, 30), None),
    ("2026年6月末", DATE, D(2026, 6, 30), None),
    ("2026年6月前", DATE, D(2026, 6, 30), None),
    ("2026年6月份", DATE, D(2026, 6, 30), None),
    ("2026年2月底前", DATE, D(2026, 2, 28), None),
    ("2028年2月底前", DATE, D(2028, 2, 29), None),
    ("2026.6", DATE, D(2026, 6, 30), None),
    ("2026-06", DATE, D(2026, 6, 30), None),
    ("2026/6", DATE, D(2026, 6, 30), None),
    ("2026.6底前", DATE, D(2026, 6, 30), None),
    ("2026年6月上旬", DATE, D(2026, 6, 10), None),
    ("2026年6月中旬", DATE, D(2026, 6, 20), None),
    ("2026年6月下旬", DATE, D(2026, 6, 30), None),
    ("2026年2月下旬", DATE, D(2026, 2, 28), None),
    ("2026年6月初", DATE, D(2026, 6, 10), None),
    ("2026年6月中下旬", DATE, D(2026, 6, 30), None),
    # quarters, halves, whole years
    ("2026年第二季度", DATE, D(2026, 6, 30), None),
    ("2026年二季度末", DATE, D(2026, 6, 30), None),
    ("2026年Q2", DATE, D(2026, 6, 30), None),
    ("2026Q4", DATE, D(2026, 12, 31), None),
    ("2026年第2季度前", DATE, D(2026, 6, 30), None),
    ("2026年第一季度", DATE, D(2026, 3, 31), None),
    ("2026年三季度", DATE, D(2026, 9, 30), None),
    ("2026年度第四季度", DATE, D(2026, 12, 31), None),
    ("2026年上半年", DATE, D(2026, 6, 30), None),
    ("2026年下半年", DATE, D(2026, 12, 31), None),
    ("2026年底", DATE, D(2026, 12, 31), None),
    ("2026年底前", DATE, D(2026, 12, 31), None),
    ("2026年年底前", DATE, D(2026, 12, 31), None),
    ("2026年内", DATE, D(2026, 12, 31), None),
    ("2026年末", DATE, D(2026, 12, 31), None),
    ("2026年度", DATE, D(2026, 12, 31), None),
    ("26年底", DATE, D(2026, 12, 31), None),
    # ranges and stages: the deadline is where they end
    ("2026年3月至6月", DATE, D(2026, 6, 30), None),
    ("2026年3月—2026年6月底", DATE, D(2026, 6, 30), None),
    ("2026年3月-6月", DATE, D(2026, 6, 30), None),
    ("2026.3—2026.6", DATE, D(2026, 6, 30), None),
    ("2026年3月起至6月底", DATE, D(2026, 6, 30), None),
    ("2026年11月至2月", DATE, D(2027, 2, 28), None),
    ("2026年11月至次年2月", DATE, D(2027, 2, 28), None),
    ("2026年3月底前完成方案，6月底前全面完成", DATE, D(2026, 6, 30), None),
    # immediate
    ("立行立改", IMMEDIATE, None, None),
    ("立即整改", IMMEDIATE, None, None),
    ("即知即改", IMMEDIATE, None, None),
    ("立即", IMMEDIATE, None, None),
    ("马上就办", IMMEDIATE, None, None),
    ("即时", IMMEDIATE, None, None),
    ("立查立改", IMMEDIATE, None, None),
    ("边查边改", IMMEDIATE, None, None),
    ("立行立改，2026年3月底前完成", IMMEDIATE, D(2026, 3, 31), None),
    ("立即整改（2026-02-30）", IMMEDIATE, None, None),
    # long-term: ongoing even when a first date is named
    ("长期坚持", LONG_TERM, None, None),
    ("长期", LONG_TERM, None, None),
    ("持续整改", LONG_TERM, None, None),
    ("持续推进", LONG_TERM, None, None),
    ("持续", LONG_TERM, None, None),
    ("常态化", LONG_TERM, None, None),
    ("长效", LONG_TERM, None, None),
    ("久久为功", LONG_TERM, None, None),
    ("2026年6月底前完成并长期坚持", LONG_TERM, None, None),
    ("立行立改并长期坚持", LONG_TERM, None, None),
    # recurring
    ("每月", RECURRING, None, "monthly"),
    ("每月底前报送", RECURRING, None, "monthly"),
    ("每季度", RECURRING, None, "quarterly"),
    ("每季度末", RECURRING, None, "quarterly"),
    ("每半年", RECURRING, None, "half_yearly"),
    ("每年", RECURRING, None, "yearly"),
    ("每年年底", RECURRING, None, "yearly"),
    ("每周", RECURRING, None, "periodic"),
    ("定期", RECURRING, None, "periodic"),
    ("定期开展", RECURRING, None, "periodic"),
    ("每月调度、每季度通报", RECURRING, None, "monthly"),
    # nothing written
    ("", NONE, None, None),
    ("   ", NONE, None, None),
    ("\u3000", NONE, None, None),
    # not readable: kept as text, never guessed
    ("尽快", UNKNOWN, None, None),
    ("按上级要求", UNKNOWN, None, None),
    ("xxx", UNKNOWN, None, None),
    ("/", UNKNOWN, None, None),
    ("年底前", UNKNOWN, None, None),
    ("6月底前", UNKNOWN, None, None),
    ("三季度", UNKNOWN, None, None),
    ("十一月", UNKNOWN, None, None),
    ("3月-6月", UNKNOWN, None, None),
    ("今年年底", UNKNOWN, None, None),
    ("46203", UNKNOWN, None, None),
    ("2026-02-30", UNKNOWN, None, None),
    ("2026年2月29日", UNKNOWN, None, None),
    ("2026年13月", UNKNOWN, None, None),
    ("2026.13", UNKNOWN, None, None),
    ("2026年第5季度", UNKNOWN, None, None),
    ("2026年春节前", UNKNOWN, None, None),
    ("2026年国庆节前", UNKNOWN, None, None),
    ("五一前", UNKNOWN, None, None),
    ("2026年前", UNKNOWN, None, None),
    ("3个月内", UNKNOWN, None, None),
    ("一年内完成", UNKNOWN, None, None),
    ("10年内", UNKNOWN, None, None),
    ("30个工作日内", UNKNOWN, None, None),
    ("在规定期限内完成", UNKNOWN, None, None),
    ("2026年3月起", UNKNOWN, None, None),
    ("2026年6月30日以后", UNKNOWN, None, None),
    ("2026.3.1-6.30", UNKNOWN, None, None),
    ("2026年6月底前完成3项", UNKNOWN, None, None),
    ("26.6.30", UNKNOWN, None, None),
    ("1234年6月", UNKNOWN, None, None),
]


@pytest.mark.parametrize(("text", "kind", "due", "rhythm"), EXAMPLES)
def test_real_ledger_text_is_read_as_meant(text, kind, due, rhythm):
    deadline = parse_deadline(text)
    assert (deadline.kind, deadline.due, deadline.rhythm) == (kind, due, rhythm)
    assert deadline.text == text.strip()


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("6月底前", D(2026, 6, 30)),
        ("年底前", D(2026, 12, 31)),
        ("三季度", D(2026, 9, 30)),
        ("Q1", D(2026, 3, 31)),
        ("上半年", D(2026, 6, 30)),
        ("十一月", D(2026, 11, 30)),
        ("3月-6月", D(2026, 6, 30)),
        ("11月至次年2月", D(2027, 2, 28)),
        ("今年年底", D(2026, 12, 31)),
        ("明年6月", D(2027, 6, 30)),
        ("2027年3月", D(2027, 3, 31)),
    ],
)
def test_a_campaign_year_completes_year_less_text(text, due):
    assert parse_deadline(text, default_year=2026) == Deadline(text, DATE, due=due)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("年底前", "‘年底前’ 无法确定年份，已按文本保存"),
        ("尽快", "‘尽快’ 无法识别为日期，已按文本保存"),
        ("2026-02-30", "‘2026-02-30’ 不是有效日期（2026年2月没有30日），已按文本保存"),
        ("2026年13月", "‘2026年13月’ 不是有效日期（没有13月），已按文本保存"),
        ("2026年春节前", "‘2026年春节前’ 是节假日等不固定的时间，无法换算为日期，已按文本保存"),
        ("46203", "‘46203’ 是一串数字，无法确定是否为日期，已按文本保存"),
        ("2026年3月起", "‘2026年3月起’ 只写了开始时间，没有截止时间，已按文本保存"),
        ("3个月内", "‘3个月内’ 含有无法识别的数字，已按文本保存"),
    ],
)
def test_an_unreadable_deadline_says_why_for_the_import_report(text, problem):
    deadline = parse_deadline(text)
    assert deadline.problem == problem
    assert not deadline.readable
    assert deadline.describe() == "无法识别：按文本保存"


@pytest.mark.parametrize(
    ("value", "text", "due"),
    [
        (date(2026, 6, 30), "2026年6月30日", D(2026, 6, 30)),
        (datetime(2026, 6, 30, 17, 30), "2026年6月30日", D(2026, 6, 30)),
        (46203, "2026年6月30日", D(2026, 6, 30)),
        (46203.0, "2026年6月30日", D(2026, 6, 30)),
        (46203.75, "2026年6月30日", D(2026, 6, 30)),  # a serial with a time of day
        (1, "1900年1月1日", D(1900, 1, 1)),
        (59, "1900年2月28日", D(1900, 2, 28)),
        (61, "1900年3月1日", D(1900, 3, 1)),  # after Excel's phantom 1900-02-29
        (2958465, "9999年12月31日", D(9999, 12, 31)),
        (20260630, "2026年6月30日", D(2026, 6, 30)),  # “20260630” typed into a number cell
    ],
)
def test_cells_excel_already_holds_as_dates(value, text, due):
    assert parse_deadline(value) == Deadline(text, DATE, due=due)


@pytest.mark.parametrize(
    "value",
    [60, 0, -1, 0.5, 2958466, 2026, 2026.6, 20260230, float("nan"), float("inf"), True],
)
def test_numbers_that_are_no_date_are_kept_and_reported(value):
    deadline = parse_deadline(value)
    assert deadline.kind == UNKNOWN
    assert deadline.due is None
    assert deadline.problem


def test_nothing_is_none():
    assert parse_deadline(None) == Deadline("", NONE)
    assert parse_deadline(None).describe() == "未填写"


def test_other_objects_are_read_as_their_text():
    assert parse_deadline(Decimal("46203")).kind == UNKNOWN
    assert parse_deadline(b"2026-06-30".decode()).due == D(2026, 6, 30)


@pytest.mark.parametrize(
    ("text", "description"),
    [
        ("2026年6月底前", "2026年6月30日"),
        ("立行立改", "立行立改"),
        ("立行立改，2026年3月底前完成", "立行立改（2026年3月31日前）"),
        ("长期坚持", "长期坚持"),
        ("每月", "每月"),
        ("每季度", "每季度"),
        ("每半年", "每半年"),
        ("每年", "每年"),
        ("定期", "定期"),
        ("尽快", "无法识别：按文本保存"),
        ("", "未填写"),
    ],
)
def test_describe_shows_how_the_text_was_read(text, description):
    assert parse_deadline(text).describe() == description


@pytest.mark.parametrize(
    ("text", "ongoing"),
    [
        ("长期坚持", True),
        ("每季度", True),
        ("立行立改", False),
        ("2026年6月底", False),
        ("", False),
    ],
)
def test_only_ongoing_measures_are_never_overdue(text, ongoing):
    assert parse_deadline(text).is_ongoing is ongoing


# --- Properties ------------------------------------------------------------------------------

DATEISH = "0123456789年月日底末前号〇一二三四五六七八九十季度上下半旬至-—./每长期立行改 "
CN_NUMERALS = "〇零一二三四五六七八九十"
NO_NUMBER = "年月日号底末前后起季度上下半旬初中至到-—./Qq每长期立行改今明次去当本元春节 ，、"
YEARS = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def cn_count(n: int) -> str:
    """1..31 as written in words: 六, 十, 十二, 二十, 三十一."""
    digits = "〇一二三四五六七八九"
    tens, ones = divmod(n, 10)
    if tens == 0:
        return digits[ones]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def cn_year(year: int, zero: str) -> str:
    return "".join(zero if c == "0" else "〇一二三四五六七八九"[int(c)] for c in str(year))


def check_invariants(value, deadline: Deadline) -> None:
    assert deadline.kind in (IMMEDIATE, LONG_TERM, RECURRING, DATE, UNKNOWN, NONE)
    assert (deadline.problem is not None) == (deadline.kind == UNKNOWN)
    assert (deadline.rhythm is not None) == (deadline.kind == RECURRING)
    if deadline.kind == DATE:
        assert deadline.due is not None
    elif deadline.kind != IMMEDIATE:
        assert deadline.due is None
    assert deadline.describe()
    if isinstance(value, str):
        assert deadline.text == value.strip()
        assert deadline.kind != NONE or not value.strip()


@given(st.text(), st.one_of(st.none(), st.integers()))
def test_any_text_is_read_without_error(text, default_year):
    check_invariants(text, parse_deadline(text, default_year=default_year))


@given(st.text(alphabet=DATEISH, max_size=30), st.one_of(st.none(), st.integers(1990, 2100)))
def test_any_date_like_text_is_read_without_error(text, default_year):
    check_invariants(text, parse_deadline(text, default_year=default_year))


@given(
    st.one_of(
        st.none(),
        st.integers(),
        st.floats(),
        st.dates(),
        st.datetimes(),
        st.booleans(),
        st.decimals(),
        st.text(),
    )
)
def test_any_cell_value_is_read_without_error(value):
    check_invariants(value, parse_deadline(value))


@given(st.one_of(st.text(), st.text(alphabet=NO_NUMBER, max_size=30)))
def test_no_date_is_invented_from_text_without_numbers(text):
    assume(not any(c.isascii() and c.isdigit() or "０" <= c <= "９" for c in text))
    assume(not any(c in CN_NUMERALS for c in text))
    assert parse_deadline(text).due is None


@given(YEARS, st.sampled_from(["", "前", "以前", "之前", "止", "完成", "前完成", "底前"]))
def test_every_written_form_of_a_date_reads_back_exactly(d, suffix):
    y, m, day = d.year, d.month, d.day
    forms = [
        f"{y}-{m:02d}-{day:02d}",
        f"{y}-{m}-{day}",
        f"{y}.{m}.{day}",
        f"{y}/{m}/{day}",
        f"{y}{m:02d}{day:02d}",
        f"{y}年{m}月{day}日",
        f"{y}年{m:02d}月{day:02d}号",
        full_width(f"{y}年{m}月{day}日"),
        full_width(f"{y}-{m:02d}-{day:02d}"),
        full_width(f"{y}.{m}.{day}"),
        f"{cn_year(y, '〇')}年{cn_count(m)}月{cn_count(day)}日",
        f"{cn_year(y, '零')}年{cn_count(m)}月{cn_count(day)}号",
    ]
    for form in forms:
        assert parse_deadline(form + suffix).due == d, form + suffix
        assert parse_deadline(form + suffix).kind == DATE


@given(YEARS)
def test_a_year_and_month_mean_the_last_day_of_that_month(d):
    y, m = d.year, d.month
    forms = [
        f"{y}年{m}月",
        f"{y}年{m}月底",
        f"{y}年{m}月底前",
        f"{y}年{m}月末",
        f"{y}年{m}月前",
        f"{y}.{m}",
        f"{y}-{m:02d}",
        f"{y}/{m}",
        full_width(f"{y}年{m}月底前"),
        f"{cn_year(y, '〇')}年{cn_count(m)}月底前",
        f"{y % 100:02d}年{m}月底",
    ]
    for form in forms:
        assert parse_deadline(form) == Deadline(form, DATE, due=month_end(y, m)), form


@given(YEARS, st.sampled_from(["立行立改，", "长期坚持，", "每季度，"]))
def test_words_decide_the_kind_even_next_to_a_date(d, words):
    deadline = parse_deadline(f"{words}{d.year}年{d.month}月{d.day}日前完成")
    expected = {"立": (IMMEDIATE, d), "长": (LONG_TERM, None), "每": (RECURRING, None)}
    assert (deadline.kind, deadline.due) == expected[words[0]]
