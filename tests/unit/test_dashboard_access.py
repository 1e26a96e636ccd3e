"""Who may see and do what on the dashboard: every page, export and action, for an anonymous
visitor, a trainer of another cohort, the cohort's own trainer and an administrator."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.unit.dashboard_support import L1, L1_NAME, L2_NAME, L3_NAME, PASSWORD, key_of, login, make_seeded
from trainer.server.dashboard import accounts
from trainer.server.enrolment import create_code


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return make_seeded(tmp_path_factory.mktemp("access"))


@pytest.fixture()
def client(seeded):
    with TestClient(seeded.app) as c:
        yield c


def pages_of(s) -> list[str]:
    """Every GET page and export that shows cohort A's data."""
    a = s.cohort_a
    return [
        f"/dashboard/cohorts/{a}",
        f"/dashboard/cohorts/{a}?stale=3",
        f"/dashboard/completion?cohort={a}",
        f"/dashboard/completion?cohort={a}&language=ar&from=2026-03-01&to=2026-03-31&sort=passed&desc=1",
        f"/dashboard/completion.csv?cohort={a}",
        f"/dashboard/questions?cohort={a}",
        f"/dashboard/questions?cohort={a}&module=understanding-trafficking&language=ar",
        f"/dashboard/questions.csv?cohort={a}",
        "/dashboard/learner?key=" + key_of(L1).replace("|", "%7C"),
    ]


GENERAL = ["/dashboard/", "/dashboard/completion", "/dashboard/completion.csv", "/dashboard/questions",
           "/dashboard/questions.csv", "/dashboard/accounts", "/dashboard/?archived=1"]


def test_anonymous_visitor_is_sent_to_sign_in_from_every_page_and_export(client, seeded):
    for url in pages_of(seeded) + GENERAL:
        r = client.get(url, follow_redirects=False)
        assert r.status_code == 303, url
        assert r.headers["location"].startswith("/dashboard/login?next=%2Fdashboard"), url
        assert L1_NAME not in r.text


def actions_of(s, device_a: str, code_a: str) -> list[tuple[str, dict]]:
    a = s.cohort_a
    return [
        (f"/dashboard/cohorts/{a}/rename", {"name": "Renamed"}),
        (f"/dashboard/cohorts/{a}/archive", {}),
        (f"/dashboard/cohorts/{a}/codes", {"days": "7"}),
        (f"/dashboard/cohorts/{a}/codes/{code_a}/withdraw", {}),
        (f"/dashboard/cohorts/{a}/devices/{device_a}/revoke", {}),
    ]


ADMIN_ACTIONS = [
    ("/dashboard/accounts", {"username": "newbie", "password": "long enough password", "role": "trainer"}),
]


def _code_id(seeded) -> str:
    db = seeded.db()
    _code, row = create_code(db, seeded.cohort_a)
    db.conn.close()
    return row["id"]


def test_anonymous_form_posts_are_401_and_change_nothing(client, seeded):
    code_id = _code_id(seeded)
    for url, form in actions_of(seeded, seeded.devices["A"][0], code_id) + ADMIN_ACTIONS + [("/dashboard/cohorts", {"name": "x"})]:
        r = client.post(url, data=form, follow_redirects=False)
        assert r.status_code == 401, url
    db = seeded.db()
    assert db.execute("SELECT name, archived_at FROM cohort WHERE id = ?", [seeded.cohort_a]).fetchone() == ("Inspectors north", None)
    assert db.execute("SELECT revoked_at FROM device WHERE id = ?", [seeded.devices["A"][0]]).fetchone() == (None,)
    assert db.execute("SELECT revoked_at FROM enrolment_code WHERE id = ?", [code_id]).fetchone() == (None,)
    assert db.execute("SELECT COUNT(*) FROM cohort").fetchone() == (2,)


def test_trainer_of_another_cohort_gets_404_for_every_page_and_export_of_it(client, seeded):
    login(client, "trainer_b")
    for url in pages_of(seeded):
        r = client.get(url)
        assert r.status_code == 404, url
        assert L1_NAME not in r.text and "Inspectors north" not in r.text, url


def test_trainer_of_another_cohort_cannot_change_it(client, seeded):
    csrf = login(client, "trainer_b")
    code_id = _code_id(seeded)
    for url, form in actions_of(seeded, seeded.devices["A"][0], code_id):
        r = client.post(url, data={**form, "csrf": csrf}, follow_redirects=False)
        assert r.status_code == 404, url
    db = seeded.db()
    assert db.execute("SELECT name, archived_at FROM cohort WHERE id = ?", [seeded.cohort_a]).fetchone() == ("Inspectors north", None)
    assert db.execute("SELECT revoked_at FROM device WHERE id = ?", [seeded.devices["A"][0]]).fetchone() == (None,)
    assert db.execute("SELECT revoked_at FROM enrolment_code WHERE id = ?", [code_id]).fetchone() == (None,)


