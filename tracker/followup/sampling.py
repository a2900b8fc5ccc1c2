"""抽查: drawing closed problems at random for an on-site check, in a way anyone can repeat.

The draw is a pure function of a seed and the population, written down so a person can check it
with other tools: every problem of the population gets the SHA-256 of "<seed>:<code>" (hex), and
the N smallest are drawn, in that order. The program chooses the seed; the draw — seed, the
population (problem ids), the codes drawn — is journaled before any file is written, so a second
draw made to get a nicer sample stands in the history beside the first. Redoing a recorded draw
from its seed uses the population it recorded and must give the same problems; the redo is
journaled too. Each drawn problem then takes the on-site result (属实 / 不属实, with a note).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..changes import Changes
from ..errors import LedgerDataError, NotFoundError, ValidationError, WorkflowError
from ..ledger import Ledger
from ..limits import NAME_MAX, clean_text
from ..models import Batch, Problem, SampleDraw, SampleItem
from ..recorder import Unit
from ..workflow import CLOSED, SAMPLE_RESULTS

SEED_LOW, SEED_HIGH = 10**9, 10**10  # ten digits: easy to copy, too many to try them all


def rank(seed: int, code: str) -> str:
    """A problem's place in a draw with `seed`: smaller is drawn first."""
    return hashlib.sha256(f"{seed}:{code}".encode()).hexdigest()


def draw(seed: int, codes: Iterable[str], wanted: int) -> list[str]:
    """The `wanted` codes with the smallest ranks, in rank order."""
    return sorted(codes, key=lambda code: rank(seed, code))[:wanted]


def new_seed() -> int:
    return SEED_LOW + secrets.randbelow(SEED_HIGH - SEED_LOW)


# -- the population as id ranges --------------------------------------------------------------
def encode_ids(ids: Iterable[int]) -> str:
    """Sorted ids as ranges: [1, 2, 3, 5, 8, 9] → "1-3,5,8-9"."""
    out: list[str] = []
    run: list[int] = []
    for pid in sorted(set(ids)):
        if run and pid == run[-1] + 1:
            run[-1] = pid
            continue
        if run:
            out.append(_run(run))
        run = [pid, pid]
    if run:
        out.append(_run(run))
    return ",".join(out)


def _run(run: list[int]) -> str:
    return str(run[0]) if run[0] == run[1] else f"{run[0]}-{run[1]}"


def decode_ids(text: str) -> list[int]:
    out: list[int] = []
    for part in filter(None, text.split(",")):
        low, _, high = part.partition("-")
        out.extend(range(int(low), int(high or low) + 1))
    return out


# -- drawing ------------------------------------------------------------------------------------
def population(ledger: Ledger, batch: int | None = None) -> dict[int, str]:
    """The closed problems a draw is made from (id -> code), in the batch if one is given."""
    query = ledger.select(Problem, Problem.id, Problem.code).where(Problem.status == CLOSED)
    if batch is not None:
        query = query.where(Problem.batch == batch)
    return dict(query.tuples())


def _check_wanted(wanted: int, size: int, batch_name: str) -> None:
    if not isinstance(wanted, int) or wanted < 1:
        raise ValidationError("抽查数量", "至少抽取 1 个问题。")
    where = f"整改批次“{batch_name}”中" if batch_name else "台账中"
    if size == 0:
        raise WorkflowError(f"{where}没有已销号的问题，无从抽查。")
    if wanted > size:
        raise ValidationError(
            "抽查数量", f"{where}只有 {size} 个已销号问题，不能抽取 {wanted} 个。"
        )


def _batch_name(ledger: Ledger, batch: int | None) -> str:
    if batch is None:
        return ""
    name = ledger.select(Batch, Batch.name).where(Batch.id == batch).scalar()
    if name is None:
        raise ValidationError("整改批次", f"所选的整改批次不存在（{batch}）。")
    return name


def draw_sample(
    ledger: Ledger, wanted: int, *, batch: int | None = None, seed: int | None = None
) -> Changes:
    """Draw `wanted` closed problems (of `batch`) with a seed the program chooses (`seed` is for
    tests only: a person redoes a draw with `redo_sample`). `created_id` is the draw."""
    seed = new_seed() if seed is None else seed
    with Unit(ledger, "sample.draw") as unit:
        name = _batch_name(ledger, batch)
        members = population(ledger, batch)
        _check_wanted(wanted, len(members), name)
        drawn = draw(seed, members.values(), wanted)
        draw_id = unit.create(
            SampleDraw,
            seed=seed,
            wanted=wanted,
            batch=batch,
            population=encode_ids(members),
            population_size=len(members),
            drawn=json.dumps(drawn, ensure_ascii=False),
            redo_of=None,
            by=ledger.actor,
            at=ledger.stamp(),
        )
        by_code = {code: pid for pid, code in members.items()}
        for position, code in enumerate(drawn, 1):
            unit.create(SampleItem, draw=draw_id, problem=by_code[code], position=position)
        unit.changes.created_id = draw_id
    return unit.changes


def recorded_draws(ledger: Ledger, seed: int) -> list[dict]:
    return list(
        ledger.select(SampleDraw)
        .where((SampleDraw.seed == seed) & SampleDraw.redo_of.is_null())
        .order_by(SampleDraw.id)
        .dicts()
    )


