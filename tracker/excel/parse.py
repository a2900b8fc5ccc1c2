"""Turning a problem's rows (found by table_rows.TableRows) into a problem and its measures.

Each cell goes somewhere: a field, a name, a deadline, a progress entry, or the problem's 备注;
what could not be read as it stands becomes a warning naming the sheet, row and column. The
status the rows give the problem is decided by closing.py; the limits are kept by fit.py.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import partial
from typing import Any

from ..dates import format_date
from ..deadlines import NONE, UNKNOWN, Deadline, parse_deadline
from ..errors import LedgerError
from ..tags import read_words as read_tag_words
from ..workflow import (
    CLOSED,
    IN_PROGRESS,
    LISTED,
    LONG_TERM,
    M_DONE,
    M_LONG_TERM,
    M_OPEN,
    PENDING,
)
from .cells import (
    as_text,
    fingerprint,
    is_sentence,
    measure_done,
    read_date,
    read_status,
    read_yes,
    split_names,
    split_numbered,
)
from .closing import BY_WORD, READING_LABELS, RowReading, measure_status, problem_status
from .fit import fit_problem
from .headers import CHOICES
from .reader import Sheet
from .records import MeasurePlan, ProblemPlan, Table
from .table_rows import TableRows

PLACEHOLDER_MEASURE = "（原表未填写整改措施）"
CODE_PATTERN = re.compile(r"(?:19|20|21)[0-9]{2}-[0-9]{3,}")


_NOT_READ = object()


def _names(raw: Any) -> tuple[tuple[str, str], ...]:
    return tuple(split_names(raw))


def _numbered(text: str) -> tuple[str, ...]:
    return tuple(split_numbered(text))


def _status_reading(raw: Any, asks_closure: bool) -> tuple[str | None, bool, bool]:
    """(reading, exact, the row's own measure is done) of a 完成情况 cell."""
    status, exact = read_status(raw, asks_closure=asks_closure)
    return status, exact, measure_done(raw)


def _closure_question(heading: str) -> bool:
    """A 是否销号 column: 是 there means crossed off, not merely done."""
    return "销号" in heading or "销账" in heading


class TableParser(TableRows):
    """Reads one table's body; `warnings` collects what could not be read as it stands."""

    def __init__(
        self,
        sheet: Sheet,
        table: Table,
        *,
        default_year: int | None,
        batch: str,
        done_as_closed: bool = False,
        today: dt.date | None = None,
    ):
        super().__init__(sheet, table)
        self.default_year, self.batch = default_year, batch
        self.done_as_closed, self.today = done_as_closed, today
        self._deadlines: dict[tuple[type, Any], Deadline] = {}
        self._readings: dict[tuple[Any, type, Any], Any] = {}
        status = self.cols.get("status")
        self._status_reader = partial(
            _status_reading, asks_closure=bool(status and _closure_question(status.heading))
        )

    def _memo(self, read, raw: Any) -> Any:
        """`read(raw)`, remembered: a big ledger repeats the same names, dates and deadlines
        thousands of times. Results are tuples or immutable values, safe to hand out again."""
        key = (read, type(raw), raw)
        found = self._readings.get(key, _NOT_READ)
        if found is _NOT_READ:
            found = self._readings[key] = read(raw)
        return found

    def _read_date(self, raw: Any) -> tuple[dt.date | None, str | None]:
        if raw is None:
            return None, None
        return self._memo(self._date_reader, raw)

    def _date_reader(self, raw: Any) -> tuple[dt.date | None, str | None]:
        day, problem = read_date(raw, self.default_year)
        if day is not None and self.today is not None and day > self.today:
            return None, f"‘{as_text(raw)}’ 晚于今天，不能作为已发生的日期"
        return day, problem

    # -- problems --------------------------------------------------------------------------------
    def problems(self) -> list[ProblemPlan]:
        return [p for rows, section in self.groups() if (p := self.problem(rows, section))]

    def _text_field(self, rows: list[int], name: str) -> str:
        return "\n".join(as_text(v) for _, v in self.firsts(rows, name))

    def _name(self, rows: list[int], name: str, remarks: list[str]) -> tuple[str, str]:
        values = self.firsts(rows, name)
        if not values:
            return "", ""
        r, raw = values[0]
        names = self._memo(_names, raw)
        if not names:
            return "", ""
        label = self.cols[name].heading or CHOICES[name]
        if len(names) > 1 or len(values) > 1:
            others = "、".join(as_text(v) for _, v in values)
            remarks.append(f"{label}（原表）：{others}")
            self.warn(r, name, f"填写了多个（{others}），已取“{names[0][0]}”，原文记入备注")
        return names[0]

    def problem(self, rows: list[int], section: str) -> ProblemPlan | None:
        first = rows[0]
        description = self._text_field(rows[:1], "description")
        if not description:
            self.warn(first, "description", "为空，这一问题已跳过")
            return None
        remarks: list[str] = []
        plan = ProblemPlan(
            self.sheet.name, first + 1, rows[-1] + 1, description, fingerprint(description)
        )
        plan.cause = self._text_field(rows, "cause")
        plan.target = self._text_field(rows, "target")
        plan.source = self._name(rows, "source", remarks)[0]
        plan.category = self._name(rows, "category", remarks)[0] or section
        plan.batch = self._name(rows, "batch", remarks)[0] or self.batch
        plan.leader, plan.leader_post = self._name(rows, "leader", remarks)
        self._code(plan, rows, remarks)
        plan.found_on = self._date(rows, "found_on", remarks)
        plan.closed_on = self._date(rows, "closed_on", remarks)
        for name in ("remarks", "evidence"):
            for _, v in self.firsts(rows, name):
                remarks.append(as_text(v) if name == "remarks" else f"佐证材料：{as_text(v)}")
        for col in self.extra:
            values = []
            for r in rows:
                v = self.sheet.value(r, col.index)
                if (
                    v is not None
                    and (r, col.index) not in self.sheet.merged_from
                    and as_text(v) not in values
                ):
                    values.append(as_text(v))
            if values:
                remarks.append(f"{col.heading}：{'；'.join(values)}")
        self._measures(plan, rows, remarks)
        plan.department = next((m.department for m in plan.measures if m.department), "")
        if not plan.department:
            plan.department = self._name(rows, "department", remarks)[0]
        plan.remarks = "\n".join(remarks)
        fit_problem(plan, self.warn, self._label)
        return plan

    def _code(self, plan: ProblemPlan, rows: list[int], remarks: list[str]) -> None:
        values = self.firsts(rows, "code")
        for i, (_, value) in enumerate(values):
            text = as_text(value)
            if i == 0 and CODE_PATTERN.fullmatch(text):
                plan.code = text
            else:
                remarks.append(f"原编号：{text}")

    def _date(self, rows: list[int], name: str, remarks: list[str]) -> dt.date | None:
        """The first date of a problem-level date column; other values are kept in 备注."""
        found = None
        for r, v in self.firsts(rows, name):
            day, problem = self._read_date(v)
            if day is None:
                self.warn(r, name, f"{problem}（原文记入备注）")
            if day is None or (found is not None and day != found):
                remarks.append(f"{self._label(name)}（原表）：{as_text(v)}")
            elif found is None:
                found = day
        return found

    def _deadline(self, r: int, raw: Any) -> Deadline:
        key = (type(raw), raw)
        deadline = self._deadlines.get(key)
        if deadline is None:  # big ledgers repeat the same few deadlines thousands of times
            deadline = self._deadlines[key] = parse_deadline(raw, default_year=self.default_year)
        if deadline.kind == UNKNOWN:
            self.warn(
                r, "deadline", deadline.problem or f"‘{deadline.text}’ 无法识别，已按文本保存"
            )
        return deadline

    def _row_reading(self, r: int, inherited: RowReading | None, notes: list[str]) -> RowReading:
        """What row r's 完成情况 says; a blank (or merged-down) cell says what the row above said."""
        raw = self.value(r, "status", fresh=True)
        if raw is None:
            return RowReading(inherited.status, inherited.done) if inherited else RowReading(None)
        status, exact, done = self._memo(self._status_reader, raw)
        text = as_text(raw)
        if status is None:
            self.warn(
                r, "status", f"‘{text}’ 无法识别为完成情况，已按“整改中”导入，原文记入整改进展"
            )
            notes.append(text)
            return RowReading(IN_PROGRESS)
        if not exact:  # a guess: say so, and keep the words as progress
            label = READING_LABELS[status]
            if is_sentence(raw) or status == IN_PROGRESS:
                message = f"‘{text}’ 是一句说明，不当作完成情况：按“{label}”导入，原文记入整改进展"
            else:
                message = f"‘{text}’ 理解为“{label}”，原文记入整改进展"
            self.warn(r, "status", message)
            notes.append(text)
        return RowReading(status, done or status == PENDING)

    def _row_extras(
        self, r: int, reading: RowReading, remarks: list[str]
    ) -> tuple[RowReading, Any]:
        """The row's 是否长期坚持 and 措施完成时间: (reading with them, the measure's done date)."""
        long_term = self.value(r, "long_term")
        if long_term is not None:
            yes = read_yes(long_term)
            if yes is None:
                self.warn(r, "long_term", f"‘{as_text(long_term)}’ 无法识别为是或否，原文记入备注")
                remarks.append(f"{self._label('long_term')}：{as_text(long_term)}")
            elif yes:
                reading = RowReading(reading.status, reading.done, long_term=True)
        done_on = None
        for name in ("done_on", "closed_on"):
            raw = self.value(r, name, fresh=name == "closed_on")
            if raw is None:
                continue
            day, problem = self._read_date(raw)
            if name == "closed_on":
                done_on = done_on or day  # read (and warned about) as the problem's date
                continue
            if day is None or reading.status in (LISTED, IN_PROGRESS, LONG_TERM):
                if day is None:
                    self.warn(r, name, f"{problem}（原文记入备注）")
                else:
                    label = READING_LABELS[reading.status]
                    self.warn(
                        r,
                        name,
                        f"填写了日期，但完成情况为“{label}”：措施按未完成导入，日期记入备注",
                    )
                remarks.append(f"{self._label(name)}（第{r + 1}行）：{as_text(raw)}")
                continue
            done_on = day
            reading = RowReading(reading.status, True, reading.long_term)
        return reading, done_on

    def _measures(self, plan: ProblemPlan, rows: list[int], remarks: list[str]) -> None:
        readings: list[str | None] = []
        first: RowReading | None = None
        owner = post = department = ""
        deadline_whole: Deadline | None = Deadline("", NONE)
        early: list[str] = []  # progress written before the problem's first measure
        loose_unit: tuple[int, Any] | None = None  # a unit on a row without a measure
        seen_progress: set[str] = set()
        for r in rows:
            notes: list[str] = []
            reading = self._row_reading(r, first, notes)
            if first is None and reading.status is not None:
                first = reading
            reading, done_on = self._row_extras(r, reading, remarks)
            readings.append(reading.for_problem)
            texts = [as_text(self.value(r, "progress", fresh=True)), *notes]
            texts = [t for t in texts if t and t not in seen_progress]
            seen_progress.update(texts)
            progress = "\n".join(texts)
            items = self._measure_texts(r)
            if not items:
                raw = self.value(r, "department", fresh=True)
                if raw is not None:  # “the same as above” for the measures below, if any
                    department, loose_unit = self._name([r], "department", remarks)[0], (r, raw)
                if progress and plan.measures:
                    plan.measures[-1].progress = "\n".join(
                        filter(None, [plan.measures[-1].progress, progress])
                    )
                elif progress:
                    early.append(progress)
                continue
            # A blank (or merged-down) owner, unit or deadline under a problem's first row means
            # “the same as above”, as it does for the problem's own cells.
            raw_deadline = self.value(r, "deadline", fresh=True)
            if self.value(r, "owner", fresh=True) is not None:
                owner, post = self._name([r], "owner", remarks)
            if self.value(r, "department", fresh=True) is not None:
                department = self._name([r], "department", remarks)[0]
            loose_unit = None  # this measure takes the unit written above it
            parts = self._memo(_numbered, raw_deadline) if isinstance(raw_deadline, str) else ()
            if raw_deadline is not None and len(parts) != len(items):
                deadline_whole = self._deadline(r, raw_deadline)
            elif raw_deadline is not None:
                deadline_whole = None
            if early and not plan.measures:
                progress = "\n".join([*early, progress]).strip()
            tagged, amount = self._tags(r, remarks)
            for i, text in enumerate(items):
                deadline = deadline_whole or self._deadline(r, parts[i])
                plan.measures.append(
                    MeasurePlan(
                        text,
                        r + 1,
                        owner,
                        post,
                        department,
                        deadline,
                        measure_status(reading, deadline),
                        done_on,
                        progress if i == 0 else "",
                        tagged,
                        amount if i == 0 else None,
                    )
                )
        if early and not plan.measures:
            remarks.append("整改进展：" + "\n".join(early))
        if loose_unit and (plan.measures or len(self.firsts(rows, "department")) > 1):
            r, raw = loose_unit  # a unit on a row below the measures, taken by none of them
            remarks.append(f"{self._label('department')}（第{r + 1}行）：{as_text(raw)}")
        self._decide(plan, rows, readings, remarks, bool(early))

    def _tags(self, r: int, remarks: list[str]) -> tuple[tuple[str, ...], int | None]:
        """Row r's 措施类型: every value a tag of the row's measures (“建章立制、追责问责”), an
        amount with 挽回损失 or 清退资金; words that are no tag are kept in 备注."""
        raw = self.value(r, "measure_tags", fresh=True)
        if raw is None:
            return (), None
        try:
            codes, amount, unknown = self._memo(read_tag_words, as_text(raw))
        except LedgerError as error:
            codes, amount, unknown = (), None, [as_text(raw)]
            self.warn(r, "measure_tags", str(error))
        if unknown:
            words = "、".join(unknown)
            self.warn(r, "measure_tags", f"‘{words}’ 不是可识别的措施类型，原文记入备注")
            remarks.append(f"{self._label('measure_tags')}（第{r + 1}行）：{words}")
        return codes, amount

    def _decide(
        self,
        plan: ProblemPlan,
        rows: list[int],
        readings: list[str | None],
        remarks: list[str],
        early_progress: bool,
    ) -> None:
        """The problem's status from its rows, then its measures made consistent with it."""
        decision = problem_status(
            readings,
            [m.status for m in plan.measures],
            has_progress=early_progress or any(m.progress for m in plan.measures),
            has_close_date=plan.closed_on is not None,
            done_as_closed=self.done_as_closed,
        )
        plan.status, plan.all_done, plan.closed_by = (
            decision.status,
            decision.all_done,
            decision.closed_by,
        )
        if decision.date_refused:
            day = format_date(plan.closed_on)
            label = READING_LABELS[plan.status]
            self.warn(
                rows[0],
                "closed_on",
                f"{day} 已填写，但完成情况为“{label}”：不按销号导入，销号时间记入备注",
            )
            remarks.append(f"{self._label('closed_on')}（原表）：{day}")
            plan.closed_on = None
        for m in plan.measures:
            if plan.status in (CLOSED, PENDING) and m.status == M_OPEN:
                m.status = M_DONE
            elif plan.status == LONG_TERM and m.status == M_OPEN:
                m.status = M_LONG_TERM
            if m.status == M_DONE and m.done_on is None:
                m.done_on = plan.closed_on
        if plan.status == CLOSED and plan.closed_on is None and decision.closed_by == BY_WORD:
            self.warn(rows[0], "status", "按“已销号”导入，但没有销号时间，销号日期留空")

    def _measure_texts(self, r: int) -> list[str]:
        if "measure" not in self.cols:
            has_data = any(self.value(r, n) is not None for n in ("owner", "deadline"))
            return [PLACEHOLDER_MEASURE] if has_data else []
        raw = self.value(r, "measure", fresh=True)
        if raw is None:
            if any(self.value(r, n, fresh=True) is not None for n in ("owner", "deadline")):
                self.warn(r, "measure", "为空，但填写了责任人或时限，已按“原表未填写整改措施”导入")
                return [PLACEHOLDER_MEASURE]
            return []
        return split_numbered(as_text(raw))
