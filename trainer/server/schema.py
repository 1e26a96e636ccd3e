"""The trainer server's database schema: its own migration set, separate from the device's.

Designed for two readers: the xAPI Statement Resource (lookups by id, filters by agent, verb,
activity, paging in stored order) and the trainer dashboard (who completed what per cohort,
which questions are answered wrong, which devices are silent: `device(cohort_id,
last_sync_at)`; the dashboard keeps its own summary tables). The statement JSON is kept
whole, exactly as stored; the columns beside it (cohort, actor, verb, activity, parent,
registration, language, score, success, response) are extracted once at ingest so no query
has to parse JSON. Every change is a new numbered migration; none is edited once released.
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

server_migrations = Migrations("waymark-server")


@server_migrations()
def m001_enrolment(db):
    db["cohort"].create(
        {"id": int, "name": str, "created_at": str, "archived_at": str},
        pk="id",
        not_null={"name", "created_at"},
    )
    # An enrolment code is typed as XXXX-XXXX-XXXX: the first group finds the row, the
    # rest is a secret kept only as a scrypt hash.
    db["enrolment_code"].create(
        {
            "id": str,
            "cohort_id": int,
            "secret_hash": str,
            "created_at": str,
            "expires_at": str,
            "max_uses": int,
            "uses": int,
            "revoked_at": str,
            "note": str,
        },
        pk="id",
        foreign_keys=[("cohort_id", "cohort", "id")],
        not_null={"cohort_id", "secret_hash", "created_at", "uses"},
        defaults={"uses": 0},
    )
    # One row per enrolled device; `id` is its HTTP Basic user name (the "key").
    # last_sync_at is the server's clock at the device's last accepted batch: a device
    # clock hours off cannot make a silent device look recent.
    db["device"].create(
        {
            "id": str,
            "cohort_id": int,
            "code_id": str,
            "label": str,
            "secret_hash": str,
            "enrolled_at": str,
            "revoked_at": str,
            "last_seen_at": str,
            "last_sync_at": str,
            "statements_received": int,
            "pending_count": int,
            "rejected_count": int,
            "reported_at": str,
            "device_last_sync_at": str,
            "app_version": str,
        },
        pk="id",
        foreign_keys=[("cohort_id", "cohort", "id"), ("code_id", "enrolment_code", "id")],
        not_null={"cohort_id", "secret_hash", "enrolled_at", "statements_received"},
        defaults={"statements_received": 0},
    )
    db["device"].create_index(["cohort_id", "last_sync_at"])


@server_migrations()
def m002_statements(db):
    db.execute(
        """
        CREATE TABLE statement (
            seq INTEGER PRIMARY KEY,          -- stored order; the `more` cursor
            id TEXT NOT NULL UNIQUE,          -- statement id, lower case
            stored TEXT NOT NULL,
            device_id TEXT REFERENCES device(id),
            cohort_id INTEGER REFERENCES cohort(id),
            actor_key TEXT,
            verb_id TEXT NOT NULL,
            object_type TEXT NOT NULL,
            activity_id TEXT,
            object_agent_key TEXT,
            object_statement_id TEXT,
            is_voiding INTEGER NOT NULL DEFAULT 0,
            voided INTEGER NOT NULL DEFAULT 0,
            parent_id TEXT,
            registration TEXT,
            language TEXT,
            timestamp TEXT,                   -- device time, UTC text
            score_scaled REAL,
            success INTEGER,
            completion INTEGER,
            response TEXT,
            statement TEXT NOT NULL           -- full JSON as stored (with stored, authority)
        )
        """
    )
    # Few indexes on purpose: each one costs every insert. The dashboard reads its own
    # summary tables, kept current at ingest, not these.
    for cols in (["actor_key"], ["activity_id"], ["device_id"]):
        db["statement"].create_index(cols)
    db.execute(
        "CREATE INDEX idx_statement_target ON statement(object_statement_id) "
        "WHERE object_statement_id IS NOT NULL"
    )
    # Activities and agents a statement mentions besides its actor and object, for the
    # related_activities / related_agents filters.
    db.execute(
        """
        CREATE TABLE statement_related (
            kind TEXT NOT NULL,               -- activity | agent
            key TEXT NOT NULL,
            seq INTEGER NOT NULL REFERENCES statement(seq),
            PRIMARY KEY (kind, key, seq)
        ) WITHOUT ROWID
        """
    )
    # Learners as seen in statements (actor accounts), for the dashboard's rows.
    db["learner"].create(
        {
            "actor_key": str,
            "account_name": str,
            "display_name": str,
            "cohort_id": int,
            "device_id": str,
            "first_seen_at": str,
            "last_seen_at": str,
        },
        pk="actor_key",
    )
    db["learner"].create_index(["cohort_id"])
    # A resend under a known id with different content is refused (409) and its copy kept
    # here, so a trainer can see what the device tried to send.
    db["statement_conflict"].create(
        {"id": int, "statement_id": str, "received_at": str, "device_id": str, "statement": str},
        pk="id",
    )
    db["statement_conflict"].create_index(["statement_id"])


@server_migrations()
def m003_actor_binding(db):
    # Whose results a device may send: an actor (learner) belongs to the device, and so the
    # cohort, that first sent a statement for it. Another device may not write for it (403),
    # except a device of the same cohort once the first one is revoked (the learner enrolled
    # again). Ingest never changes an actor's cohort. Existing statements bind their actors
    # to the device that sent the first one.
    db.execute(
        """
        CREATE TABLE actor_binding (
            actor_key TEXT PRIMARY KEY,
            device_id TEXT NOT NULL REFERENCES device(id),
            cohort_id INTEGER NOT NULL REFERENCES cohort(id),
            bound_at TEXT NOT NULL
        ) WITHOUT ROWID
        """
    )
    db.execute(
        "INSERT INTO actor_binding (actor_key, device_id, cohort_id, bound_at) "
        "SELECT actor_key, device_id, cohort_id, stored FROM statement WHERE seq IN "
        "(SELECT MIN(seq) FROM statement WHERE actor_key IS NOT NULL AND device_id IS NOT NULL "
        "AND cohort_id IS NOT NULL GROUP BY actor_key)"
    )


@server_migrations()
def m004_throttle(db):
    # Failed guesses (sign-in, enrolment codes) per key, shared by every worker process:
    # see trainer/server/throttle.py. Times are Unix seconds.
    db.execute(
        """
        CREATE TABLE throttle (
            key TEXT PRIMARY KEY,
            failures INTEGER NOT NULL,
            first_at REAL NOT NULL,
            next_at REAL NOT NULL
        ) WITHOUT ROWID
        """
    )
