"""Issue 14: no write across cohorts, no 5xx from hostile input, cheap refusal of made-up
device credentials, throttles that hold across workers, debug-only API description."""

from __future__ import annotations

import copy
import json
import os
import stat
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from tests.sync_factory import ADL, device_statements
from tests.sync_harness import XAPI, dumps, make_server, snapshot
from trainer.server.app import create_app
from trainer.server.config import ServerConfig
from trainer.server.dashboard import accounts
from trainer.server.db import open_server_db
from trainer.server.enrolment import create_code, create_cohort, enrol_device
from trainer.server.hashing import CODE_N, PASSWORD_N, hash_secret, key_path

PASSWORD = "correct horse battery"


@pytest.fixture()
def srv(tmp_path):
    return make_server(tmp_path)


@pytest.fixture()
def client(srv):
    with TestClient(srv.app) as c:
        yield c


def post(client, auth, body, **headers):
    return client.post(
        "/xapi/statements",
        content=body if isinstance(body, bytes) else dumps(body),
        headers={**XAPI, "Content-Type": "application/json", **headers},
        auth=auth,
    )


def other_cohort_device(srv) -> tuple[str, str]:
    db = srv.db()
    cohort = create_cohort(db, "Border guards")
    code, _ = create_code(db, cohort["id"])
    e = enrol_device(db, code)
    db.conn.close()
    return e.device_id, e.secret


def voiding(target_id: str, actor: dict) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": actor,
        "verb": {"id": ADL + "voided", "display": {"en-US": "voided"}},
        "object": {"objectType": "StatementRef", "id": target_id},
    }


# --- 1. a device writes only for its own learners --------------------------------------------------


def _learner_row(srv, account_name):
    db = srv.db()
    try:
        return db.execute("SELECT cohort_id, device_id FROM learner WHERE account_name = ?", [account_name]).fetchone()
    finally:
        db.conn.close()


def test_a_device_of_another_cohort_cannot_forge_a_learners_results(client, srv):
    mine = device_statements(12)
    assert post(client, srv.auth, mine).status_code == 200
    actor_key = mine[0]["actor"]["account"]["name"]
    before_row, before = _learner_row(srv, actor_key), snapshot(srv.db_path)
    assert before_row is not None and before_row[0] == srv.cohort_id

    forged = copy.deepcopy(device_statements(6, seed=99))
    for s in forged:
        s["actor"] = mine[0]["actor"]  # the learner's id is all the attacker needs
    r = post(client, other_cohort_device(srv), forged)
    assert r.status_code == 403
    body = r.json()
    assert "nothing was stored" in body["error"]
    assert {p["field"] for p in body["statements"]} == {"actor"}
    assert "another cohort" in body["statements"][0]["reason"]
    assert [p["index"] for p in body["statements"]] == list(range(6))
    # the learner stays in their cohort with their history, and nothing was added
    assert _learner_row(srv, actor_key) == before_row
    assert snapshot(srv.db_path) == before


def test_voiding_a_learners_results_from_another_cohort_is_refused(client, srv):
    mine = device_statements(3)
    assert post(client, srv.auth, mine).status_code == 200
    before = snapshot(srv.db_path)
    r = post(client, other_cohort_device(srv), [voiding(mine[0]["id"], mine[0]["actor"])])
    assert r.status_code in (400, 403)  # refused either as "not your statement" or "not your learner"
    assert snapshot(srv.db_path) == before
    r = client.get("/xapi/statements", params={"statementId": mine[0]["id"]}, headers=XAPI, auth=srv.auth)
    assert r.status_code == 200


def test_another_device_of_the_same_cohort_takes_a_learner_over_only_after_revocation(client, srv):
    from trainer.server.enrolment import revoke_device

    mine = device_statements(4)
    assert post(client, srv.auth, mine).status_code == 200
    new_phone = srv.enrol_another()
    later = copy.deepcopy(device_statements(8, seed=5))
    for s in later:
        s["actor"] = mine[0]["actor"]
    r = post(client, new_phone, later)
    assert r.status_code == 403 and "another device" in r.json()["statements"][0]["reason"]
    db = srv.db()
    revoke_device(db, srv.key)  # the old phone was lost: the learner enrols again
    db.conn.close()
    assert post(client, new_phone, later).status_code == 200


def test_a_device_client_marks_forged_statements_rejected_not_the_device_unenrolled():
    from trainer.sync.transport import interpret

    body = json.dumps({"error": "x", "statements": [{"index": 0, "id": "a", "field": "actor", "reason": "another cohort"}]})
    o = interpret(403, {}, body.encode(), ["a", "b"])
    assert o.kind == "per_item" and o.rejected == {"a": "actor: another cohort"}
    assert interpret(403, {}, b'{"error": "withdrawn"}', ["a"]).kind == "auth"


