"""A ledger session: the open database, who is acting, the clock, and where evidence files live."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from peewee import Database

from . import migrations
from .db import is_sqlite, open_database
from .errors import LedgerOpenError
from .models import Setting
from .paths import (
    adopt_legacy_evidence,
    default_actor,
    default_db_location,
    evidence_dir_for,
    is_url,
    redact,
)

UNIT_NAME = "unit_name"
CONTACT_PERSON = "contact_person"
CONTACT_PHONE = "contact_phone"


def system_clock() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class Ledger:
    """Everything a service function needs to act on one ledger; holds no business state itself."""

    def __init__(
        self,
        db: Database,
        location: str,
        *,
        actor: str | None = None,
        evidence_dir: Path | None = None,
        read_only: bool = False,
        clock: Callable[[], dt.datetime] = system_clock,
        as_of: dt.date | None = None,
        member=None,
    ) -> None:
        self.db = db
        self.location = location
        self.actor = actor or default_actor()
        self.evidence_dir = evidence_dir or evidence_dir_for(location)
        self.read_only = read_only
        self.clock = clock
        self.as_of = as_of
        self.snapshot_head = None  # for a past snapshot: the journal head at that moment
        # a shared ledger's logged-in member (tracker.sharing.roles.Member), else None; the
        # journal then records the member's name, whatever a caller asked for
        self.member = member
        if member is not None:
            self.actor = member.name

    def __repr__(self) -> str:
        return f"<Ledger {self.display_location!r} actor={self.actor!r}>"

    @property
    def display_location(self) -> str:
        """The location fit to show or log: a PostgreSQL URL's password hidden."""
        return redact(self.location)

    def select(self, model, *fields):
        """A query bound to this ledger's database (models are never bound globally)."""
        return model.select(*fields).bind(self.db)

    def now(self) -> dt.datetime:
        return self.clock()

    def today(self) -> dt.date:
        return self.as_of or self.clock().date()

    def stamp(self) -> str:
        """The timestamp written into the journal: local time, to the second."""
        return self.now().isoformat(sep=" ", timespec="seconds")

    def setting(self, key: str, default: str = "") -> str:
        row = self.select(Setting, Setting.value).where(Setting.key == key).tuples().first()
        return row[0] if row else default

    @property
    def unit_name(self) -> str:
        return self.setting(UNIT_NAME)

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.db)

    @property
    def shared(self) -> bool:
        """A PostgreSQL ledger set up for members (`init --shared`)."""
        return self.member is not None

    def close(self) -> None:
        if not self.db.is_closed():
            self.db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_ledger(
    location: str | Path | None = None,
    *,
    actor: str | None = None,
    read_only: bool = False,
    clock: Callable[[], dt.datetime] = system_clock,
) -> Ledger:
    """Open an existing ledger, upgrading an older schema (after a backup) if needed.

    Whatever goes wrong after the database is opened, it is closed again before the error leaves,
    so a refused file keeps no connection (and no `-wal`/`-shm` files) behind.
    """
    location = str(location or default_db_location())
    db = open_database(location, read_only=read_only)
    shown = redact(location)
    try:
        version = migrations.schema_version(db)
        if version == 0:
            raise LedgerOpenError(f"“{shown}” 还不是台账（没有数据表）。请先运行 init 创建台账。")
        if version > migrations.LATEST:
            raise LedgerOpenError(
                f"台账 “{shown}” 由更新版本的程序创建（结构版本 {version}），请升级本程序后再打开。"
            )
        if version < migrations.LATEST:
            if read_only:
                raise LedgerOpenError(f"台账 “{shown}” 需要升级结构，只读方式无法打开。")
            migrations.upgrade(db, location)
        if is_url(location):
            adopt_legacy_evidence(location)
        member = _member(db, location, version, actor)
    except BaseException:
        db.close()
        raise
    return Ledger(db, location, actor=actor, read_only=read_only, clock=clock, member=member)


def _member(db: Database, location: str, version: int, actor: str | None):
    """The logged-in member of a shared ledger (None for others). The journal records who logged
    in, so a name asked for (`--user`) that is not theirs is refused, saying why."""
    if is_sqlite(db):
        return None
    from .sharing.identify import identify

    member = identify(db)
    if member is not None and actor is not None and actor.strip() != member.name:
        raise LedgerOpenError(
            f"多人共用的台账上，记入历史记录的操作人就是登录的账户“{member.login}”"
            f"（{member.name}），不能用 --user 指定为“{actor.strip()}”：请去掉 --user，"
            "或用该人自己的账户登录。"
        )
    return member


def create_ledger(
    location: str | Path | None = None,
    *,
    unit_name: str = "",
    contact_person: str = "",
    contact_phone: str = "",
    actor: str | None = None,
    clock: Callable[[], dt.datetime] = system_clock,
) -> Ledger:
    """Create a new ledger with the preset dictionaries; refuses a file that already holds one."""
    from .services.setup import initialise  # services import Ledger; avoid a cycle at import

    location = str(location or default_db_location())
    db = open_database(location, create=True)
    try:
        if migrations.schema_version(db) != 0:
            raise LedgerOpenError(f"“{redact(location)}” 已经是一个台账，无需再次创建。")
        migrations.create_schema(db)
        ledger = Ledger(db, location, actor=actor, clock=clock)
        initialise(
            ledger, unit_name=unit_name, contact_person=contact_person, contact_phone=contact_phone
        )
    except BaseException:
        db.close()
        raise
    return ledger
