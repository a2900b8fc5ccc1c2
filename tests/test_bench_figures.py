"""Every figure the benchmark measures is explained in its results file (bench/results.py), so a
new figure cannot break `bench/run.py` (and CI) only when the results are written."""

from __future__ import annotations

import re
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_every_figure_has_its_meaning():
    sys.path.insert(0, str(BENCH))
    try:
        from results import MEANING
    finally:
        sys.path.remove(str(BENCH))
    numbers = set()
    for source in BENCH.glob("*.py"):
        numbers |= set(re.findall(r'Figure\(\s*"(\d+)"', source.read_text(encoding="utf-8")))
    assert numbers, "no figures found"
    assert numbers <= set(MEANING), f"figures without a meaning: {sorted(numbers - set(MEANING))}"
