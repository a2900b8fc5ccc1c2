"""The shared ledger in the window: the login dialog, the member's name and role in the status
bar, the 成员 page for 管理员, and other members' changes arriving while the window is open."""
