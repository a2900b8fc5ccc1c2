"""The ledger's tables (Peewee models only; no behaviour).

Models are not bound to a database: every query is bound explicitly to a ledger's connection
(`ledger.select(...)`), so a past snapshot and the live ledger can be read side by side, and a
forgotten binding fails loudly instead of reading the wrong file.
"""

from __future__ import annotations

from peewee import (
    BigIntegerField,
    BooleanField,
    CharField,
    CompositeKey,
    DateField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


class BaseModel(Model):
    class Meta:
        legacy_table_names = False


class Meta(BaseModel):
    """Technical facts about the file: schema version, code counters. Not journaled."""

    key = CharField(primary_key=True)
    value = TextField()


class Setting(BaseModel):
    """Business settings (填报单位, 联系人, 电话). Journaled with the key as the id."""

    key = CharField(primary_key=True)
    value = TextField(default="")


class Category(BaseModel):
    """问题类别: a user-editable dictionary."""

    name = CharField(unique=True)
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)


class Source(BaseModel):
    """问题来源: a user-editable dictionary (组织生活会, 巡察反馈, …)."""

    name = CharField(unique=True)
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)


class Department(BaseModel):
    name = CharField(unique=True)
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)


class Person(BaseModel):
    name = CharField(unique=True)
    department = ForeignKeyField(Department, null=True, on_delete="RESTRICT")
    post = CharField(default="")
    active = BooleanField(default=True)


class Batch(BaseModel):
    """整改批次: one self-review (a meeting, an inspection's feedback) whose problems belong together."""

    name = CharField(unique=True)
    source = ForeignKeyField(Source, null=True, on_delete="RESTRICT")
    held_on = DateField(null=True)
    doc_no = CharField(default="")
    note = TextField(default="")


class Branch(BaseModel):
    """A branch (党支部) whose monthly reports this ledger, a committee's, collects.

    `ledger_id` and `public_key` are the branch ledger's identity, taken from its first sealed
    report (with the user's confirmation) and required of every later one.
    """

    name = CharField(unique=True)
    contact = CharField(default="")
    phone = CharField(default="")
    ledger_id = CharField(default="")
    public_key = CharField(default="")
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)
    version = IntegerField(default=1)


class Problem(BaseModel):
    code = CharField(unique=True)
    batch = ForeignKeyField(Batch, null=True, on_delete="RESTRICT")
    source = ForeignKeyField(Source, null=True, on_delete="RESTRICT")
    category = ForeignKeyField(Category, null=True, on_delete="RESTRICT")
    description = TextField()
    cause = TextField(default="")
    target = TextField(default="")
    leader = ForeignKeyField(Person, null=True, on_delete="RESTRICT")
    department = ForeignKeyField(Department, null=True, on_delete="RESTRICT")
    found_on = DateField()
    status = CharField(index=True)
    applicant = CharField(default="")
    reviewer = CharField(default="")
    closed_on = DateField(null=True)
    closure_note = TextField(default="")
    review_opinion = TextField(default="")
    status_reason = TextField(default="")
    voided_from = CharField(default="")
    recurrence_of = ForeignKeyField("self", null=True, on_delete="RESTRICT")
    remarks = TextField(default="")
    # the branch (党支部) the problem belongs to (version 11): on a shared ledger a 填报人 writes
    # only their own branch's problems and a 审核人 approves only those of their branches
    branch = ForeignKeyField(Branch, null=True, on_delete="RESTRICT")
    version = IntegerField(default=1)
    # derived, not journaled: the earliest deadline among its open measures (tracker/nearest_due.py)
    nearest_due = DateField(null=True)


class Measure(BaseModel):
    """整改措施: one corrective measure of a problem, with its owner and deadline."""

    problem = ForeignKeyField(Problem, on_delete="RESTRICT", index=True)
    seq = IntegerField()
    text = TextField()
    owner = ForeignKeyField(Person, null=True, on_delete="RESTRICT")
    department = ForeignKeyField(Department, null=True, on_delete="RESTRICT")
    deadline_text = CharField(default="")
    deadline_kind = CharField(default="none")
    deadline_date = DateField(null=True)
    deadline_rhythm = CharField(default="")
    status = CharField()
    done_on = DateField(null=True)
    void_reason = TextField(default="")
    # 措施类型 (version 10): tag codes in `tracker.tags` order, comma-separated; the amount
    # recovered or returned (挽回损失/清退资金) in 分
    tags = CharField(default="")
    amount_cents = IntegerField(null=True)
    version = IntegerField(default=1)


