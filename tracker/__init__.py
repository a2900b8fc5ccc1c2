"""The ledger as a library (no Qt). Importing it does not load a PostgreSQL driver.

Peewee imports psycopg2 (and psycopg) at its own import whenever one is installed: about 65 ms
of a 300 ms start for a SQLite ledger, which never uses it. So peewee is imported here with those
drivers hidden; `tracker.db.load_postgres_driver` gives peewee psycopg2 when a PostgreSQL URL is
opened.
"""

from __future__ import annotations

import sys

if "peewee" not in sys.modules:
    _hidden = ("psycopg2", "psycopg", "psycopg2cffi")
    _before = {name: sys.modules.get(name) for name in _hidden}
    for _name in _hidden:
        sys.modules[_name] = None  # type: ignore[assignment]  # ImportError for peewee's try
    try:
        import peewee  # noqa: F401
    finally:
        for _name, _module in _before.items():
            if _module is None:
                del sys.modules[_name]
            else:
                sys.modules[_name] = _module
