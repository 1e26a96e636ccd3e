"""Property-based fuzz of the HTTP API: bad input is always a 4xx, never a 5xx, and a refused
request never changes what the server already holds."""

from __future__ import annotations

import copy
import gzip
import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.sync_factory import device_statements
from tests.sync_harness import XAPI, make_server, snapshot

# Text includes lone surrogates, which JSON can spell (\ud800) but no encoding can store.
any_text = st.text(st.characters(blacklist_categories=()), max_size=20)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=5),
    max_leaves=25,
)

SEED = device_statements(20, seed=7)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = make_server(tmp_path_factory.mktemp("fuzz"))
    with TestClient(srv.app) as client:
        r = client.post("/xapi/statements", json=SEED, headers=XAPI, auth=srv.auth)
        assert r.status_code == 200
        yield srv, client


def _damage(batch: list, data) -> list:
    batch = copy.deepcopy(batch)
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

    walk(batch, [])
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        target = batch
        try:
            for step in path[:-1]:
                target = target[step]
            if data.draw(st.booleans()) and isinstance(target, dict):
                target.pop(path[-1], None)
            else:
                target[path[-1]] = data.draw(json_values)
        except (KeyError, IndexError, TypeError):
            pass
    return batch


bodies = st.one_of(
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=200),
    st.text(max_size=200).map(lambda t: t.encode("utf-8")),
    st.builds(lambda v: json.dumps({"code": v, "label": v, "pending": 1}).encode(), any_text),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_post_fuzz_never_5xx_and_refusals_change_nothing(server, data):
    srv, client = server
    before = snapshot(srv.db_path)
    kind = data.draw(st.sampled_from(["damaged", "random", "resend-damaged"]))
    if kind == "random":
        body = data.draw(bodies)
    else:
        fresh = device_statements(4, seed=data.draw(st.integers(100, 10_000)))
        base = SEED[:4] if kind == "resend-damaged" else fresh
        body = json.dumps(_damage(base, data)).encode()
    headers = {**XAPI, "Content-Type": "application/json"}
    if data.draw(st.booleans()):
        body = gzip.compress(body)
        headers["Content-Encoding"] = "gzip"
    if data.draw(st.integers(0, 9)) == 0:
        headers.pop("X-Experience-API-Version")
    if data.draw(st.integers(0, 9)) == 0:
        headers["X-Experience-API-Version"] = data.draw(st.text(alphabet="0123456789.", max_size=6))
    r = client.post("/xapi/statements", content=body, headers=headers, auth=srv.auth)
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        assert "error" in r.json()
        assert snapshot(srv.db_path) == before
    else:
        # Accepted: every statement already held is unchanged (only new rows were added).
        after = snapshot(srv.db_path)
        assert after[: len(before)] == before


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.dictionaries(
        st.sampled_from(
            ["statementId", "voidedStatementId", "agent", "verb", "activity", "registration", "related_activities",
             "related_agents", "since", "until", "limit", "format", "attachments", "ascending", "more", "x"]
        ),
        st.text(max_size=40),
        max_size=4,
    )
)
def test_get_fuzz_never_5xx(server, params):
    srv, client = server
    r = client.get("/xapi/statements", params=params, headers=XAPI, auth=srv.auth)
    assert r.status_code < 500, r.text
    if r.status_code == 200:
        body = r.json()
        assert isinstance(body, dict)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies, statement_id=st.one_of(st.uuids().map(str), st.text(max_size=40)))
def test_put_fuzz_never_5xx(server, body, statement_id):
    srv, client = server
    before = snapshot(srv.db_path)
    r = client.put(
        "/xapi/statements", params={"statementId": statement_id}, content=body, headers=XAPI, auth=srv.auth
    )
    assert r.status_code < 500, r.text
    if r.status_code >= 400:
        assert snapshot(srv.db_path) == before


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=bodies, auth=st.tuples(st.text(max_size=20), st.text(max_size=20)))
def test_enrol_and_auth_fuzz_never_5xx(server, body, auth):
    srv, client = server
    assert client.post("/api/enrol", content=body).status_code < 500
    r = client.post("/xapi/statements", content=json.dumps(SEED[:1]).encode(), headers=XAPI, auth=auth)
    assert r.status_code == 401
    assert client.put("/api/device/status", content=body, auth=srv.auth).status_code < 500
