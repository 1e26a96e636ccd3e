"""Hostile requests against every endpoint of the trainer server, shared by the CI fuzz test
(tests/unit/test_server_fuzz_endpoints.py, about a minute) and the long run
(tests/bench/bench_fuzz_endpoints.py). Each case is one request; the server must answer it
with something below 500."""

from __future__ import annotations

import copy
import gzip
import json
import uuid
from dataclasses import dataclass

from hypothesis import strategies as st

from tests.sync_factory import device_statements
from tests.sync_harness import XAPI, make_server

SENTINEL = "\u0001FUZZ\u0001"
# JSON texts that broke the server before issue 14, and their neighbours.
HOSTILE_JSON = [
    "1e400", "-1e400", "1e308", "9" * 5000, "-" + "9" * 4301, "12345678901234567890", "0.000001",
    "[" * 1500 + "]" * 1500, '{"a":' * 1200 + "1" + "}" * 1200, "[" * 33 + "]" * 33,
    '"0001-01-01T00:00:00+14:00"', '"9999-12-31T23:59:59-14:00"', '"2025-02-30T00:00:00Z"',
    '"\\ud800"', '""', "null", "true", "-0", "[]", "{}", '"' + "x" * 5000 + '"',
]
HOSTILE_TEXT = [
    "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "9" * 5000, "-1", "1e400", "",
    "[" * 2000, '{"mbox": ' + "9" * 5000 + "}", '{"account": {"homePage": "https://x", "name": "' + "[" * 100 + '"}}',
    "\x00", "true", "NaN", "x" * 3000, "\u00b9", "\u0663", "1.\u00b2", str(uuid.uuid4()), "../../etc/passwd", "<script>",
]
QUERY_NAMES = ["statementId", "voidedStatementId", "agent", "verb", "activity", "registration",
               "related_activities", "related_agents", "since", "until", "limit", "format",
               "attachments", "ascending", "more", "bogus"]

any_text = st.text(st.characters(blacklist_categories=()), max_size=30)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | any_text,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4),
    max_leaves=20,
)
text_values = st.one_of(st.sampled_from(HOSTILE_TEXT), any_text)

SEED = device_statements(40, seed=11)


def _paths(v, path=()):
    out = []
    if isinstance(v, dict):
        for k, x in v.items():
            out.append(path + (k,))
            out += _paths(x, path + (k,))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            out.append(path + (i,))
            out += _paths(x, path + (i,))
    return out


@st.composite
def statement_bodies(draw) -> bytes:
    """A real batch with one or two values replaced by hostile JSON text or random JSON."""
    batch = copy.deepcopy(SEED[: draw(st.integers(1, 5))])
    for s in batch:
        s["id"] = str(uuid.uuid4())
    hostile: list[str] = []
    for _ in range(draw(st.integers(1, 2))):
        path = draw(st.sampled_from(_paths(batch)))
        target = batch
        for step in path[:-1]:
            target = target[step]
        if draw(st.booleans()):
            target[path[-1]] = SENTINEL
            hostile.append(draw(st.sampled_from(HOSTILE_JSON)))
        else:
            target[path[-1]] = draw(json_values)
    text = json.dumps(batch if draw(st.booleans()) or len(batch) > 1 else batch[0], ensure_ascii=False)
    for h in hostile:
        text = text.replace(json.dumps(SENTINEL), h, 1)
    return text.encode("utf-8", "surrogatepass")


raw_bodies = st.one_of(
    statement_bodies(),
    st.sampled_from(HOSTILE_JSON).map(str.encode),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.binary(max_size=120),
)


@dataclass
class Req:
    method: str
    path: str
    params: dict
    body: bytes | None
    headers: dict
    who: str  # device | none | trainer


