"""The evidence store on disk: files named by their SHA-256, written whole, checked by their content.

Layout: `<ledger>.evidence/ab/abcdef….pdf` — the first two hex digits as a folder, the whole hash
as the name, and a short ending so the system opens the file with the right program (`.pdf`,
`.jpeg`; none when the ending is not a few ASCII letters or digits). The file's display name lives
in the database, so a 300-character name or an ending in Chinese never reaches the disk. Versions
before 2026-12 kept up to 12 characters of any ending; `locate` still finds those files.

A file is written to a temporary name and renamed into place when complete (`safe_files`), and a
file already in place is reused only if its content still has its hash: a copy cut short by a
crash is replaced, never trusted for its name.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .safe_files import PART, copy_file, is_part, remove_leftovers, sync_dir, sync_everything
from .safe_files import temporary as temporary_for

if TYPE_CHECKING:
    from .ledger import Ledger

CHUNK = 1 << 20
MAX_ENDING = 8  # characters after the dot: ".jpeg", ".docx", ".xlsx", ".mp4"
WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0)
LEGACY_ENDING = 12  # what earlier versions kept, dot included
INCOMING = "incoming"  # temporary files of `add` live at the store's top: incoming.part-PID-XXXX
ProgressCallback = Callable[[int, int], bool] | None  # (bytes done, bytes in all) -> keep going?


class TooLarge(Exception):
    """The file grew past the limit while it was copied."""


def ending(name: str) -> str:
    """The ending a stored file keeps: `.pdf` for `报告.PDF`, nothing for an unusual one."""
    suffix = Path(name).suffix.lower()
    rest = suffix[1:]
    if 1 <= len(rest) <= MAX_ENDING and rest.isascii() and rest.isalnum():
        return suffix
    return ""


def stored_name(sha: str, name: str) -> str:
    return sha + ending(name)


def locate(folder: Path, sha: str, name: str) -> Path:
    """Where the file with hash `sha` (shown as `name`) is, or is to be stored."""
    place = folder / sha[:2]
    current = place / stored_name(sha, name)
    legacy = place / (sha + Path(name).suffix.lower()[:LEGACY_ENDING])
    if legacy != current and not current.is_file():
        try:
            if legacy.is_file():
                return legacy
        except OSError:  # a legacy name this system cannot even look up
            pass
    return current


def sha256_file(path: Path, tick: Callable[[int], None] | None = None) -> str:
    """The SHA-256 of a file, read in chunks; `tick(n)` after each chunk of n bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            if tick is not None:
                tick(len(chunk))
    return digest.hexdigest()


def is_sound(path: Path, sha: str) -> bool:
    """Whether a stored file is there and still has the content its name promises."""
    return path.is_file() and sha256_file(path) == sha


def add(folder: Path, source: BinaryIO, name: str, *, limit: int) -> tuple[str, int]:
    """Copy the open file `source` into the store; returns (sha256, size) of the bytes stored.

    Hash and size are taken from what was copied, so a file that grows while it is added (a
    scanner still writing) is recorded exactly as stored. Raises TooLarge past `limit` bytes.
    """
    folder.mkdir(parents=True, exist_ok=True)
    incoming = folder / INCOMING
    remove_leftovers(incoming)  # of adds killed before (their process is gone)
    digest = hashlib.sha256()
    size = 0
    with temporary_for(incoming) as tmp:
        with open(tmp, "wb") as out:
            while chunk := source.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge(size)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        target = locate(folder, sha, name)
        if not is_sound(target, sha):
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp, target)
            sync_dir(target.parent)
    return sha, size


def put_bytes(target: str, content: bytes) -> None:
    """Write known content at its place in the store (the demo's files), unless it is there whole.

    Plain `os` calls on text paths: the demo writes tens of thousands of these on a thread."""
    try:
        if os.path.getsize(target) == len(content):
            with open(target, "rb") as fh:
                if fh.read() == content:
                    return
    except FileNotFoundError:
        pass
    tmp = f"{target}{PART}{os.getpid()}-{threading.get_ident()}"
    fd = os.open(tmp, WRITE_FLAGS, 0o666)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)
    os.replace(tmp, target)


