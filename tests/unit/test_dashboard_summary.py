"""The summaries kept on ingest: order-independent merging, voiding, and rebuild equivalence."""

from __future__ import annotations

import copy
import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.dashboard_support import L1, UT, key_of, make_seeded, post, seed_statements
from trainer.server.dashboard.summary import (
    DERIVED_TABLES,
    Attempt,
    Fact,
    fact_of,
    merge_attempt,
    parse_activity,
    rebuild,
    summarise_pair,
)
from trainer.server.db import ServerDB
from trainer.server.enrolment import Device
from trainer.server.store import prepare, store


def snapshot(db) -> dict[str, list[tuple]]:
    return {t: sorted(db.execute(f"SELECT * FROM {t}").fetchall(), key=repr) for t in DERIVED_TABLES}


# --- pure rules -----------------------------------------------------------------------------


def test_activity_ids_under_any_base():
    assert parse_activity("https://waymark.invalid/xapi/activities/modules/m1/quiz") == ("m1", None)
    assert parse_activity("https://x.org/a/modules/m1/quiz/questions/q7") == ("m1", "q7")
    assert parse_activity("https://x.org/xapi/modules/m1/quiz/q7") == ("m1", "q7")  # older shape
    assert parse_activity("https://x.org/xapi/modules/m1") == ("m1", None)
    assert parse_activity("https://x.org/screening/indicators/i1") is None
    assert parse_activity(None) is None


def test_statements_that_are_not_quiz_results_give_no_fact():
    row = {"verb_id": "http://adlnet.gov/expapi/verbs/experienced", "actor_key": "k",
           "activity_id": "https://x/modules/m1", "registration": "r"}
    assert fact_of("s", row, 1) is None
    row["verb_id"] = "http://adlnet.gov/expapi/verbs/answered"
    assert fact_of("s", row, 1) is None  # an answer needs a question id
    row["activity_id"] = "https://x/modules/m1/quiz/questions/q1"
    row["registration"] = None
    assert fact_of("s", row, 1) is None  # and an attempt id


facts_strategy = st.lists(
    st.builds(
        Fact,
        kind=st.sampled_from(["attempted", "answered", "result"]),
        statement_id=st.uuids().map(str),
        actor_key=st.just("k"),
        module_id=st.just("m"),
        registration=st.just("r"),
        cohort_id=st.just(1),
        language=st.just("en"),
        at=st.one_of(st.none(), st.datetimes().map(lambda d: d.isoformat() + "Z")),
        passed=st.sampled_from([0, 1]),
        score=st.floats(0, 1),
    ),
    min_size=1,
    max_size=8,
)


@given(facts_strategy, st.randoms(), st.integers(1, 4))
def test_merging_an_attempt_does_not_depend_on_order_or_batches(facts, rnd, parts):
    whole = merge_attempt(None, facts)
    shuffled = list(facts)
    rnd.shuffle(shuffled)
    a = None
    size = max(1, len(shuffled) // parts)
    for start in range(0, len(shuffled), size):
        a = merge_attempt(a, shuffled[start : start + size])
    assert a == whole


attempts_strategy = st.lists(
    st.builds(
        Attempt,
        actor_key=st.just("k"),
        module_id=st.just("m"),
        registration=st.uuids().map(str),
        started_at=st.one_of(st.none(), st.sampled_from(["2026-01-01", "2026-01-02", "2026-01-03"])),
        passed=st.sampled_from([None, 0, 1]),
        score=st.one_of(st.none(), st.floats(0, 1)),
    ),
    max_size=6,
    unique_by=lambda a: a.registration,
)


@given(attempts_strategy, st.randoms())
def test_progress_rules(attempts, rnd):
    p, numbering = summarise_pair(attempts)
    assert p.attempts == len(attempts)
    assert p.passed == (1 if any(a.passed == 1 for a in attempts) else 0)
    assert sorted(n for _, n, _ in numbering) == list(range(1, len(attempts) + 1))
    assert sum(fp for _, _, fp in numbering) == p.passed
    if p.passed:
        assert 1 <= p.attempts_to_pass <= p.attempts
    shuffled = list(attempts)
    rnd.shuffle(shuffled)
    assert summarise_pair(shuffled) == (p, numbering)


# --- through the store -------------------------------------------------------------------------


def test_rebuild_from_statements_gives_the_same_summaries(tmp_path):
    seeded = make_seeded(tmp_path)
    db = seeded.db()
    before = snapshot(db)
    assert before["dash_attempt"] and before["dash_answer"] and before["dash_progress"]
    with db.atomic():
        rebuild(db)
    assert snapshot(db) == before


def test_voiding_a_result_takes_it_back(tmp_path):
    seeded = make_seeded(tmp_path)
    db = seeded.db()
    passed_id = db.execute(
        "SELECT id FROM statement WHERE verb_id LIKE '%/passed' AND actor_key = ? AND activity_id LIKE ?",
        [key_of(L1), f"%/modules/{UT}/quiz"],
    ).fetchone()[0]
    voiding = {
        "id": "cccccccc-0000-4000-8000-000000000001",
        "actor": {"objectType": "Agent", "account": {"homePage": "https://waymark.invalid/learners", "name": L1}},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided", "display": {"en": "voided"}},
        "object": {"objectType": "StatementRef", "id": passed_id},
    }
    with TestClient(seeded.app) as client:
        post(client, seeded.devices["A"], [voiding])
    row = db.execute("SELECT attempts, passed, best_score, first_passed_at FROM dash_progress WHERE actor_key = ? AND module_id = ?",
                     [key_of(L1), UT]).fetchone()
    assert row == (2, 0, 0.333333, None)
    after = snapshot(db)
    with db.atomic():
        rebuild(db)
    assert snapshot(db) == after


def test_a_statement_that_arrives_after_its_voiding_is_not_counted(tmp_path):
    seeded = make_seeded(tmp_path, send=False)
    statements = seed_statements()["B"]  # L3: attempted, 3 answered, passed
    passed = statements[-1]
    voiding = {
        "id": "cccccccc-0000-4000-8000-000000000002",
        "actor": passed["actor"],
        "verb": {"id": "http://adlnet.gov/expapi/verbs/voided"},
        "object": {"objectType": "StatementRef", "id": passed["id"]},
    }
    with TestClient(seeded.app) as client:
        post(client, seeded.devices["B"], [voiding])
        post(client, seeded.devices["B"], statements)
    db = seeded.db()
    assert db.execute("SELECT passed, attempts FROM dash_progress").fetchall() == [(0, 1)]
    assert db.execute("SELECT passed, result_id FROM dash_attempt").fetchall() == [(None, None)]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.randoms(), st.integers(1, 6))