@st.composite
def requests(draw) -> Req:
    kind = draw(st.sampled_from(["post", "put", "get", "enrol", "status", "device", "form", "page"]))
    if kind in ("post", "put"):
        body = draw(raw_bodies)
        headers = {**XAPI, "Content-Type": "application/json"}
        if draw(st.integers(0, 9)) == 0:
            headers["Content-Encoding"] = "gzip"
            body = gzip.compress(body)
        params = {"statementId": draw(st.one_of(st.just(str(uuid.uuid4())), text_values))} if kind == "put" else {}
        return Req(kind.upper(), "/xapi/statements", params, body, headers, "device")
    if kind == "get":
        names = draw(st.lists(st.sampled_from(QUERY_NAMES), min_size=1, max_size=4, unique=True))
        return Req("GET", "/xapi/statements", {n: draw(text_values) for n in names}, None, dict(XAPI), "device")
    if kind == "enrol":
        body = draw(st.one_of(raw_bodies, text_values.map(lambda t: json.dumps({"code": t, "label": t}).encode())))
        return Req("POST", "/api/enrol", {}, body, {"Content-Type": "application/json"}, "none")
    if kind == "status":
        body = draw(st.one_of(raw_bodies, st.builds(
            lambda p, r, t: ('{"pending": %s, "rejected": %s, "last_sync_at": %s}' % (p, r, t)).encode(),
            st.sampled_from(HOSTILE_JSON), st.sampled_from(HOSTILE_JSON), st.sampled_from(HOSTILE_JSON))))
        return Req("PUT", "/api/device/status", {}, body, {"Content-Type": "application/json"}, "device")
    if kind == "device":
        return Req("GET", "/api/device", {}, None, {}, draw(st.sampled_from(["device", "none"])))
    if kind == "form":
        path = draw(st.sampled_from(["/dashboard/cohorts", "/dashboard/cohorts/1/codes", "/dashboard/cohorts/1/rename",
                                     "/dashboard/cohorts/1/archive", "/dashboard/accounts", "/dashboard/login"]))
        fields = draw(st.dictionaries(st.sampled_from(["name", "days", "uses", "note", "username", "password", "role",
                                                       "restore", "next", "login_token"]), text_values, max_size=5))
        return Req("POST", path, {}, fields, {}, "trainer")
    path = draw(st.sampled_from(["/dashboard/", "/dashboard/completion", "/dashboard/completion.csv", "/dashboard/learner",
                                 "/dashboard/questions", "/dashboard/questions.csv", "/dashboard/cohorts/1"]))
    names = draw(st.lists(st.sampled_from(["cohort", "language", "audience", "from", "to", "sort", "desc", "page",
                                           "module", "actor", "learner", "stale", "done"]), max_size=4, unique=True))
    return Req("GET", path, {n: draw(text_values) for n in names}, None, {}, "trainer")


def _sendable(text: str) -> str:
    """What a URL or form can carry: lone surrogates cannot be percent-encoded as UTF-8."""
    return text.encode("utf-8", "replace").decode("utf-8")


class Target:
    """A seeded server, a device's credentials and a signed-in administrator's session."""

    def __init__(self, tmp_path):
        from fastapi.testclient import TestClient

        from trainer.server.dashboard import accounts

        self.srv = make_server(tmp_path)
        db = self.srv.db()
        accounts.create_account(db, "admin", "fuzzing password 1", role="administrator")
        db.conn.close()
        self.client = TestClient(self.srv.app, raise_server_exceptions=False)
        self.client.__enter__()
        r = self.client.post("/xapi/statements", content=json.dumps(SEED).encode(),
                             headers={**XAPI, "Content-Type": "application/json"}, auth=self.srv.auth)
        assert r.status_code == 200, r.text
        page = self.client.get("/dashboard/login").text
        token = page.split('name="login_token" value="')[1].split('"')[0]
        r = self.client.post("/dashboard/login", data={"username": "admin", "password": "fuzzing password 1",
                                                      "login_token": token}, follow_redirects=False)
        assert r.status_code == 303
        self.csrf = self.client.get("/dashboard/").text.split('name="csrf" value="')[1].split('"')[0]

    def send(self, req: Req) -> int:
        auth = self.srv.auth if req.who == "device" else None
        params = {k: _sendable(v) for k, v in req.params.items()}
        if req.method == "POST" and isinstance(req.body, dict):
            form = {**{k: _sendable(v) for k, v in req.body.items()}, "csrf": self.csrf}
            r = self.client.post(req.path, data=form, follow_redirects=False)
        else:
            r = self.client.request(req.method, req.path, params=params, content=req.body, headers=req.headers,
                                    auth=auth, follow_redirects=False)
        return r.status_code

    def close(self) -> None:
        self.client.__exit__(None, None, None)
