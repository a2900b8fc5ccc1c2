"""The demo ledger: a deterministic, realistic year of a branch's rectification work, with its history.

Rows and journal entries are generated together in memory (each event records exactly the field
changes it makes), then written in one transaction with batched inserts, so the demo scales to
100000 problems and passes `verify` like a ledger built by hand. The same seed and the same
"today" give the same ledger.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import os
import random
import zlib
from collections.abc import Callable
from pathlib import Path

from . import busy, tags
from . import demo_text as T
from .bulk import BulkWriter, ProgressCallback, gc_paused
from .deadlines import IMMEDIATE, Deadline
from .errors import LedgerOpenError
from .ledger import Ledger, create_ledger, system_clock
from .models import (
    Batch,
    Category,
    Department,
    Evidence,
    Measure,
    Person,
    Problem,
    Progress,
    Source,
)
from .services.evidence import evidence_file
from .services.measures import deadline_fields
from .workflow import (
    CLOSED,
    IN_PROGRESS,
    LISTED,
    LONG_TERM,
    M_DONE,
    M_LONG_TERM,
    M_OPEN,
    PENDING,
    VOID,
)

HISTORY_DAYS = 365
CATEGORIES = list(T.PROBLEMS)
MEASURE_COUNTS = [2, 3, 3, 3, 4]
# A problem's fate by its age: (statuses, cumulative weights) for `random.choices`.
FATES = {
    old: (list(weights), list(itertools.accumulate(weights.values())))
    for old, weights in (
        (True, {CLOSED: 55, PENDING: 6, IN_PROGRESS: 24, LONG_TERM: 6, LISTED: 4, VOID: 3}),
        (False, {CLOSED: 12, PENDING: 6, IN_PROGRESS: 45, LONG_TERM: 4, LISTED: 30, VOID: 3}),
    )
}
EVIDENCE_NAME = "整改情况说明.txt"  # after the problem's code
SHARED_EVIDENCE_NAME = "会议记录（复用）.txt"


def demo_tags(pid: int, text: str) -> dict:
    """措施类型 for a demo measure, read from its text (and, for the few that hold people to
    account or recover money, from the problem's number): no draw from the random generator, so
    the rest of a seeded demo is what it was."""
    found = {code for word, code in T.MEASURE_TAGS.items() if word in text}
    amount = None
    if "检查" in text and pid % 5 == 0:
        found.add(tags.ACCOUNTABILITY)
    if "财务" in text and pid % 3 == 0:
        found.add(tags.RECOVERY)
        amount = (pid * 7919 % 48 + 2) * 100_000  # 2000 to 49000 yuan
    return {"tags": tags.normalise(found), "amount_cents": amount}


class _Random(random.Random):
    """`random.Random` with `randint` and `choice` written out: the demo draws millions of them,
    and the library's versions go through three Python calls each. The draws are the library's
    own (the same bits from `getrandbits`, rejected the same way), so a seed gives the same
    ledger as before; a test holds the two equal."""

    def randint(self, a: int, b: int) -> int:
        n = b - a + 1
        if n <= 0:
            raise ValueError(f"empty range for randint({a}, {b})")
        k = n.bit_length()
        r = self.getrandbits(k)
        while r >= n:
            r = self.getrandbits(k)
        return a + r

    def choice(self, seq):
        n = len(seq)
        if not n:
            raise IndexError("Cannot choose from an empty sequence")
        k = n.bit_length()
        r = self.getrandbits(k)
        while r >= n:
            r = self.getrandbits(k)
        return seq[r]


class _Generator:
    def __init__(
        self, ledger: Ledger, rng: random.Random, now: dt.datetime, count: int, seed: int = 0
    ) -> None:
        self.ledger = ledger
        self.rng = rng
        self.now = now
        self.today = now.date()
        self.start = now - dt.timedelta(days=HISTORY_DAYS)
        self.count = count
        self.ev = BulkWriter(ledger)
        self.files: list[tuple[str, bytes]] = []
        self.evidence_dir = str(ledger.evidence_dir)
        # file name endings `evidence_file` gives the two kinds of demo evidence
        self.suffixes = {
            shared: evidence_file(ledger, "0" * 64, name).name[64:]
            for shared, name in ((False, EVIDENCE_NAME), (True, SHARED_EVIDENCE_NAME))
        }
        self.deadlines: dict[str, tuple] = {}  # deadline text -> (columns, parsed deadline)
        self.code_numbers: dict[int, int] = {}
        self.closed_codes: list[tuple[int, dt.date]] = []
        from .followup.demo import FollowupDemo

        self.followup = FollowupDemo(self, seed)

    def new_id(self, model) -> int:
        return self.ev.new_id(model)

    def _create(self, model, pk: int, values: dict) -> dict:
        return self.ev.create(model, values, pk=pk)[1]

    def at(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        randint = self.rng.randint
        hour = hour if hour is not None else randint(8, 17)
        moment = dt.datetime(day.year, day.month, day.day, hour, randint(0, 59), randint(0, 59))
        return moment if moment < self.now else self.now

    # -- dictionaries ---------------------------------------------------------------------------
    def dictionaries(self) -> None:
        led = self.ledger
        self.categories = {
            name: pk for pk, name in led.select(Category, Category.id, Category.name).tuples()
        }
        sources = {name: pk for pk, name in led.select(Source, Source.id, Source.name).tuples()}
        changes = []
        self.departments = {}
        for order, name in enumerate(T.DEPARTMENTS, 1):
            pk = self.new_id(Department)
            self.departments[name] = pk
            changes.append(self._create(Department, pk, {"name": name, "sort_order": order}))
        self.people = {}
        for name, dept, post in T.PEOPLE:
            pk = self.new_id(Person)
            self.people[name] = (pk, self.departments[dept])
            changes.append(
                self._create(
                    Person, pk, {"name": name, "department": self.departments[dept], "post": post}
                )
            )
        self.batches = []
        for name, source, months in T.BATCHES:
            held = self.today - dt.timedelta(days=int(months * 30.4))
            pk = self.new_id(Batch)
            self.batches.append((pk, held, sources[source]))
            changes.append(
                self._create(
                    Batch,
                    pk,
                    {
                        "name": name,
                        "source": sources[source],
                        "held_on": held,
                        "doc_no": f"示范党支〔{held.year}〕{len(self.batches)}号",
                    },
                )
            )
        self.ev.event(
            self.start + dt.timedelta(hours=1), T.CONTACT[0], "demo.create", None, changes
        )

    # -- problems -------------------------------------------------------------------------------
    def problem(self, index: int) -> None:
        rng, ev = self.rng, self.ev
        batch_id, held, source = self.batches[index % len(self.batches)]
        found = min(held + dt.timedelta(days=rng.randint(0, 6)), self.today)
        category = rng.choice(CATEGORIES)
        openings, specifics, effects = T.PROBLEMS[category]
        description = f"{rng.choice(openings)}，{rng.choice(specifics)}，{rng.choice(effects)}。"
        leader = rng.choice(T.LEADERS)
        leader_id, leader_dept = self.people[leader]
        number = self.code_numbers.get(found.year, 0) + 1
        self.code_numbers[found.year] = number
        pid = self.new_id(Problem)
        recurrence = None
        if self.closed_codes and rng.random() < 0.01:
            candidate, closed_on = rng.choice(self.closed_codes)
            if closed_on < found:
                recurrence = candidate
        fate = self.fate(found)
        values = {
            "code": f"{found.year}-{number:03d}",
            "batch": batch_id,
            "source": source,
            "category": self.categories.get(category),
            "description": description,
            "cause": rng.choice(T.CAUSES),
            "target": rng.choice(T.TARGETS),
            "leader": leader_id,
            "department": leader_dept,
            "found_on": found,
            "status": LISTED,
            "recurrence_of": recurrence,
        }
        changes = [self._create(Problem, pid, values)]
        measures = []
        texts = rng.sample(T.MEASURES, rng.choice(MEASURE_COUNTS))
        for seq, text in enumerate(texts, 1):
            ongoing = rng.random() < 0.12 or (fate == LONG_TERM and seq == len(texts))
            if ongoing:
                deadline = rng.choice(T.ONGOING_FORMS)
            elif rng.random() < 0.08:
                deadline = "立行立改"
            else:
                due = found + dt.timedelta(days=rng.randint(20, 240))
                deadline = rng.choice(T.DEADLINE_FORMS).format(y=due.year, m=due.month, d=due.day)
            columns, parsed = self.deadline_fields(deadline, found)
            owner = rng.choice(T.PEOPLE)[0]
            owner_id, owner_dept = self.people[owner]
            mid = self.new_id(Measure)
            status = M_LONG_TERM if parsed.is_ongoing else M_OPEN
            changes.append(
                self._create(
                    Measure,
                    mid,
                    {
                        "problem": pid,
                        "seq": seq,
                        "text": text,
                        "owner": owner_id,
                        "department": owner_dept,
                        "status": status,
                        **columns,
                        **demo_tags(pid, text),
                    },
                )
            )
            measures.append((mid, status, columns["deadline_date"], owner))
        clerk = T.CONTACT[0]
        ev.event(self.at(found), clerk, "problem.create", pid, changes)
        self.history(pid, found, fate, measures, values["code"])

    def fate(self, found: dt.date) -> str:
        # what `rng.choices(statuses, weights)` draws, without rebuilding the table each time
        statuses, cumulative = FATES[(self.today - found).days > 60]
        point = self.rng.random() * (cumulative[-1] + 0.0)
        return statuses[bisect.bisect(cumulative, point, 0, len(statuses) - 1)]

    def deadline_fields(self, text: str, found: dt.date) -> tuple[dict, Deadline]:
        """`services.measures.deadline_fields`, each distinct text read once."""
        known = self.deadlines.get(text)
        if known is None:
            known = self.deadlines[text] = deadline_fields(text, found)
        columns, parsed = known
        if parsed.kind == IMMEDIATE and parsed.due is None:  # due on the day it was found
            return deadline_fields(text, found)
        return columns, parsed  # shared: callers only read it or copy it into a row

    def history(self, pid: int, found: dt.date, fate: str, measures: list, code: str) -> None:
        rng, ev = self.rng, self.ev
        if fate == VOID:
            day = min(found + dt.timedelta(days=rng.randint(1, 20)), self.today)
            reason = rng.choice(["与本批次其他问题重复", "经核实不属于本支部问题", "录入错误"])
            ev.event(
                self.at(day),
                T.CONTACT[0],
                "problem.void",
                pid,
                [ev.update(Problem, pid, status=VOID, status_reason=reason, voided_from=LISTED)],
            )
            return
        if fate == LISTED:
            return
        day = min(found + dt.timedelta(days=rng.randint(3, 15)), self.today)
        first = measures[0]
        changes = [self._progress(pid, first[0], day, first[3], rng.choice(T.PROGRESS[:5]))]
        changes.append(ev.update(Problem, pid, status=IN_PROGRESS))
        ev.event(self.at(day), first[3], "progress.create", pid, changes)
        last_done = day
        finishing = fate in (CLOSED, PENDING, LONG_TERM)
        yesterday = self.today - dt.timedelta(days=1)
        for mid, status, due, owner in measures:
            if status == M_LONG_TERM:
                continue
            target = due or day
            if finishing:  # done somewhere between starting and the deadline, leaving time to close
                latest = min(target + dt.timedelta(days=5), self.today - dt.timedelta(days=12))
                done = day + dt.timedelta(days=rng.randint(0, max(0, (latest - day).days)))
                finish = done <= yesterday
            else:  # still in progress: most work past its deadline got done anyway, some did not
                done = min(max(target + dt.timedelta(days=rng.randint(-25, 5)), day), yesterday)
                finish = rng.random() < (0.8 if target < self.today else 0.3)
                finish = finish and done >= day
            if not finish:
                self._maybe_extend(pid, mid, due, day, owner)
                self.followup.unfinished(pid, mid, day, owner)
                if finishing:  # a measure could not be finished in time: the problem stays open
                    fate, finishing = IN_PROGRESS, False
                continue
            changes = [
                self._progress(pid, mid, done, owner, T.PROGRESS[-1]),
                ev.update(Measure, mid, status=M_DONE, done_on=done),
            ]
            ev.event(self.at(done), owner, "progress.create", pid, changes)
            last_done = max(last_done, done)
        if fate == LONG_TERM:
            day = last_done + dt.timedelta(days=rng.randint(1, 10))
            if day < self.today:
                ev.event(
                    self.at(day),
                    T.CONTACT[0],
                    "problem.set_long_term",
                    pid,
                    [ev.update(Problem, pid, status=LONG_TERM)],
                )
            return
        if fate not in (CLOSED, PENDING):
            return
        applied = last_done + dt.timedelta(days=rng.randint(2, 8))
        approved = applied + dt.timedelta(days=rng.randint(2, 12))
        if applied >= self.today:
            return
        self._evidence(pid, applied, code)
        note = "各项整改措施已落实完成，相关制度已印发执行，佐证材料齐全，申请销号。"
        ev.event(
            self.at(applied, 15),
            T.CONTACT[0],
            "problem.request_closure",
            pid,
            [ev.update(Problem, pid, status=PENDING, applicant=T.CONTACT[0], closure_note=note)],
        )
        if fate == PENDING or approved >= self.today:
            return
        reviewer = rng.choice(T.REVIEWERS)
        ev.event(
            self.at(approved, 16),
            reviewer,
            "problem.approve",
            pid,
            [
                ev.update(
                    Problem,
                    pid,
                    status=CLOSED,
                    reviewer=reviewer,
                    review_opinion="经审核，整改到位，同意销号。",
                    closed_on=approved,
                ),
                self.followup.on_approval(pid, approved),
            ],
        )
        self.closed_codes.append((pid, approved))
        recheck = approved + dt.timedelta(days=rng.randint(30, 120))
        if rng.random() < 0.03 and recheck < self.today:
            reason = "回头看发现问题有反弹，重新整改。"
            ev.event(
                self.at(recheck),
                "韩立新",
                "lookback.slipped",
                pid,
                [
                    self.followup.slipped(pid, recheck, "问题有反弹"),
                    ev.update(
                        Problem,
                        pid,
                        status=IN_PROGRESS,
                        status_reason=reason,
                        applicant="",
                        reviewer="",
                        closed_on=None,
                        closure_note="",
                        review_opinion="",
                    ),
                ],
            )
        else:
            self.followup.held_when_due(pid, approved)

    def _progress(self, pid: int, mid: int, day: dt.date, author: str, text: str) -> dict:
        return self._create(
            Progress,
            self.new_id(Progress),
            {"measure": mid, "on": day, "text": text, "author": author},
        )

    def _maybe_extend(
        self, pid: int, mid: int, due: dt.date | None, started: dt.date, owner: str
    ) -> None:
        if due is None or self.rng.random() > 0.25:
            return
        asked = max(started, due - dt.timedelta(days=self.rng.randint(1, 10)))
        if asked >= self.today:
            return
        new_due = due + dt.timedelta(days=self.rng.randint(30, 90))
        new_text = f"{new_due.year}年{new_due.month}月{new_due.day}日前"
        columns, _ = self.deadline_fields(new_text, started)
        row = self.ev.rows["measure"][mid]
        # asked for and approved by someone else the same day: two moments, in order
        moments = sorted([self.at(asked), self.at(asked)])
        self.followup.approved_extension(
            pid,
            mid,
            moments,
            owner,
            row,
            new_text,
            columns,
            "涉及制度修订需履行审议程序，申请延期。",
        )

    def _evidence(self, pid: int, day: dt.date, code: str) -> None:
        shared = len(self.files) == 5
        if shared:  # one deliberate 纸面销号 for the demo: a file already used by another problem
            content, name = self.files[0][1], SHARED_EVIDENCE_NAME
        else:
            content = f"{T.UNIT_NAME}\n问题 {code} 整改情况说明\n整改措施已全部落实，附会议记录及制度文件。\n".encode()
            name = f"{code}{EVIDENCE_NAME}"
        sha = hashlib.sha256(content).hexdigest()
        # where `evidence_file` puts it (both names end in the same suffix), built as text
        path = os.path.join(self.evidence_dir, sha[:2], sha + self.suffixes[shared])
        self.files.append((path, content))
        eid = self.new_id(Evidence)
        at = self.at(day, 14)
        self.ev.event(
            at,
            T.CONTACT[0],
            "evidence.create",
            pid,
            [
                self._create(
                    Evidence,
                    eid,
                    {
                        "problem": pid,
                        "sha256": sha,
                        "name": name,
                        "size": len(content),
                        "added_by": T.CONTACT[0],
                        "added_at": at.isoformat(sep=" "),
                    },
                )
            ],
        )

    # -- writing --------------------------------------------------------------------------------
    def write(self, progress: ProgressCallback) -> None:
        self.ev.files = self.files
        self.ev.code_counters = dict(self.code_numbers)
        self.ev.write(progress)


def build_demo(
    location: str | Path,
    *,
    problems: int = 300,
    seed: int = 2026,
    actor: str | None = None,
    clock: Callable[[], dt.datetime] = system_clock,
    progress: ProgressCallback = None,
    unit: str | None = None,
) -> Ledger:
    """Create a new ledger file filled with a demo history ending today (one transaction).

    `unit` names the demo's unit (a branch of a committee); its name also varies the content,
    so several branches made with one seed differ, each still the same on every run.
    """
    if problems < 0:
        raise ValueError("problems must be >= 0")
    path = Path(location)
    if path.exists() and path.stat().st_size > 0:
        raise LedgerOpenError(
            f"示例台账只能创建在新文件中，“{path}” 已存在。请用 --db 指定另一个文件。"
        )
    now = clock()
    start = now - dt.timedelta(days=HISTORY_DAYS)
    ledger = create_ledger(
        path,
        unit_name=(unit or "").strip() or T.UNIT_NAME,
        contact_person=T.CONTACT[0],
        contact_phone=T.CONTACT[1],
        actor=T.CONTACT[0],
        clock=lambda: start,
    )
    ledger.clock = clock
    ledger.actor = actor or ledger.actor
    with gc_paused():
        if (unit or "").strip():
            seed = seed ^ zlib.crc32(unit.strip().encode("utf-8"))
        gen = _Generator(ledger, _Random(seed), now, problems, seed)
        gen.dictionaries()
        for index in range(problems):
            gen.problem(index)
        with busy.holding(path, "生成示例台账", ledger.actor, ledger.stamp()):
            gen.write(progress)
        del gen  # freed by reference counting before the collector is back
    return ledger
