"""催办单: one printable sheet per responsible person — their open measures with deadlines and
days left or overdue, how often each was chased already, and lines for their signature and reply.

Who gets a sheet: the people named, or everyone with an overdue measure (or one due within 7
days), or the owners of the measures of some problems (the GUI's selection). One workbook holds a
sheet per person, in the official style (A4 portrait, 仿宋 body, headings in 黑体).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from peewee import JOIN

from ..dates import format_date
from ..errors import LedgerError, ValidationError
from ..excel.styles import Column, Palette, row_height, set_page, text_lines
from ..excel.writer import HeaderInfo, StreamSheet, check_target, discard, save_atomically
from ..ledger import Ledger
from ..models import Department, Measure, Person, Problem
from ..overdue import YELLOW_DAYS, days_left
from ..workflow import EDITABLE, M_OPEN
from .chases import chase_counts
from .facts import approved_extension_counts, extension_label, original_deadlines

OVERDUE, DUE_SOON = "overdue", "due7"  # who gets a sheet when no one is named
COLUMNS = (
    Column("序号", 5, True),
    Column("问题编号", 11, True),
    Column("问题描述", 24),
    Column("整改措施", 28),
    Column("整改时限", 15, True),
    Column("剩余天数", 9, True),
    Column("已催办", 7, True),
)
NO_OWNER = "（未指定责任人）"


@dataclass
class Item:
    code: str
    description: str
    seq: int
    text: str
    deadline: str
    due: dt.date | None
    days: int | None
    chases: int

    @property
    def days_text(self) -> str:
        if self.days is None:
            return "—"
        if self.days < 0:
            return f"逾期{-self.days}天"
        return "今天到期" if self.days == 0 else f"还剩{self.days}天"


@dataclass
class PersonSheet:
    name: str
    department: str
    post: str
    items: list[Item] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for i in self.items if i.days is not None and i.days < 0)


def gather(
    ledger: Ledger,
    *,
    people: Sequence[str] = (),
    which: str | None = None,
    problems: Sequence[int] = (),
) -> list[PersonSheet]:
    """The people to chase and their open measures (all their open measures, so nothing they owe
    is left off their sheet), ordered by name."""
    today = ledger.today()
    owner = Person.alias("owner")
    base = (
        ledger.select(
            Measure,
            Measure.id,
            Measure.owner,
            owner.name,
            Problem.code,
            Problem.description,
            Measure.seq,
            Measure.text,
            Measure.deadline_text,
            Measure.deadline_date,
        )
        .join(Problem, on=(Measure.problem == Problem.id))
        .join_from(Measure, owner, JOIN.LEFT_OUTER, on=(Measure.owner == owner.id))
        .where(
            (Measure.status == M_OPEN)
            & Problem.status.in_(list(EDITABLE))  # a problem awaiting its 销号 has none open
        )
    )
    wanted = _wanted_owners(ledger, base, people, which, problems, today)
    rows = [r for r in base.order_by(Problem.id, Measure.seq).tuples() if r[1] in wanted]
    ids = [r[0] for r in rows]
    counts = chase_counts(ledger, ids)
    extended = approved_extension_counts(ledger, ids)
    originals = original_deadlines(ledger, ids)
    sheets: dict[int | None, PersonSheet] = {}
    for mid, oid, name, code, description, seq, text, deadline, due in rows:
        if oid not in sheets:
            sheets[oid] = _person(ledger, oid, name)
        shown = deadline or "未填写"
        if extended.get(mid):
            shown += f"\n（{extension_label(extended[mid], originals.get(mid, ''))}）"
        sheets[oid].items.append(
            Item(
                code, description, seq, text, shown, due, days_left(due, today), counts.get(mid, 0)
            )
        )
    for sheet in sheets.values():
        sheet.items.sort(key=lambda i: (i.due or dt.date.max, i.code, i.seq))
    return sorted(sheets.values(), key=lambda s: (s.name == NO_OWNER, s.name))


def _wanted_owners(ledger, base, people, which, problems, today) -> set:
    if people:
        found = dict(
            ledger.select(Person, Person.name, Person.id)
            .where(Person.name.in_([p.strip() for p in people]))
            .tuples()
        )
        missing = [p for p in people if p.strip() not in found]
        if missing:
            raise ValidationError("责任人", f"名录中没有“{'、'.join(missing)}”。")
        return set(found.values())
    if problems:
        return {
            oid
            for (oid,) in base.select(Measure.owner).where(Problem.id.in_(list(problems))).tuples()
        }
    if which == OVERDUE:
        return {
            oid
            for (oid,) in base.select(Measure.owner).where(Measure.deadline_date < today).tuples()
        }
    if which == DUE_SOON:
        soon = today + dt.timedelta(days=YELLOW_DAYS)
        return {
            oid
            for (oid,) in base.select(Measure.owner)
            .where(Measure.deadline_date.between(today, soon))
            .tuples()
        }
    raise ValidationError("催办对象", "请指定责任人，或选择“逾期”“7天内到期”。")


def _person(ledger: Ledger, oid: int | None, name: str | None) -> PersonSheet:
    if oid is None:
        return PersonSheet(NO_OWNER, "", "")
    row = (
        ledger.select(Person, Person.post, Department.name)
        .join(Department, JOIN.LEFT_OUTER, on=(Person.department == Department.id))
        .where(Person.id == oid)
        .tuples()
        .first()
    )
    post, department = row if row else ("", "")
    return PersonSheet(name or "", department or "", post or "")


# -- the workbook -------------------------------------------------------------------------------
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_name(name: str, taken: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("", name)[:28] or "催办单"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base[:26]}{n}", n + 1
    taken.add(candidate)
    return candidate


def write_chase_sheets(
    ledger: Ledger, path: str | os.PathLike, sheets: Sequence[PersonSheet], *, reply_days: int = 3
) -> Path:
    """Write one 催办单 per person into a new workbook at `path` (the caller applies the
    overwrite rule). Refused when there is no one to chase."""
    if not sheets:
        raise LedgerError("没有需要催办的未完成整改措施，未生成催办单。")
    target = check_target(path)
    info = HeaderInfo.of(ledger)
    wb = Workbook(write_only=True)
    try:
        palette = Palette(wb)
        taken: set[str] = set()
        for person in sheets:
            _sheet(wb, palette, sheet_name(person.name, taken), person, info, ledger, reply_days)
        save_atomically(wb, target)
    except BaseException:
        discard(wb)
        raise
    return target


def _sheet(wb, palette, name, person: PersonSheet, info: HeaderInfo, ledger, reply_days) -> None:
    sheet = StreamSheet(wb, palette, name, COLUMNS)
    set_page(sheet.ws, title_rows="5:5", landscape=False)
    width = sum(c.width for c in COLUMNS)
    sheet.title_row("整改措施催办单", 40.0)
    sheet.info_row([f"催办单位：{info.unit}", f"催办日期：{format_date(info.filled_on)}"])
    who = person.name + (
        f"（{'，'.join(p for p in (person.department, person.post) if p)}）"
        if person.department or person.post
        else ""
    )
    reply_by = format_date(ledger.today() + dt.timedelta(days=reply_days))
    intro = (
        f"{who}同志：\n    以下 {len(person.items)} 项整改措施由您负责落实"
        + (f"，其中 {person.overdue} 项已超过整改时限" if person.overdue else "")
        + f"。请抓紧推进，并于{reply_by}前书面回复整改进展（可直接填写在本单背面或另附说明），"
        "需要延期的请在期限届满前提出延期申请。"
    )
    sheet.note_row(intro, height=row_height(text_lines(intro, width)) + 6)
    sheet.append([], 6.0)
    sheet.heading_row()
    for n, item in enumerate(person.items, 1):
        cells = [
            n,
            item.code,
            item.description,
            f"措施{item.seq}：{item.text}",
            item.deadline,
            item.days_text,
            f"{item.chases}次" if item.chases else "",
        ]
        late = item.days is not None and item.days < 0
        styled = []
        for col, value in zip(COLUMNS, cells, strict=True):
            style = "台账居中" if col.centered else "台账正文"
            if late:
                style = "台账逾期居中" if col.centered else "台账逾期"
            styled.append(sheet.cell(value, style))
        lines = max(text_lines(str(v), c.width) for v, c in zip(cells, COLUMNS, strict=True))
        sheet.append(styled, row_height(lines))
    sheet.append([], 14.0)
    sheet.note_row(
        "被催办人签收：＿＿＿＿＿＿＿＿　　签收日期：＿＿＿＿年＿＿月＿＿日　　"
        "回复日期：＿＿＿＿年＿＿月＿＿日",
        "台账表头信息",
        30.0,
    )
    sheet.note_row(
        f"催办人：{ledger.actor}　　联系人：{info.contact}　　电话：{info.phone}",
        "台账表头信息",
        26.0,
    )
    sheet.note_row(
        "注：剩余天数按催办日期计算；整改时限后括号内为经批准的延期次数和原时限；"
        "“已催办”为此前记录的催办次数。",
        height=30.0,
    )
