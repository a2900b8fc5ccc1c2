"""Making a sealed file again from its maker's history, and saying where the file differs.

A branch checking its own report, and a committee checking a branch's, both rebuild the file from
the journal as it stood at the file's moment and compare it with what the file shows, cell by cell.
That needs the same layout: each kind of file states its layout version in its machine data. A
file made by a program whose layout differs (an older or newer version) is checked on its figures
instead: they are counted again from the history and compared with those the file carries, and
the result says that only the figures were checked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..ledger import Ledger
from .compare import differences
from .content import SheetContent

FIGURE_LABELS = {
    "problems": "问题总数",
    "new": "本月新增",
    "closed": "已销号",
    "closed_in_month": "本月销号",
    "long_term": "长期坚持",
    "open": "正在整改",
    "overdue": "逾期问题",
    "measures": "措施总数",
    "measures_done": "已完成措施",
    "measures_overdue": "逾期措施",
}


@dataclass
class Rebuilt:
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Kind:
    layout: int  # the layout version this program writes
    sheets: Callable[[Ledger, dict], list[SheetContent]]  # (history, payload) -> what it shows
    totals: Callable[[Ledger, dict], dict]  # (history, payload) -> the total line of its figures


def kinds() -> dict[str, Kind]:
    from ..excel import report
    from . import rollup_book

    return {
        "report": Kind(report.LAYOUT, report.rebuild_sheets, report.rebuild_totals),
        "rollup": Kind(rollup_book.LAYOUT, rollup_book.rebuild_rollup, rollup_book.rebuild_totals),
    }


def known(kind: str) -> bool:
    return kind in kinds()


def check(history: Ledger, payload: dict, shown: list[SheetContent], label: str) -> Rebuilt:
    """Where the file (`shown`, made as `payload` says) differs from its rebuild from `history`."""
    out = Rebuilt()
    kind = kinds()[payload.get("kind", "report")]
    if payload.get("layout") == kind.layout:
        out.reasons.extend(differences(shown, kind.sheets(history, payload), label))
        return out
    carried = payload.get("figures", {}).get("total", {})
    again = kind.totals(history, payload)
    for key, name in FIGURE_LABELS.items():
        if key in again and carried.get(key) != again[key]:
            out.reasons.append(f"{name}：报表为 {carried.get(key)}，{label}为 {again[key]}。")
    out.notes.append(
        "这份报表由另一版本的程序生成（表格样式不同），无法逐格重新生成对照，"
        "只由历史记录重算并核对了汇总数字；表格内容的完整性由签名保证。"
    )
    return out
