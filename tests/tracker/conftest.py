"""Fixtures of the ledger tests that need more than a file: a throwaway PostgreSQL server."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.tracker import pgserver


@pytest.fixture(scope="module")
def server():
    """A PostgreSQL server of its own for each test module that asks (skip the module first if
    `pgserver.available()` is false)."""
    root = Path(tempfile.mkdtemp(prefix="zg-pg-"))
    pg = pgserver.PgServer(root)
    pg.start()
    yield pg
    pg.stop()
