"""The 三张清单: 问题清单 (every problem with its cause and target), 任务清单 (every measure with its
deadline and state) and 责任清单 (per responsible leader, department and person: what they own, how
much is done, what is overdue), one workbook in the official printed style.

One pass over the problems (`rows.fetch_groups`, 500 at a time) writes the first two sheets side
by side and counts the third; the counts follow `report_figures`' rules (非作废 problems, 正在整改 =
挂账 + 整改中 + 待销号, 逾期 by `overdue.is_overdue`), so that each section of the 责任清单 adds up
to the monthly report's figures for the same problems.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import tags, workflow
from ..dates import format_date
from ..excel.export_sheet import survey
from ..excel.export_table import SPECS, problem_values
from ..excel.printed_sheet import PrintedSheet, palette
from ..excel.printing import Spec, plan
from ..excel.rows import ProblemGroup, fetch_groups
from ..excel.styles import printed_workbook
from ..excel.writer import (
    HeaderInfo,
    ProgressCallback,
    Ticker,
    check_target,
    discard,
    save_atomically,
)
from ..ledger import Ledger
from ..models import Batch
from ..overdue import closure_rate, is_overdue
from ..queries import Filter, problem_ids

UNASSIGNED = "（未指定）"
# the export's columns where the lists have the same ones (widths, breaking), a few of their own
PROBLEMS = (
    *(SPECS[k] for k in ("seq", "code", "source", "category")),
    replace(SPECS["description"], least=12),
    replace(SPECS["cause"], least=10),
    replace(SPECS["target"], least=10),
    SPECS["leader"],
    SPECS["department"],
    Spec("measures", "措施数", least=5.5, most=5.5),
    Spec("status", "问题状态", least=7.5, most=13.0),
    SPECS["closed_on"],
)
TASKS = (
    SPECS["seq"],
    SPECS["code"],
    replace(SPECS["description"], weight=2, least=12),
    replace(SPECS["measure"], least=14),
    *(SPECS[k] for k in ("tags", "department", "owner", "deadline")),
    replace(SPECS["state"], least=9.5),
    replace(SPECS["closed_on"], key="done_on", heading="完成时间"),
)
DUTIES = (
    Spec("kind", "责任主体", least=7.0, most=7.0),
    Spec("name", "名称", least=9.5, most=13.0),
    Spec("problems", "负责问题", least=6.0, most=6.0),
    Spec("closed", "已销号", least=6.0, most=6.0),
    Spec("open", "正在整改", least=6.0, most=6.0),
    Spec("long_term", "长期坚持", least=6.0, most=6.0),
    Spec("late", "逾期问题", least=6.0, most=6.0),
    Spec("measures", "负责措施", least=6.0, most=6.0),
    Spec("done", "已完成措施", least=6.5, most=6.5),
    Spec("late_measures", "逾期措施", least=6.0, most=6.0),
    Spec("rate", "完成率", least=7.0, most=7.0),
    Spec("overdue", "逾期事项", text=True, weight=1, least=16, centered=False),
)
KINDS = (("leader", "责任领导"), ("department", "责任部门"), ("owner", "责任人"))
OPEN = {workflow.LISTED, workflow.IN_PROGRESS, workflow.PENDING}


@dataclass(frozen=True)
class ListsResult:
    path: Path
    title: str
    problems: int
    measures: int
    overdue_measures: int
    replaced: bool


@dataclass
class Duty:
    """What one leader, department or person answers for."""

    problems: set[int] = field(default_factory=set)
    closed: set[int] = field(default_factory=set)
    open: set[int] = field(default_factory=set)
    long_term: set[int] = field(default_factory=set)
    late: set[int] = field(default_factory=set)
    measures: int = 0
    done: int = 0
    late_measures: int = 0
    overdue: list[str] = field(default_factory=list)  # “2026-003 措施2（逾期15天）”

    def take_problem(self, g: ProblemGroup, late: bool) -> None:
        self.problems.add(g.id)
        bucket = {workflow.CLOSED: self.closed, workflow.LONG_TERM: self.long_term}
        bucket.get(g.status, self.open if g.status in OPEN else set()).add(g.id)
        if late:
            self.late.add(g.id)

    def take_measure(self, g: ProblemGroup, m, late_days: int | None) -> None:
        self.measures += 1
        self.done += m.status == workflow.M_DONE
        if late_days is not None:
            self.late_measures += 1
            self.overdue.append(f"{g.code} 措施{m.seq}（逾期{late_days}天）")

    def values(self, kind: str, name: str) -> dict:
        rate = closure_rate(self.done, self.measures)
        return {
            "kind": kind,
            "name": name,
            "problems": len(self.problems),
            "closed": len(self.closed),
            "open": len(self.open),
            "long_term": len(self.long_term),
            "late": len(self.late),
            "measures": self.measures,
            "done": self.done,
            "late_measures": self.late_measures,
            "rate": f"{rate * 100:.1f}%",
            "overdue": "、".join(self.overdue),
        }


def build_lists(
    ledger: Ledger,
    path: str | os.PathLike,
    *,
    batch: int | None = None,
    progress: ProgressCallback = None,
) -> ListsResult:
    """Write the 三张清单 of the ledger (or of one 整改批次) to `path`, now."""
    target = check_target(path)
    replaced = target.exists()
    info = HeaderInfo.of(ledger)
    with ledger.db.atomic():  # one consistent read
        ids = problem_ids(ledger, Filter(batch=batch), "code")
        scope = _scope(ledger, batch)
        title = f"{info.unit}{scope}问题整改“三张清单”"
        wb = printed_workbook()
        try:
            counts = _write(wb, ledger, ids, info, scope, Ticker(progress, len(ids)))
            save_atomically(wb, target)
        except BaseException:
            discard(wb)
            raise
    return ListsResult(target, title, len(ids), counts[0], counts[1], replaced)


def _scope(ledger: Ledger, batch: int | None) -> str:
    if batch is None:
        return ""
    name = ledger.select(Batch, Batch.name).where(Batch.id == batch).scalar() or ""
    for tail in ("问题", "整改", "问题"):
        name = name.removesuffix(tail)
    return name


def _sheet(wb, pal, name, specs, needs, title, info, block_keys) -> PrintedSheet:
    widths, scale = plan(specs, needs)
    return PrintedSheet(
        wb, pal, name, specs, widths, scale, title=title, info=info, block_keys=block_keys
    )


def _write(wb, ledger: Ledger, ids: list[int], info, scope: str, ticker: Ticker) -> tuple[int, int]:
    today = ledger.today()
    _present, needs = survey(ledger, ids)
    pal = palette(wb)
    unit = f"{info.unit}{scope}"
    problems = _sheet(wb, pal, "问题清单", PROBLEMS, needs, f"{unit}问题清单", info, set())
    tasks = _sheet(
        wb, pal, "任务清单", TASKS, needs, f"{unit}任务清单", info, {"seq", "code", "description"}
    )
    duties: dict[str, dict[str, Duty]] = {k: defaultdict(Duty) for k, _ in KINDS}
    measures = late_measures = 0
    for number, g in enumerate(fetch_groups(ledger, ids), 1):
        lates = [
            (today - m.deadline_date).days
            if is_overdue(m.status, m.deadline_date, g.status, today)
            else None
            for m in g.measures
        ]
        late = any(d is not None for d in lates)
        problems.block({}, [problems.row(problem_values(number, g), late)])
        rows = [
            tasks.row(_task_values(m, d), d is not None)
            for m, d in zip(g.measures, lates, strict=True)
        ] or [tasks.row({})]
        tasks.block(
            tasks.fitted({"seq": number, "code": g.code, "description": g.description}), rows
        )
        duties["leader"][g.leader or UNASSIGNED].take_problem(g, late)
        duties["department"][g.department or UNASSIGNED].take_problem(g, late)
        for m, d in zip(g.measures, lates, strict=True):
            duties["department"][m.department or UNASSIGNED].take_measure(g, m, d)
            owner = duties["owner"][m.owner or UNASSIGNED]
            owner.take_problem(g, d is not None)
            owner.take_measure(g, m, d)
            duties["leader"][g.leader or UNASSIGNED].take_measure(g, m, d)
        measures += len(g.measures)
        late_measures += sum(d is not None for d in lates)
        ticker.step()
    ticker.tell()
    when = format_date(today)
    problems.close(
        f"注：本表共 {len(ids)} 个问题（不含已作废），数据截至{when}；逾期问题（有措施超过整改时限"
        "仍未完成）浅红底纹。整改措施及其完成情况见任务清单，责任落实情况见责任清单。",
        signatures=None,
    )
    tasks.close(
        f"注：本表共 {measures} 项整改措施，其中逾期 {late_measures} 项（浅红底纹），数据截至{when}。",
        signatures=None,
    )
    _duties(wb, pal, duties, f"{unit}责任清单", info, len(ids), when)
    return measures, late_measures


def _task_values(m, late_days: int | None) -> dict:
    if late_days is not None:
        state = f"逾期{late_days}天"
    else:
        state = workflow.MEASURE_LABELS.get(m.status, m.status)
    return {
        "measure": m.text,
        "tags": tags.label_text(m.tags, m.amount_cents),
        "department": m.department,
        "owner": m.owner,
        "deadline": m.deadline_text,
        "state": state,
        "done_on": format_date(m.done_on) if m.done_on else "",
    }


def _duties(wb, pal, duties, title: str, info, problems: int, when: str) -> None:
    names = max((len(n) for kind in duties.values() for n in kind), default=4)
    sheet = _sheet(wb, pal, "责任清单", DUTIES, {"name": names * 2}, title, info, {"kind"})
    for key, label in KINDS:
        people = duties[key]
        order = sorted(people, key=lambda n: (n == UNASSIGNED, -len(people[n].problems), n))
        rows = [sheet.row(people[n].values(label, n), bool(people[n].late)) for n in order]
        total = Duty()
        for duty in people.values():
            for name in ("problems", "closed", "open", "long_term", "late"):
                getattr(total, name).update(getattr(duty, name))
            total.measures += duty.measures
            total.done += duty.done
            total.late_measures += duty.late_measures
        summed = total.values(label, "合计")
        summed["overdue"] = ""
        rows.append(sheet.row(summed, total=True))
        sheet.block(sheet.fitted({"kind": label}), rows)
    sheet.close(
        f"注：数据截至{when}，共 {problems} 个问题。责任领导、责任部门按问题的责任领导、责任部门统计问题数"
        "（各自合计等于问题总数，与月报一致）；责任部门的措施数按措施的责任部门统计；责任人按其负责的"
        "措施统计，负责问题为这些措施所属的问题（一个问题的措施可由几个人负责，合计按问题计一次）。"
        "完成率 = 已完成措施 ÷ 负责措施；逾期事项列出每项逾期措施。"
    )
