"""A throwaway PostgreSQL server for tests, started from the installed binaries (skipped if none)."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from pathlib import Path


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """initdb + pg_ctl in a temporary folder, listening on a Unix socket only.

    With `passwords`, every login but `postgres` must give its password (SCRAM), as on a real
    server: a shared ledger's members then log in as they would at work."""

    def __init__(self, root: Path, *, passwords: bool = False) -> None:
        self.root = root
        self.data = root / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self.passwords = passwords

    def _run(self, *cmd: str) -> None:
        if self.as_root:  # initdb refuses to run as root
            cmd = ("runuser", "-u", "postgres", "--", *cmd)
        # no pipes: the server started by pg_ctl would inherit them and keep them open
        subprocess.run(
            cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120
        )

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            shutil.chown(self.root, "postgres")
        self._run(
            find_bin("initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8"
        )
        if self.passwords:
            hba = self.data / "pg_hba.conf"
            hba.write_text("local all postgres trust\nlocal all all scram-sha-256\n")
            if self.as_root:
                shutil.chown(hba, "postgres")
        opts = f"-k {self.root} -p {self.port} -c listen_addresses='' -c fsync=off"
        self._run(
            find_bin("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.root / "server.log"),
            "-o",
            opts,
            "-w",
            "start",
        )

    def stop(self) -> None:
        self._run(find_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")

    def url(self, name: str, user: str = "postgres", password: str | None = None) -> str:
        from urllib.parse import quote

        secret = f":{quote(password, safe='')}" if password else ""
        return f"postgresql://{user}{secret}@/{name}?host={self.root}&port={self.port}"

    def create_database(self, name: str) -> str:
        import psycopg2

        conn = psycopg2.connect(
            host=str(self.root), port=self.port, user="postgres", dbname="postgres"
        )
        conn.autocommit = True
        conn.cursor().execute(f'CREATE DATABASE "{name}"')
        conn.close()
        return f"postgresql://postgres@/{name}?host={self.root}&port={self.port}"


REQUIRED = "ZHENGGAI_REQUIRE_POSTGRES"  # set by CI: a missing server fails instead of skipping


def available() -> bool:
    found = _available()
    if not found and os.environ.get(REQUIRED):
        raise RuntimeError(
            f"{REQUIRED} is set but the PostgreSQL server programs (initdb, pg_ctl), runuser "
            "(as root) or psycopg2 are missing: the shared-ledger tests would only be skipped"
        )
    return found


def _available() -> bool:
    if not (find_bin("initdb") and find_bin("pg_ctl")):
        return False
    if os.geteuid() == 0 and not shutil.which("runuser"):
        return False
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        return False
    return True
