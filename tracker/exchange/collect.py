"""收取支部月报: take branch reports into a committee's ledger, each checked before anything is kept.

A sealed report (one this program made) is taken in only if:
1. its seal holds and every sheet shows what the seal recorded (`verify_report.check_file`);
2. it names a branch: the branch whose ledger id it carries, with the key on record for it; a
   branch added by hand gets the identity of its first report; an unknown one is a new branch
   (the caller confirms);
3. the journal entries it carries continue the chain held for that branch (`chain.check`);
4. the report rebuilt from that chain, as of its moment, equals what the file shows, cell by cell.
Anything else refuses the file with the reasons; nothing of it is stored. A file that passes is
stored in one transaction: the file (content-addressed beside the ledger), the new chain entries,
the branch (new, or its identity), and the report row, which replaces an earlier report of the
same branch and month (that one stays, inactive).

A hand-kept workbook (no seal) comes in through `handkept.inspect_handkept` and is kept as 未校验.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .. import journal
from ..bulk import Cancelled, ProgressCallback
from ..changes import Changes
from ..dates import format_month
from ..errors import LedgerError
from ..ledger import Ledger
from ..models import ReceivedReport
from ..recorder import Unit
from . import branches, chain, held, identity, rebuild
from .content import SheetContent, WorkbookContent, sheet_rows
from .seal import shown_sheets

KINDS = {"report": "月报", "rollup": "汇总表", "handkept": "手工台账"}
REBUILT_LABEL = "按历史记录重算"


@dataclass
class Incoming:
    """One file, read and checked; nothing is stored until `receive`."""

    path: Path
    kind: str = "report"
    unit: str = ""
    ledger_id: str = ""
    public_key: str = ""
    year: int = 0
    month: int = 0
    made_at: str = ""
    code: str = ""
    head: journal.Head | None = None
    figures: dict = field(default_factory=dict)
    overdue: list = field(default_factory=list)
    carried: dict | None = None
    held: chain.Held | None = None  # the branch's held chain head its entries were checked on
    branch: branches.BranchRow | None = None
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.reasons

    @property
    def verified(self) -> bool:
        return self.kind != "handkept"

    @property
    def new_branch(self) -> bool:
        return self.branch is None

    @property
    def fingerprint(self) -> str:
        return identity.key_fingerprint(self.public_key) if self.public_key else ""

    @property
    def month_label(self) -> str:
        return format_month(self.year, self.month) if self.year else ""

    def describe(self) -> str:
        who = self.unit or "（未知单位）"
        what = KINDS.get(self.kind, self.kind)
        return f"{self.path.name}：{who}{self.month_label}{what}"


# -- reading and checking -------------------------------------------------------------------------
def inspect(ledger: Ledger, path: str | Path) -> Incoming:
    """Read and check a sealed report against what this ledger holds; never writes."""
    from ..excel.verify_report import check_file

    incoming = Incoming(Path(path))
    try:
        check = check_file(incoming.path)
    except LedgerError as error:
        incoming.reasons.append(str(error))
        return incoming
    if check.seal is None:
        incoming.reasons.append(
            "文件中没有本程序的校验数据：它不是本程序生成的月报（或校验数据被删除）。"
            "手工填写的台账请按“手工台账”收取（指定支部和月份）。"
        )
        return incoming
    incoming.reasons.extend(check.file_reasons)
    payload = check.payload
    if not payload or incoming.reasons:
        _claimed(incoming, payload)
        return incoming
    _read_payload(incoming, payload)
    if incoming.reasons:
        return incoming
    if incoming.ledger_id == identity.identity(ledger.db).ledger_id:
        incoming.reasons.append("这是本台账自己生成的报表，不是下级报送的报表。")
        return incoming
    _match_branch(ledger, incoming)
    if incoming.reasons:
        return incoming
    _check_chain_and_rebuild(ledger, incoming, payload, check.content)
    return incoming


def _read_payload(incoming: Incoming, payload: dict) -> None:
    try:
        report = payload["report"]
        incoming.kind = payload.get("kind", "report")
        incoming.unit = str(payload["ledger"]["unit"])
        incoming.ledger_id = str(payload["ledger"]["id"])
        incoming.public_key = str(payload["ledger"]["public_key"])
        incoming.year, incoming.month = int(report["year"]), int(report["month"])
        incoming.made_at = str(report["made_at"])
        incoming.code = str(report["code"])
        incoming.head = journal.Head(int(report["head"][0]), str(report["head"][1]))
        incoming.figures = dict(payload["figures"])
        incoming.carried = payload["journal"]
    except (KeyError, TypeError, ValueError, IndexError):
        incoming.reasons.append("校验数据不完整，无法识别是哪个单位哪个月的报表。")
        return
    if not rebuild.known(incoming.kind):
        incoming.reasons.append(f"本程序不认识这种报表（{incoming.kind}），请升级程序后再收取。")
        return
    incoming.overdue = overdue_rows(payload)


def _claimed(incoming: Incoming, payload: dict | None) -> None:
    """Who a refused file says it is from, and for which month (to name it to the user; the
    claim itself is not trusted)."""
    try:
        incoming.unit = str(payload["ledger"]["unit"])
        incoming.kind = str(payload.get("kind", "report"))
        year, month = int(payload["report"]["year"]), int(payload["report"]["month"])
    except (KeyError, TypeError, ValueError):
        return
    if 1 <= month <= 12:
        incoming.year, incoming.month = year, month


def overdue_rows(payload: dict) -> list[list]:
    """The 逾期 sheet's rows as received (every cell as shown), without its title lines."""
    sheet = next((s for s in payload.get("sheets", []) if s["name"] == "逾期"), None)
    if sheet is None:
        return []
    content = SheetContent.from_json(sheet)
    return sheet_rows(content, first_row=5)