def files(folder: Path) -> Iterable[Path]:
    """Every stored file (temporary files and notes, whose names start with a dot or carry
    `.part-`, are not stored files)."""
    if not folder.is_dir():
        return
    for path in folder.rglob("*"):
        if path.is_file() and not path.name.startswith(".") and not is_part(path.name):
            yield path


def copy_store(source: Path, target: Path, *, link: bool = False, live: bool = False) -> int:
    """Copy every stored file of `source` into `target` (same relative names); returns how many.

    Into a folder being built (a backup's temporary folder) files are copied directly — hard-linked
    with `link` where the disk allows it (a safety copy beside the ledger costs no space; stored
    files are only ever replaced, never changed in place). Into a store in use (`live`: a restore
    adding to the ledger's) each file is written whole under a temporary name, and one already
    there is kept only if its content still has its hash (a damaged one is replaced).
    """
    copied = 0
    for file in files(source):
        dest = target / file.relative_to(source)
        if live and is_sound(dest, file.name[:64]):
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        if live:
            copy_file(file, dest, sync=True)
        elif not (link and _linked(file, dest)):
            shutil.copyfile(file, dest)
        copied += 1
    if copied and not live:
        sync_everything()  # one call: a sync of each of 50000 small files took 37 s
    return copied


def _linked(file: Path, dest: Path) -> bool:
    try:
        os.link(file, dest)
        return True
    except OSError:  # another disk, or a file system without hard links: copy instead
        return False


def check_files(
    ledger: Ledger, *, quick: bool = False, progress: ProgressCallback = None
) -> list[str]:
    """The evidence part of `verify`: every file a record names is there, has the recorded size
    and (unless `quick`) still has its hash. `progress(bytes done, bytes in all)` while hashing;
    returning False cancels (`bulk.Cancelled`)."""
    from .models import Evidence

    rows = ledger.select(Evidence, Evidence.sha256, Evidence.name, Evidence.size).order_by(
        Evidence.id
    )
    found: dict[Path, list[tuple[str, str, int]]] = {}
    for sha, name, size in rows.tuples().iterator():
        found.setdefault(locate(ledger.evidence_dir, sha, name), []).append((sha, name, size))
    out = []
    to_hash = []
    for path, records in found.items():
        if not path.is_file():
            out.extend(f"佐证材料“{name}”的文件不见了：{path}" for _, name, _ in _distinct(records))
            continue
        actual = path.stat().st_size
        wrong = [name for _, name, size in _distinct(records) if size != actual]
        out.extend(f"佐证材料“{name}”的文件大小不符，文件可能被替换：{path}" for name in wrong)
        if not wrong and not quick:
            to_hash.append((path, records[0][0], records[0][1], actual))
    out.extend(_rehash(to_hash, progress))
    return out


def _distinct(records: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    return list(dict.fromkeys(records))


def _rehash(items: list[tuple[Path, str, str, int]], progress: ProgressCallback) -> list[str]:
    from .bulk import Cancelled

    total = sum(size for *_, size in items)
    step = max(total // 200, CHUNK)
    done = reported = 0

    def tick(n: int) -> None:
        nonlocal done, reported
        done += n
        if progress is not None and (done - reported >= step or done == total):
            reported = done
            if not progress(done, total):
                raise Cancelled("已取消校验。")

    out = []
    for path, sha, name, _size in items:
        if sha256_file(path, tick) != sha:
            out.append(
                f"佐证材料“{name}”的文件内容与记录不符（SHA-256 不同），"
                f"文件可能被替换或已损坏：{path}"
            )
    if progress is not None and reported != total and not progress(total, total):
        raise Cancelled("已取消校验。")
    return out
