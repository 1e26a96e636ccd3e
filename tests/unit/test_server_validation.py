"""Statement validation and "same statement" comparison: examples and properties."""

from __future__ import annotations

import copy
import json
import random
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sync_factory import ADL, device_statements
from trainer.server.canonical import body_hash, index_row, utc_text
from trainer.core.xapi_validation import Invalid, agent_key, check_language_tag, check_timestamp, validate_statement

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20,
)

LANGS = ["en", "ar", "fr-FR", "pt-BR", "zh-Hant-TW", "es-419", "x-private"]
iris = st.builds(lambda p: f"https://example.org/{p}", st.text("abcdefghij0123456789-/", min_size=1, max_size=20))
lang_maps = st.dictionaries(st.sampled_from(LANGS), st.text(max_size=30), max_size=3)
uuids = st.uuids().map(str)


@st.composite
def agents(draw):
    kind = draw(st.sampled_from(["account", "mbox", "sha1", "openid"]))
    a: dict = {"objectType": "Agent"} if draw(st.booleans()) else {}
    if kind == "account":
        a["account"] = {"homePage": draw(iris), "name": draw(st.text(min_size=1, max_size=36))}
    elif kind == "mbox":
        a["mbox"] = f"mailto:{draw(st.text('abcxyz', min_size=1, max_size=8))}@example.org"
    elif kind == "sha1":
        a["mbox_sha1sum"] = draw(st.text("0123456789abcdef", min_size=40, max_size=40))
    else:
        a["openid"] = draw(iris)
    if draw(st.booleans()):
        a["name"] = draw(st.text(max_size=20))
    return a


@st.composite
def activities(draw):
    a = {"id": draw(iris)}
    if draw(st.booleans()):
        a["objectType"] = "Activity"
    if draw(st.booleans()):
        d = {"name": draw(lang_maps), "type": draw(iris)}
        if draw(st.booleans()):
            d["interactionType"] = "choice"
            d["choices"] = [{"id": c, "description": draw(lang_maps)} for c in ("a", "b", "c")]
            d["correctResponsesPattern"] = ["a"]
        a["definition"] = d
    return a


@st.composite
def results(draw):
    r: dict = {}
    if draw(st.booleans()):
        lo = draw(st.integers(-10, 10))
        hi = lo + draw(st.integers(1, 20))
        r["score"] = {
            "scaled": draw(st.floats(-1, 1)),
            "min": lo,
            "max": hi,
            "raw": draw(st.integers(lo, hi)),
        }
    for k in ("success", "completion"):
        if draw(st.booleans()):
            r[k] = draw(st.booleans())
    if draw(st.booleans()):
        r["response"] = draw(st.text(max_size=10))
    if draw(st.booleans()):
        r["duration"] = f"PT{draw(st.integers(0, 9999))}S"
    return r


timestamps = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)
).map(lambda t: t.isoformat())


@st.composite
def statements(draw):
    s = {
        "actor": draw(agents()),
        "verb": {"id": ADL + draw(st.sampled_from(["answered", "passed", "failed", "completed"]))},
        "object": draw(activities()),
    }
    if draw(st.booleans()):
        s["id"] = draw(uuids)
    if draw(st.booleans()):
        s["verb"]["display"] = draw(lang_maps)
    if draw(st.booleans()):
        s["result"] = draw(results())
    if draw(st.booleans()):
        s["context"] = {
            "registration": draw(uuids),
            "language": draw(st.sampled_from(LANGS)),
            "contextActivities": {"parent": [draw(activities())], "grouping": draw(activities())},
        }
    if draw(st.booleans()):
        s["timestamp"] = draw(timestamps)
    return s


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements())
def test_valid_statements_pass_and_index(s):
    validate_statement(s)
    row = index_row(s)
    assert row["verb_id"] == s["verb"]["id"]
    assert row["actor_key"] == agent_key(s["actor"])


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_is_either_valid_or_invalid_with_a_reason(v):
    try:
        validate_statement(v)
    except Invalid as e:
        assert e.reason and e.path


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements(), st.data())
def test_any_damage_to_a_valid_statement_is_invalid_with_a_reason_or_still_valid(s, data):
    """Replace one value anywhere in a valid statement with arbitrary JSON: never a crash."""
    paths = []

    def walk(v, path):
        if isinstance(v, dict):
            for k, x in v.items():
                paths.append(path + [k])
                walk(x, path + [k])
        elif isinstance(v, list):
            for i, x in enumerate(v):
                paths.append(path + [i])
                walk(x, path + [i])

    walk(s, [])
    path = data.draw(st.sampled_from(paths))
    target = s
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = data.draw(json_values)
    try:
        validate_statement(s)
        index_row(s)
        body_hash(s)
    except Invalid as e:
        assert e.reason


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements(), st.randoms(use_true_random=False))
def test_same_statement_hash_ignores_key_order_definitions_and_timestamp_form(s, rnd):
    validate_statement(s)
    h = body_hash(s)

    def shuffled(v):
        if isinstance(v, dict):
            items = list(v.items())
            rnd.shuffle(items)
            return {k: shuffled(x) for k, x in items}
        if isinstance(v, list):
            return [shuffled(x) for x in v]
        return v

    assert body_hash(shuffled(s)) == h
    variant = copy.deepcopy(s)
    variant["verb"]["display"] = {"en": "changed"}
    if "definition" in variant["object"]:
        variant["object"]["definition"]["name"] = {"en": "renamed"}
    if "timestamp" in variant:
        t = datetime.fromisoformat(variant["timestamp"]).astimezone(timezone(timedelta(hours=5, minutes=30)))
        variant["timestamp"] = t.isoformat()
    variant["stored"] = "2030-01-01T00:00:00Z"
    variant["authority"] = {"account": {"homePage": "https://x.org", "name": "someone"}}
    assert body_hash(variant) == h


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements())
def test_a_different_result_is_a_different_statement(s):
    changed = copy.deepcopy(s)
    changed["result"] = {**(s.get("result") or {}), "response": (s.get("result") or {}).get("response", "") + "!"}
    assert body_hash(changed) != body_hash(s)


