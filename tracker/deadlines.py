"""What a 整改时限 means, read from real ledger text such as “2026年6月底前” or “立行立改”."""

from __future__ import annotations

import functools
import math
import numbers
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tracker.dates import format_date, month_end

IMMEDIATE = "immediate"
LONG_TERM = "long_term"
RECURRING = "recurring"
DATE = "date"
UNKNOWN = "unknown"
NONE = "none"

RHYTHM_LABELS = {
    "monthly": "每月",
    "quarterly": "每季度",
    "half_yearly": "每半年",
    "yearly": "每年",
    "periodic": "定期",
}


@dataclass(frozen=True)
class Deadline:
    """What a deadline cell means, next to the words the user wrote.

    The text is always kept: a reading can be wrong or incomplete, and the user's words are
    what a supervisor saw in the original workbook.
    """

    text: str
    kind: str
    due: date | None = None
    rhythm: str | None = None
    problem: str | None = None

    @property
    def is_ongoing(self) -> bool:
        """Kept up permanently (长期坚持, 每季度…): reported in its own column, never overdue."""
        return self.kind in (LONG_TERM, RECURRING)

    @property
    def readable(self) -> bool:
        return self.kind != UNKNOWN

    def describe(self) -> str:
        """How the text was read, in the words a user checks an import preview with."""
        if self.kind == DATE:
            return format_date(self.due)
        if self.kind == IMMEDIATE:
            return f"立行立改（{format_date(self.due)}前）" if self.due else "立行立改"
        if self.kind == LONG_TERM:
            return "长期坚持"
        if self.kind == RECURRING:
            return RHYTHM_LABELS.get(self.rhythm or "periodic", "定期")
        if self.kind == NONE:
            return "未填写"
        return "无法识别：按文本保存"


# --- Words. Checked before any date: “2026年6月底前完成并长期坚持” is an ongoing measure. -------

_LONG_TERM_WORDS = ("长期", "持续", "常态", "长效", "久久为功")
_RECURRING_WORDS = (  # (pattern, rhythm); “规定期限” is a time limit, not “定期”
    ("每月", "monthly"),
    ("按月", "monthly"),
    ("逐月", "monthly"),
    ("每季", "quarterly"),
    ("按季", "quarterly"),
    ("逐季", "quarterly"),
    ("每半年", "half_yearly"),
    ("每年", "yearly"),
    ("按年", "yearly"),
    ("每周", "periodic"),
    ("每旬", "periodic"),
    ("每日", "periodic"),
    ("每天", "periodic"),
    ("定期(?!限)", "periodic"),
)
_IMMEDIATE_WORDS = ("立即", "立改", "即改", "随改", "边改", "马上", "即时", "即刻", "当即")
_HOLIDAY_WORDS = ("春节", "元旦", "清明", "五一", "劳动节", "端午", "中秋", "国庆", "寒假", "暑假")
_HOLIDAY_WORDS += ("两会", "汛期", "汛前", "开学")


def _recurring_rhythm(text: str) -> str | None:
    """The rhythm named first in the text, so “每月调度、每季度通报” reads as monthly."""
    hits = [
        (m.start(), rhythm) for word, rhythm in _RECURRING_WORDS if (m := re.search(word, text))
    ]
    return min(hits)[1] if hits else None


# --- Normalising the text so one set of patterns covers full-width and Chinese numerals. ------

_FULL_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_DASHES = {ord(c): "-" for c in "‐‑‒–—―﹣"}
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}
# A Chinese numeral is a date part only next to a date word; “统一”, “三项” stay text.
_CN_NUMBER = re.compile(
    r"[〇零一二三四五六七八九十]+(?=[年月日号季])|(?<=月)[〇零一二三四五六七八九十]+"
)
_CN_TENS = re.compile(r"([一二三四五六七八九]?)十([一二三四五六七八九]?)")


