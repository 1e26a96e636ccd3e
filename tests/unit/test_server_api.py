"""The xAPI Statement Resource, enrolment and device reports, through HTTP (in-process)."""

from __future__ import annotations

import copy
import gzip
import json
import uuid

import pytest
from fastapi.testclient import TestClient

from tests.sync_factory import ADL, device_statements
from tests.sync_harness import XAPI, dumps, make_server, snapshot, stored_ids
from trainer.server.enrolment import revoke_device


@pytest.fixture()
def srv(tmp_path):
    return make_server(tmp_path)


@pytest.fixture()
def client(srv):
    with TestClient(srv.app) as c:
        yield c


def post(client, srv, body, headers=None, auth=None):
    return client.post(
        "/xapi/statements",
        content=body if isinstance(body, bytes) else dumps(body),
        headers={**XAPI, "Content-Type": "application/json", **(headers or {})},
        auth=auth or srv.auth,
    )


# --- about and headers -------------------------------------------------------------------


def test_about_is_public_and_names_versions_and_limits(client, srv):
    r = client.get("/xapi/about")
    assert r.status_code == 200
    assert "1.0.3" in r.json()["version"]
    assert r.headers["X-Experience-API-Version"] == "1.0.3"
    ext = r.json()["extensions"]
    assert any(k.endswith("max-batch") and v == srv.config.max_batch for k, v in ext.items())


def test_missing_version_header_is_a_clear_400_and_stores_nothing(client, srv):
    r = client.post("/xapi/statements", json=device_statements(3), auth=srv.auth)
    assert r.status_code == 400
    assert "X-Experience-API-Version" in r.json()["error"]
    assert stored_ids(srv.db_path) == []


def test_unsupported_version_header_is_refused(client, srv):
    r = post(client, srv, device_statements(1), headers={"X-Experience-API-Version": "2.0.0"})
    assert r.status_code == 400
    assert "2.0.0" in r.json()["error"]


# --- auth ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "auth_header",
    [None, "Bearer abc", "Basic !!!notbase64", "Basic " + "dXNlcm9ubHk="],  # last: "useronly", no colon
)
def test_missing_or_malformed_credentials_are_401(client, srv, auth_header):
    headers = {**XAPI, "Content-Type": "application/json"}
    if auth_header:
        headers["Authorization"] = auth_header
    r = client.post("/xapi/statements", content=dumps(device_statements(1)), headers=headers)
    assert r.status_code == 401
    assert r.headers["WWW-Authenticate"].startswith("Basic")
    assert stored_ids(srv.db_path) == []


def test_wrong_secret_and_unknown_device_are_401(client, srv):
    assert post(client, srv, device_statements(1), auth=(srv.key, "wrong")).status_code == 401
    assert post(client, srv, device_statements(1), auth=("d-unknown", srv.secret)).status_code == 401
    assert stored_ids(srv.db_path) == []


def test_revoked_device_is_cut_off_at_once(client, srv):
    assert post(client, srv, device_statements(2, seed=1)).status_code == 200
    db = srv.db()
    assert revoke_device(db, srv.key)
    before = snapshot(srv.db_path)
    r = post(client, srv, device_statements(2, seed=2))
    assert r.status_code == 401
    assert "withdrawn" in r.json()["error"]
    assert snapshot(srv.db_path) == before


# --- storing -----------------------------------------------------------------------------


def test_batch_is_stored_with_ids_in_order_stored_and_authority(client, srv):
    statements = device_statements(40)
    r = post(client, srv, statements)
    assert r.status_code == 200
    assert r.json() == [s["id"] for s in statements]
    assert "db;dur=" in r.headers["Server-Timing"]
    got = client.get("/xapi/statements", params={"statementId": statements[5]["id"]}, headers=XAPI, auth=srv.auth)
    assert got.status_code == 200
    body = got.json()
    assert body["authority"]["account"]["name"] == srv.key
    assert body["stored"].endswith("Z")
    assert body["timestamp"] == statements[5]["timestamp"]
    assert body["result"] == statements[5]["result"]
    assert got.headers["X-Experience-API-Consistent-Through"]


def test_single_statement_object_and_missing_id_get_an_id(client, srv):
    s = device_statements(1)[0]
    del s["id"]
    r = post(client, srv, s)
    assert r.status_code == 200
    (new_id,) = r.json()
    assert uuid.UUID(new_id)
    assert stored_ids(srv.db_path) == [new_id]


