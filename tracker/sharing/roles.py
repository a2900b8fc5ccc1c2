"""Who is who on a shared ledger: the four roles, and the member a login is."""

from __future__ import annotations

from dataclasses import dataclass

ADMIN, REVIEWER, REPORTER, VIEWER = "admin", "reviewer", "reporter", "viewer"
OWNER = "owner"  # the database owner: not a member; sets up, adds members, backs up and restores
ROLES = (ADMIN, REVIEWER, REPORTER, VIEWER)
ROLE_LABELS = {
    ADMIN: "管理员",
    REVIEWER: "审核人",
    REPORTER: "填报人",
    VIEWER: "查看",
    OWNER: "数据库所有者",
}
# what a role is called on the command line and in the GUI (English codes are accepted too)
ROLE_BY_WORD = {
    "管理员": ADMIN,
    "审核人": REVIEWER,
    "填报人": REPORTER,
    "支部书记": REPORTER,
    "查看": VIEWER,
    **{code: code for code in ROLES},
}
ROLE_DUTIES = {
    ADMIN: "管理成员、名录、单位信息和支部名单，生成月报",
    REVIEWER: "审核所负责支部的销号申请（通过、驳回）、延期、重新整改、作废与恢复",
    REPORTER: "录入和修改本支部的问题、措施、进展和佐证材料，申请销号",
    VIEWER: "只能查看",
}
# roles that need a branch (审核人 without one reviews every branch)
BRANCH_REQUIRED = {REPORTER}
BRANCH_ALLOWED = {REPORTER, REVIEWER}


@dataclass(frozen=True)
class Member:
    """The logged-in person of a shared ledger (or its owner, `role == OWNER`)."""

    login: str
    name: str
    role: str
    branch: int | None = None  # the branch id (填报人, 审核人 of one branch)
    branch_name: str = ""

    @property
    def label(self) -> str:
        return ROLE_LABELS[self.role]

    @property
    def scope(self) -> str:
        """The branches this member writes for, in words."""
        if self.role == REVIEWER and self.branch is None:
            return "全部支部"
        return self.branch_name or "（未指定支部）"

    def covers(self, branch: int | None) -> bool:
        """Whether a problem of `branch` is within this member's branches."""
        if self.role == REVIEWER and self.branch is None:
            return True
        return self.branch is not None and branch == self.branch

    def describe(self) -> str:
        """`张三（审核人 · 第一党支部）`: the status bar, the member list."""
        where = f" · {self.scope}" if self.role in BRANCH_ALLOWED else ""
        return f"{self.name}（{self.label}{where}）"
