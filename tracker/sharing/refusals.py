"""Every refusal of a shared ledger in one place: the sentence the program's own check gives and
the sentence a refusal by the database becomes, which are the same.

The database's checks (triggers, row-level security: `schema`) raise SQLSTATE 42501 with the
message `zhenggai-refused ["rule", arg, …]`; `failures.translate` hands it to `from_database`,
which makes the sentence with the same function the program's check (`rules`) calls.
"""

from __future__ import annotations

import json

from ..errors import DatabaseAccessError
from ..labels import TABLE_LABELS
from .roles import ROLE_LABELS

PREFIX = "zhenggai-refused "

# What a write is, as the checks name it: (words after "不能", who may do it)
FILING, REVIEWING, MANAGING = "本支部的填报人", "该支部的审核人", "管理员"
CHASING, SAMPLING = "本支部的填报人或该支部的审核人", "审核人或管理员"
ACTIONS = {
    "problem.create": ("新增问题", FILING),
    "problem.edit": ("修改问题", FILING),
    "problem.start": ("开始整改", FILING),
    "problem.request_closure": ("申请销号", FILING),
    "problem.set_long_term": ("设为长期坚持", FILING),
    "problem.resume": ("恢复整改", FILING),
    "problem.approve": ("审核通过（销号）", REVIEWING),
    "problem.reject": ("驳回销号申请", REVIEWING),
    "problem.reopen": ("重新整改（回头看）", REVIEWING),
    "problem.void": ("作废问题", REVIEWING),
    "problem.restore": ("恢复作废的问题", REVIEWING),
    "problem.status": ("更改问题状态", REVIEWING),
    "measure.create": ("增加整改措施", FILING),
    "measure.edit": ("修改整改措施", FILING),
    "measure.extend": ("延期", REVIEWING),
    "extension.create": ("延期", REVIEWING),
    "progress.create": ("填写整改进展", FILING),
    "progress.edit": ("修改整改进展", FILING),
    "evidence.create": ("添加佐证材料", FILING),
    "evidence.edit": ("移除佐证材料", FILING),
    "import_source.create": ("导入问题", FILING),
    "import_source.edit": ("修改导入来源", FILING),
    "term.create": ("在名录中新增条目", "填报人或管理员"),
    "term.edit": ("修改名录", MANAGING),
    "setting.edit": ("修改单位信息", MANAGING),
    "branch.edit": ("修改支部名单", MANAGING),
    "member.edit": ("管理成员", MANAGING),
    "report.receive": ("收取支部月报", MANAGING),
    # following the work through (tracker/followup)
    "chase.create": ("记录催办", CHASING),
    "chase.edit": ("修改催办记录", CHASING),
    "extension_request.create": ("申请延期", FILING),
    "extension_request.edit": ("撤回延期申请", FILING),
    "extension_request.decide": ("审批延期申请", REVIEWING),
    "lookback.create": ("安排回头看", REVIEWING),
    "lookback.edit": ("记录回头看", REVIEWING),
    "sample.draw": ("抽查已销号问题", SAMPLING),
    "sample.result": ("记录抽查结果", SAMPLING),
}


class PermissionRefused(DatabaseAccessError):
    """A member's write that their role or branch does not allow (said before it is tried, or
    translated from the database's refusal: the same sentence)."""


def role(name: str, role_code: str, action: str) -> str:
    words, who = ACTIONS[action]
    return f"{name}（{ROLE_LABELS[role_code]}）不能{words}：只有{who}可以办理。"


def branch(name: str, role_code: str, scope: str, code: str, other: str) -> str:
    belongs = f"属于{other}" if other else "没有指定支部"
    return (
        f"{name}（{ROLE_LABELS[role_code]}）只能处理{scope}的问题，问题 {code} {belongs}，"
        "不能修改。"
    )


def same_person(code: str, name: str) -> str:
    return (
        f"问题 {code} 不能审核通过：销号是您（{name}）申请的，多人共用的台账不允许"
        "同一人申请并审核销号，请由其他审核人审核。"
    )


