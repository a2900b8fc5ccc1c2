"""The GUI of following the work through (tracker/followup): 催办, 延期申请, 回头看, 抽查, 复发."""
