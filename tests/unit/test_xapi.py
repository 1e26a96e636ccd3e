"""xAPI statements: everything we build validates; the validator rejects what 1.0.3 forbids."""

from __future__ import annotations

import copy
import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trainer.core.quiz.attempts import build_attempt_statements
from trainer.core.quiz.scoring import score_attempt
from trainer.core.quiz.shuffle import question_order
from trainer.core.xapi import (
    DEFAULT_IRI_BASE,
    VERBS,
    XapiConfig,
    completion_statement,
    is_duration,
    is_language_tag,
    is_timestamp,
    iso_duration,
    iso_timestamp,
    validate_statement,
)

from tests.unit.quiz_support import T0, all_correct, later, make_module

LEARNER = "0b6a5f52-3f63-4a8e-8e0b-6e1e8d1f4c11"
ATTEMPT = "6f1c2a7e-1d2b-4c3a-9e8f-0a1b2c3d4e5f"


def statements_for(answers, lang="en", config=XapiConfig(), seed=7):
    module = make_module()
    quiz = module.quizzes[lang]
    result = score_attempt(quiz, answers, module.pass_mark)
    return build_attempt_statements(
        module=module, quiz=quiz, result=result, order=question_order(quiz, seed), seed=seed,
        learner_id=LEARNER, attempt_id=ATTEMPT, started_at=T0, submitted_at=later(4.5), config=config,
    )


@pytest.fixture(scope="module")
def passed_statements():
    return statements_for(all_correct(make_module().quizzes["en"]))


def test_attempt_produces_attempted_answered_and_passed(passed_statements):
    verbs = [s["verb"]["id"] for s in passed_statements]
    assert verbs == [VERBS["attempted"]] + [VERBS["answered"]] * 5 + [VERBS["passed"]]
    for s in passed_statements:
        assert validate_statement(s) == [], s
        assert uuid.UUID(s["id"]).version == 4
        assert s["actor"] == {"objectType": "Agent", "account": {"homePage": "https://waymark.invalid/learners", "name": LEARNER}}
        assert "mbox" not in json.dumps(s)
        assert s["context"]["registration"] == ATTEMPT and s["context"]["language"] == "en"
        assert datetime.fromisoformat(s["timestamp"]).utcoffset() is not None
        assert s["object"]["id"].startswith(DEFAULT_IRI_BASE)
    assert len({s["id"] for s in passed_statements}) == len(passed_statements)


def test_answered_statement_describes_the_question(passed_statements):
    q2 = next(s for s in passed_statements if s["object"]["id"].endswith("/questions/q2"))
    d = q2["object"]["definition"]
    assert d["interactionType"] == "choice"
    assert d["correctResponsesPattern"] == ["a[,]b[,]d"]
    assert sorted(c["id"] for c in d["choices"]) == ["a", "b", "c", "d"]
    assert d["name"] == {"en": "Which of these are ILO indicators of forced labour?"}
    assert q2["result"]["response"] == "a[,]b[,]d" and q2["result"]["success"] is True
    assert q2["context"]["contextActivities"]["parent"][0]["id"].endswith("/quiz")


def test_final_statement_carries_score_success_and_duration(passed_statements):
    final = passed_statements[-1]
    assert final["result"]["score"] == {"scaled": 1.0, "raw": 5.0, "min": 0.0, "max": 5.0}
    assert final["result"]["success"] is True
    assert final["result"]["duration"] == "PT270.00S"
    assert final["object"]["definition"]["name"] == {"ar": "فهم الاتجار بالبشر", "en": "Understanding trafficking"}


def test_failed_attempt_partial_answers_validate():
    quiz = make_module().quizzes["en"]
    stmts = statements_for({"q2": ["a", "c"], "q3": ["false"]})
    final = stmts[-1]
    assert final["verb"]["id"] == VERBS["failed"] and final["result"]["success"] is False
    assert final["result"]["score"]["scaled"] == 0.0
    unanswered = next(s for s in stmts if s["object"]["id"].endswith("/questions/q1"))
    assert unanswered["result"]["response"] == "" and unanswered["result"]["success"] is False
    assert all(validate_statement(s) == [] for s in stmts)
    assert len(quiz.questions) + 2 == len(stmts)


def test_arabic_attempt_uses_arabic_language_maps():
    stmts = statements_for(all_correct(make_module().quizzes["ar"]), lang="ar")
    q1 = next(s for s in stmts if s["object"]["id"].endswith("/questions/q1"))
    assert list(q1["object"]["definition"]["name"]) == ["ar"]
    assert q1["context"]["language"] == "ar"
    assert all(validate_statement(s) == [] for s in stmts)


