"""The start-up reminder: it says what is overdue and due soon, leads there, and can be dismissed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from tracker import dashboard, services
from tracker.ledger import create_ledger
from tracker.models import Measure, Problem
from tracker.overdue import overdue_measure_condition
from ui.panels.reminder import ReminderBanner
from ui.session import Session


@pytest.fixture
def banner(qtbot, session):
    host = QWidget()  # the ledger page the banner sits on
    qtbot.addWidget(host)
    widget = ReminderBanner(session, host)
    host.show()
    yield widget  # a generator keeps the host alive: qtbot holds widgets only weakly


def test_banner_is_hidden_until_checked(banner):
    assert not banner.isVisible()


def test_banner_counts_overdue_measures_their_problems_and_what_is_due_in_7_days(
    banner, demo_ledger, settle
):
    overdue = dashboard.overdue_items(demo_ledger)
    due = dashboard.due_soon_items(demo_ledger, 7)
    banner.check()
    settle()
    assert banner.isVisible()
    problems = len({item.problem_id for item in overdue})
    assert (
        banner.text.text()
        == f"逾期 {len(overdue)} 项整改措施（涉及 {problems} 个问题），7天内到期 {len(due)} 项"
    )
    assert banner.text.text() == "逾期 9 项整改措施（涉及 8 个问题），7天内到期 1 项"
    assert banner.overdue_button.isVisible() and banner.due_button.isVisible()


def test_buttons_ask_for_the_overdue_and_due_soon_views(qtbot, banner, settle):
    banner.check()
    settle()
    with qtbot.waitSignal(banner.show_view) as signal:
        qtbot.mouseClick(banner.overdue_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["overdue"]
    with qtbot.waitSignal(banner.show_view) as signal:
        qtbot.mouseClick(banner.due_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["due7"]


def test_the_cross_dismisses_it_without_touching_data(qtbot, banner, demo_ledger, settle):
    banner.check()
    settle()
    assert banner.isVisible()
    head = demo_ledger.select(Measure, Measure.id).count()
    qtbot.mouseClick(banner.close_button, Qt.MouseButton.LeftButton)
    assert not banner.isVisible()
    assert demo_ledger.select(Measure, Measure.id).count() == head


def test_completing_an_overdue_measure_lowers_the_count(
    banner, session, demo_ledger, message_boxes, settle
):
    banner.check()
    settle()
    before = banner.overdue_measures
    measure_id = (
        demo_ledger.select(Measure, Measure.id)
        .join(Problem, on=(Measure.problem == Problem.id))
        .where(overdue_measure_condition(demo_ledger.today()))
        .scalar()
    )
    assert session.perform(None, services.complete_measure, measure_id)
    settle()
    assert banner.overdue_measures == before - 1
    assert banner.text.text().startswith(f"逾期 {before - 1} 项整改措施")


def checked_banner(qtbot, session, settle) -> ReminderBanner:
    """A banner on a page of its own over `session`, its counts read."""
    host = QWidget()
    qtbot.addWidget(host)
    widget = ReminderBanner(session, host)
    widget.host = host  # the host lives as long as the banner (qtbot holds widgets weakly)
    host.show()
    widget.check()
    settle()
    return widget


def test_nothing_to_say_on_a_fresh_empty_ledger(qtbot, tmp_path, settle):
    empty = Session()
    empty.open(create_ledger(tmp_path / "e.db", unit_name="x"))
    widget = checked_banner(qtbot, empty, settle)
    assert not widget.isVisible()
    empty.close()


def test_without_a_ledger_the_banner_stays_hidden(qtbot, settle):
    host = QWidget()
    qtbot.addWidget(host)
    widget = ReminderBanner(Session(), host)
    host.show()
    widget.check()
    settle()
    assert not widget.isVisible()


def test_measures_whose_deadline_names_no_date_are_reminded_of_and_lead_to_their_view(
    qtbot, tmp_path, settle
):
    fresh = Session()
    ledger = create_ledger(tmp_path / "u.db", unit_name="第一党支部", actor="王敏")
    fresh.open(ledger)
    services.create_problem(
        ledger,
        description="会议多",
        measures=[
            services.MeasureInput("压减会议", deadline="等领导定了再说"),
            services.MeasureInput("合并会议", deadline=None),
            services.MeasureInput("长期坚持会议审批", deadline="长期坚持"),
        ],
    )
    widget = checked_banner(qtbot, fresh, settle)
    assert widget.isVisible()
    assert widget.text.text() == "时限不明确 2 项整改措施"
    assert widget.unclear_button.isVisible() and not widget.overdue_button.isVisible()
    with qtbot.waitSignal(widget.show_view) as signal:
        qtbot.mouseClick(widget.unclear_button, Qt.MouseButton.LeftButton)
    assert signal.args == ["unclear"]
    fresh.close()


def test_the_due_soon_count_leaves_out_measures_of_overdue_problems(banner, demo_ledger, settle):
    """The banner's 7天内到期 is the view's: problems already overdue are counted as 逾期 only."""
    banner.check()
    settle()
    from tracker.queries import DUE_SOON, Filter, problem_ids

    shown = set(problem_ids(demo_ledger, Filter(view=DUE_SOON)))
    assert {item.problem_id for item in dashboard.due_soon_items(demo_ledger, 7)} <= shown
    assert banner.due_soon == len(dashboard.due_soon_items(demo_ledger, 7))
