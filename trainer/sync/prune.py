"""Keeping device storage small: statements the record store confirmed go after N days.

An `answered` statement carries the question and choice texts, so the outbox is by far the
largest thing on a device (about 17 KiB per quiz attempt). Once the record store has
acknowledged a statement, the device no longer needs it: the attempt itself (quiz_attempt,
its answers, module_completion) is what progress, review and certificates read, and stays.

Only rows in status `acked` whose acknowledgement is older than the retention are deleted.
Rows waiting, being sent, refused or set aside are never touched, whatever their age: the
DELETE names the one status it may remove. The number removed is added to the setting
`sync.pruned_sent`, so "sent" totals stay right after pruning.

Retention: setting `sync.keep_sent_days` (whole days, default 30; 0 prunes at once).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlite_utils

from ..core.settings import Settings
from .outbox import ACKED, KIND, iso

DEFAULT_KEEP_DAYS = 30
KEEP_DAYS_KEY = "sync.keep_sent_days"
PRUNED_KEY = "sync.pruned_sent"


def keep_days(db: sqlite_utils.Database) -> int:
    days = Settings(db).get(KEEP_DAYS_KEY, DEFAULT_KEEP_DAYS)
    return days if isinstance(days, int) and not isinstance(days, bool) and days >= 0 else DEFAULT_KEEP_DAYS


def pruned_count(db: sqlite_utils.Database) -> int:
    n = Settings(db).get(PRUNED_KEY, 0)
    return n if isinstance(n, int) else 0


def prune_acknowledged(db: sqlite_utils.Database, now: datetime, days: int | None = None) -> int:
    """Delete statements acknowledged more than `days` (default: the setting) before `now`.

    Returns how many rows went. Freed pages are returned to the file system when the
    database is in incremental auto-vacuum mode (every database from schema m003 on).
    """
    if days is None:
        days = keep_days(db)
    cutoff = iso(now - timedelta(days=days))
    with db.atomic():
        cur = db.execute(
            "DELETE FROM outbox WHERE status = ? AND kind = ? AND acked_at IS NOT NULL AND acked_at <= ?",
            [ACKED, KIND, cutoff],
        )
        n = cur.rowcount
        if n > 0:
            Settings(db).set(PRUNED_KEY, pruned_count(db) + n)
    if n > 0 and db.execute("PRAGMA auto_vacuum").fetchone()[0] == 2:
        # executescript steps the pragma to the end (execute() would free a single page)
        db.conn.executescript("PRAGMA incremental_vacuum;")
    return n