def _cn_to_digits(match: re.Match[str]) -> str:
    """二〇二六 → 2026 (digit by digit), 三十一 → 31 (with 十); anything else stays as it was."""
    run = match.group()
    tens = _CN_TENS.fullmatch(run)
    if tens:
        high, low = tens.groups()
        return str(int(_CN_DIGITS.get(high, "1")) * 10 + int(_CN_DIGITS.get(low, "0")))
    if "十" in run:
        return run
    return "".join(_CN_DIGITS[c] for c in run)


def _normalise(text: str) -> str:
    """Full-width to ASCII, dashes to "-", Chinese numerals to digits, spaces out of dates.

    Full-width forms are mapped by hand rather than by NFKC, which would also turn circled
    and superscript numbers into digits and so read dates into text that has none.
    """
    text = text.translate(_FULL_WIDTH).translate(_DASHES).replace("元月", "1月")
    text = _CN_NUMBER.sub(_cn_to_digits, text)
    # Spaces inside "2026 年 6 月" go; a space between two numbers stays a separator.
    return re.sub(r"(?<![0-9])\s+|\s+(?![0-9])", "", text)


# --- Date fragments: each pattern yields (month, day); day None means the month's last day. ----

_Y4 = r"(?P<y>[0-9]{4})"
_YEAR = r"(?:(?:(?P<y>[0-9]{4}|[0-9]{2})|(?P<rel>[今本当明次翌去上]))年度?)?"
_PART = r"(?P<part>上中旬|中下旬|上旬|中旬|下旬|初|中|底|末)?"
_PART_DAY = {"上旬": 10, "初": 10, "上中旬": 20, "中旬": 20, "中": 20}
_DAY_END = r"(?:[日号]|(?=$|[前以之止完,;)、。至到~-]))"


def _month_part(m: re.Match[str]) -> tuple[int, int | None]:
    """An explicit day, the day a 旬 or 初/中 stands for, or None for the month's end."""
    groups = m.groupdict()
    if groups.get("d"):
        return int(m["m"]), int(groups["d"])
    return int(m["m"]), _PART_DAY.get(groups.get("part") or "")


def _quarter(m: re.Match[str]) -> tuple[int, int | None]:
    """A quarter ends with its third month: 二季度 → 6月底."""
    quarter = int(m["q"] or m["q2"])
    if not 1 <= quarter <= 4:
        raise _Invalid(f"没有第{quarter}季度")
    return quarter * 3, None


_FRAGMENTS = (  # (pattern, reader); earlier rows win where patterns overlap.
    (
        rf"(?<![0-9]){_Y4}(?P<sep>[-./])(?P<m>[0-9]{{1,2}})(?P=sep)(?P<d>[0-9]{{1,2}})(?![0-9])",
        _month_part,
    ),
    (
        r"(?<![0-9])(?P<y>(?:19|20|21)[0-9]{2})(?P<m>[01][0-9])(?P<d>[0-3][0-9])(?![0-9])",
        _month_part,
    ),
    (
        rf"(?<![0-9]){_YEAR}(?P<m>[0-9]{{1,2}})月份?(?:(?P<d>[0-9]{{1,2}}){_DAY_END}|{_PART})",
        _month_part,
    ),
    (rf"(?<![0-9]){_YEAR}(?:第(?P<q>[0-9]{{1,2}})季度?|(?P<q2>[0-9]{{1,2}})季度)", _quarter),
    (r"(?<![0-9])(?:(?P<y>[0-9]{4})(?:年度?|-)?)?[Qq](?P<q>[0-9])(?P<q2>)(?![0-9])", _quarter),
    (rf"(?<![0-9]){_YEAR}(?P<h>[上下])半年", lambda m: (6 if m["h"] == "上" else 12, None)),
    (
        r"(?:(?<![0-9])(?P<y>[0-9]{4})|(?P<rel>[今本当明次翌去上]))"
        r"年(?:度|底|末|内|终|年底|年末|年内|年终|全年)",
        lambda m: (12, None),
    ),
    (r"(?<![0-9])(?P<y>[0-9]{2})年(?:度|底|末|终|年底|年末|年终)", lambda m: (12, None)),
    (r"(?<![0-9年])(?:年底|年末|年内|年终)", lambda m: (12, None)),
    (rf"(?<![0-9]){_Y4}[-./](?P<m>[0-9]{{1,2}})(?![0-9]){_PART}", _month_part),
)
_FRAGMENT_PATTERNS = tuple((re.compile(p), read) for p, read in _FRAGMENTS)
# Times of day are allowed after a date and say nothing about the deadline's day.
_TIME = re.compile(r"(?<![0-9])[0-9]{1,2}(?::[0-9]{2}){1,2}(?![0-9])|(?<![0-9])[0-9]{1,2}[时点]")
_START_WORDS = ("起", "开始", "以后", "之后", "后")  # “2026年3月起”: when work starts, not ends
_REL_OFFSET = {"今": 0, "本": 0, "当": 0, "明": 1, "次": 1, "翌": 1, "去": -1, "上": -1}
_REL_CHAINED = "当次翌"  # relative to the year just mentioned, as in “11月至次年2月”


