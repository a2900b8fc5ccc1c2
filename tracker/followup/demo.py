"""The demo's follow-up: 回头看 set at every 销号 (and recorded when due), 催办 of late measures,
a few 延期申请 waiting for a decision — made with a random stream of their own, so the rest of
the demo (drawn from the main stream) is the same ledger it was before these records existed.
"""

from __future__ import annotations

import datetime as dt
import random

from ..models import Chase, ChaseMeasure, Extension, ExtensionRequest, Lookback, Measure
from ..workflow import (
    LOOKBACK_HELD,
    LOOKBACK_PENDING,
    LOOKBACK_SLIPPED,
    REQUEST_APPROVED,
    REQUEST_PENDING,
)
from .lookbacks import DEFAULT_MONTHS, add_months

CHASE_NOTES = [
    "请抓紧推进，本周内报送整改进展",
    "已逾期，请说明原因并尽快完成",
    "请按期完成并上传佐证材料",
]
WAYS = ["电话", "电话", "当面", "书面", "短信"]
APPROVERS = ("韩立新", "沈卫红")  # who decides a request: never the one asking
HELD_NOTES = ["制度执行良好，未见反弹", "经回头看，整改成效保持", "抽查相关记录，落实到位"]


class FollowupDemo:
    def __init__(self, gen, seed: int) -> None:
        self.gen = gen
        self.ev = gen.ev
        self.today = gen.today
        self.rng = random.Random(seed ^ 0x5F0C0B)
        self.lookbacks: dict[int, int] = {}  # problem -> its look-back

    def at(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        hour = hour if hour is not None else self.rng.randint(8, 17)
        moment = dt.datetime(day.year, day.month, day.day, hour, self.rng.randint(0, 59))
        return min(moment, self.gen.now)

    def on_approval(self, pid: int, closed_on: dt.date) -> dict:
        """The look-back the 审核通过 sets (a change for the approval's event)."""
        pk = self.gen.new_id(Lookback)
        self.lookbacks[pid] = pk
        due = add_months(closed_on, DEFAULT_MONTHS)
        values = {"problem": pid, "closed_on": closed_on, "due_on": due, "status": LOOKBACK_PENDING}
        return self.gen._create(Lookback, pk, values)

    def slipped(self, pid: int, day: dt.date, reason: str) -> dict:
        """The look-back recorded as 反弹 (a change for the reopening's event)."""
        return self.ev.update(
            Lookback,
            self.lookbacks[pid],
            status=LOOKBACK_SLIPPED,
            done_on=day,
            note=reason,
            by="韩立新",
            at=self.at(day).isoformat(sep=" "),
        )

    def held_when_due(self, pid: int, closed_on: dt.date) -> None:
        """Most look-backs that have come are recorded as 巩固 within a few weeks; some wait."""
        due = add_months(closed_on, DEFAULT_MONTHS)
        if due > self.today or self.rng.random() < 0.35:
            return
        day = min(due + dt.timedelta(days=self.rng.randint(0, 25)), self.today)
        moment = self.at(day)
        change = self.ev.update(
            Lookback,
            self.lookbacks[pid],
            status=LOOKBACK_HELD,
            done_on=day,
            note=self.rng.choice(HELD_NOTES),
            by="韩立新",
            at=moment.isoformat(sep=" "),
        )
        self.ev.event(moment, "韩立新", "lookback.held", pid, [change])

    def unfinished(self, pid: int, mid: int, started: dt.date, owner: str) -> None:
        """A measure left open: chased once it is late; now and then more time asked for first."""
        row = self.ev.rows["measure"][mid]
        due = row["deadline_date"] and dt.date.fromisoformat(row["deadline_date"])
        if due is None:
            return
        if due < self.today and self.rng.random() < 0.5:
            day = due + dt.timedelta(days=self.rng.randint(1, 20))
            if day <= self.today:
                self._chase(pid, mid, day, owner)
        elif self.today <= due <= self.today + dt.timedelta(days=30) and self.rng.random() < 0.15:
            day = max(started, self.today - dt.timedelta(days=self.rng.randint(0, 5)))
            new_due = due + dt.timedelta(days=self.rng.choice([30, 45, 60]))
            text = f"{new_due.year}年{new_due.month}月{new_due.day}日前"
            moment = self.at(day)
            _, change = self.ev.create(
                ExtensionRequest,
                {
                    "measure": mid,
                    "new_text": text,
                    "new_date": new_due,
                    "reason": "需待上级批复后实施，申请延期。",
                    "requested_by": owner,
                    "requested_at": moment.isoformat(sep=" "),
                    "status": REQUEST_PENDING,
                },
            )
            self.ev.event(moment, owner, "extension.request", pid, [change])

    def approved_extension(
        self,
        pid: int,
        mid: int,
        moments: list[dt.datetime],
        owner: str,
        row: dict,
        new_text: str,
        columns: dict,
        reason: str,
    ) -> None:
        """A deadline moved as the program moves one: the owner asks (延期申请) at the first
        moment, someone else approves at the second, and only the approval changes the measure."""
        asked_at, approved_at = moments
        request, asked = self.ev.create(
            ExtensionRequest,
            {
                "measure": mid,
                "new_text": new_text,
                "new_date": columns["deadline_date"],
                "reason": reason,
                "requested_by": owner,
                "requested_at": asked_at.isoformat(sep=" "),
                "status": REQUEST_PENDING,
            },
        )
        self.ev.event(asked_at, owner, "extension.request", pid, [asked])
        approver = next(name for name in APPROVERS if name != owner)
        stamp = approved_at.isoformat(sep=" ")
        ext, created = self.ev.create(
            Extension,
            {
                "measure": mid,
                "old_text": row["deadline_text"],
                "old_date": row["deadline_date"],
                "new_text": new_text,
                "new_date": columns["deadline_date"],
                "reason": reason,
                "by": approver,
                "at": stamp,
            },
        )
        decided = self.ev.update(
            ExtensionRequest,
            request,
            status=REQUEST_APPROVED,
            decided_by=approver,
            decided_at=stamp,
            decision_note="同意延期。",
            extension=ext,
        )
        moved = self.ev.update(Measure, mid, **columns)
        self.ev.event(approved_at, approver, "extension.approve", pid, [created, decided, moved])

    def _chase(self, pid: int, mid: int, day: dt.date, owner: str) -> None:
        moment = self.at(day)
        chase, change = self.ev.create(
            Chase,
            {
                "problem": pid,
                "whom": owner,
                "way": self.rng.choice(WAYS),
                "on": day,
                "note": self.rng.choice(CHASE_NOTES),
                "by": "周晓梅",
                "at": moment.isoformat(sep=" "),
            },
        )
        _, link = self.ev.create(ChaseMeasure, {"chase": chase, "measure": mid})
        self.ev.event(moment, "周晓梅", "chase.create", pid, [change, link])
