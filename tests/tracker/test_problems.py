"""Listing problems (挂账): automatic codes, validation that names the field, field-by-field edits."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import journal, replay, services
from tracker.errors import ValidationError, WorkflowError
from tracker.models import Measure, Meta, Problem

from .factories import (
    close_problem,
    is_chinese,
    make_problem,
    make_team,
    measure_ids,
    problem,
    ready_for_closure,
    status,
)


def codes(ledger) -> list[str]:
    return [c for (c,) in ledger.select(Problem, Problem.code).order_by(Problem.id).tuples()]


def last_entry(ledger) -> journal.Entry:
    *_, entry = journal.entries(ledger.db)
    return entry


# -- creating -----------------------------------------------------------------------------------
def test_a_problem_listed_with_its_measures_gets_the_next_code_of_the_year(ledger):
    team = make_team(ledger)
    changes = services.create_problem(
        ledger,
        description="  调研走过场，蹲点调研少  ",
        cause="宗旨意识淡化",
        target="每季度至少一次蹲点调研",
        leader=team.leader,
        department=team.department,
        measures=[
            services.MeasureInput("制定年度调研计划", owner=team.owner, deadline="2026年4月底前"),
            services.MeasureInput("调研报告在支部会上交流", owner=team.owner, deadline="每季度"),
        ],
    )

    row = problem(ledger, changes.created_id)
    assert row["code"] == "2026-001"
    assert row["description"] == "调研走过场，蹲点调研少"  # trimmed
    assert row["status"] == "listed"
    assert row["found_on"] == dt.date(2026, 3, 2)  # today on the clock
    assert row["version"] == 1
    assert changes.problems == {changes.created_id}
    assert len(changes.measures) == 2
    assert changes.journal_head  # a code the user can write down

    second = make_problem(ledger, "文风不实，材料冗长")
    assert problem(ledger, second)["code"] == "2026-002"


def test_measures_are_numbered_in_the_order_given(ledger):
    pid = make_problem(ledger, deadlines=("2026年4月30日", "2026年5月31日", "长期坚持"))

    seqs = [
        (m["seq"], m["deadline_text"])
        for m in ledger.select(Measure).where(Measure.problem == pid).order_by(Measure.id).dicts()
    ]
    assert seqs == [(1, "2026年4月30日"), (2, "2026年5月31日"), (3, "长期坚持")]


def test_codes_count_per_year_of_the_date_found(ledger):
    late_last_year = make_problem(
        ledger, "年底查摆：值班制度落实不严", found_on=dt.date(2025, 12, 20)
    )
    this_year = make_problem(ledger, "今年查摆：会议多")
    another_last_year = make_problem(ledger, "补录去年的问题", found_on=dt.date(2025, 11, 3))

    assert problem(ledger, late_last_year)["code"] == "2025-001"
    assert problem(ledger, this_year)["code"] == "2026-001"
    assert problem(ledger, another_last_year)["code"] == "2025-002"


def test_a_voided_problems_code_is_never_given_out_again(ledger):
    make_problem(ledger, "问题一")
    mistaken = make_problem(ledger, "误录的问题")
    services.void_problem(ledger, mistaken, "重复录入")

    newcomer = make_problem(ledger, "问题三")

    assert problem(ledger, newcomer)["code"] == "2026-003"
    assert codes(ledger) == ["2026-001", "2026-002", "2026-003"]


def test_the_code_counter_survives_a_lost_meta_row(ledger):
    """If the counter row is missing (an old file), the next code continues after the highest one."""
    make_problem(ledger, "问题一")
    make_problem(ledger, "问题二")
    Meta.delete().where(Meta.key == "code_counter.2026").execute(ledger.db)

    assert problem(ledger, make_problem(ledger, "问题三"))["code"] == "2026-003"


# -- validation ---------------------------------------------------------------------------------
@pytest.mark.parametrize("description", ["", "   ", "\n\t"])
def test_a_problem_without_a_description_is_refused_and_names_the_field(ledger, description):
    entries_before = journal.count(ledger.db)

    with pytest.raises(ValidationError) as caught:
        services.create_problem(ledger, description=description)

    assert caught.value.field == "问题描述"
    assert "问题描述" in str(caught.value)
    assert is_chinese(str(caught.value))
    assert codes(ledger) == []
    assert journal.count(ledger.db) == entries_before


def test_a_refused_problem_does_not_use_up_a_code(ledger):
    with pytest.raises(ValidationError):
        services.create_problem(ledger, description="")

    assert problem(ledger, make_problem(ledger))["code"] == "2026-001"


def test_an_overlong_description_is_refused(ledger):
    with pytest.raises(ValidationError) as caught:
        services.create_problem(ledger, description="会" * 4001)
    assert caught.value.field == "问题描述"
    assert "4000" in str(caught.value)


def test_an_unknown_category_is_refused_and_names_the_field(ledger):
    with pytest.raises(ValidationError) as caught:
        services.create_problem(ledger, description="会议多", category=9999)

    assert caught.value.field == "问题类别"
    assert "问题类别" in str(caught.value)
    assert "不存在" in str(caught.value)
    assert codes(ledger) == []


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("source", "问题来源"),
        ("leader", "责任领导"),
        ("department", "责任部门"),
        ("batch", "整改批次"),
    ],
)
def test_every_unknown_reference_is_refused_by_its_own_name(ledger, field, label):
    with pytest.raises(ValidationError) as caught:
        services.create_problem(ledger, description="会议多", **{field: 4242})
    assert caught.value.field == label


def test_a_date_found_must_be_a_date(ledger):
    with pytest.raises(ValidationError) as caught:
        services.update_problem(ledger, make_problem(ledger), found_on="2026年3月1日")
    assert caught.value.field == "查摆日期"


def test_a_bad_measure_refuses_the_whole_problem(ledger):
    """One action, one transaction: a problem is never listed with half of its measures."""
    team = make_team(ledger)
    entries_before = journal.count(ledger.db)

    with pytest.raises(ValidationError) as caught:
        services.create_problem(
            ledger,
            description="会议多",
            measures=[
                services.MeasureInput("精简会议", owner=team.owner, deadline="2026年6月30日"),
                services.MeasureInput("落实会议清单", owner=777, deadline="2026年6月30日"),
            ],
        )

    assert caught.value.field == "责任人"
    assert codes(ledger) == []
    assert journal.count(ledger.db) == entries_before
    assert problem(ledger, make_problem(ledger))["code"] == "2026-001"


def test_an_empty_measure_text_is_refused(ledger):
    with pytest.raises(ValidationError) as caught:
        services.create_problem(
            ledger,
            description="会议多",
            measures=[services.MeasureInput("   ", deadline="立行立改")],
        )
    assert caught.value.field == "整改措施"
    assert is_chinese(str(caught.value))


def test_a_recurrence_must_point_at_a_closed_problem(ledger, tmp_path):
    earlier = make_problem(ledger, "上半年：公文审核把关不严")

    with pytest.raises(ValidationError) as caught:
        services.create_problem(ledger, description="公文差错再次出现", recurrence_of=earlier)
    assert caught.value.field == "复发自"
    assert "已销号" in str(caught.value)

    close_problem(ledger, earlier, tmp_path / "files")
    again = services.create_problem(
        ledger, description="回头看：公文差错再次出现", recurrence_of=earlier
    ).created_id
    assert problem(ledger, again)["recurrence_of"] == earlier


def test_a_problem_cannot_repeat_itself(ledger):
    pid = make_problem(ledger)
    with pytest.raises(ValidationError) as caught:
        services.update_problem(ledger, pid, recurrence_of=pid)
    assert caught.value.field == "复发自"


def test_a_recurrence_of_a_problem_that_does_not_exist_is_refused(ledger):
    with pytest.raises(ValidationError) as caught:
        services.create_problem(ledger, description="会议多", recurrence_of=12345)
    assert caught.value.field == "复发自"


# -- editing ------------------------------------------------------------------------------------
def test_an_edit_is_journaled_field_by_field_old_to_new(ledger):
    pid = make_problem(ledger, "会议多")
    category = ledger.select(Problem, Problem.category).where(Problem.id == pid).scalar()

    changes = services.update_problem(
        ledger, pid, description="会议多、会议长", cause="习惯于以会议落实会议", remarks="  "
    )

    entry = last_entry(ledger)
    assert entry.action == "problem.edit"
    assert entry.problem == pid
    assert entry.actor == "王敏"
    assert entry.at == "2026-03-02 09:30:00"
    (change,) = entry.changes
    assert change["t"] == "problem" and change["op"] == "u" and change["id"] == pid
    assert change["f"] == {
        "description": ["会议多", "会议多、会议长"],
        "cause": ["", "习惯于以会议落实会议"],
    }  # remarks stayed empty: not journaled; category untouched
    assert problem(ledger, pid)["category"] == category
    assert problem(ledger, pid)["version"] == 2
    assert changes.problems == {pid}
    assert changes.journal_head == journal.head(ledger.db).code


def test_saving_without_a_change_writes_nothing(ledger):
    pid = make_problem(ledger, "会议多")
    before = journal.count(ledger.db)

    changes = services.update_problem(ledger, pid, description="会议多")

    assert journal.count(ledger.db) == before
    assert not changes.anything
    assert problem(ledger, pid)["version"] == 1


def test_an_edit_that_clears_a_reference_is_journaled_as_none(ledger):
    pid = make_problem(ledger)
    leader = problem(ledger, pid)["leader"]

    services.update_problem(ledger, pid, leader=None)

    assert last_entry(ledger).changes[0]["f"] == {"leader": [leader, None]}
    assert problem(ledger, pid)["leader"] is None


def test_an_invalid_edit_changes_nothing(ledger):
    pid = make_problem(ledger, "会议多")
    with pytest.raises(ValidationError) as caught:
        services.update_problem(ledger, pid, description="", cause="新的原因")
    assert caught.value.field == "问题描述"
    row = problem(ledger, pid)
    assert (row["description"], row["cause"], row["version"]) == ("会议多", "", 1)


def test_a_closed_problem_cannot_be_edited_until_it_is_reopened(ledger, tmp_path):
    pid = make_problem(ledger, "会议多")
    close_problem(ledger, pid, tmp_path / "files")

    with pytest.raises(WorkflowError) as caught:
        services.update_problem(ledger, pid, description="事后改写的描述")

    message = str(caught.value)
    assert "2026-001" in message and "已销号" in message and "重新整改" in message
    assert problem(ledger, pid)["description"] == "会议多"

    services.reopen_problem(ledger, pid, "回头看发现反弹")
    services.update_problem(ledger, pid, description="会议多，回头看仍有反弹")
    assert problem(ledger, pid)["description"] == "会议多，回头看仍有反弹"


def test_a_voided_problem_cannot_be_edited(ledger):
    pid = make_problem(ledger, "误录的问题")
    services.void_problem(ledger, pid, "重复录入")

    with pytest.raises(WorkflowError) as caught:
        services.update_problem(ledger, pid, description="改一改")
    assert "已作废" in str(caught.value)


def test_a_problem_awaiting_closure_cannot_be_edited(ledger, tmp_path):
    pid = make_problem(ledger)
    ready_for_closure(ledger, pid, tmp_path / "files")
    services.request_closure(ledger, pid, "已整改到位")

    with pytest.raises(WorkflowError) as caught:
        services.update_problem(ledger, pid, cause="补充原因")
    assert "待销号" in str(caught.value)
    assert status(ledger, pid) == "pending_closure"
    assert measure_ids(ledger, pid)


def test_a_date_found_given_as_text_is_refused_by_name_when_listing(ledger):
    with pytest.raises(ValidationError) as caught:
        services.create_problem(ledger, description="会议多", found_on="2026-03-01")
    assert caught.value.field == "查摆日期"


def test_a_date_found_with_a_time_of_day_still_verifies(ledger):
    pid = services.create_problem(
        ledger, description="会议多", found_on=dt.datetime(2026, 3, 1, 8, 0)
    ).created_id
    services.update_problem(ledger, pid, found_on=dt.datetime(2026, 2, 27, 16, 45))

    assert problem(ledger, pid)["found_on"] == dt.date(2026, 2, 27)
    assert replay.verify(ledger).ok, replay.verify(ledger).problems
