"""The 督办 menu: 催办, 催办单, 回头看, 相似问题与复发, 抽查 and its results, the 回头看 interval.

Each entry acts on the problems selected in the ledger (or, for the 催办单 with nothing selected,
on the view shown: 逾期 or 7天内到期) and opens its dialog; every write goes through the dialog's
`session.perform`, so each is one journaled action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog, QMessageBox

from tracker import queries
from tracker.errors import LedgerError
from tracker.followup import lookbacks

from ..session import show_error

if TYPE_CHECKING:
    from ..main_window import MainWindow

# name -> (menu text, tip)
ENTRIES = {
    "chase": ("催办…", "记录对所选问题未完成措施的催办：催了谁、何时、以何种方式（记入历史）"),
    "chase_sheet": (
        "生成催办单…",
        "为所选问题（未选时为逾期或7天内到期视图中）的责任人生成催办单，每人一张表",
    ),
    "lookback": ("回头看…", "记录所选已销号问题的回头看：巩固，或反弹（重新整改）；也可改日期"),
    "similar": ("相似问题与复发…", "查找其他批次中描述相似的早先问题，把本问题记为复发"),
    "sample": ("抽查…", "随机抽取已销号问题，生成现场核查表；种子由程序选定并记入历史"),
    "sample_results": ("记录抽查结果…", "记录抽查的现场核查结果：属实或不属实"),
    "lookback_interval": ("回头看间隔…", "销号后多少个月回头看（本台账的设置，默认 6 个月）"),
}
ONE_PROBLEM = ("lookback", "similar")
SOME_PROBLEMS = ("chase",)
WRITES = ("chase", "lookback", "sample", "sample_results", "lookback_interval")
# on a shared ledger, the member's role and branch are asked before a dialog is filled in
CHECKED_AS = {
    "chase": "chase.create",
    "lookback": "lookback.edit",
    "sample": "sample.draw",
    "sample_results": "sample.result",
    "lookback_interval": "setting.edit",
}


def _selected(window: MainWindow) -> list[int]:
    return window.ledger_page.selected_ids()


def _say(window: MainWindow, text: str) -> None:
    QMessageBox.information(window, "督办", text)


def trigger(window: MainWindow, name: str) -> None:
    session = window.session
    if session.ledger is None:
        return
    ids = _selected(window)
    if name in ONE_PROBLEM and len(ids) != 1:
        _say(window, "请先在台账中选中一个问题。")
        return
    if name in SOME_PROBLEMS and not ids:
        _say(window, "请先在台账中选中要催办的问题（可在“逾期”或“7天内到期”视图中多选）。")
        return
    if name in WRITES and session.read_only:
        _say(window, "台账以只读方式打开，不能修改。")
        return
    why = _not_allowed(session.ledger, name, ids)
    if why:
        _say(window, why)
        return
    try:
        HANDLERS[name](window, ids)
    except LedgerError as error:
        show_error(window, error)


def _not_allowed(ledger, name: str, ids: list[int]) -> str | None:
    """Why this member may not (a shared ledger's role or branch: `sharing.rules.why_not`)."""
    from tracker.services.lookup import problem_row
    from tracker.sharing import rules

    if name not in CHECKED_AS or getattr(ledger, "member", None) is None:
        return None
    row = problem_row(ledger, ids[0]) if len(ids) == 1 else None
    branch, code = (row["branch"], row["code"]) if row else (None, "")
    return rules.why_not(ledger, CHECKED_AS[name], branch, code)


def _chase(window: MainWindow, ids: list[int]) -> None:
    from .chase_dialog import ChaseDialog

    ChaseDialog(window.session, ids, window).exec()


def _chase_sheet(window: MainWindow, ids: list[int]) -> None:
    from tracker.followup.chase_sheet import DUE_SOON, OVERDUE, gather, write_chase_sheets

    from ..excel_actions import _save_path, offer_to_open

    ledger = window.session.ledger
    view = window.ledger_page.current_filter().view
    which = None if ids else (DUE_SOON if view == queries.DUE_SOON else OVERDUE)
    sheets = gather(ledger, which=which, problems=ids)
    if not sheets:
        _say(window, "没有需要催办的未完成措施。")
        return
    target = _save_path(window, "保存催办单", f"{ledger.unit_name}整改措施催办单.xlsx", "followup")
    if target is None:
        return
    path = write_chase_sheets(ledger, target, sheets)
    people = "、".join(s.name for s in sheets[:8]) + ("等" if len(sheets) > 8 else "")
    offer_to_open(
        window, "催办单已生成", f"共 {len(sheets)} 人，每人一张表：{people}\n{path}", path
    )


def _lookback(window: MainWindow, ids: list[int]) -> None:
    from .lookback_dialog import LookbackDialog

    if lookbacks.pending_of(window.session.ledger, ids[0]) is None:
        _say(window, "所选问题没有待做的回头看（只有已销号的问题才回头看）。")
        return
    LookbackDialog(window.session, ids[0], window).exec()


def _similar(window: MainWindow, ids: list[int]) -> None:
    from .similar_dialog import SimilarDialog

    SimilarDialog(window.session, ids[0], parent=window).exec()


def _sample(window: MainWindow, _ids: list[int]) -> None:
    from .sample_dialog import SampleDialog

    SampleDialog(window.session, window).exec()


def _sample_results(window: MainWindow, _ids: list[int]) -> None:
    from tracker.followup import sampling

    from .sample_dialog import SampleResultDialog

    if not sampling.draws(window.session.ledger):
        _say(window, "还没有抽查记录。请先用“督办 → 抽查…”抽取。")
        return
    SampleResultDialog(window.session, window).exec()


def _lookback_interval(window: MainWindow, _ids: list[int]) -> None:
    session = window.session
    months, ok = QInputDialog.getInt(
        window,
        "回头看间隔",
        "问题销号后多少个月回头看（已设定的回头看日期不变）：",
        lookbacks.interval(session.ledger),
        1,
        lookbacks.MAX_MONTHS,
    )
    if ok:
        session.perform(window, lookbacks.set_interval, months)


HANDLERS = {
    "chase": _chase,
    "chase_sheet": _chase_sheet,
    "lookback": _lookback,
    "similar": _similar,
    "sample": _sample,
    "sample_results": _sample_results,
    "lookback_interval": _lookback_interval,
}
