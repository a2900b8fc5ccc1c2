"""The background halves of collecting: check files, then keep the ones the user accepted.

Plain functions over a ledger and paths (no Qt): they run on a pool thread, report progress
through the callback `run_in_background` gives them, and hand back dataclasses.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tracker.bulk import Cancelled
from tracker.dates import format_month, format_stamp
from tracker.errors import LedgerError
from tracker.exchange.branches import find_branch
from tracker.exchange.collect import Incoming, inspect, receive, report_files
from tracker.exchange.rollup import rollup
from tracker.ledger import Ledger

log = logging.getLogger(__name__)
Progress = Callable[[int, int], bool] | None
REPLACES = "收取这一份将替换它"  # the note on a file that replaces a report already received


def _checked(read: Callable[[], Incoming], path: Path) -> Incoming:
    """One file's check; a file that breaks the reader is refused, not the whole batch."""
    try:
        return read()
    except LedgerError as error:
        return Incoming(path, reasons=[str(error)])
    except Exception as error:  # a damaged file must not stop the other branches' reports
        log.exception("checking %s failed", path)
        return Incoming(
            path, reasons=[f"读取文件时出错（{type(error).__name__}：{error}），详情已记入日志。"]
        )


def inspect_files(
    ledger: Ledger, paths: list[str | Path], progress: Progress = None
) -> list[Incoming]:
    """Phase 1: read and check every file (a folder stands for its .xlsx files); writes nothing."""
    files = report_files(paths)
    if not files:
        raise LedgerError("所选的文件夹中没有 .xlsx 文件。")
    out: list[Incoming] = []
    for done, path in enumerate(files):
        if progress is not None and not progress(done, len(files)):
            raise Cancelled("已取消，没有收取任何报表。")
        out.append(_checked(lambda p=path: inspect(ledger, p), path))
    note_replacements(ledger, out)
    if progress is not None:
        progress(len(files), len(files))
    return out


def inspect_handkept_file(
    ledger: Ledger, path: str | Path, branch_name: str, year: int, month: int
) -> Incoming:
    """A branch's hand-kept workbook as its figures for the month (phase 1 of the hand-kept path)."""
    from tracker.exchange.handkept import inspect_handkept

    path = Path(path)
    incoming = _checked(lambda: inspect_handkept(ledger, path, branch_name, year, month), path)
    incoming.kind, incoming.unit = "handkept", incoming.unit or branch_name.strip()
    incoming.year, incoming.month = year, month
    incoming.branch = find_branch(ledger, incoming.unit)  # None: a new branch, to confirm
    note_replacements(ledger, [incoming])
    return incoming


def replaces(incoming: Incoming) -> bool:
    return any(REPLACES in note for note in incoming.notes)


def note_replacements(ledger: Ledger, incomings: list[Incoming]) -> None:
    """Say beforehand which files will replace a report already received for the same month."""
    by_month: dict[tuple[int, int], dict[int, object]] = {}
    for incoming in incomings:
        if not incoming.ok or incoming.branch is None:
            continue
        month = (incoming.year, incoming.month)
        if month not in by_month:
            by_month[month] = {b.branch.id: b for b in rollup(ledger, *month).lines}
        line = by_month[month].get(incoming.branch.id)
        if line is not None:
            what = "月报" if line.verified else "手工台账（未校验）"
            incoming.notes.append(
                f"已收到“{line.branch.name}”{format_month(*month)}的{what}"
                f"（{format_stamp(line.received_at)} 收取）；{REPLACES}，原报表保留在历史中。"
            )


@dataclass
class Outcome:
    """What phase 2 did: kept, failed (with why), and the files left when the user cancelled."""

    received: list[Incoming] = field(default_factory=list)
    failed: list[tuple[Incoming, str]] = field(default_factory=list)
    skipped: list[Incoming] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def receive_files(ledger: Ledger, chosen: list[Incoming], progress: Progress = None) -> Outcome:
    """Phase 2: keep each accepted file in its own transaction; one failure stops nothing else.

    Older months go first so a branch's chain is stored in the order it grew. Cancelling keeps
    what is already in and reports the rest as skipped (never raises: the screens must refresh).
    """
    outcome = Outcome()
    ordered = sorted(chosen, key=lambda i: (i.year, i.month, i.unit, i.path.name))
    for done, incoming in enumerate(ordered):
        if progress is not None and not progress(done, len(ordered)):
            outcome.skipped = ordered[done:]
            break
        name = incoming.unit if not incoming.verified else None
        try:
            changes = receive(ledger, incoming, branch_name=name)
        except LedgerError as error:
            outcome.failed.append((incoming, str(error)))
            continue
        except Exception as error:  # logged; the others still go in
            log.exception("receiving %s failed", incoming.path)
            outcome.failed.append((incoming, f"保存时出错（{type(error).__name__}：{error}）。"))
            continue
        outcome.received.append(incoming)
        outcome.warnings.extend(changes.warnings)
    else:
        if progress is not None:
            progress(len(ordered), len(ordered))
    return outcome
