"""整改措施: deadlines as the user wrote them, completion, voiding, extensions and progress entries."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker import history, journal, services, stats
from tracker.errors import ConflictError, ValidationError, WorkflowError
from tracker.models import Extension, Progress

from .factories import (
    close_problem,
    is_chinese,
    make_problem,
    make_team,
    measure,
    measure_ids,
    problem,
    ready_for_closure,
    status,
)


def only_measure(ledger, deadline, **kwargs) -> dict:
    pid = make_problem(ledger, deadlines=(deadline,), **kwargs)
    (mid,) = measure_ids(ledger, pid)
    return measure(ledger, mid)


# -- deadlines ----------------------------------------------------------------------------------
def test_a_month_end_deadline_keeps_the_words_and_knows_the_day(ledger):
    m = only_measure(ledger, "2026年6月底前")
    assert (m["deadline_text"], m["deadline_kind"], m["deadline_date"], m["status"]) == (
        "2026年6月底前",
        "date",
        dt.date(2026, 6, 30),
        "open",
    )


def test_fix_at_once_is_due_on_the_day_the_problem_was_found(ledger):
    m = only_measure(ledger, "立行立改", found_on=dt.date(2026, 2, 20))
    assert (m["deadline_text"], m["deadline_kind"], m["deadline_date"]) == (
        "立行立改",
        "immediate",
        dt.date(2026, 2, 20),
    )


def test_fix_at_once_added_later_is_still_due_on_the_day_found(ledger, clock):
    pid = make_problem(ledger, found_on=dt.date(2026, 2, 20))
    clock.advance(days=5)
    mid = services.add_measure(
        ledger, pid, services.MeasureInput("立即清理过期文件", deadline="立行立改")
    ).created_id
    assert measure(ledger, mid)["deadline_date"] == dt.date(2026, 2, 20)


def test_a_long_term_measure_has_no_date_and_its_own_status(ledger):
    m = only_measure(ledger, "长期坚持")
    assert (m["deadline_kind"], m["deadline_date"], m["status"]) == ("long_term", None, "long_term")


def test_a_quarterly_measure_is_long_term_with_a_rhythm(ledger):
    m = only_measure(ledger, "每季度")
    assert (m["deadline_kind"], m["deadline_rhythm"], m["deadline_date"], m["status"]) == (
        "recurring",
        "quarterly",
        None,
        "long_term",
    )


def test_a_deadline_picked_from_a_calendar_is_written_as_in_official_tables(ledger):
    m = only_measure(ledger, dt.date(2026, 6, 30))
    assert (m["deadline_text"], m["deadline_kind"], m["deadline_date"]) == (
        "2026年6月30日",
        "date",
        dt.date(2026, 6, 30),
    )


def test_a_measure_without_a_deadline_is_kept_without_one(ledger):
    m = only_measure(ledger, None)
    assert (m["deadline_text"], m["deadline_kind"], m["deadline_date"], m["status"]) == (
        "",
        "none",
        None,
        "open",
    )


def test_an_unreadable_deadline_is_kept_as_text_with_a_warning(ledger):
    team = make_team(ledger)
    changes = services.create_problem(
        ledger,
        description="节日期间值班不到位",
        measures=[services.MeasureInput("完善节日值班制度", owner=team.owner, deadline="端午节前")],
    )

    (mid,) = changes.measures
    m = measure(ledger, mid)
    assert (m["deadline_text"], m["deadline_kind"], m["deadline_date"], m["status"]) == (
        "端午节前",
        "unknown",
        None,
        "open",
    )
    (warning,) = changes.warnings
    assert "端午节前" in warning and "按文本保存" in warning and is_chinese(warning)


def test_correcting_a_deadline_to_unreadable_text_warns_too(ledger):
    mid = only_measure(ledger, "2026年6月30日")["id"]

    changes = services.update_measure(ledger, mid, deadline="上级通知后")

    assert measure(ledger, mid)["deadline_text"] == "上级通知后"
    assert measure(ledger, mid)["deadline_date"] is None
    assert len(changes.warnings) == 1 and "上级通知后" in changes.warnings[0]


def test_correcting_a_deadline_to_long_term_and_back_changes_the_status(ledger):
    mid = only_measure(ledger, "2026年6月30日")["id"]

    services.update_measure(ledger, mid, deadline="长期坚持")
    assert measure(ledger, mid)["status"] == "long_term"

    services.update_measure(ledger, mid, deadline="2026年9月30日")
    assert (measure(ledger, mid)["status"], measure(ledger, mid)["deadline_date"]) == (
        "open",
        dt.date(2026, 9, 30),
    )


# -- adding and editing measures ----------------------------------------------------------------
def test_a_measure_added_later_is_numbered_after_the_others(ledger):
    pid = make_problem(ledger, deadlines=("2026年4月30日", "2026年5月31日"))

    changes = services.add_measure(
        ledger, pid, services.MeasureInput("建立长效机制", deadline="长期坚持")
    )

    assert measure(ledger, changes.created_id)["seq"] == 3
    assert changes.problems == {pid}


def test_no_measure_can_be_added_to_a_closed_problem(ledger, tmp_path):
    pid = make_problem(ledger)
    close_problem(ledger, pid, tmp_path / "files")

    with pytest.raises(WorkflowError) as caught:
        services.add_measure(ledger, pid, services.MeasureInput("补一条措施"))
    assert "已销号" in str(caught.value)


def test_a_measure_edit_leaves_untouched_fields_alone_and_can_clear_the_owner(ledger):
    m = only_measure(ledger, "2026年6月30日")

    services.update_measure(ledger, m["id"], text="  精简会议文件，建立会议清单  ", owner=None)

    after = measure(ledger, m["id"])
    assert after["text"] == "精简会议文件，建立会议清单"
    assert after["owner"] is None
    assert after["department"] == m["department"]
    assert after["deadline_text"] == m["deadline_text"]
    assert after["version"] == 2


def test_a_measure_with_an_unknown_owner_is_refused(ledger):
    mid = only_measure(ledger, "2026年6月30日")["id"]
    with pytest.raises(ValidationError) as caught:
        services.update_measure(ledger, mid, owner=999)
    assert caught.value.field == "责任人"
    assert "责任人" in str(caught.value)


def test_a_stale_measure_edit_is_refused(ledger):
    m = only_measure(ledger, "2026年6月30日")
    services.update_measure(ledger, m["id"], text="第一个窗口的修改")

    with pytest.raises(ConflictError) as caught:
        services.update_measure(
            ledger, m["id"], text="第二个窗口的修改", expected_version=m["version"]
        )

    assert "整改措施" in str(caught.value)
    assert measure(ledger, m["id"])["text"] == "第一个窗口的修改"


# -- completing, reopening, voiding -------------------------------------------------------------
def test_a_measure_is_done_today_unless_told_otherwise(ledger, clock):
    first, second = measure_ids(
        ledger,
        make_problem(
            ledger, deadlines=("2026年4月30日", "2026年5月31日"), found_on=dt.date(2026, 2, 1)
        ),
    )

    services.complete_measure(ledger, first)
    services.complete_measure(ledger, second, done_on=dt.date(2026, 2, 28))

    assert (measure(ledger, first)["status"], measure(ledger, first)["done_on"]) == (
        "done",
        dt.date(2026, 3, 2),
    )
    assert measure(ledger, second)["done_on"] == dt.date(2026, 2, 28)


def test_a_measure_cannot_be_done_in_the_future(ledger):
    mid = only_measure(ledger, "2026年6月30日")["id"]
    with pytest.raises(ValidationError) as caught:
        services.complete_measure(ledger, mid, done_on=dt.date(2026, 3, 3))
    assert caught.value.field == "完成日期"
    assert measure(ledger, mid)["status"] == "open"


def test_a_done_measure_can_be_reopened(ledger):
    mid = only_measure(ledger, "2026年6月30日")["id"]
    services.complete_measure(ledger, mid)

    services.reopen_measure(ledger, mid)

    assert (measure(ledger, mid)["status"], measure(ledger, mid)["done_on"]) == ("open", None)


def test_a_reopened_long_term_measure_is_long_term_again(ledger):
    mid = only_measure(ledger, "长期坚持")["id"]
    services.complete_measure(ledger, mid)

    services.reopen_measure(ledger, mid)

    assert measure(ledger, mid)["status"] == "long_term"


def test_only_a_done_measure_can_be_reopened(ledger):
    mid = only_measure(ledger, "2026年6月30日")["id"]
    with pytest.raises(WorkflowError) as caught:
        services.reopen_measure(ledger, mid)
    assert "已完成" in str(caught.value)


def test_voiding_a_measure_needs_a_reason_and_drops_it_from_the_counts(ledger):
    pid = make_problem(ledger, deadlines=("2026年4月30日", "2026年5月31日"))
    first, second = measure_ids(ledger, pid)

    with pytest.raises(ValidationError) as caught:
        services.void_measure(ledger, second, " ")
    assert caught.value.field == "作废理由"

    services.void_measure(ledger, second, "与措施一重复")

    assert (measure(ledger, second)["status"], measure(ledger, second)["void_reason"]) == (
        "void",
        "与措施一重复",
    )
    assert stats.stats(ledger)["measures"] == 1
    with pytest.raises(WorkflowError):
        services.void_measure(ledger, second, "再次作废")
    with pytest.raises(WorkflowError) as caught:
        services.complete_measure(ledger, second)
    assert "已作废" in str(caught.value)


def test_measures_of_a_closed_problem_are_frozen(ledger, tmp_path):
    pid = make_problem(ledger)
    close_problem(ledger, pid, tmp_path / "files")
    (mid,) = measure_ids(ledger, pid)

    for action in (
        lambda: services.reopen_measure(ledger, mid),
        lambda: services.void_measure(ledger, mid, "不需要了"),
        lambda: services.update_measure(ledger, mid, text="事后修改"),
    ):
        with pytest.raises(WorkflowError):
            action()
    assert measure(ledger, mid)["status"] == "done"


# -- extending a deadline -----------------------------------------------------------------------
def extensions(ledger, mid) -> list[dict]:
    return list(
        ledger.select(Extension).where(Extension.measure == mid).order_by(Extension.id).dicts()
    )


def test_an_extension_records_old_and_new_deadline_with_the_reason(ledger, clock):
    m = only_measure(ledger, "2026年3月31日")
    clock.advance(days=20)

    changes = services.extend_deadline(ledger, m["id"], "2026年6月底前", "  需等待上级文件出台  ")

    (ext,) = extensions(ledger, m["id"])
    assert (ext["old_text"], ext["old_date"]) == ("2026年3月31日", dt.date(2026, 3, 31))
    assert (ext["new_text"], ext["new_date"]) == ("2026年6月底前", dt.date(2026, 6, 30))
    assert (ext["reason"], ext["by"], ext["at"]) == (
        "需等待上级文件出台",
        "王敏",
        "2026-03-22 09:30:00",
    )
    after = measure(ledger, m["id"])
    assert (after["deadline_text"], after["deadline_date"], after["status"]) == (
        "2026年6月底前",
        dt.date(2026, 6, 30),
        "open",
    )
    assert m["problem"] in changes.problems and m["id"] in changes.measures


def test_an_extension_shows_in_the_problems_history(ledger):
    m = only_measure(ledger, "2026年3月31日")
    services.extend_deadline(ledger, m["id"], dt.date(2026, 4, 30), "人员调整")

    last = history.problem_history(ledger, m["problem"])[-1]
    assert last.action == "延期"
    assert any("新增延期记录" in line and "人员调整" in line for line in last.lines)
    assert "措施 1·整改时限：2026年3月31日 → 2026年4月30日" in last.lines
    assert last.subject.startswith("措施 1“")


def test_extensions_pile_up_one_row_each(ledger):
    mid = only_measure(ledger, "2026年3月31日")["id"]
    services.extend_deadline(ledger, mid, "2026年4月30日", "第一次延期")
    services.extend_deadline(ledger, mid, "2026年5月31日", "第二次延期")

    assert [(e["old_text"], e["new_text"]) for e in extensions(ledger, mid)] == [
        ("2026年3月31日", "2026年4月30日"),
        ("2026年4月30日", "2026年5月31日"),
    ]


def test_an_extension_needs_a_reason(ledger):
    mid = only_measure(ledger, "2026年3月31日")["id"]
    with pytest.raises(ValidationError) as caught:
        services.extend_deadline(ledger, mid, "2026年6月30日", "")
    assert caught.value.field == "延期理由"
    assert extensions(ledger, mid) == []


@pytest.mark.parametrize("new", ["2026年3月31日", "2026年3月15日", dt.date(2026, 1, 1)])
def test_an_extension_must_move_the_deadline_later(ledger, new):
    mid = only_measure(ledger, "2026年3月31日")["id"]
    with pytest.raises(ValidationError) as caught:
        services.extend_deadline(ledger, mid, new, "想提前")
    assert caught.value.field == "新期限"
    assert "晚于原期限" in str(caught.value)
    assert measure(ledger, mid)["deadline_text"] == "2026年3月31日"


@pytest.mark.parametrize("new", ["等通知", "", "   "])
def test_an_extension_to_unreadable_text_is_refused(ledger, new):
    mid = only_measure(ledger, "2026年3月31日")["id"]
    with pytest.raises(ValidationError) as caught:
        services.extend_deadline(ledger, mid, new, "原因")
    assert caught.value.field == "新期限"
    assert "无法识别" in str(caught.value)
    assert extensions(ledger, mid) == []


def test_an_extension_to_long_term_makes_the_measure_long_term(ledger):
    mid = only_measure(ledger, "2026年3月31日")["id"]
    services.extend_deadline(ledger, mid, "长期坚持", "转为常态化管理")
    assert (measure(ledger, mid)["status"], measure(ledger, mid)["deadline_date"]) == (
        "long_term",
        None,
    )


def test_a_done_measure_needs_no_extension(ledger):
    mid = only_measure(ledger, "2026年3月31日")["id"]
    services.complete_measure(ledger, mid)
    with pytest.raises(WorkflowError) as caught:
        services.extend_deadline(ledger, mid, "2026年6月30日", "原因")
    assert "未完成" in str(caught.value)


def test_an_extension_clears_an_overdue_measure(ledger, clock):
    mid = only_measure(ledger, "2026年3月31日")["id"]
    clock.advance(days=35)
    assert stats.stats(ledger)["overdue_measures"] == 1

    services.extend_deadline(ledger, mid, "2026年5月31日", "上级要求调整")

    assert stats.stats(ledger)["overdue_measures"] == 0


# -- progress -----------------------------------------------------------------------------------
def progress_rows(ledger, mid) -> list[dict]:
    return list(
        ledger.select(Progress).where(Progress.measure == mid).order_by(Progress.id).dicts()
    )


def test_progress_is_dated_today_and_signed_by_the_actor(ledger):
    mid = only_measure(ledger, "2026年6月30日")["id"]

    changes = services.add_progress(ledger, mid, "  召开专题会议，梳理会议清单  ")

    (row,) = progress_rows(ledger, mid)
    assert (row["on"], row["text"], row["author"]) == (
        dt.date(2026, 3, 2),
        "召开专题会议，梳理会议清单",
        "王敏",
    )
    assert changes.created_id == row["id"] and mid in changes.measures


def test_progress_can_be_back_dated_and_signed_by_the_person_who_did_it(ledger):
    mid = only_measure(ledger, "2026年6月30日")["id"]
    services.add_progress(ledger, mid, "起草会议清单制度", on=dt.date(2026, 2, 27), author=" 李娜 ")
    (row,) = progress_rows(ledger, mid)
    assert (row["on"], row["author"]) == (dt.date(2026, 2, 27), "李娜")


def test_progress_cannot_be_dated_in_the_future(ledger):
    mid = only_measure(ledger, "2026年6月30日")["id"]
    with pytest.raises(ValidationError) as caught:
        services.add_progress(ledger, mid, "明天要做的事", on=dt.date(2026, 3, 3))
    assert caught.value.field == "进展日期"
    assert progress_rows(ledger, mid) == []


def test_empty_progress_is_refused(ledger):
    mid = only_measure(ledger, "2026年6月30日")["id"]
    with pytest.raises(ValidationError) as caught:
        services.add_progress(ledger, mid, "  ")
    assert caught.value.field == "整改进展"


def test_progress_is_still_welcome_while_closure_is_pending_but_not_after(ledger, tmp_path):
    pid = make_problem(ledger)
    (mid,) = measure_ids(ledger, pid)
    ready_for_closure(ledger, pid, tmp_path / "files")
    services.request_closure(ledger, pid, "已完成")

    services.add_progress(ledger, mid, "补充：制度已印发")
    assert status(ledger, pid) == "pending_closure"

    services.approve_closure(ledger, pid, "赵刚")
    with pytest.raises(WorkflowError) as caught:
        services.add_progress(ledger, mid, "销号之后的进展")
    assert "已销号" in str(caught.value)
    assert len(progress_rows(ledger, mid)) == 1


def test_every_measure_action_is_journaled_under_its_problem(ledger, clock):
    m = only_measure(ledger, "2026年3月31日")
    services.add_progress(ledger, m["id"], "进展")
    services.extend_deadline(ledger, m["id"], "2026年4月30日", "延期")
    services.complete_measure(ledger, m["id"])

    assert [e.action for e in journal.entries(ledger.db, problem=m["problem"])] == [
        "problem.create",
        "progress.create",
        "measure.extend",
        "measure.complete",
    ]
    assert problem(ledger, m["problem"])["status"] == "in_progress"


def test_a_blank_author_falls_back_to_the_actor(ledger):
    mid = only_measure(ledger, "2026年6月30日")["id"]
    services.add_progress(ledger, mid, "起草制度", author="   ")
    (row,) = progress_rows(ledger, mid)
    assert row["author"] == "王敏"
