"""`tracker/` is a library without Qt: the CLI, a server or a test must be able to use it headless."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "tracker"
QT_PACKAGES = ("PySide6", "shiboken6", "PyQt5", "PyQt6")

PROBE = textwrap.dedent(
    """
    import importlib, json, sys
    QT = {qt!r}

    def qt_loaded():
        return sorted(m for m in sys.modules if m.split(".")[0] in QT)

    culprits = {{}}
    for name in {modules!r}:
        importlib.import_module(name)
        loaded = qt_loaded()
        if loaded and not culprits:
            culprits[name] = loaded
    print(json.dumps({{"culprits": culprits, "qt": qt_loaded()}}))
    """
)


def module_names() -> list[str]:
    names = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] == "__main__":
            continue  # importing it would run the command line; its imports are still scanned below
        if parts[-1] == "__init__":
            parts = parts[:-1]
        names.append(".".join(parts))
    return names


def qt_imports(source: str) -> list[str]:
    """Every import statement in `source` that names a Qt binding (at any depth, even inside a function)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] in QT_PACKAGES]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] in QT_PACKAGES:
                found.append(node.module)
    return found


def test_the_module_list_covers_the_whole_library():
    names = module_names()
    for expected in (
        "tracker",
        "tracker.ledger",
        "tracker.workflow",
        "tracker.services",
        "tracker.services.problems",
    ):
        assert expected in names
    assert len(names) >= 20


def test_no_tracker_module_mentions_qt_in_its_imports():
    offenders = {
        str(path.relative_to(ROOT)): qt_imports(path.read_text(encoding="utf-8"))
        for path in PACKAGE.rglob("*.py")
    }
    assert {k: v for k, v in offenders.items() if v} == {}


def test_the_import_scan_would_notice_qt():
    sample = "import os\nfrom PySide6.QtCore import QObject\ndef f():\n    import shiboken6\n"
    assert qt_imports(sample) == ["PySide6.QtCore", "shiboken6"]
    assert qt_imports("from .widgets import PySide6Helper\nimport PySide6x\n") == []


def test_importing_every_tracker_module_loads_no_qt():
    """The real check: import each module in a fresh interpreter and look at sys.modules."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    script = PROBE.format(qt=QT_PACKAGES, modules=module_names())

    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"culprits": {}, "qt": []}
