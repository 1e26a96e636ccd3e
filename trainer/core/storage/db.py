"""Opening the device database and applying every versioned migration set.

Each feature owns a named `sqlite_utils.migrations.Migrations` set (core, quiz, screening...)
and registers it here; `open_db` applies them all, in registration order, at start-up.
Migrations only ever add: no migration drops or rewrites data a learner has recorded.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import sqlite_utils
from sqlite_utils.migrations import Migrations

from ..datadir import default_data_dir  # noqa: F401  (re-exported by trainer.core.storage)

MIGRATION_SETS: list[Migrations] = []


def register_migrations(migrations: Migrations) -> Migrations:
    """Add a feature's migration set (idempotent: registering twice is a no-op)."""
    if all(m.name != migrations.name for m in MIGRATION_SETS):
        MIGRATION_SETS.append(migrations)
    return migrations


def _load_feature_migrations() -> None:
    # Importing a feature's migrations module registers its set.
    from . import migrations  # noqa: F401


def open_db(path: Path | str | None = None, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the device database with WAL and foreign keys on."""
    if path is None:
        path = default_data_dir() / "waymark.db"
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        db = sqlite_utils.Database(path)
        db.enable_wal()
    else:
        db = sqlite_utils.Database(memory=True)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    db.execute("PRAGMA synchronous = NORMAL")
    if migrate:
        apply_migrations(db)
    return db


def apply_migrations(db: sqlite_utils.Database) -> None:
    _load_feature_migrations()
    for m in MIGRATION_SETS:
        m.apply(db)
