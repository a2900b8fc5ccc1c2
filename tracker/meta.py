"""The `meta` table: the keys it may hold and what each value must be, checked by `verify`; and the
per-year problem code counters, which never hand out a code that is in use.

`meta` is not journaled (it holds facts about the file, not the ledger's content), so `verify`
cannot compare it with a replay. It checks it against `KEYS` instead: every key must be known, a
required key present, and each value pass its key's check. To add a key, add one line to `KEYS`.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property

from peewee import Database, fn

from .exchange.identity import LEDGER_ID_KEY, SIGNING_KEY
from .ledger import Ledger
from .migrations import APP_KEY, APP_NAME, LATEST, SCHEMA_KEY
from .models import Meta, Problem
from .sharing.schema import SHARED_KEY

COUNTER_PREFIX = "code_counter."
NUMBER = re.compile(r"0|[1-9]\d*")
CODE = re.compile(r"(\d{4})-(\d+)")


class Context:
    """What a value check may need to know about the ledger (read once, when first asked).

    `codes`: the problem codes the journal gave out (verify passes its replay), so a problem
    slipped into the table outside the program is reported as such, not as a counter behind it.
    """

    def __init__(self, ledger: Ledger, codes: Iterable[str] | None = None) -> None:
        self.ledger = ledger
        self.codes = codes

    @cached_property
    def highest_codes(self) -> dict[int, tuple[int, str]]:
        """Per year, the highest code number in use and the code itself."""
        top: dict[int, tuple[int, str]] = {}
        codes = self.codes
        if codes is None:
            codes = (c for (c,) in self.ledger.db.execute(Problem.select(Problem.code)))
        for code in codes:
            match = CODE.fullmatch(code) if type(code) is str else None
            if match:
                year, number = int(match.group(1)), int(match.group(2))
                if number > top.get(year, (-1, ""))[0]:
                    top[year] = (number, code)
        return top


# (value, the key's match, context) -> what is wrong with the value, or None
Check = Callable[[str, re.Match, Context], str | None]


def _exactly(expected: str) -> Check:
    def check(value: str, _key: re.Match, _ctx: Context) -> str | None:
        if value == expected:
            return None
        return f"应为 {expected!r}，现在为 {value!r}"

    return check


def _matching(pattern: str, what: str) -> Check:
    def check(value: str, _key: re.Match, _ctx: Context) -> str | None:
        return None if re.fullmatch(pattern, value) else f"不是{what}（现在为 {value!r}）"

    return check


def _signing_key(value: str, _key: re.Match, _ctx: Context) -> str | None:
    try:
        raw = base64.b64decode(value, validate=True)
    except ValueError:
        raw = b""
    return None if len(raw) == 32 else "不是一把完整的签名密钥"


def _code_counter(value: str, key: re.Match, ctx: Context) -> str | None:
    if not NUMBER.fullmatch(value):
        return f"的值 {value!r} 不是一个编号数字"
    number, code = ctx.highest_codes.get(int(key.group(1)), (0, ""))
    if int(value) < number:
        return f"为 {value}，落后于已经使用的编号 {code}（新问题会自动跳过已用的编号）"
    return None


@dataclass(frozen=True)
class Key:
    pattern: str  # the key itself, or a regular expression for a family of keys
    label: str  # what the key is called in a message
    check: Check
    required: bool = False


KEYS = [
    Key(SCHEMA_KEY, "结构版本", _exactly(str(LATEST)), required=True),
    Key(APP_KEY, "程序标识", _exactly(APP_NAME), required=True),
    Key(
        LEDGER_ID_KEY, "台账标识", _matching(r"[0-9a-f]{32}", "32 位十六进制的标识"), required=True
    ),
    Key(SIGNING_KEY, "报表签名密钥", _signing_key, required=True),
    Key(re.escape(COUNTER_PREFIX) + r"(\d{4})", "问题编号计数器", _code_counter),
    Key(SHARED_KEY, "共用台账的角色前缀", _matching(r"zg_[a-z0-9_]{1,40}", "账户组的前缀")),
]


def check(ledger: Ledger, codes: Iterable[str] | None = None) -> list[str]:
    """What is wrong with the meta table, in sentences (empty when nothing is); `codes` as for
    `Context` (default: the codes in the problem table)."""
    ctx = Context(ledger, codes)
    problems = []
    present = set()
    for key, value in ledger.db.execute(Meta.select(Meta.key, Meta.value)):
        spec, match = _spec(key)
        if spec is None:
            problems.append(
                f"meta 表中有一项本程序不认识的设置 “{key}” = {value!r}：它是在程序之外被加入的。"
            )
            continue
        present.add(spec)
        if type(value) is not str:
            problems.append(
                f"{spec.label}（{key}）存储形式不对（应为文本）：它在程序之外被改动过。"
            )
            continue
        wrong = spec.check(value, match, ctx)
        if wrong:
            problems.append(f"{spec.label}（{key}）{wrong}：它在程序之外被改动过。")
    for spec in KEYS:
        if spec.pattern == SIGNING_KEY and _kept_apart(ledger):
            problems += _check_kept_key(ledger, spec, ctx)
            continue
        if spec.required and spec not in present:
            problems.append(f"meta 表缺少{spec.label}（{spec.pattern}）：它在程序之外被删除了。")
    return problems


def _kept_apart(ledger: Ledger) -> bool:
    from .sharing.schema import shared_prefix

    return shared_prefix(ledger.db) is not None


def _check_kept_key(ledger: Ledger, spec: Key, ctx: Context) -> list[str]:
    """A shared ledger keeps its signing key apart (`zg_secret`), readable by 管理员 and the owner
    only: they check it there; other members cannot and are not told it is missing."""
    from .sharing.roles import ADMIN, OWNER
    from .sharing.schema import signing_key

    member = getattr(ledger, "member", None)
    if member is None or member.role not in (ADMIN, OWNER):
        return []
    value = signing_key(ledger.db)
    if value is None:
        return [
            f"共用台账缺少{spec.label}（zg_secret 表中的 {SIGNING_KEY}）：它在程序之外被删除了。"
        ]
    wrong = spec.check(value, None, ctx)  # type: ignore[arg-type]
    return (
        [f"{spec.label}（zg_secret 表中的 {SIGNING_KEY}）{wrong}：它在程序之外被改动过。"]
        if wrong
        else []
    )


def _spec(key) -> tuple[Key | None, re.Match | None]:
    if type(key) is str:
        for spec in KEYS:
            match = re.fullmatch(spec.pattern, key)
            if match:
                return spec, match
    return None, None


# -- problem codes ------------------------------------------------------------------------------
def format_code(year: int, number: int) -> str:
    return f"{year}-{number:03d}"


def read_counter(db: Database, year: int) -> int | None:
    """The year's counter, or None when it is missing or not a number (then the codes decide)."""
    key = f"{COUNTER_PREFIX}{year}"
    row = Meta.select(Meta.value).where(Meta.key == key).bind(db).tuples().first()
    if row is None or type(row[0]) is not str or not NUMBER.fullmatch(row[0]):
        return None
    return int(row[0])


