"""One line of the results table, its target, and the repeated timing that fills it in.

The machine is shared and noisy, so each figure is a median of several runs and, where a baseline
exists, the program and its baseline are run alternately: a burst of load then slows both alike and
the ratio still holds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

UNITS = {"ms": 1000.0, "s": 1.0, "MB": 1.0}


@dataclass(frozen=True)
class Target:
    """The issue's goal for one figure: a ceiling on the ratio to the baseline, on the value, or both."""

    ratio: float | None = None
    value: float | None = None  # in base units: seconds, or MB for memory

    def text(self, unit: str) -> str:
        parts = []
        if self.ratio is not None:
            parts.append(f"≤ {self.ratio:g}×")
        if self.value is not None:
            parts.append(f"≤ {self.value * UNITS[unit]:g} {unit}")
        return " and ".join(parts)

    def met(self, value: float, baseline: float | None) -> bool:
        if self.value is not None and value > self.value:
            return False
        if self.ratio is not None:
            return baseline is not None and value <= self.ratio * baseline
        return True


@dataclass
class Figure:
    """One row of the table. Values are kept in base units (seconds or MB) and scaled for display."""

    number: str  # the row of the table: "1" … "9"
    name: str
    size: int  # problems in the ledger (rows of the workbook for the import)
    unit: str = "s"
    value: float | None = None
    baseline: float | None = None
    baseline_name: str = ""
    target: Target | None = None
    runs: int = 0
    error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def verdict(self) -> str:
        if self.error:
            return "error"
        if self.target is None or self.value is None:
            return "—"
        return "pass" if self.target.met(self.value, self.baseline) else "MISS"

    def shown(self, value: float | None) -> str:
        if value is None:
            return "—"
        scaled = value * UNITS[self.unit]
        digits = 1 if self.unit == "ms" and scaled >= 10 else 0 if self.unit == "MB" else 2
        return f"{scaled:.{digits}f} {self.unit}"

    def cells(self) -> list[str]:
        """figure, size, value, baseline, ratio, target, result, runs: as printed and written."""
        ratio = self.ratio
        return [
            f"{self.number}. {self.name}",
            f"{self.size:,}",
            self.shown(self.value) if not self.error else "error",
            f"{self.shown(self.baseline)} ({self.baseline_name})" if self.baseline_name else "—",
            f"{ratio:.2f}×" if ratio is not None else "—",
            self.target.text(self.unit) if self.target else "—",
            self.verdict,
            str(self.runs) if self.runs else "—",
        ]


def run_times(
    action: Callable[[Any], object] | Callable[[], object],
    runs: int,
    *,
    setup: Callable[[], Any] | None = None,
    warmup: bool = False,
) -> list[float]:
    """Seconds per run. `setup()` runs untimed before each run and its result is passed in."""
    samples = []
    for i in range(runs + int(warmup)):
        arg = setup() if setup else None
        start = time.perf_counter()
        action(arg) if setup else action()
        elapsed = time.perf_counter() - start
        if i or not warmup:
            samples.append(elapsed)
    return samples


def paired(
    action: Callable[[], object],
    baseline: Callable[[], object],
    runs: int,
    *,
    warmup: bool = False,
) -> tuple[float, float]:
    """Medians of the action and its baseline, run alternately."""
    mine, theirs = [], []
    for _ in range(runs):
        mine += run_times(action, 1, warmup=warmup)
        theirs += run_times(baseline, 1, warmup=warmup)
        warmup = False
    return statistics.median(mine), statistics.median(theirs)


def median_time(action: Callable[[], object], runs: int, *, warmup: bool = True) -> float:
    return statistics.median(run_times(action, runs, warmup=warmup))
