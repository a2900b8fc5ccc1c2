"""A branch brings its hand-kept Excel ledger in: messy layouts give exactly the right problems."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.bulk import Cancelled
from tracker.excel.importer import apply_plan
from tracker.excel.plan import ImportOptions, build_plan
from tracker.journal import entries
from tracker.models import (
    Batch,
    Category,
    Department,
    ImportSource,
    Measure,
    Person,
    Problem,
    Progress,
    Source,
)
from tracker.replay import verify

from . import workbooks as W


def names(ledger, model) -> dict[int, str]:
    return dict(ledger.select(model, model.id, model.name).tuples())


def ledger_content(ledger) -> list[dict]:
    """The problems as a reader of the ledger sees them: names, not ids."""
    people, units = names(ledger, Person), names(ledger, Department)
    cats, sources, batches = names(ledger, Category), names(ledger, Source), names(ledger, Batch)
    out = []
    for p in ledger.select(Problem).order_by(Problem.id).dicts():
        measures = (
            ledger.select(Measure).where(Measure.problem == p["id"]).order_by(Measure.seq).dicts()
        )
        out.append(
            {
                "code": p["code"],
                "description": p["description"],
                "status": p["status"],
                "closed_on": p["closed_on"],
                "category": cats.get(p["category"]),
                "source": sources.get(p["source"]),
                "batch": batches.get(p["batch"]),
                "leader": people.get(p["leader"]),
                "department": units.get(p["department"]),
                "remarks": p["remarks"],
                "measures": [
                    (
                        m["text"],
                        people.get(m["owner"]),
                        units.get(m["department"]),
                        m["deadline_text"],
                        m["deadline_kind"],
                        m["deadline_date"],
                        m["status"],
                        m["done_on"],
                    )
                    for m in measures
                ],
            }
        )
    return out


def do_import(ledger, path, **options):
    plan = build_plan(ledger, path, ImportOptions(**options))
    return plan, apply_plan(ledger, plan)


def test_official_layout_with_merged_problem_cells(ledger, tmp_path):
    plan, result = do_import(ledger, W.official(tmp_path / "台账.xlsx"))

    (table,) = plan.tables
    assert table.header_rows == (3,)
    assert table.title == "市直机关第一党支部2025年度组织生活会查摆问题整改台账"
    assert [c.field for c in table.columns] == [
        "seq", "source", "category", "description", "cause", "target", "measure", "leader",
        "department", "owner", "deadline", "progress", "status", "closed_on", "evidence", "remarks",
    ]  # fmt: skip
    assert [str(w) for w in plan.warnings] == [
        "工作表“整改台账” 第9行 责任人：填写了多个（李娜、王敏），已取“李娜”，原文记入备注",
        "工作表“整改台账” 第9行 整改时限：‘年底前’ 无法确定年份，已按文本保存",
    ]
    assert (result.created, result.measures, result.codes) == (
        3,
        7,
        ["2026-001", "2026-002", "2026-003"],
    )

    batch = "市直机关第一党支部2025年度组织生活会查摆问题整改台账"
    first, second, third = ledger_content(ledger)
    assert first == {
        "code": "2026-001",
        "description": "会议文件多，以文件落实文件，基层负担重",
        "status": "closed",
        "closed_on": dt.date(2026, 1, 15),
        "category": "作风建设",
        "source": "组织生活会",
        "batch": batch,
        "leader": "张伟",
        "department": "办公室",
        "remarks": "佐证材料：会议纪要、制度文件",
        "measures": [
            ("制定会议文件审核制度", "李娜", "办公室", "2025年12月31日", "date", dt.date(2025, 12, 31), "done", dt.date(2026, 1, 15)),
            ("开展文风会风专项检查", "李娜", "办公室", "2026年1月底前", "date", dt.date(2026, 1, 31), "done", dt.date(2026, 1, 15)),
            ("建立长效监督机制", "王敏", "办公室", "长期坚持", "long_term", None, "long_term", None),
        ],
    }  # fmt: skip
    assert second["status"] == "in_progress" and second["remarks"] == "重点督办"
    assert second["measures"] == [
        ("规范会议记录模板", "陈晨", "组织科", "2025年12月31日", "date", dt.date(2025, 12, 31), "open", None),
        ("每季度检查一次会议记录", "陈晨", "组织科", "每季度", "recurring", None, "long_term", None),
    ]  # fmt: skip
    assert third["status"] == "listed" and third["remarks"] == "责任人（原表）：李娜、王敏"
    assert [m[:5] for m in third["measures"]] == [
        ("开展谈心谈话", "李娜", "办公室", "年底前", "unknown"),
        ("纳入年度考评", "李娜", "办公室", "年底前", "unknown"),
    ]
    progress = ledger.select(Progress, Progress.text, Progress.on, Progress.author).tuples()
    assert list(progress) == [("已印发制度", dt.date(2026, 3, 2), "王敏")]
    assert verify(ledger).ok


def test_two_row_header_sections_blanks_under_the_first_row_and_numbered_cells(ledger, tmp_path):
    plan, _ = do_import(ledger, W.two_row_header(tmp_path / "清单.xlsx"))

    assert [c.heading for c in plan.tables[0].columns][-1] == "配合单位"
    assert plan.tables[0].columns[-1].field is None  # not a field: kept in 备注
    assert [str(w) for w in plan.warnings] == []
    first, second, third = ledger_content(ledger)
    assert (first["category"], first["leader"], first["status"]) == (
        "思想建设",
        "刘洋",
        "in_progress",
    )
    assert first["remarks"] == "配合单位：办公室"
    assert first["measures"] == [
        ("制定年度学习计划", "周杰", "宣传科", "2026年3月底前", "date", dt.date(2026, 3, 31), "open", None),
        ("每月开展一次专题研讨", "周杰", "宣传科", "每月", "recurring", None, "long_term", None),
        ("建立学习笔记检查制度", "周杰", "宣传科", "2026年4月30日", "date", dt.date(2026, 4, 30), "open", None),
    ]  # fmt: skip
    # 已完成 on its measures, 销号 nowhere: awaiting review, not crossed off
    assert (second["category"], second["status"], second["closed_on"]) == (
        "思想建设",
        "pending_closure",
        None,
    )
    assert [(m[0], m[1], m[5], m[6]) for m in second["measures"]] == [
        ("每季度走访基层", "周杰", dt.date(2025, 5, 23), "done"),
        ("形成调研报告", "周杰", dt.date(2025, 5, 23), "done"),
    ]
    assert (third["category"], third["status"]) == ("作风建设", "long_term")
    assert third["measures"][0][4:7] == ("date", dt.date(2026, 6, 30), "long_term")
    leader = ledger.select(Person).where(Person.name == "刘洋").dicts().first()
    assert leader["post"] == "支部书记"
    assert verify(ledger).ok


def test_other_wordings_repeated_text_kept_codes_and_formula_values(ledger, tmp_path):
    plan, result = do_import(ledger, W.wps_style(tmp_path / "wps.xlsx"))

    fields = {c.heading: c.field for c in plan.tables[0].columns}
    assert fields == {
        "序号": "seq", "整改期限": "deadline", "存在问题": "description", "整改举措": "measure",
        "责任科室": "department", "具体责任人": "owner", "是否完成": "status",
        "整改进展情况": "progress", "问题编号": "code", "备注": "remarks",
    }  # fmt: skip
    assert result.codes == ["2025-007", "2025-003"]
    duty, cars = ledger_content(ledger)
    # 已整改 on each row is done, not crossed off; 重点督办 is a formula's cached value
    assert (duty["status"], duty["remarks"]) == ("pending_closure", "重点督办")
    assert [m[0] for m in duty["measures"]] == ["修订值班制度", "每月抽查值班情况"]
    assert [m[6] for m in duty["measures"]] == ["done", "long_term"]
    # 立行立改 with no date of its own is due the day the problem was found (today here)
    assert cars["measures"][0][3:7] == ("立行立改", "immediate", dt.date(2026, 3, 2), "open")
    assert cars["status"] == "listed"
    counter = ledger.db.execute_sql("SELECT value FROM meta WHERE key='code_counter.2025'")
    assert counter.fetchone()[0] == "7"  # a later 2025 problem gets 2025-008, never a kept code


def test_a_sheet_without_a_table_and_two_ledgers_on_one_sheet(ledger, tmp_path):
    plan, _ = do_import(ledger, W.several_sheets(tmp_path / "两批.xlsx"))

    assert plan.skipped_sheets == ["填表说明"]
    assert [(t.header_rows, t.title) for t in plan.tables] == [
        ((2,), "第一批：民主生活会查摆问题"),
        ((7,), "第二批：巡察反馈问题"),
    ]
    content = ledger_content(ledger)
    assert [(p["description"], p["batch"], p["status"]) for p in content] == [
        ("调研报告质量不高", "第一批：民主生活会查摆问题", "listed"),
        ("督查检查过多过频", "第一批：民主生活会查摆问题", "pending_closure"),
        ("党费收缴不及时", "第二批：巡察反馈问题", "long_term"),
    ]


def test_options_choose_sheet_batch_year_and_date_found(ledger, tmp_path):
    path = W.official(tmp_path / "台账.xlsx")
    plan, _ = do_import(
        ledger,
        path,
        sheets=["整改台账"],
        batch="2025年度组织生活会",
        default_year=2026,
        found_on=dt.date(2025, 11, 20),
    )
    assert all("年底前" not in str(w) for w in plan.warnings)
    third = ledger_content(ledger)[2]
    assert third["batch"] == "2025年度组织生活会"
    assert third["measures"][0][3:6] == ("年底前", "date", dt.date(2026, 12, 31))
    found = [d for (d,) in ledger.select(Problem, Problem.found_on).tuples()]
    # a problem crossed off before the date given was found no later than it was crossed off
    assert found == [dt.date(2025, 11, 20)] * 3
    assert [c for (c,) in ledger.select(Problem, Problem.code).tuples()][0] == "2025-001"


def test_every_row_is_journaled_as_an_import_from_the_file(ledger, tmp_path):
    path = W.official(tmp_path / "台账.xlsx")
    plan, _ = do_import(ledger, path)

    imported = [e for e in entries(ledger.db) if e.action == "import"]
    assert len({e.txn for e in imported}) == 1  # one import, one transaction
    assert [e.problem for e in imported] == [None, 1, 2, 3]  # the new names first
    sources = list(ledger.select(ImportSource).order_by(ImportSource.id).dicts())
    assert [(s["file"], s["sheet"], s["row"]) for s in sources] == [
        ("台账.xlsx", "整改台账", 4),
        ("台账.xlsx", "整改台账", 7),
        ("台账.xlsx", "整改台账", 9),
    ]
    assert {s["sha256"] for s in sources} == {plan.sha256}
    assert len(plan.sha256) == 64
    assert any(c["t"] == "import_source" for c in imported[1].changes)


def test_importing_the_same_file_again_skips_what_is_already_there(ledger, tmp_path):
    path = W.official(tmp_path / "台账.xlsx")
    do_import(ledger, path)
    before = ledger_content(ledger)

    plan, result = do_import(ledger, path)
    assert [p.action for p in plan.problems] == ["skip"] * 3
    assert [p.existing_code for p in plan.problems] == ["2026-001", "2026-002", "2026-003"]
    assert (result.created, result.skipped) == (0, 3)
    assert ledger_content(ledger) == before


def test_reimport_with_update_moves_problems_forward_and_adds_new_rows(ledger, tmp_path, clock):
    path = W.official(tmp_path / "台账.xlsx")
    do_import(ledger, path)
    clock.advance(days=10)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    ws = wb.active
    ws["M7"], ws["N7"] = "已销号", dt.datetime(2026, 3, 10)  # problem 2 crossed off since
    ws["K9"] = "2026年12月底前"  # problem 3's deadline made precise
    ws["D9"] = "个别党员参加组织生活不积极 "  # a trailing space is not a new problem
    ws.insert_rows(10)
    ws["A10"], ws["D10"], ws["G10"], ws["J10"] = 4, "新发现的问题：学习笔记不全", "补齐笔记", "王敏"
    wb.save(path)

    plan, result = do_import(ledger, path, update=True)
    assert [p.action for p in plan.problems] == ["update", "update", "update", "create"]
    assert (result.created, result.updated, result.codes) == (1, 2, ["2026-004"])
    _, second, third, fourth = ledger_content(ledger)
    assert (second["status"], second["closed_on"]) == ("closed", dt.date(2026, 3, 10))
    assert [m[6] for m in second["measures"]] == ["done", "long_term"]
    assert third["measures"][0][3:6] == ("2026年12月底前", "date", dt.date(2026, 12, 31))
    assert fourth["description"] == "新发现的问题：学习笔记不全"
    report = verify(ledger)
    assert report.ok, report.problems


def test_reimport_never_moves_a_problem_back(ledger, tmp_path):
    path = W.official(tmp_path / "台账.xlsx")
    do_import(ledger, path)
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active["M4"] = "正在整改"  # an old copy of the workbook: problem 1 not yet crossed off
    wb.save(path)
    _, result = do_import(ledger, path, update=True)
    assert [w.message for w in result.warnings] == ["台账中问题 2026-001 已是“已销号”，状态未改回"]
    assert ledger_content(ledger)[0]["status"] == "closed"
    assert verify(ledger).ok


def test_existing_names_are_matched_and_a_taken_code_is_renumbered(ledger, tmp_path):
    from tracker import services

    services.add_term(ledger, "department", "办公室")
    services.create_problem(ledger, description="已有的问题", found_on=dt.date(2025, 5, 1))
    plan, result = do_import(ledger, W.wps_style(tmp_path / "wps.xlsx"))
    # 2025-001 exists by hand; 2025-007 and 2025-003 are free and kept
    assert result.codes == ["2025-007", "2025-003"]
    assert [n for n in names(ledger, Department).values()].count("办公室") == 1
    assert "办公室" not in plan.new_names().get("department", [])

    path = W.wps_style(tmp_path / "另一份.xlsx")
    from openpyxl import load_workbook

    wb = load_workbook(path)
    wb.active["C4"] = "另一个问题"  # a different problem claiming the code 2025-003
    wb.save(path)
    W.with_cached_values(path, "xl/worksheets/sheet1.xml", {"A2": 1, "J2": "重点督办"})
    _, result = do_import(ledger, path)
    assert result.codes == ["2026-001"]
    assert [w.message for w in result.warnings] == ["“2025-003”已被台账中其他问题使用，已另行编号"]
    assert ledger_content(ledger)[-1]["remarks"] == "原编号：2025-003"


def test_the_wizard_changes_a_column_and_the_plan_is_read_again(ledger, tmp_path):
    plan = build_plan(ledger, W.two_row_header(tmp_path / "清单.xlsx"))
    extra = plan.tables[0].columns[-1]
    assert (extra.heading, extra.field) == ("配合单位", None)
    plan.set_field(0, extra.index, "department")  # the user says: this is the responsible unit
    assert plan.tables[0].column("department").index == extra.index
    assert plan.tables[0].columns[7].field is None  # 责任单位 now goes to 备注
    assert plan.problems[0].department == "办公室"
    assert plan.problems[0].remarks == "责任单位：宣传科"
    plan.set_field(0, 0, "ignore")
    assert plan.tables[0].columns[0].label == "不导入"
    with pytest.raises(ValueError):
        plan.set_field(0, 0, "nonsense")


def test_cancelling_writes_nothing(ledger, tmp_path):
    path = W.many_rows(tmp_path / "大.xlsx", problems=120)
    plan = build_plan(ledger, path)
    seen = []

    def stop_half_way(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < total // 2

    before = ledger.db.execute_sql("SELECT COUNT(*) FROM journal").fetchone()[0]
    with pytest.raises(Cancelled):
        apply_plan(ledger, plan, progress=stop_half_way)
    assert ledger.select(Problem).count() == 0
    assert ledger.db.execute_sql("SELECT COUNT(*) FROM journal").fetchone()[0] == before
    assert seen and all(total == seen[0][1] for _, total in seen)
    assert verify(ledger).ok


def test_a_bigger_ledger_imports_whole_and_verifies(ledger, tmp_path):
    path = W.many_rows(tmp_path / "大.xlsx", problems=300)
    plan = build_plan(ledger, path)
    calls = []
    result = apply_plan(ledger, plan, progress=lambda d, t: calls.append((d, t)) or True)
    assert (result.created, result.measures) == (300, 900)
    assert calls[-1][0] == calls[-1][1]
    statuses = dict(
        ledger.db.execute_sql("SELECT status, COUNT(*) FROM problem GROUP BY status").fetchall()
    )
    # 未完成 with progress written against it means the work has started: 整改中
    assert statuses == {"closed": 75, "in_progress": 150, "long_term": 75}
    assert verify(ledger).ok


def test_a_wizard_can_run_the_import_in_a_worker_thread(ledger, tmp_path):
    import threading

    path = W.official(tmp_path / "台账.xlsx")
    outcome: dict = {}

    def work() -> None:
        try:
            plan = build_plan(ledger, path, progress=lambda d, t: True)
            outcome["result"] = apply_plan(ledger, plan, progress=lambda d, t: True)
        except Exception as error:  # pragma: no cover - reported below
            outcome["error"] = error

    worker = threading.Thread(target=work)
    worker.start()
    worker.join(60)
    assert "error" not in outcome, outcome.get("error")
    assert outcome["result"].created == 3
    assert ledger.select(Problem).count() == 3
    assert verify(ledger).ok
