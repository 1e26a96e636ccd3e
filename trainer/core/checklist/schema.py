"""Screening tables (migration set "waymark-screening").

Only what the device needs to list and expire screenings is stored in clear: an id, a
generated case reference (never a name), the status and two timestamps. Everything else,
including which instrument and profile were used and every indicator id, is inside `blob`,
encrypted under the officer's PIN-protected key (trainer/core/crypto.py).
"""

from sqlite_utils.migrations import Migrations

from ..storage.db import register_migrations

screening = register_migrations(Migrations("waymark-screening"))


@screening()
def m001_screenings(db):
    db.execute(
        """
        CREATE TABLE screenings (
            id TEXT PRIMARY KEY,
            case_ref TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL DEFAULT 'in-progress'
                CHECK (status IN ('in-progress', 'complete', 'abandoned')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            blob BLOB NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_screenings_updated_at ON screenings (updated_at)")
    # One row: the data key wrapped under the PIN key, the scrypt parameters, and the
    # wrong-PIN counter (persisted so that restarting the app does not reset the delay).
    db.execute(
        """
        CREATE TABLE screening_key (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            n INTEGER NOT NULL,
            r INTEGER NOT NULL,
            p INTEGER NOT NULL,
            salt BLOB NOT NULL,
            wrapped_key BLOB NOT NULL,
            failures INTEGER NOT NULL DEFAULT 0,
            locked_until REAL NOT NULL DEFAULT 0
        )
        """
    )
