"""The 整改情况报告: a draft of 《关于××整改落实情况的报告》 in Word, written from the ledger.

一、总体情况 (counts, 销号率, the month's changes, the 措施类型 totals), 二、问题整改情况 (problem by
problem: 问题, 采取的措施, 完成情况, 佐证), 三、存在的不足 and 四、下一步打算 (the facts the ledger
knows, then 【请补充】 where the secretary writes), the addressee and the signature likewise. The
figures come from `report_figures.figures`, the code of the monthly report, for the month up to
the day the report describes (today, or `as_of`), so the two documents never disagree.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from .. import fonts, tags, workflow
from ..checkpoints import past
from ..dates import format_date, format_month
from ..errors import LedgerError
from ..excel.report_figures import Figures, Line, figures
from ..excel.rows import ProblemGroup, fetch_groups, progress_entry
from ..excel.writer import EDITOR, MARKER, ProgressCallback, Ticker, replace_atomically
from ..import_closure import status_label
from ..journal import head, until_stamp
from ..ledger import Ledger
from ..models import Batch
from ..overdue import format_rate, is_overdue
from ..paths import require_folder
from ..queries import Filter, problem_ids
from .word_style import Body, new_document

NUMERALS = "一二三四五六七八九十"
SOON = 30  # days: the measures “due soon” the plans speak of


@dataclass(frozen=True)
class WordResult:
    path: Path
    title: str
    problems: int
    as_of: dt.date
    replaced: bool


def check_docx(path: str | os.PathLike) -> Path:
    target = Path(path)
    if target.is_dir():
        raise LedgerError(f"“{target}” 是一个文件夹，请指定要保存的 .docx 文件名。")
    if target.suffix.lower() != ".docx":
        raise LedgerError(f"“{target.name}” 不是 .docx 文件名，请以 .docx 结尾。")
    require_folder(target, "Word 文件")
    return target


def build_word_report(
    ledger: Ledger,
    path: str | os.PathLike,
    *,
    batch: int | None = None,
    as_of: dt.date | None = None,
    progress: ProgressCallback = None,
) -> WordResult:
    """Write the draft report of the ledger (or one 整改批次) as of the end of `as_of`, or now."""
    target = check_docx(path)
    replaced = target.exists()
    if as_of is not None and as_of > ledger.today():
        raise LedgerError(f"报告日期不能晚于今天（{format_date(ledger.today())}）。")
    if as_of is not None and head(ledger.db, until=until_stamp(as_of)).seq == 0:
        raise LedgerError(f"{format_date(as_of)}这个台账还不存在，没有可以报告的内容。")
    unit = ledger.unit_name
    source = past(ledger, as_of) if as_of else ledger
    try:
        with source.db.atomic():
            day = source.today()
            name = _batch_name(source, batch)
            scope = _scope(name)
            numbers, before = _figures(ledger, source, day)
            line, prior = _line(numbers, name), _line(before, name)
            ids = problem_ids(source, Filter(batch=batch), "code")
            groups = list(fetch_groups(source, ids))
            title = f"关于{scope or unit}问题整改落实情况的报告"
            doc = new_document(fonts.faces())
            body = Body(doc)
            ticker = Ticker(progress, len(groups))
            _write(body, title, unit, scope, day, line, prior, groups, ticker)
            body.close()
    finally:
        if source is not ledger:
            source.close()
    _save(doc, target, title)
    return WordResult(target, title, len(ids), day, replaced)


def _batch_name(source: Ledger, batch: int | None) -> str | None:
    if batch is None:
        return None
    return source.select(Batch, Batch.name).where(Batch.id == batch).scalar() or ""


def _scope(name: str | None) -> str:
    """A batch's name as the title reads it: “…查摆问题” + “问题整改” would say 问题 twice."""
    name = name or ""
    for tail in ("问题", "整改", "问题"):
        name = name.removesuffix(tail)
    return name


def _figures(ledger: Ledger, source: Ledger, day: dt.date) -> tuple[Figures, Figures]:
    """This month's figures up to `day`, and last month's at its end (as the monthly report)."""
    first = day.replace(day=1)
    numbers = figures(source, first, day)
    last = first - dt.timedelta(days=1)
    if head(ledger.db, until=until_stamp(last)).seq == 0:
        return numbers, Figures(last.replace(day=1), last, last, Line())
    earlier = past(ledger, last)
    try:
        return numbers, figures(earlier, last.replace(day=1), last)
    finally:
        earlier.close()