def test_same_batch_twice_changes_nothing(client, srv):
    statements = device_statements(30)
    assert post(client, srv, statements).status_code == 200
    before = snapshot(srv.db_path)
    again = post(client, srv, statements)
    assert again.status_code == 200
    assert again.json() == [s["id"] for s in statements]
    assert snapshot(srv.db_path) == before


def test_resend_differing_only_where_xapi_allows_is_the_same_statement(client, srv):
    s = device_statements(2)[1]  # an answered statement with a definition
    assert post(client, srv, [s]).status_code == 200
    variant = copy.deepcopy(s)
    variant["object"]["definition"]["name"] = {"fr": "autre texte"}  # definitions may change
    variant["verb"]["display"] = {"fr": "a répondu"}
    variant["timestamp"] = s["timestamp"].replace("Z", "+00:00")  # same instant
    variant["version"] = "1.0.3"
    assert post(client, srv, [variant]).status_code == 200
    assert len(stored_ids(srv.db_path)) == 1


def test_same_id_different_body_is_409_names_the_statement_and_keeps_the_copy(client, srv):
    statements = device_statements(5)
    assert post(client, srv, statements).status_code == 200
    before = snapshot(srv.db_path)
    changed = copy.deepcopy(statements)
    changed[3]["result"]["success"] = not changed[3]["result"].get("success", False)
    extra = device_statements(1, seed=99)
    r = post(client, srv, changed + extra)
    assert r.status_code == 409
    assert r.json()["statements"] == [
        {"index": 3, "id": statements[3]["id"], "field": "id", "reason": "already stored with different content"}
    ]
    assert snapshot(srv.db_path) == before  # the new statement in the same request is not stored either
    db = srv.db()
    assert [r[0] for r in db.execute("SELECT statement_id FROM statement_conflict")] == [statements[3]["id"]]


def test_duplicate_ids_in_one_batch_are_400(client, srv):
    s = device_statements(3)
    s[2]["id"] = s[0]["id"]
    r = post(client, srv, s)
    assert r.status_code == 400
    (problem,) = r.json()["statements"]
    assert problem["index"] == 2 and "repeats the id of statement 0" in problem["reason"]
    assert stored_ids(srv.db_path) == []


INVALID = [
    (lambda s: s.__setitem__("id", "not-a-uuid"), "id", "UUID"),
    (lambda s: s.pop("actor"), "actor", "required"),
    (lambda s: s["actor"].__setitem__("mbox", "mailto:a@b.org"), "actor", "exactly one"),
    (lambda s: s["actor"]["account"].pop("homePage"), "actor.account", "homePage"),
    (lambda s: s["verb"].__setitem__("id", "answered"), "verb.id", "IRI"),
    (lambda s: s["verb"].__setitem__("display", {"en_GB": "x"}), "verb.display.en_GB", "language tag"),
    (lambda s: s["object"].__setitem__("objectType", "Thing"), "object.objectType", "Activity"),
    (lambda s: s.__setitem__("result", {"score": {"scaled": 1.5}}), "result.score.scaled", "between -1 and 1"),
    (lambda s: s.__setitem__("result", {"score": {"scaled": "1"}}), "result.score.scaled", "number"),
    (lambda s: s.__setitem__("result", {"score": {"raw": 11, "min": 0, "max": 10}}), "result.score.raw", "max"),
    (lambda s: s.__setitem__("result", {"success": "yes"}), "result.success", "true or false"),
    (lambda s: s.__setitem__("result", {"duration": "90 seconds"}), "result.duration", "ISO 8601 duration"),
    (lambda s: s["context"].__setitem__("language", "english!"), "context.language", "language tag"),
    (lambda s: s["context"].__setitem__("registration", "abc"), "context.registration", "UUID"),
    (lambda s: s.__setitem__("timestamp", "yesterday"), "timestamp", "ISO 8601"),
    (lambda s: s.__setitem__("timestamp", "2025-03-01T09:00:00-00:00"), "timestamp", "-00:00"),
    (lambda s: s.__setitem__("version", "2.0.0"), "version", "1.0"),
    (lambda s: s.__setitem__("colour", "blue"), "colour", "not an xAPI property"),
    (lambda s: s["object"]["definition"].__setitem__("interactionType", "quiz"), "object.definition.interactionType", "one of"),
    (lambda s: s.__setitem__("verb", {"id": ADL + "voided", "display": {"en": "voided"}}), "object", "StatementRef"),
]


