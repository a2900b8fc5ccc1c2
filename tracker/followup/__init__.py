"""Following the work through after the ledger is written: 催办 (chasing owners), 延期申请 (asking
for more time, decided by someone else), 回头看 (looking back after 销号), 抽查 (random spot checks
of closed problems) and problems that come back (复发).

Every action here is a service function like those of `tracker.services`: it validates, writes in
one `recorder.Unit`, is journaled, and returns `Changes`. The facts derived from these records
(look-backs due, pending requests, counts) are defined once in `facts.py`, as Python and as SQL.
"""
