"""Why a row is in the list: where a search term or a department/person filter matched a problem.

The list shows a problem's code, description, department, leader, category and batch. A search
also reads the cause, target, remarks, measures and progress entries, and the department and
person filters also match a measure's department or owner; a row that matched only there looks
like a wrong answer unless the list says where (“措施 2：…开展专题调研…”). This module says so for
a page of rows, and `spans` finds the term in a text the way the search does (full-width finds
half-width, case ignored) so the screen can highlight it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from .dates import format_date
from .ledger import Ledger
from .models import Batch, Category, Department, Measure, Problem, Progress
from .queries import LEADER, OWNER, Filter, with_measure_names, with_problem_names

BEFORE, AFTER = 8, 18  # characters of context kept around a match in a note


def search_form(term: str) -> str:
    """The search term as `queries` compares it: wildcards dropped, NFKC, casefolded."""
    return _normal(term.replace("%", "").replace("_", "").strip())


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def spans(text: str, term: str) -> list[tuple[int, int]]:
    """(start, end) of each occurrence of `term` (already in `search_form`) in `text`, as
    positions in `text` itself: each character is normalized on its own, so a full-width letter
    or a character NFKC expands still maps back to where it stands."""
    if not term or not text:
        return []
    normal, origin = [], []
    for index, ch in enumerate(text):
        form = _normal(ch)
        normal.append(form)
        origin.extend([index] * len(form))
    flat = "".join(normal)
    found, start = [], flat.find(term)
    while start >= 0:
        end = start + len(term)
        found.append((origin[start], origin[end - 1] + 1))
        start = flat.find(term, end)
    return found


def snippet(text: str, term: str) -> str:
    """The part of `text` around the first match, one line, “…” where it was cut."""
    text = " ".join(text.split())
    found = spans(text, term)
    if not found:
        return text[: BEFORE + AFTER]
    start, end = found[0]
    left, right = max(0, start - BEFORE), min(len(text), end + AFTER)
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


@dataclass
class _Measure:
    seq: int
    text: str
    owner_id: int | None
    owner: str
    department_id: int | None
    department: str
    void: bool


def where_matched(ledger: Ledger, flt: Filter, ids: list[int]) -> dict[int, str]:
    """For each of `ids`, where the filter matched it: a department or person filter always says
    whether through the problem itself (问题的责任部门) or which measure; a search term gets a
    note only when no visible column holds it (those are marked in the list itself)."""
    term = search_form(flt.search)
    if not ids or not (term or flt.department is not None or flt.person is not None):
        return {}
    problems = {row[0]: row for row in _problems(ledger, ids)}
    measures: dict[int, list[_Measure]] = {}
    query = (
        with_measure_names(
            ledger.select(
                Measure,
                Measure.problem,
                Measure.seq,
                Measure.text,
                Measure.owner,
                OWNER.name,
                Measure.department,
                Department.name,
                Measure.status,
            )
        )
        .where(Measure.problem.in_(ids))
        .order_by(Measure.problem, Measure.seq)
        .tuples()
    )
    for pid, seq, text, owner_id, owner, dept_id, dept, status in query:
        measures.setdefault(pid, []).append(
            _Measure(seq, text, owner_id, owner or "", dept_id, dept or "", status == "void")
        )
    notes: dict[int, list[str]] = {}
    unexplained = []
    for pid, row in problems.items():
        _, code, desc, cause, target, remarks, leader_id, leader, dept_id, dept, cat, batch = row
        found = notes.setdefault(pid, [])
        mine = measures.get(pid, [])
        for wanted, own, whose, key, label, name in (
            (flt.department, dept_id, "问题的责任部门", "department_id", "责任部门", "department"),
            (flt.person, leader_id, "问题的责任领导", "owner_id", "责任人", "owner"),
        ):
            if wanted is None:
                continue
            if own == wanted:
                found.append(whose)
                continue
            hit = next((m for m in mine if getattr(m, key) == wanted), None)
            if hit is not None:
                found.append(f"措施 {hit.seq} {label}：{getattr(hit, name)}")
        if not term:
            continue
        visible = (code, desc, leader or "", dept or "", cat or "", batch or "")
        if any(term in _normal(text) for text in visible):
            continue
        note = _in_texts(term, [("原因分析", cause), ("整改目标", target), ("备注", remarks)])
        note = note or _in_measures(term, mine)
        if note:
            found.append(note)
        else:
            unexplained.append(pid)
    if unexplained:
        for pid, note in _in_progress(ledger, term, unexplained).items():
            notes[pid].append(note)
    return {pid: "；".join(found) for pid, found in notes.items() if found}


def _problems(ledger: Ledger, ids: list[int]):
    return (
        with_problem_names(
            ledger.select(
                Problem,
                Problem.id,
                Problem.code,
                Problem.description,
                Problem.cause,
                Problem.target,
                Problem.remarks,
                Problem.leader,
                LEADER.name,
                Problem.department,
                Department.name,
                Category.name,
                Batch.name,
            )
        )
        .where(Problem.id.in_(ids))
        .tuples()
    )


def _in_texts(term: str, fields: list[tuple[str, str]]) -> str:
    for label, text in fields:
        if text and term in _normal(text):
            return f"{label}：{snippet(text, term)}"
    return ""


def _in_measures(term: str, measures: list[_Measure]) -> str:
    for m in measures:
        void = "（已作废）" if m.void else ""
        if term in _normal(m.text):
            return f"措施 {m.seq}{void}：{snippet(m.text, term)}"
        if m.owner and term in _normal(m.owner):
            return f"措施 {m.seq}{void} 责任人：{m.owner}"
    return ""


def _in_progress(ledger: Ledger, term: str, ids: list[int]) -> dict[int, str]:
    query = (
        ledger.select(Progress, Measure.problem, Measure.seq, Progress.on, Progress.text)
        .join(Measure, on=(Progress.measure == Measure.id))
        .where(Measure.problem.in_(ids))
        .order_by(Measure.problem, Progress.on.desc(), Progress.id.desc())
        .tuples()
    )
    notes: dict[int, str] = {}
    for pid, seq, on, text in query:
        if pid not in notes and term in _normal(text):
            when = format_date(on) if isinstance(on, dt.date) else str(on)
            notes[pid] = f"措施 {seq} 进展（{when}）：{snippet(text, term)}"
    return notes
