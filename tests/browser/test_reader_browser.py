"""A person on a phone switches Waymark to Arabic and reads the second section of a module."""

from __future__ import annotations

import pytest

from trainer.core.curricula import load_curricula
from trainer.core.i18n import Translator

from .conftest import PHONE, click_settled, open_app, shot

pytestmark = pytest.mark.browser

MODULE = "understanding-trafficking"


def test_arabic_reader_on_phone(app_url, new_page):
    ar = Translator("ar").gettext
    module = load_curricula().module(MODULE)
    text, fell_back = module.text("ar")
    assert not fell_back, "the first module must exist in Arabic"

    page = new_page(viewport=PHONE)
    open_app(page, app_url)
    page.get_by_role("button", name="Settings").click()
    # Both language lists show Arabic in its own script: one for the app, one for the content.
    page.get_by_role("radio", name="العربية").first.click()
    page.get_by_text(ar("Training content language")).wait_for()
    page.get_by_role("radio", name="العربية").nth(1).click()
    page.go_back()  # the browser's back button returns to the module list

    page.get_by_role("button", name=text.title).first.click()
    # The module carries a content warning: shown first, with the choice to go on.
    page.get_by_text(text.content_warning).wait_for()
    click_settled(page, page.get_by_role("button", name=ar("Continue")))
    page.get_by_text(text.sections[0].title).wait_for()
    click_settled(page, page.get_by_role("button", name=ar("Next")))

    second = text.sections[1]
    page.get_by_text(second.title).wait_for()
    position = ar("Section %(i)d of %(n)d") % {"i": 2, "n": len(text.sections)}
    page.get_by_text(position).wait_for()
    # The layout is mirrored: the section title sits at the right edge of the screen.
    box = page.get_by_text(second.title).bounding_box()
    assert box["x"] + box["width"] > PHONE["width"] * 0.6, box
    shot(page, "reader-arabic-section-2")


def test_first_start_follows_the_browser_language(app_url, new_page):
    """No language chosen yet: the device's (browser's) locale is negotiated with Babel."""
    fr = Translator("fr").gettext
    page = new_page(locale="fr-FR")
    open_app(page, app_url)
    page.get_by_text(fr("Training modules")).wait_for()
    title = load_curricula().module(MODULE).text("fr")[0].title
    page.get_by_role("button", name=title).first.wait_for()
    shot(page, "home-first-start-fr")
