"""Recording attempts: attempt, answers and statements in one transaction, never edited."""

from __future__ import annotations

import json
import sqlite3

import pytest

from trainer.core.progress import get_learner, record_section_read
from trainer.core.quiz import attempts as attempts_mod
from trainer.core.quiz.attempts import list_attempts, record_attempt
from trainer.core.quiz.shuffle import question_order
from trainer.core.storage import open_db
from trainer.core.xapi import VERBS, validate_statement

from tests.unit.quiz_support import SECTION_IDS, T0, all_correct, all_wrong, later, make_module


@pytest.fixture
def db(tmp_path):
    return open_db(tmp_path / "waymark.db")


@pytest.fixture
def module():
    return make_module()


def take(db, module, answers, *, seed=1, lang="en", minutes=3, **kw):
    quiz = module.quizzes[lang]
    return record_attempt(db, module=module, quiz=quiz, answers=answers, seed=seed,
                          question_order=question_order(quiz, seed), started_at=T0,
                          submitted_at=later(minutes), **kw)


def counts(db) -> tuple[int, int, int, int]:
    return tuple(db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                 for t in ("quiz_attempt", "quiz_attempt_answer", "outbox", "module_completion"))


def test_attempt_answers_and_statements_are_written_together(db, module):
    quiz = module.quizzes["en"]
    rec = take(db, module, all_wrong(quiz))
    assert not rec.passed and not rec.completed_module
    assert counts(db) == (1, 5, 7, 0)
    row = db["quiz_attempt"].get(rec.id)
    assert row["learner_id"] == get_learner(db).id and row["seed"] == 1 and row["passed"] == 0
    assert json.loads(row["question_order"]) == list(rec.question_order)
    outbox = list(db.query("SELECT * FROM outbox ORDER BY rowid"))
    assert [r["id"] for r in outbox] == [s["id"] for s in rec.statements]
    for r in outbox:
        stmt = json.loads(r["payload"])
        assert r["status"] == "pending" and r["kind"] == "xapi-statement" and r["attempts"] == 0
        assert stmt["context"]["registration"] == rec.id
        assert validate_statement(stmt) == []
    answers = {a["question_id"]: a for a in db.query("SELECT * FROM quiz_attempt_answer")}
    assert json.loads(answers["q2"]["chosen"]) == ["c"] and answers["q2"]["correct"] == 0


def test_failure_between_attempt_and_outbox_leaves_neither(db, module, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("disk pulled out between attempt and outbox")

    monkeypatch.setattr(attempts_mod, "_write_outbox", boom)
    with pytest.raises(RuntimeError):
        take(db, module, all_correct(module.quizzes["en"]))
    assert counts(db) == (0, 0, 0, 0)


def test_outbox_constraint_failure_rolls_back_the_attempt(db, module):
    """A real database error in the outbox write (duplicate statement id) undoes the attempt."""
    take(db, module, all_wrong(module.quizzes["en"]), new_id=iter(f"00000000-0000-4000-8000-{i:012d}" for i in range(100)).__next__)
    before = counts(db)
    with pytest.raises(sqlite3.IntegrityError):
        take(db, module, all_wrong(module.quizzes["en"]), new_id=iter(f"00000000-0000-4000-8000-{i:012d}" for i in range(100)).__next__)
    assert counts(db) == before


def test_failure_in_completion_rolls_back_attempt_and_outbox(db, module, monkeypatch):
    for sid in SECTION_IDS:
        record_section_read(db, module, sid, lang="en")

    def boom(*args, **kwargs):
        raise RuntimeError("crash while completing")

    monkeypatch.setattr(attempts_mod, "complete_module_if_done", boom)
    with pytest.raises(RuntimeError):
        take(db, module, all_correct(module.quizzes["en"]))
    assert counts(db) == (0, 0, 0, 0)


def test_results_are_never_edited(db, module):
    rec = take(db, module, all_wrong(module.quizzes["en"]))
    with pytest.raises(sqlite3.IntegrityError, match="never edited"):
        db.execute("UPDATE quiz_attempt SET score = 1, passed = 1 WHERE id = ?", [rec.id])
    with pytest.raises(sqlite3.IntegrityError, match="never edited"):
        db.execute("UPDATE quiz_attempt_answer SET correct = 1")
    assert db["quiz_attempt"].get(rec.id)["score"] == 0


def test_passing_after_reading_everything_completes_the_module(db, module):
    for sid in SECTION_IDS:
        record_section_read(db, module, sid, lang="en")
    assert counts(db)[2:] == (0, 0)
    rec = take(db, module, all_correct(module.quizzes["en"]))
    assert rec.passed and rec.completed_module
    assert [s["verb"]["id"] for s in rec.statements][-2:] == [VERBS["passed"], VERBS["completed"]]
    assert counts(db) == (1, 5, 8, 1)
    completion = db["module_completion"].get((get_learner(db).id, module.id))
    assert completion["attempt_id"] == rec.id and completion["statement_id"] == rec.statements[-1]["id"]
    # a second pass does not complete it again
    again = take(db, module, all_correct(module.quizzes["en"]), seed=2)
    assert not again.completed_module and counts(db) == (2, 10, 15, 1)


def test_passing_without_reading_does_not_complete(db, module):
    rec = take(db, module, all_correct(module.quizzes["en"]))
    assert rec.passed and not rec.completed_module and counts(db)[3] == 0


def test_arabic_attempt(db, module):
    rec = take(db, module, all_correct(module.quizzes["ar"]), lang="ar")
    assert rec.lang == "ar" and db["quiz_attempt"].get(rec.id)["lang"] == "ar"
    assert all(json.loads(r["payload"])["context"]["language"] == "ar" for r in db.query("SELECT payload FROM outbox"))


def test_list_attempts_newest_first_with_answers(db, module):
    quiz = module.quizzes["en"]
    first = take(db, module, all_wrong(quiz), minutes=3)
    second = take(db, module, all_correct(quiz), seed=9, minutes=10)
    history = list_attempts(db, module.id)
    assert [a.id for a in history] == [second.id, first.id]
    assert history[0].passed and history[0].seed == 9
    assert history[0].answers["q2"] == ("a", "b", "d")


def test_question_order_must_cover_the_quiz(db, module):
    quiz = module.quizzes["en"]
    with pytest.raises(ValueError):
        record_attempt(db, module=module, quiz=quiz, answers={}, seed=1, question_order=["q1"], started_at=T0)
    assert counts(db) == (0, 0, 0, 0)