def same_person_extension(code: str, seq: int, name: str) -> str:
    """The words `followup.extensions` gives for the same refusal (`transitions.Duty`)."""
    return (
        f"问题 {code} 措施 {seq} 的延期申请不能批准延期：延期是您（{name}）申请的，"
        "多人共用的台账不允许同一人申请并批准延期，请由其他审批人批准。"
    )


def signed(field: str, name: str, given: str) -> str:
    return f"多人共用的台账上，{field}必须是登录的本人（{name}），不能记为“{given}”。"


def postpone(code: str, seq: int) -> str:
    return (
        f"问题 {code} 第 {seq} 项措施：推迟或取消整改时限须由审核人办理延期，填报人不能直接修改。"
    )


def journal() -> str:
    return "历史记录只能追加，不能修改、删除或清空：数据库拒绝了这次操作。"


def delete(table: str) -> str:
    return (
        f"台账中的{TABLE_LABELS.get(table, table)}不能删除：问题和措施可以作废，佐证材料可以移除，"
        "名录条目可以停用，记录始终保留。"
    )


def no_grant() -> str:
    """A grant the account does not have (said by the database itself, not by our checks)."""
    return (
        "您的账户没有操作台账所需的权限，数据库拒绝了执行。多人共用的台账上，历史记录只能追加，"
        "任何记录都不能删除或清空，角色为“查看”的成员只能查看；其他情况请数据库管理员为该账户"
        "授予台账各表的读写权限。"
    )


def not_member(login: str) -> str:
    return (
        f"账户“{login}”不是本台账的成员，或已被停用，不能修改台账。"
        "请台账的管理员用“user add”添加（或检查登录名是否正确）。"
    )


def actor(name: str, given: str) -> str:
    return f"历史记录的操作人必须是登录账户本人（{name}），不能记为“{given}”。"


def chain() -> str:
    return (
        "历史记录必须接在最后一条之后（编号连续、与前一条的校验值相符，本条的校验值由其内容算出），"
        "数据库拒绝了这条记录。"
    )


def unjournaled(table: str) -> str:
    return (
        f"对台账中{TABLE_LABELS.get(table, table)}的修改没有记入历史记录：每一次修改都必须在同一次"
        "提交中以本人名义追加历史记录，数据库拒绝了只改数据、不留记录的修改。"
    )


def blob() -> str:
    return "佐证材料的内容与它的 SHA-256 不符，数据库拒绝存入。"


def meta(key: str) -> str:
    return f"台账的技术设置“{key}”不能由成员修改。"


def login_taken(login: str) -> str:
    return (
        f"登录名“{login}”已被数据库中的其他账户使用（或是数据库的管理账户），不能作为本台账的成员，"
        "请换一个登录名。"
    )


def self_disable(name: str) -> str:
    return f"{name}不能停用自己的账户：请由其他管理员或数据库所有者停用。"


SENTENCES = {
    "login_taken": login_taken,
    "self_disable": self_disable,
    "role": role,
    "branch": branch,
    "same_person": same_person,
    "same_person_extension": same_person_extension,
    "signed": signed,
    "postpone": postpone,
    "journal": journal,
    "delete": delete,
    "no_grant": no_grant,
    "not_member": not_member,
    "actor": actor,
    "chain": chain,
    "unjournaled": unjournaled,
    "blob": blob,
    "meta": meta,
}


def sentence(rule: str, *args) -> str:
    return SENTENCES[rule](*args)


def refuse(rule: str, *args) -> PermissionRefused:
    return PermissionRefused(sentence(rule, *args))


def from_database(message: str) -> PermissionRefused | None:
    """The refusal a database message carries (`zhenggai-refused [...]`), or None."""
    start = message.find(PREFIX)
    if start < 0:
        return None
    text = message[start + len(PREFIX) :].splitlines()[0]
    try:
        rule, *args = json.loads(text)
        return refuse(rule, *args)
    except (ValueError, TypeError, KeyError):
        return None
