"""The detail panel for the selected problem: header plus 基本信息/整改措施/整改进展/佐证材料/历史记录."""

from __future__ import annotations

from .panel import DetailPanel

__all__ = ["DetailPanel"]