def redo_sample(
    ledger: Ledger, seed: int, *, wanted: int | None = None, batch: int | None = None
) -> Changes:
    """Draw again from a recorded draw's seed and population; the problems must be the same.

    Refused for a seed no draw recorded (choosing one's own seed would choose the sample). The
    redo is journaled (`redo_of` the draw); `created_id` is the redo.
    """
    with Unit(ledger, "sample.redo") as unit:
        found = [
            d
            for d in recorded_draws(ledger, seed)
            if (wanted is None or d["wanted"] == wanted) and (batch is None or d["batch"] == batch)
        ]
        if not found:
            raise NotFoundError(
                f"没有以种子 {seed} 抽取的记录"
                + (f"（抽取 {wanted} 个）" if wanted else "")
                + "。重做抽查须用记录中的种子；新的抽查由程序选择种子。"
            )
        original = found[-1]
        ids = decode_ids(original["population"])
        codes = dict(
            ledger.select(Problem, Problem.id, Problem.code).where(Problem.id.in_(ids)).tuples()
        )
        if len(codes) != len(ids) or len(ids) != original["population_size"]:
            raise LedgerDataError(f"以种子 {seed} 抽取时记录的问题范围与台账不符，无法重做。")
        again = draw(seed, codes.values(), original["wanted"])
        recorded = json.loads(original["drawn"])
        if again != recorded:
            raise LedgerDataError(
                f"用种子 {seed} 重做的结果（{'、'.join(again)}）与记录（{'、'.join(recorded)}）"
                "不一致：抽查记录可能被改动过。"
            )
        unit.changes.created_id = unit.create(
            SampleDraw,
            seed=seed,
            wanted=original["wanted"],
            batch=original["batch"],
            population=original["population"],
            population_size=original["population_size"],
            drawn=original["drawn"],
            redo_of=original["id"],
            by=ledger.actor,
            at=ledger.stamp(),
        )
    return unit.changes


# -- reading a draw -------------------------------------------------------------------------------
@dataclass
class DrawView:
    id: int
    seed: int
    wanted: int
    batch: str
    population_size: int
    codes: list[str]
    by: str
    at: str
    redo_of: int | None
    items_of: int  # the draw whose items carry the results (the original of a redo)

    def redo_command(self) -> str:
        batch = f" --batch {self.batch}" if self.batch else ""
        return f"sample --closed {self.wanted}{batch} --seed {self.seed} 文件.xlsx"


def draw_view(ledger: Ledger, draw_id: int) -> DrawView:
    row = ledger.select(SampleDraw).where(SampleDraw.id == draw_id).dicts().first()
    if row is None:
        raise NotFoundError(f"抽查记录（编号 {draw_id}）不存在。")
    return DrawView(
        row["id"],
        row["seed"],
        row["wanted"],
        _batch_name(ledger, row["batch"]),
        row["population_size"],
        json.loads(row["drawn"]),
        row["by"],
        row["at"],
        row["redo_of"],
        row["redo_of"] or row["id"],
    )


def draws(ledger: Ledger) -> list[DrawView]:
    """Every draw and redo, newest first."""
    ids = [
        i
        for (i,) in ledger.select(SampleDraw, SampleDraw.id).order_by(SampleDraw.id.desc()).tuples()
    ]
    return [draw_view(ledger, i) for i in ids]


def items(ledger: Ledger, draw_id: int) -> list[dict]:
    """The drawn problems of a draw (a redo's are its original's), in draw order, with code."""
    view = draw_view(ledger, draw_id)
    return list(
        ledger.select(SampleItem, SampleItem, Problem.code, Problem.description)
        .join(Problem, on=(SampleItem.problem == Problem.id))
        .where(SampleItem.draw == view.items_of)
        .order_by(SampleItem.position)
        .dicts()
    )


def record_result(
    ledger: Ledger,
    item_id: int,
    result: str,
    note: str = "",
    *,
    checker: str | None = None,
    on: dt.date | None = None,
) -> Changes:
    """What the on-site check found for one drawn problem; 不属实 needs a note saying what."""
    if result not in SAMPLE_RESULTS:
        raise ValidationError("核查结果", f"应为{'或'.join(SAMPLE_RESULTS)}。")
    note = (note or "").strip()
    if result == "不属实" and not note:
        raise ValidationError("核查说明", "核查不属实时必须写明哪里不符。")
    note = clean_text(note, "核查说明")
    checker = clean_text(checker or ledger.actor, "核查人", NAME_MAX)
    on = on or ledger.today()
    if on > ledger.today():
        raise ValidationError("核查日期", "不能晚于今天。")
    with Unit(ledger, "sample.result") as unit:
        row = ledger.select(SampleItem).where(SampleItem.id == item_id).dicts().first()
        if row is None:
            raise NotFoundError(f"抽查记录中没有这一项（编号 {item_id}）。")
        values = {"result": result, "note": note, "checked_by": checker, "checked_on": on}
        if not unit.update(SampleItem, item_id, values):
            raise WorkflowError("核查结果与已记录的相同，没有改动。")
        if result == "不属实":
            code = ledger.select(Problem, Problem.code).where(Problem.id == row["problem"]).scalar()
            unit.changes.warnings.append(
                f"问题 {code} 核查不属实：如需重新整改，请对该问题执行“重新整改”并写明理由。"
            )
    return unit.changes


def item_for(ledger: Ledger, draw_id: int, code: str) -> int:
    """The item of `draw_id` (or of its original) that drew the problem `code`."""
    for row in items(ledger, draw_id):
        if row["code"] == code.strip():
            return row["id"]
    raise NotFoundError(f"抽查（编号 {draw_id}）没有抽中问题 {code}。")


def result_counts(ledger: Ledger, item_rows: Sequence[dict]) -> dict[str, int]:
    counts = {r: 0 for r in SAMPLE_RESULTS}
    for row in item_rows:
        if row["result"] in counts:
            counts[row["result"]] += 1
    return counts
