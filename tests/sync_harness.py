"""Shared set-up for the server and sync tests: a server database with an enrolled device,
the app in-process, and helpers to read what the server holds."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path

from trainer.server.app import create_app
from trainer.server.config import ServerConfig
from trainer.server.db import open_server_db
from trainer.server.enrolment import create_code, create_cohort, enrol_device

XAPI = {"X-Experience-API-Version": "1.0.3"}


@dataclass
class ServerSetup:
    config: ServerConfig
    app: object
    db_path: Path
    key: str
    secret: str
    cohort_id: int

    @property
    def auth(self) -> tuple[str, str]:
        return (self.key, self.secret)

    @property
    def basic(self) -> dict:
        token = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        return {"Authorization": f"Basic {token}"}

    def db(self):
        return open_server_db(self.db_path)

    def enrol_another(self) -> tuple[str, str]:
        db = self.db()
        code, _ = create_code(db, self.cohort_id)
        e = enrol_device(db, code)
        db.conn.close()
        return e.device_id, e.secret


def make_server(tmp_path: Path, **config) -> ServerSetup:
    db_path = tmp_path / "server.db"
    cfg = ServerConfig(db_path=db_path, **config)
    app = create_app(cfg)
    db = open_server_db(db_path)
    cohort = create_cohort(db, "Labour inspectors, spring")
    code, _ = create_code(db, cohort["id"])
    e = enrol_device(db, code, label="tablet 1")
    db.conn.close()
    return ServerSetup(cfg, app, db_path, e.device_id, e.secret, cohort["id"])


def stored_ids(db_path: Path) -> list[str]:
    db = open_server_db(db_path)
    try:
        return [r[0] for r in db.execute("SELECT id FROM statement ORDER BY seq")]
    finally:
        db.conn.close()


def snapshot(db_path: Path) -> list[tuple]:
    """Everything the server holds about statements, to prove a refusal changed nothing."""
    db = open_server_db(db_path)
    try:
        return db.execute("SELECT seq, id, stored, voided, statement FROM statement ORDER BY seq").fetchall()
    finally:
        db.conn.close()


def dumps(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def new_code(setup: ServerSetup, **kwargs) -> str:
    db = setup.db()
    try:
        code, _ = create_code(db, setup.cohort_id, **kwargs)
    finally:
        db.conn.close()
    return code
