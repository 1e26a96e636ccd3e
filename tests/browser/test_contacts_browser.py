"""Numbers you can call, on a phone (412x915), in Arabic and in English.

* The immediate-danger screen with a real (non-demonstration) directory: every number is a
  48 dp button whose accessible label is the digits in order; tapping it opens the dialer
  (a `tel:` URL, opened by the client inside the tap); the copy button puts the number on the
  clipboard and says so.
* The same screen with the bundled demonstration directory: it says on screen that its
  numbers cannot be called, and offers no call button.

Screenshots: tests/browser/artifacts/contacts-*.png (look at the Arabic ones: the digit groups
must read "+44 20 7946 0018" from left to right, and "24 hours" must not read "hours 24").
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from trainer.core.i18n import Translator
from trainer.core.settings import Settings
from trainer.core.storage import open_db

from .conftest import PHONE, click_settled, open_app, shot, start_app

pytestmark = pytest.mark.browser

TIMEOUT = 30_000

# Numbers from Ofcom's range reserved for drama (020 7946 0000-0999): they have the shape of
# real numbers, so the directory is accepted as a real one, yet they reach nobody. The test
# never dials: window.open is replaced before the app loads.
REAL_DIRECTORY = """\
format = 1
id = "testland"
title = "Testland referral directory"
demonstration = false
updated = 2026-10-01

[countries.GB]
name = "Testland"

[[countries.GB.contacts]]
organisation = "Emergency services"
kind = "emergency"
phone = "+44 20 7946 0018"
hours = "24 hours"
languages = ["en", "ar"]

[[countries.GB.contacts]]
organisation = "Child protection duty line"
kind = "child-protection"
phone = "+44 20 7946 0019"
hours = "Monday to Friday, 09:00 to 17:00"
languages = ["en"]

[[countries.GB.contacts]]
organisation = "Anti-trafficking hotline"
kind = "hotline"
phone = "+44 20 7946 0020"
hours = "24 hours"
languages = ["en", "ar", "fr"]
"""

RECORD_OPENED = """
window.__opened = [];
window.open = function (url, target, features) { window.__opened.push(String(url)); return null; };
"""


def _serve(tmp_path: Path, real: bool):
    if real:
        (tmp_path / "referrals").mkdir()
        (tmp_path / "referrals" / "testland.toml").write_text(REAL_DIRECTORY, encoding="utf-8")
        db = open_db(tmp_path / "waymark.db")
        Settings(db).set("checklist.directory", "testland")
        db.close()
    return start_app(tmp_path)


@pytest.fixture
def served(tmp_path):
    procs = []

    def serve(real: bool) -> str:
        proc, url = _serve(tmp_path, real)
        procs.append(proc)
        return url

    yield serve
    for proc in procs:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


_HAS_TEXT = """t => [...document.querySelectorAll('flt-semantics')].some(e =>
  (e.getAttribute('aria-label') || e.textContent || '').replace(/[\\u2066-\\u2069\\u200e\\u200f]/g, '').includes(t))"""


def wait_text(page, fragment: str) -> None:
    """Wait for a text in the accessibility tree: in a node of its own or merged into a card's
    label (without direction marks)."""
    page.wait_for_function(_HAS_TEXT, arg=fragment, timeout=TIMEOUT)


def wheel_into_view(page, locator) -> dict:
    """Scroll the canvas until the element is wholly on screen (Flutter clips the rectangles
    of partly visible nodes); returns its rectangle."""
    for _ in range(30):
        box = locator.bounding_box()
        if box and box["y"] >= 60 and box["y"] + box["height"] <= PHONE["height"] - 20 and box["height"] >= 20:
            page.wait_for_timeout(300)
            return locator.bounding_box()
        page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 2)
        page.mouse.wheel(0, 250 if not box or box["y"] > PHONE["height"] / 2 else -250)
        page.wait_for_timeout(250)
    raise AssertionError(f"could not scroll {locator} into view")


def open_urgent(page, url: str, lang: str) -> None:
    """The immediate-danger screen needs no PIN (emergency numbers are not sensitive)."""
    open_app(page, url)
    page.get_by_role("button", name=Translator(lang).gettext("Settings")).first.wait_for(timeout=TIMEOUT)
    page.evaluate("r => { history.pushState({}, '', r); window.dispatchEvent(new PopStateEvent('popstate', {state: {}})); }", "/screening/urgent")
    page.get_by_role("button", name=Translator(lang).gettext("Back to the checklist")).wait_for(state="attached", timeout=TIMEOUT)


@pytest.mark.parametrize("lang, locale", [("ar", "ar-EG"), ("en", "en-GB")])
def test_real_numbers_open_the_dialer_and_copy(served, new_page, lang, locale):
    tr = Translator(lang).gettext
    url = served(real=True)
    page = new_page(PHONE, locale=locale)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=url.rstrip("/"))
    page.add_init_script(RECORD_OPENED)
    open_urgent(page, url, lang)

    # No demonstration notice with a real directory.
    assert page.get_by_text(tr("Fictional number: it cannot be called.")).count() == 0
    shot(page, f"contacts-{lang}-real-urgent")

    for phone in ("+44 20 7946 0018", "+44 20 7946 0019", "+44 20 7946 0020"):
        # The accessible label is exactly the digits in order (no direction marks).
        call = page.get_by_role("button", name=phone, exact=True)
        call.wait_for(state="attached", timeout=TIMEOUT)
        box = wheel_into_view(page, call)
        assert box["width"] >= 48 and box["height"] >= 48, f"{phone}: {box}"

    # Tap: the client opens tel:<digits> inside the tap.
    call = page.get_by_role("button", name="+44 20 7946 0018", exact=True)
    click_settled(page, call, TIMEOUT)
    page.wait_for_function("window.__opened.length > 0", timeout=TIMEOUT)
    assert page.evaluate("window.__opened") == ["tel:+442079460018"]

    # Copy: the number on the clipboard, and a confirmation on screen.
    copy = page.get_by_role("button", name=tr("Copy the number")).first
    click_settled(page, copy, TIMEOUT)
    confirmation = tr("Number copied: %(phone)s") % {"phone": "+44 20 7946 0018"}
    wait_text(page, confirmation)
    assert page.evaluate("navigator.clipboard.readText()") == "+44 20 7946 0018"
    shot(page, f"contacts-{lang}-real-copied")


@pytest.mark.parametrize("lang, locale", [("ar", "ar-EG"), ("en", "en-GB")])
def test_demonstration_numbers_say_they_cannot_be_called(served, new_page, lang, locale):
    tr = Translator(lang).gettext
    url = served(real=False)
    page = new_page(PHONE, locale=locale)
    page.add_init_script(RECORD_OPENED)
    open_urgent(page, url, lang)

    wait_text(page, tr("Fictional number: it cannot be called."))
    wait_text(page, tr("Demonstration directory: these contacts are fictional and their numbers cannot be called. Ask your supervisor for your country's referral directory."))
    shot(page, f"contacts-{lang}-demo-urgent")
    # The numbers are shown, read out as the digits in order, and are not call buttons.
    for phone in ("+000 000", "+000 0000 0005", "+000 0000 0000"):
        assert page.get_by_role("button", name=phone, exact=True).count() == 0
        wait_text(page, phone)
    # Copying still works (for training), and nothing was opened.
    click_settled(page, page.get_by_role("button", name=tr("Copy the number")).first, TIMEOUT)
    page.wait_for_timeout(800)
    assert page.evaluate("window.__opened") == []
