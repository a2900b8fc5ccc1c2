"""The SQL functions of a shared ledger (`schema.install` creates them): who the session is, the
role check of every write (`zg_guard`, the mirror of `rules.check`, generated from its tables),
the journal's append check, the signing key's reader, members' logins. Split from `schema`,
which installs them with the grants, triggers and policies."""

from __future__ import annotations

from ..journal import GENESIS
from . import blobs, rules
from .roles import ADMIN, REPORTER, REVIEWER, ROLES

JOURNALED_XACTS = "zg_journaled"
SECRETS = "zg_secret"  # the signing key, out of meta: no member has any grant on it
SIGNING_KEY = "signing_key"  # as in exchange.identity (not imported: it loads PyNaCl)
CHANNEL = "zhenggai_journal"

OLD_SCOPE = {  # schema.SCOPE_OF of the row as it was (an UPDATE), in the trigger
    "problem": "zg_scope((o->>'branch_id')::int, o->>'code')",
    "measure": "zg_scope_of((o->>'problem_id')::int)",
    "evidence": "zg_scope_of((o->>'problem_id')::int)",
    "import_source": "zg_scope_of((o->>'problem_id')::int)",
    "extension": "zg_scope_of_measure((o->>'measure_id')::int)",
    "progress": "zg_scope_of_measure((o->>'measure_id')::int)",
    "chase": "zg_scope_of((o->>'problem_id')::int)",
    "chase_measure": "zg_scope_of_measure((o->>'measure_id')::int)",
    "extension_request": "zg_scope_of_measure((o->>'measure_id')::int)",
    "lookback": "zg_scope_of((o->>'problem_id')::int)",
}


def group(prefix: str, role: str | None = None) -> str:
    return f"{prefix}_{role or 'member'}"


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _array(items) -> str:
    return "ARRAY[" + ", ".join(lit(i) for i in sorted(items)) + "]::text[]"


# -- the functions ------------------------------------------------------------------------------
def functions(prefix: str) -> list[str]:
    definer = "SECURITY DEFINER SET search_path = public, pg_temp"
    action_roles = "\n".join(
        f"    WHEN {lit(a)} THEN {_array(roles)}" for a, roles in rules.ACTION_ROLES.items()
    )
    transitions = "\n".join(
        f"    WHEN {lit(old + '>' + new)} THEN {lit(action)}"
        for (old, new), action in sorted(rules.TRANSITION_OF.items())
    )
    free = _array(rules.FREE_COLUMNS)
    status = _array(rules.STATUS_COLUMNS)
    deadline = _array(rules.DEADLINE_COLUMNS)
    decided = _array(rules.DECIDED)
    followup_created = "\n".join(
        f"    IF t = {lit(t)} THEN RETURN ARRAY[{lit(made)}]; END IF;"
        for t, (made, _changed) in rules.FOLLOWUP.items()
    )
    followup_changed = "\n".join(
        f"      IF t = {lit(t)} THEN RETURN ARRAY[{lit(edited)}]; END IF;"
        for t, (_made, edited) in rules.FOLLOWUP.items()
    )
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
{followup_created}
  ELSE
    diff := zg_changed(o, n);
    IF t = 'extension_request' AND o->>'status' IS DISTINCT FROM n->>'status'
       AND n->>'status' = ANY ({decided}) THEN
      RETURN ARRAY['extension_request.decide'];
    END IF;
    IF cardinality(diff) > 0 THEN
{followup_changed}
      IF t = 'sample_item' THEN RETURN ARRAY['sample.result']; END IF;
    END IF;
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
    WHEN 'branch_entry' THEN 'report.receive' WHEN 'sample_draw' THEN 'sample.draw'
    WHEN 'sample_item' THEN 'sample.draw' END];
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
    scoped = ", ".join(lit(t) for t in rules.SCOPED)
    old_scope = "\n".join(
        f"      WHEN {lit(t)} THEN PERFORM {expr};" for t, expr in OLD_SCOPE.items()
    )
    review = _array(rules.REVIEW_TRANSITIONS)
    status = _array(rules.STATUS_COLUMNS)
    signed = "\n".join(
        f"""    IF btrim(coalesce(n->>{lit(c)}, '')) NOT IN ('', me.name)
       AND btrim(coalesce(n->>{lit(c)}, '')) <> btrim(coalesce(o->>{lit(c)}, '')) THEN
      PERFORM zg_refuse('signed', jsonb_build_array({lit(label)}, me.name, n->>{lit(c)}));
    END IF;"""
        for c, label in rules.SIGNED.items()
    )

    def signs(of_problems: bool) -> str:  # rules.SIGNS: the actions one signs in one's own name
        return "\n".join(
            f"""  IF act = {lit(action)}
     AND btrim(coalesce(n->>{lit(c)}, '')) IS DISTINCT FROM me.name THEN
    PERFORM zg_refuse('signed', jsonb_build_array({lit(label)}, me.name, coalesce(n->>{lit(c)}, '')));
  END IF;"""
            for action, (c, label) in rules.SIGNS.items()
            if action.startswith("problem.") == of_problems
        )

    return f"""
CREATE OR REPLACE FUNCTION zg_guard() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
  me member := zg_me(); t text := TG_TABLE_NAME; o jsonb; n jsonb := to_jsonb(NEW);
  acts text[]; act text; code text; seq integer;
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
    END IF;
{signs(True)}
{signed}
  END IF;
{signs(False)}
  IF act = 'extension_request.decide' AND n->>'status' = 'approved'
     AND btrim(coalesce(o->>'requested_by', '')) = me.name THEN
    SELECT p.code, m.seq INTO code, seq FROM measure m JOIN problem p ON p.id = m.problem_id
      WHERE m.id = (o->>'measure_id')::int;
    PERFORM zg_refuse('same_person_extension', jsonb_build_array(code, seq, me.name));
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
