"""Measure tags (措施类型): the kinds of result supervisors count beyond open and closed.

Real reports count 建章立制 (rules made or revised), 追责问责 (people held to account), 挽回损失 /
清退资金 (money recovered or returned, with an amount), 专题学习 and 举一反三. A measure carries
any of them: `measure.tags` holds their codes in this module's order, comma-separated, and
`measure.amount_cents` the amount (in 分, exact) when the measure recovers money. Reading tag words
from text (an imported 措施类型 cell, a CLI argument) and writing them back is here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from .errors import ValidationError

RULES, ACCOUNTABILITY, RECOVERY, STUDY, LESSONS = (
    "rules",
    "accountability",
    "recovery",
    "study",
    "lessons",
)
LABELS = {
    RULES: "建章立制",
    ACCOUNTABILITY: "追责问责",
    RECOVERY: "挽回损失/清退资金",
    STUDY: "专题学习",
    LESSONS: "举一反三",
}
ORDER = tuple(LABELS)
HINTS = {
    RULES: "制定或修订了制度、办法、规定",
    ACCOUNTABILITY: "对有关人员进行了追责问责（诫勉、通报、处分等）",
    RECOVERY: "挽回经济损失或清退资金，可填写金额",
    STUDY: "开展了专题学习、专题培训",
    LESSONS: "举一反三，排查整改了同类问题",
}
# Words hand-kept ledgers write in a 措施类型 cell, mapped to a code (longest tried first).
_WORDS = {
    "建章立制": RULES,
    "建立制度": RULES,
    "完善制度": RULES,
    "制度建设": RULES,
    "追责问责": ACCOUNTABILITY,
    "问责追责": ACCOUNTABILITY,
    "追究责任": ACCOUNTABILITY,
    "问责": ACCOUNTABILITY,
    "追责": ACCOUNTABILITY,
    "挽回损失": RECOVERY,
    "挽回经济损失": RECOVERY,
    "清退资金": RECOVERY,
    "清退": RECOVERY,
    "退赔": RECOVERY,
    "专题学习": STUDY,
    "学习培训": STUDY,
    "专题培训": STUDY,
    "举一反三": LESSONS,
}
_SPLIT = re.compile(r"[、，,；;/／\s]+")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万元|万|元)")
MAX_CENTS = 10**15  # a sanity bound: a trillion yuan


def normalise(codes: Iterable[str]) -> str:
    """Tag codes as stored: known codes only, in ORDER, comma-separated, each once."""
    given = set(codes)
    unknown = given - set(ORDER)
    if unknown:
        raise ValidationError("措施类型", f"不认识的类型：{'、'.join(sorted(unknown))}。")
    return ",".join(code for code in ORDER if code in given)


def codes(stored: str | None) -> tuple[str, ...]:
    return tuple(c for c in (stored or "").split(",") if c)


def label_text(stored: str | None, amount_cents: int | None = None, sep: str = "、") -> str:
    """“建章立制、挽回损失/清退资金（3.20万元）”: the tags in words, the amount with its tag."""
    parts = []
    for code in codes(stored):
        label = LABELS.get(code, code)
        if code == RECOVERY and amount_cents:
            label += f"（{format_amount(amount_cents)}）"
        parts.append(label)
    return sep.join(parts)


def format_amount(cents: int) -> str:
    """An amount the way reports write it: 万元 from ten thousand up, else 元."""
    value = Decimal(cents) / 100
    if value >= 10000:
        return f"{_trim(value / 10000)}万元"
    return f"{_trim(value)}元"


def wan_yuan(cents: int) -> float:
    """An amount in 万元, rounded to two places (a report's figure)."""
    return float((Decimal(cents) / 1000000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _trim(value: Decimal) -> str:
    text = f"{value.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def cents_of(value) -> int | None:
    """An amount given in 元 (a number, or text such as “3.2万元”, “12000元”, “1.5万”) in 分."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        found = _AMOUNT.search(text)
        if found:
            number, unit = Decimal(found.group(1)), found.group(2)
            yuan = number * 10000 if unit.startswith("万") else number
        else:
            try:
                yuan = Decimal(text)
            except InvalidOperation:
                raise ValidationError("金额", f"“{value}”不是金额，请写数字（元）。") from None
    else:
        try:
            yuan = Decimal(str(value))
        except InvalidOperation:
            raise ValidationError("金额", f"“{value}”不是金额。") from None
    if yuan < 0:
        raise ValidationError("金额", "不能为负数。")
    cents = int((yuan * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    if cents > MAX_CENTS:
        raise ValidationError("金额", "数额过大，请核对（单位为元）。")
    return cents


def read_words(text: str) -> tuple[tuple[str, ...], int | None, list[str]]:
    """A 措施类型 cell: (tag codes, amount in 分 or None, words not understood).

    “建章立制、挽回损失（3.2万元）、追责问责” gives three tags and 32000 元.
    """
    found: list[str] = []
    unknown: list[str] = []
    amount = None
    money = _AMOUNT.search(text.replace(",", ""))
    if money:
        amount = cents_of(money.group(0))
        text = text.replace(money.group(0), " ")
    for part in _SPLIT.split(re.sub(r"[（(）)]", " ", text)):
        part = part.strip()
        if not part:
            continue
        code = _WORDS.get(part) or next(
            (c for w, c in sorted(_WORDS.items(), key=lambda kv: -len(kv[0])) if w in part), None
        )
        if code is None:
            unknown.append(part)
        elif code not in found:
            found.append(code)
    if amount is not None and RECOVERY not in found:
        found.append(RECOVERY)
    return tuple(c for c in ORDER if c in found), amount, unknown
