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

from ..journal import GENESIS
from ..models import ALL_MODELS, JOURNALED, Meta
from . import blobs, rules, search
from .roles import ADMIN, REPORTER, REVIEWER, ROLES, VIEWER

SHARED_KEY = "shared_roles"  # meta: the prefix of this ledger's group roles
JOURNALED_XACTS = "zg_journaled"
SECRETS = "zg_secret"  # the signing key, out of meta: no member has any grant on it
SIGNING_KEY = "signing_key"  # as in exchange.identity (not imported: it loads cryptography)
CHANNEL = "zhenggai_journal"
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
}
OLD_SCOPE = {  # the same, of the row as it was (an UPDATE), in the trigger
    "problem": "zg_scope((o->>'branch_id')::int, o->>'code')",
    "measure": "zg_scope_of((o->>'problem_id')::int)",
    "evidence": "zg_scope_of((o->>'problem_id')::int)",
    "import_source": "zg_scope_of((o->>'problem_id')::int)",
    "extension": "zg_scope_of_measure((o->>'measure_id')::int)",
    "progress": "zg_scope_of_measure((o->>'measure_id')::int)",
}


def prefix_for(database: str) -> str:
    """`zg_<database>`: group roles are the whole server's, so they carry the database's name."""
    clean = re.sub(r"[^a-z0-9_]", "_", database.lower())[:30]
    if clean != database.lower():
        clean += "_" + hashlib.sha256(database.encode()).hexdigest()[:6]
    return f"zg_{clean}"


def group(prefix: str, role: str | None = None) -> str:
    return f"{prefix}_{role or 'member'}"


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


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _array(items) -> str:
    return "ARRAY[" + ", ".join(_lit(i) for i in sorted(items)) + "]::text[]"


