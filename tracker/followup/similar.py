"""Problems that come back: earlier problems, from other batches, whose description is like a new one.

年年提、年年改、年年有 — the same wording returns year after year. When a problem is entered or
imported, the earlier ones it resembles are shown with a score and the words they share, so the
user can link it as a 复发 of one of them (`repeats.mark_repeat`).

The search index already holds every problem's text as character bigrams (`search_index`), and
its FTS5 vocabulary says in how many problems each bigram occurs. A bigram few problems use says
more than a common one (“问题”, “工作”), so the lookup
1. weighs each bigram of the new description by its rarity (ln(1 + N/(df+1)), a smoothed idf);
2. gathers candidates from the rarest bigrams' postings (within a budget of rows) and from the
   problems holding all of the rarest few at once (near-copies), in SQL;
3. scores each candidate on its own description: the weight of the bigrams both share, twice,
   over the weight of each side's bigrams (a weighted Dice coefficient; 1.0 for the same text);
4. names the shared words: the longest runs of the new text whose every bigram the earlier one has.
Without an index (PostgreSQL, a past snapshot) the descriptions are read and weighed in Python.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from peewee import JOIN

from .. import search_index
from ..ledger import Ledger
from ..models import Batch, Problem
from ..workflow import CLOSED, STATUS_LABELS, VOID

THRESHOLD = 0.35  # below this, two descriptions share only common wording
LIMIT = 5
NEAR = 8  # the rarest bigrams a near-copy holds all of
RARE = 12  # bigrams whose postings are read …
BUDGET = 20000  # … up to this many rows in all
CANDIDATES = 300
VOCAB_TABLE = search_index.VOCAB_TABLE


@dataclass
class Similar:
    id: int
    code: str
    batch: str
    status: str
    found_on: dt.date | None
    description: str
    score: float
    words: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    @property
    def percent(self) -> str:
        return f"{round(self.score * 100)}%"

    @property
    def words_text(self) -> str:
        return "、".join(self.words)


def grams(text: str) -> list[str]:
    """The bigrams of a normalized text that carry meaning (both characters letters or digits),
    in order, repeats kept."""
    return [a + b for a, b in zip(text, text[1:], strict=False) if a.isalnum() and b.isalnum()]


def _token(gram: str) -> str:
    return f"{ord(gram[0]):06x}{ord(gram[1]):06x}"


def similar_problems(
    ledger: Ledger,
    text: str,
    *,
    batch: int | None = None,
    found_on: dt.date | None = None,
    exclude: Iterable[int] = (),
    limit: int = LIMIT,
    threshold: float = THRESHOLD,
) -> list[Similar]:
    """Earlier problems (found on or before `found_on`) of other batches than `batch`, not void,
    whose description resembles `text`, best first."""
    norm = search_index.normalize(text or "")
    mine = set(grams(norm))
    if not mine:
        return []
    excluded = set(exclude)
    db = ledger.db
    if search_index.available(db) and vocabulary_available(db):
        total = db.execute_sql("SELECT COUNT(*) FROM problem").fetchone()[0]
        df = {g: _doc_count(db, g) for g in mine}
        ids = _candidates(ledger, mine, df, batch, found_on, excluded)
        rows = _rows(ledger, ids)
    else:
        rows = _rows(ledger, None, batch, found_on, excluded)
        total = len(rows) + 1
        df = Counter()
        for row in rows:
            df.update(set(grams(search_index.normalize(row[5]))))
    weight = {g: rarity(total, df.get(g, 0)) for g in mine}
    found = []
    judged: dict[str, tuple[float, list[str]]] = {}  # descriptions repeat: each judged once
    for pid, code, batch_name, status, found_day, description in rows:
        if description not in judged:
            theirs = set(grams(search_index.normalize(description)))
            score = _score(mine, theirs, weight)
            words = shared_words(norm, theirs, weight, total) if score >= threshold else []
            judged[description] = (score, words)
        score, words = judged[description]
        if score >= threshold:
            found.append(
                Similar(pid, code, batch_name or "", status, found_day, description, score, words)
            )
    found.sort(key=lambda s: (-s.score, s.found_on or dt.date.min, s.id))
    return found[:limit]


def rarity(total: int, df: int) -> float:
    """A bigram's weight: ln(1 + N/(df+1)) — about ln 2 for a bigram every problem has, more the
    fewer have it (never zero, so a small ledger whose problems all share a phrase still scores)."""
    return math.log(1 + total / (df + 1))


def _score(mine: set[str], theirs: set[str], weight: dict[str, float]) -> float:
    """Weighted Dice: 2·W(both) / (W(mine) + W(theirs)); a bigram of theirs that is not in the
    new text weighs as much as the new text's bigrams do on average."""
    if not theirs:
        return 0.0
    both = mine & theirs
    w_mine = sum(weight[g] for g in mine)
    if w_mine <= 0:
        return 0.0
    w_both = sum(weight[g] for g in both)
    average = w_mine / len(mine)
    w_theirs = w_both + average * len(theirs - mine)
    return round(2 * w_both / (w_mine + w_theirs), 4)