def test_any_order_and_batching_of_uploads_gives_the_same_summaries(tmp_path_factory, rnd, n_batches):
    """Devices resend and sync in pieces; the summaries must not depend on how."""
    statements = seed_statements()["A"]
    path = tmp_path_factory.mktemp("split") / "server.db"
    sdb = ServerDB(path)
    db = sdb.get()
    db.execute("INSERT INTO cohort (id, name, created_at) VALUES (1, 'c', '2026-01-01T00:00:00Z')")
    db.execute("INSERT INTO device (id, cohort_id, secret_hash, enrolled_at, statements_received) "
               "VALUES ('d-1', 1, 'x', '2026-01-01T00:00:00Z', 0)")
    db.conn.commit()
    device = Device("d-1", 1, None)
    shuffled = copy.deepcopy(statements)
    rnd.shuffle(shuffled)
    size = max(1, -(-len(shuffled) // n_batches))
    for start in range(0, len(shuffled), size):
        store(sdb, device, prepare(copy.deepcopy(shuffled[start : start + size])), home_page="https://s/devices")
    # A blind retry of one batch changes nothing.
    store(sdb, device, prepare(copy.deepcopy(shuffled[:size])), home_page="https://s/devices")
    got = snapshot(db)
    with db.atomic():
        rebuild(db)
    assert got == snapshot(db)
    assert json.dumps(got["dash_progress"])  # plain values only
    sdb.close()


@pytest.mark.parametrize("verb", ["answered", "attempted"])
def test_screening_like_statements_never_reach_the_summaries(tmp_path, verb):
    seeded = make_seeded(tmp_path, send=False)
    s = {
        "id": "dddddddd-0000-4000-8000-000000000001",
        "actor": {"objectType": "Agent", "account": {"homePage": "https://waymark.invalid/learners", "name": L1}},
        "verb": {"id": f"http://adlnet.gov/expapi/verbs/{verb}"},
        "object": {"objectType": "Activity", "id": "https://waymark.invalid/screening/indicators/debt"},
        "context": {"registration": "dddddddd-0000-4000-8000-000000000009"},
    }
    with TestClient(seeded.app) as client:
        post(client, seeded.devices["A"], [s])
    db = seeded.db()
    assert all(not rows for rows in snapshot(db).values())


def test_a_device_of_another_cohort_cannot_move_a_learner_and_the_summaries_stay(tmp_path):
    # Issue 14: a learner's cohort never changes through ingest (it was a cross-cohort takeover).
    import base64

    from tests.sync_harness import XAPI

    seeded = make_seeded(tmp_path)
    later = [s for s in seed_statements()["B"]]
    for s in later:  # cohort B's device posts for L1 of cohort A
        s["id"] = "e" + s["id"][1:]
        s["actor"]["account"]["name"] = L1
        s["context"]["registration"] = "eeeeeeee-0001-4000-8000-000000000009"
    db = seeded.db()
    before = snapshot(db)
    key, secret = seeded.devices["B"]
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    with TestClient(seeded.app) as client:
        r = client.post("/xapi/statements", content=json.dumps(later[:1]).encode(),
                        headers={**XAPI, "Authorization": f"Basic {token}"})
    assert r.status_code == 403 and r.json()["statements"][0]["field"] == "actor"
    assert {r[0] for r in db.execute("SELECT cohort_id FROM dash_progress WHERE actor_key = ?", [key_of(L1)])} == {seeded.cohort_a}
    assert snapshot(db) == before
    with db.atomic():
        rebuild(db)
    assert snapshot(db) == before


def test_a_server_that_stored_statements_before_the_dashboard_gets_its_summaries(tmp_path):
    seeded = make_seeded(tmp_path)
    db = seeded.db()
    expected = snapshot(db)
    for table in DERIVED_TABLES:
        db.execute(f"DELETE FROM {table}")
    db.execute("DELETE FROM _sqlite_migrations WHERE migration_set = 'waymark-dashboard' AND name = 'm005_backfill'")
    db.conn.commit()
    db.conn.close()
    assert snapshot(seeded.db()) == expected  # opening the database ran the backfill
