"""A committee's list of its branches: added by hand, or when a branch's first report arrives.

Each change is a service action (validated, one transaction, journaled). A branch is never
deleted: it is retired (`active = false`) and stays in past rollups.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from ..changes import Changes
from ..errors import NotFoundError, ValidationError
from ..ledger import Ledger
from ..limits import clean_text
from ..models import Branch
from ..recorder import Unit

NAME_LIMIT, CONTACT_LIMIT, PHONE_LIMIT = 60, 30, 30


@dataclass(frozen=True)
class BranchRow:
    id: int
    name: str
    contact: str
    phone: str
    ledger_id: str
    public_key: str
    active: bool

    @property
    def bound(self) -> bool:
        """Its first sealed report has arrived: its ledger and key are on record."""
        return bool(self.ledger_id)


def branches(ledger: Ledger, *, include_retired: bool = False) -> list[BranchRow]:
    query = ledger.select(
        Branch,
        Branch.id,
        Branch.name,
        Branch.contact,
        Branch.phone,
        Branch.ledger_id,
        Branch.public_key,
        Branch.active,
    ).order_by(Branch.sort_order, Branch.id)
    if not include_retired:
        query = query.where(Branch.active == True)  # noqa: E712
    return [BranchRow(*row) for row in query.tuples()]


def latest_reports(ledger: Ledger) -> dict[int, tuple[int, int, bool]]:
    """branch id -> (year, month, verified) of the latest month it reported (its active report)."""
    from ..models import ReceivedReport

    query = (
        ledger.select(
            ReceivedReport,
            ReceivedReport.branch,
            ReceivedReport.year,
            ReceivedReport.month,
            ReceivedReport.verified,
        )
        .where(ReceivedReport.active == True)  # noqa: E712
        .order_by(ReceivedReport.year, ReceivedReport.month, ReceivedReport.id)
    )
    return {branch_id: (year, month, bool(ok)) for branch_id, year, month, ok in query.tuples()}


def branch(ledger: Ledger, branch_id: int) -> BranchRow:
    for row in branches(ledger, include_retired=True):
        if row.id == branch_id:
            return row
    raise NotFoundError(f"没有编号为 {branch_id} 的支部。")


def find_branch(ledger: Ledger, name: str) -> BranchRow | None:
    wanted = (name or "").strip()
    return next((b for b in branches(ledger, include_retired=True) if b.name == wanted), None)


def add_branch(
    ledger: Ledger,
    name: str,
    contact: str = "",
    phone: str = "",
    *,
    ledger_id: str = "",
    public_key: str = "",
) -> Changes:
    """登记一个支部 (by hand, or with the identity of its first report)."""
    with Unit(ledger, "branch.create") as unit:
        unit.changes.created_id = create_branch(
            ledger, unit, name, contact, phone, ledger_id=ledger_id, public_key=public_key
        )
    return unit.changes


def create_branch(
    ledger: Ledger,
    unit: Unit,
    name: str,
    contact: str = "",
    phone: str = "",
    *,
    ledger_id: str = "",
    public_key: str = "",
) -> int:
    """Write a new branch inside the caller's transaction (adding by hand; a first report)."""
    name = clean_text(name, "支部名称", NAME_LIMIT, required=True)
    if find_branch(ledger, name) is not None:
        raise ValidationError("支部名称", f"“{name}”已在支部名单中。")
    order = ledger.select(Branch, fn.MAX(Branch.sort_order)).scalar() or 0
    return unit.create(
        Branch,
        name=name,
        contact=clean_text(contact, "联系人", CONTACT_LIMIT),
        phone=clean_text(phone, "电话", PHONE_LIMIT),
        ledger_id=ledger_id,
        public_key=public_key,
        sort_order=order + 1,
    )


def edit_branch(
    ledger: Ledger, branch_id: int, *, name: str, contact: str = "", phone: str = ""
) -> Changes:
    name = clean_text(name, "支部名称", NAME_LIMIT, required=True)
    values = {
        "name": name,
        "contact": clean_text(contact, "联系人", CONTACT_LIMIT),
        "phone": clean_text(phone, "电话", PHONE_LIMIT),
    }
    with Unit(ledger, "branch.edit") as unit:
        same = find_branch(ledger, name)
        if same is not None and same.id != branch_id:
            raise ValidationError("支部名称", f"“{name}”已在支部名单中。")
        branch(ledger, branch_id)
        unit.update(Branch, branch_id, values)
    return unit.changes


def set_branch_active(ledger: Ledger, branch_id: int, active: bool) -> Changes:
    """Retire a branch (it no longer reports; its past reports stay) or bring it back."""
    with Unit(ledger, "branch.retire" if not active else "branch.restore") as unit:
        branch(ledger, branch_id)
        unit.update(Branch, branch_id, {"active": active})
    return unit.changes


def bind_identity(unit: Unit, branch_id: int, ledger_id: str, public_key: str) -> None:
    """Record the ledger and key of a branch added by hand, from its first sealed report
    (inside the receiving transaction)."""
    unit.update(Branch, branch_id, {"ledger_id": ledger_id, "public_key": public_key})
