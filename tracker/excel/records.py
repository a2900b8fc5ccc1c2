"""The import's plain records: the tables found, their columns, the problems and measures read
from them, and the warnings — what the preview shows and `importer.apply_plan` writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..deadlines import NONE, Deadline
from ..workflow import LISTED, M_OPEN
from .headers import CHOICES
from .reader import column_letter


@dataclass
class ImportWarning:
    """One thing the user should check, placed where the user will look for it."""

    sheet: str
    row: int | None  # the Excel row number, as shown at the left of the sheet
    column: str | None  # the column's heading, as written in the workbook
    message: str

    @property
    def text(self) -> str:
        where = f"第{self.row}行 " if self.row else ""
        return f"{where}{self.column}：{self.message}" if self.column else f"{where}{self.message}"

    def __str__(self) -> str:
        return f"工作表“{self.sheet}” {self.text}"


@dataclass
class Column:
    index: int  # 0-based
    heading: str
    field: str | None  # a key of headers.FIELDS, IGNORE, or None (kept in 备注)
    confidence: float
    by_user: bool = False

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def label(self) -> str:
        return CHOICES.get(self.field, self.field or "")


@dataclass
class Table:
    """One ledger table found on a sheet: where its header is and what each column feeds."""

    sheet: str
    header_rows: tuple[int, ...]  # Excel row numbers of the header
    body: tuple[int, int]  # 0-based [first, end) rows under the header
    title: str
    columns: list[Column]
    filled_on: dt.date | None = None  # the 填报日期 written above (or below) the table

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.field == name), None)


@dataclass
class MeasurePlan:
    text: str
    row: int
    owner: str = ""
    owner_post: str = ""
    department: str = ""
    deadline: Deadline = field(default_factory=lambda: Deadline("", NONE))
    status: str = M_OPEN
    done_on: dt.date | None = None
    progress: str = ""
    tags: tuple[str, ...] = ()  # 措施类型 codes (tracker/tags.py)
    amount: int | None = None  # 挽回损失/清退资金, in 分


@dataclass
class ProblemPlan:
    sheet: str
    first_row: int
    last_row: int
    description: str
    key: str
    occurrence: int = 0  # the n-th problem with this key in the workbook (identical rows)
    code: str = ""
    cause: str = ""
    target: str = ""
    source: str = ""
    category: str = ""
    batch: str = ""
    leader: str = ""
    leader_post: str = ""
    department: str = ""
    found_on: dt.date | None = None
    found_on_from: str = ""  # where the 查摆日期 comes from, in words (for the preview)
    status: str = LISTED
    closed_on: dt.date | None = None
    all_done: bool = False  # every measure said done and nothing said 销号 (see closing.py)
    closed_by: str = ""  # how it came to be imported 已销号: closing.BY_WORD / BY_DATE / BY_CHOICE
    remarks: str = ""
    measures: list[MeasurePlan] = field(default_factory=list)
    action: str = "create"  # create / skip / update, decided against the ledger
    existing: int | None = None  # the ledger's problem id when recognised
    existing_code: str = ""
