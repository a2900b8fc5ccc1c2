"""Hearing other members' changes as they are committed: LISTEN on the journal's channel.

The journal's statement trigger (`schema`) sends `NOTIFY zhenggai_journal` with the last entry's
number whenever entries are appended; PostgreSQL delivers it when the writing transaction
commits. A `Listener` keeps its own connection (a window's queries must not wait on it), and on
each notification reads the entries it has not seen yet and describes them as a `Changes` — the
same value an action of this window returns, so every screen refreshes itself the usual way.
Notifications may be merged or dropped; reading the journal from the last entry seen never
misses one.
"""

from __future__ import annotations

import json
import select

from ..changes import Changes
from .schema import CHANNEL

DICTIONARIES = {"category", "source", "department", "person", "batch"}


class Listener:
    """`fileno()` for a socket notifier; `poll()` when it is readable; `wait(s)` to block."""

    def __init__(self, location: str) -> None:
        import psycopg2
        from playhouse.db_url import parse

        params = parse(location, unquote_password=True, unquote_user=True)
        params["dbname"] = params.pop("database")
        self.conn = psycopg2.connect(**params)
        self.conn.autocommit = True
        with self.conn.cursor() as cursor:
            cursor.execute(f"LISTEN {CHANNEL}")
            cursor.execute("SELECT coalesce(max(seq), 0) FROM journal")
            self.seen = cursor.fetchone()[0]

    def fileno(self) -> int:
        return self.conn.fileno()

    def poll(self) -> Changes | None:
        """What others changed since the last call, or None when nothing new arrived."""
        self.conn.poll()
        if not self.conn.notifies:
            return None
        payloads = [n.payload for n in self.conn.notifies]
        self.conn.notifies.clear()
        if "0" in payloads:  # a restore replaced everything: read it all again
            return self._everything()
        return self.read()

    def _everything(self) -> Changes:
        with self.conn.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(seq), 0) FROM journal")
            self.seen = cursor.fetchone()[0]
        return Changes(dictionaries=True, settings=True, committee=True, members=True, remote=True)

    def wait(self, seconds: float) -> Changes | None:
        """Block up to `seconds` for a notification (tests, scripts)."""
        if select.select([self.conn], [], [], seconds) == ([], [], []):
            return None
        return self.poll()

    def read(self) -> Changes | None:
        """The journal entries after the last one seen, as Changes (remote)."""
        with self.conn.cursor() as cursor:
            cursor.execute(
                "SELECT seq, problem, changes FROM journal WHERE seq > %s ORDER BY seq",
                (self.seen,),
            )
            rows = cursor.fetchall()
        if not rows:
            return None
        changes = Changes(remote=True)
        for seq, problem, text in rows:
            self.seen = max(self.seen, seq)
            if problem is not None:
                changes.problems.add(problem)
            for change in json.loads(text):
                table = change["t"]
                if table == "measure":
                    changes.measures.add(change["id"])
                elif table in DICTIONARIES:
                    changes.dictionaries = True
                elif table == "setting":
                    changes.settings = True
                elif table in ("branch", "received_report"):
                    changes.committee = True
                elif table == "member":
                    changes.members = True
        return changes

    def close(self) -> None:
        self.conn.close()