def test_configurable_iri_base():
    config = XapiConfig.from_settings({"xapi_iri_base": "https://lrs.example.org/waymark",
                                       "xapi_account_homepage": "https://lrs.example.org"})
    stmts = statements_for(all_correct(make_module().quizzes["en"]), config=config)
    assert stmts[0]["object"]["id"] == "https://lrs.example.org/waymark/modules/understanding-trafficking/quiz"
    assert stmts[0]["actor"]["account"]["homePage"] == "https://lrs.example.org"


@given(st.lists(st.booleans(), min_size=5, max_size=5), st.integers(0, 2**32 - 1))
def test_every_generated_statement_validates(pattern, seed):
    quiz = make_module().quizzes["en"]
    answers = {}
    for q, right in zip(quiz.questions, pattern):
        answers[q.id] = [o.id for o in q.options if o.correct == right][:1 if q.type != "multiple" else None]
    for s in statements_for(answers, seed=seed):
        assert validate_statement(s) == []


def test_completion_statement_validates():
    module = make_module()
    s = completion_statement(config=XapiConfig(), learner_id=LEARNER, module_id=module.id, module_version="1.0.0",
                             module_names={"en": "Understanding trafficking"}, lang="en", completed_at=T0)
    assert validate_statement(s) == []
    assert s["verb"]["id"] == VERBS["completed"] and "registration" not in s["context"]


def test_timestamps_need_a_time_zone():
    with pytest.raises(ValueError):
        iso_timestamp(datetime(2025, 1, 1))
    assert iso_timestamp(datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=3)))) == "2025-01-01T00:00:00.000+03:00"
    assert iso_duration(83.456) == "PT83.46S" and iso_duration(-1) == "PT0.00S"


# -- the validator on its own -------------------------------------------------------------------

MINIMAL = {
    "id": "12345678-1234-4678-9234-567812345678",
    "actor": {"mbox": "mailto:xapi@example.org"},
    "verb": {"id": "http://adlnet.gov/expapi/verbs/created", "display": {"en-US": "created"}},
    "object": {"id": "http://example.org/activity"},
}


def broken(path: str, value, *, delete: bool = False) -> dict:
    s = copy.deepcopy(MINIMAL)
    *parents, last = path.split(".")
    target = s
    for p in parents:
        target = target.setdefault(p, {})
    if delete:
        del target[last]
    else:
        target[last] = value
    return s


def test_minimal_spec_example_is_valid():
    assert validate_statement(MINIMAL) == []


