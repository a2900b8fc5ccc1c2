"""The journal made readable: who changed what, from what to what, and when."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from . import journal
from .dates import format_date, format_datetime
from .labels import TABLE_LABELS, action_label, field_label, size_label
from .ledger import Ledger
from .models import Batch, Category, Department, Measure, Person, Problem, Source
from .workflow import MEASURE_LABELS, STATUS_LABELS

IMPORT = "import"  # the journal action of an Excel import (tracker/excel/importer.py)
REFERENCES = {
    "batch": Batch,
    "source": Source,
    "category": Category,
    "leader": Person,
    "owner": Person,
    "department": Department,
}
DATE_FIELDS = {
    "found_on",
    "closed_on",
    "done_on",
    "deadline_date",
    "on",
    "held_on",
    "old_date",
    "new_date",
}
HIDDEN = {
    "deadline_kind",
    "deadline_rhythm",
    "deadline_date",
    "seq",
    "problem",
    "measure",
    "sha256",
}
SHOWN_ON_CREATE = {
    "problem": ["code", "description"],
    "measure": ["text", "owner", "deadline_text"],
    "progress": ["on", "text"],
    "evidence": ["name", "size"],
    "extension": ["old_text", "new_text", "reason"],
    "import_source": ["file", "sheet", "row"],
}
# An import sets everything at once: its history shows every value it set, in the order of the
# problem's form (what the workbook said is then readable where the user looks for it).
SHOWN_ON_IMPORT = {
    **SHOWN_ON_CREATE,
    "problem": [
        "code",
        "description",
        "batch",
        "source",
        "category",
        "cause",
        "target",
        "leader",
        "department",
        "found_on",
        "status",
        "closed_on",
        "closure_note",
        "status_reason",
        "remarks",
    ],
    "measure": ["text", "owner", "department", "deadline_text", "status", "done_on"],
    "progress": ["on", "text", "author"],
    "person": ["name", "department", "post"],
}


SUBJECT_TEXT = 24  # characters of a measure's text quoted in an entry's title


@dataclass(frozen=True)
class HistoryItem:
    seq: int
    at: str
    actor: str
    action: str
    lines: list[str]  # each change in full (a screen elides them; the text stays whole here)
    subject: str = ""  # the one measure the entry is about, e.g. 措施 2“修订会议管理办法”

    @property
    def when(self) -> str:
        return format_datetime(dt.datetime.fromisoformat(self.at))

    @property
    def title(self) -> str:
        """The action and, when it concerns one measure, which: 措施完成：措施 2“…”."""
        return f"{self.action}：{self.subject}" if self.subject else self.action


class _Names:
    """Resolves ids in journal values to today's names, caching lookups."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.cache: dict = {}

    def __call__(self, field: str, value):
        if value in (None, ""):
            return "（空）"
        model = REFERENCES.get(field)
        if model is not None:
            key = (model, value)
            if key not in self.cache:
                row = (
                    self.ledger.select(model, model.name).where(model.id == value).tuples().first()
                )
                self.cache[key] = row[0] if row else f"#{value}"
            return self.cache[key]
        if field == "status":
            return STATUS_LABELS.get(value) or MEASURE_LABELS.get(value, value)
        if field == "voided_from":
            return STATUS_LABELS.get(value, value)
        if field == "recurrence_of":
            row = (
                self.ledger.select(Problem, Problem.code)
                .where(Problem.id == value)
                .tuples()
                .first()
            )
            return row[0] if row else f"#{value}"
        if isinstance(value, bool):
            return "是" if value else "否"
        if field in DATE_FIELDS:
            return format_date(dt.date.fromisoformat(value))
        if field == "size" and isinstance(value, int):
            return size_label(value)
        return str(value)

    def measure(self, measure_id) -> tuple[int, str] | None:
        """(seq, text) of a measure as it is now, or None if there is no such row."""
        key = (Measure, measure_id)
        if key not in self.cache:
            self.cache[key] = (
                self.ledger.select(Measure, Measure.seq, Measure.text)
                .where(Measure.id == measure_id)
                .tuples()
                .first()
            )
        return self.cache[key]


def _measures_of(change: dict) -> set:
    """The measure a journaled change concerns: the measure itself, or the one a progress entry,
    extension or evidence file was added to."""
    if change["t"] == "measure":
        return {change["id"]}
    if change["op"] == "c" and change["f"].get("measure") is not None:
        return {change["f"]["measure"]}
    return set()


def _subject(names: _Names, changes: list[dict]) -> str:
    measures = set().union(*(_measures_of(c) for c in changes)) if changes else set()
    if len(measures) != 1:
        return ""
    found = names.measure(measures.pop())
    if found is None:
        return ""
    seq, text = found
    text = " ".join(text.split())
    short = text if len(text) <= SUBJECT_TEXT else text[: SUBJECT_TEXT - 1] + "…"
    return f"措施 {seq}“{short}”"


def describe_changes(
    ledger: Ledger, changes: list[dict], names: _Names | None = None, *, imported: bool = False
) -> list[str]:
    """Lines in words; `imported`: rows created by an import show every value they were given."""
    names = names or _Names(ledger)
    lines = []
    shown_on = SHOWN_ON_IMPORT if imported else SHOWN_ON_CREATE
    for change in changes:
        table = change["t"]
        what = TABLE_LABELS.get(table, table)
        if table == "measure" and change["op"] != "c":
            found = names.measure(change["id"])
            what = f"措施 {found[0]}" if found else what
        if change["op"] == "c":
            shown = shown_on.get(table, ["name", "value"])
            parts = [
                f"{field_label(table, f)}：{names(f, change['f'][f])}"
                for f in shown
                if f in change["f"] and change["f"][f] not in (None, "")
            ]
            lines.append(f"新增{what}" + (f"（{'；'.join(parts)}）" if parts else ""))
        else:
            for name, (old, new) in change["f"].items():
                if name in HIDDEN:
                    continue
                lines.append(
                    f"{what}·{field_label(table, name)}：{names(name, old)} → {names(name, new)}"
                )
    return lines


def problem_history(ledger: Ledger, problem_id: int) -> list[HistoryItem]:
    names = _Names(ledger)
    return [
        HistoryItem(
            e.seq,
            e.at,
            e.actor,
            action_label(e.action),
            describe_changes(ledger, e.changes, names, imported=e.action == IMPORT),
            _subject(names, e.changes),
        )
        for e in journal.entries(ledger.db, problem=problem_id)
    ]