def _line(numbers: Figures, batch_name: str | None) -> Line:
    """The whole ledger's line, or one batch's (the monthly report's 按整改批次统计 line)."""
    if batch_name is None:
        return numbers.total
    return next((line for name, line in numbers.by_batch if name == batch_name), Line())


def _write(body: Body, title, unit, scope, day, t: Line, b: Line, groups, ticker) -> None:
    body.add("公文标题", title)
    body.add("公文附注", ("请补充", "【请补充：主送机关】"), "：")
    subject = f"{scope}查摆出的问题" if scope else "查摆出的问题"
    body.add(
        "公文正文",
        "根据",
        ("请补充", "【请补充：上级通知或会议要求，如×××〔2026〕×号文件】"),
        f"，{unit}对{subject}逐项制定整改措施，明确责任领导、责任部门和责任人，实行台账管理、"
        "挂账销号。现将整改落实情况报告如下。",
    )
    body.add("一级标题", "一、总体情况")
    _overall(body, day, t, b)
    body.add("一级标题", "二、问题整改情况")
    _problems(body, groups, day, ticker)
    body.add("一级标题", "三、存在的不足")
    _shortfalls(body, groups, day)
    body.add("一级标题", "四、下一步打算")
    _plans(body, groups, day)
    body.add("公文正文", "")
    body.add("公文落款", unit)
    body.add("公文落款", format_date(day))
    body.add("公文落款", "（盖章）")


def _overall(body: Body, day: dt.date, t: Line, b: Line) -> None:
    body.add(
        "公文正文",
        f"截至{format_date(day)}，共查摆问题{t.problems}个，已整改销号{t.closed}个，"
        f"销号率{format_rate(t.rate)}；长期坚持{t.long_term}个，正在整改{t.open}个，"
        f"其中逾期{t.overdue}个。共制定整改措施{t.measures}项，已完成{t.measures_done}项，"
        f"完成率{format_rate(t.measures_rate)}；长期坚持的措施{t.measures_long_term}项，"
        f"正在落实{t.measures_open}项，其中逾期{t.measures_overdue}项。",
    )
    month = format_month(day.year, day.month)
    change = [
        f"{month}以来新增问题{t.new}个、销号{t.closed_in_month}个、完成措施{t.measures_done_in_month}项",
        f"与上月底相比，已销号{_delta(t.closed - b.closed)}，正在整改{_delta(t.open - b.open)}，"
        f"逾期问题{_delta(t.overdue - b.overdue)}，销号率{_points(t.rate - b.rate)}",
    ]
    body.add("公文正文", "；".join(change) + "。")
    counts = [(tags.LABELS[c], getattr(t, f"tags_{c}")) for c in tags.ORDER]
    if any(n for _, n in counts) or t.recovered_cents:
        said = []
        for label, n in counts:
            if label == tags.LABELS[tags.RECOVERY]:
                money = (
                    f"，金额{tags.format_amount(t.recovered_cents)}" if t.recovered_cents else ""
                )
                said.append(f"挽回损失、清退资金的措施{n}项{money}")
            else:
                said.append(f"{label}方面的措施{n}项")
        body.add("公文正文", f"从整改成效看，{'，'.join(said)}。")
    body.fill_in("公文正文", "整改工作的主要做法和成效，如组织领导、督促检查、建章立制的具体情况")


def _delta(n: int) -> str:
    return f"增加{n}个" if n > 0 else (f"减少{-n}个" if n < 0 else "持平")


def _points(diff: float) -> str:
    points = round(diff * 100, 1)
    if points == 0:
        return "持平"
    return f"{'提高' if points > 0 else '下降'}{abs(points):.1f}个百分点"


def _problems(body: Body, groups: list[ProblemGroup], day: dt.date, ticker: Ticker) -> None:
    by_category: dict[str, list[ProblemGroup]] = defaultdict(list)
    for g in groups:
        by_category[g.category or "其他"].append(g)
    for k, (category, items) in enumerate(by_category.items()):
        closed = sum(g.status == workflow.CLOSED for g in items)
        numeral = NUMERALS[k] if k < len(NUMERALS) else str(k + 1)
        body.add("二级标题", f"（{numeral}）{category}方面（{len(items)}个问题，已销号{closed}个）")
        for n, g in enumerate(items, 1):
            body.add("三级标题", f"{n}. {g.description.strip()}（{g.code}）")
            _problem(body, g, day)
            ticker.step()
    ticker.tell()
    if not groups:
        body.add("公文正文", "台账中暂无问题。")