# --- 2. no 5xx from any input -----------------------------------------------------------------------

DEEP = b"[" * 5000 + b"]" * 5000
DEEP_OBJ = b'{"a":' * 3000 + b"1" + b"}" * 3000
LONG_DIGITS = b"9" * 5000


def test_deeply_nested_json_is_a_400_on_every_endpoint(client, srv):
    for body in (DEEP, DEEP_OBJ, b"[" + DEEP_OBJ + b"]"):
        r = post(client, srv.auth, body)
        assert r.status_code == 400 and "levels deep" in r.json()["error"]
        r = client.put("/xapi/statements", params={"statementId": str(uuid.uuid4())}, content=body,
                       headers={**XAPI, "Content-Type": "application/json"}, auth=srv.auth)
        assert r.status_code == 400
        r = client.post("/api/enrol", content=body)
        assert r.status_code == 400
        r = client.put("/api/device/status", content=body, auth=srv.auth)
        assert r.status_code == 400
    r = client.get("/xapi/statements", params={"agent": DEEP.decode()}, headers=XAPI, auth=srv.auth)
    assert r.status_code == 400


def test_numbers_and_timestamps_out_of_range_are_400_with_a_reason(client, srv):
    base = device_statements(1)[0]
    cases = {
        "result.score.max": lambda s: s.setdefault("result", {}).update(score={"raw": 1, "min": 0, "max": 10**400}),
        "timestamp-early": lambda s: s.update(timestamp="0001-01-01T00:00:00+14:00"),
        "timestamp-late": lambda s: s.update(timestamp="9999-12-31T23:59:59-14:00"),
    }
    for name, change in cases.items():
        s = copy.deepcopy(base)
        s["id"] = str(uuid.uuid4())
        change(s)
        r = post(client, srv.auth, [s])
        assert r.status_code == 400, name
        assert r.json()["error"], name
    raw = dumps([base]).replace(b'"raw":', b'"raw":1e400,"x":', 1) if b'"raw":' in dumps([base]) else None
    if raw is not None:
        assert post(client, srv.auth, raw).status_code == 400
    r = post(client, srv.auth, b'[{"result": {"score": {"raw": ' + LONG_DIGITS + b"}}}]")
    assert r.status_code == 400 and "digits" in r.json()["error"]
    for params in ({"since": "0001-01-01T00:00:00+14:00"}, {"until": "9999-12-31T23:59:59-14:00"},
                   {"limit": LONG_DIGITS.decode()}, {"agent": '{"mbox": ' + LONG_DIGITS.decode() + "}"},
                   {"more": "x" * 10_000}):
        r = client.get("/xapi/statements", params=params, headers=XAPI, auth=srv.auth)
        assert r.status_code == 400, params
    r = client.post("/api/enrol", content=b'{"code": ' + LONG_DIGITS + b"}")
    assert r.status_code == 400
    r = client.put("/api/device/status", content=b'{"pending": ' + LONG_DIGITS + b"}", auth=srv.auth)
    assert r.status_code == 400
    r = client.post("/xapi/statements", content=b"[]", headers={**XAPI, "Content-Length": "9" * 5000}, auth=srv.auth)
    assert r.status_code in (400, 413)


def test_the_device_validator_applies_the_same_bounds():
    from trainer.core.xapi import validate_statement as device_validate  # what the device queues with

    s = device_statements(1)[0]
    bad = copy.deepcopy(s)
    bad.setdefault("result", {})["extensions"] = {"https://example.org/x": 10**20}
    deep = copy.deepcopy(s)
    nested: dict = {}
    cur = nested
    for _ in range(40):
        cur["a"] = {}
        cur = cur["a"]
    deep.setdefault("context", {})["extensions"] = {"https://example.org/deep": nested}
    late = dict(s, timestamp="9999-12-31T23:59:59-14:00")
    assert device_validate(s) == []
    for statement in (bad, deep, late):
        assert device_validate(statement), "the device would queue what the server refuses"


def test_a_forged_more_token_is_a_400(client, srv):
    import base64

    assert post(client, srv.auth, device_statements(30)).status_code == 200
    token = base64.urlsafe_b64encode(json.dumps({"p": {"limit": ["x"]}, "d": srv.key, "c": 1, "m": 9}).encode()).decode()
    r = client.get("/xapi/statements", params={"more": token}, headers=XAPI, auth=srv.auth)
    assert r.status_code == 400
    first = client.get("/xapi/statements", params={"limit": "10"}, headers=XAPI, auth=srv.auth).json()
    assert first["more"]
    second = client.get(first["more"], headers=XAPI, auth=srv.auth)
    assert second.status_code == 200 and len(second.json()["statements"]) == 10