# -- the functions ------------------------------------------------------------------------------
def _functions(prefix: str) -> list[str]:
    definer = "SECURITY DEFINER SET search_path = public, pg_temp"
    action_roles = "\n".join(
        f"    WHEN {_lit(a)} THEN {_array(roles)}" for a, roles in rules.ACTION_ROLES.items()
    )
    transitions = "\n".join(
        f"    WHEN {_lit(old + '>' + new)} THEN {_lit(action)}"
        for (old, new), action in sorted(rules.TRANSITION_OF.items())
    )
    free = _array(rules.FREE_COLUMNS)
    status = _array(rules.STATUS_COLUMNS)
    deadline = _array(rules.DEADLINE_COLUMNS)
    groups = _array(group(prefix, r) for r in ROLES)
    return [
        f"""
CREATE OR REPLACE FUNCTION zg_is_owner() RETURNS boolean LANGUAGE sql STABLE {definer} AS $$
  SELECT EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = session_user AND (r.rolsuper OR
    r.oid = (SELECT relowner FROM pg_class WHERE oid = 'public.journal'::regclass)))
$$""",
        f"""
CREATE OR REPLACE FUNCTION zg_me() RETURNS member LANGUAGE sql STABLE {definer} AS $$
  SELECT * FROM member WHERE login = session_user AND active
$$""",
        """
CREATE OR REPLACE FUNCTION zg_refuse(rule text, args jsonb) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = '42501',
    MESSAGE = 'zhenggai-refused ' || (jsonb_build_array(rule) || args)::text;
END $$""",
        f"""
CREATE OR REPLACE FUNCTION zg_branch_name(b integer) RETURNS text LANGUAGE sql STABLE {definer}
AS $$ SELECT coalesce((SELECT name FROM branch WHERE id = b), '') $$""",
        f"""
CREATE OR REPLACE FUNCTION zg_scope(b integer, code text) RETURNS boolean LANGUAGE plpgsql
STABLE {definer} AS $$
DECLARE me member := zg_me();
BEGIN
  IF me.login IS NULL OR me.role NOT IN ('{REPORTER}', '{REVIEWER}') THEN RETURN true; END IF;
  IF (me.role = '{REVIEWER}' AND me.branch_id IS NULL) OR b = me.branch_id THEN
    RETURN true;
  END IF;
  RETURN zg_refuse('branch', jsonb_build_array(me.name, me.role,
    CASE WHEN me.role = '{REVIEWER}' AND me.branch_id IS NULL THEN '全部支部'
         WHEN me.branch_id IS NULL THEN '（未指定支部）' ELSE zg_branch_name(me.branch_id) END,
    coalesce(code, ''), zg_branch_name(b)));
END $$""",
        f"""
CREATE OR REPLACE FUNCTION zg_scope_of(p integer) RETURNS boolean LANGUAGE sql STABLE {definer}
AS $$ SELECT zg_scope(branch_id, code) FROM problem WHERE id = p $$""",
        f"""
CREATE OR REPLACE FUNCTION zg_scope_of_measure(m integer) RETURNS boolean LANGUAGE sql STABLE
{definer} AS $$ SELECT zg_scope_of(problem_id) FROM measure WHERE id = m $$""",
        f"""
CREATE OR REPLACE FUNCTION zg_may_sign() RETURNS boolean LANGUAGE sql STABLE {definer} AS $$
  SELECT zg_is_owner() OR coalesce((zg_me()).role = '{ADMIN}', false)
$$""",
        f"""
CREATE OR REPLACE FUNCTION zg_signing_key() RETURNS text LANGUAGE sql STABLE {definer} AS $$
  SELECT value FROM {SECRETS} WHERE key = '{SIGNING_KEY}' AND zg_may_sign()
$$""",
        f"""
CREATE OR REPLACE FUNCTION zg_action_roles(a text) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE a
{action_roles}
  END
$$""",
        f"""
CREATE OR REPLACE FUNCTION zg_changed(o jsonb, n jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE
AS $$
  SELECT coalesce(array_agg(key), ARRAY[]::text[]) FROM jsonb_each(n)
  WHERE key <> ALL ({free}) AND value IS DISTINCT FROM o->key
$$""",
        f"""
CREATE OR REPLACE FUNCTION zg_actions(t text, op text, o jsonb, n jsonb) RETURNS text[]
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE diff text[];
BEGIN
  IF op = 'INSERT' THEN
    IF t IN ('problem', 'measure', 'extension', 'progress', 'evidence', 'import_source') THEN
      RETURN ARRAY[t || '.create'];
    END IF;
  ELSE
    diff := zg_changed(o, n);
    IF t = 'problem' AND o->>'status' IS DISTINCT FROM n->>'status' THEN
      RETURN ARRAY[CASE (o->>'status') || '>' || (n->>'status')
{transitions}
        ELSE 'problem.status' END];
    END IF;
    IF cardinality(diff) = 0 THEN RETURN ARRAY[]::text[]; END IF;
    IF t = 'problem' THEN
      RETURN ARRAY[CASE WHEN diff && {status} THEN 'problem.status' ELSE 'problem.edit' END];
    END IF;
    IF t = 'measure' THEN
      IF diff <@ {deadline} AND o->>'status' IN ('open', 'long_term')
         AND n->>'status' IN ('open', 'long_term') THEN
        RETURN ARRAY['measure.edit', 'measure.extend'];
      END IF;
      RETURN ARRAY['measure.edit'];
    END IF;
    IF t IN ('extension', 'progress', 'evidence', 'import_source') THEN
      RETURN ARRAY[t || '.edit'];
    END IF;
  END IF;
  IF t IN ('category', 'source', 'department', 'person', 'batch') THEN
    RETURN ARRAY[CASE op WHEN 'INSERT' THEN 'term.create' ELSE 'term.edit' END];
  END IF;
  RETURN ARRAY[CASE t WHEN 'setting' THEN 'setting.edit' WHEN 'branch' THEN 'branch.edit'
    WHEN 'member' THEN 'member.edit' WHEN 'received_report' THEN 'report.receive'
    WHEN 'branch_entry' THEN 'report.receive' END];
END $$""",
        _guard(),
        f"""
CREATE OR REPLACE FUNCTION zg_fixed() RETURNS trigger LANGUAGE plpgsql {definer} AS $$
BEGIN
  IF TG_TABLE_NAME = 'journal' THEN
    PERFORM zg_refuse('journal', '[]'::jsonb);
  END IF;
  PERFORM zg_refuse('delete', jsonb_build_array(TG_TABLE_NAME));
  RETURN NULL;
END $$""",
        f"""
CREATE OR REPLACE FUNCTION zg_journal_append() RETURNS trigger LANGUAGE plpgsql {definer} AS $$
DECLARE me member := zg_me(); last_seq integer; last_hash text;
BEGIN
  IF me.login IS NULL THEN
    IF NOT zg_is_owner() THEN
      PERFORM zg_refuse('not_member', jsonb_build_array(session_user::text));
    END IF;
  ELSIF NEW.actor IS DISTINCT FROM me.name THEN
    PERFORM zg_refuse('actor', jsonb_build_array(me.name, coalesce(NEW.actor, '')));
  END IF;
  IF me.login IS NOT NULL THEN  -- this transaction may now write the journaled tables
    INSERT INTO zg_journaled VALUES (txid_current()) ON CONFLICT DO NOTHING;
  END IF;
  SELECT seq, hash INTO last_seq, last_hash FROM journal ORDER BY seq DESC LIMIT 1;
  IF NEW.seq IS DISTINCT FROM coalesce(last_seq, 0) + 1
     OR NEW.prev_hash IS DISTINCT FROM coalesce(last_hash, '{GENESIS}') THEN
    PERFORM zg_refuse('chain', '[]'::jsonb);
  END IF;
  -- the entry's own hash, as journal.entry_hash writes it (a JSON array, no spaces): an entry
  -- that would break the chain for everyone after it is refused instead of found by verify
  IF NEW.hash IS DISTINCT FROM encode(sha256(convert_to('[' || NEW.seq || ',' || NEW.txn || ','
       || to_json(NEW.at)::text || ',' || to_json(NEW.actor)::text || ','
       || to_json(NEW.action)::text || ',' || coalesce(NEW.problem::text, 'null') || ','
       || to_json(NEW.changes)::text || ',' || to_json(NEW.prev_hash)::text || ']', 'UTF8')),
       'hex') THEN
    PERFORM zg_refuse('chain', '[]'::jsonb);
  END IF;
  RETURN NEW;
END $$""",
        f"""
CREATE OR REPLACE FUNCTION zg_require_journal() RETURNS trigger LANGUAGE plpgsql {definer} AS $$
BEGIN  -- at commit: a member's change of a journaled row came with an entry in their name
  IF TG_OP = 'UPDATE' AND cardinality(zg_changed(to_jsonb(OLD), to_jsonb(NEW))) = 0 THEN
    RETURN NULL;  -- bookkeeping only (version, the nearest deadline)
  END IF;
  IF (zg_me()).login IS NULL
     OR EXISTS (SELECT 1 FROM zg_journaled WHERE xact = txid_current()) THEN
    RETURN NULL;
  END IF;
  PERFORM zg_refuse('unjournaled', jsonb_build_array(TG_TABLE_NAME));
  RETURN NULL;
END $$""",
        f"""
CREATE OR REPLACE FUNCTION zg_journal_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('{CHANNEL}', (SELECT max(seq) FROM added)::text);
  RETURN NULL;
END $$""",
        """
CREATE OR REPLACE FUNCTION zg_blob_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.sha256 IS DISTINCT FROM encode(sha256(NEW.content), 'hex')
     OR NEW.size IS DISTINCT FROM length(NEW.content) THEN
    PERFORM zg_refuse('blob', '[]'::jsonb);
  END IF;
  RETURN NEW;
END $$""",
        f"""
CREATE OR REPLACE FUNCTION zg_login(who text, verifier text, grp text, enable boolean)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp
AS $$
DECLARE caller member; found_role pg_roles; existed boolean; g text;
BEGIN
  IF NOT zg_is_owner() THEN
    caller := zg_me();
    IF caller.login IS NULL THEN
      PERFORM zg_refuse('not_member', jsonb_build_array(session_user::text));
    ELSIF caller.role <> '{ADMIN}' THEN
      PERFORM zg_refuse('role', jsonb_build_array(caller.name, caller.role, 'member.edit'));
    END IF;
  END IF;
  IF grp IS NOT NULL AND grp <> ALL ({groups}) THEN
    RAISE EXCEPTION 'unknown member group %', grp;
  END IF;
  SELECT * INTO found_role FROM pg_roles WHERE rolname = who;
  existed := FOUND;
  IF existed AND (found_role.rolsuper OR found_role.rolcreaterole OR found_role.rolcreatedb
     OR found_role.oid = (SELECT relowner FROM pg_class WHERE oid = 'public.journal'::regclass)
     OR (NOT zg_is_owner() AND NOT pg_has_role(found_role.oid, '{group(prefix)}', 'MEMBER')))
  THEN
    PERFORM zg_refuse('login_taken', jsonb_build_array(who));
  END IF;
  IF enable THEN
    IF NOT existed THEN
      EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', who, verifier);
    ELSIF verifier IS NOT NULL THEN
      EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', who, verifier);
    ELSE
      EXECUTE format('ALTER ROLE %I LOGIN', who);
    END IF;
  ELSIF existed THEN
    EXECUTE format('ALTER ROLE %I NOLOGIN', who);
  END IF;
  FOREACH g IN ARRAY {groups} LOOP
    IF (enable OR existed) AND pg_has_role(who, g, 'MEMBER') AND g IS DISTINCT FROM grp THEN
      EXECUTE format('REVOKE %I FROM %I', g, who);
    END IF;
  END LOOP;
  IF enable THEN
    EXECUTE format('GRANT %I TO %I', grp, who);
    EXECUTE format('GRANT %I TO %I', '{group(prefix)}', who);
  ELSIF existed THEN
    EXECUTE format('REVOKE %I FROM %I', '{group(prefix)}', who);
  END IF;
END $$""",
    ]


