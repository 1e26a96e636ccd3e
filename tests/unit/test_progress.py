"""Progress: module state rule, reading-completes-the-module, overall progress, profile."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.core.progress import (
    ModuleState,
    completion_id,
    get_learner,
    module_progress,
    module_state,
    overall_progress,
    record_section_read,
    update_learner,
    xapi_config,
)
from trainer.core.quiz.attempts import record_attempt
from trainer.core.quiz.shuffle import question_order
from trainer.core.settings import Settings
from trainer.core.storage import open_db
from trainer.core.xapi import VERBS, validate_statement

from tests.unit.quiz_support import SECTION_IDS, T0, all_correct, all_wrong, later, make_module


@pytest.fixture
def db():
    return open_db(":memory:")


def take(db, module, answers, seed=1):
    quiz = module.quizzes["en"]
    return record_attempt(db, module=module, quiz=quiz, answers=answers, seed=seed,
                          question_order=question_order(quiz, seed), started_at=T0, submitted_at=later(2))


SECTIONS = ["a", "b", "c"]


@given(st.sets(st.sampled_from(SECTIONS)), st.booleans(), st.booleans())
def test_module_state_rule(read, passed, attempted):
    attempted = attempted or passed
    state = module_state(SECTIONS, read, quiz_passed=passed, attempted=attempted)
    if read == set(SECTIONS) and passed:
        assert state is ModuleState.PASSED
    elif read or attempted:
        assert state is ModuleState.IN_PROGRESS
    else:
        assert state is ModuleState.NOT_STARTED


def test_module_without_quiz_is_complete_when_read():
    assert module_state(SECTIONS, SECTIONS, quiz_passed=False, attempted=False, has_quiz=False) is ModuleState.PASSED
    assert module_state(SECTIONS, ["zzz"], quiz_passed=False, attempted=False) is ModuleState.NOT_STARTED


def test_states_through_a_learners_journey(db):
    module = make_module()
    assert module_progress(db, module).state is ModuleState.NOT_STARTED
    record_section_read(db, module, "intro", lang="en")
    p = module_progress(db, module)
    assert p.state is ModuleState.IN_PROGRESS and p.sections_read == 1 and p.last_section_id == "intro"
    assert p.fraction == pytest.approx(1 / 5)
    take(db, module, all_wrong(module.quizzes["en"]))
    p = module_progress(db, module)
    assert p.attempts == 1 and not p.quiz_passed and p.best_score == 0
    take(db, module, all_correct(module.quizzes["en"]), seed=2)
    p = module_progress(db, module)
    assert p.quiz_passed and p.state is ModuleState.IN_PROGRESS  # not every section read yet
    for sid in SECTION_IDS[1:]:
        record_section_read(db, module, sid, lang="en")
    p = module_progress(db, module)
    assert p.state is ModuleState.PASSED and p.fraction == 1.0 and p.completed_at


def test_reading_the_last_section_after_passing_writes_completed_statement(db):
    module = make_module()
    take(db, module, all_correct(module.quizzes["en"]))
    for sid in SECTION_IDS[:-1]:
        record_section_read(db, module, sid, lang="ar")
    assert db.execute("SELECT count(*) FROM module_completion").fetchone()[0] == 0
    record_section_read(db, module, SECTION_IDS[-1], lang="ar")
    rows = list(db.query("SELECT * FROM module_completion"))
    assert len(rows) == 1 and rows[0]["attempt_id"] is None and rows[0]["lang"] == "ar"
    assert rows[0]["id"] == completion_id(module.id, get_learner(db).id)
    stmt = json.loads(db["outbox"].get(rows[0]["statement_id"])["payload"])
    assert stmt["verb"]["id"] == VERBS["completed"] and stmt["context"]["language"] == "ar"
    assert validate_statement(stmt) == []
    record_section_read(db, module, SECTION_IDS[0], lang="en")  # reading again: nothing new
    assert db.execute("SELECT count(*) FROM module_completion").fetchone()[0] == 1


def test_unknown_section_is_refused(db):
    with pytest.raises(ValueError):
        record_section_read(db, make_module(), "nope", lang="en")


def test_overall_progress(db):
    a, b, c = make_module("a-module"), make_module("b-module"), make_module("c-module")
    for sid in SECTION_IDS:
        record_section_read(db, a, sid, lang="en")
    take(db, a, all_correct(a.quizzes["en"]))
    record_section_read(db, b, "intro", lang="en")
    overall = overall_progress(db, [a, b, c])
    assert [m.state for m in overall.modules] == [ModuleState.PASSED, ModuleState.IN_PROGRESS, ModuleState.NOT_STARTED]
    assert (overall.completed, overall.total) == (1, 3) and overall.fraction == pytest.approx(1 / 3)
    assert overall.module("b-module").sections_read == 1
    assert overall_progress(db, []).fraction == 0.0


def test_learner_profile(db):
    learner = get_learner(db)
    assert uuid.UUID(learner.id).version == 4
    assert learner.display_name is None and learner.cohort is None
    assert get_learner(db) == learner  # created once
    named = update_learner(db, display_name="  Amina  ")
    assert named.display_name == "Amina" and named.id == learner.id
    enrolled = update_learner(db, cohort="Tunis 2025")
    assert enrolled.display_name == "Amina" and enrolled.cohort == "Tunis 2025"
    assert update_learner(db, display_name="").display_name is None


def test_xapi_settings(db):
    assert xapi_config(db).iri_base == "https://waymark.invalid/xapi/activities/"
    Settings(db).set("xapi_iri_base", "https://lrs.example.org/x")
    assert xapi_config(db).quiz_iri("m") == "https://lrs.example.org/x/modules/m/quiz"
