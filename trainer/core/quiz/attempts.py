"""Recording a submitted quiz attempt: the attempt, its answers and its xAPI statements.

Everything is decided first by pure functions (scoring, statement building, validation);
then one SQLite transaction writes the attempt, its answers, its statements into the outbox
and, if the module became complete, the completion and its statement. Both or neither:
a crash or error part-way leaves no attempt without statements and no statement without
its attempt.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Collection, Mapping, Sequence

import sqlite_utils

from trainer.core.curricula.model import Module
from trainer.core.progress import (
    complete_module_if_done,
    get_learner,
    module_names,
    now_utc,
    write_outbox,
    xapi_config,
)
from trainer.core.xapi import AnswerFacts, XapiConfig, attempt_statements, new_statement_id, validate_statement

from .model import Quiz
from .scoring import AttemptScore, score_attempt
from .shuffle import option_order


@dataclass(frozen=True)
class RecordedAttempt:
    id: str
    learner_id: str
    module_id: str
    lang: str
    seed: int
    question_order: tuple[str, ...]
    started_at: datetime
    submitted_at: datetime
    result: AttemptScore
    statements: tuple[dict, ...]  # everything written to the outbox, completion included
    completed_module: bool  # this attempt made the module complete

    @property
    def passed(self) -> bool:
        return self.result.passed


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")


def build_attempt_statements(
    *,
    module: Module,
    quiz: Quiz,
    result: AttemptScore,
    order: Sequence[str],
    seed: int,
    learner_id: str,
    attempt_id: str,
    started_at: datetime,
    submitted_at: datetime,
    config: XapiConfig,
    new_id: Callable[[], str] = new_statement_id,
) -> list[dict]:
    """The attempt's statements, validated. Pure: no database."""
    facts = []
    for qid in order:
        q = quiz.question(qid)
        r = result.result(qid)
        facts.append(
            AnswerFacts(
                question_id=qid,
                text=q.text,
                option_texts=[(oid, q.option(oid).text) for oid in option_order(q, seed, module.shuffle_options)],
                correct_ids=[o.id for o in q.options if o.correct],
                chosen=r.chosen,
                score=float(r.score),
                correct=r.correct,
            )
        )
    statements = attempt_statements(
        config=config,
        learner_id=learner_id,
        module_id=module.id,
        module_version=module.version,
        module_names=module_names(module),
        lang=quiz.lang,
        attempt_id=attempt_id,
        answers=facts,
        score=float(result.score),
        passed=result.passed,
        started_at=started_at,
        submitted_at=submitted_at,
        new_id=new_id,
    )
    for s in statements:
        problems = validate_statement(s)
        if problems:
            raise ValueError(f"invalid xAPI statement ({s['verb']['id']}): " + "; ".join(problems))
    return statements


def _write_attempt(db: sqlite_utils.Database, attempt: dict, answers: list[tuple]) -> None:
    db.conn.execute(
        "INSERT INTO quiz_attempt (id, learner_id, module_id, module_version, lang, seed, question_order, "
        "started_at, submitted_at, score, pass_mark, passed) "
        "VALUES (:id, :learner_id, :module_id, :module_version, :lang, :seed, :question_order, "
        ":started_at, :submitted_at, :score, :pass_mark, :passed)",
        attempt,
    )
    db.conn.executemany(
        "INSERT INTO quiz_attempt_answer (attempt_id, question_id, position, chosen, score, correct) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        answers,
    )


def _write_outbox(db: sqlite_utils.Database, statements: Sequence[dict], now: datetime) -> None:
    write_outbox(db, statements, now)


def record_attempt(
    db: sqlite_utils.Database,
    *,
    module: Module,
    quiz: Quiz,
    answers: Mapping[str, Collection[str]],
    seed: int,
    question_order: Sequence[str],
    started_at: datetime,
    submitted_at: datetime | None = None,
    learner_id: str | None = None,
    attempt_id: str | None = None,
    config: XapiConfig | None = None,
    new_id: Callable[[], str] = new_statement_id,
) -> RecordedAttempt:
    """Score a submitted attempt and record it with all its statements in one transaction."""
    if sorted(question_order) != sorted(quiz.question_ids):
        raise ValueError("question_order must list every question of the quiz exactly once")
    submitted_at = submitted_at or now_utc()
    learner_id = learner_id or get_learner(db).id
    attempt_id = attempt_id or str(uuid.uuid4())
    config = config or xapi_config(db)
    result = score_attempt(quiz, answers, module.pass_mark)
    statements = build_attempt_statements(
        module=module, quiz=quiz, result=result, order=question_order, seed=seed,
        learner_id=learner_id, attempt_id=attempt_id, started_at=started_at,
        submitted_at=submitted_at, config=config, new_id=new_id,
    )
    attempt_row = {
        "id": attempt_id,
        "learner_id": learner_id,
        "module_id": module.id,
        "module_version": module.version,
        "lang": quiz.lang,
        "seed": seed,
        "question_order": json.dumps(list(question_order)),
        "started_at": _iso(started_at),
        "submitted_at": _iso(submitted_at),
        "score": float(result.score),
        "pass_mark": float(result.pass_mark),
        "passed": int(result.passed),
    }
    position = {qid: i for i, qid in enumerate(question_order)}
    answer_rows = [
        (attempt_id, r.question_id, position[r.question_id], json.dumps(list(r.chosen)), float(r.score), int(r.correct))
        for r in result.results
    ]
    with db.atomic():
        _write_attempt(db, attempt_row, answer_rows)
        _write_outbox(db, statements, submitted_at)
        completed = complete_module_if_done(
            db, module, learner_id, lang=quiz.lang, now=submitted_at, attempt_id=attempt_id, config=config
        )
    if completed:
        statements.append(completed)
    return RecordedAttempt(
        id=attempt_id,
        learner_id=learner_id,
        module_id=module.id,
        lang=quiz.lang,
        seed=seed,
        question_order=tuple(question_order),
        started_at=started_at,
        submitted_at=submitted_at,
        result=result,
        statements=tuple(statements),
        completed_module=completed is not None,
    )


@dataclass(frozen=True)
class AttemptSummary:
    id: str
    module_id: str
    lang: str
    seed: int
    question_order: tuple[str, ...]
    started_at: str
    submitted_at: str
    score: float
    passed: bool
    answers: Mapping[str, tuple[str, ...]]  # question id -> chosen option ids


def list_attempts(db: sqlite_utils.Database, module_id: str, learner_id: str | None = None) -> list[AttemptSummary]:
    """A learner's attempts at one module, newest first (for history and review screens)."""
    learner_id = learner_id or get_learner(db).id
    rows = list(
        db.query(
            "SELECT * FROM quiz_attempt WHERE learner_id = ? AND module_id = ? ORDER BY submitted_at DESC, rowid DESC",
            [learner_id, module_id],
        )
    )
    out = []
    for row in rows:
        answers = {
            a["question_id"]: tuple(json.loads(a["chosen"]))
            for a in db.query("SELECT question_id, chosen FROM quiz_attempt_answer WHERE attempt_id = ?", [row["id"]])
        }
        out.append(
            AttemptSummary(
                id=row["id"], module_id=row["module_id"], lang=row["lang"], seed=row["seed"],
                question_order=tuple(json.loads(row["question_order"])), started_at=row["started_at"],
                submitted_at=row["submitted_at"], score=row["score"], passed=bool(row["passed"]),
                answers=answers,
            )
        )
    return out
