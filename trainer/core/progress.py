"""Reading progress, module state, overall progress and the local learner profile.

A module is complete when every section was read and its quiz passed. Completion is
recorded once (module_completion) together with its xAPI `completed` statement in the
outbox, in the same transaction as whatever made it complete: the last section read, or
the passing attempt. States are computed from the facts (sections read, attempts), not
stored, so they can never disagree with them.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Iterable, Sequence

import sqlite_utils

from trainer.core.curricula.model import Module
from trainer.core.reading import ReadingState, all_reading, get_reading, record_section_opened
from trainer.core.settings import Settings
from trainer.core.xapi import XapiConfig, completion_statement, validate_statement

COMPLETION_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://waymark.invalid/module-completion")
OUTBOX_KIND = "xapi-statement"


def now_utc() -> datetime:
    return datetime.now(timezone.utc)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


# -- learner profile ------------------------------------------------------------------------


@dataclass(frozen=True)
class Learner:
    """No account is needed to learn: a local UUID, an optional name and cohort."""

    id: str
    display_name: str | None
    cohort: str | None
    created_at: str


def _learner_from_row(row: dict) -> Learner:
    return Learner(row["id"], row["display_name"] or None, row["cohort"] or None, row["created_at"])


def get_learner(db: sqlite_utils.Database) -> Learner:
    """The device's learner, created (with a new random UUID) on first use."""
    rows = list(db.query("SELECT * FROM learner ORDER BY created_at, id LIMIT 1"))
    if rows:
        return _learner_from_row(rows[0])
    learner = Learner(str(uuid.uuid4()), None, None, _iso(now_utc()))
    db["learner"].insert(
        {"id": learner.id, "display_name": None, "cohort": None, "created_at": learner.created_at}
    )
    return learner


_UNCHANGED = object()


def update_learner(db: sqlite_utils.Database, *, display_name=_UNCHANGED, cohort=_UNCHANGED) -> Learner:
    """Set (or clear, with None or "") the display name and/or cohort."""
    learner = get_learner(db)
    changes = {}
    if display_name is not _UNCHANGED:
        changes["display_name"] = (display_name or "").strip() or None
    if cohort is not _UNCHANGED:
        changes["cohort"] = (cohort or "").strip() or None
    if changes:
        db["learner"].update(learner.id, changes)
    return get_learner(db)


def xapi_config(db: sqlite_utils.Database) -> XapiConfig:
    """Activity IRI base and account home page from the settings (see trainer.core.xapi)."""
    settings = Settings(db)
    return XapiConfig.from_settings(
        {key: settings.get(key) for key in ("xapi_iri_base", "xapi_account_homepage") if settings.get(key)}
    )


# -- reading progress ------------------------------------------------------------------------
# Where the reader resumes and which sections were read live in trainer.core.reading; this
# adds the one thing reading alone cannot do: complete the module in the same transaction.


def record_section_read(
    db: sqlite_utils.Database,
    module: Module,
    section_id: str,
    *,
    lang: str,
    now: datetime | None = None,
) -> ReadingState:
    """Remember that `section_id` was opened (the reader resumes there) and read.

    If this was the last unread section and the quiz is already passed, the module becomes
    complete here, and its `completed` statement goes to the outbox in the same transaction.
    """
    ids = module.texts[module.source_language].section_ids
    if section_id not in ids:
        raise ValueError(f"module {module.id!r} has no section {section_id!r}")
    learner = get_learner(db)
    with db.atomic():
        state = record_section_opened(db, module.id, section_id, ids.index(section_id))
        complete_module_if_done(db, module, learner.id, lang=lang, now=now or now_utc())
    return state


# -- module state -----------------------------------------------------------------------------


