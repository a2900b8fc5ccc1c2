"""A password as PostgreSQL stores it (SCRAM-SHA-256), made here so the password itself is never
sent to the server: `CREATE ROLE … PASSWORD 'SCRAM-SHA-256$…'` is taken as already hashed, and a
statement the server logs shows the hash only (RFC 5802 / 7677; the server's own format)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata

ITERATIONS = 4096  # the server's default (scram_iterations)


def verifier(password: str, *, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    salt = salt if salt is not None else os.urandom(16)
    # SASLprep, as the server applies it: for ordinary passwords it is NFKC normalization
    normalized = unicodedata.normalize("NFKC", password).encode("utf-8")
    salted = hashlib.pbkdf2_hmac("sha256", normalized, salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"
