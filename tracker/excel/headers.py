"""Finding a ledger's header row(s) by content and mapping each heading, in any wording, to a field.

Hand-kept ledgers name the same column a dozen ways (完成时限 / 整改时限 / 整改期限 / 时限要求) and
sometimes split it over two rows under a merged group heading (责任清单 → 责任领导 | 责任部门 | 责任人).
Every mapping carries a confidence so the import wizard can show which guesses to check.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# The fields a column can feed, in the order the wizard lists them.
FIELDS: dict[str, str] = {
    "seq": "序号",
    "code": "问题编号",
    "batch": "整改批次",
    "source": "问题来源",
    "category": "问题类别",
    "description": "问题描述",
    "cause": "原因分析",
    "target": "整改目标",
    "measure": "整改措施",
    "measure_tags": "措施类型",
    "leader": "责任领导",
    "department": "责任部门",
    "owner": "责任人",
    "deadline": "整改时限",
    "progress": "整改进展",
    "status": "完成情况",
    "long_term": "是否长期坚持",
    "closed_on": "销号时间",
    "done_on": "措施完成时间",
    "found_on": "查摆时间",
    "evidence": "佐证材料",
    "remarks": "备注",
}
IGNORE = "ignore"  # the user's choice "不导入"; None means "not a field: kept in 备注"
CHOICES: dict[str | None, str] = {**FIELDS, None: "记入备注", IGNORE: "不导入"}

# (wording, field, weight). An exact heading scores the weight; a heading that contains the
# wording scores less, the more so the more else it says. Longer wordings are tried first.
_SYNONYMS: list[tuple[str, str, float]] = [
    *[(w, "seq", 1.0) for w in ("序号", "编号序号", "顺序号", "No", "NO")],
    ("序", "seq", 0.7),
    *[(w, "code", 1.0) for w in ("问题编号", "问题序号", "台账编号", "问题代码")],
    ("编号", "code", 0.8),
    *[(w, "batch", 1.0) for w in ("整改批次", "批次")],
    *[(w, "source", 1.0) for w in ("问题来源", "来源", "问题出处", "查摆途径", "发现途径")],
    # 措施类型 holds the measure's tags (建章立制、追责问责 …), not the problem's category
    *[(w, "measure_tags", 1.0) for w in ("措施类型", "措施类别", "整改措施类型", "成效类型")],
    *[(w, "category", 1.0) for w in ("问题类别", "问题类型", "问题分类", "类别", "类型")],
    *[(w, "category", 0.9) for w in ("分类", "所属方面", "方面")],
    *[
        (w, "description", 1.0)
        for w in (
            "问题描述",
            "问题表现",
            "存在问题",
            "具体表现",
            "查摆问题",
            "问题清单",
            "主要问题",
            "问题内容",
            "反馈问题",
            "问题具体表现",
            "存在的问题",
            "突出问题",
        )
    ],
    ("问题", "description", 0.75),
    ("表现", "description", 0.6),
    *[(w, "cause", 1.0) for w in ("原因分析", "问题原因", "原因剖析", "产生原因", "根源剖析")],
    ("原因", "cause", 0.8),
    *[(w, "target", 1.0) for w in ("整改目标", "目标要求", "整改要求", "预期目标")],
    ("目标", "target", 0.75),
    *[
        (w, "measure", 1.0)
        for w in ("整改措施", "整改举措", "具体措施", "措施", "任务清单", "整改任务", "整改方案")
    ],
    ("举措", "measure", 0.8),
    *[
        (w, "leader", 1.0)
        for w in ("责任领导", "牵头领导", "分管领导", "责任领导人", "包保领导", "领衔领导")
    ],
    ("领导", "leader", 0.7),
    *[
        (w, "department", 1.0)
        for w in (
            "责任部门",
            "责任单位",
            "牵头单位",
            "牵头部门",
            "责任科室",
            "责任处室",
            "主责部门",
            "责任股室",
        )
    ],
    *[(w, "department", 0.65) for w in ("部门", "单位", "科室", "处室")],
    *[
        (w, "owner", 1.0)
        for w in (
            "责任人",
            "具体责任人",
            "整改责任人",
            "直接责任人",
            "经办人",
            "承办人",
            "责任个人",
            "责任人员",
        )
    ],
    *[(w, "owner", 0.6) for w in ("个人", "人员")],
    *[
        (w, "deadline", 1.0)
        for w in (
            "整改时限",
            "完成时限",
            "整改期限",
            "时限要求",
            "整改时间",
            "时间节点",
            "完成期限",
            "计划完成时间",
            "预计完成时间",
            "计划完成日期",
            "预计完成日期",
            "时限",
            "期限",
        )
    ],
    ("完成时间", "deadline", 0.7),
    *[
        (w, "progress", 1.0)
        for w in (
            "整改进展",
            "整改情况",
            "进展情况",
            "整改进度",
            "落实情况",
            "整改落实情况",
            "措施落实情况",
        )
    ],
    *[(w, "progress", 0.8) for w in ("进展", "进度", "推进情况")],
    *[
        (w, "status", 1.0)
        for w in ("完成情况", "是否完成", "整改状态", "是否销号", "办结情况", "整改结果", "状态")
    ],
    *[(w, "closed_on", 1.0) for w in ("销号时间", "销号日期", "销号")],
    *[
        (w, "done_on", 1.0)
        for w in ("实际完成时间", "实际完成日期", "办结时间", "办结日期", "完成日期")
    ],
    *[
        (w, "long_term", 1.0)
        for w in (
            "是否常态化坚持",
            "常态化坚持",
            "是否长期坚持",
            "长期坚持",
            "是否常态化",
            "常态化",
            "是否长效",
        )
    ],
    *[(w, "found_on", 1.0) for w in ("查摆时间", "发现时间", "查摆日期", "提出时间", "反馈时间")],
    *[(w, "evidence", 1.0) for w in ("佐证材料", "佐证", "支撑材料", "印证材料", "证明材料")],
    *[(w, "remarks", 1.0) for w in ("备注", "说明", "其他")],
]
_SYNONYMS.sort(key=lambda s: -len(s[0]))
# Wordings that look like a field but are not it: a cooperating unit is not the responsible one.
_NOT: dict[str, tuple[str, ...]] = {
    "category": ("措施",),  # 措施类型 describes a measure, not the problem's category
    "measure": ("类型", "类别", "分类"),  # … and is not the measure either
    "department": ("配合", "协助", "协办", "参与"),
    "owner": ("配合", "协助", "协办"),
    "leader": ("配合", "协助"),
    "description": ("措施", "原因", "目标", "来源", "类别", "类型", "编号", "序号"),
}
KEYWORD_CHARS = frozenset("".join(w for w, _, _ in _SYNONYMS) + "".join(sum(_NOT.values(), ())))
MIN_CONFIDENCE = 0.5
MAX_HEADING = 16  # a cell longer than this (outside brackets) is data, not a heading
MAX_HEADING_CELL = 60  # with its brackets: longer cells are not even looked at
HEADER_SEARCH_ROWS = 50  # a sheet's first header is looked for in its first 50 rows only
# A header names the problem or its measures: a row without one of these words in a short cell
# is not a header, and is passed over without matching every cell against every wording.
HEADER_WORDS = ("问题", "表现", "措施", "举措", "任务", "方案")
_BRACKETS = re.compile(r"[（(【\[<《{][^）)】\]>》}]*[）)】\]>》}]?")
_NOISE = re.compile(r"[\s:：*※★☆、，,。.;；!！?？\"“”'‘’/\\|_\-—~·]+")
_NUMBERING = re.compile(r"^(?:[0-9]+|[一二三四五六七八九十]+)(?=[、.．])[、.．]")


@dataclass(frozen=True)
class Match:
    field: str
    confidence: float


def normalise(text: str) -> tuple[str, str]:
    """(main words, words in brackets) of a heading: full width folded, spaces and marks removed."""
    text = unicodedata.normalize("NFKC", text)
    aside = " ".join(m.group()[1:-1] for m in _BRACKETS.finditer(text))
    main = _BRACKETS.sub("", text)
    main = _NUMBERING.sub("", main.strip())
    return _NOISE.sub("", main), _NOISE.sub("", aside)


def match_heading(text: Any) -> Match | None:
    """The field a heading names, or None; never raises, whatever the cell holds."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_HEADING_CELL:
        return None
    return _match_text(text)


