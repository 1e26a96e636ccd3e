"""Every schema version upgrades to the current one without losing data."""

from __future__ import annotations

import sqlite_utils

from trainer.core.storage import MIGRATION_SETS, open_db
from trainer.core.storage.db import apply_migrations


def schema_of(db: sqlite_utils.Database) -> dict[str, str]:
    return {
        name: sql
        for name, sql in db.execute("select name, sql from sqlite_master where type in ('table','index') and name not like 'sqlite_%' and name != '_sqlite_migrations' order by name")
    }


def all_steps():
    open_db(":memory:")  # import and register every feature's migration set
    for set_index, mset in enumerate(MIGRATION_SETS):
        for migration in mset._migrations:
            yield set_index, mset, migration.name


def test_upgrade_from_every_earlier_version(tmp_path):
    current = schema_of(open_db(tmp_path / "fresh.db"))
    steps = list(all_steps())
    assert steps, "no migrations registered"
    for i, (set_index, mset, name) in enumerate(steps):
        path = tmp_path / f"old-{i}.db"
        db = sqlite_utils.Database(path)
        for earlier in MIGRATION_SETS[:set_index]:
            earlier.apply(db)
        mset.apply(db, stop_before=name)
        # A learner's setting written at that old version survives the upgrade.
        if db["settings"].exists():
            db["settings"].insert({"key": "canary", "value": '"kept"'})
        db.close()
        upgraded = open_db(path)
        assert schema_of(upgraded) == current, f"upgrade from before {mset.name}/{name} differs"
        if upgraded["settings"].count and i > 0:
            assert upgraded.execute("select value from settings where key='canary'").fetchone() == ('"kept"',)


def test_migrations_are_idempotent_and_settings_pragmas(tmp_path):
    db = open_db(tmp_path / "w.db")
    apply_migrations(db)  # second run applies nothing and fails nothing
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.execute("pragma foreign_keys").fetchone()[0] == 1
    applied = db.execute("select count(*) from _sqlite_migrations").fetchone()[0]
    assert applied == sum(len(m._migrations) for m in MIGRATION_SETS)


def test_settings_roundtrip(tmp_path):
    from trainer.core.settings import Settings

    s = Settings(open_db(tmp_path / "w.db"))
    assert s.get("text_scale") == 1.0 and s.get("ui_language") is None
    s.set("ui_language", "ar")
    s.set("text_scale", 1.3)
    assert s.get("ui_language") == "ar" and s.all()["text_scale"] == 1.3
