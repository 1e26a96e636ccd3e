"""The device outbox as the sync client sees it: claim, acknowledge, reject, release.

Row life: pending -> sending -> acked | rejected | held (set aside), or back to pending. A row is marked
`sending` before its batch leaves, so an app killed mid-sync leaves evidence; the next run
puts `sending` rows back to `pending` and sends them again. Resending is safe because the
record store keys statements by id. Nothing is ever deleted here: acknowledged rows stay
as the "sent" history, and rejected rows keep their reason for the person to see.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterable

import sqlite_utils

KIND = "xapi-statement"
PENDING, SENDING, ACKED, REJECTED = "pending", "sending", "acked", "rejected"
# Set aside: the server kept failing (5xx) on this one statement alone; kept with the reason
# so the rest of the queue flows, and sent again only when the person asks.
HELD = "held"


def iso(t: datetime) -> str:
    return t.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def recover_interrupted(db: sqlite_utils.Database) -> int:
    """Put rows a killed sync left `sending` back to `pending`; returns how many."""
    with db.atomic():
        cur = db.execute("UPDATE outbox SET status = ? WHERE status = ? AND kind = ?", [PENDING, SENDING, KIND])
    return cur.rowcount


def claim(
    db: sqlite_utils.Database, limit: int, now: datetime, *, force: bool = False, max_delay_seconds: float = 3600
) -> list[tuple[str, str]]:
    """Mark up to `limit` due rows `sending` and return (id, payload) in the order written.

    A row scheduled further ahead than any backoff could have put it was scheduled by a
    clock that has since moved back (a device clock hours off, then corrected): it is due.
    """
    now_s = iso(now)
    horizon = iso(now + timedelta(seconds=max_delay_seconds))
    with db.atomic():
        if force:
            rows = db.execute(
                "SELECT id, payload FROM outbox WHERE status = ? AND kind = ? ORDER BY created_at, rowid LIMIT ?",
                [PENDING, KIND, limit],
            ).fetchall()
        else:
            rows = db.execute(
                "SELECT id, payload FROM outbox WHERE status = ? AND kind = ? AND "
                "(next_attempt_at IS NULL OR next_attempt_at <= ? OR next_attempt_at > ?) "
                "ORDER BY created_at, rowid LIMIT ?",
                [PENDING, KIND, now_s, horizon, limit],
            ).fetchall()
        _set(db, [r[0] for r in rows], "status = ?", [SENDING])
    return [(r[0], r[1]) for r in rows]


def _set(db: sqlite_utils.Database, ids: list[str], assignments: str, values: list, where: str = "") -> None:
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        db.execute(
            f"UPDATE outbox SET {assignments} WHERE id IN ({','.join('?' * len(chunk))}){where}",
            [*values, *chunk],
        )


def acknowledge(db: sqlite_utils.Database, ids: Iterable[str]) -> None:
    """The record store confirmed these ids: only now are they sent."""
    with db.atomic():
        _set(db, list(ids), "status = ?, attempts = attempts + 1, last_error = NULL, next_attempt_at = NULL", [ACKED])


def reject(db: sqlite_utils.Database, reasons: dict[str, str]) -> None:
    """The record store refused these for good; keep why, and stop sending them."""
    with db.atomic():
        for sid, reason in reasons.items():
            db.execute(
                "UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = NULL "
                "WHERE id = ?",
                [REJECTED, reason[:500], sid],
            )


def set_aside(db: sqlite_utils.Database, sid: str, reason: str) -> None:
    """The server failed on this statement alone, repeatedly: keep it aside with the reason."""
    with db.atomic():
        db.execute(
            "UPDATE outbox SET status = ?, attempts = attempts + 1, last_error = ?, next_attempt_at = NULL WHERE id = ?",
            [HELD, reason[:500], sid],
        )


def still_sending(db: sqlite_utils.Database, ids: list[str]) -> list[str]:
    """Those of `ids` still marked `sending` (not acknowledged, refused or set aside)."""
    out: list[str] = []
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        q = f"SELECT id FROM outbox WHERE status = ? AND id IN ({','.join('?' * len(chunk))})"
        out += [r[0] for r in db.execute(q, [SENDING, *chunk])]
    return out


def held_reason(db: sqlite_utils.Database) -> str | None:
    """The reason of the most recent statement set aside."""
    row = db.execute(
        "SELECT last_error FROM outbox WHERE status = ? AND kind = ? ORDER BY created_at DESC LIMIT 1", [HELD, KIND]
    ).fetchone()
    return row[0] if row else None


def release(
    db: sqlite_utils.Database,
    ids: Iterable[str],
    *,
    error: str | None,
    next_attempt_at: datetime | None,
    count_attempt: bool,
) -> None:
    """Back to pending: to be sent again at `next_attempt_at` (None: at the next run)."""
    inc = "attempts + 1" if count_attempt else "attempts"
    with db.atomic():
        _set(
            db,
            list(ids),
            f"status = ?, attempts = {inc}, last_error = ?, next_attempt_at = ?",
            [PENDING, error, iso(next_attempt_at) if next_attempt_at else None],
        )


def resend_rejected(db: sqlite_utils.Database, ids: Iterable[str] | None = None) -> int:
    """Queue rejected and set-aside rows again (after the server or the data was fixed)."""
    with db.atomic():
        if ids is None:
            cur = db.execute(
                "UPDATE outbox SET status = ?, next_attempt_at = NULL WHERE status IN (?, ?) AND kind = ?",
                [PENDING, REJECTED, HELD, KIND],
            )
            return cur.rowcount
        ids = list(ids)
        _set(db, ids, "status = ?, next_attempt_at = NULL", [PENDING], f" AND status = '{REJECTED}'")
        return len(ids)


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    out = {PENDING: 0, SENDING: 0, ACKED: 0, REJECTED: 0}  # and HELD, when there are any
    for status, n in db.execute("SELECT status, COUNT(*) FROM outbox WHERE kind = ? GROUP BY status", [KIND]):
        out[status] = n
    return out


def rejected_rows(db: sqlite_utils.Database, limit: int = 50) -> list[dict]:
    return list(
        db.query(
            "SELECT id, created_at, attempts, last_error FROM outbox WHERE status = ? AND kind = ? "
            "ORDER BY created_at DESC LIMIT ?",
            [REJECTED, KIND, limit],
        )
    )


def earliest_due(db: sqlite_utils.Database) -> str | None:
    row = db.execute(
        "SELECT MIN(COALESCE(next_attempt_at, '')) FROM outbox WHERE status = ? AND kind = ?", [PENDING, KIND]
    ).fetchone()
    return row[0] if row else None
