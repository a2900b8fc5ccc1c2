"""The workflow actions (申请销号, 审核通过, 驳回, 作废, 延期 …) as QActions for toolbar and menus.

Whether an action is offered comes from `tracker.workflow` alone: enabled when the status of the
selected problem(s) allows the transition. When the status allows it but a guard would refuse
(measures still open, no evidence …) the action stays enabled and says why in its tooltip, and
triggering it explains instead of failing later. Every prompt goes through `run_dialog` /
`explain`, which tests replace so nothing blocks.
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from tracker import services, workflow
from tracker.errors import NotFoundError
from tracker.models import Problem
from tracker.services.lookup import problem_facts, problem_row
from tracker.sharing import rules

from .session import Session

CHUNK = 500
PLACEHOLDER = "…"  # stands in for what the dialog will ask (note, reviewer, reason)
# name → (transition in tracker.workflow or None, menu text, shortcut)
ACTIONS = {
    "request_closure": ("request_closure", "申请销号…", ""),
    "approve": ("approve", "审核通过…", ""),
    "reject": ("reject", "驳回…", ""),
    "reopen": ("reopen", "重新整改…", ""),
    "set_long_term": ("set_long_term", "设为长期坚持", ""),
    "resume": ("resume", "恢复整改", ""),
    "extend": (None, "申请延期…", ""),
    "bulk_edit": (None, "批量修改…", ""),
    "void": ("void", "作废…", "Delete"),
    "restore": ("restore", "恢复（撤销作废）…", ""),
}
# What each is to the shared ledger's checks (`tracker.sharing.rules`)
CHECKED_AS = {
    "request_closure": "problem.request_closure",
    "approve": "problem.approve",
    "reject": "problem.reject",
    "reopen": "problem.reopen",
    "set_long_term": "problem.set_long_term",
    "resume": "problem.resume",
    "extend": "measure.extend",
    "bulk_edit": "problem.edit",
    "void": "problem.void",
    "restore": "problem.restore",
}
# How a toolbar or menu may group them (separators between groups).
GROUPS = [
    ["request_closure", "approve", "reject", "reopen"],
    ["set_long_term", "resume", "extend", "bulk_edit"],
    ["void", "restore"],
]
EXTRA_TIPS = {
    "extend": "为未完成的整改措施提出延期申请（须在期限前、写明理由），由他人批准后期限才改变",
    "bulk_edit": "对所选的多个问题统一修改问题类别、责任部门，或未完成措施的责任人、整改时限",
}
REASON_TEXT = {
    "reject": ("驳回销号申请", "驳回理由", "驳回后问题退回“整改中”；理由记入审核意见和历史记录。"),
    "reopen": (
        "重新整改（回头看）",
        "重新整改的理由",
        "回头看发现问题反弹时使用：问题重新进入“整改中”，原销号信息保留在历史记录中。",
    ),
    "restore": ("恢复作废的问题", "恢复理由", "问题恢复到作废前的状态，重新计入统计和报表。"),
}


@dataclasses.dataclass
class ActionState:
    enabled: bool = False
    why_not: str = ""  # why it is disabled (status, selection)
    refused: list[str] = dataclasses.field(default_factory=list)  # guards that would refuse it


class WorkflowActions(QObject):
    """Owns the QActions; `set_selection(ids)` re-evaluates them, as does every `session.changed`."""

    def __init__(self, session: Session, parent_widget: QWidget) -> None:
        super().__init__(parent_widget)
        self.session = session
        self.parent_widget = parent_widget
        self.ids: list[int] = []
        self.states: dict[str, ActionState] = {}
        self._busy = False
        self._actions: dict[str, QAction] = {}
        for name, (_, text, shortcut) in ACTIONS.items():
            action = QAction(text, self)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            action.triggered.connect(lambda _checked=False, n=name: self.trigger(n))
            self._actions[name] = action
        # bound methods (not lambdas) so Qt drops the connections when this object goes away
        session.changed.connect(self._on_changed)
        session.opened.connect(self._on_reset)
        session.closed.connect(self._on_reset)
        self.refresh()

    def _on_changed(self, _changes) -> None:
        self.refresh()

    def _on_reset(self, *_args) -> None:
        self.set_selection([])

    # -- public ----------------------------------------------------------------------------------
    def actions(self) -> list[QAction]:
        return list(self._actions.values())

    def groups(self) -> list[list[QAction]]:
        """The actions in groups, for menus and toolbars that put separators between them."""
        return [[self._actions[name] for name in group] for group in GROUPS]

    def action(self, name: str) -> QAction:
        return self._actions[name]

    def set_selection(self, problem_ids: list[int]) -> None:
        self.ids = list(dict.fromkeys(problem_ids))
        self.refresh()

    def refresh(self) -> None:
        if self._busy:
            return
        self.states = self._evaluate()
        for name, action in self._actions.items():
            state = self.states[name]
            action.setEnabled(state.enabled)
            tip = self.base_tooltip(name)
            if state.why_not:
                tip += "\n" + state.why_not
            elif state.refused:
                tip += "\n当前不能执行：\n" + "\n".join(state.refused)
            action.setToolTip(tip)
            action.setStatusTip(tip.replace("\n", " "))

    def base_tooltip(self, name: str) -> str:
        transition, text, shortcut = ACTIONS[name]
        tip = workflow.TRANSITIONS[transition].tooltip if transition else EXTRA_TIPS[name]
        return f"{text.rstrip('…')}：{tip}" + (f"（快捷键 {shortcut}）" if shortcut else "")

    # -- prompts (tests replace these) -----------------------------------------------------------
    def run_dialog(self, dialog: QDialog) -> bool:
        """Show a dialog modally; the dialog performs its action itself on OK."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def ask_reason(
        self, title: str, explanation: str, *, label: str, ok_text: str, submit
    ) -> str | None:
        """Ask why (驳回, 重新整改, 作废, 恢复). The default dialog runs `submit(reason)` itself and
        stays open when it is refused; a replacement may just return the reason (or None)."""
        from .dialogs.reason_dialog import ReasonDialog

        dialog = ReasonDialog(
            self.parent_widget, title, explanation, label=label, ok_text=ok_text, submit=submit
        )
        return dialog.reason() if self.run_dialog(dialog) else None

    def explain(self, title: str, reasons: list[str]) -> None:
        QMessageBox.warning(self.parent_widget, title, "\n".join(reasons))

    def ask_new_measure(self, code: str) -> bool:
        """After 重新整改: offer a new measure (回头看 found the problem back; the old measures
        stay done, so without a new one it would sit in 整改中 with nothing left to do)."""
        from .widgets import ask_choice

        return ask_choice(
            self.parent_widget,
            "新增整改措施？",
            f"问题 {code} 已重新整改。原有的整改措施仍为“已完成”。\n\n"
            "要为这次反弹新增一项整改措施吗？",
            "新增整改措施…",
            "以后再说",
        )

    def ask_measure(self, row: dict):
        """The new measure's text, owner, department and deadline (None when cancelled)."""
        from .panels.detail.measures_tab import ask_measure

        return ask_measure(self.parent_widget, self.session, None, row["found_on"])

    # -- evaluation ------------------------------------------------------------------------------
    def _evaluate(self) -> dict[str, ActionState]:
        ledger, ids = self.session.ledger, self.ids
        if ledger is None or not ids:
            return {name: ActionState(why_not="请先在台账中选择问题。") for name in ACTIONS}
        if self.session.read_only:
            return {name: ActionState(why_not="台账以只读方式打开，不能修改。") for name in ACTIONS}
        statuses = [status for _, status, _ in self._rows(ids)]
        if not statuses:
            return {name: ActionState(why_not="所选问题已不存在。") for name in ACTIONS}
        facts = None
        if len(ids) == 1:
            try:
                facts = problem_facts(ledger, problem_row(ledger, ids[0]))
            except NotFoundError:
                return {name: ActionState(why_not="所选问题已不存在。") for name in ACTIONS}
        states = {}
        for name, (transition, _, _) in ACTIONS.items():
            if name == "void":
                states[name] = self._void_state(statuses)
            elif name == "bulk_edit":
                editable = any(s in workflow.EDITABLE for s in statuses)
                states[name] = ActionState(
                    editable,
                    "" if editable else "所选问题都处于待销号、已销号或已作废状态，不能修改。",
                )
            elif facts is None:
                states[name] = ActionState(why_not="请只选择一个问题。")
            elif name == "extend":
                states[name] = self._extend_state(facts)
            elif not workflow.allowed(transition, facts.status):
                states[name] = ActionState(why_not=workflow.refusals(transition, facts)[0])
            else:
                states[name] = ActionState(True, refused=guard_refusals(transition, facts))
        if ledger.member is not None:  # a shared ledger: what the member's role allows
            self._member_states(states, ids)
        return states

    def _member_states(self, states: dict[str, ActionState], ids: list[int]) -> None:
        ledger = self.session.ledger
        row = problem_row(ledger, ids[0]) if len(ids) == 1 else None
        for name, action in CHECKED_AS.items():
            if not states[name].enabled:
                continue
            why = rules.why_not(
                ledger, action, row["branch"] if row else None, row["code"] if row else ""
            )
            if why:
                states[name] = ActionState(why_not=why)

    @staticmethod
    def _void_state(statuses: list[str]) -> ActionState:
        voided = sum(1 for s in statuses if not workflow.allowed("void", s))
        if not voided:
            return ActionState(True)
        if len(statuses) == 1:
            return ActionState(why_not="问题已经作废。")
        return ActionState(why_not=f"所选问题中有 {voided} 个已经作废，请只选择未作废的问题。")

    def _extend_state(self, facts: workflow.ProblemFacts) -> ActionState:
        if facts.status not in workflow.EDITABLE:
            label = workflow.STATUS_LABELS[facts.status]
            return ActionState(why_not=f"问题当前为“{label}”，不能申请延期。")
        if workflow.M_OPEN not in facts.measure_statuses:
            return ActionState(
                True,
                refused=[
                    "该问题没有未完成的整改措施，无需延期（已完成或长期坚持的措施不设期限）。"
                ],
            )
        return ActionState(True)

    def _rows(self, ids: list[int]) -> list[tuple[int, str, int]]:
        """(id, status, version) of the selected problems, in chunks (a selection may be huge)."""
        out = []
        for start in range(0, len(ids), CHUNK):
            query = self.session.ledger.select(Problem, Problem.id, Problem.status, Problem.version)
            out.extend(query.where(Problem.id.in_(ids[start : start + CHUNK])).tuples())
        return out

    # -- triggering ------------------------------------------------------------------------------
    def trigger(self, name: str) -> None:
        self.refresh()  # the ledger may have changed since the selection was made
        state = self.states[name]
        if not state.enabled:
            return
        if state.refused:
            self.explain(f"不能{ACTIONS[name][1].rstrip('…')}", state.refused)
            return
        getattr(self, f"_do_{name}")()

    def _one(self) -> dict:
        return problem_row(self.session.ledger, self.ids[0])

    def _perform(self, action, *args, **kwargs) -> bool:
        return self.session.perform(self.parent_widget, action, *args, **kwargs) is not None

    def _do_request_closure(self) -> None:
        from .dialogs.closure_dialogs import RequestClosureDialog

        self.run_dialog(RequestClosureDialog(self.session, self.ids[0], self.parent_widget))

    def _do_approve(self) -> None:
        from .dialogs.closure_dialogs import ApproveClosureDialog

        self.run_dialog(ApproveClosureDialog(self.session, self.ids[0], self.parent_widget))

    def _reasoned(self, title: str, explanation: str, label: str, submit, ok_text="确定") -> None:
        """Ask through `ask_reason`; submit the reason unless the dialog has already done so."""
        outcomes: list[bool] = []

        def tracked(reason: str) -> bool:
            outcomes.append(submit(reason))
            return outcomes[-1]

        reason = self.ask_reason(title, explanation, label=label, ok_text=ok_text, submit=tracked)
        if reason and not outcomes:  # a replacement prompt that only returned the text
            tracked(reason)

    def _ask_reason(self, name: str, service) -> None:
        row = self._one()
        title, label, explanation = REASON_TEXT[name]

        def submit(reason: str) -> bool:
            return self._perform(service, row["id"], reason, expected_version=row["version"])

        self._reasoned(title, f"问题 {row['code']}：{explanation}", label, submit)

    def _do_reject(self) -> None:
        self._ask_reason("reject", services.reject_closure)

    def _do_reopen(self) -> None:
        row = self._one()
        title, label, explanation = REASON_TEXT["reopen"]
        reopened: list[bool] = []

        def submit(reason: str) -> bool:
            done = self._perform(
                services.reopen_problem, row["id"], reason, expected_version=row["version"]
            )
            reopened.append(done)
            return done

        self._reasoned(title, f"问题 {row['code']}：{explanation}", label, submit)
        if any(reopened) and self.ask_new_measure(row["code"]):
            measure = self.ask_measure(row)
            if measure is not None:
                self._perform(services.add_measure, row["id"], measure)

    def _do_restore(self) -> None:
        self._ask_reason("restore", services.restore_problem)

    def _do_set_long_term(self) -> None:
        row = self._one()
        self._perform(services.set_long_term, row["id"], expected_version=row["version"])

    def _do_resume(self) -> None:
        row = self._one()
        self._perform(services.resume_problem, row["id"], expected_version=row["version"])

    def _do_void(self) -> None:
        pending = {pid: version for pid, _, version in self._rows(self.ids)}
        what = (
            f"所选的 {len(pending)} 个问题" if len(pending) > 1 else f"问题 {self._one()['code']}"
        )
        explanation = f"将作废{what}：不再计入统计和报表，但保留在台账和历史记录中，以后可以恢复。"

        def submit(reason: str) -> bool:
            """One action per problem; those done are dropped, so OK again retries only the rest."""
            self._busy = True
            try:
                for pid, version in list(pending.items()):
                    if not self._perform(
                        services.void_problem, pid, reason, expected_version=version
                    ):
                        return False
                    del pending[pid]
                return True
            finally:
                self._busy = False
                self.refresh()

        self._reasoned("作废问题", explanation, "作废理由", submit, ok_text="作废")

    def _do_extend(self) -> None:
        from .followup.extension_dialogs import ExtensionRequestDialog

        dialog = ExtensionRequestDialog(self.session, self.ids[0], parent=self.parent_widget)
        self.run_dialog(dialog)

    def _do_bulk_edit(self) -> None:
        from .dialogs.bulk_edit_dialog import BulkEditDialog

        self.run_dialog(BulkEditDialog(self.session, self.ids, self.parent_widget))


def guard_refusals(transition: str, facts: workflow.ProblemFacts) -> list[str]:
    """What would refuse `transition` now, leaving out what its dialog asks (note, reviewer, reason)."""
    hypothetical = dataclasses.replace(facts, closure_note=PLACEHOLDER, reviewer=PLACEHOLDER)
    return workflow.refusals(transition, hypothetical, reason=PLACEHOLDER)
