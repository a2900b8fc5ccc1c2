"""The 月报 workbook: 汇总 (figures and breakdowns, with the 校验码), 明细 and 逾期 sheets.

A report describes the ledger at one moment: the end of its month, rebuilt from the journal, or
now for the current month. Its 校验码 is the journal head at that moment, so `verify-report`
can later tell whether the history the report was made from has been rewritten since; its seal
(`tracker.exchange.seal`: what every sheet shows, signed by the ledger) tells whether the file
was edited after it was made, and `rebuild_report` makes it again from history to compare.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from peewee import fn

from .. import journal
from ..checkpoints import past
from ..dates import format_date, format_month, month_end
from ..errors import LedgerDamagedError, LedgerError
from ..exchange import chain, identity, seal
from ..exchange.content import SheetContent
from ..followup.facts import counts as followup_counts
from ..integrity import check_integrity
from ..journal import until_stamp
from ..ledger import CONTACT_PERSON, CONTACT_PHONE, UNIT_NAME, Ledger
from ..models import Journal
from ..replay import settings_at, snapshot, snapshots
from .report_figures import Figures, Line, figures, figures_json
from .report_sheets import detail_ids, details, overdue_count, overdue_sheet
from .report_summary import summary_sheet
from .styles import Palette, printed_workbook
from .writer import (
    HeaderInfo,
    ProgressCallback,
    Ticker,
    check_target,
    discard,
    save_atomically,
)

# the sheets' layout: bump on any change of what the sheets show (seal, rebuild). 3: last
# month's figures beside this month's, 措施类型 totals, progress entries that say they were
# imported, sheet titles of their own, header lines that fit their cells; 4: 七、跟踪问效 (催办,
# 延期, 回头看, 复发, 抽查) and each measure's 催办 count in 明细
LAYOUT = 4


@dataclass(frozen=True)
class ReportResult:
    path: Path
    title: str
    moment: str  # journal time the report describes, "YYYY-MM-DD HH:MM:SS"
    code: str  # the journal head code at that moment
    figures: Figures
    detail_problems: int
    overdue_measures: int
    digest: str = ""  # SHA-256 of the sealed machine data


@dataclass(frozen=True)
class Moment:
    """Where a report stands: its month, the moment and history it describes, the day overdue is
    judged on, and when it was made (its header — 填报日期, unit, contact — is as of then)."""

    year: int
    month: int
    stamp: str  # the journal time the report describes
    current: bool  # the month is not over: the report is as of when it was made
    today: dt.date  # the day overdue is judged on
    head: journal.Head  # the history up to `stamp` (its code is the 校验码)
    made_at: str
    made: journal.Head  # the history when the report was made
    previous: journal.Head | None = None  # the history at the end of the month before

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def before_last(self) -> dt.date:
        """The last day of the month before (what 上月数 describes)."""
        return self.first - dt.timedelta(days=1)

    @property
    def last(self) -> dt.date:
        return month_end(self.year, self.month)

    def as_json(self) -> dict:
        return {
            "year": self.year,
            "month": self.month,
            "stamp": self.stamp,
            "current": self.current,
            "today": self.today.isoformat(),
            "head": [self.head.seq, self.head.hash],
            "code": self.head.code,
            "made_at": self.made_at,
            "made": [self.made.seq, self.made.hash],
            "previous": [self.previous.seq, self.previous.hash] if self.previous else None,
        }

    @classmethod
    def from_json(cls, data: dict) -> Moment:
        previous = data.get("previous")
        return cls(
            int(data["year"]),
            int(data["month"]),
            str(data["stamp"]),
            bool(data["current"]),
            dt.date.fromisoformat(data["today"]),
            journal.Head(int(data["head"][0]), str(data["head"][1])),
            str(data["made_at"]),
            journal.Head(int(data["made"][0]), str(data["made"][1])),
            journal.Head(int(previous[0]), str(previous[1])) if previous else None,
        )


def report_moment(ledger: Ledger, year: int, month: int) -> Moment:
    """The moment of `year`-`month`'s report made now (call inside a read transaction)."""
    if not 1 <= month <= 12:
        raise LedgerError(f"月份应为 1 到 12，而不是 {month}。")
    today = ledger.now().date()
    last = month_end(year, month)
    if (year, month) > (today.year, today.month):
        raise LedgerError(f"{format_month(year, month)}还没有到，不能生成月报。")
    made_at = ledger.stamp()
    made = journal.head(ledger.db)
    before = dt.date(year, month, 1) - dt.timedelta(days=1)
    previous = journal.head(ledger.db, until=until_stamp(before))
    if (year, month) == (today.year, today.month):
        return Moment(year, month, made_at, True, today, made, made_at, made, previous)
    stamp = until_stamp(last)
    head = journal.head(ledger.db, until=stamp)
    return Moment(year, month, stamp, False, last, head, made_at, made, previous)


