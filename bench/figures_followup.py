"""Figure 19 of issue 16: finding earlier problems similar to a new one (复发), as entry and
import do, at 1000, 10000 and 100000 problems; the target is 100 ms at 100000.

A lookup is `tracker.followup.similar.similar_problems` for a description as someone would type
it: a demo problem's wording lightly rearranged (many near matches), and wording the demo never
uses (few), each against the other batches before today.
"""

from __future__ import annotations

from ledgers import clock
from timing import Figure, Target, median_time

from tracker import demo_text
from tracker.followup.similar import similar_problems
from tracker.ledger import Ledger
from tracker.models import Batch

SIMILAR = 0.100  # seconds at 100000 (issue 16)


def _texts() -> list[tuple[str, str]]:
    (first, second, third), *_ = demo_text.PROBLEMS.values()
    common = f"{second[0]}，{first[0]}，{third[0]}"  # a demo wording, its clauses reordered
    novel = "党员活动室图书借阅登记长期无人整理，志愿服务台账补记现象突出"
    return [("demo wording reordered", common), ("wording new to the ledger", novel)]


def similar(ledger: Ledger, size: int, runs: int) -> list[Figure]:
    batch = ledger.select(Batch, Batch.id).order_by(Batch.id.desc()).scalar()
    today = clock().date()
    out = []
    for name, text in _texts():

        def lookup(text=text):
            return similar_problems(ledger, text, batch=batch, found_on=today)

        figure = Figure("19", f"similar problems: {name}", size, "ms", runs=runs)
        figure.value = median_time(lookup, runs)
        figure.target = {100000: Target(value=SIMILAR)}.get(size)
        found = lookup()
        best = f", best {found[0].percent}" if found else ""
        figure.notes.append(f"{len(found)} shown{best}")
        out.append(figure)
    return out