def _match_branch(ledger: Ledger, incoming: Incoming) -> None:
    known = branches.branches(ledger, include_retired=True)
    by_ledger = next((b for b in known if b.ledger_id == incoming.ledger_id), None)
    if by_ledger is not None:
        if by_ledger.public_key != incoming.public_key:
            incoming.reasons.append(
                f"报表的签名密钥与“{by_ledger.name}”以前报送时登记的不同"
                f"（登记的指纹 {identity.key_fingerprint(by_ledger.public_key)}，"
                f"这份报表 {incoming.fingerprint}）：报表可能是伪造的。如果该支部确实换了电脑"
                "重新建立台账，请核实后在支部名单中重新登记。"
            )
            return
        incoming.branch = by_ledger
        if not by_ledger.active:
            incoming.notes.append(f"“{by_ledger.name}”已停用，仍按其报表收取。")
        if by_ledger.name != incoming.unit:
            incoming.notes.append(
                f"报表上的单位名称为“{incoming.unit}”，支部名单中为“{by_ledger.name}”（同一台账）。"
            )
        return
    by_name = next((b for b in known if b.name == incoming.unit), None)
    if by_name is not None and by_name.bound:
        incoming.reasons.append(
            f"支部名单中的“{by_name.name}”已由另一个台账报送过（签名密钥指纹 "
            f"{identity.key_fingerprint(by_name.public_key)}），这份报表来自另一个台账"
            f"（指纹 {incoming.fingerprint}）：可能是伪造，或同名的另一个支部。"
        )
        return
    incoming.branch = by_name  # a branch added by hand: its identity comes with this report
    if by_name is not None:
        incoming.notes.append(
            f"“{by_name.name}”第一次报送：登记其台账编号和签名密钥指纹 {incoming.fingerprint}。"
        )


def _check_chain_and_rebuild(
    ledger: Ledger, incoming: Incoming, payload: dict, content: WorkbookContent
) -> None:
    branch_id = incoming.branch.id if incoming.branch else None
    checked_on = held.head(ledger, branch_id)
    found = held.continuation_problems(ledger, branch_id, incoming.carried, incoming.head)
    if found:
        incoming.reasons.extend(found)
        return
    incoming.held = checked_on
    history = held.journal_ledger(ledger, branch_id, incoming.carried, incoming.head.seq)
    try:
        rebuilt = rebuild.check(history, payload, shown_sheets(content), REBUILT_LABEL)
    except (LedgerError, KeyError, TypeError, ValueError) as error:
        incoming.reasons.append(f"无法由报表携带的历史记录重算报表：{error}")
        return
    finally:
        history.close()
    incoming.reasons.extend(rebuilt.reasons)
    incoming.notes.extend(rebuilt.notes)