def _problem(body: Body, g: ProblemGroup, day: dt.date) -> None:
    steps = []
    for i, m in enumerate(g.measures, 1):
        late = is_overdue(m.status, m.deadline_date, g.status, day)
        state = "逾期未完成" if late else workflow.MEASURE_LABELS.get(m.status, m.status)
        who = "，".join(
            x
            for x in (m.owner and f"责任人{m.owner}", m.deadline_text and f"时限{m.deadline_text}")
            if x
        )
        kinds = tags.label_text(m.tags, m.amount_cents)
        steps.append(
            f"（{i}）{m.text}（{who + '，' if who else ''}{state}{'；' + kinds if kinds else ''}）"
        )
    body.add(
        "公文正文", "采取的措施：" + ("；".join(steps) + "。" if steps else "尚未制定整改措施。")
    )
    body.add("公文正文", "完成情况：" + _state(g, day))
    latest = [e for m in g.measures for e in m.progress]
    if latest:
        on, author, text, origin = max(latest, key=lambda e: e[0])
        body.add("公文正文", "最新进展：" + progress_entry(on, author, text, origin))
    if g.evidence:
        body.add("公文正文", f"佐证材料：{'、'.join(g.evidence)}。")


def _state(g: ProblemGroup, day: dt.date) -> str:
    label = status_label(g.status, g.reviewer)
    if g.status == workflow.CLOSED:
        return f"{label}（{format_date(g.closed_on)}）。"
    done = sum(m.status == workflow.M_DONE for m in g.measures)
    late = sum(is_overdue(m.status, m.deadline_date, g.status, day) for m in g.measures)
    parts = [f"{label}，{len(g.measures)}项措施中已完成{done}项"]
    if late:
        parts.append(f"逾期{late}项")
    return "，".join(parts) + "。"


def _overdue(groups: list[ProblemGroup], day: dt.date) -> list[ProblemGroup]:
    return [
        g
        for g in groups
        if any(is_overdue(m.status, m.deadline_date, g.status, day) for m in g.measures)
    ]


def _shortfalls(body: Body, groups: list[ProblemGroup], day: dt.date) -> None:
    late = _overdue(groups, day)
    extended = sum(1 for g in groups for m in g.measures if m.extensions)
    if late:
        codes = "、".join(g.code for g in late[:20]) + ("等" if len(late) > 20 else "")
        body.add(
            "公文正文",
            f"一是仍有{len(late)}个问题的整改措施超过时限未完成（{codes}），整改进度不平衡。"
            + (f"二是有{extended}项措施申请了延期。" if extended else ""),
        )
    elif extended:
        body.add("公文正文", f"有{extended}项措施申请了延期，个别措施推进不够及时。")
    body.fill_in("公文正文", "存在的不足，如思想认识、整改力度、长效机制等方面的差距")


def _plans(body: Body, groups: list[ProblemGroup], day: dt.date) -> None:
    open_ = [
        g for g in groups if g.status in (workflow.LISTED, workflow.IN_PROGRESS, workflow.PENDING)
    ]
    soon = sum(
        1
        for g in open_
        for m in g.measures
        if m.status == workflow.M_OPEN
        and m.deadline_date is not None
        and 0 <= (m.deadline_date - day).days <= SOON
    )
    lasting = sum(g.status == workflow.LONG_TERM for g in groups)
    if open_ or lasting:
        body.add(
            "公文正文",
            f"对{len(open_)}个正在整改的问题，逐项盯紧时限、压实责任，其中{SOON}天内到期的措施{soon}项；"
            f"对{lasting}个长期坚持的问题，常态化推进、定期回头看，确保整改见底清零、不反弹。",
        )
    body.fill_in("公文正文", "下一步打算，如深化整改、建章立制、加强督查的具体措施和时间安排")


def _save(doc, target: Path, title: str) -> None:
    """Marked as ours (its author and keywords) and written whole under a temporary name."""
    props = doc.core_properties
    props.title = title
    props.author = props.last_modified_by = EDITOR
    props.keywords = MARKER
    replace_atomically(target, doc.save, "Word 或 WPS")