def shared_words(norm: str, theirs: set[str], weight: dict[str, float], total: int) -> list[str]:
    """The runs of the new text (2+ characters) whose every bigram the earlier description has,
    in the order they occur; a lone common bigram (in a fifth of all problems or more) is left
    out, being no evidence of a repeat."""
    common = rarity(total, total // 5)
    out: list[str] = []
    start = None
    for i in range(len(norm)):
        pair = norm[i : i + 2]
        inside = len(pair) == 2 and pair in theirs
        if inside and start is None:
            start = i
        if not inside and start is not None:
            run = norm[start : i + 1]
            if len(run) > 2 or weight.get(run, 0) > common:
                if run not in out:
                    out.append(run)
            start = None
    return out


# -- the index's vocabulary ---------------------------------------------------------------------
def vocabulary_available(db) -> bool:
    row = db.execute_sql(
        "SELECT COUNT(*) FROM sqlite_master WHERE name = ?", (VOCAB_TABLE,)
    ).fetchone()
    return row[0] == 1


def _doc_count(db, gram: str) -> int:
    row = db.execute_sql(
        f"SELECT doc FROM {VOCAB_TABLE} WHERE term = ?", (_token(gram),)
    ).fetchone()
    return row[0] if row else 0


def _filters(batch: int | None, found_on: dt.date | None, excluded: set[int]) -> tuple[str, list]:
    sql = f" AND p.status != '{VOID}'"
    params: list = []
    if batch is not None:
        sql += " AND (p.batch_id IS NULL OR p.batch_id != ?)"
        params.append(batch)
    if found_on is not None:
        sql += " AND p.found_on <= ?"
        params.append(found_on.isoformat())
    if excluded:
        sql += f" AND p.id NOT IN ({', '.join('?' * len(excluded))})"
        params.extend(sorted(excluded))
    return sql, params


def _candidates(
    ledger: Ledger,
    mine: set[str],
    df: dict[str, int],
    batch: int | None,
    found_on: dt.date | None,
    excluded: set[int],
) -> list[int]:
    """Problem ids worth scoring: those holding all of the rarest bigrams (near-copies), then the
    ones holding most of the rare bigrams, weighed by rarity."""
    db = ledger.db
    known = sorted((g for g in mine if df[g]), key=lambda g: (df[g], g))
    if not known:
        return []
    where, params = _filters(batch, found_on, excluded)
    near = " AND ".join(_token(g) for g in known[:NEAR])
    ids = [
        pid
        for (pid,) in db.execute_sql(
            f"SELECT p.id FROM problem p WHERE p.id IN (SELECT rowid FROM {search_index.FTS_TABLE}"
            f" WHERE {search_index.FTS_TABLE} MATCH ?){where} ORDER BY p.id LIMIT {CANDIDATES}",
            [near, *params],
        )
    ]
    hits: Counter[int] = Counter()
    spent = 0
    for g in known[:RARE]:
        if spent and spent + df[g] > BUDGET:
            break
        spent += df[g]
        weight = math.log(1 + 1 / df[g])
        for (rowid,) in db.execute_sql(
            f"SELECT rowid FROM {search_index.FTS_TABLE} WHERE {search_index.FTS_TABLE} MATCH ?"
            f" LIMIT {BUDGET}",
            (_token(g),),
        ):
            hits[rowid] += weight
    seen = set(ids)
    ranked = [pid for pid, _ in hits.most_common(CANDIDATES * 2) if pid not in seen]
    if ranked:
        kept = _keep(db, ranked, where, params)
        ids.extend(pid for pid in ranked if pid in kept)
    return ids[: CANDIDATES * 2]


def _keep(db, ids: list[int], where: str, params: list) -> set[int]:
    marks = ", ".join("?" * len(ids))
    return {
        pid
        for (pid,) in db.execute_sql(
            f"SELECT p.id FROM problem p WHERE p.id IN ({marks}){where}", [*ids, *params]
        )
    }


def _rows(
    ledger: Ledger,
    ids: list[int] | None,
    batch: int | None = None,
    found_on: dt.date | None = None,
    excluded: set[int] | None = None,
) -> list[tuple]:
    """(id, code, batch name, status, found on, description) of `ids`, or (None) of every
    problem the filters allow."""
    query = ledger.select(
        Problem,
        Problem.id,
        Problem.code,
        Batch.name,
        Problem.status,
        Problem.found_on,
        Problem.description,
    ).join(Batch, JOIN.LEFT_OUTER, on=(Problem.batch == Batch.id))
    if ids is not None:
        if not ids:
            return []
        return list(query.where(Problem.id.in_(ids)).tuples())
    query = query.where(Problem.status != VOID)
    if batch is not None:
        query = query.where(Problem.batch.is_null() | (Problem.batch != batch))
    if found_on is not None:
        query = query.where(Problem.found_on <= found_on)
    if excluded:
        query = query.where(Problem.id.not_in(list(excluded)))
    return list(query.tuples())


IMPORT_CHECKED = 200  # new problems of one import looked up (about 20 ms each at 100000)


def possible_repeats(
    ledger: Ledger, codes: Sequence[str], *, checked: int = IMPORT_CHECKED
) -> tuple[list[tuple[str, Similar]], int]:
    """After an import: for each new problem (the first `checked` of `codes`), its most similar
    earlier, crossed-off problem of another batch — a repeat (复发) the user may want to link.
    Returns (code, best match) pairs and how many problems were looked at."""
    looked = list(codes[:checked])
    if not looked:
        return [], 0
    rows = (
        ledger.select(
            Problem, Problem.code, Problem.id, Problem.description, Problem.batch, Problem.found_on
        )
        .where(Problem.code.in_(looked))
        .tuples()
    )
    out = []
    for code, pid, description, batch, found_on in rows:
        found = [
            s
            for s in similar_problems(
                ledger, description, batch=batch, found_on=found_on, exclude=[pid]
            )
            if s.status == CLOSED
        ]
        if found:
            out.append((code, found[0]))
    out.sort(key=lambda pair: pair[0])
    return out, len(looked)


def repeat_lines(pairs: list[tuple[str, Similar]], looked: int, total: int) -> list[str]:
    """The words for `possible_repeats`: one line per new problem that resembles a closed one."""
    if not pairs:
        return []
    part = f"（查看了前 {looked} 个）" if looked < total else ""
    lines = [f"其中 {len(pairs)} 个新问题与其他批次已销号的早先问题相似，可能是复发{part}："]
    lines += [
        f"  {code} ≈ {s.code}（相似度 {s.percent}，相同的词：{s.words_text}）" for code, s in pairs
    ]
    lines.append("  确认是复发的，可在“督办 → 相似问题与复发…”或用命令 repeat 关联。")
    return lines
