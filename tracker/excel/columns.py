"""What a column's contents say about it, where its heading is not enough.

Two columns may both be headed like 完成情况: one holds short status words (整改中, 已销号), the
other sentences about the work (“已完成第一次蹲点调研。”, a 问题完成情况概述). The heading match
alone gives 完成情况 to whichever comes first; read as a status, a sentence that mentions 完成
once closed its problem. Here the column of status words gets 完成情况, and the other column
becomes 整改进展 (when no column is already), so its words are kept as progress. A lone
完成情况 column of sentences is progress too: it says how the work goes, not whether it is done.
"""

from __future__ import annotations

from typing import Any

from .cells import is_sentence, read_status
from .headers import match_heading

SAMPLE = 300  # non-empty cells looked at per column
WORDS = 0.6  # share of exact status words that makes a status column
FEW_WORDS_BESIDE = 0.3  # beside a column of status words, a column with fewer is progress
ALL_SENTENCES, FEW_WORDS = 0.8, 0.1  # the only 完成情况 column: sentences, hardly a word


def _sample(rows: list[list[Any]], body: tuple[int, int], col: int) -> list[Any]:
    out = []
    for r in range(*body):
        row = rows[r] if r < len(rows) else ()
        if col < len(row) and row[col] is not None:
            out.append(row[col])
            if len(out) >= SAMPLE:
                break
    return out


def shares(values: list[Any]) -> tuple[float, float]:
    """(share of exact status words, share of sentences) among a column's values."""
    if not values:
        return 0.0, 0.0
    words = sum(1 for v in values if read_status(v)[1])
    sentences = sum(1 for v in values if not read_status(v)[1] and is_sentence(v))
    return words / len(values), sentences / len(values)


def prefer_status_words(table, rows: list[list[Any]]) -> None:
    """Give 完成情况 to the column of status words; a column of sentences feeds 整改进展."""
    candidates = []
    for col in table.columns:
        if col.by_user:
            continue
        heading_says = col.field == "status" or (
            col.field is None and (m := match_heading(col.heading)) and m.field == "status"
        )
        if heading_says:
            words, sentences = shares(_sample(rows, table.body, col.index))
            candidates.append((col, words, sentences))
    if not candidates:
        return
    progress_free = not any(c.field == "progress" for c in table.columns)
    best, best_words, _ = max(candidates, key=lambda c: c[1])
    if len(candidates) == 1:
        col, words, sentences = candidates[0]
        if sentences >= ALL_SENTENCES and words <= FEW_WORDS and progress_free:
            col.field, col.confidence = "progress", 0.8
        return
    if best_words < WORDS:
        return  # no column of status words: the headings decide, as before
    for col, words, _ in candidates:
        if col is best:
            col.field, col.confidence = "status", max(col.confidence, 0.8)
        elif words < FEW_WORDS_BESIDE and progress_free:
            col.field, col.confidence = "progress", 0.8  # it describes the work: progress
            progress_free = False
        elif col.field == "status":
            col.field, col.confidence = None, 0.0
