"""What travels between a branch and the committee above it: the sealed monthly report.

`identity` (the ledger's stable id and signing key), `content` (what a workbook shows, read
canonically from its XML), `seal` (the machine data a report carries and its signature).
"""