class _Invalid(ValueError):
    """A date part that names no real day (2026年2月30日, 13月): reported, never corrected."""


@dataclass
class _Fragment:
    start: int
    year: str | None
    rel: str | None
    month: int
    day: int | None
    starts_work: bool
    invalid: str | None = None


def _find_fragments(text: str) -> tuple[list[_Fragment], bool]:
    """Every date-like part of the text, in order, and whether unexplained digits are left."""
    found: list[_Fragment] = []
    for pattern, read in _FRAGMENT_PATTERNS:
        for m in pattern.finditer(text):
            groups = m.groupdict()
            try:
                month, day = read(m)
                invalid = None
            except _Invalid as error:
                month, day, invalid = 1, None, str(error)
            starts = text.startswith(_START_WORDS, m.end())
            found.append(
                _Fragment(
                    m.start(), groups.get("y"), groups.get("rel"), month, day, starts, invalid
                )
            )
        text = pattern.sub(lambda m: "\0" * len(m.group()), text)
    text = _TIME.sub("", text)
    return sorted(found, key=lambda f: f.start), bool(re.search("[0-9]", text))


def _year_of(fragment: _Fragment, previous: int | None, default_year: int | None) -> int | None:
    if fragment.year:
        year = int(fragment.year)
        return 2000 + year if len(fragment.year) == 2 else year
    if fragment.rel:
        base = previous if fragment.rel in _REL_CHAINED and previous else default_year
        return base + _REL_OFFSET[fragment.rel] if base is not None else None
    return previous if previous is not None else default_year


def _make_date(year: int, month: int, day: int | None) -> date:
    if not 1900 <= year <= 2199:
        raise _Invalid(f"{year}年不是合理的年份")
    if not 1 <= month <= 12:
        raise _Invalid(f"没有{month}月")
    last = month_end(year, month)
    if day is None:
        return last
    if not 1 <= day <= last.day:
        raise _Invalid(f"{year}年{month}月没有{day}日")
    return last.replace(day=day)


def _read_dates(text: str, default_year: int | None) -> tuple[date | None, str | None]:
    """The deadline a text names, or why it names none.

    A year left out is carried from the part before it, so “2026年3月至6月” ends in 2026; when
    a carried year would make time run backwards (“2026年11月至2月”) it is the next year. Of
    several dates the latest is the deadline: the end of a range, the last stage of a plan.
    """
    fragments, leftover = _find_fragments(text)
    dates: list[date] = []
    previous_year: int | None = None
    previous: date | None = None
    for fragment in fragments:
        year = _year_of(fragment, previous_year, default_year)
        if year is None:
            return None, "无法确定年份"
        try:
            if fragment.invalid:
                raise _Invalid(fragment.invalid)
            due = _make_date(year, fragment.month, fragment.day)
            carried = not fragment.year and not fragment.rel and previous_year is not None
            if carried and previous is not None and due < previous:
                due = _make_date(year + 1, fragment.month, fragment.day)
        except _Invalid as error:
            return None, f"不是有效日期（{error}）"
        previous_year, previous = due.year, due
        if not fragment.starts_work:
            dates.append(due)
    if leftover:
        return None, "含有无法识别的数字"
    if fragments and not dates:
        return None, "只写了开始时间，没有截止时间"
    if not dates:
        return None, None
    return max(dates), None


