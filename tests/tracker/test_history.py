"""The history a person reads: which measure an entry is about, sizes with units, values whole."""

from __future__ import annotations

from tracker import history, services
from tracker.labels import size_label

from .factories import make_problem, measure_ids, write_file


def test_an_entry_about_one_measure_names_it(ledger):
    pid = make_problem(ledger, deadlines=("2026年6月30日", "2026年9月30日"))
    first, second = measure_ids(ledger, pid)
    services.complete_measure(ledger, second)
    services.add_progress(ledger, first, "召开专题会，梳理会议清单")

    done, progress = history.problem_history(ledger, pid)[-2:]

    assert done.title == "措施完成：措施 2“整改措施2：精简会议文件，建立清单”"
    assert "措施 2·状态：未完成 → 已完成" in done.lines
    assert progress.title.startswith("填写整改进展：措施 1“")


def test_an_entry_about_several_measures_names_none_in_its_title(ledger):
    pid = make_problem(ledger, deadlines=("2026年6月30日", "2026年9月30日"))
    (created,) = history.problem_history(ledger, pid)
    assert created.subject == "" and created.title == "新增问题（挂账）"


def test_a_long_measure_text_is_shortened_in_the_title_only(ledger):
    long_text = "建立健全会议管理制度，" * 6
    pid = make_problem(ledger)
    mid = services.add_measure(
        ledger, pid, services.MeasureInput(long_text, deadline="2026年6月30日")
    ).created_id
    services.update_measure(ledger, mid, text=long_text + "并公开")

    edit = history.problem_history(ledger, pid)[-1]

    assert edit.subject.endswith("…”") and len(edit.subject) < 40
    assert f"措施 2·内容：{long_text} → {long_text}并公开" in edit.lines  # whole, not cut


def test_evidence_sizes_carry_their_unit(ledger, tmp_path):
    pid = make_problem(ledger)
    small = write_file(tmp_path / "files", "签到表.txt", "到会 12 人")
    large = write_file(tmp_path / "files", "会议纪要.txt", "纪要" * 3000)
    services.add_evidence(ledger, pid, small)
    services.add_evidence(ledger, pid, large)

    one, two = history.problem_history(ledger, pid)[-2:]

    assert f"大小：{size_label(small.stat().st_size)}" in one.lines[0]
    assert "字节" in one.lines[0]
    assert "大小：17.6 KB" in two.lines[0]


def test_size_labels():
    assert size_label(0) == "0 字节"
    assert size_label(1023) == "1023 字节"
    assert size_label(2048) == "2.0 KB"
    assert size_label(5 * 1024 * 1024) == "5.0 MB"
