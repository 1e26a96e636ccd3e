"""On-device storage: one SQLite database per device, through sqlite-utils."""

from .db import open_db, default_data_dir, MIGRATION_SETS, register_migrations

__all__ = ["open_db", "default_data_dir", "MIGRATION_SETS", "register_migrations"]
