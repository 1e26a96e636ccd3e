"""Reading progress: where the reader resumes, and which sections were read."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class ReadingState:
    module_id: str
    section_id: str | None
    section_index: int
    sections_read: frozenset[str]


def get_reading(db: sqlite_utils.Database, module_id: str) -> ReadingState:
    row = db.execute(
        "select section_id, section_index, sections_read from reading_progress where module_id = ?",
        [module_id],
    ).fetchone()
    if row is None:
        return ReadingState(module_id, None, 0, frozenset())
    return ReadingState(module_id, row[0], row[1] or 0, frozenset(json.loads(row[2] or "[]")))


def record_section_opened(db: sqlite_utils.Database, module_id: str, section_id: str, index: int) -> ReadingState:
    """Remember the section a learner opened: it becomes the resume point and counts as read."""
    with db.atomic():
        current = get_reading(db, module_id)
        read = set(current.sections_read) | {section_id}
        db["reading_progress"].upsert(
            {
                "module_id": module_id,
                "section_id": section_id,
                "section_index": index,
                "sections_read": json.dumps(sorted(read)),
                "updated_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            },
            pk="module_id",
        )
    return ReadingState(module_id, section_id, index, frozenset(read))


def all_reading(db: sqlite_utils.Database) -> dict[str, ReadingState]:
    return {
        r[0]: ReadingState(r[0], r[1], r[2] or 0, frozenset(json.loads(r[3] or "[]")))
        for r in db.execute("select module_id, section_id, section_index, sections_read from reading_progress")
    }