@lru_cache(maxsize=65536)
def _match_text(text: str) -> Match | None:
    """Remembered: a sheet repeats the same short texts (and headings) thousands of times."""
    main, aside = normalise(text)
    if not main and not aside:
        return None
    if len(main) > MAX_HEADING:
        return None
    best: Match | None = None
    for part, factor in ((main, 1.0), (aside, 0.6)):
        if not part:
            continue
        for word, name, weight in _SYNONYMS:
            if word not in part or any(bad in part for bad in _NOT.get(name, ())):
                continue
            if part == word:
                score = weight
            else:  # contained: the more the heading says besides, the less sure we are
                score = weight * (0.8 + 0.15 * len(word) / len(part))
            score = round(score * factor, 2)
            if best is None or score > best.confidence:
                best = Match(name, score)
    if best is None or best.confidence < MIN_CONFIDENCE:
        return None
    return best


@dataclass
class HeaderGuess:
    """Where a table's header is and what each column means."""

    rows: tuple[int, ...]  # 0-based header row(s)
    headings: list[str]  # what the user sees per column ("责任清单/责任人" for two-row headers)
    matches: list[Match | None]
    score: float

    @property
    def fields(self) -> set[str]:
        return {m.field for m in self.matches if m}


def assign(candidates: list[Match | None]) -> list[Match | None]:
    """Each field to at most one column: the surest column wins, the others stay unmapped."""
    order = sorted(
        (i for i, m in enumerate(candidates) if m), key=lambda i: (-candidates[i].confidence, i)
    )
    taken: set[str] = set()
    out: list[Match | None] = [None] * len(candidates)
    for i in order:
        m = candidates[i]
        if m.field not in taken:
            taken.add(m.field)
            out[i] = m
    return out


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _score(matches: list[Match | None]) -> float:
    fields = {m.field for m in matches if m}
    if not fields & {"description", "measure"} or len(fields) < 3:
        return 0.0
    return sum(m.confidence for m in matches if m)


