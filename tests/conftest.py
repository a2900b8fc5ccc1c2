"""Shared fixtures: every test gets its own file ledger, a fixed clock and an isolated data dir."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from tracker.ledger import create_ledger


class FakeClock:
    """A clock tests can move: `clock.now` is returned, `clock.advance(days=…)` moves it."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **kwargs) -> None:
        self.now += dt.timedelta(**kwargs)


@pytest.fixture(autouse=True)
def isolated_data_dir(tmp_path, monkeypatch):
    data = tmp_path / "data"
    monkeypatch.setenv("ZHENGGAI_DATA_DIR", str(data))
    monkeypatch.delenv("ZHENGGAI_DB", raising=False)
    monkeypatch.delenv("ZHENGGAI_USER", raising=False)
    return data


@pytest.fixture
def clock():
    return FakeClock(dt.datetime(2026, 3, 2, 9, 30, 0))


@pytest.fixture
def ledger(tmp_path, clock):
    led = create_ledger(
        tmp_path / "ledger.db",
        unit_name="市直机关第一党支部",
        contact_person="王敏",
        contact_phone="0571-88886666",
        actor="王敏",
        clock=clock,
    )
    yield led
    led.close()


# -- a Party committee's shared ledger (PostgreSQL) ---------------------------------------------
@pytest.fixture(scope="module")
def password_server():
    """A PostgreSQL server of the module's own that checks members' passwords (skipped where
    PostgreSQL is not installed)."""
    import tempfile
    from pathlib import Path

    from tests.tracker import pgserver

    if not pgserver.available():
        pytest.skip("PostgreSQL server binaries not installed")
    pg = pgserver.PgServer(Path(tempfile.mkdtemp(prefix="zg-pgs-")), passwords=True)
    pg.start()
    yield pg
    pg.stop()


@pytest.fixture
def committee(password_server):
    """A new shared ledger on it with one member of each role (tests/tracker/sharing.py)."""
    from tests.tracker.sharing import make_committee

    found = make_committee(password_server, FakeClock(dt.datetime(2026, 3, 2, 9, 30)))
    yield found
    found.owner.close()