@pytest.mark.parametrize("mutate,field,words", INVALID)
def test_invalid_statement_gets_a_400_naming_field_and_reason(client, srv, mutate, field, words):
    good = device_statements(3)
    bad = copy.deepcopy(good)
    mutate(bad[1])
    r = post(client, srv, bad)
    assert r.status_code == 400, r.text
    (problem,) = r.json()["statements"]
    assert problem["index"] == 1
    assert problem["field"] == field
    assert words in problem["reason"]
    assert stored_ids(srv.db_path) == []


@pytest.mark.parametrize(
    "body,words",
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe", "not valid JSON"),
        (b"42", "statement (JSON object) or an array"),
        (b"[]", "no statements"),
        (b'"text"', "statement (JSON object) or an array"),
        (b"[1, 2]", "not valid xAPI"),
        (b'[{"a": NaN}]', "NaN is not a JSON value"),
        (b"[{}] trailing", "extra data"),
        (b"[{},", "not valid JSON"),
    ],
)
def test_malformed_bodies_are_400(client, srv, body, words):
    r = post(client, srv, body)
    assert r.status_code == 400
    assert words in r.json()["error"]


def test_wrong_types_are_400_not_500(client, srv):
    s = device_statements(1)[0]
    for key, value in [("actor", []), ("verb", "x"), ("object", 5), ("result", []), ("context", "c"), ("timestamp", 1)]:
        bad = copy.deepcopy(s)
        bad[key] = value
        r = post(client, srv, [bad])
        assert r.status_code == 400, (key, r.text)
        assert r.json()["statements"][0]["field"].startswith(key)


def test_oversized_body_is_413(tmp_path):
    srv = make_server(tmp_path, max_body_bytes=10_000)
    with TestClient(srv.app) as client:
        r = post(client, srv, device_statements(100))
        assert r.status_code == 413
        assert "limit" in r.json()["error"]
    assert stored_ids(srv.db_path) == []


def test_gzip_body_is_accepted_and_a_gzip_bomb_is_413(tmp_path):
    srv = make_server(tmp_path, max_inflated_bytes=200_000)
    statements = device_statements(20)
    with TestClient(srv.app) as client:
        r = post(client, srv, gzip.compress(dumps(statements)), headers={"Content-Encoding": "gzip"})
        assert r.status_code == 200
        bomb = gzip.compress(b"[" + b" " * 5_000_000 + b"]")
        r = post(client, srv, bomb, headers={"Content-Encoding": "gzip"})
        assert r.status_code == 413
        assert "inflates" in r.json()["error"]
        assert post(client, srv, b"\x1f\x8bnot gzip", headers={"Content-Encoding": "gzip"}).status_code == 400
        assert post(client, srv, gzip.compress(dumps(statements))[:-20], headers={"Content-Encoding": "gzip"}).status_code == 400
        assert post(client, srv, dumps(statements), headers={"Content-Encoding": "br"}).status_code == 415
    assert len(stored_ids(srv.db_path)) == 20


def test_ten_thousand_statement_batch_is_refused_with_the_limit(client, srv):
    statements = device_statements(10_000)
    # Sent plainly it is over the body limit; compressed it fits, and the batch limit applies.
    r = post(client, srv, statements)
    assert r.status_code == 413
    r = post(client, srv, gzip.compress(dumps(statements)), headers={"Content-Encoding": "gzip"})
    assert r.status_code == 413
    assert "10000 statements; the limit is 1000" in r.json()["error"]
    assert stored_ids(srv.db_path) == []


def test_other_content_types_and_query_parameters_are_refused(client, srv):
    assert post(client, srv, device_statements(1), headers={"Content-Type": "text/plain"}).status_code == 415
    assert post(client, srv, device_statements(1), headers={"Content-Type": "multipart/mixed; boundary=x"}).status_code == 400
    r = client.post("/xapi/statements?method=PUT", content=dumps(device_statements(1)), headers=XAPI, auth=srv.auth)
    assert r.status_code == 400


def test_busy_server_asks_to_come_back_later(tmp_path):
    srv = make_server(tmp_path, max_waiting_writers=0)
    with TestClient(srv.app) as client:
        r = post(client, srv, device_statements(2))
        assert r.status_code == 503
        assert int(r.headers["Retry-After"]) >= srv.config.retry_after_seconds
    assert stored_ids(srv.db_path) == []


# --- PUT ---------------------------------------------------------------------------------