def _guard() -> str:
    """The role check of every write to a data table: the mirror of `rules.check`."""
    scoped = ", ".join(_lit(t) for t in rules.SCOPED)
    old_scope = "\n".join(
        f"      WHEN {_lit(t)} THEN PERFORM {expr};" for t, expr in OLD_SCOPE.items()
    )
    review = _array(rules.REVIEW_TRANSITIONS)
    status = _array(rules.STATUS_COLUMNS)
    signed = "\n".join(
        f"""    IF btrim(coalesce(n->>{_lit(c)}, '')) NOT IN ('', me.name)
       AND btrim(coalesce(n->>{_lit(c)}, '')) <> btrim(coalesce(o->>{_lit(c)}, '')) THEN
      PERFORM zg_refuse('signed', jsonb_build_array({_lit(label)}, me.name, n->>{_lit(c)}));
    END IF;"""
        for c, label in rules.SIGNED.items()
    )
    return f"""
CREATE OR REPLACE FUNCTION zg_guard() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  me member := zg_me(); t text := TG_TABLE_NAME; o jsonb; n jsonb := to_jsonb(NEW);
  acts text[]; act text; code text;
BEGIN
  IF me.login IS NULL THEN
    IF zg_is_owner() THEN RETURN NEW; END IF;
    PERFORM zg_refuse('not_member', jsonb_build_array(session_user::text));
  END IF;
  IF TG_OP = 'UPDATE' THEN o := to_jsonb(OLD); END IF;
  IF t = 'meta' THEN  -- a code counter, never another key: not by renaming either
    IF left(n->>'key', {len(rules.COUNTER_PREFIX)}) <> '{rules.COUNTER_PREFIX}' THEN
      PERFORM zg_refuse('meta', jsonb_build_array(n->>'key'));
    END IF;
    IF TG_OP = 'UPDATE' AND left(o->>'key', {len(rules.COUNTER_PREFIX)})
       <> '{rules.COUNTER_PREFIX}' THEN
      PERFORM zg_refuse('meta', jsonb_build_array(o->>'key'));
    END IF;
    IF me.role <> '{REPORTER}' THEN
      PERFORM zg_refuse('role', jsonb_build_array(me.name, me.role, 'problem.create'));
    END IF;
    RETURN NEW;
  END IF;
  IF t = '{blobs.TABLE}' THEN
    IF me.role NOT IN ('{REPORTER}', '{ADMIN}') THEN
      PERFORM zg_refuse('role', jsonb_build_array(me.name, me.role, 'evidence.create'));
    END IF;
    RETURN NEW;
  END IF;
  acts := zg_actions(t, TG_OP, o, n);
  IF acts IS NULL OR cardinality(acts) = 0 THEN RETURN NEW; END IF;
  IF NOT EXISTS (SELECT 1 FROM unnest(acts) a WHERE me.role = ANY (zg_action_roles(a))) THEN
    PERFORM zg_refuse('role', jsonb_build_array(me.name, me.role, acts[1]));
  END IF;
  act := acts[1];
  IF t = 'problem' AND TG_OP = 'UPDATE' THEN
    IF act = ANY ({review}) AND EXISTS (
        SELECT 1 FROM unnest(zg_changed(o, n)) c WHERE c <> ALL ({status})) THEN
      PERFORM zg_refuse('role', jsonb_build_array(me.name, me.role, 'problem.edit'));
    END IF;
    IF act = 'problem.approve' THEN
      IF btrim(coalesce(o->>'applicant', '')) = me.name THEN
        PERFORM zg_refuse('same_person', jsonb_build_array(o->>'code', me.name));
      END IF;
      IF btrim(coalesce(n->>'reviewer', '')) IS DISTINCT FROM me.name THEN
        PERFORM zg_refuse('signed', jsonb_build_array('审核人', me.name,
          coalesce(n->>'reviewer', '')));
      END IF;
    END IF;
    IF act = 'problem.request_closure'
       AND btrim(coalesce(n->>'applicant', '')) IS DISTINCT FROM me.name THEN
      PERFORM zg_refuse('signed', jsonb_build_array('申请人', me.name,
        coalesce(n->>'applicant', '')));
    END IF;
{signed}
  END IF;
  IF t = 'measure' AND TG_OP = 'UPDATE' AND me.role = '{REPORTER}'
     AND o->>'deadline_date' IS NOT NULL
     AND (n->>'deadline_date' IS NULL
          OR (n->>'deadline_date')::date > (o->>'deadline_date')::date) THEN
    SELECT p.code INTO code FROM problem p WHERE p.id = (o->>'problem_id')::int;
    PERFORM zg_refuse('postpone', jsonb_build_array(coalesce(code, ''), (o->>'seq')::int));
  END IF;
  IF TG_OP = 'UPDATE' AND t IN ({scoped}) THEN
    CASE t
{old_scope}
    END CASE;
  END IF;
  RETURN NEW;
END $$"""


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
    for sql in _functions(prefix):
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
    counter = f"left(key, {len(rules.COUNTER_PREFIX)}) = {_lit(rules.COUNTER_PREFIX)}"
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
