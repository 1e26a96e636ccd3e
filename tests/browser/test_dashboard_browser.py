"""The trainer dashboard in a real browser: `trainer serve` as a subprocess on a seeded database.

Sign in, open a cohort, filter the completion matrix, open a learner, download the CSV;
screenshots at laptop and phone sizes, once in Arabic (right to left). The `new_page`
fixture fails the test if the page tries to reach anything beyond this machine.
"""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.conftest import LAPTOP, PHONE, free_port, shot, wait_http
from tests.unit.dashboard_support import L1_NAME, L2_NAME, PASSWORD, seed_statements
from trainer.server.dashboard import accounts
from trainer.server.db import ServerDB
from trainer.server.enrolment import Device, create_code, create_cohort, enrol_device
from trainer.server.store import prepare, store

pytestmark = pytest.mark.browser


def seed(db_path: Path) -> None:
    """The unit tests' data set, stored through the server's own ingest code (no HTTP)."""
    sdb = ServerDB(db_path)
    db = sdb.get()
    cohorts = {"A": create_cohort(db, "Inspectors north")["id"], "B": create_cohort(db, "Border south")["id"]}
    admin = accounts.create_account(db, "amina", PASSWORD, role="trainer", display_name="Amina")
    accounts.assign(db, admin.id, cohorts["A"])
    accounts.assign(db, admin.id, cohorts["B"])
    for name, statements in seed_statements().items():
        code, _ = create_code(db, cohorts[name])
        e = enrol_device(db, code, label=f"tablet {name}")
        store(sdb, Device(e.device_id, cohorts[name], f"tablet {name}"), prepare(copy.deepcopy(statements)),
              home_page="http://127.0.0.1/devices")
    sdb.close()


@pytest.fixture()
def server(tmp_path):
    db_path = tmp_path / "server.db"
    seed(db_path)
    port = free_port()
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "trainer", "serve", "--db", str(db_path), "--port", str(port), "--log-level", "warning"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(url + "/dashboard/login")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def sign_in(page, url: str) -> None:
    page.goto(url + "/dashboard/")
    assert "/dashboard/login" in page.url
    page.fill("input[name=username]", "amina")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/dashboard/login'] button[type=submit]")
    page.wait_for_selector("h1")


def test_trainer_signs_in_filters_opens_a_learner_and_downloads_the_csv(server, new_page, tmp_path):
    page = new_page(LAPTOP, locale="en-GB")
    sign_in(page, server)
    assert page.inner_text("h1") == "Cohorts"
    assert page.locator("svg.chart").count() == 1
    shot(page, "dashboard-overview-laptop")

    page.get_by_role("link", name="Inspectors north").click()
    assert page.inner_text("h1").startswith("Inspectors north")
    assert page.locator("section[aria-labelledby=devices] tbody tr").count() == 1
    shot(page, "dashboard-cohort-laptop")

    page.get_by_role("link", name="Completion of this cohort").click()
    rows = page.locator("table.matrix tbody tr")
    assert rows.count() == 2
    page.select_option("select[name=language]", "ar")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**language=ar**")
    assert rows.count() == 1 and L1_NAME in rows.first.inner_text()
    shot(page, "dashboard-completion-laptop")

    with page.expect_download() as download:
        page.click("a[href^='/dashboard/completion.csv']")
    body = Path(download.value.path()).read_bytes()
    assert body.startswith("\ufeff".encode()) and L1_NAME.encode() in body and L2_NAME.encode() not in body

    page.get_by_role("link", name=L1_NAME).click()
    assert page.inner_text("h1") == L1_NAME
    assert page.locator("article.attempt").count() == 3
    shot(page, "dashboard-learner-laptop")

    page.goto(server + "/dashboard/questions?module=understanding-trafficking")
    assert page.locator("svg.chart.histogram").count() == 1
    shot(page, "dashboard-questions-laptop")


def test_phone_and_arabic(server, new_page):
    page = new_page(PHONE, locale="en-GB")
    sign_in(page, server)
    page.goto(server + "/dashboard/completion")
    assert page.locator("table.matrix tbody tr").count() == 3
    # The matrix scrolls sideways inside its box; the page itself does not.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "dashboard-completion-phone")

    page.click("nav.langs a[lang=ar]")
    page.wait_for_selector("html[dir=rtl]")
    assert page.get_attribute("html", "lang") == "ar"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "dashboard-completion-phone-ar")

    page.goto(server + "/dashboard/learner?key=" + "account%3Ahttps%3A%2F%2Fwaymark.invalid%2Flearners%7C11111111-1111-4111-8111-111111111111")
    assert page.get_attribute("html", "dir") == "rtl"
    shot(page, "dashboard-learner-phone-ar")

    laptop = new_page(LAPTOP, locale="ar")
    sign_in(laptop, server)
    assert laptop.get_attribute("html", "dir") == "rtl"  # negotiated from the browser's language
    laptop.goto(server + "/dashboard/questions?module=understanding-trafficking&language=ar")
    shot(laptop, "dashboard-questions-laptop-ar")
