"""A small seeded data set for the dashboard tests, sent through the real ingest path.

Statements are built by trainer/core/xapi.py (the shapes devices send) and posted over
HTTP by enrolled devices, so the ingest hook fills the summaries exactly as in production.
The figures the tests check are computed by hand from the table below.

Questions (every module): q1 single choice, correct a; q2 single, correct b;
q3 multiple, correct a+c. Pass mark 0.8, score = share of questions right.

Cohort A "Inspectors north" (device dA), cohort B "Border south" (device dB):
  L1 "ليلى حداد" (A, ar)   UT attempt 1 (2026-03-01): q1=b ✗, q2=b ✓, q3=a+b ✗ -> 1/3 failed
                           UT attempt 2 (2026-03-02): all right           -> 1.0 passed, then completed
                           LI attempt 1 (2026-03-04): q1 ✓, q2=c ✗, q3 ✓  -> 2/3 failed
  L2 "Jean Dupont"  (A, fr) UT attempt 1 (2026-03-01): q1=c ✗, q2 ✓, q3 ✓ -> 2/3 failed
                           LI attempt 1 (2026-03-05): attempted only      -> in progress
  L3 "=Ana+1"       (B, en) UT attempt 1 (2026-03-03): all right           -> 1.0 passed
UT = understanding-trafficking (audience all), LI = labour-inspection (audience labour-inspection).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fastapi.testclient import TestClient

from trainer.core.xapi import AnswerFacts, XapiConfig, attempt_statements, completion_statement
from trainer.server.app import create_app
from trainer.server.config import ServerConfig
from trainer.server.dashboard import accounts
from trainer.server.db import open_server_db
from trainer.server.enrolment import create_code, create_cohort, enrol_device

UT, LI = "understanding-trafficking", "labour-inspection"
QUESTIONS = {
    "q1": ("Which three elements make up trafficking?", ["a"]),
    "q2": ("A passport kept by the employer is which indicator?", ["b"]),
    "q3": ("Which are indicators of forced labour?", ["a", "c"]),
}
OPTIONS = [("a", "Option A"), ("b", "Option B"), ("c", "Option C")]
CONFIG = XapiConfig()
PASSWORD = "correct horse battery"
XAPI = {"X-Experience-API-Version": "1.0.3", "Content-Type": "application/json"}
L1_NAME, L2_NAME, L3_NAME = "ليلى حداد", "Jean Dupont", "=Ana+1"
L1, L2, L3 = (
    "11111111-1111-4111-8111-111111111111",
    "22222222-2222-4222-8222-222222222222",
    "33333333-3333-4333-8333-333333333333",
)


def key_of(learner_id: str) -> str:
    return f"account:{CONFIG.account_homepage}|{learner_id}"


def _ids(prefix: int):
    n = [0]

    def new_id() -> str:
        n[0] += 1
        return f"{prefix:08x}-0000-4000-8000-{n[0]:012x}"

    return new_id


def attempt(learner_id: str, name: str, module_id: str, lang: str, chosen: dict[str, list[str]] | None,
            start: datetime, attempt_id: str, new_id) -> list[dict]:
    """The statements of one attempt; chosen=None means started but not submitted."""
    answers = []
    for qid, picks in (chosen or {}).items():
        text, correct = QUESTIONS[qid]
        ok = sorted(picks) == sorted(correct)
        answers.append(AnswerFacts(qid, text, OPTIONS, correct, picks, 1.0 if ok else 0.0, ok))
    score = sum(a.score for a in answers) / len(answers) if answers else 0.0
    out = attempt_statements(
        config=CONFIG, learner_id=learner_id, module_id=module_id, module_version="1.0.0",
        module_names={lang: f"{module_id} ({lang})"}, lang=lang, attempt_id=attempt_id, answers=answers,
        score=score, passed=score >= 0.8, started_at=start, submitted_at=start + timedelta(minutes=10), new_id=new_id,
    )
    if chosen is None:
        out = out[:1]
    for s in out:
        s["actor"]["name"] = name
    return out


def seed_statements() -> dict[str, list[dict]]:
    """Statements per device key ('A', 'B'), in the order the devices queue them."""
    d = lambda day, hour=9: datetime(2026, 3, day, hour, 0, tzinfo=timezone.utc)  # noqa: E731
    a_ids, b_ids = _ids(0xA), _ids(0xB)
    right = {"q1": ["a"], "q2": ["b"], "q3": ["a", "c"]}
    dev_a: list[dict] = []
    dev_a += attempt(L1, L1_NAME, UT, "ar", {"q1": ["b"], "q2": ["b"], "q3": ["a", "b"]}, d(1),
                     "aaaaaaaa-0001-4000-8000-000000000001", a_ids)
    dev_a += attempt(L1, L1_NAME, UT, "ar", right, d(2), "aaaaaaaa-0001-4000-8000-000000000002", a_ids)
    done = completion_statement(config=CONFIG, learner_id=L1, module_id=UT, module_version="1.0.0",
                                module_names={"ar": "UT"}, lang="ar", completed_at=d(2, 11), new_id=a_ids)
    done["actor"]["name"] = L1_NAME
    dev_a.append(done)
    dev_a += attempt(L1, L1_NAME, LI, "ar", {"q1": ["a"], "q2": ["c"], "q3": ["a", "c"]}, d(4),
                     "aaaaaaaa-0001-4000-8000-000000000003", a_ids)
    dev_a += attempt(L2, L2_NAME, UT, "fr", {"q1": ["c"], "q2": ["b"], "q3": ["a", "c"]}, d(1, 14),
                     "aaaaaaaa-0002-4000-8000-000000000001", a_ids)
    dev_a += attempt(L2, L2_NAME, LI, "fr", None, d(5), "aaaaaaaa-0002-4000-8000-000000000002", a_ids)
    dev_b = attempt(L3, L3_NAME, UT, "en", right, d(3), "bbbbbbbb-0003-4000-8000-000000000001", b_ids)
    return {"A": dev_a, "B": dev_b}


@dataclass
class Seeded:
    db_path: Path
    app: object
    cohort_a: int
    cohort_b: int
    devices: dict[str, tuple[str, str]] = field(default_factory=dict)
    accounts: dict[str, accounts.Account] = field(default_factory=dict)

    def db(self):
        return open_server_db(self.db_path)


def post(client: TestClient, device: tuple[str, str], statements: list[dict]):
    body = json.dumps(statements, ensure_ascii=False).encode("utf-8")
    token = base64.b64encode(f"{device[0]}:{device[1]}".encode()).decode()
    r = client.post("/xapi/statements", content=body, headers={**XAPI, "Authorization": f"Basic {token}"})
    assert r.status_code == 200, r.text
    return r


def make_seeded(tmp_path: Path, *, send: bool = True) -> Seeded:
    db_path = tmp_path / "server.db"
    app = create_app(ServerConfig(db_path=db_path))
    db = open_server_db(db_path)
    a = create_cohort(db, "Inspectors north")["id"]
    b = create_cohort(db, "Border south")["id"]
    seeded = Seeded(db_path, app, a, b)
    for name, cohort in (("A", a), ("B", b)):
        code, _ = create_code(db, cohort)
        e = enrol_device(db, code, label=f"tablet {name}")
        seeded.devices[name] = (e.device_id, e.secret)
    seeded.accounts["admin"] = accounts.create_account(db, "admin", PASSWORD, role="administrator")
    seeded.accounts["trainer_a"] = accounts.create_account(db, "trainer_a", PASSWORD, display_name="Amina")
    seeded.accounts["trainer_b"] = accounts.create_account(db, "trainer_b", PASSWORD)
    accounts.assign(db, seeded.accounts["trainer_a"].id, a)
    accounts.assign(db, seeded.accounts["trainer_b"].id, b)
    db.conn.close()
    if send:
        with TestClient(app) as client:
            for name, statements in seed_statements().items():
                post(client, seeded.devices[name], statements)
    return seeded


def login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form; returns the session's CSRF token (read from a page)."""
    r = client.get("/dashboard/login")
    token = r.text.split('name="login_token" value="')[1].split('"')[0]
    r = client.post("/dashboard/login", data={"username": username, "password": password, "login_token": token,
                                              "next": "/dashboard/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get("/dashboard/")
    return page.text.split('name="csrf" value="')[1].split('"')[0]
