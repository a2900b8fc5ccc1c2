"""What one user action changed: the value every service function returns, and screens refresh from."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Changes:
    problems: set[int] = field(default_factory=set)
    measures: set[int] = field(default_factory=set)
    dictionaries: bool = False
    settings: bool = False
    committee: bool = False  # branches or the reports received from them
    members: bool = False  # a shared ledger's members
    remote: bool = False  # made by another member (announced by the database, not by this window)
    created_id: int | None = None
    warnings: list[str] = field(default_factory=list)
    journal_head: str = ""

    @property
    def anything(self) -> bool:
        return bool(
            self.problems
            or self.measures
            or self.dictionaries
            or self.settings
            or self.committee
            or self.members
        )