def test_put_statement_rules(client, srv):
    s = device_statements(1)[0]
    sid = s.pop("id")

    def put(body, params):
        return client.put("/xapi/statements", params=params, content=dumps(body), headers=XAPI, auth=srv.auth)

    assert put(s, {"statementId": sid}).status_code == 204
    assert put(s, {"statementId": sid}).status_code == 204
    changed = {**s, "timestamp": "2020-01-01T00:00:00Z"}
    assert put(changed, {"statementId": sid}).status_code == 409
    assert put({**s, "id": str(uuid.uuid4())}, {"statementId": sid}).status_code == 400
    assert put(s, {}).status_code == 400
    assert put(s, {"statementId": "nope"}).status_code == 400
    assert put([s], {"statementId": str(uuid.uuid4())}).status_code == 400
    assert stored_ids(srv.db_path) == [sid]


# --- GET -----------------------------------------------------------------------------------


def get(client, srv, **params):
    r = client.get("/xapi/statements", params=params, headers=XAPI, auth=srv.auth)
    return r


def test_get_filters_and_more_paging(client, srv):
    statements = device_statements(120, learners=2)
    assert post(client, srv, statements).status_code == 200

    page = get(client, srv, limit=25).json()
    seen = [s["id"] for s in page["statements"]]
    while page["more"]:
        page = client.get(page["more"], headers=XAPI, auth=srv.auth).json()
        seen += [s["id"] for s in page["statements"]]
    assert seen == [s["id"] for s in reversed(statements)]

    asc = get(client, srv, ascending="true", limit=0).json()
    assert [s["id"] for s in asc["statements"]] == [s["id"] for s in statements]
    assert asc["more"] == ""

    answered = get(client, srv, verb=ADL + "answered").json()["statements"]
    assert answered and all(s["verb"]["id"] == ADL + "answered" for s in answered)
    assert len(answered) == sum(s["verb"]["id"] == ADL + "answered" for s in statements)

    learner = statements[0]["actor"]
    mine = get(client, srv, agent=json.dumps(learner)).json()["statements"]
    assert len(mine) == sum(s["actor"] == learner for s in statements)

    module = statements[0]["object"]["id"]
    direct = get(client, srv, activity=module).json()["statements"]
    related = get(client, srv, activity=module, related_activities="true").json()["statements"]
    assert {s["object"]["id"] for s in direct} == {module}
    assert len(related) > len(direct)  # the answers name the module as their parent

    reg = statements[0]["context"]["registration"]
    assert {s["context"]["registration"] for s in get(client, srv, registration=reg).json()["statements"]} == {reg}

    stored_all = sorted({s["stored"] for s in asc["statements"]})
    assert get(client, srv, since=stored_all[-1]).json()["statements"] == []
    assert len(get(client, srv, until=stored_all[-1]).json()["statements"]) == 120


def test_get_formats(client, srv):
    statements = device_statements(3)
    post(client, srv, statements)
    ids = get(client, srv, format="ids", statementId=statements[1]["id"]).json()
    assert ids["verb"] == {"id": statements[1]["verb"]["id"]}
    assert "definition" not in ids["object"]
    canonical = client.get(
        "/xapi/statements",
        params={"format": "canonical", "statementId": statements[1]["id"]},
        headers={**XAPI, "Accept-Language": "en"},
        auth=srv.auth,
    ).json()
    assert len(canonical["verb"]["display"]) == 1


@pytest.mark.parametrize(
    "params,words",
    [
        ({"colour": "red"}, "unknown parameter"),
        ({"statementId": str(uuid.uuid4()), "verb": ADL + "answered"}, "cannot be combined"),
        ({"statementId": "nope"}, "UUID"),
        ({"limit": "-1"}, "whole number"),
        ({"ascending": "yes"}, "true or false"),
        ({"since": "last week"}, "ISO 8601"),
        ({"agent": "{bad json"}, "Agent"),
        ({"agent": json.dumps({"name": "no ifi"})}, "exactly one"),
        ({"verb": "answered"}, "IRI"),
        ({"format": "short"}, "format"),
        ({"more": "garbage"}, "more token"),
    ],
)
def test_bad_get_parameters_are_400(client, srv, params, words):
    r = get(client, srv, **params)
    assert r.status_code == 400
    assert words in r.json()["error"]


def test_a_device_sees_only_its_own_statements(client, srv):
    statements = device_statements(4)
    post(client, srv, statements)
    other = srv.enrol_another()
    r = client.get("/xapi/statements", params={"statementId": statements[0]["id"]}, headers=XAPI, auth=other)
    assert r.status_code == 404
    r = client.get("/xapi/statements", headers=XAPI, auth=other)
    assert r.json()["statements"] == []
    page = get(client, srv, limit=1).json()
    assert client.get(page["more"], headers=XAPI, auth=other).status_code == 400