class Extension(BaseModel):
    """A deadline extension (延期): the old and the new deadline, and why."""

    measure = ForeignKeyField(Measure, on_delete="RESTRICT", index=True)
    old_text = CharField(default="")
    old_date = DateField(null=True)
    new_text = CharField()
    new_date = DateField(null=True)
    reason = TextField()
    by = CharField()
    at = CharField()


class Progress(BaseModel):
    """整改进展: a dated entry on a measure saying what was done."""

    measure = ForeignKeyField(Measure, on_delete="RESTRICT", index=True)
    on = DateField()
    text = TextField()
    author = CharField()
    # version 10: "" typed in the program; IMPORTED, taken from a workbook with the date it gave;
    # IMPORTED_UNDATED, taken from a workbook that gave none (`on` is then the import day)
    origin = CharField(default="")


PROGRESS_IMPORTED, PROGRESS_IMPORTED_UNDATED = "import", "import-undated"


class Evidence(BaseModel):
    """佐证材料: a file copied into the ledger's evidence folder, named by its SHA-256."""

    problem = ForeignKeyField(Problem, on_delete="RESTRICT", index=True)
    measure = ForeignKeyField(Measure, null=True, on_delete="RESTRICT")
    sha256 = CharField(index=True)
    name = CharField()
    size = IntegerField()
    note = TextField(default="")
    added_by = CharField()
    added_at = CharField()
    active = BooleanField(default=True)
    removed_reason = TextField(default="")


class ImportSource(BaseModel):
    """Where an imported problem came from: the workbook (name, SHA-256), sheet and row.

    `key` fingerprints the problem's text as the workbook had it, so importing the same (or an
    updated) workbook again recognises the problem even after its text was edited in the ledger.
    """

    problem = ForeignKeyField(Problem, on_delete="RESTRICT", index=True)
    file = CharField()
    sha256 = CharField(index=True)
    sheet = CharField(default="")
    row = IntegerField(null=True)
    key = CharField(index=True)


class Chase(BaseModel):
    """催办: someone chased the person answering for measures of one problem (tracker/followup).

    `active` is false only when the record was undone (entered by mistake); it is never deleted.
    """

    problem = ForeignKeyField(Problem, on_delete="RESTRICT", index=True)
    whom = CharField()  # the person chased, as named at the time
    way = CharField()  # 电话 / 当面 / 书面 / 短信
    on = DateField()
    note = TextField(default="")
    by = CharField()
    at = CharField()
    active = BooleanField(default=True)


class ChaseMeasure(BaseModel):
    """Which measures one 催办 was about (a measure's count of chases is its rows here)."""

    chase = ForeignKeyField(Chase, on_delete="RESTRICT", index=True)
    measure = ForeignKeyField(Measure, on_delete="RESTRICT", index=True)


class ExtensionRequest(BaseModel):
    """延期申请: a later deadline asked for with a reason, decided by someone else. Only an
    approved request moves the deadline, through the `Extension` row it then names."""

    measure = ForeignKeyField(Measure, on_delete="RESTRICT", index=True)
    new_text = CharField()
    new_date = DateField(null=True)
    reason = TextField()
    requested_by = CharField()
    requested_at = CharField()
    status = CharField(default="pending")  # tracker.workflow.REQUEST_* (pending, approved …)
    decided_by = CharField(default="")
    decided_at = CharField(default="")
    decision_note = TextField(default="")
    extension = ForeignKeyField(Extension, null=True, on_delete="RESTRICT")


class Lookback(BaseModel):
    """回头看: set when a problem is crossed off (due some months later), then recorded as 巩固
    (the fix holds) or 反弹 (it slipped back: the problem is reopened, with the reason here)."""

    problem = ForeignKeyField(Problem, on_delete="RESTRICT", index=True)
    closed_on = DateField()  # the 销号 this look-back follows
    due_on = DateField()
    status = CharField(default="scheduled")  # tracker.workflow.LOOKBACK_* (scheduled, held …)
    done_on = DateField(null=True)
    note = TextField(default="")
    by = CharField(default="")
    at = CharField(default="")


class SampleDraw(BaseModel):
    """抽查: a random draw of closed problems. The seed, the population (problem ids, as ranges)
    and the problems drawn are kept, so anyone can draw again from the seed and compare."""

    seed = BigIntegerField()  # up to 10 digits: PostgreSQL's integer stops at 2147483647
    wanted = IntegerField()
    batch = ForeignKeyField(Batch, null=True, on_delete="RESTRICT")
    population = TextField()  # the ids drawn from, e.g. "3-40,42,57-90"
    population_size = IntegerField()
    drawn = TextField()  # the codes drawn, in order, JSON
    redo_of = ForeignKeyField("self", null=True, on_delete="RESTRICT")
    by = CharField()
    at = CharField()