# --- 5. device secrets: HMAC under the server key; passwords: scrypt 2^17 with re-hash ----------------


def test_device_secrets_are_hmacs_under_a_key_file_beside_the_database(srv):
    db = srv.db()
    stored = db.execute("SELECT secret_hash FROM device WHERE id = ?", [srv.key]).fetchone()[0]
    db.conn.close()
    assert stored.startswith("hmac-sha256$") and srv.secret not in stored
    assert len(srv.secret) >= 43  # 256 random bits
    mode = stat.S_IMODE(os.stat(key_path(srv.db_path.resolve())).st_mode)
    assert mode == 0o600


def test_a_device_enrolled_with_a_scrypt_secret_still_signs_in_and_is_moved_to_hmac(client, srv):
    db = srv.db()
    db.execute("UPDATE device SET secret_hash = ? WHERE id = ?", [hash_secret(srv.secret, n=CODE_N), srv.key])
    db.conn.commit()
    db.conn.close()
    assert client.get("/api/device", auth=srv.auth).status_code == 200
    db = srv.db()
    assert db.execute("SELECT secret_hash FROM device WHERE id = ?", [srv.key]).fetchone()[0].startswith("hmac-sha256$")
    db.conn.close()
    assert client.get("/api/device", auth=(srv.key, srv.secret + "x")).status_code == 401
    assert client.get("/api/device", auth=("d-nobody", "x" * 43)).status_code == 401


def test_passwords_use_scrypt_2_17_and_older_hashes_are_replaced_at_sign_in(tmp_path):
    cfg = ServerConfig(db_path=tmp_path / "s.db")
    app = create_app(cfg)
    db = open_server_db(cfg.db_path)
    accounts.create_account(db, "admin", PASSWORD, role="administrator")
    assert f"scrypt${PASSWORD_N}$" in db.execute("SELECT password_hash FROM dash_account").fetchone()[0]
    db.execute("UPDATE dash_account SET password_hash = ?", [hash_secret(PASSWORD, n=2**14)])
    db.conn.commit()
    with TestClient(app) as c:
        assert _sign_in(c, "admin", PASSWORD).status_code == 303
    assert f"scrypt${PASSWORD_N}$" in db.execute("SELECT password_hash FROM dash_account").fetchone()[0]
    db.conn.close()


# --- 4. throttles in the database, shared by workers -------------------------------------------------


def _login_token(client) -> str:
    return client.get("/dashboard/login").text.split('name="login_token" value="')[1].split('"')[0]


def _sign_in(client, username, password, headers=None, token=None):
    token = token or _login_token(client)
    return client.post("/dashboard/login", data={"username": username, "password": password, "login_token": token},
                       headers=headers or {}, follow_redirects=False)


def test_60_parallel_wrong_passwords_against_2_workers_get_at_most_5_checks(tmp_path, monkeypatch):
    cfg = ServerConfig(db_path=tmp_path / "s.db")
    workers = [create_app(cfg), create_app(cfg)]  # two app instances, separate locks, one database
    db = open_server_db(cfg.db_path)
    accounts.create_account(db, "trainer", PASSWORD)
    db.conn.close()
    checks = []
    lock = threading.Lock()
    real = accounts.verify_login

    def counted(*a, **k):
        with lock:
            checks.append(1)
        return real(*a, **k)

    monkeypatch.setattr(accounts, "verify_login", counted)
    clients = [TestClient(app) for app in workers]
    for c in clients:
        c.__enter__()
    try:
        tokens = [_login_token(c) for c in clients]

        def guess(i):
            return _sign_in(clients[i % 2], "trainer", f"wrong guess {i:04d}", token=tokens[i % 2]).status_code

        with ThreadPoolExecutor(max_workers=12) as pool:
            codes = list(pool.map(guess, range(60)))
        assert len(checks) <= 5, f"{len(checks)} password checks"
        assert codes.count(401) == len(checks) and codes.count(429) == 60 - len(checks)
        # the real user, from their own address, is not locked out
        ok = _sign_in(clients[0], "trainer", PASSWORD, headers={"X-Forwarded-For": "203.0.113.7"})
        assert ok.status_code == 429  # not a trusted proxy: the header is ignored, same address
    finally:
        for c in clients:
            c.__exit__(None, None, None)
    from trainer.server.clientaddr import parse_proxies

    cfg2 = ServerConfig(db_path=tmp_path / "s.db", trusted_proxies=parse_proxies(["127.0.0.1"]))
    with TestClient(create_app(cfg2), client=("127.0.0.1", 5000)) as c:
        r = _sign_in(c, "trainer", PASSWORD, headers={"X-Forwarded-For": "203.0.113.7"})
        assert r.status_code == 303  # another address, through the trusted proxy: signs in


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy():
    from trainer.server.clientaddr import client_address, parse_proxies

    proxies = parse_proxies(["10.0.0.0/24"])
    assert client_address("127.0.0.1", "1.2.3.4", ()) == "127.0.0.1"
    assert client_address("127.0.0.1", "1.2.3.4", proxies) == "127.0.0.1"
    assert client_address("10.0.0.5", "6.6.6.6, 1.2.3.4", proxies) == "1.2.3.4"  # the rotating part is left of it
    assert client_address("10.0.0.5", "1.2.3.4, 10.0.0.9", proxies) == "1.2.3.4"
    with pytest.raises(ValueError, match="not an IP"):
        parse_proxies(["proxy.example.org"])