def _single(row: list[Any]) -> tuple[list[str], list[Match | None]]:
    headings = [_text(v) for v in row]
    return headings, assign([match_heading(h) for h in headings])


def _double(top: list[Any], bottom: list[Any]) -> tuple[list[str], list[Match | None]]:
    """Two header rows: a sub-heading alone, or read together with its group heading above."""
    width = max(len(top), len(bottom))
    headings, candidates = [], []
    for c in range(width):
        upper = _text(top[c] if c < len(top) else None)
        lower = _text(bottom[c] if c < len(bottom) else None)
        if not lower or lower == upper:
            headings.append(upper)
            candidates.append(match_heading(upper))
            continue
        if not upper:
            headings.append(lower)
            candidates.append(match_heading(lower))
            continue
        headings.append(f"{upper}/{lower}")
        # “责任主体” over “领导” reads as 责任领导: the group's first two characters are its stem.
        stem = normalise(upper)[0][:2]
        options = [match_heading(lower), match_heading(upper + lower), match_heading(stem + lower)]
        options = [m for m in options if m]
        candidates.append(max(options, key=lambda m: m.confidence) if options else None)
    return headings, assign(candidates)


def looks_like_data(row: list[Any]) -> bool:
    """Numbers or dates in a row mean data (a heading row holds words only)."""
    return any(v is not None and not isinstance(v, str) for v in row)


def may_be_header(row: list[Any]) -> bool:
    """Cheap test before `find_header`: some short cell names the problem or its measures."""
    return any(
        isinstance(v, str) and len(v) <= MAX_HEADING_CELL and any(w in v for w in HEADER_WORDS)
        for v in row
    )


def find_header(
    rows: list[list[Any]], start: int = 0, limit: int = HEADER_SEARCH_ROWS
) -> HeaderGuess | None:
    """The best header within `limit` rows from `start`, one row or two, or None."""
    best: HeaderGuess | None = None
    end = min(len(rows), start + limit)
    for r in range(start, end):
        row = rows[r]
        if len([v for v in row if v is not None]) < 3 or looks_like_data(row):
            continue
        if not may_be_header(row) and not (r + 1 < end and may_be_header(rows[r + 1])):
            continue
        headings, matches = _single(row)
        guess = HeaderGuess((r,), headings, matches, _score(matches))
        if r + 1 < len(rows) and not looks_like_data(rows[r + 1]):
            # Two rows only when the upper one adds something: a group heading over weak
            # sub-headings. A 填报单位 line above a complete header is not part of it.
            headings2, matches2 = _double(row, rows[r + 1])
            score2 = _score(matches2)
            lower = _score(_single(rows[r + 1])[1])
            if score2 > max(guess.score, lower) + 0.3:
                guess = HeaderGuess((r, r + 1), headings2, matches2, score2)
        if guess.score and (best is None or guess.score > best.score):
            best = guess
    return best
