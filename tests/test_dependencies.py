"""The versions the program promises to work with: pyproject's ranges, requirements/lock.txt's pins.

An unpinned PySide6 upgrade once broke the second-instance promise silently (getLockInfo changed
shape). So every dependency is pinned in the lock file that setup.sh and CI install
from, within pyproject's ranges, and the environment running these tests must be the pinned one.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "lock.txt"


def pins() -> dict[str, str]:
    out = {}
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        line, _, marker = line.split("#")[0].partition(";")
        if line.strip() and (not marker.strip() or Marker(marker.strip()).evaluate()):
            name, _, version = line.partition("==")
            out[canonicalize_name(name)] = version.strip()
    return out


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project["optional-dependencies"]
    return [Requirement(r) for r in project["dependencies"] + extras["test"] + extras["postgres"]]


def test_every_declared_dependency_is_pinned_within_its_range_and_bounded_above():
    pinned = pins()
    if not pinned:
        pytest.skip("the lock holds for the Python it was resolved on, a newer one than this")
    for requirement in declared():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{requirement.name} is not in requirements/lock.txt"
        assert requirement.specifier.contains(pinned[name]), (
            f"{requirement.name}=={pinned[name]} is outside pyproject's {requirement.specifier}"
        )
        assert any(s.operator in ("<", "<=", "==", "~=") for s in requirement.specifier), (
            f"{requirement.name} has no upper bound in pyproject.toml"
        )


def test_the_environment_running_the_tests_is_the_pinned_one():
    """setup.sh installs from the lock file; a package upgraded by hand shows up here."""
    drift = []
    for name, version in pins().items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # e.g. psycopg2 where PostgreSQL is not tested
        if installed != version:
            drift.append(f"{name} {installed} (lock: {version})")
    assert not drift, "不是 requirements/lock.txt 中的版本：" + "、".join(drift)
