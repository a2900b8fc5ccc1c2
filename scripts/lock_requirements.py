"""Write requirements/lock.txt: the exact version of every package the program and its tests use.

    .venv/bin/python scripts/lock_requirements.py            # re-resolve, keeping the current pins
    .venv/bin/python scripts/lock_requirements.py --upgrade  # resolve afresh: the newest allowed

pip resolves pyproject.toml's dependencies (the program's, `test` and `postgres`) for this
machine (Linux, the Python running the script). `scripts/setup.sh` installs with the file as pip
constraints, for the program and for `--test`; CI runs exactly that, and
tests/test_dependencies.py checks that the file covers pyproject.toml and that the environment
running the tests has these versions. After --upgrade: run the whole suite, then commit the file.
A package only another platform needs (colorama on Windows) is not pinned: pip's `--platform`
does not evaluate such markers for the target.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "lock.txt"
EXTRAS = ("test", "postgres")

HEADER = """\
# Exact versions of everything zhenggai and its tests install: pip constraints, used by
# scripts/setup.sh (`pip install -c requirements/lock.txt …`) and therefore by CI, and by the
# installer build. Written by scripts/lock_requirements.py from pyproject.toml (resolved on Linux,
# Python {python}; on an older Python pip chooses within pyproject's ranges); do not edit by hand.
"""


def dependencies() -> list[str]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in EXTRAS:
        wanted += project["optional-dependencies"][extra]
    return sorted(set(wanted))


def resolve(wanted: list[str], constraints: Path | None) -> dict[str, str]:
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        command = [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed"]
        command += ["--quiet", "--report", str(report)]
        if constraints is not None:
            command += ["-c", str(constraints)]
        subprocess.run(command + wanted, check=True)
        data = json.loads(report.read_text(encoding="utf-8"))
    return {i["metadata"]["name"]: i["metadata"]["version"] for i in data["install"]}


def canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upgrade", action="store_true", help="ignore the current pins")
    args = parser.parse_args(argv)
    wanted = dependencies()
    keep = None if args.upgrade or not LOCK.exists() else LOCK
    pins = {canonical(n): (n, v) for n, v in resolve(wanted, keep).items()}
    python = ".".join(map(str, sys.version_info[:2]))
    # The pins hold where they were resolved: some of them have no release for an older Python
    # (platformdirs, hypothesis, calamine dropped 3.10), where pip then chooses within pyproject.
    marker = f' ; python_version >= "{python}"'
    lines = [f"{name}=={version}{marker}\n" for _, (name, version) in sorted(pins.items())]
    LOCK.parent.mkdir(exist_ok=True)
    LOCK.write_text(HEADER.format(python=python) + "".join(lines), encoding="utf-8")
    print(f"{LOCK.relative_to(ROOT)}: {len(lines)} packages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
