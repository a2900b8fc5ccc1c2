"""What `init --shared` installs in the database so that the rules hold for plain SQL too.

- Group roles `<prefix>_member` (every member: connect, read) and one per role (`_admin`,
  `_reviewer`, `_reporter`, `_viewer`). Writers get INSERT and UPDATE on the data tables and
  INSERT on the journal; nobody gets DELETE or TRUNCATE; 查看 gets nothing but SELECT.
- Triggers: the journal refuses UPDATE, DELETE and TRUNCATE from anyone (a grant added by mistake
  changes nothing; only the owner's restore switches them off, inside its transaction) and takes
  a new entry only from the member it names, linked to the last entry; data tables refuse DELETE
  and TRUNCATE; every write to a data table is checked against the member's role (`zg_guard`,
  the mirror of `rules.check`).
- Row-level security: a 填报人 or 审核人 writes only rows of their branches (`zg_scope`).
- The signing key is kept out of `meta`, in `zg_secret` (no member has a grant on it), read
  through `zg_signing_key()` (SECURITY DEFINER), which gives it to 管理员 and the owner only.
- `zg_login`: creates, changes or disables a member's login (SECURITY DEFINER: only a 管理员 or
  the owner may call it, and only for logins of this ledger), so no member needs CREATEROLE.
- A member's change of a journaled table must come with a journal entry in the same
  transaction (a deferred constraint trigger, checked at commit): plain SQL cannot change the
  ledger without saying so in the member's own name. The entry's own hash is checked too.
- A statement trigger on the journal sends NOTIFY on `zhenggai_journal` with the last entry.

Every refusal raises SQLSTATE 42501 with `zhenggai-refused ["rule", …]`, which
`refusals.from_database` makes into the sentence the program's own check gives.
"""

from __future__ import annotations

import hashlib
import re

from peewee import Database

from ..models import ALL_MODELS, JOURNALED, Meta
from . import blobs, rules, search
from .functions import CHANNEL, JOURNALED_XACTS, SECRETS, SIGNING_KEY, functions, group, lit
from .roles import ROLES, VIEWER

SHARED_KEY = "shared_roles"  # meta: the prefix of this ledger's group roles
DATA_TABLES = [m._meta.table_name for m in ALL_MODELS if m._meta.table_name != "journal"]
WRITTEN = [t for t in DATA_TABLES if t not in ("branch_entry",)]  # INSERT and UPDATE
APPENDED = ["branch_entry", "journal", blobs.TABLE]  # INSERT only
SCOPE_OF = {  # table -> the policy expression of a written row's branch
    "problem": "zg_scope(branch_id, code)",
    "measure": "zg_scope_of(problem_id)",
    "evidence": "zg_scope_of(problem_id)",
    "import_source": "zg_scope_of(problem_id)",
    "extension": "zg_scope_of_measure(measure_id)",
    "progress": "zg_scope_of_measure(measure_id)",
    "chase": "zg_scope_of(problem_id)",
    "chase_measure": "zg_scope_of_measure(measure_id)",
    "extension_request": "zg_scope_of_measure(measure_id)",
    "lookback": "zg_scope_of(problem_id)",
}


def prefix_for(database: str) -> str:
    """`zg_<database>`: group roles are the whole server's, so they carry the database's name."""
    clean = re.sub(r"[^a-z0-9_]", "_", database.lower())[:30]
    if clean != database.lower():
        clean += "_" + hashlib.sha256(database.encode()).hexdigest()[:6]
    return f"zg_{clean}"


def shared_prefix(db: Database) -> str | None:
    """The group-role prefix of a shared ledger, or None (a file, or a plain PostgreSQL ledger)."""
    from ..db import is_sqlite

    if is_sqlite(db):
        return None
    row = Meta.select(Meta.value).where(Meta.key == SHARED_KEY).bind(db).tuples().first()
    return row[0] if row else None


