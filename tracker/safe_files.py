"""Files written whole or not at all: a temporary name beside the target, renamed into place last.

A process killed while writing (SIGKILL, a power cut, a pulled USB stick) must never leave a
half-written file under the name a reader trusts. Everything the ledger writes outside its
database (evidence files, backups, safety copies) is therefore written as `NAME.part-PID-XXXX`
and renamed to NAME when complete. What a killed attempt leaves behind is recognised by that
name: its process is gone, so the next attempt removes it. `writing_into` names the folder these
files go to when the system refuses (the reason in words from `failures.os_reason`).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from .errors import StorageError
from .failures import os_reason

PART = ".part-"


def part_path(target: Path) -> Path:
    """A temporary name beside `target` that says whose it is: `NAME.part-PID-XXXX`."""
    return target.with_name(f"{target.name}{PART}{os.getpid()}-{secrets.token_hex(3)}")


def is_part(name: str) -> bool:
    return PART in name


def process_alive(pid: int) -> bool:
    """Whether process `pid` of this computer still runs (when unsure: yes, leave its files be)."""
    if pid == os.getpid():
        return True
    if os.name == "nt":  # os.kill(pid, 0) would send Ctrl+C there
        return _windows_process_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, but is someone else's (or this system cannot tell)
        return True
    return True


def _windows_process_alive(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.windll.kernel32
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return kernel32.GetLastError() == 5  # access denied: it exists
    try:
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def _owner(path: Path) -> int | None:
    tail = path.name.rsplit(PART, 1)[-1]
    pid = tail.split("-", 1)[0]
    return int(pid) if pid.isdigit() else None


def remove(path: Path) -> None:
    """Remove a file or a whole folder, whichever `path` is."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def remove_leftovers(target: Path) -> list[Path]:
    """Remove what killed attempts at writing `target` left beside it (their process is gone)."""
    if not target.parent.is_dir():
        return []
    removed = []
    prefix = target.name + PART
    for entry in os.scandir(target.parent):
        if entry.name.startswith(prefix):
            path = Path(entry.path)
            pid = _owner(path)
            if pid is not None and not process_alive(pid):
                remove(path)
                removed.append(path)
    return removed


def sync_file(path: Path) -> None:
    """Ask the system to put the file on the disk now (a backup is often followed by unplugging)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def sync_everything() -> None:
    """Put everything written so far on the disk (POSIX `sync`: one call for a folder of many
    small files, where a sync per file costs a disk round trip each). Windows has no such call;
    there removable disks are written through by default ("quick removal")."""
    if hasattr(os, "sync"):
        os.sync()


def sync_dir(path: Path) -> None:
    """Make renames inside `path` durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems (network shares) refuse: the data itself was synced
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def temporary(target: Path) -> Iterator[Path]:
    """A temporary path for `target`, removed unless the caller renamed it into place."""
    tmp = part_path(target)
    try:
        yield tmp
    finally:
        if tmp.exists():
            remove(tmp)


def copy_file(source: Path, target: Path, *, sync: bool = False) -> None:
    """Copy `source` to `target` whole (content and modification time)."""
    with temporary(target) as tmp:
        shutil.copyfile(source, tmp)
        shutil.copystat(source, tmp)
        if sync:
            sync_file(tmp)
        os.replace(tmp, target)


@contextlib.contextmanager
def writing_into(folder: Path, what: str) -> Iterator[None]:
    """OS errors while writing into `folder` become a message naming the folder, in Chinese."""
    try:
        yield
    except OSError as error:
        raise StorageError(
            f"无法把{what}写入文件夹“{folder}”：{os_reason(error)}。请换一个可以写入的位置。"
        ) from error
