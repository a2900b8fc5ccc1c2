"""Applying an import plan: one transaction, all or nothing, every row journaled as an import.

Names (people, departments, categories, sources, batches), recognised rows and problem codes are
worked out again under the write lock, so a preview that has gone stale (someone added a
department meanwhile) still imports cleanly. Each problem's rows form one journal entry with
action "import" and an `import_source` row naming the workbook, its SHA-256, the sheet and row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from peewee import fn

from .. import busy
from ..bulk import BulkWriter, Cancelled, ProgressCallback, gc_paused
from ..changes import Changes
from ..db import write_transaction
from ..deadlines import IMMEDIATE
from ..errors import ReadOnlyError
from ..journal import json_value
from ..ledger import Ledger
from ..models import (
    PROGRESS_IMPORTED,
    PROGRESS_IMPORTED_UNDATED,
    ImportSource,
    Measure,
    Meta,
    Problem,
    Progress,
)
from ..recorder import TABLE_OF
from ..tags import codes as tag_codes
from ..tags import normalise as normalise_tags
from ..workflow import (
    CLOSED,
    EDITABLE,
    LISTED,
    M_DONE,
    M_OPEN,
    M_VOID,
    PENDING,
    STATUS_LABELS,
    VOID,
)
from .cells import status_rank
from .closing import BY_CHOICE, BY_DATE, BY_WORD
from .plan import CREATE, NAME_KINDS, SKIP, UPDATE, ImportPlan, LedgerIndex
from .records import ImportWarning, MeasurePlan, ProblemPlan

ACTION = "import"
ALL_DONE_NOTE = "导入：原表中各项整改措施均为“已完成”，没有写明销号，待审核销号。"
CLOSED_NOTES = {
    BY_WORD: "导入：原表写明已销号（导入时已销号，未经本台账审核）。",
    BY_DATE: "导入：原表填写了销号时间（导入时已销号，未经本台账审核）。",
    BY_CHOICE: "导入：原表中各项整改措施均为“已完成”，导入时选择按已销号导入（未经审核）。",
}
VOIDED = {"voided_from": LISTED, "status_reason": "原表中已作废"}
PROBLEM_FIELDS = ("description", "cause", "target", "source", "category", "leader", "department")
MEASURE_FIELDS = ("text", "owner", "department", "deadline_text", "deadline_kind")
MEASURE_FIELDS += ("deadline_date", "deadline_rhythm")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    measures: int = 0
    codes: list[str] = field(default_factory=list)  # codes of the problems created
    warnings: list[ImportWarning] = field(default_factory=list)  # found while applying
    changes: Changes = field(default_factory=Changes)


def closure_note(p: ProblemPlan) -> str:
    """Why an imported problem is 待销号 or 已销号: what the workbook said, for the reviewer."""
    if p.status == PENDING and p.all_done:
        return ALL_DONE_NOTE
    if p.status == CLOSED:
        return CLOSED_NOTES.get(p.closed_by, "")
    return ""


_DATED = re.compile(
    r"^\s*(?:(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*日?"
    r"|(\d{1,2})\s*月\s*(\d{1,2})\s*日)\s*(?:（原表记载）)?[：:，,、\s]*"
)
_OURS_UNDATED = re.compile(r"^原表记载（[^）]*）：")  # this program's export of such an entry


def progress_entries(text: str, today: dt.date, year: int) -> list[tuple[dt.date, str, str]]:
    """A 整改进展 cell as progress entries: each line that starts with a date (“2026年3月5日：…”,
    “3.5 …”, “3月5日…”) an entry of that day; what no date starts is one entry dated the import
    day and marked so (`PROGRESS_IMPORTED_UNDATED`): it is not said to have happened then."""
    dated: list[tuple[dt.date, list[str]]] = []
    loose: list[str] = []
    for line in (text or "").split("\n"):
        if not line.strip():
            continue
        day = None
        line = _OURS_UNDATED.sub("", line)
        m = _DATED.match(line)
        if m:
            y, mo, d = (
                (m.group(1), m.group(2), m.group(3)) if m.group(1) else (None, *m.group(4, 5))
            )
            try:
                day = dt.date(int(y or year), int(mo), int(d))
            except ValueError:
                day = None
        if day is not None and day <= today and line[m.end() :].strip():
            dated.append((day, [line[m.end() :].strip()]))
        elif dated:
            dated[-1][1].append(line.strip())  # a line that goes on with the entry above
        else:
            loose.append(line.strip())
    out = [(today, "\n".join(loose), PROGRESS_IMPORTED_UNDATED)] if loose else []
    out += [(day, "\n".join(lines), PROGRESS_IMPORTED) for day, lines in dated]
    return out


def deadline_columns(m: MeasurePlan, anchor: dt.date) -> dict:
    """The Measure columns of a parsed deadline; 立行立改 without a date is due when found."""
    due = m.deadline.due
    if m.deadline.kind == IMMEDIATE and due is None:
        due = anchor
    return {
        "deadline_text": m.deadline.text,
        "deadline_kind": m.deadline.kind,
        "deadline_date": due,
        "deadline_rhythm": m.deadline.rhythm or "",
    }


class _Applier:
    def __init__(self, ledger: Ledger, plan: ImportPlan, progress: ProgressCallback) -> None:
        self.ledger, self.plan, self.progress = ledger, plan, progress
        self.writer = BulkWriter(ledger)
        self.now = ledger.now()
        self.result = ImportResult()
        self.ids: dict[str, dict[str, int]] = {}
        self.person_departments: dict[str, tuple[str, str]] = {}

    # -- names ---------------------------------------------------------------------------------
    def _names(self, actions: dict[int, str]) -> None:
        """Match every name to the ledger's entry, creating the missing ones in one entry."""
        wanted: dict[str, list[str]] = {kind: [] for kind in NAME_KINDS}

        def want(kind: str, name: str, department: str = "", post: str = "") -> None:
            if name and name not in wanted[kind]:
                wanted[kind].append(name)
            if kind == "person" and name and name not in self.person_departments:
                self.person_departments[name] = (department, post)

        for i, p in enumerate(self.plan.problems):
            if actions[i] == SKIP:
                continue
            want("category", p.category)
            want("source", p.source)
            want("batch", p.batch)
            want("department", p.department)
            want("person", p.leader, p.department, p.leader_post)
            for m in p.measures:
                want("department", m.department)
                want("person", m.owner, m.department, m.owner_post)
        changes = []
        for kind in ("department", "person", "category", "source", "batch"):
            model = NAME_KINDS[kind]
            known = dict(self.ledger.select(model, model.name, model.id).tuples())
            order = 0
            if "sort_order" in model._meta.fields:
                order = self.ledger.select(model, fn.MAX(model.sort_order)).scalar() or 0
            for name in wanted[kind]:
                if name in known:
                    continue
                values: dict = {"name": name}
                if "sort_order" in model._meta.fields:
                    order += 1
                    values["sort_order"] = order
                if kind == "person":
                    department, post = self.person_departments[name]
                    values["department"] = self.ids["department"].get(department)
                    values["post"] = post
                known[name], change = self.writer.create(model, values)
                changes.append(change)
            self.ids[kind] = known
        if changes:
            self.writer.event(self.now, self.ledger.actor, ACTION, None, changes)
            self.result.changes.dictionaries = True

    def ref(self, kind: str, name: str) -> int | None:
        return self.ids[kind].get(name) if name else None

    # -- codes ---------------------------------------------------------------------------------
    def _codes(self, creating: list[ProblemPlan]) -> list[str]:
        """Keep a workbook's 问题编号 when it is free; give the others the next unused numbers.

        The per-year counters end at the highest number now in use, so no code is ever reused.
        """
        used = {c for (c,) in self.ledger.select(Problem, Problem.code).tuples()}
        counters: dict[int, int] = {}
        meta = self.ledger.select(Meta, Meta.key, Meta.value)
        for key, value in meta.where(Meta.key.startswith("code_counter.")).tuples():
            counters[int(key.split(".", 1)[1])] = int(value)
        for code in used:
            _count(counters, code)
        kept = []
        for p in creating:
            keep = bool(p.code) and p.code not in used
            if keep:
                used.add(p.code)
            elif p.code:
                message = f"“{p.code}”已被台账中其他问题使用，已另行编号"
                self.result.warnings.append(
                    ImportWarning(p.sheet, p.first_row, "问题编号", message)
                )
            kept.append(keep)
        top = dict(counters)
        for code in used:
            _count(top, code)
        out = []
        for p, keep in zip(creating, kept, strict=True):
            if keep:
                out.append(p.code)
                continue
            year = p.found_on.year
            number = counters.get(year, 0) + 1
            while f"{year}-{number:03d}" in used:
                number += 1
            counters[year] = number
            code = f"{year}-{number:03d}"
            used.add(code)
            _count(top, code)
            out.append(code)
        self.writer.code_counters = top
        return out

    # -- creating ------------------------------------------------------------------------------
    def create(self, p: ProblemPlan, code: str) -> None:
        w = self.writer
        remarks = p.remarks
        if p.code and p.code != code:
            remarks = "\n".join(filter(None, [remarks, f"原编号：{p.code}"]))
        pid, change = w.create(
            Problem,
            {
                "code": code,
                "batch": self.ref("batch", p.batch),
                "source": self.ref("source", p.source),
                "category": self.ref("category", p.category),
                "description": p.description,
                "cause": p.cause,
                "target": p.target,
                "leader": self.ref("person", p.leader),
                "department": self.ref("department", p.department),
                "found_on": p.found_on,
                "status": p.status,
                "closed_on": p.closed_on if p.status == CLOSED else None,
                "closure_note": closure_note(p),
                "remarks": remarks,
                **(VOIDED if p.status == VOID else {}),
            },
        )
        changes = [change]
        for seq, m in enumerate(p.measures, 1):
            changes.extend(self._measure(pid, seq, m, p.found_on))
        changes.append(self._source(pid, p))
        w.event(self.now, self.ledger.actor, ACTION, pid, changes)
        self.result.created += 1
        self.result.measures += len(p.measures)
        self.result.codes.append(code)
        self.result.changes.problems.add(pid)

    def _measure(self, pid: int, seq: int, m: MeasurePlan, anchor: dt.date) -> list[dict]:
        mid, change = self.writer.create(
            Measure,
            {
                "problem": pid,
                "seq": seq,
                "text": m.text,
                "owner": self.ref("person", m.owner),
                "department": self.ref("department", m.department),
                "status": m.status,
                "done_on": m.done_on if m.status == M_DONE else None,
                **deadline_columns(m, anchor),
                "tags": normalise_tags(m.tags),
                "amount_cents": m.amount,
            },
        )
        self.result.changes.measures.add(mid)
        changes = [change]
        for on, text, origin in progress_entries(m.progress, self.ledger.today(), anchor.year):
            values = {"measure": mid, "on": on, "text": text, "origin": origin}
            changes.append(self.writer.create(Progress, {**values, "author": self.ledger.actor})[1])
        return changes

    def _source(self, pid: int, p: ProblemPlan) -> dict:
        values = {
            "problem": pid,
            "file": self.plan.file_name,
            "sha256": self.plan.sha256,
            "sheet": p.sheet,
            "row": p.first_row,
            "key": p.key,
        }
        return self.writer.create(ImportSource, values)[1]

    # -- updating ------------------------------------------------------------------------------
    def update(self, p: ProblemPlan, pid: int) -> None:
        """Bring a recognised problem up to the workbook: fields if still editable, status forward."""
        db = self.ledger.db
        current = Problem.select().where(Problem.id == pid).bind(db).dicts().first()
        if current["status"] == VOID:
            self._note(p, f"台账中问题 {current['code']} 已作废，未更新")
            return
        values: dict = {}
        if current["status"] in EDITABLE:
            wanted = {
                "description": p.description,
                "cause": p.cause,
                "target": p.target,
                "source": self.ref("source", p.source),
                "category": self.ref("category", p.category),
                "leader": self.ref("person", p.leader),
                "department": self.ref("department", p.department),
            }
            values = {k: v for k, v in wanted.items() if v not in (None, "")}
        if status_rank(p.status) > status_rank(current["status"]):
            values["status"] = p.status
            if p.status == CLOSED:
                values["closed_on"] = p.closed_on
            if closure_note(p):
                values["closure_note"] = closure_note(p)
        elif status_rank(p.status) < status_rank(current["status"]):
            label = STATUS_LABELS[current["status"]]
            self._note(p, f"台账中问题 {current['code']} 已是“{label}”，状态未改回")
        changes = self._write_update(Problem, current, values)
        if current["status"] in EDITABLE or values.get("status") == CLOSED:
            changes += self._update_measures(p, pid)
        if changes:
            changes.append(self._source(pid, p))
            self.writer.event(self.now, self.ledger.actor, ACTION, pid, changes)
            self.result.updated += 1
            self.result.changes.problems.add(pid)

    def _update_measures(self, p: ProblemPlan, pid: int) -> list[dict]:
        db = self.ledger.db
        rows = list(
            Measure.select()
            .where((Measure.problem == pid) & (Measure.status != M_VOID))
            .order_by(Measure.seq)
            .bind(db)
            .dicts()
        )
        top = Measure.select(fn.MAX(Measure.seq)).where(Measure.problem == pid).bind(db).scalar()
        changes: list[dict] = []
        for i, m in enumerate(p.measures):
            if i >= len(rows):
                top = (top or 0) + 1
                changes += self._measure(pid, top, m, p.found_on)
                self.result.measures += 1
                continue
            current = rows[i]
            values = {"text": m.text, **deadline_columns(m, p.found_on)}
            values["owner"] = self.ref("person", m.owner) or current["owner"]
            values["department"] = self.ref("department", m.department) or current["department"]
            if m.tags:  # the workbook's 措施类型 added to what the measure had
                values["tags"] = normalise_tags((*tag_codes(current["tags"]), *m.tags))
                if m.amount is not None:
                    values["amount_cents"] = m.amount
            if m.status == M_DONE and current["status"] != M_DONE:
                values.update(status=M_DONE, done_on=m.done_on)
            elif current["status"] == M_OPEN and m.status != M_DONE:
                values["status"] = m.status
            changes += self._write_update(Measure, current, values)
        return changes

    def _write_update(self, model, current: dict, values: dict) -> list[dict]:
        diffs = {}
        for name, new in values.items():
            old_json, new_json = json_value(current[name]), json_value(new)
            if old_json != new_json:
                diffs[name] = [old_json, new_json]
        if not diffs:
            return []
        update = {model._meta.fields[n]: values[n] for n in diffs}
        update[model.version] = model.version + 1
        model.update(update).where(model.id == current["id"]).execute(self.ledger.db)
        if model is Measure:
            self.result.changes.measures.add(current["id"])
        return [{"t": TABLE_OF[model], "id": current["id"], "op": "u", "f": diffs}]

    def _note(self, p: ProblemPlan, message: str) -> None:
        self.result.warnings.append(ImportWarning(p.sheet, p.first_row, None, message))

    # -- the whole import ----------------------------------------------------------------------
    def run(self) -> ImportResult:
        index = LedgerIndex.read(self.ledger)
        actions, existing = {}, {}
        for i, p in enumerate(self.plan.problems):
            existing[i] = index.recognise(p)
            update = self.plan.options.update
            actions[i] = CREATE if existing[i] is None else (UPDATE if update else SKIP)
        self._names(actions)
        creating = [p for i, p in enumerate(self.plan.problems) if actions[i] == CREATE]
        codes = iter(self._codes(creating))
        total = len(self.plan.problems)
        for i, p in enumerate(self.plan.problems):
            if actions[i] == CREATE:
                self.create(p, next(codes))
            elif actions[i] == UPDATE:
                self.update(p, existing[i])
            else:
                self.result.skipped += 1
            if self.progress and i % 100 == 99 and not self.progress(i + 1, total * 2):
                raise Cancelled("已取消导入，未做任何修改。")
        if self.writer.events:

            def scaled(done: int, events: int) -> bool:
                return self.progress(total + done * total // max(events, 1), total * 2)

            head = self.writer.write(scaled if self.progress else None, one_transaction=True)
            self.result.changes.journal_head = head.code
        if self.progress and not self.progress(total * 2, total * 2):
            raise Cancelled("已取消导入，未做任何修改。")
        return self.result


def _count(counters: dict[int, int], code: str) -> None:
    m = re.fullmatch(r"([0-9]{4})-([0-9]+)", code)
    if m:
        counters[int(m[1])] = max(counters.get(int(m[1]), 0), int(m[2]))


def apply_plan(
    ledger: Ledger, plan: ImportPlan, *, progress: ProgressCallback = None
) -> ImportResult:
    """Write the plan in one transaction; raises `Cancelled` (nothing written) if progress says stop.

    `progress(done, total)` is called from the calling thread, so a wizard runs this in a worker
    and forwards the numbers to its progress bar; returning False cancels.
    """
    if ledger.read_only:
        raise ReadOnlyError("此台账以只读方式打开，不能导入。")
    with gc_paused(), write_transaction(ledger.db):
        # a note beside the ledger while the lock is held, for writers that have to wait
        with busy.holding(ledger.location, "导入Excel", ledger.actor, ledger.stamp()):
            return _Applier(ledger, plan, progress).run()
