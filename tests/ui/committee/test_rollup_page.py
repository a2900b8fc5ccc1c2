"""The 汇总 page as the committee reads it: each branch's figures equal to `rollup`, a 合计 whose
rates come from the sums, the branch that has not reported in red with whom to call, the overdue
measures sorted by days, and a branch's 明细 as received."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel

from tracker.dates import format_stamp
from tracker.exchange.branches import add_branch
from tracker.exchange.rollup import branch_detail, rollup
from tracker.overdue import format_rate
from ui.committee.detail_dialog import DetailDialog
from ui.committee.rollup_page import RollupPage
from ui.committee.rollup_tables import BRANCH_COLUMNS, DAYS_COL, FIGURES, change_text

from .conftest import NAMES


@pytest.fixture
def page(qtbot, collected, committee_session):
    add_branch(collected, "第四党支部", "钱进", "0571-4")  # on the list, sent nothing
    widget = RollupPage(committee_session)
    qtbot.addWidget(widget)
    widget.resize(1340, 620)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def row_texts(page, row: int) -> list[str]:
    return [page.table.item(row, c).text() for c in range(len(BRANCH_COLUMNS))]


def test_the_month_shows_each_branch_and_a_total_equal_to_the_rollup(page, collected):
    assert page.month.value() == (2026, 11)  # the month of the clock, which has reports
    month = rollup(collected, 2026, 11)
    assert page.table.rowCount() == len(NAMES) + 1
    for row, line in enumerate(month.lines):
        cells = row_texts(page, row)
        assert cells[0] == line.branch.name
        for column, (_, key, _) in enumerate(FIGURES, start=1):
            expected = format_rate(line.line[key]) if "rate" in key else str(line.line[key])
            assert cells[column] == expected, (line.branch.name, key)
        assert cells[10] == change_text(line.change) and cells[10].startswith("已销号 ")
        assert cells[11] == format_stamp(line.received_at[:10]) and cells[12] == "已校验"
    total = row_texts(page, len(NAMES))
    assert total[0] == "合计（3个支部）" and page.table.item(len(NAMES), 0).font().bold()
    assert (
        total[1]
        == str(month.total["problems"])
        == str(sum(x.line["problems"] for x in month.lines))
    )
    closed = sum(x.line["closed"] for x in month.lines)
    assert total[8] == format_rate(closed / month.total["problems"])  # from the sums
    assert total[8].endswith("%") and "." in total[8]
    assert f"问题总数 {month.total['problems']}" in page.summary.text()
    # numbers are centred, the branch name left
    assert page.table.item(0, 1).textAlignment() == int(Qt.AlignmentFlag.AlignCenter)


def test_the_branch_that_has_not_reported_is_red_with_its_contact(page):
    assert page.missing.title.text() == "未报送（1个支部），请催报："
    assert page.missing.texts() == ["第四党支部　联系人：钱进　电话：0571-4"]
    assert page.missing.property("complete") is False
    shown = [w for w in page.missing.findChildren(QLabel) if w.isVisible()]
    name = next(w for w in shown if w.objectName() == "missingName")
    assert name.text() == "第四党支部" and "电话：0571-4" in [w.text() for w in shown]
    assert "QLabel#missingName { color: #b00020;" in page.styleSheet()  # red


def test_overdue_measures_are_sorted_by_days_and_by_branch(page, collected):
    month = rollup(collected, 2026, 11)
    assert len(month.overdue) > 3
    days = [int(t[:-1]) for t in page.overdue.column_texts(DAYS_COL)]
    assert days == sorted((o["days"] for o in month.overdue), reverse=True)
    page.overdue.horizontalHeader().sectionClicked.emit(0)  # the user clicks 支部
    page.overdue.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    branches = page.overdue.column_texts(0)
    assert branches == sorted(branches, key=NAMES.index)  # in list order, not by character code
    page.overdue.sortByColumn(DAYS_COL, Qt.SortOrder.AscendingOrder)
    assert [int(t[:-1]) for t in page.overdue.column_texts(DAYS_COL)] == sorted(days)
    assert f"（{len(month.overdue)} 项）" in page.overdue_title.text()


def test_previous_month_and_back(page, collected):
    page.month.previous.click()
    assert page.month.value() == (2026, 10)
    assert row_texts(page, 0)[10] == "上月未报送"  # nothing was received for September
    october = rollup(collected, 2026, 10)
    assert row_texts(page, len(NAMES))[1] == str(october.total["problems"])
    assert page.month.next.isEnabled()
    page.month.next.click()
    assert page.month.value() == (2026, 11) and not page.month.next.isEnabled()


def test_double_clicking_a_branch_shows_its_detail_as_received(qtbot, page, collected, monkeypatch):
    shown = []
    monkeypatch.setattr(
        DetailDialog, "exec", lambda self: shown.append(self) or QDialog.DialogCode.Rejected
    )
    line = rollup(collected, 2026, 11).lines[1]
    page.table.cellDoubleClicked.emit(1, 0)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    dialog = shown[0]
    rows = branch_detail(collected, line.report_id)
    assert dialog.windowTitle().startswith(f"{NAMES[1]} 2026年11月 明细")
    assert line.code and line.code in dialog.header.text() and "已校验" in dialog.header.text()
    model = dialog.model
    assert model.headings == [str(v or "") for v in rows[0]]
    assert model.rowCount() == len(rows) - 1
    assert model.data(model.index(0, 1)) == str(rows[1][1])
    dialog.view.selectRow(0)
    dialog.copy_selection()
    from PySide6.QtGui import QGuiApplication

    assert str(rows[1][1]) in QGuiApplication.clipboard().text()


def test_a_branch_ledger_shows_how_to_start(qtbot, session):
    widget = RollupPage(session)  # the demo ledger: a branch's own, no branches listed
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    assert widget.stack.currentIndex() == 0
    assert "收取支部月报" in widget.empty.text() and "支部名单" in widget.empty.text()
    assert widget.collect_button.isEnabled() and widget.branches_button.isEnabled()
    assert not widget.export_button.isEnabled()


def test_the_screenshot_flag_shows_the_rollup_page(tmp_path, collected):
    import os
    import subprocess
    import sys
    from pathlib import Path

    out = tmp_path / "rollup.png"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ZHENGGAI_DATA_DIR": str(tmp_path / "d")}
    result = subprocess.run(
        [sys.executable, "main.py", "--db", collected.location, "--screenshot", str(out)]
        + ["--view", "汇总", "--size", "1366x740"],
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size > 10_000


def test_exporting_the_rollup_runs_in_the_background_and_offers_the_file(
    qtbot, page, tmp_path, monkeypatch
):
    from tracker.excel.verify_report import check_file
    from ui import excel_actions

    target = tmp_path / "汇总表.xlsx"
    monkeypatch.setattr(excel_actions, "_save_path", lambda *a: target)
    offered = []
    monkeypatch.setattr(excel_actions, "offer_to_open", lambda *a: offered.append(a))
    page.export_button.click()
    qtbot.waitUntil(lambda: bool(offered), timeout=20000)
    _parent, title, text, path = offered[0]
    assert title == "汇总表已生成" and path == target and "未报送 1 个" in text
    assert check_file(target).ok