def require_owner(db: Database, version: int, latest: int) -> None:
    """Members may not change tables: a shared ledger's upgrade waits for its owner."""
    from ..errors import LedgerOpenError

    owner = db.execute_sql(
        "SELECT r.rolsuper OR r.oid = (SELECT relowner FROM pg_class "
        "WHERE oid = 'public.journal'::regclass) FROM pg_roles r WHERE r.rolname = session_user"
    ).fetchone()
    if not (owner and owner[0]):
        raise LedgerOpenError(
            f"台账需要升级结构（版本 {version} → {latest}），只能由数据库所有者进行："
            "请负责服务器的同志用所有者账户运行一次 `python -m tracker --db 地址 verify`，"
            "之后各成员即可照常使用。"
        )


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# -- installing ---------------------------------------------------------------------------------
def install(db: Database, prefix: str, database: str) -> None:
    """Create (or bring up to date) the roles, grants, policies and triggers; inside the owner's
    transaction. Running it again changes nothing that is already right."""
    existing = {r for (r,) in db.execute_sql("SELECT rolname FROM pg_roles").fetchall()}
    for name in [group(prefix), *(group(prefix, r) for r in ROLES)]:
        if name not in existing:
            db.execute_sql(f"CREATE ROLE {_q(name)} NOLOGIN")
    for role in ROLES:
        db.execute_sql(f"GRANT {_q(group(prefix))} TO {_q(group(prefix, role))}")
    # the transactions that appended to the journal (the owner's alone: no member reads or
    # writes it; zg_journal_append fills it, zg_require_journal reads it)
    db.execute_sql(f"CREATE TABLE IF NOT EXISTS {JOURNALED_XACTS} (xact bigint PRIMARY KEY)")
    db.execute_sql(f"REVOKE ALL ON {JOURNALED_XACTS} FROM PUBLIC")
    db.execute_sql(
        f"CREATE TABLE IF NOT EXISTS {SECRETS} (key text PRIMARY KEY, value text NOT NULL)"
    )
    db.execute_sql(f"REVOKE ALL ON {SECRETS} FROM PUBLIC")
    for sql in functions(prefix):
        _run(db, sql)
    keep_key_apart(db)
    member, writers = _q(group(prefix)), [_q(group(prefix, r)) for r in ROLES if r != VIEWER]
    everyone = ", ".join([member, *(_q(group(prefix, r)) for r in ROLES)])
    tables = [*DATA_TABLES, "journal", blobs.TABLE, *search.TABLES]
    statements = [
        f"REVOKE ALL ON DATABASE {_q(database)} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {_q(database)} TO {member}",
        "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {member}",
        f"REVOKE ALL ON {', '.join(tables)} FROM PUBLIC, {everyone}",
        f"GRANT SELECT ON {', '.join(tables)} TO {member}",
        f"GRANT INSERT, UPDATE ON {', '.join([*WRITTEN, *search.TABLES])} TO {', '.join(writers)}",
        f"GRANT INSERT ON {', '.join(APPENDED)} TO {', '.join(writers)}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {', '.join(writers)}",
        "REVOKE ALL ON FUNCTION zg_login(text, text, text, boolean) FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION zg_login(text, text, text, boolean) TO {member}",
        "REVOKE ALL ON FUNCTION zg_signing_key() FROM PUBLIC",
        f"GRANT EXECUTE ON FUNCTION zg_signing_key() TO {member}",
    ]
    for table in DATA_TABLES + [blobs.TABLE]:
        statements += _table_guards(table)
    statements += _journal_guards()
    statements += _policies()
    for sql in statements:
        _run(db, sql)


def _run(db: Database, sql: str) -> None:
    """A statement with no parameters: passed as it is (the driver would read `%I` in a
    function's body as a placeholder)."""
    db.cursor().execute(sql)


def _trigger(
    name: str, table: str, when: str, function: str, *, constraint: bool = False
) -> list[str]:
    kind = "CONSTRAINT TRIGGER" if constraint else "TRIGGER"
    return [
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE {kind} {name} {when} ON {table} {function}",
    ]


def _table_guards(table: str) -> list[str]:
    out = _trigger(
        "zg_no_delete", table, "BEFORE DELETE", "FOR EACH ROW EXECUTE FUNCTION zg_fixed()"
    )
    out += _trigger(
        "zg_no_truncate", table, "BEFORE TRUNCATE", "FOR EACH STATEMENT EXECUTE FUNCTION zg_fixed()"
    )
    out += _trigger(
        "zg_guard", table, "BEFORE INSERT OR UPDATE", "FOR EACH ROW EXECUTE FUNCTION zg_guard()"
    )
    if table in JOURNALED:
        out += _trigger(
            "zg_journal_required",
            table,
            "AFTER INSERT OR UPDATE",
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION zg_require_journal()",
            constraint=True,
        )
    if table == blobs.TABLE:
        out += _trigger(
            "zg_blob_check",
            table,
            "BEFORE INSERT OR UPDATE",
            "FOR EACH ROW EXECUTE FUNCTION zg_blob_check()",
        )
    return out


