"""佐证材料: files copied into the ledger's evidence folder under their SHA-256, and their records."""

from __future__ import annotations

from pathlib import Path

from .. import evidence_store
from ..changes import Changes
from ..errors import StorageError, ValidationError, WorkflowError
from ..failures import os_reason
from ..ledger import Ledger
from ..models import Evidence, Problem
from ..recorder import Unit
from ..sharing import blobs, rules
from ..workflow import VOID
from .lookup import measure_row, problem_row, require_accepts_work

MAX_BYTES = 512 * 1024 * 1024


def evidence_file(ledger: Ledger, sha256: str, name: str) -> Path:
    """Where a stored file lives: `<evidence>/ab/abcdef….pdf` (see `evidence_store`); a
    PostgreSQL ledger's file is read from the database into that folder first (`blobs`)."""
    if blobs.used(ledger.db):
        return blobs.fetch(ledger, sha256, name)
    return evidence_store.locate(ledger.evidence_dir, sha256, name)


def store_file(ledger: Ledger, source: Path, name: str | None = None) -> tuple[str, int]:
    """Copy `source` into the evidence folder; returns (sha256, size) of what was stored.

    Idempotent for equal content; a damaged earlier copy is replaced. The hash and the size are
    those of the copy, so a file still being written when it is added is recorded as stored.
    """
    store = ledger.evidence_dir
    try:
        if not source.is_file():
            raise ValidationError("佐证材料", f"文件不存在：{source}")
        if source.stat().st_size > MAX_BYTES:
            raise evidence_store.TooLarge(source.stat().st_size)
        with source.open("rb") as src:
            if blobs.used(ledger.db):  # a shared ledger keeps its files in the database
                return blobs.put(ledger.db, src, limit=MAX_BYTES)
            return evidence_store.add(store, src, name or source.name, limit=MAX_BYTES)
    except evidence_store.TooLarge as too_large:
        raise ValidationError(
            "佐证材料",
            f"文件过大（{too_large.args[0] // 1024 // 1024} MB），单个文件不能超过 512 MB。",
        ) from None
    except OSError as error:
        if error.filename and Path(error.filename).is_relative_to(store):
            raise StorageError(
                f"无法把佐证材料存入文件夹“{store}”：{os_reason(error)}。"
            ) from error
        # the user's file: a name too long, no permission, a failing disk
        raise ValidationError(
            "佐证材料", f"无法读取文件（{os_reason(error)}）：{source}"
        ) from error


def add_evidence(
    ledger: Ledger,
    problem_id: int,
    path: str | Path,
    *,
    measure_id: int | None = None,
    note: str = "",
) -> Changes:
    """Attach a file to a problem (or one of its measures). Warns when it already backs another problem."""
    require_accepts_work(problem_row(ledger, problem_id), "添加佐证材料")
    if measure_id is not None and measure_row(ledger, measure_id)["problem"] != problem_id:
        raise ValidationError("整改措施", "所选措施不属于该问题。")
    rules.require(ledger, "evidence", {"problem": problem_id})  # before copying the file
    source = Path(path)
    sha, size = store_file(ledger, source)  # outside the transaction: copying may take a while
    with Unit(ledger, "evidence.create") as unit:
        require_accepts_work(problem_row(ledger, problem_id), "添加佐证材料")
        unit.changes.created_id = unit.create(
            Evidence,
            problem=problem_id,
            measure=measure_id,
            sha256=sha,
            name=source.name,
            size=size,
            note=(note or "").strip(),
            added_by=ledger.actor,
            added_at=ledger.stamp(),
        )
        unit.changes.warnings.extend(shared_evidence_warnings(ledger, problem_id, sha))
    return unit.changes


def remove_evidence(ledger: Ledger, evidence_id: int, reason: str) -> Changes:
    """Detach a file (kept on disk and in history); a reason is required."""
    if not (reason or "").strip():
        raise ValidationError("移除理由", "不能为空。")
    with Unit(ledger, "evidence.remove") as unit:
        row = ledger.select(Evidence).where(Evidence.id == evidence_id).dicts().first()
        if row is None:
            raise ValidationError("佐证材料", "该材料不存在。")
        require_accepts_work(problem_row(ledger, row["problem"]), "移除佐证材料")
        if not row["active"]:
            raise WorkflowError("该材料已经移除。")
        unit.update(Evidence, evidence_id, {"active": False, "removed_reason": reason.strip()})
    return unit.changes


def shared_evidence_warnings(ledger: Ledger, problem_id: int, sha: str | None = None) -> list[str]:
    """纸面销号 check: the same file (by content) backing a different problem."""
    mine = ledger.select(Evidence, Evidence.sha256).where(
        (Evidence.problem == problem_id) & (Evidence.active == True)  # noqa: E712
    )
    hashes = [sha] if sha else [h for (h,) in mine.tuples()]
    if not hashes:
        return []
    others = (
        ledger.select(Evidence, Evidence.name, Problem.code)
        .join(Problem, on=(Evidence.problem == Problem.id))
        .where(
            Evidence.sha256.in_(hashes)
            & (Evidence.problem != problem_id)
            & (Evidence.active == True)  # noqa: E712
            & (Problem.status != VOID)
        )
        .distinct()
        .tuples()
    )
    return [
        f"佐证材料“{name}”与问题 {code} 的材料是同一个文件，请核实是否“纸面销号”。"
        for name, code in others
    ]