def build_report(
    ledger: Ledger,
    path: str | os.PathLike,
    year: int,
    month: int,
    *,
    progress: ProgressCallback = None,
    full_history: bool = False,
) -> ReportResult:
    """Write the 月报 of `year`-`month` to `path` (as of the month's end, or now if current).

    The report carries the journal for the committee (`exchange.chain`): all of it while it is
    small or when `full_history`, else what was written since the end of the month before last.
    Raises `tracker.bulk.Cancelled` when `progress` returns False; no file is left behind then.
    """
    target = check_target(path)
    damage = check_integrity(ledger.db)
    if damage:  # a report from a damaged file would look fine and be wrong
        raise LedgerDamagedError("不能生成月报：" + damage[0])
    with ledger.db.atomic():  # one read: the moment, the header and the figures agree
        moment = report_moment(ledger, year, month)
        info = HeaderInfo.of(ledger)
        source = ledger if moment.current else past(ledger, moment.today, upto=moment.head.seq)
        try:
            _refuse_before_start(ledger, moment)
            before = previous_figures(ledger, moment, past)
            return _write(ledger, source, target, moment, info, before, progress, full=full_history)
        finally:
            if source is not ledger:
                source.close()


def _refuse_before_start(ledger: Ledger, moment: Moment) -> None:
    """A month that ended before the ledger was made has no report: a page of zeros checking as
    consistent would say the branch had no problems, not that it had not begun. (A month in which
    the ledger existed but held no problems gets its report, which says so plainly.)"""
    if moment.head.seq:
        return
    first = Journal.select(fn.MIN(Journal.at)).bind(ledger.db).scalar()
    month = format_month(moment.year, moment.month)
    since = (
        f"（台账的第一条记录是{format_date(dt.date.fromisoformat(first[:10]))}）" if first else ""
    )
    raise LedgerError(f"{month}底这个台账还不存在{since}，没有可以报告的内容，不能生成该月的月报。")


def previous_figures(ledger: Ledger, moment: Moment, rebuilt) -> Figures:
    """Last month's figures: the ledger at the end of the month before, `rebuilt(ledger, day,
    upto=seq)` (a checkpoint for a report being made, the journal itself for one being checked)."""
    head = moment.previous
    if head is None or head.seq == 0:
        first, last = _month_before(moment)
        return Figures(first, last, last, Line())
    source = rebuilt(ledger, moment.before_last, upto=head.seq)
    try:
        return figures(source, *_month_before(moment))
    finally:
        source.close()


def _month_before(moment: Moment) -> tuple[dt.date, dt.date]:
    last = moment.before_last
    return dt.date(last.year, last.month, 1), last


