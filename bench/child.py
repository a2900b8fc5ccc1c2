"""Runs a Python script in this process and, at its end, writes the process's peak memory to a file.

    python bench/child.py PEAK_FILE SCRIPT [ARGS…]

Why a wrapper: the parent's `ru_maxrss` for a child is inherited across fork/exec on Linux, so a
child started by a big benchmark process reports the parent's peak. The kernel's VmHWM of this
very process is exact, but only this process can read it as it ends. The program under test and
its baseline both start through here, so the few milliseconds it costs fall on both sides.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path


def peak_kb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource  # not Linux: the best there is

    scale = 1024 if sys.platform == "darwin" else 1  # bytes on macOS, KiB elsewhere
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // scale


def main() -> int:
    peak_file, script, *args = sys.argv[1:]
    sys.argv = [script, *args]
    sys.path[0] = str(Path(script).resolve().parent)  # as if started as `python SCRIPT`
    code: int | str | None = 0
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as stop:
        code = stop.code
    finally:
        Path(peak_file).write_text(str(peak_kb()))
    return code if isinstance(code, int) else (0 if code is None else 1)


if __name__ == "__main__":
    sys.exit(main())
