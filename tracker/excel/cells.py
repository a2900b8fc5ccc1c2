"""What one cell of a hand-kept ledger means: status words, numbered measures, names, dates.

Kept apart from the row logic so each reading is one small table or function a test can pin down,
and so that the words a branch writes (已整改, 推进中, 持续整改 …) live in exactly one place.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from ..deadlines import DATE, parse_deadline
from ..workflow import CLOSED, IN_PROGRESS, LISTED, LONG_TERM, PENDING, VOID

# What a 完成情况 / 是否销号 / 整改状态 cell can say. Besides the problem statuses of the workflow,
# DONE: the row's measure is finished — which crosses nothing off. A hand-kept ledger says 已完成
# of a measure and 已销号 of a problem; only the second (or a date in a 销号时间 column) closes.
DONE = "measure_done"
CLOSING_WORDS = frozenset(
    "已销号 销号 已销账 销账 准予销号 同意销号 已验收销号 销号办结 已销号办结 导入时已销号".split()
)
AFFIRMATIVE = frozenset("是 √ ✓ ✔ 是的".split())
STATUS_WORDS: dict[str, str] = {
    **dict.fromkeys(CLOSING_WORDS, CLOSED),
    **dict.fromkeys(
        "已完成 完成 已整改 整改完成 已整改完成 整改完毕 已办结 办结 全部完成 已全部完成 "
        "已落实 落实 完结 已完结 整改到位 已到位 已解决".split(),
        DONE,
    ),
    **dict.fromkeys(AFFIRMATIVE, DONE),
    **dict.fromkeys(
        "长期坚持 持续整改 长期整改 持续推进 常态化 常态化推进 长效 长期 持续 长期推进 "
        "长期坚持整改 持续落实 常态化坚持".split(),
        LONG_TERM,
    ),
    **dict.fromkeys(
        "正在整改 整改中 推进中 进行中 正在推进 部分完成 基本完成 正在进行 已启动 逾期 "
        "超期 推进 未按期完成 整改未完成 正在落实 落实中 阶段性完成 基本整改".split(),
        IN_PROGRESS,
    ),
    **dict.fromkeys("待销号 申请销号 已申请销号 待审核 审核中 销号审核中".split(), PENDING),
    **dict.fromkeys(
        "未完成 未整改 否 未销号 待整改 未开始 挂账 尚未完成 未落实 逾期未开始 × ✗ ✘ 无".split(),
        LISTED,
    ),
    **dict.fromkeys("已作废 作废".split(), VOID),
}
# A row whose measure is finished while its problem is still open (the official export writes
# “已完成（整改中）”): the problem reads 整改中, the measure 已完成.
DONE_BUT_OPEN = {"已完成整改中", "已完成未销号", "完成未销号", "措施已完成"}
STATUS_WORDS.update(dict.fromkeys(DONE_BUT_OPEN, IN_PROGRESS))
SENTENCE = 8  # characters: a longer cell is a sentence about the work, never a status word
# When a short cell says more than a known word, these fragments decide, tried in this order.
_STATUS_RULES: list[tuple[tuple[str, ...], str]] = [
    (("未", "没有", "尚未", "暂未", "待整改"), LISTED),
    (("待销号", "申请销号", "待审核"), PENDING),
    (("长期", "持续", "常态", "长效"), LONG_TERM),
    (("部分", "基本", "正在", "推进", "进行", "整改中", "启动", "逐步", "阶段"), IN_PROGRESS),
    (("销号", "销账"), CLOSED),
    (("完成", "整改到位", "已整改", "办结", "完毕", "已落实", "已解决"), DONE),
]
# A cell that says more than a done or closed word (“已完成第一次蹲点调研。”) reports work on the
# measure: it may say the work has not started, or is kept up for good, but never that the
# measure is done or the problem closed (it is read as 整改中, its words kept as progress).
_PUNCT = re.compile(r"[\s，,。.;；:：!！、（）()]+")


def _word(value: Any) -> str:
    text = value if isinstance(value, str) else str(value)
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text))


def measure_done(value: Any) -> bool:
    """Whether a 完成情况 cell says the row's own measure is finished."""
    if value is None:
        return False
    status, _ = read_status(value)
    return status in (CLOSED, DONE) or _word(value) in DONE_BUT_OPEN


def read_status(value: Any, *, asks_closure: bool = False) -> tuple[str | None, bool]:
    """(reading, exact) for a 完成情况 cell; (None, False) for blank; exact False means a guess.

    The reading is a problem status or DONE. `asks_closure`: the column asks “是否销号”, so 是/√
    answer that the problem is crossed off; elsewhere they only say the measure is done.
    """
    if value is None:
        return None, False
    word = _word(value)
    if not word:
        return None, False
    if word in AFFIRMATIVE and asks_closure:
        return CLOSED, True
    if word in STATUS_WORDS:
        return STATUS_WORDS[word], True
    sentence = len(word) > SENTENCE
    for fragments, status in _STATUS_RULES:
        hit = next((f for f in fragments if f in word), None)
        if hit is None:
            continue
        says_more = sentence or len(word) - len(hit) > 2
        if status in (CLOSED, DONE, PENDING) and says_more:
            # “已完成第一轮评比”: a report of work done on the measure, not its completion
            return IN_PROGRESS, False
        return status, False
    return (IN_PROGRESS, False) if sentence else (None, False)