# --- voiding -------------------------------------------------------------------------------


def voiding(target_id: str, actor: dict) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": ADL + "voided", "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target_id},
    }


def test_voiding_hides_the_statement_and_keeps_it_by_voidedStatementId(client, srv):
    statements = device_statements(4)
    post(client, srv, statements)
    target = statements[2]
    v = voiding(target["id"], target["actor"])
    assert post(client, srv, [v]).status_code == 200
    assert get(client, srv, statementId=target["id"]).status_code == 404
    assert get(client, srv, voidedStatementId=target["id"]).json()["id"] == target["id"]
    listed = [s["id"] for s in get(client, srv).json()["statements"]]
    assert target["id"] not in listed and v["id"] in listed
    # a voiding statement cannot itself be voided
    r = post(client, srv, [voiding(v["id"], target["actor"])])
    assert r.status_code == 400
    assert "cannot itself be voided" in r.json()["statements"][0]["reason"]


def test_voiding_that_arrives_first_voids_the_statement_on_arrival(client, srv):
    s = device_statements(1)[0]
    assert post(client, srv, [voiding(s["id"], s["actor"])]).status_code == 200
    assert post(client, srv, [s]).status_code == 200
    assert get(client, srv, statementId=s["id"]).status_code == 404
    assert get(client, srv, voidedStatementId=s["id"]).status_code == 200


def test_a_device_cannot_void_another_devices_statement(client, srv):
    s = device_statements(1)[0]
    post(client, srv, [s])
    other = srv.enrol_another()
    r = post(client, srv, [voiding(s["id"], s["actor"])], auth=other)
    assert r.status_code == 400
    assert get(client, srv, statementId=s["id"]).status_code == 200


# --- enrolment and device reports ---------------------------------------------------------


def test_enrol_endpoint(client, srv):
    from trainer.server.enrolment import create_code

    code, _ = create_code(srv.db(), srv.cohort_id, max_uses=1)
    r = client.post("/api/enrol", json={"code": code.lower().replace("-", " "), "label": "phone"})
    assert r.status_code == 201
    body = r.json()
    assert body["cohort"]["name"] == "Labour inspectors, spring"
    assert client.get("/api/device", auth=(body["key"], body["secret"])).json()["key"] == body["key"]
    again = client.post("/api/enrol", json={"code": code})
    assert again.status_code == 403 and "used as often as allowed" in again.json()["error"]
    assert client.post("/api/enrol", json={"code": "AAAA-BBBB-CCCC"}).status_code == 403
    assert client.post("/api/enrol", content=b"nope").status_code == 400
    assert client.post("/api/enrol", json={"kode": code}).status_code == 400


def test_device_reports_its_queue(client, srv):
    r = client.put(
        "/api/device/status",
        json={"pending": 12, "rejected": 1, "last_sync_at": "2025-03-01T10:00:00Z", "app_version": "0.1.0"},
        auth=srv.auth,
    )
    assert r.status_code == 204
    row = next(srv.db().query("SELECT pending_count, rejected_count, device_last_sync_at, reported_at FROM device"))
    assert row["pending_count"] == 12 and row["rejected_count"] == 1 and row["reported_at"]
    for bad in ({"pending": -1}, {"pending": "many"}, {"rejected": True}, {"last_sync_at": 5}, []):
        assert client.put("/api/device/status", json=bad, auth=srv.auth).status_code == 400
    assert client.put("/api/device/status", json={"pending": 1}).status_code == 401


def test_ingest_records_learner_cohort_and_device_sync(client, srv):
    statements = device_statements(12)
    statements[0]["actor"]["name"] = "Amina"
    post(client, srv, statements)
    db = srv.db()
    learner = next(db.query("SELECT * FROM learner"))
    assert learner["display_name"] == "Amina" and learner["cohort_id"] == srv.cohort_id
    assert {r[0] for r in db.execute("SELECT cohort_id FROM statement")} == {srv.cohort_id}
    device = next(db.query("SELECT last_sync_at, statements_received FROM device WHERE id = ?", [srv.key]))
    assert device["last_sync_at"] and device["statements_received"] == 12


def test_the_app_serves_again_after_a_shutdown(srv):
    """Lifespan shutdown closes every connection; a restarted app opens fresh ones."""
    for n in (1, 2):
        with TestClient(srv.app) as client:
            assert post(client, srv, device_statements(3, seed=n)).status_code == 200
    assert len(stored_ids(srv.db_path)) == 6