def _unknown(text: str, reason: str) -> Deadline:
    return Deadline(text, UNKNOWN, problem=f"‘{text}’ {reason}，已按文本保存")


@functools.lru_cache(maxsize=16384)  # pure; a demo or an import repeats the same texts
def _parse_text(text: str, default_year: int | None) -> Deadline:
    """Words first (ongoing beats everything, then rhythm, then immediate), then dates.

    A measure that is kept up permanently is never overdue, so a date next to “长期坚持” only
    says when the first round is due and does not make the item a dated one.
    """
    plain = _normalise(text)
    if any(word in plain for word in _LONG_TERM_WORDS):
        return Deadline(text, LONG_TERM)
    rhythm = _recurring_rhythm(plain)
    if rhythm:
        return Deadline(text, RECURRING, rhythm=rhythm)
    due, reason = _read_dates(plain, default_year)
    if any(word in plain for word in _IMMEDIATE_WORDS):
        return Deadline(text, IMMEDIATE, due=due)
    if due is not None:
        return Deadline(text, DATE, due=due)
    if any(word in plain for word in _HOLIDAY_WORDS):
        return _unknown(text, "是节假日等不固定的时间，无法换算为日期")
    if re.fullmatch("[0-9]+", plain):
        return _unknown(text, "是一串数字，无法确定是否为日期")
    if reason:
        return _unknown(text, reason)
    return _unknown(text, "无法识别为日期")


# --- Values that are not text: cells Excel already holds as dates or as serial numbers. --------

_EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 once the phantom 1900-02-29 is skipped
_EXCEL_MAX = 2958465  # 9999-12-31


def _number_text(value: numbers.Real) -> str:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return str(int(value))
    return str(value)


def _parse_number(value: numbers.Real) -> Deadline:
    """An Excel serial date (1900 system), or a number typed as YYYYMMDD.

    Excel counts 1900-02-29, a day that never was: serial 60 names no date and later serials
    are one day ahead. Numbers 1900..2100 are left unread: they are years, or a “2026.6” that
    Excel turned into a number, not days of 1905.
    """
    text = _number_text(value)
    if not math.isfinite(value):
        return _unknown(text, "不是日期")
    serial = math.floor(value)
    if 1900 <= value <= 2100:
        return _unknown(text, "像是年份或年月，不是完整日期")
    if serial == 60:
        return _unknown(text, "是 Excel 中并不存在的 1900年2月29日")
    if 1 <= serial <= _EXCEL_MAX:
        due = _EXCEL_EPOCH + timedelta(days=serial if serial > 60 else serial + 1)
        return Deadline(format_date(due), DATE, due=due)
    if serial == value and 19000101 <= serial <= 21991231:
        try:
            due = _make_date(serial // 10000, serial // 100 % 100, serial % 100)
        except _Invalid:
            return _unknown(text, "不是有效日期")
        return Deadline(format_date(due), DATE, due=due)
    return _unknown(text, "超出 Excel 日期序号的范围")


def parse_deadline(
    value: str | date | datetime | int | float | None, *, default_year: int | None = None
) -> Deadline:
    """Read one deadline cell. Never raises: what cannot be read is kept as text and reported.

    `default_year` supplies the year for year-less text such as “6月底前” (an import can offer
    the campaign's year); without it such text stays UNKNOWN rather than guessing a year.
    A digit string such as "46203" is not taken as an Excel serial: people do not type those.
    """
    if value is None:
        return Deadline("", NONE)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return Deadline(format_date(value), DATE, due=value)
    if isinstance(value, bool):
        return _unknown(str(value), "不是日期")
    if isinstance(value, numbers.Real):
        return _parse_number(value)
    text = value if isinstance(value, str) else _safe_str(value)
    text = text.strip()
    if not text:
        return Deadline("", NONE)
    return _parse_text(text, default_year)


def _safe_str(value: object) -> str:
    try:
        return str(value)
    except Exception:  # an object whose __str__ fails still must not stop an import
        return repr(type(value))