def test_trainer_lists_and_exports_show_only_their_own_cohort(client, seeded):
    login(client, "trainer_b")
    for url in ("/dashboard/", "/dashboard/completion", "/dashboard/completion.csv", "/dashboard/questions",
                "/dashboard/questions.csv", "/dashboard/questions?module=understanding-trafficking"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert L1_NAME not in r.text and L2_NAME not in r.text and "Inspectors north" not in r.text, url
    matrix = client.get("/dashboard/completion.csv").content.decode("utf-8-sig")
    assert "'" + L3_NAME in matrix  # their own learner is there (formula-guarded)
    # Cohort B saw no wrong answers; cohort A's wrong answers must not leak into the statistics.
    questions = client.get("/dashboard/questions.csv").content.decode("utf-8-sig").splitlines()
    assert all(line.split(",")[1] == "en" for line in questions[1:])
    assert all(",0,0.0," in line for line in questions[1:])


def test_trainer_is_refused_administrator_pages_and_actions(client, seeded):
    csrf = login(client, "trainer_a")
    assert client.get("/dashboard/accounts").status_code == 403
    for url, form in ADMIN_ACTIONS + [(f"/dashboard/cohorts/{seeded.cohort_a}/trainers", {"username": "trainer_b"})]:
        assert client.post(url, data={**form, "csrf": csrf}, follow_redirects=False).status_code == 403, url
    db = seeded.db()
    assert accounts.get_account(db, "newbie") is None
    assert [t["username"] for t in accounts.trainers_of(db, seeded.cohort_a)] == ["trainer_a"]


def test_own_trainer_and_administrator_see_every_page(client, seeded):
    for who in ("trainer_a", "admin"):
        client.cookies.clear()
        login(client, who)
        for url in pages_of(seeded):
            r = client.get(url)
            assert r.status_code == 200, (who, url)
    assert client.get("/dashboard/accounts").status_code == 200  # the administrator, last signed in


def test_administrator_sees_every_cohort_in_lists(client, seeded):
    login(client, "admin")
    r = client.get("/dashboard/completion")
    assert L1_NAME in r.text and L2_NAME in r.text and L3_NAME in r.text
    r = client.get("/dashboard/")
    assert "Inspectors north" in r.text and "Border south" in r.text


def test_form_posts_need_this_sessions_csrf_token_and_origin(client, seeded):
    csrf = login(client, "trainer_a")
    url = f"/dashboard/cohorts/{seeded.cohort_a}/rename"
    assert client.post(url, data={"name": "X"}, follow_redirects=False).status_code == 403
    assert client.post(url, data={"name": "X", "csrf": "forged"}, follow_redirects=False).status_code == 403
    r = client.post(url, data={"name": "X", "csrf": csrf}, headers={"Origin": "http://evil.example"}, follow_redirects=False)
    assert r.status_code == 403
    db = seeded.db()
    assert db.execute("SELECT name FROM cohort WHERE id = ?", [seeded.cohort_a]).fetchone() == ("Inspectors north",)


def test_session_cookie_is_httponly_and_samesite_strict(client, seeded):
    r = client.get("/dashboard/login")
    token = r.text.split('name="login_token" value="')[1].split('"')[0]
    r = client.post("/dashboard/login", data={"username": "admin", "password": PASSWORD, "login_token": token},
                    follow_redirects=False)
    cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("waymark_session="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/dashboard" in cookie
    # Over plain HTTP (a LAN server) the browser would drop a Secure cookie; over HTTPS it is Secure.
    assert "Secure" not in cookie
    with TestClient(seeded.app, base_url="https://trainer.lan") as tls:
        r = tls.get("/dashboard/login")
        token = r.text.split('name="login_token" value="')[1].split('"')[0]
        r = tls.post("/dashboard/login", data={"username": "admin", "password": PASSWORD, "login_token": token},
                     follow_redirects=False)
        cookie = next(v for k, v in r.headers.multi_items() if k == "set-cookie" and v.startswith("waymark_session="))
        assert "Secure" in cookie


def test_signing_out_ends_the_session_on_the_server(client, seeded):
    csrf = login(client, "admin")
    stolen = client.cookies.get("waymark_session")
    r = client.post("/dashboard/logout", data={"csrf": csrf}, follow_redirects=False)
    assert r.status_code == 303
    client.cookies.clear()
    client.cookies.set("waymark_session", stolen, path="/dashboard")
    assert client.get("/dashboard/", follow_redirects=False).status_code == 303


def test_sign_in_redirect_never_leaves_the_dashboard(client, seeded):
    r = client.get("/dashboard/login?next=https://evil.example/")
    assert 'name="next" value="/dashboard/"' in r.text
    token = r.text.split('name="login_token" value="')[1].split('"')[0]
    r = client.post("/dashboard/login", data={"username": "admin", "password": PASSWORD, "login_token": token,
                                              "next": "//evil.example/dashboard"}, follow_redirects=False)
    assert r.headers["location"] == "/dashboard/"


def test_pages_forbid_scripts_and_framing(client, seeded):
    login(client, "admin")
    r = client.get("/dashboard/")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    assert "script-src" not in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["cache-control"] == "no-store"
    assert "<script" not in r.text
