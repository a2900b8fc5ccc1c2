"""Where a search or a department/person filter matched a problem the list shows."""

from __future__ import annotations

import datetime as dt

from tracker import services
from tracker.matches import search_form, snippet, spans, where_matched
from tracker.queries import Filter, problem_ids

from .factories import make_problem, make_team, measure_ids, term_id


def matched(ledger, flt: Filter) -> dict[int, str]:
    return where_matched(ledger, flt, problem_ids(ledger, flt))


def test_a_term_in_the_description_needs_no_note(ledger):
    pid = make_problem(ledger, "开展调研不深入")
    assert pid in problem_ids(ledger, Filter(search="调研"))
    assert matched(ledger, Filter(search="调研")) == {}


def test_a_term_found_only_in_a_measure_says_which_measure(ledger):
    pid = make_problem(ledger, "会议多")
    services.add_measure(
        ledger, pid, services.MeasureInput("每季度开展一次专题调研，形成报告", deadline="长期坚持")
    )
    assert matched(ledger, Filter(search="调研")) == {
        pid: "措施 2：…季度开展一次专题调研，形成报告"
    }


def test_a_term_found_only_in_progress_says_measure_and_date(ledger, clock):
    pid = make_problem(ledger, "会议多")
    clock.advance(days=3)
    services.add_progress(ledger, measure_ids(ledger, pid)[0], "赴基层调研三次")
    assert matched(ledger, Filter(search="调研")) == {
        pid: "措施 1 进展（2026年3月5日）：赴基层调研三次"
    }


def test_cause_target_and_remarks_are_named(ledger):
    a = make_problem(ledger, "会议多", cause="缺少调研")
    b = make_problem(ledger, "文件多", target="调研后精简")
    c = make_problem(ledger, "检查多", remarks="待调研")
    notes = matched(ledger, Filter(search="调研"))
    assert notes == {a: "原因分析：缺少调研", b: "整改目标：调研后精简", c: "备注：待调研"}


def test_a_measure_owner_found_by_name(ledger):
    pid = make_problem(ledger, "会议多")
    owner = term_id(ledger, "person", "欧阳明")
    services.update_measure(ledger, measure_ids(ledger, pid)[0], owner=owner)
    assert matched(ledger, Filter(search="欧阳")) == {pid: "措施 1 责任人：欧阳明"}


def test_full_width_and_case_are_found_as_the_search_finds_them(ledger):
    pid = make_problem(ledger, "会议多")
    services.add_measure(
        ledger, pid, services.MeasureInput("建立ＯＡ系统台账", deadline="长期坚持")
    )
    assert matched(ledger, Filter(search="oa")) == {pid: "措施 2：建立ＯＡ系统台账"}
    assert spans("建立ＯＡ系统", search_form("oa")) == [(2, 4)]


def test_a_department_filter_through_a_measure_names_that_measure(ledger):
    team = make_team(ledger)
    other = term_id(ledger, "department", "宣传部")
    own = make_problem(ledger, "会议多")  # 办公室 on the problem itself: no note
    through = make_problem(ledger, "文件多", department=other)
    services.update_measure(ledger, measure_ids(ledger, through)[0], department=other)
    notes = matched(ledger, Filter(department=other))
    assert notes == {through: "问题的责任部门"}  # the problem's own, though its measure's too
    services.update_measure(ledger, measure_ids(ledger, own)[0], department=other)
    notes = matched(ledger, Filter(department=other))
    assert notes == {own: "措施 1 责任部门：宣传部", through: "问题的责任部门"}
    assert team.department != other


def test_a_person_filter_through_a_measure_names_the_owner(ledger):
    team = make_team(ledger)
    pid = make_problem(ledger, "会议多")  # led by 张伟, measure owned by 李娜
    assert matched(ledger, Filter(person=team.owner)) == {pid: "措施 1 责任人：李娜"}
    assert matched(ledger, Filter(person=team.leader)) == {pid: "问题的责任领导"}


def test_snippets_are_cut_around_the_match():
    text = "一二三四五六七八九十" * 3 + "调研" + "甲乙丙丁戊己庚辛壬癸" * 3
    cut = snippet(text, "调研")
    assert cut.startswith("…") and cut.endswith("…") and "调研" in cut
    assert len(cut) <= 8 + 2 + 18 + 2
    assert snippet("短句调研", "调研") == "短句调研"


def test_nothing_to_say_without_a_search_or_those_filters(ledger):
    make_problem(ledger, "会议多", found_on=dt.date(2026, 3, 1))
    assert matched(ledger, Filter(view="overdue")) == {}