def _journal_guards() -> list[str]:
    return [
        *_trigger(
            "zg_fixed",
            "journal",
            "BEFORE UPDATE OR DELETE",
            "FOR EACH ROW EXECUTE FUNCTION zg_fixed()",
        ),
        *_trigger(
            "zg_no_truncate",
            "journal",
            "BEFORE TRUNCATE",
            "FOR EACH STATEMENT EXECUTE FUNCTION zg_fixed()",
        ),
        *_trigger(
            "zg_append",
            "journal",
            "BEFORE INSERT",
            "FOR EACH ROW EXECUTE FUNCTION zg_journal_append()",
        ),
        *_trigger(
            "zg_notify",
            "journal",
            "AFTER INSERT",
            "REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION zg_journal_notify()",
        ),
    ]


def _policies() -> list[str]:
    counter = f"left(key, {len(rules.COUNTER_PREFIX)}) = {lit(rules.COUNTER_PREFIX)}"
    out = []
    for table, scope in SCOPE_OF.items():
        out += [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"DROP POLICY IF EXISTS zg_read ON {table}",
            f"DROP POLICY IF EXISTS zg_add ON {table}",
            f"DROP POLICY IF EXISTS zg_change ON {table}",
            f"DROP POLICY IF EXISTS zg_remove ON {table}",
            f"CREATE POLICY zg_read ON {table} FOR SELECT USING (true)",
            # rows stay visible to a DELETE (a grant added by mistake), so that the trigger
            # refuses it aloud instead of the policy making it delete nothing in silence
            f"CREATE POLICY zg_remove ON {table} FOR DELETE USING (true)",
            f"CREATE POLICY zg_add ON {table} FOR INSERT WITH CHECK ({scope})",
            f"CREATE POLICY zg_change ON {table} FOR UPDATE USING (true) WITH CHECK ({scope})",
        ]
    out += [
        "ALTER TABLE meta ENABLE ROW LEVEL SECURITY",
        "DROP POLICY IF EXISTS zg_read ON meta",
        "DROP POLICY IF EXISTS zg_add ON meta",
        "DROP POLICY IF EXISTS zg_change ON meta",
        "DROP POLICY IF EXISTS zg_remove ON meta",
        "CREATE POLICY zg_remove ON meta FOR DELETE USING (true)",
        "CREATE POLICY zg_read ON meta FOR SELECT USING (key <> 'signing_key' OR zg_may_sign())",
        # members write code counters only: an UPDATE that names no column (`SET key = …` with
        # no WHERE) is not filtered by zg_read, so the policy itself keeps other rows out of
        # reach (zg_guard refuses them aloud as well, should this policy ever be dropped)
        f"CREATE POLICY zg_add ON meta FOR INSERT WITH CHECK ({counter})",
        f"CREATE POLICY zg_change ON meta FOR UPDATE USING ({counter}) WITH CHECK ({counter})",
    ]
    return out


def keep_key_apart(db: Database) -> None:
    """Move the signing key out of `meta` (where a new, upgraded or restored ledger has it) into
    the owner's `zg_secret`; the owner's, inside their transaction. A row-level policy on a table
    members write is one mistake away from showing it (one such was found): a table they have
    no grant on, read through `zg_signing_key()` by 管理员 and the owner only, is not."""
    found = Meta.select(Meta.value).where(Meta.key == SIGNING_KEY).bind(db).tuples().first()
    if found is None:
        return
    db.execute_sql(
        f"INSERT INTO {SECRETS} (key, value) VALUES (%s, %s) "
        "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
        (SIGNING_KEY, found[0]),
    )
    db.execute_sql("ALTER TABLE meta DISABLE TRIGGER USER")  # zg_no_delete refuses the owner too
    Meta.delete().where(Meta.key == SIGNING_KEY).execute(db)
    db.execute_sql("ALTER TABLE meta ENABLE TRIGGER USER")


def signing_key(db: Database) -> str | None:
    """The shared ledger's signing key, for 管理员 and the owner; None for anyone else."""
    return db.execute_sql("SELECT zg_signing_key()").fetchone()[0]


def triggers(db: Database, enabled: bool) -> None:
    """Switch this ledger's checking triggers off (the owner's restore, inside its transaction,
    which then holds every table exclusively) or on again."""
    verb = "ENABLE" if enabled else "DISABLE"
    for table in [*DATA_TABLES, "journal", blobs.TABLE]:
        db.execute_sql(f"ALTER TABLE {table} {verb} TRIGGER USER")


def notify(db: Database) -> None:
    """Tell every listening member the ledger changed (after a restore, whose rows the triggers
    did not see)."""
    db.execute_sql(f"NOTIFY {CHANNEL}, '0'")