# -- storing --------------------------------------------------------------------------------------
def receive(ledger: Ledger, incoming: Incoming, *, branch_name: str | None = None) -> Changes:
    """Keep a checked file: its copy, its chain entries, its branch, its report row (one write)."""
    from ..services.evidence import store_file

    if not incoming.ok:
        raise LedgerError("；".join(incoming.reasons))
    sha, size = store_file(ledger, incoming.path)
    with Unit(ledger, "report.receive") as unit:
        branch_id = _branch_for(ledger, unit, incoming, branch_name)
        if incoming.verified:
            held.store(ledger, branch_id, incoming.carried, incoming.head, incoming.held)
        old = (
            ledger.select(ReceivedReport, ReceivedReport.id)
            .where(
                (ReceivedReport.branch == branch_id)
                & (ReceivedReport.year == incoming.year)
                & (ReceivedReport.month == incoming.month)
                & (ReceivedReport.active == True)  # noqa: E712
            )
            .tuples()
        )
        for (old_id,) in old:
            unit.update(ReceivedReport, old_id, {"active": False})
            unit.changes.warnings.append(
                f"{incoming.unit}{incoming.month_label}已收到过一份报表，已由这一份替换（原报表保留在历史中）。"
            )
        unit.changes.created_id = unit.create(
            ReceivedReport,
            branch=branch_id,
            year=incoming.year,
            month=incoming.month,
            kind=incoming.kind,
            verified=incoming.verified,
            file_name=incoming.path.name,
            sha256=sha,
            size=size,
            received_at=ledger.stamp(),
            received_by=ledger.actor,
            made_at=incoming.made_at,
            code=incoming.code,
            chain_seq=incoming.head.seq if incoming.head else 0,
            chain_hash=incoming.head.hash if incoming.head else "",
            figures=_dumps(incoming.figures),
            overdue=_dumps(incoming.overdue),
        )
    return unit.changes


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _branch_for(ledger: Ledger, unit: Unit, incoming: Incoming, branch_name: str | None) -> int:
    """The branch the report belongs to, re-read under the write lock; new or bound if need be."""
    if incoming.verified:
        again = Incoming(incoming.path, unit=incoming.unit, ledger_id=incoming.ledger_id)
        again.public_key = incoming.public_key
        _match_branch(ledger, again)
        if again.reasons:
            raise LedgerError("；".join(again.reasons))
        found = again.branch
    else:
        found = branches.find_branch(ledger, branch_name or incoming.unit)
    if found is None:
        return branches.create_branch(
            ledger,
            unit,
            incoming.unit,
            ledger_id=incoming.ledger_id,
            public_key=incoming.public_key,
        )
    if incoming.verified and not found.bound:
        branches.bind_identity(unit, found.id, incoming.ledger_id, incoming.public_key)
    return found.id


# -- many files -----------------------------------------------------------------------------------
@dataclass
class CollectResult:
    accepted: list[Incoming] = field(default_factory=list)
    refused: list[Incoming] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)

    @property
    def all_accepted(self) -> bool:
        return not self.refused


def report_files(paths: Iterable[str | Path]) -> list[Path]:
    """The files named, a folder standing for the .xlsx files in it (not its subfolders)."""
    out: list[Path] = []
    for item in map(Path, paths):
        if item.is_dir():
            out.extend(
                sorted(
                    p
                    for p in item.iterdir()
                    if p.suffix.lower() == ".xlsx"
                    and p.is_file()
                    and not p.name.startswith(("~$", ".~"))
                )
            )
        else:
            out.append(item)
    return out


def collect(
    ledger: Ledger,
    paths: Iterable[str | Path],
    *,
    accept_new: Callable[[Incoming], bool] | bool = True,
    progress: ProgressCallback = None,
) -> CollectResult:
    """Check and take in every file; a refused one does not stop the others."""
    result = CollectResult()
    files = report_files(paths)
    for done, path in enumerate(files):
        if progress is not None and not progress(done, len(files)):
            raise Cancelled("已取消；已收取的报表保留，其余未收取。")
        incoming = inspect(ledger, path)
        if incoming.ok and incoming.new_branch:
            allowed = accept_new(incoming) if callable(accept_new) else accept_new
            if not allowed:
                incoming.reasons.append(
                    f"“{incoming.unit}”不在支部名单中，未登记为新支部，报表未收取。"
                )
        if incoming.ok:
            try:
                changes = receive(ledger, incoming)
            except LedgerError as error:
                incoming.reasons.append(str(error))
            else:
                result.changes.committee = True
                result.changes.warnings.extend(changes.warnings)
        (result.accepted if incoming.ok else result.refused).append(incoming)
    if progress is not None:
        progress(len(files), len(files))
    return result
