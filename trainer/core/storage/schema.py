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


@core()
def m002_outbox_acked_at(db):
    # When the record store confirmed a row: acknowledged rows are pruned a number of days
    # after it (trainer/sync/prune.py). The database stamps it whenever a row becomes
    # `acked`, whichever code acknowledges it. Rows acknowledged before this version count
    # from the upgrade, so none disappears earlier than the person was told.
    db["outbox"].add_column("acked_at", str)
    db.execute(
        "UPDATE outbox SET acked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE status = 'acked'"
    )
    db.execute(
        "CREATE TRIGGER outbox_stamp_acked AFTER UPDATE OF status ON outbox "
        "WHEN NEW.status = 'acked' AND OLD.status IS NOT 'acked' "
        "BEGIN UPDATE outbox SET acked_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE rowid = NEW.rowid; END"
    )
    db["outbox"].create_index(["status", "acked_at"])


@core(transactional=False)
def m003_incremental_vacuum(db):
    # Pages freed by pruning go back to the file system (PRAGMA incremental_vacuum after a
    # prune) instead of staying in the file. Switching an existing database needs one VACUUM
    # (a copy of the file; fast at a device's size, and only once).
    if db.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:
        db.execute("PRAGMA auto_vacuum = INCREMENTAL")
        db.execute("VACUUM")