class SampleItem(BaseModel):
    """One drawn problem of a 抽查, and what the on-site check found (属实 / 不属实, a note)."""

    draw = ForeignKeyField(SampleDraw, on_delete="RESTRICT", index=True)
    problem = ForeignKeyField(Problem, on_delete="RESTRICT", index=True)
    position = IntegerField()
    result = CharField(default="")
    note = TextField(default="")
    checked_by = CharField(default="")
    checked_on = DateField(null=True)


class ReceivedReport(BaseModel):
    """A branch's monthly report as the committee received it; the file itself is kept beside the
    ledger under its SHA-256. A second report for the same month replaces the first
    (`active = false`); both stay."""

    branch = ForeignKeyField(Branch, on_delete="RESTRICT", index=True)
    year = IntegerField()
    month = IntegerField()
    kind = CharField(default="report")  # report | rollup | handkept
    verified = BooleanField(default=True)  # False: a hand-kept workbook, 未校验
    file_name = CharField()
    sha256 = CharField(index=True)
    size = IntegerField()
    received_at = CharField()
    received_by = CharField()
    made_at = CharField(default="")
    code = CharField(default="")  # the report's 校验码
    chain_seq = IntegerField(default=0)  # the branch journal entry the report was made at
    chain_hash = CharField(default="")
    figures = TextField(default="{}")  # the report's figures (JSON), for the rollup
    overdue = TextField(default="[]")  # its overdue measures (JSON rows)
    active = BooleanField(default=True)


class BranchEntry(BaseModel):
    """The committee's copy of a branch's journal, entry by entry as its reports carried it.

    Not journaled itself (it is a hash chain of its own); `verify` checks each branch's chain and
    that it holds the entry every received report names.
    """

    branch = ForeignKeyField(Branch, on_delete="RESTRICT")
    seq = IntegerField()
    txn = IntegerField()
    at = CharField()
    actor = CharField()
    action = CharField()
    problem = IntegerField(null=True)
    changes = TextField()
    prev_hash = CharField()
    hash = CharField()

    class Meta:
        primary_key = CompositeKey("branch", "seq")


class Member(BaseModel):
    """A person who logs in to a shared ledger (version 11): their PostgreSQL login, the name the
    journal records for them, their role and, for a 填报人 or 审核人, their branch. Disabled, never
    deleted (their name stays on what they did)."""

    login = CharField(unique=True)
    name = CharField()
    role = CharField()  # tracker.sharing.roles: admin | reviewer | reporter | viewer
    branch = ForeignKeyField(Branch, null=True, on_delete="RESTRICT")
    active = BooleanField(default=True)
    version = IntegerField(default=1)


class Journal(BaseModel):
    """The append-only, hash-chained history. `seq` is assigned by the program, never reused."""

    seq = IntegerField(primary_key=True)
    txn = IntegerField(index=True)
    at = CharField(index=True)
    actor = CharField()
    action = CharField()
    problem = IntegerField(null=True, index=True)
    changes = TextField()
    prev_hash = CharField()
    hash = CharField()


# Tables whose every row is described by the journal, keyed by the name used in journal entries.
JOURNALED = {
    "setting": Setting,
    "category": Category,
    "source": Source,
    "department": Department,
    "person": Person,
    "batch": Batch,
    "branch": Branch,  # before problem: a problem refers to its branch
    "problem": Problem,
    "measure": Measure,
    "extension": Extension,
    "progress": Progress,
    "evidence": Evidence,
    "import_source": ImportSource,
    "received_report": ReceivedReport,
    "member": Member,
    # version 12: following the work through (tracker/followup)
    "chase": Chase,
    "chase_measure": ChaseMeasure,
    "extension_request": ExtensionRequest,
    "lookback": Lookback,
    "sample_draw": SampleDraw,
    "sample_item": SampleItem,
}
# Columns left out of the journal: bookkeeping that carries no meaning of its own, and values
# derived from other rows (kept by the writers, rebuilt by replay).
UNJOURNALED_FIELDS = {"id", "version", "nearest_due"}
ALL_MODELS = [Meta, *JOURNALED.values(), BranchEntry, Journal]
