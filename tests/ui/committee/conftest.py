"""A committee's month in the GUI: three small branch ledgers send their October and November
reports (made once for the session); each test gets a fresh committee ledger to collect them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import QSettings

from tracker.demo import build_demo
from tracker.excel.report import build_report
from tracker.exchange.collect import collect
from tracker.ledger import create_ledger
from ui.session import Session

NOW = dt.datetime(2026, 11, 20, 10, 0)
NAMES = ("第一党支部", "第二党支部", "第三党支部")


@pytest.fixture(scope="session")
def reports(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """name -> (October report, November report), from demo ledgers of 30 problems."""
    folder = tmp_path_factory.mktemp("branches")
    out = {}
    for name in NAMES:
        ledger = build_demo(folder / f"{name}.db", problems=30, unit=name, clock=lambda: NOW)
        october = build_report(ledger, folder / f"{name}2026年10月.xlsx", 2026, 10).path
        november = build_report(ledger, folder / f"{name}2026年11月.xlsx", 2026, 11).path
        out[name] = (october, november)
        ledger.close()
    return out


@pytest.fixture
def committee(tmp_path):
    ledger = create_ledger(
        tmp_path / "机关党委.db", unit_name="某某局机关党委", actor="沈卫红", clock=lambda: NOW
    )
    yield ledger
    ledger.close()


@pytest.fixture
def committee_session(qtbot, committee):
    session = Session()
    session.open(committee)
    yield session
    session.ledger = None  # the committee fixture closes it


@pytest.fixture
def collected(committee, reports):
    """October and November of all three branches already received."""
    result = collect(committee, [p for name in NAMES for p in reports[name]])
    assert result.all_accepted, [i.reasons for i in result.refused]
    return committee


@pytest.fixture
def window(qtbot, tmp_path, committee, message_boxes):
    from ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings, actor="沈卫红")
    qtbot.addWidget(win)
    win.session.open(committee)  # its fixed clock: the reports are of October and November 2026
    win.resize(1366, 740)
    win.show()
    yield win
    win.session.ledger = None
    win.close()


def copy(path: Path, folder: Path, name: str | None = None) -> Path:
    folder.mkdir(exist_ok=True)
    return Path(shutil.copy(path, folder / (name or path.name)))


def tamper_total(path: Path, out: Path, value: int = 49) -> str:
    """Change the 问题总数 figure on the 汇总 sheet; returns the cell's address."""
    wb = load_workbook(path)
    sheet = wb["汇总"]
    row = next(c.row for c in sheet["A"] if c.value == "查摆问题")
    sheet.cell(row, 4).value = value
    wb.save(out)
    return f"D{row}"