def rebuild_report(ledger: Ledger, moment: Moment) -> list[SheetContent]:
    """What the report made at `moment` showed, rebuilt from the ledger's history as it is now.

    The data is the ledger as journal entry `moment.head` left it; the header is as of the
    entry the report was made after. Only the journal is read: `ledger` may be a copy of another
    ledger's journal (a committee checking a branch's report).
    """
    earlier = moment.previous
    if earlier is not None and 0 < earlier.seq <= moment.head.seq:  # one pass for both moments
        cuts = [(moment.before_last, earlier.seq), (moment.today, moment.head.seq)]
        past, source = snapshots(ledger, cuts)
    else:
        past, source = None, snapshot(ledger, moment.today, upto=moment.head.seq)
    try:
        settings = settings_at(ledger, moment.made.seq)
        info = HeaderInfo(
            settings.get(UNIT_NAME, ""),
            dt.date.fromisoformat(moment.made_at[:10]),
            settings.get(CONTACT_PERSON, ""),
            settings.get(CONTACT_PHONE, ""),
        )
        if past is not None:  # rebuilt in the same pass as the month's end
            before = figures(past, *_month_before(moment))
        else:
            before = previous_figures(ledger, moment, snapshot)
        wb = Workbook(write_only=True)
        palette = Palette(wb)
        palette.dry = True  # only what the sheets show is wanted, not a file
        try:
            with source.db.atomic():
                return _visible(wb, palette, source, moment, info, before, None).sheets
        finally:
            discard(wb)
    finally:
        source.close()
        if past is not None:
            past.close()


def rebuild_sheets(history: Ledger, payload: dict) -> list[SheetContent]:
    """A sealed report's sheets made again from `history` (see `tracker.exchange.rebuild`)."""
    return rebuild_report(history, Moment.from_json(payload["report"]))


def rebuild_totals(history: Ledger, payload: dict) -> dict:
    """A sealed report's total line counted again from `history` (another layout's report)."""
    moment = Moment.from_json(payload["report"])
    source = snapshot(history, moment.today, upto=moment.head.seq)
    try:
        numbers = figures(source, moment.first, moment.last)
        return figures_json(numbers)["total"]
    finally:
        source.close()


@dataclass
class _Shown:
    title: str
    numbers: Figures
    detail_problems: int
    overdue_measures: int
    sheets: list[SheetContent]


def _visible(
    wb: Workbook,
    palette: Palette,
    source: Ledger,
    moment: Moment,
    info: HeaderInfo,
    before: Figures,
    progress: ProgressCallback,
) -> _Shown:
    """Write the three sheets people read; return what they show."""
    month = format_month(moment.year, moment.month)
    title = f"{info.unit}{month}整改工作进展情况"
    numbers = figures(source, moment.first, moment.last)
    ids = detail_ids(source, numbers.first)
    late = overdue_count(source, numbers.today)
    ticker = Ticker(progress, len(ids) + late)
    written = palette.record()
    follow = followup_counts(source, numbers.first, numbers.last)
    summary_sheet(wb, palette, title, info, numbers, before, moment, follow)
    details(wb, palette, f"{info.unit}{month}整改明细表", info, source, ids, numbers, ticker)
    overdue_sheet(
        wb, palette, f"{info.unit}{month}逾期整改措施清单", info, source, numbers.today, ticker
    )
    ticker.tell()
    palette.recording = None
    return _Shown(title, numbers, len(ids), late, [sheet.content() for sheet in written])


def _write(
    ledger: Ledger,
    source: Ledger,
    target: Path,
    moment: Moment,
    info: HeaderInfo,
    before: Figures,
    progress: ProgressCallback,
    *,
    full: bool = False,
) -> ReportResult:
    wb = printed_workbook()  # Arial 10 as the default: the page width means the same everywhere
    try:
        palette = Palette(wb)
        shown = _visible(wb, palette, source, moment, info, before, progress)
        me = identity.identity(ledger.db)
        payload = {
            "format": seal.FORMAT,
            "kind": "report",
            "layout": LAYOUT,
            "ledger": {"id": me.ledger_id, "unit": info.unit, "public_key": me.public_key},
            "report": {**moment.as_json(), "title": shown.title},
            "figures": {**figures_json(shown.numbers), "before": figures_json(before)["total"]},
            "sheets": [sheet.as_json() for sheet in shown.sheets],
            "journal": chain.carried(ledger.db, moment.head, moment.year, moment.month, full=full),
        }
        digest = seal.write_data_sheet(wb, palette, ledger.db, payload)
        save_atomically(wb, target)
    except BaseException:
        discard(wb)
        raise
    return ReportResult(
        target,
        shown.title,
        moment.stamp,
        moment.head.code,
        shown.numbers,
        shown.detail_problems,
        shown.overdue_measures,
        digest,
    )
