"""One ledger for a whole Party committee on PostgreSQL: members and their roles, what each role may
do (checked by the program and enforced by the database), evidence kept in the database, the
bigram search index, and the notifications that keep every member's screen current.

`roles` (who is who), `refusals` (every refusal's sentence, shared by the program's checks and the
database's), `rules` (the program's checks, the mirror of the database's), `schema` (the roles,
grants, row-level security and triggers `init --shared` installs), `members` (the service actions
on members), `identify` (the logged-in member of an open ledger), `blobs` (evidence in the
database), `search` (the bigram index on PostgreSQL), `listen` (LISTEN/NOTIFY), `cli` (`user …`).
"""
