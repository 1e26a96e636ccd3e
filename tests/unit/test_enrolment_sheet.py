"""The printable enrolment sheet, from the dashboard (cohort-scoped like every page) and the CLI.

Whether its QR codes really decode to the links is checked in a browser
(tests/browser/test_enrolment_sheet_browser.py); here: what the page holds and who may make it.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.unit.dashboard_support import login, make_seeded
from trainer.core.i18n import Translator
from trainer.server.admin import enrol_link
from trainer.server.dashboard import sheet
from trainer.server.db import open_server_db
from trainer.server.enrolment import create_code, create_cohort, enrol_device, list_codes, revoke_code

ROOT = Path(__file__).resolve().parents[2]
SERVER = "http://192.168.1.10:8765"


def cards_in(html: str) -> list[str]:
    return re.findall(r'<section class="card" data-link="([^"]+)">', html)


def codes_in(html: str) -> list[str]:
    return re.findall(r'<p class="code" dir="ltr">([^<]+)</p>', html)


def test_render_sheet_holds_one_qr_and_code_per_card():
    code = "7C4P-8XGM-02TP"
    cards = sheet.cards_for(code, enrol_link(SERVER, code), SERVER, "Inspectors", "2026-12-17T10:00:00Z", 10)
    html = sheet.render_sheet(cards, Translator("en"))
    assert cards_in(html) == [enrol_link(SERVER, code).replace("&", "&amp;")] * 10
    assert codes_in(html) == [code] * 10
    assert html.count('<svg role="img" aria-hidden="true" viewBox=') == 10  # inline: nothing to download
    assert html.count('<main class="sheet">') == 2  # eight cards per A4 page
    assert "Valid until Dec 17, 2026" in html and "@page { size: A4" in html
    assert "http://" not in re.sub(r"(data-link|dir=\"ltr\">)[^<\"]*", "", html).replace(SERVER, "")  # no outside resource
    assert "only works on this computer" not in html
    local = sheet.render_sheet(sheet.cards_for(code, enrol_link("http://127.0.0.1:8765", code), "http://127.0.0.1:8765",
                                               "X", None, 1), Translator("en"))
    assert "only works on this computer" in local and "Valid until" not in local
    with pytest.raises(sheet.SheetError):
        sheet.cards_for(code, "l", SERVER, "X", None, 0)


def test_arabic_sheet_is_right_to_left_with_codes_left_to_right():
    code = "7C4P-8XGM-02TP"
    html = sheet.render_sheet(sheet.cards_for(code, enrol_link(SERVER, code), SERVER, "مفتشو العمل", "2026-12-17T10:00:00Z", 1),
                              Translator("ar"))
    assert '<html lang="ar" dir="rtl">' in html and '<p class="code" dir="ltr">7C4P-8XGM-02TP</p>' in html
    assert "\u206617/12/2026\u2069" in html  # the expiry date, isolated


def test_style_hash_matches_the_inline_style():
    expected = base64.b64encode(hashlib.sha256(sheet.STYLE.encode()).digest()).decode()
    assert sheet.style_hash() == f"'sha256-{expected}'"


@pytest.fixture()
def seeded(tmp_path):
    return make_seeded(tmp_path, send=False)


def test_dashboard_sheet_with_a_new_code_and_with_the_code_just_created(seeded):
    before = len(list_codes(seeded.db(), seeded.cohort_a))
    with TestClient(seeded.app) as client:
        csrf = login(client, "trainer_a")
        page = client.get(f"/dashboard/cohorts/{seeded.cohort_a}").text
        assert f'action="/dashboard/cohorts/{seeded.cohort_a}/sheet"' in page
        r = client.post(f"/dashboard/cohorts/{seeded.cohort_a}/sheet", data={"csrf": csrf, "copies": "12", "days": "7"})
        assert r.status_code == 200
        csp = r.headers["content-security-policy"]
        assert f"style-src {sheet.style_hash()}" in csp and "script-src" not in csp and "default-src 'none'" in csp
        assert r.headers["cache-control"] == "no-store"
        codes = codes_in(r.text)
        assert len(codes) == 12 and len(set(codes)) == 1 and len(cards_in(r.text)) == 12
        # The card's link names the server's public address and its code enrols a device.
        link = cards_in(r.text)[0].replace("&amp;", "&")
        public = seeded.app.state.config.public_url.rstrip("/")
        assert link == enrol_link(public, codes[0])
        assert enrol_device(seeded.db(), codes[0]).cohort_id == seeded.cohort_a
        assert len(list_codes(seeded.db(), seeded.cohort_a)) == before + 1

        # The code shown once after "Create enrolment code" can be printed without a new one.
        r = client.post(f"/dashboard/cohorts/{seeded.cohort_a}/codes", data={"csrf": csrf, "days": "3"})
        shown = r.text.split('<p class="code" dir="ltr">')[1].split("<")[0]
        assert f'name="code" value="{shown}"' in r.text
        r = client.post(f"/dashboard/cohorts/{seeded.cohort_a}/sheet", data={"csrf": csrf, "code": shown, "copies": "2"})
        assert r.status_code == 200 and codes_in(r.text) == [shown, shown]
        assert len(list_codes(seeded.db(), seeded.cohort_a)) == before + 2

        # A made-up code, a code of another cohort, a withdrawn code: refused, nothing printed.
        other, _ = create_code(seeded.db(), seeded.cohort_b)
        for bad in ("ABCD-EFGH-JKMN", other, shown[:4]):
            r = client.post(f"/dashboard/cohorts/{seeded.cohort_a}/sheet", data={"csrf": csrf, "code": bad})
            assert r.status_code == 400 and not cards_in(r.text)
        revoke_code(seeded.db(), shown)
        r = client.post(f"/dashboard/cohorts/{seeded.cohort_a}/sheet", data={"csrf": csrf, "code": shown})
        assert r.status_code == 400 and "new code" in r.text
        r = client.post(f"/dashboard/cohorts/{seeded.cohort_a}/sheet", data={"csrf": csrf, "copies": "0"})
        assert r.status_code == 400


def test_dashboard_sheet_is_cohort_scoped_and_needs_the_form_token(seeded):
    with TestClient(seeded.app) as client:
        csrf = login(client, "trainer_a")
        before = len(list_codes(seeded.db(), seeded.cohort_b))
        r = client.post(f"/dashboard/cohorts/{seeded.cohort_b}/sheet", data={"csrf": csrf})
        assert r.status_code == 404 and not cards_in(r.text)  # not their cohort: looks like nothing
        r = client.post(f"/dashboard/cohorts/{seeded.cohort_a}/sheet", data={"csrf": "wrong"})
        assert r.status_code == 403
        assert len(list_codes(seeded.db(), seeded.cohort_b)) == before
    with TestClient(seeded.app) as client:
        r = client.post(f"/dashboard/cohorts/{seeded.cohort_a}/sheet", data={})
        assert r.status_code == 401


def admin(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("WAYMARK_SERVER_DB", "WAYMARK_PUBLIC_URL")}
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.run([sys.executable, "-m", "trainer", "admin", *args], capture_output=True, text=True, timeout=60,
                          env=env, stdin=subprocess.DEVNULL)


def test_cli_writes_the_sheet_with_a_new_code_or_a_given_one(tmp_path):
    db_path = tmp_path / "server.db"
    db = open_server_db(db_path)
    cohort = create_cohort(db, "Inspecteurs")["id"]
    kept, _ = create_code(db, cohort)
    db.conn.close()
    out = tmp_path / "sheet.html"
    r = admin("enrolment-sheet", "--cohort", str(cohort), "-o", str(out), "--server-url", SERVER + "/", "--copies", "3",
              "--lang", "fr", "--db", str(db_path))
    assert r.returncode == 0, r.stderr
    html = out.read_text(encoding="utf-8")
    codes = codes_in(html)
    assert len(codes) == 3 and codes[0] in r.stdout and SERVER in r.stdout and '<html lang="fr"' in html
    assert cards_in(html)[0].replace("&amp;", "&") == enrol_link(SERVER, codes[0])
    r = admin("enrolment-sheet", "--cohort", str(cohort), "-o", str(out), "--server-url", SERVER, "--code",
              kept.lower().replace("-", " "), "--db", str(db_path))
    assert r.returncode == 0, r.stderr
    assert codes_in(out.read_text(encoding="utf-8")) == [kept] * 8
    assert len(list_codes(open_server_db(db_path), cohort)) == 2  # the given code made no new one


@pytest.mark.parametrize("extra, words", [
    (["--server-url", SERVER, "--cohort", "9"], "no cohort 9"),
    (["--cohort", "1"], "--server-url"),
    (["--server-url", SERVER, "--cohort", "1", "--code", "ABCD-EFGH-JKMN"], "not an active enrolment code"),
    (["--server-url", SERVER, "--cohort", "1", "--copies", "0"], "--copies"),
    (["--server-url", SERVER, "--cohort", "1", "--lang", "de"], "--lang"),
])
def test_cli_sheet_errors_are_one_line(tmp_path, extra, words):
    db_path = tmp_path / "server.db"
    db = open_server_db(db_path)
    create_cohort(db, "North")
    db.conn.close()
    r = admin("enrolment-sheet", "-o", str(tmp_path / "s.html"), "--db", str(db_path), *extra)
    assert r.returncode != 0 and "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and words in r.stderr
    assert not (tmp_path / "s.html").exists()