def highest_code(db: Database, year: int) -> int:
    """The highest number among the year's codes in use (0 if none)."""
    prefix = f"{year}-"
    codes = Problem.select(Problem.code).where(Problem.code.startswith(prefix)).bind(db).tuples()
    return max((int(c[len(prefix) :]) for (c,) in codes if c[len(prefix) :].isdigit()), default=0)


def code_in_use(db: Database, code: str) -> bool:
    return Problem.select(fn.COUNT(Problem.id)).where(Problem.code == code).bind(db).scalar() > 0


def write_counter(db: Database, year: int, number: int) -> None:
    key = f"{COUNTER_PREFIX}{year}"
    if not Meta.update(value=str(number)).where(Meta.key == key).execute(db):
        Meta.insert(key=key, value=str(number)).execute(db)


def allocate_code(db: Database, year: int) -> str:
    """The next problem code of `year` (call inside the writing transaction).

    Normally the counter plus one. A counter set back behind the codes in use (an edit made
    outside the program) would hand out a code that exists; the allocator then skips past the
    highest code in use instead of failing, and the counter catches up.
    """
    number = read_counter(db, year)
    if number is None:
        number = highest_code(db, year)
    number += 1
    if code_in_use(db, format_code(year, number)):
        number = highest_code(db, year) + 1
    write_counter(db, year, number)
    return format_code(year, number)
