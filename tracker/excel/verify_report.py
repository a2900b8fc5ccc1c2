"""Checking a 月报: was the file edited after it was made, and does the ledger's history still back it?

Two checks, each naming what differs by sheet and cell:
- the file on its own (`check_file`, the supervisor's case): the seal's signature holds, and every
  sheet shows exactly what the seal recorded when the report was made;
- against the ledger that made it (`check_report`): the report is its ledger's (same id and key);
  the history up to the report's 校验码 still hashes to it and nothing was back-dated into it; and
  the report rebuilt from that history, as of the same moment, equals the file cell by cell.

Reports of the first versions have no seal and a 32-bit 校验码: only their history can be
checked, and the result says so.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import journal
from ..errors import LedgerError
from ..exchange import identity, rebuild
from ..exchange.compare import differences
from ..exchange.content import ContentError, WorkbookContent
from ..exchange.seal import Seal, read_file, shown_sheets
from ..ledger import Ledger
from ..models import Journal
from .reader import sniff
from .report import Moment
from .report_summary import CODE_LABEL, MOMENT_LABEL

_MOMENT = re.compile(MOMENT_LABEL + r"\s*(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})")
MAX_LISTED = 10
FILE_LABEL, LEDGER_LABEL = "生成时", "台账当时"


@dataclass
class ReportCheck:
    path: Path
    title: str = ""
    unit: str = ""
    code: journal.HeadCode | None = None  # the 校验码 printed on the 汇总 sheet
    moment: str = ""
    seal: Seal | None = None
    file_reasons: list[str] = field(default_factory=list)  # the file differs from its seal
    ledger_reasons: list[str] = field(default_factory=list)  # the ledger does not back it
    notes: list[str] = field(default_factory=list)  # worth saying, not a mismatch
    against_ledger: bool = False
    current_code: str = ""  # the head at the report's moment as the ledger has it now
    content: WorkbookContent | None = field(default=None, repr=False)

    @property
    def reasons(self) -> list[str]:
        return self.file_reasons + self.ledger_reasons

    @property
    def ok(self) -> bool:
        return not self.reasons

    @property
    def payload(self) -> dict:
        return (self.seal.payload if self.seal else None) or {}


def _printed_stamp(content: WorkbookContent) -> tuple[journal.HeadCode | None, str]:
    """The 校验码 and moment written on the 汇总 sheet (the first sheet holding one)."""
    for sheet in shown_sheets(content):
        for value, _fmt in sheet.cells.values():
            if CODE_LABEL in value:
                code = journal.parse_head_code(value.split(CODE_LABEL, 1)[1])
                moment = _MOMENT.search(value)
                if code:
                    return code, moment.group(1) if moment else ""
    return None, ""


def check_file(path: str | os.PathLike) -> ReportCheck:
    """The file on its own: does it show what it showed when it was made?"""
    source = Path(path)
    sniff(source)  # missing, a folder, PDF, Word, HTML, encrypted …: said in Chinese
    try:
        content, found = read_file(source)
    except ContentError as exc:
        raise LedgerError(str(exc)) from None
    check = ReportCheck(source, seal=found, content=content)
    check.code, check.moment = _printed_stamp(content)
    if check.code is not None and not check.code.strong:
        check.notes.append(
            "这份月报的校验码只有 8 位（旧版程序生成），较弱：有人花几分钟就能伪造出相同的校验码。"
            "请用新版程序重新生成月报。"
        )
    if found is None:
        if check.code is None:
            raise LedgerError(
                f"“{source.name}” 中没有找到校验码和校验数据：它不是本程序生成的月报，或已被删改。"
            )
        check.file_reasons.append(
            "报表中没有签名的校验数据（旧版程序生成，或校验数据被删除），"
            "无法从文件本身看出表中内容是否被改动。"
        )
        return check
    check.file_reasons.extend(found.problems)
    report = check.payload.get("report", {})
    check.title = report.get("title", "")
    check.unit = check.payload.get("ledger", {}).get("unit", "")
    if found.payload is not None:
        check.file_reasons.extend(differences(shown_sheets(content), found.sheets(), FILE_LABEL))
        if check.code is not None and check.code.text != report.get("code"):
            check.file_reasons.append(
                f"汇总表上的校验码 {check.code.text} 与校验数据中的 {report.get('code')} 不一致。"
            )
    return check


def check_report(ledger: Ledger, path: str | os.PathLike) -> ReportCheck:
    """The file on its own, then against `ledger`: its identity, its history, and a rebuild."""
    check = check_file(path)
    check.against_ledger = True
    payload = check.payload
    if payload:
        mine = identity.identity(ledger.db)
        theirs = payload.get("ledger", {})
        if theirs.get("id") != mine.ledger_id:
            check.ledger_reasons.append(
                f"报表不是由这个台账生成的（报表所属台账编号 {str(theirs.get('id'))[:8]}…，"
                f"本台账 {mine.ledger_id[:8]}…）。请用生成该报表的台账核对。"
            )
            return check
        if theirs.get("public_key") != mine.public_key:
            check.ledger_reasons.append(
                "报表的签名密钥与本台账的不同：报表不是本台账签署的（伪造，或台账的密钥被替换）。"
            )
    moment = _moment(check)
    if moment is None:
        if check.code is None:
            return check
        _check_history(ledger, check, check.code.seq, check.moment, None)
        check.notes.append("旧版月报没有校验数据，无法由台账重新生成后逐格核对，只核对了历史记录。")
        return check
    _check_history(ledger, check, moment.head.seq, moment.stamp, moment.head.hash)
    if check.ledger_reasons and any("台账历史中已没有" in r for r in check.ledger_reasons):
        return check
    rebuilt = rebuild.check(ledger, check.payload, shown_sheets(check.content), LEDGER_LABEL)
    check.ledger_reasons.extend(rebuilt.reasons)
    check.notes.extend(rebuilt.notes)
    return check


def _moment(check: ReportCheck) -> Moment | None:
    report = check.payload.get("report")
    if not report or not check.seal or check.seal.problems:
        return None
    try:
        return Moment.from_json(report)
    except (KeyError, TypeError, ValueError, IndexError):
        return None


def _check_history(
    ledger: Ledger, check: ReportCheck, seq: int, moment: str, full_hash: str | None
) -> None:
    """History up to entry `seq` still hashes as the report says, and nothing was back-dated."""
    reasons = check.ledger_reasons
    found, head = journal.check_chain(ledger.db, upto=seq, limit=MAX_LISTED)
    if moment:
        check.current_code = journal.head(ledger.db, until=moment).code
    if head.seq != seq:
        last = journal.head(ledger.db)
        reasons.append(
            f"台账历史中已没有第 {seq} 条记录（现在最后一条是第 {last.seq} 条）："
            "报表所依据的历史记录被删除或截断。"
        )
        reasons.extend(found)
        return
    printed = check.code
    stored_differs = full_hash is not None and head.hash != full_hash
    code_differs = printed is not None and printed.seq == seq and not printed.matches(head.hash)
    if stored_differs or code_differs:
        reasons.append(
            f"第 {seq} 条历史记录的校验值与报表不符（报表为 {printed.text if printed else full_hash}，"
            f"现在为 {head.code}）：报表生成后，这条或更早的历史记录被改写。"
        )
    reasons.extend(found)
    if moment:
        later = (
            Journal.select(Journal.seq, Journal.at)
            .where((Journal.seq > seq) & (Journal.at < moment))
            .order_by(Journal.seq)
            .bind(ledger.db)
            .tuples()
        )
        backdated = list(later.limit(MAX_LISTED + 1))
        if backdated:
            seqs = "、".join(f"第 {s} 条（{at}）" for s, at in backdated[:MAX_LISTED])
            more = "等" if len(backdated) > MAX_LISTED else ""
            reasons.append(
                f"报表生成后补记了日期早于报表时点（{moment}）的历史记录：{seqs}{more}。"
                "报表时点的台账因此与报表不同（倒签）。"
            )
    problems, _ = journal.check_chain(ledger.db)
    if not reasons and problems:
        check.notes.append(
            "报表时点之前的历史完好，但之后的历史记录有问题，请运行 zhenggai-cli verify 查看。"
        )


def describe(check: ReportCheck) -> list[str]:
    """The result in sentences for a person (the CLI prints them, the GUI shows them)."""
    lines = []
    if check.title:
        lines.append(f"月报：{check.title}")
    if check.code is not None:
        lines.append(f"校验码：{check.code.text}（历史记录截至 {check.moment or '（未写明）'}）")
    if check.seal is not None and check.seal.public_key:
        lines.append(
            f"签名密钥指纹：{check.seal.fingerprint}（可与该单位此前报表上的指纹比对，应当相同）"
        )
    if check.file_reasons:
        lines.append("文件本身：未通过，报表生成后被改动过：")
        lines.extend(f"  - {r}" for r in check.file_reasons)
    else:
        lines.append("文件本身：通过，报表生成后没有被改动（签名有效，每个单元格与生成时相同）。")
    if check.against_ledger:
        if check.ledger_reasons:
            lines.append("与台账核对：未通过：")
            lines.extend(f"  - {r}" for r in check.ledger_reasons)
            if check.current_code and check.code and check.current_code != check.code.text:
                lines.append(f"  按台账现在的历史，该时点的校验码应为 {check.current_code}。")
        else:
            lines.append(
                "与台账核对：通过，由台账历史重新生成的报表与本文件逐格一致，"
                "报表生成后这段历史没有被改写、删除或补记。"
            )
    lines.extend(f"注意：{note}" for note in check.notes)
    return lines
