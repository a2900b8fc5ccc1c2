"""A long write leaves a note naming itself while it holds the ledger, for writers that must wait."""

from __future__ import annotations

import datetime as dt

from tracker import busy
from tracker.demo import build_demo
from tracker.excel.importer import apply_plan
from tracker.excel.plan import build_plan

from . import workbooks


def test_an_excel_import_names_itself_while_it_writes(ledger, tmp_path):
    plan = build_plan(ledger, workbooks.official(tmp_path / "台账.xlsx"))
    seen = []

    apply_plan(
        ledger,
        plan,
        progress=lambda done, total: seen.append(busy.current(ledger.location)) or True,
    )

    assert seen and all(h is not None and h.what == "导入Excel" and h.who == "王敏" for h in seen)
    assert busy.current(ledger.location) is None


def test_building_the_demo_names_itself_while_it_writes(tmp_path):
    path = tmp_path / "demo.db"
    seen = []

    build_demo(
        path,
        problems=20,
        actor="周晓梅",
        clock=lambda: dt.datetime(2026, 11, 21, 10, 0),
        progress=lambda done, total: seen.append(busy.current(path)) or True,
    ).close()

    assert seen and all(h is not None and h.what == "生成示例台账" for h in seen)
    assert busy.current(path) is None
