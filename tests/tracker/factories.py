"""Building blocks for ledger stories: a department, its people, problems with measures, evidence.

Everything goes through the public service functions, so every object a test builds is journaled
exactly as one a user would make.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from tracker import services
from tracker.ledger import Ledger
from tracker.models import Category, Evidence, Measure, Problem, Source
from tracker.services.dictionaries import find_term

DEPARTMENT = "办公室"
LEADER = "张伟"
OWNER = "李娜"
REVIEWER = "赵刚"


@dataclass
class Team:
    department: int
    leader: int
    owner: int


def term_id(ledger: Ledger, kind: str, name: str, **extra) -> int:
    """The id of a dictionary entry, added through the service if it is not there yet."""
    found = find_term(ledger, kind, name)
    if found is not None:
        return found
    return services.add_term(ledger, kind, name, **extra).created_id


def make_team(ledger: Ledger) -> Team:
    """办公室 with its responsible leader 张伟 and the person doing the work, 李娜."""
    department = term_id(ledger, "department", DEPARTMENT)
    leader = term_id(ledger, "person", LEADER, department=department, post="副主任")
    owner = term_id(ledger, "person", OWNER, department=department, post="科员")
    return Team(department, leader, owner)


def category_id(ledger: Ledger, name: str = "作风建设") -> int:
    return ledger.select(Category, Category.id).where(Category.name == name).scalar()


def source_id(ledger: Ledger, name: str = "组织生活会") -> int:
    return ledger.select(Source, Source.id).where(Source.name == name).scalar()


def make_problem(
    ledger: Ledger,
    description: str = "会议文件多，以文件落实文件",
    *,
    deadlines: tuple = ("2026年6月30日",),
    found_on: dt.date | None = None,
    **fields,
) -> int:
    """A problem of 办公室 with one measure per deadline, owned by 李娜, led by 张伟."""
    team = make_team(ledger)
    measures = [
        services.MeasureInput(
            f"整改措施{n}：精简会议文件，建立清单",
            owner=team.owner,
            department=team.department,
            deadline=deadline,
        )
        for n, deadline in enumerate(deadlines, 1)
    ]
    fields.setdefault("leader", team.leader)
    fields.setdefault("department", team.department)
    fields.setdefault("category", category_id(ledger))
    fields.setdefault("source", source_id(ledger))
    changes = services.create_problem(
        ledger, description=description, measures=measures, found_on=found_on, **fields
    )
    return changes.created_id


def measure_ids(ledger: Ledger, problem_id: int) -> list[int]:
    query = ledger.select(Measure, Measure.id).where(Measure.problem == problem_id)
    return [mid for (mid,) in query.order_by(Measure.seq).tuples()]


def problem(ledger: Ledger, problem_id: int) -> dict:
    return ledger.select(Problem).where(Problem.id == problem_id).dicts().first()


def measure(ledger: Ledger, measure_id: int) -> dict:
    return ledger.select(Measure).where(Measure.id == measure_id).dicts().first()


def evidence(ledger: Ledger, evidence_id: int) -> dict:
    return ledger.select(Evidence).where(Evidence.id == evidence_id).dicts().first()


def status(ledger: Ledger, problem_id: int) -> str:
    return problem(ledger, problem_id)["status"]


def write_file(folder: Path, name: str, content: bytes | str) -> Path:
    """A file on the user's disk, as if scanned or photographed for evidence."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def complete_all(ledger: Ledger, problem_id: int) -> None:
    """Mark every open measure of a problem done (long-term ones stay long-term)."""
    for mid in measure_ids(ledger, problem_id):
        if measure(ledger, mid)["status"] == "open":
            services.complete_measure(ledger, mid)


def ready_for_closure(ledger: Ledger, problem_id: int, folder: Path) -> int:
    """Every measure done and one evidence file attached; returns the evidence id."""
    complete_all(ledger, problem_id)
    minutes = write_file(folder, f"会议纪要-{problem_id}.txt", f"问题 {problem_id} 的整改会议纪要")
    return services.add_evidence(ledger, problem_id, minutes).created_id


def close_problem(ledger: Ledger, problem_id: int, folder: Path, reviewer: str = REVIEWER) -> None:
    """The whole way to 已销号: measures done, evidence, request, approval by another person."""
    ready_for_closure(ledger, problem_id, folder)
    services.request_closure(ledger, problem_id, "措施已全部完成，佐证材料齐全。")
    services.approve_closure(ledger, problem_id, reviewer, "同意销号")


def extend(ledger: Ledger, measure_id: int, new_deadline, reason: str, approver: str = REVIEWER):
    """A deadline moved the only way there is: 李娜 asks (延期申请), someone else approves."""
    from tracker.followup import extensions

    asked = extensions.request_extension(ledger, measure_id, new_deadline, reason, applicant=OWNER)
    return extensions.approve_extension(ledger, asked.created_id, approver)


def is_chinese(text: str) -> bool:
    """A message meant for the user: it must be written in Chinese."""
    return sum("\u4e00" <= ch <= "\u9fff" for ch in text) >= 2


def try_write_now(path) -> str:
    """Another process's write attempt that will not wait: 'written' or the refusal it got."""
    conn = sqlite3.connect(str(path), timeout=0)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.rollback()
        return "written"
    except sqlite3.OperationalError as error:
        return str(error)
    finally:
        conn.close()
