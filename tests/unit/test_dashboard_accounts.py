"""Trainer accounts, sessions, sign-in throttling, and `trainer admin create-trainer`."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from fastapi.testclient import TestClient

from tests.unit.dashboard_support import PASSWORD, login, make_seeded
from trainer.server.__main__ import main as server_main
from trainer.server.dashboard import accounts
from trainer.server.dashboard.web import Throttle
from trainer.server.db import open_server_db


@pytest.fixture()
def db(tmp_path):
    d = open_server_db(tmp_path / "s.db")
    yield d
    d.conn.close()


def test_passwords_are_stored_as_scrypt_hashes_only(db):
    accounts.create_account(db, "amina", PASSWORD)
    stored = db.execute("SELECT password_hash FROM dash_account").fetchone()[0]
    assert stored.startswith("scrypt$") and PASSWORD not in stored
    assert accounts.verify_login(db, "amina", PASSWORD).username == "amina"
    assert accounts.verify_login(db, "AMINA", PASSWORD) is not None  # user names ignore case
    assert accounts.verify_login(db, "amina", PASSWORD + "x") is None
    assert accounts.verify_login(db, "nobody", PASSWORD) is None


@pytest.mark.parametrize(
    "username, password, role, reason",
    [
        ("a", PASSWORD, "trainer", "username"),
        ("has space", PASSWORD, "trainer", "username"),
        ("ok", "short", "trainer", "password"),
        ("ok", PASSWORD, "owner", "role"),
    ],
)
def test_account_rules(db, username, password, role, reason):
    with pytest.raises(accounts.AccountError) as e:
        accounts.create_account(db, username, password, role=role)
    assert e.value.reason == reason


def test_user_names_are_unique_regardless_of_case(db):
    accounts.create_account(db, "Amina", PASSWORD)
    with pytest.raises(accounts.AccountError) as e:
        accounts.create_account(db, "amina", PASSWORD)
    assert e.value.reason == "exists"


def test_sessions_expire_and_end_with_a_disabled_account_or_a_new_password(db):
    a = accounts.create_account(db, "amina", PASSWORD)
    now = datetime(2026, 3, 1, tzinfo=timezone.utc)
    token, csrf = accounts.start_session(db, a, now=now)
    assert db.execute("SELECT COUNT(*) FROM dash_session WHERE token_hash = ?", [token]).fetchone() == (0,)
    assert accounts.session_account(db, token, now=now + timedelta(hours=1)) == (a, csrf)
    assert accounts.session_account(db, token, now=now + timedelta(hours=accounts.SESSION_HOURS + 1)) is None
    token, _ = accounts.start_session(db, a)
    accounts.set_disabled(db, a.id, True)
    assert accounts.session_account(db, token) is None
    accounts.set_disabled(db, a.id, False)
    token, _ = accounts.start_session(db, a)
    accounts.set_password(db, "amina", "another long password")
    assert accounts.session_account(db, token) is None
    assert accounts.session_account(db, "made-up") is None


def test_visible_cohorts(db):
    admin = accounts.create_account(db, "root", PASSWORD, role="administrator")
    t = accounts.create_account(db, "amina", PASSWORD)
    db.execute("INSERT INTO cohort (id, name, created_at) VALUES (7, 'c', 'x'), (8, 'd', 'x')")
    accounts.assign(db, t.id, 7)
    assert accounts.visible_cohorts(db, admin) is None
    assert accounts.visible_cohorts(db, t) == [7]
    assert accounts.may_see(db, t, 7) and not accounts.may_see(db, t, 8)
    accounts.unassign(db, t.id, 7)
    assert accounts.visible_cohorts(db, t) == []


def test_throttle_blocks_after_repeated_failures_then_forgets():
    th = Throttle(limit=3, window=60)
    for i in range(3):
        assert not th.blocked(["u"], now=i)
        th.failed(["u"], now=i)
    assert th.blocked(["u"], now=10)
    assert not th.blocked(["u"], now=100)
    th.failed(["u"], now=100)
    th.succeeded(["u"])
    assert not th.blocked(["u"], now=101)


def test_sign_in_form_refuses_wrong_passwords_then_throttles(tmp_path):
    seeded = make_seeded(tmp_path, send=False)
    with TestClient(seeded.app) as client:
        token = client.get("/dashboard/login").text.split('name="login_token" value="')[1].split('"')[0]
        for _ in range(5):
            r = client.post("/dashboard/login", data={"username": "admin", "password": "wrong password!", "login_token": token})
            assert r.status_code == 401
        r = client.post("/dashboard/login", data={"username": "admin", "password": PASSWORD, "login_token": token})
        assert r.status_code == 429
        assert "waymark_session" not in client.cookies


def test_sign_in_needs_the_forms_own_token(tmp_path):
    seeded = make_seeded(tmp_path, send=False)
    with TestClient(seeded.app) as client:
        r = client.post("/dashboard/login", data={"username": "admin", "password": PASSWORD, "login_token": "x"})
        assert r.status_code == 403 and "waymark_session" not in client.cookies


def test_trainer_creates_a_cohort_and_sees_it_then_gets_a_code(tmp_path):
    seeded = make_seeded(tmp_path, send=False)
    with TestClient(seeded.app) as client:
        csrf = login(client, "trainer_b")
        r = client.post("/dashboard/cohorts", data={"name": "Night shift", "csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303
        url = r.headers["location"].split("?")[0]
        assert "Night shift" in client.get(url).text
        cohort_id = int(url.rsplit("/", 1)[1])
        r = client.post(f"{url}/codes", data={"days": "3", "uses": "5", "note": "room 2", "csrf": csrf})
        assert r.status_code == 200
        code = r.text.split('<p class="code" dir="ltr">')[1].split("<")[0]
        assert len(code) == 14 and "waymark://enrol?" in r.text
        r = client.post(f"{url}/rename", data={"name": "Night shift B", "csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303
        r = client.post(f"{url}/archive", data={"csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303
    db = seeded.db()
    assert db.execute("SELECT name, archived_at IS NOT NULL FROM cohort WHERE id = ?", [cohort_id]).fetchone() == ("Night shift B", 1)
    assert accounts.may_see(db, seeded.accounts["trainer_b"], cohort_id)
    assert not accounts.may_see(db, seeded.accounts["trainer_a"], cohort_id)
    assert db.execute("SELECT max_uses, note FROM enrolment_code WHERE cohort_id = ?", [cohort_id]).fetchone() == (5, "room 2")


def test_trainer_revokes_a_device_of_their_cohort(tmp_path):
    seeded = make_seeded(tmp_path, send=False)
    device = seeded.devices["A"][0]
    with TestClient(seeded.app) as client:
        csrf = login(client, "trainer_a")
        r = client.post(f"/dashboard/cohorts/{seeded.cohort_a}/devices/{device}/revoke", data={"csrf": csrf},
                        follow_redirects=False)
        assert r.status_code == 303
        # The device is cut off at its next request.
        r = client.get("/api/device", auth=seeded.devices["A"])
        assert r.status_code == 401


def test_administrator_manages_accounts_and_cohort_trainers(tmp_path):
    seeded = make_seeded(tmp_path, send=False)
    with TestClient(seeded.app) as client:
        csrf = login(client, "admin")
        r = client.post("/dashboard/accounts", data={"username": "omar", "password": "short", "csrf": csrf})
        assert r.status_code == 400 and "10 characters" in r.text
        r = client.post("/dashboard/accounts", data={"username": "omar", "password": "long enough pass", "role": "trainer",
                                                     "csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303
        r = client.post(f"/dashboard/cohorts/{seeded.cohort_a}/trainers", data={"username": "omar", "csrf": csrf},
                        follow_redirects=False)
        assert r.status_code == 303
        db = seeded.db()
        omar = accounts.get_account(db, "omar")
        assert accounts.visible_cohorts(db, omar) == [seeded.cohort_a]
        r = client.post(f"/dashboard/accounts/{omar.id}/disable", data={"csrf": csrf}, follow_redirects=False)
        assert r.status_code == 303
        assert accounts.verify_login(db, "omar", "long enough pass") is None
        me = seeded.accounts["admin"].id
        assert client.post(f"/dashboard/accounts/{me}/disable", data={"csrf": csrf}).status_code == 403


def test_cli_creates_the_first_account_as_administrator(tmp_path, monkeypatch, capsys):
    path = tmp_path / "server.db"
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert server_main(["admin", "create-trainer", "root", "--db", str(path), "--password-stdin", "--create",
                        "--server-url", "http://192.168.1.10:8765"]) == 0
    out = capsys.readouterr().out
    assert "administrator account 'root' created" in out and "Sign in at http://192.168.1.10:8765/dashboard/" in out
    assert server_main(["admin", "create-cohort", "North", "--db", str(path)]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert server_main(["admin", "create-trainer", "amina", "--name", "Amina", "--cohort", "1", "--db", str(path),
                        "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert "trainer account 'amina' created; cohorts 1" in out and PASSWORD not in out
    db = open_server_db(path)
    amina = accounts.get_account(db, "amina")
    assert amina.role == "trainer" and accounts.visible_cohorts(db, amina) == [1]
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert server_main(["admin", "create-trainer", "bad", "--db", str(path), "--password-stdin"]) == 2
    assert server_main(["admin", "assign-trainer", "amina", "1", "--remove", "--db", str(path)]) == 0
    assert accounts.visible_cohorts(db, amina) == []
    assert server_main(["admin", "list-trainers", "--db", str(path)]) == 0
    assert "root\tadministrator" in capsys.readouterr().out
    assert server_main(["admin", "rebuild-dashboard", "--db", str(path)]) == 0