class ModuleState(str, Enum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PASSED = "passed"  # complete: every section read and the quiz passed


def module_state(
    section_ids: Iterable[str],
    sections_read: Iterable[str],
    *,
    quiz_passed: bool,
    attempted: bool,
    has_quiz: bool = True,
) -> ModuleState:
    """Pure rule: complete = every section read AND (no quiz, or the quiz passed)."""
    wanted = set(section_ids)
    read = set(sections_read) & wanted
    if read == wanted and (quiz_passed or not has_quiz):
        return ModuleState.PASSED
    if read or attempted:
        return ModuleState.IN_PROGRESS
    return ModuleState.NOT_STARTED


@dataclass(frozen=True)
class ModuleProgress:
    module_id: str
    state: ModuleState
    sections_read: int
    sections_total: int
    has_quiz: bool
    quiz_passed: bool
    attempts: int
    best_score: float | None
    last_section_id: str | None
    completed_at: str | None  # when first complete (from module_completion)

    @property
    def fraction(self) -> float:
        """Share of the steps done: each section, plus the quiz as one step."""
        steps = self.sections_total + (1 if self.has_quiz else 0)
        done = self.sections_read + (1 if self.has_quiz and self.quiz_passed else 0)
        return done / steps if steps else 0.0


@dataclass(frozen=True)
class OverallProgress:
    modules: tuple[ModuleProgress, ...]

    @property
    def total(self) -> int:
        return len(self.modules)

    @property
    def completed(self) -> int:
        return sum(m.state is ModuleState.PASSED for m in self.modules)

    @property
    def fraction(self) -> float:
        return self.completed / self.total if self.total else 0.0

    def module(self, module_id: str) -> ModuleProgress | None:
        return next((m for m in self.modules if m.module_id == module_id), None)


def _attempt_summary(db: sqlite_utils.Database, learner_id: str) -> dict[str, tuple[int, float, bool]]:
    return {
        r["module_id"]: (r["n"], r["best"], bool(r["passed"]))
        for r in db.query(
            "SELECT module_id, count(*) AS n, max(score) AS best, max(passed) AS passed "
            "FROM quiz_attempt WHERE learner_id = ? GROUP BY module_id",
            [learner_id],
        )
    }


def _completions(db: sqlite_utils.Database, learner_id: str) -> dict[str, dict]:
    return {
        r["module_id"]: r
        for r in db.query("SELECT * FROM module_completion WHERE learner_id = ?", [learner_id])
    }


def _progress_for(module: Module, reading: ReadingState | None, summary, completion) -> ModuleProgress:
    ids = module.texts[module.source_language].section_ids if module.texts else ()
    n, best, passed = summary or (0, None, False)
    read = (reading.sections_read if reading else frozenset()) & set(ids)
    has_quiz = bool(module.quizzes)
    return ModuleProgress(
        module_id=module.id,
        state=module_state(ids, read, quiz_passed=passed, attempted=n > 0, has_quiz=has_quiz),
        sections_read=len(read),
        sections_total=len(ids),
        has_quiz=has_quiz,
        quiz_passed=passed,
        attempts=n,
        best_score=best,
        last_section_id=reading.section_id if reading else None,
        completed_at=completion["completed_at"] if completion else None,
    )


def module_progress(db: sqlite_utils.Database, module: Module, learner_id: str | None = None) -> ModuleProgress:
    learner_id = learner_id or get_learner(db).id
    return _progress_for(
        module,
        get_reading(db, module.id),
        _attempt_summary(db, learner_id).get(module.id),
        _completions(db, learner_id).get(module.id),
    )


def overall_progress(
    db: sqlite_utils.Database, modules: Sequence[Module], learner_id: str | None = None
) -> OverallProgress:
    """Progress over the given modules (e.g. those matching the learner's audience)."""
    learner_id = learner_id or get_learner(db).id
    summary = _attempt_summary(db, learner_id)
    completions = _completions(db, learner_id)
    reading = all_reading(db)
    return OverallProgress(
        tuple(
            _progress_for(m, reading.get(m.id), summary.get(m.id), completions.get(m.id))
            for m in modules
        )
    )


# -- completion -------------------------------------------------------------------------------


def completion_id(module_id: str, learner_id: str) -> str:
    """Deterministic, so one learner's completion of one module is one record everywhere."""
    return str(uuid.uuid5(COMPLETION_NAMESPACE, f"{module_id}:{learner_id}"))


def module_names(module: Module) -> dict[str, str]:
    """The module title in every language it has: an xAPI language map."""
    return {lang: text.title for lang, text in sorted(module.texts.items())}


def write_outbox(db: sqlite_utils.Database, statements: Sequence[dict], now: datetime) -> None:
    """Queue statements for sync. Call inside the transaction that records what they describe."""
    created = _iso(now)
    db.conn.executemany(
        "INSERT INTO outbox (id, kind, payload, created_at, status, attempts) VALUES (?, ?, ?, ?, 'pending', 0)",
        [
            (s["id"], OUTBOX_KIND, json.dumps(s, ensure_ascii=False, separators=(",", ":")), created)
            for s in statements
        ],
    )


def complete_module_if_done(
    db: sqlite_utils.Database,
    module: Module,
    learner_id: str,
    *,
    lang: str,
    now: datetime,
    attempt_id: str | None = None,
    config: XapiConfig | None = None,
) -> dict | None:
    """Record the module's completion (once) if it is now complete; return its statement.

    Must run inside the caller's transaction, after the fact that may complete it was written.
    """
    if db.execute(
        "SELECT 1 FROM module_completion WHERE learner_id = ? AND module_id = ?", [learner_id, module.id]
    ).fetchone():
        return None
    ids = module.texts[module.source_language].section_ids
    read = get_reading(db, module.id).sections_read
    passed = bool(
        db.execute(
            "SELECT 1 FROM quiz_attempt WHERE learner_id = ? AND module_id = ? AND passed = 1 LIMIT 1",
            [learner_id, module.id],
        ).fetchone()
    )
    if module_state(ids, read, quiz_passed=passed, attempted=passed, has_quiz=bool(module.quizzes)) is not ModuleState.PASSED:
        return None
    statement = completion_statement(
        config=config or xapi_config(db),
        learner_id=learner_id,
        module_id=module.id,
        module_version=module.version,
        module_names=module_names(module),
        lang=lang,
        completed_at=now,
        attempt_id=attempt_id,
    )
    problems = validate_statement(statement)
    if problems:
        raise ValueError("invalid completed statement: " + "; ".join(problems))
    db.conn.execute(
        "INSERT INTO module_completion (learner_id, module_id, id, module_version, lang, completed_at, "
        "attempt_id, statement_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [learner_id, module.id, completion_id(module.id, learner_id), module.version, lang, _iso(now),
         attempt_id, statement["id"]],
    )
    write_outbox(db, [statement], now)
    return statement
