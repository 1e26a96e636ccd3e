"""Device settings kept in the `settings` table (key/value, JSON-encoded values)."""

from __future__ import annotations

import json
from typing import Any

import sqlite_utils

DEFAULTS: dict[str, Any] = {
    "ui_language": None,  # None until chosen: follows the device locale at first start
    "content_language": None,
    "text_scale": 1.0,
    "audience": "all",
    "theme": "system",  # system | light | dark
}
TEXT_SCALES = (0.9, 1.0, 1.15, 1.3, 1.5)


class Settings:
    def __init__(self, db: sqlite_utils.Database):
        self.db = db

    def get(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("select value from settings where key = ?", [key]).fetchone()
        if row is None:
            return DEFAULTS.get(key, default) if default is None else default
        return json.loads(row[0])

    def set(self, key: str, value: Any) -> None:
        with self.db.atomic():
            self.db["settings"].upsert({"key": key, "value": json.dumps(value)}, pk="key")

    def all(self) -> dict[str, Any]:
        out = dict(DEFAULTS)
        for key, value in self.db.execute("select key, value from settings").fetchall():
            out[key] = json.loads(value)
        return out
