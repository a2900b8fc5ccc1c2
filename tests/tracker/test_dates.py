"""Dates are written the way official tables write them: 2026年6月30日, no leading zeros."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.dates import format_date, format_datetime, format_month, month_end


def test_a_deadline_reads_as_in_an_official_table():
    assert format_date(date(2026, 6, 30)) == "2026年6月30日"
    assert format_date(date(2026, 1, 5)) == "2026年1月5日"


def test_an_empty_deadline_cell_stays_empty():
    assert format_date(None) == ""
    assert format_datetime(None) == ""


def test_a_journal_time_shows_minutes_with_leading_zeros():
    assert format_datetime(datetime(2026, 6, 30, 14, 5, 59)) == "2026年6月30日 14:05"
    assert format_datetime(datetime(2026, 3, 1, 9, 0)) == "2026年3月1日 09:00"


def test_a_plain_date_given_as_a_moment_is_written_without_a_time():
    assert format_datetime(date(2026, 6, 30)) == "2026年6月30日"


def test_a_monthly_report_heading_names_year_and_month():
    assert format_month(2026, 6) == "2026年6月"
    assert format_month(2026, 12) == "2026年12月"


@pytest.mark.parametrize("month", [0, 13])
def test_a_month_that_does_not_exist_is_a_bug_not_a_heading(month):
    with pytest.raises(ValueError):
        format_month(2026, month)


@pytest.mark.parametrize(
    ("year", "month", "last"),
    [(2026, 6, 30), (2026, 12, 31), (2026, 2, 28), (2028, 2, 29), (2100, 2, 28), (2000, 2, 29)],
)
def test_month_end_is_the_last_day_of_the_month(year, month, last):
    assert month_end(year, month) == date(year, month, last)


@given(st.dates())
def test_any_date_is_written_with_its_own_numbers(d):
    assert format_date(d) == f"{d.year}年{d.month}月{d.day}日"


@given(st.datetimes())
def test_a_moment_starts_with_its_date(dt):
    assert format_datetime(dt).startswith(format_date(dt.date()) + " ")
