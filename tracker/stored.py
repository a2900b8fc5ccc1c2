"""The stored form of journaled rows: what each column must hold on disk, per engine, and the check
of every row against the journal's replay that `verify` and `reindex` run.

Peewee converts what it reads: `2026-4-30` comes back as 30 April and `2` as true, so a check that
compares converted values passes rows that the program's own SQL reads differently (the overdue
condition compares date text, the lists select `active = 1`). The check therefore reads the raw
driver values. On SQLite the Python type of a raw value is its storage class (`typeof()`: int is
integer, str is text, float is real, bytes is blob, None is null); a date column must hold the text
'YYYY-MM-DD', a yes/no column the integer 0 or 1, an integer column an integer, a text column text.
On PostgreSQL the column types are real (DATE, BOOLEAN, INTEGER, TEXT) and the driver returns a
date, a bool, an int, a str; the same rule holds with those types.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    Field,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from .journal import json_value
from .labels import TABLE_LABELS, field_label
from .ledger import Ledger
from .models import JOURNALED, UNJOURNALED_FIELDS

MAX_DETAILED = 20  # row findings written out in full; the rest are counted by kind
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TYPE_NAMES = {
    int: "整数",
    float: "小数",
    str: "文本",
    bytes: "二进制数据",
    bool: "是/否",
    dt.date: "日期",
    type(None): "空值",
}
RULES = {
    "date": "日期应存为 YYYY-MM-DD 格式的文本",
    "bool": "是/否应存为整数 1 或 0",
    "int": "应存为整数",
    "text": "应存为文本",
}
RULES_POSTGRES = {"date": "应为日期", "bool": "应为是/否", "int": "应为整数", "text": "应为文本"}


def kind_of(field: Field) -> str:
    """The kind of value a column holds; an unknown field type fails loudly (add it here)."""
    if isinstance(field, BooleanField):
        return "bool"
    if isinstance(field, DateField):
        return "date"
    if isinstance(field, AutoField | IntegerField | ForeignKeyField):
        return "int"
    if isinstance(field, CharField | TextField):
        return "text"
    raise TypeError(f"no stored form is defined for {type(field).__name__} ({field.name})")


def stored_value(kind: str, value, *, sqlite: bool):
    """What the driver returns for a column holding the journal value `value`."""
    if value is None:
        return None
    if kind == "bool":
        return int(value) if sqlite else bool(value)
    if kind == "date" and not sqlite and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value  # not a date in the journal either: reported by the form check
    return value


class FormCheck:
    """Is a raw stored value in the form its column requires? (Remembers the date texts it has
    seen: a ledger holds few distinct dates, asked for hundreds of thousands of times.)"""

    def __init__(self, sqlite: bool) -> None:
        self.sqlite = sqlite
        self._good_dates: set[str] = set()

    def ok(self, kind: str, raw) -> bool:
        if raw is None:
            return True
        if kind == "text":
            return type(raw) is str
        if kind == "int":
            return type(raw) is int
        if kind == "bool":
            if self.sqlite:
                return type(raw) is int and raw in (0, 1)
            return type(raw) is bool
        if not self.sqlite:
            return type(raw) is dt.date
        if type(raw) is not str:
            return False
        if raw in self._good_dates:
            return True
        if not ISO_DATE.fullmatch(raw):
            return False
        try:
            dt.date.fromisoformat(raw)
        except ValueError:
            return False
        self._good_dates.add(raw)
        return True

    def rule(self, kind: str) -> str:
        return (RULES if self.sqlite else RULES_POSTGRES)[kind]


def describe(raw) -> str:
    """A raw stored value with its type, for a message: '2026-4-30'（文本）."""
    shown = raw.isoformat() if isinstance(raw, dt.date) else raw
    return f"{shown!r}（{TYPE_NAMES.get(type(raw), type(raw).__name__)}）"


def row_label(table: str, key, row: dict) -> str:
    name = TABLE_LABELS[table]
    if table == "problem" and row.get("code"):
        return f"问题 {row['code']}"
    return f"{name}（id {key}）"


class Findings:
    """Row findings: the first MAX_DETAILED in full, then how many more of each kind (a table's
    column, added rows, vanished rows), so that a flood of one kind does not hide another."""

    def __init__(self, out: list[str]) -> None:
        self.out = out  # where the summary lines go
        self.detailed = 0
        self.more: dict[str, int] = {}

    def wants(self, kind: str) -> bool:
        """Should a finding of `kind` be written out? If not, it is counted."""
        if self.detailed < MAX_DETAILED:
            self.detailed += 1
            return True
        self.more[kind] = self.more.get(kind, 0) + 1
        return False

    def close(self) -> None:
        for kind, count in self.more.items():
            self.out.append(f"……另有 {count} 处{kind}，未逐条列出。")


def check_rows(ledger: Ledger, state: dict[str, dict], updates: dict, problems: list[str]) -> int:
    """Compare every journaled row, as stored, with the replayed journal `state`; append what is
    wrong to `problems`. Returns the rows read."""
    form = FormCheck(ledger.is_sqlite)
    found = Findings(problems)
    checked = 0
    for table, model in JOURNALED.items():
        expected = state[table]
        name = TABLE_LABELS[table]
        fields = [f for f in model._meta.sorted_fields if f.name not in UNJOURNALED_FIELDS]
        kinds = [kind_of(f) for f in fields]
        versioned = "version" in model._meta.fields
        columns = [model._meta.primary_key, *fields] + ([model.version] if versioned else [])
        seen = set()
        for raw_row in ledger.db.execute(model.select(*columns)):
            checked += 1
            key = raw_row[0]
            seen.add(key)
            want = expected.get(key)
            values = raw_row[1 : 1 + len(fields)]
            if want is None:
                named = {f.name: v for f, v in zip(fields, values, strict=True)}
                if found.wants(f"{name}不在历史记录中（在程序之外加入）"):
                    problems.append(
                        f"{row_label(table, key, named)} 不在历史记录中：它是在程序之外被加入的。"
                    )
                continue
            label = row_label(table, key, want)
            if versioned:
                done = updates.get((table, key), 0)
                if raw_row[-1] != 1 + done and found.wants(f"{name}的修改次数与历史记录不符"):
                    problems.append(_version_sentence(label, raw_row[-1], done))
            for f, kind, raw in zip(fields, kinds, values, strict=True):
                journaled = want.get(f.name)
                target = stored_value(kind, journaled, sqlite=form.sqlite)
                if type(raw) is type(target) and raw == target and form.ok(kind, raw):
                    continue
                if found.wants(f"{name}的“{field_label(table, f.name)}”被程序之外改动"):
                    problems.append(_difference(form, label, table, f, kind, journaled, raw))
        for key in expected.keys() - seen:
            if found.wants(f"{name}从数据库中消失"):
                problems.append(
                    f"{row_label(table, key, expected[key])} 已从数据库中消失（被程序之外删除）。"
                )
    found.close()
    return checked


def _version_sentence(label: str, version, journaled_updates: int) -> str:
    shown = version - 1 if type(version) is int else version
    return (
        f"{label} 的修改次数与历史记录不符（记录 {journaled_updates} 次，"
        f"数据显示 {shown} 次）：历史记录可能被删改。"
    )


def _difference(
    form: FormCheck, label: str, table: str, f: Field, kind: str, journaled, raw
) -> str:
    """One sentence: a different value, or the same value stored in another form."""
    name = field_label(table, f.name)
    read: Callable = f.python_value
    try:
        have = json_value(read(raw))
    except (TypeError, ValueError):
        have = raw
    if have == journaled and type(have) is type(journaled):
        return (
            f"{label} 的“{name}”的存储形式被程序之外改动：历史记录为 {journaled!r}，"
            f"数据库中存的是 {describe(raw)}，{form.rule(kind)}。程序按存储形式查询，"
            "统计和列表会因此出错。"
        )
    if not form.ok(kind, raw):
        return (
            f"{label} 的“{name}”被程序之外改动：历史记录为 {journaled!r}，"
            f"数据库中存的是 {describe(raw)}，{form.rule(kind)}。"
        )
    return f"{label} 的“{name}”被程序之外改动：历史记录为 {journaled!r}，现在为 {have!r}。"