@pytest.mark.parametrize(
    "stmt, fragment",
    [
        (broken("actor", None, delete=True), "actor: is required"),
        (broken("verb", None, delete=True), "verb: is required"),
        (broken("object", None, delete=True), "object: is required"),
        (broken("id", "not-a-uuid"), "id: must be a UUID"),
        (broken("flavour", "x"), "flavour: is not an xAPI property here"),
        (broken("actor.account", {"homePage": "https://x.org", "name": "1"}), "actor: an agent needs exactly one of mbox"),
        (broken("actor", {"name": "nobody"}), "actor: an agent needs exactly one of mbox"),
        (broken("actor.mbox", "someone@example.org"), "actor.mbox: must be a mailto: address"),
        (broken("actor", {"account": {"homePage": "not a url", "name": "1"}}), "actor.account.homePage: must be an absolute IRI"),
        (broken("actor", {"account": {"homePage": "https://x.org"}}), "actor.account: an account needs both homePage and name"),
        (broken("verb.id", "answered"), "verb.id: must be an absolute IRI"),
        (broken("verb.display", {"english!": "x"}), "verb.display.english!: must be an RFC 5646 language tag"),
        (broken("object.objectType", "Thing"), "object.objectType: must be Activity, Agent, Group, StatementRef or SubStatement"),
        (broken("object", {"objectType": "StatementRef", "id": "nope"}), "object.id: must be a UUID"),
        (broken("object", {"objectType": "Agent"}), "object: an agent needs exactly one of mbox"),
        (broken("object.definition", {"interactionType": "essay"}), "object.definition.interactionType: must be one of"),
        (broken("object.definition", {"interactionType": "true-false", "choices": []}), "is not allowed for interactionType"),
        (broken("object.definition", {"interactionType": "choice", "choices": [{"id": "a"}, {"id": "a"}]}), "object.definition.choices[1].id: repeats the id 'a'"),
        (broken("object.definition", {"correctResponsesPattern": ["a"]}), "object.definition.correctResponsesPattern: needs an interactionType"),
        (broken("result", {"score": {"scaled": 1.5}}), "scaled: must be between -1 and 1"),
        (broken("result", {"score": {"raw": 11, "min": 0, "max": 10}}), "result.score.raw: must not be greater than max"),
        (broken("result", {"score": {"raw": -1, "min": 0, "max": 10}}), "result.score.raw: must not be less than min"),
        (broken("result", {"score": {"min": 5, "max": 5}}), "result.score.max: must be greater than min"),
        (broken("result", {"score": {"scaled": True}}), "scaled: must be a number"),
        (broken("result", {"success": "yes"}), "result.success: must be true or false"),
        (broken("result", {"duration": "4 minutes"}), "must be an ISO 8601 duration"),
        (broken("context", {"registration": "x"}), "context.registration: must be a UUID"),
        (broken("context", {"language": "en_GB"}), "context.language: must be an RFC 5646 language tag"),
        (broken("context", {"contextActivities": {"sibling": []}}), "context.contextActivities.sibling: is not an xAPI property here"),
        (broken("context", {"extensions": {"not-an-iri": 1}}), "context.extensions.not-an-iri: must be an absolute IRI"),
        (broken("timestamp", "yesterday"), "timestamp: must be an ISO 8601 date and time"),
        (broken("timestamp", "2025-02-30T10:00:00Z"), "timestamp: must be an ISO 8601 date and time"),
        (broken("version", "2.0.0"), "version: must be an xAPI 1.0.x version"),
        ({**MINIMAL, "object": {"objectType": "Agent", "mbox": "mailto:a@b.org"}, "context": {"platform": "x"}},
         "may only be used when the object is an Activity"),
        ({**MINIMAL, "object": {"objectType": "SubStatement", **{k: MINIMAL[k] for k in ("actor", "verb", "object")}, "id": MINIMAL["id"]}},
         "object.id: is not an xAPI property here"),
    ],
)
def test_validator_rejects(stmt, fragment):
    errors = validate_statement(stmt)
    assert any(fragment in e for e in errors), errors


@pytest.mark.parametrize("itype", [["choice"], {"choice": True}, 3, True])
def test_interaction_type_of_the_wrong_json_kind_is_reported_not_a_crash(itype):
    """Regression: a list or object here used to raise TypeError (unhashable) in the validator."""
    stmt = broken("object.definition", {"interactionType": itype, "choices": [{"id": "a"}]})
    errors = validate_statement(stmt)
    assert len(errors) == 1 and errors[0].startswith("object.definition.interactionType: must be one of "), errors


def test_validator_rejects_non_objects():
    assert validate_statement([]) == ["statement: a statement must be a JSON object, not an array"]


def test_valid_substatement_and_group():
    s = copy.deepcopy(MINIMAL)
    s["object"] = {"objectType": "SubStatement", "actor": {"account": {"homePage": "https://x.org", "name": "1"}},
                   "verb": MINIMAL["verb"], "object": {"id": "http://example.org/a"}}
    s["context"] = {"team": {"objectType": "Group", "member": [{"mbox": "mailto:a@b.org"}]}}
    assert validate_statement(s) == []


@pytest.mark.parametrize("tag", ["en", "ar", "en-US", "zh-Hant-TW", "es-419", "sr-Latn-RS", "de-CH-1901",
                                 "x-private", "en-a-bbb-x-a-ccc", "i-klingon", "sgn-BE-FR"])
def test_language_tags_accepted(tag):
    assert is_language_tag(tag)


@pytest.mark.parametrize("tag", ["", "e", "englishes", "en US", "en_US", "en-", "123", "en-US-", "ar--EG", "toolongtag1"])
def test_language_tags_rejected(tag):
    assert not is_language_tag(tag)


@pytest.mark.parametrize("value, ok", [
    ("2025-03-03T09:30:00.000+00:00", True), ("2025-03-03T09:30:00Z", True), ("2025-03-03T09:30:00.123456+05:30", True),
    ("2025-03-03 09:30:00", False), ("2025-13-03T09:30:00Z", False), ("03/03/2025", False),
])
def test_timestamps(value, ok):
    assert is_timestamp(value) is ok


@pytest.mark.parametrize("value, ok", [
    ("PT4H35M59.14S", True), ("P3Y1M29DT4H35M59.14S", True), ("P3Y", True), ("P4W", True), ("PT0.5S", True),
    ("P", False), ("PT", False), ("P4W1D", False), ("4H", False), ("PT-1S", False),
])
def test_durations(value, ok):
    assert is_duration(value) is ok
