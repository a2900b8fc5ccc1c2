"""佐证材料: files copied into the ledger's evidence folder under their SHA-256, and their records."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path

from ..changes import Changes
from ..errors import ValidationError, WorkflowError
from ..ledger import Ledger
from ..models import Evidence, Problem
from ..recorder import Unit
from ..workflow import VOID
from .lookup import measure_row, problem_row, require_accepts_work

CHUNK = 1 << 20
MAX_BYTES = 512 * 1024 * 1024


def evidence_file(ledger: Ledger, sha256: str, name: str) -> Path:
    """Where a stored file lives: `<evidence>/ab/abcdef….pdf` (the suffix lets the OS open it)."""
    suffix = Path(name).suffix.lower()[:12]
    return ledger.evidence_dir / sha256[:2] / f"{sha256}{suffix}"


def store_file(ledger: Ledger, source: Path, name: str | None = None) -> tuple[str, int]:
    """Copy `source` into the evidence folder; returns (sha256, size). Idempotent for equal content.

    The copy goes to a temporary file first and is renamed into place, so a crash never leaves a
    half-written file under a valid name.
    """
    if not source.is_file():
        raise ValidationError("佐证材料", f"文件不存在：{source}")
    size = source.stat().st_size
    if size > MAX_BYTES:
        raise ValidationError(
            "佐证材料", f"文件过大（{size // 1024 // 1024} MB），单个文件不能超过 512 MB。"
        )
    ledger.evidence_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, tmp = tempfile.mkstemp(dir=ledger.evidence_dir, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            while chunk := src.read(CHUNK):
                digest.update(chunk)
                out.write(chunk)
        sha = digest.hexdigest()
        target = evidence_file(ledger, sha, name or source.name)
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            os.unlink(tmp)
        else:
            shutil.move(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return sha, size


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