def is_sentence(value: Any) -> bool:
    """A cell that says more than a status word: a report of the work, kept as progress."""
    return len(_word(value)) > SENTENCE


def read_yes(value: Any) -> bool | None:
    """A 是否… cell: True for 是/√ (or a 长期坚持 word), False for 否/×/blank, None for other text."""
    if value is None:
        return False
    word = _word(value)
    if not word or STATUS_WORDS.get(word) == LISTED:
        return False
    if word in AFFIRMATIVE or STATUS_WORDS.get(word) == LONG_TERM:
        return True
    return None


# -- several measures in one cell --------------------------------------------------------------
_CN = {c: i for i, c in enumerate("一二三四五六七八九十", 1)}
_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}
_SEP = r"(?:(?<=^)|(?<=[\n；;。：:，,\s]))"
_STYLES = [  # (pattern, how to read the number)
    re.compile(r"[（(]([0-9]{1,2})[）)]"),
    # “1.” but not the “2.5” of a decimal; “1.2026年3月” is item 1 with a year in it
    re.compile(_SEP + r"[ \t]*([0-9]{1,2})(?:[、)）]|[.．](?:(?![0-9])|(?=[0-9]{4}(?![0-9]))))"),
    re.compile(r"([①-⑳])"),
    re.compile(_SEP + r"[ \t]*([一二三四五六七八九十])是"),
    re.compile(_SEP + r"[ \t]*[（(]([一二三四五六七八九十])[）)]"),
    re.compile(_SEP + r"[ \t]*([一二三四五六七八九十])[、.．]"),
]
# Any numbering mark of any style: most cells have none, and one scan tells (instead of six).
_ANY_MARK = re.compile("|".join(f"(?:{p.pattern})" for p in _STYLES))


def _number(token: str) -> int:
    if token in _CIRCLED:
        return _CIRCLED[token]
    if token.isascii() and token.isdigit():
        return int(token)
    return _CN.get(token, 0)


def split_numbered(text: str) -> list[str]:
    """“1.建立制度；2.开展培训” → two items; text without a 1, 2, 3 … sequence stays one item.

    A list counts only when it starts at 1 and counts up, so “第2.5条” or a date is never cut.
    """
    text = text.strip()
    if not _ANY_MARK.search(text):
        return [text] if text else []
    for pattern in _STYLES:
        marks = list(pattern.finditer(text))
        picked, expected = [], 1
        for m in marks:
            if _number(m.group(1)) == expected:
                picked.append(m)
                expected += 1
        if len(picked) < 2:
            continue
        items = []
        for i, m in enumerate(picked):
            end = picked[i + 1].start() if i + 1 < len(picked) else len(text)
            items.append(text[m.end() : end].strip().rstrip("；;，,").strip())
        lead = text[: picked[0].start()].strip()
        if lead and not lead.endswith((":", "：")):
            items[0] = f"{lead}{items[0]}"
        items = [item for item in items if item]
        if len(items) >= 2:
            return items
    return [text] if text else []


# -- names ---------------------------------------------------------------------------------------
_NAME_SPLIT = re.compile(r"[、，,；;/／\n]+")
_PAREN = re.compile(r"[（(]([^）)]*)[）)]")


def split_names(value: Any) -> list[tuple[str, str]]:
    """(name, note in brackets) for each person or unit named in a cell.

    “张  伟” is one name padded for alignment; “张伟 李娜” is two: spaces split only when every
    piece is at least two characters long.
    """
    if value is None:
        return []
    text = unicodedata.normalize("NFKC", str(value)).strip()
    out: list[tuple[str, str]] = []
    for part in _NAME_SPLIT.split(text):
        note = "；".join(m.group(1).strip() for m in _PAREN.finditer(part) if m.group(1).strip())
        part = _PAREN.sub("", part).strip()
        pieces = part.split()
        if len(pieces) > 1 and all(len(p) >= 2 for p in pieces):
            out.extend((p, note if i == 0 else "") for i, p in enumerate(pieces))
        elif part:
            out.append(("".join(pieces), note))
    return out


def read_date(value: Any, default_year: int | None = None) -> tuple[dt.date | None, str | None]:
    """A date cell (real date, serial number or text) as (date, None), or (None, why not)."""
    if value is None:
        return None, None
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    parsed = parse_deadline(value, default_year=default_year)
    if parsed.kind == DATE and parsed.due is not None:
        return parsed.due, None
    return None, f"‘{parsed.text}’ 不是日期，已忽略"


def as_text(value: Any) -> str:
    """A cell as the text a user would read: 3.0 → “3”, dates in Chinese style."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value).strip()


def fingerprint(text: str) -> str:
    """The same problem written with other spaces or punctuation gets the same key (re-import)."""
    import hashlib

    plain = re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text)).lower()
    return hashlib.sha1(plain.encode("utf-8")).hexdigest()[:20]


def status_rank(status: str) -> int:
    """How far along a problem is; a re-import only ever moves a problem forward."""
    return {LISTED: 0, IN_PROGRESS: 1, LONG_TERM: 2, PENDING: 3, CLOSED: 4}.get(status, -1)
