"""Checking a 月报 against the ledger: does the history it was made from still stand unchanged?

The report carries the journal head at its moment (`1234-3F2A9C1B`: entry number and the start
of that entry's hash). The history still matches when entry 1234 has that hash, every entry up
to it still hashes correctly onto its predecessor, and nothing was added afterwards with a date
before the report's moment (back-dating). Anything else means the past the report describes was
rewritten, cut or supplemented after it was sent, and the explanation says which.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from python_calamine import CalamineWorkbook

from .. import journal
from ..errors import LedgerError
from ..ledger import Ledger
from ..models import Journal
from .reader import sniff
from .report import CODE_LABEL, MOMENT_LABEL

_CODE = re.compile(CODE_LABEL + r"[：:]\s*(\d+)-([0-9A-Fa-f]{8})")
_MOMENT = re.compile(MOMENT_LABEL + r"\s*(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})")
MAX_LISTED = 10


@dataclass(frozen=True)
class ReportStamp:
    seq: int
    digest: str  # the first 8 hex digits of entry `seq`'s hash, upper case
    moment: str

    @property
    def code(self) -> str:
        return f"{self.seq}-{self.digest}"


@dataclass
class ReportCheck:
    stamp: ReportStamp
    ok: bool
    reasons: list[str] = field(default_factory=list)  # why it does not match, in Chinese
    current_code: str = ""  # the head at the report's moment as the ledger has it now
    notes: list[str] = field(default_factory=list)  # worth saying, not a mismatch


def read_stamp(path: str | os.PathLike) -> ReportStamp:
    """The 校验码 and moment written in a report's 汇总 sheet (read with an independent reader)."""
    source = Path(path)
    sniff(source)  # the importer's diagnosis: missing, a folder, PDF, Word, HTML, encrypted …
    try:
        wb = CalamineWorkbook.from_path(str(source))
    except Exception as exc:  # not a workbook, damaged, encrypted: all the same to the user
        raise LedgerError(f"“{source.name}” 无法作为 Excel 文件读取：{exc}") from None
    try:
        names = wb.sheet_names
        for name in ["汇总", *(n for n in names if n != "汇总")]:
            if name not in names:
                continue
            for row in wb.get_sheet_by_name(name).to_python():
                for value in row:
                    if isinstance(value, str) and CODE_LABEL in value:
                        code, moment = _CODE.search(value), _MOMENT.search(value)
                        if code and moment:
                            return ReportStamp(
                                int(code.group(1)), code.group(2).upper(), moment.group(1)
                            )
    finally:
        wb.close()
    raise LedgerError(f"“{source.name}” 中没有找到校验码：它不是本程序生成的月报，或校验码被删改。")


def check_report(ledger: Ledger, path: str | os.PathLike) -> ReportCheck:
    """Compare the report's 校验码 with the ledger's history as it is now."""
    stamp = read_stamp(path)
    result = ReportCheck(stamp, ok=False)
    result.current_code = journal.head(ledger.db, until=stamp.moment).code
    entry = _walk_chain(ledger, stamp.seq, result.reasons)
    if entry is None:
        last = journal.head(ledger.db)
        result.reasons.insert(
            0,
            f"台账历史中已没有第 {stamp.seq} 条记录（现在最后一条是第 {last.seq} 条）："
            "报表所依据的历史记录被删除或截断。",
        )
    elif entry.upper()[:8] != stamp.digest:
        result.reasons.insert(
            0,
            f"第 {stamp.seq} 条历史记录的校验值与报表不符（报表为 {stamp.digest}，"
            f"现在为 {entry[:8].upper()}）：报表生成后，这条或更早的历史记录被改写。",
        )
    later = (
        Journal.select(Journal.seq, Journal.at)
        .where((Journal.seq > stamp.seq) & (Journal.at < stamp.moment))
        .order_by(Journal.seq)
        .bind(ledger.db)
        .tuples()
    )
    backdated = list(later.limit(MAX_LISTED + 1))
    if backdated:
        seqs = "、".join(f"第 {seq} 条（{at}）" for seq, at in backdated[:MAX_LISTED])
        more = "等" if len(backdated) > MAX_LISTED else ""
        result.reasons.append(
            f"报表生成后补记了日期早于报表时点（{stamp.moment}）的历史记录：{seqs}{more}。"
            "报表时点的台账因此与报表不同（倒签）。"
        )
    problems, _ = journal.check_chain(ledger.db)
    if not result.reasons and problems:
        result.notes.append(
            "报表时点之前的历史完好，但之后的历史记录有问题，请运行 python -m tracker verify 查看。"
        )
    result.ok = not result.reasons
    return result


def _walk_chain(ledger: Ledger, seq: int, reasons: list[str]) -> str | None:
    """Re-hash entries 1..seq in order; note every break; return entry `seq`'s stored hash."""
    found, head = journal.check_chain(ledger.db, upto=seq, limit=MAX_LISTED)
    reasons.extend(found)
    return head.hash if head.seq == seq else None