def test_factory_statements_are_valid():
    for s in device_statements(300, learners=3):
        validate_statement(s)


@pytest.mark.parametrize("tag", ["en", "ar", "pt-BR", "zh-Hant-TW", "es-419", "sgn-BE-FR", "x-whatever", "de-CH-1901"])
def test_language_tags_accepted(tag):
    check_language_tag(tag, "t")


@pytest.mark.parametrize("tag", ["", "e", "en_US", "en-", "-en", "toolongtag1", "en--US", 5])
def test_language_tags_refused(tag):
    with pytest.raises(Invalid):
        check_language_tag(tag, "t")


def test_timestamps():
    assert check_timestamp("2025-03-01T09:00:00Z", "t") == datetime(2025, 3, 1, 9, tzinfo=timezone.utc)
    assert utc_text("2025-03-01T12:00:00+03:00") == "2025-03-01T09:00:00.000Z"
    for bad in ("2025-03-01", "2025-13-01T00:00:00Z", "2025-03-01T09:00:00-00:00", "", None):
        with pytest.raises(Invalid):
            check_timestamp(bad, "t")


def test_groups_and_substatements():
    s = device_statements(1)[0]
    group = {"objectType": "Group", "member": [s["actor"]]}
    validate_statement({**s, "actor": group})
    with pytest.raises(Invalid, match="anonymous group"):
        validate_statement({**s, "actor": {"objectType": "Group"}})
    with pytest.raises(Invalid, match="cannot be a group"):
        validate_statement({**s, "actor": {"objectType": "Group", "member": [group]}})
    sub = {"objectType": "SubStatement", "actor": s["actor"], "verb": s["verb"], "object": s["object"]}
    validate_statement({**s, "object": sub, "context": {"language": "en"}})
    with pytest.raises(Invalid, match="another SubStatement"):
        validate_statement({**s, "object": {**sub, "object": sub}, "context": {"language": "en"}})
    with pytest.raises(Invalid, match="only be used when the object is an Activity"):
        validate_statement({**s, "object": sub, "context": {"platform": "x"}})


def test_index_row_for_quiz_statements():
    attempt = device_statements(12)
    answered = attempt[1]
    row = index_row(answered)
    assert row["parent_id"] == attempt[0]["object"]["id"]
    assert row["score_scaled"] in (0.0, 1.0)
    assert row["success"] in (0, 1)
    assert ("activity", attempt[0]["object"]["id"]) in row["related"]
    assert row["timestamp"].endswith("Z")


def test_validation_is_deterministic_on_shuffled_batches():
    batch = device_statements(50)
    random.Random(3).shuffle(batch)
    for s in batch:
        validate_statement(json.loads(json.dumps(s)))


def test_the_quiz_features_statements_pass_the_server_and_the_factory_matches_them():
    """The contract with trainer/core/xapi.py: what the quiz queues, the server accepts; and the
    test factory's statements are valid by the quiz feature's own validator too."""
    from trainer.core import xapi as quiz_xapi

    config = quiz_xapi.XapiConfig()
    t0 = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
    answers = [
        quiz_xapi.AnswerFacts(
            question_id=f"q{i}",
            text="Which three elements make up trafficking?",
            option_texts=[("a", "Act, means, purpose"), ("b", "Border, money, lie")],
            correct_ids=["a"],
            chosen=["a"] if i % 2 else ["b"],
            score=1.0 if i % 2 else 0.0,
            correct=bool(i % 2),
        )
        for i in range(6)
    ]
    built = quiz_xapi.attempt_statements(
        config=config, learner_id=str(uuid.uuid4()), module_id="understanding-trafficking",
        module_version="1.0.0", module_names={"ar": "فهم الاتجار بالبشر", "en": "Understanding trafficking"},
        lang="ar", attempt_id=str(uuid.uuid4()), answers=answers, score=0.5, passed=False,
        started_at=t0, submitted_at=t0 + timedelta(minutes=7),
    )
    built.append(
        quiz_xapi.completion_statement(
            config=config, learner_id=str(uuid.uuid4()), module_id="understanding-trafficking",
            module_version="1.0.0", module_names={"en": "Understanding trafficking"}, lang="en",
            completed_at=t0,
        )
    )
    for s in built:
        validate_statement(json.loads(json.dumps(s)))
        index_row(s)
    for s in device_statements(60, learners=2):
        assert quiz_xapi.validate_statement(s) == []