def test_growing_delay_not_a_lockout(tmp_path):
    from trainer.server import throttle

    db = open_server_db(tmp_path / "t.db")
    rule = {"k": throttle.Rule(free=3, base=10, cap=100)}
    verdicts = []
    for t in (0, 1, 2, 3):
        verdicts.append(throttle.charge(db.conn, rule, now=t))
    assert [v.allowed for v in verdicts] == [True, True, True, False]
    assert 8 <= verdicts[3].retry_after <= 10
    assert throttle.charge(db.conn, rule, now=13).allowed  # waited: one more try
    assert not throttle.charge(db.conn, rule, now=14).allowed
    assert 15 < throttle.charge(db.conn, rule, now=14.5).retry_after + 14.5 <= 34  # the wait doubled
    throttle.forgive(db.conn, ["k"])
    assert throttle.charge(db.conn, rule, now=15).allowed
    db.conn.close()


def test_enrolment_code_guesses_are_throttled_and_checked_the_same_way_for_unknown_codes(client, srv, monkeypatch):
    from trainer.server import enrolment

    verified = []
    real = enrolment.verify_secret
    monkeypatch.setattr(enrolment, "verify_secret", lambda s, h: verified.append(1) or real(s, h))
    r = client.post("/api/enrol", json={"code": "ZZZZ-ZZZZ-ZZZZ"})  # no such code id
    assert r.status_code == 403 and verified == [1]  # the hash was checked all the same
    codes = [client.post("/api/enrol", json={"code": f"ZZZZ-ZZZZ-ZZ{i:02d}"}).status_code for i in range(12)]
    assert 429 in codes and codes.index(429) <= 10
    r = client.post("/api/enrol", json={"code": "ZZZZ-ZZZZ-ZZ99"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1


# --- 9. the API description only with --debug ------------------------------------------------------


def test_openapi_and_docs_only_with_debug(tmp_path):
    with TestClient(create_app(ServerConfig(db_path=tmp_path / "a.db"))) as c:
        assert c.get("/openapi.json").status_code == 404 and c.get("/docs").status_code == 404
    with TestClient(create_app(ServerConfig(db_path=tmp_path / "b.db", debug=True))) as c:
        assert c.get("/openapi.json").status_code == 200 and c.get("/docs").status_code == 200


def test_code_limits_are_the_same_from_the_cli_and_the_dashboard(tmp_path, capsys):
    from trainer.server.__main__ import main

    db = str(tmp_path / "c.db")
    assert main(["admin", "create-cohort", "A", "--db", db, "--create"]) == 0
    assert main(["admin", "create-code", "--cohort", "1", "--days", "400", "--db", db]) == 2
    assert "366" in capsys.readouterr().err
    assert main(["admin", "create-code", "--cohort", "1", "--days", "366", "--db", db]) == 0


def test_the_dashboards_language_list_shows_only_the_trainers_cohorts(tmp_path):
    from tests.unit.dashboard_support import make_seeded
    from trainer.server.dashboard import queries

    seeded = make_seeded(tmp_path)
    db = seeded.db()
    assert queries.languages_seen(db, queries.Scope((seeded.cohort_b,))) == ["en"]
    assert queries.languages_seen(db, queries.Scope((seeded.cohort_a,))) == ["ar", "fr"]
    assert set(queries.languages_seen(db, queries.Scope(None))) >= {"ar", "en", "fr"}  # an administrator
    assert queries.languages_seen(db, queries.Scope(())) == []
    db.conn.close()
