"""Core device schema: settings, learner profile, reading progress and the xAPI outbox."""

from sqlite_utils.migrations import Migrations

from .db import register_migrations

core = register_migrations(Migrations("waymark-core"))


@core()
def m001_initial(db):
    db["settings"].create({"key": str, "value": str}, pk="key")
    db["learner"].create(
        {"id": str, "display_name": str, "cohort": str, "created_at": str}, pk="id"
    )
    db["reading_progress"].create(
        {
            "module_id": str,
            "section_id": str,  # the last section opened: where the reader resumes
            "section_index": int,
            "sections_read": str,  # JSON list of section ids read at least once
            "updated_at": str,
        },
        pk="module_id",
    )
    # Outbox of xAPI statements waiting to be synced. A row is written in the same
    # transaction as the domain record it describes, and removed only after the
    # server acknowledges it (status acked).
    db["outbox"].create(
        {
            "id": str,  # statement id (UUID)
            "kind": str,  # "xapi-statement"
            "payload": str,  # JSON
            "created_at": str,
            "status": str,  # pending | sending | acked | rejected
            "attempts": int,
            "next_attempt_at": str,
            "last_error": str,
        },
        pk="id",
        not_null={"kind", "payload", "created_at", "status"},
        defaults={"status": "pending", "attempts": 0},
    )
    db["outbox"].create_index(["status", "next_attempt_at"])
