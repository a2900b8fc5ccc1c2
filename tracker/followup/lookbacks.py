"""回头看: set when a problem is crossed off, due some months later, recorded as 巩固 or 反弹.

The interval is the ledger's setting (`lookback_months`, 6 unless changed); the date can be moved
per problem. 巩固 (the fix holds) closes the look-back; 反弹 (it slipped back) reopens the problem
with the reason, in the same action, so the history shows the two together.
"""

from __future__ import annotations

import calendar
import datetime as dt

from ..changes import Changes
from ..errors import NotFoundError, ValidationError, WorkflowError
from ..ledger import Ledger
from ..limits import clean_text
from ..models import Lookback, Setting
from ..recorder import Unit
from ..services.lookup import problem_row
from ..workflow import (
    CLOSED,
    LOOKBACK_CANCELLED,
    LOOKBACK_HELD,
    LOOKBACK_LABELS,
    LOOKBACK_PENDING,
    LOOKBACK_SLIPPED,
    followup_refusal,
)

MONTHS_KEY = "lookback_months"
DEFAULT_MONTHS = 6
MAX_MONTHS = 36


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter: 8月31日 + 6 → 2月底)."""
    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def interval(ledger: Ledger) -> int:
    """The ledger's 回头看 interval in months."""
    text = ledger.setting(MONTHS_KEY, "")
    return int(text) if text.isdigit() and 1 <= int(text) <= MAX_MONTHS else DEFAULT_MONTHS


def default_due(ledger: Ledger, closed_on: dt.date) -> dt.date:
    return add_months(closed_on, interval(ledger))


def set_interval(ledger: Ledger, months: int) -> Changes:
    """Change the ledger's 回头看 interval (look-backs already set keep their dates)."""
    if not isinstance(months, int) or not 1 <= months <= MAX_MONTHS:
        raise ValidationError("回头看间隔", f"应为 1 到 {MAX_MONTHS} 个月。")
    with Unit(ledger, "settings.edit") as unit:
        exists = ledger.select(Setting, Setting.key).where(Setting.key == MONTHS_KEY).first()
        if exists:
            unit.update(Setting, MONTHS_KEY, {"value": str(months)})
        else:
            unit.create(Setting, key=MONTHS_KEY, value=str(months))
    return unit.changes


def _check_due(due_on: dt.date, closed_on: dt.date) -> None:
    if not isinstance(due_on, dt.date):
        raise ValidationError("回头看日期", "必须是日期。")
    if due_on <= closed_on:
        raise ValidationError("回头看日期", f"应晚于销号日期（{closed_on:%Y-%m-%d}）。")


def schedule(
    unit: Unit, ledger: Ledger, problem_id: int, closed_on: dt.date, due_on: dt.date | None
) -> int:
    """Inside the 审核通过 action: the problem's look-back, due `due_on` or after the interval.
    One still pending from an earlier 销号 (the problem was reopened since) is superseded."""
    due_on = due_on or default_due(ledger, closed_on)
    _check_due(due_on, closed_on)
    for (old,) in (
        ledger.select(Lookback, Lookback.id)
        .where((Lookback.problem == problem_id) & (Lookback.status == LOOKBACK_PENDING))
        .tuples()
    ):
        unit.update(
            Lookback, old, {"status": LOOKBACK_CANCELLED, "note": "问题重新销号，改按新的回头看"}
        )
    return unit.create(
        Lookback, problem=problem_id, closed_on=closed_on, due_on=due_on, status=LOOKBACK_PENDING
    )


def pending_of(ledger: Ledger, problem_id: int) -> dict | None:
    """The problem's look-back still to be done, if any."""
    return (
        ledger.select(Lookback)
        .where((Lookback.problem == problem_id) & (Lookback.status == LOOKBACK_PENDING))
        .order_by(Lookback.id.desc())
        .dicts()
        .first()
    )


def _pending_for_closed(ledger: Ledger, problem_id: int) -> tuple[dict, dict]:
    problem = problem_row(ledger, problem_id)
    found = pending_of(ledger, problem_id)
    if found is None:
        raise NotFoundError(f"问题 {problem['code']} 没有待做的回头看（只有审核销号的问题才有）。")
    if problem["status"] != CLOSED:
        raise WorkflowError(f"问题 {problem['code']} 现在不是已销号，不能做回头看。")
    return problem, found


def move_lookback(ledger: Ledger, problem_id: int, due_on: dt.date) -> Changes:
    """Change one problem's 回头看 date (the ledger's interval is only the default)."""
    with Unit(ledger, "lookback.move") as unit:
        problem, found = _pending_for_closed(ledger, problem_id)
        _check_due(due_on, found["closed_on"])
        unit.update(Lookback, found["id"], {"due_on": due_on}, group=problem["id"])
    return unit.changes


def record_lookback(
    ledger: Ledger,
    problem_id: int,
    result: str,
    note: str = "",
    *,
    on: dt.date | None = None,
) -> Changes:
    """Record the 回头看: `held` (巩固) closes it; `slipped` (反弹) needs the reason and reopens
    the problem (重新整改) in the same action, the reason kept on both."""
    if result not in (LOOKBACK_HELD, LOOKBACK_SLIPPED):
        raise ValidationError("回头看结果", "应为“巩固”或“反弹”。")
    slipped = result == LOOKBACK_SLIPPED
    text = clean_text(note, "反弹情况" if slipped else "回头看说明", required=slipped)
    on = on or ledger.today()
    if on > ledger.today():
        raise ValidationError("回头看日期", "不能晚于今天。")
    action = "lookback.slipped" if slipped else "lookback.held"
    with Unit(ledger, action) as unit:
        problem, found = _pending_for_closed(ledger, problem_id)
        refused = followup_refusal("lookback", found["status"], result)
        if refused:
            raise WorkflowError(refused)
        if on < found["closed_on"]:
            raise ValidationError("回头看日期", "不能早于销号日期。")
        values = {"status": result, "done_on": on, "note": text}
        values |= {"by": ledger.actor, "at": ledger.stamp()}
        unit.update(Lookback, found["id"], values, group=problem["id"])
        if slipped:
            from ..services.transitions import REOPEN_CLEARS, apply_transition

            apply_transition(
                unit,
                ledger,
                problem["id"],
                "reopen",
                dict(REOPEN_CLEARS),
                reason=f"回头看发现反弹：{text}",
            )
    return unit.changes


def result_label(status: str) -> str:
    return LOOKBACK_LABELS.get(status, status)
