"""The server database upgrades from every earlier schema version to the current one, and the
issue-14 migrations carry existing data over (actors bound to the device that sent first)."""

from __future__ import annotations

import json

import sqlite_utils

from tests.sync_factory import device_statements
from trainer.server.dashboard.schema import dashboard_migrations
from trainer.server.db import connect, open_server_db
from trainer.server.schema import server_migrations


def schema_of(db: sqlite_utils.Database) -> dict[str, str]:
    return {
        name: sql
        for name, sql in db.execute(
            "select name, sql from sqlite_master where type in ('table','index') and name not like 'sqlite_%' "
            "and name != '_sqlite_migrations' order by name"
        )
    }


def test_upgrade_from_every_earlier_server_version(tmp_path):
    current = schema_of(open_server_db(tmp_path / "fresh.db"))
    for i, migration in enumerate(server_migrations._migrations):
        db = connect(tmp_path / f"old-{i}.db")
        server_migrations.apply(db, stop_before=migration.name)
        db.conn.close()
        upgraded = open_server_db(tmp_path / f"old-{i}.db")
        assert schema_of(upgraded) == current, f"upgrade from before {migration.name} differs"
        upgraded.conn.close()


def test_m003_binds_existing_actors_to_the_device_that_sent_first(tmp_path):
    db = connect(tmp_path / "s.db")
    server_migrations.apply(db, stop_before="m003_actor_binding")
    dashboard_migrations.apply(db)
    db["cohort"].insert_all([{"id": 1, "name": "A", "created_at": "x"}, {"id": 2, "name": "B", "created_at": "x"}])
    db["enrolment_code"].insert({"id": "C0DE", "cohort_id": 1, "secret_hash": "-", "created_at": "x", "uses": 0})
    for dev, cohort in (("d-first", 1), ("d-later", 2)):
        db["device"].insert({"id": dev, "cohort_id": cohort, "code_id": "C0DE", "secret_hash": "-", "enrolled_at": "x",
                             "statements_received": 0})
    s = device_statements(2)
    for seq, (dev, cohort, st) in enumerate((("d-first", 1, s[0]), ("d-later", 2, s[1])), start=1):
        db.execute(
            "INSERT INTO statement (seq, id, stored, device_id, cohort_id, actor_key, verb_id, object_type, statement) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'Activity', ?)",
            [seq, st["id"], f"2025-01-0{seq}T00:00:00Z", dev, cohort, "learner-1", st["verb"]["id"], json.dumps(st)],
        )
    db.conn.commit()
    db.conn.close()
    upgraded = open_server_db(tmp_path / "s.db")
    assert upgraded.execute("SELECT actor_key, device_id, cohort_id FROM actor_binding").fetchall() == [("learner-1", "d-first", 1)]
    assert upgraded.execute("SELECT COUNT(*) FROM throttle").fetchone()[0] == 0
    upgraded.conn.close()
