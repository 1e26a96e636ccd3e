"""In-process checks of numbers you can call, text direction and 48 dp targets.

(The browser tests check what Chromium draws; these check what the app sends: the client
actions behind a number, the isolation marks around it, the sizes set on choices.)"""

from __future__ import annotations

import asyncio

import flet as ft

from trainer.core.i18n import LRI, PDI
from trainer.core.settings import Settings
from trainer.core.storage import open_db
from trainer.ui import theme
from trainer.ui.app import make_main
from trainer.ui.screening.contacts import tel_url

from .harness import find_all, start

REAL = """\
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
languages = ["en"]
"""


def run(coro):
    return asyncio.run(coro)


async def boot(tmp_path, *, lang: str = "en", real: bool = False):
    db = open_db(tmp_path / "waymark.db")
    settings = Settings(db)
    settings.set("ui_language", lang)
    settings.set("content_language", lang)
    if real:
        (tmp_path / "referrals").mkdir()
        (tmp_path / "referrals" / "testland.toml").write_text(REAL, encoding="utf-8")
        settings.set("checklist.directory", "testland")
    db.close()
    return await start(make_main(data_dir=tmp_path), answers={"get_device_info": lambda args: None})


def keyed(h, prefix: str) -> list:
    return find_all(h.view, lambda c: str(getattr(c, "key", "") or "").startswith(prefix))


def actions(control) -> list:
    a = control.action
    return list(a) if isinstance(a, list) else ([a] if a else [])


def test_tel_url_keeps_only_the_digits_and_the_plus():
    assert tel_url("+44 20 7946 0018") == "tel:+442079460018"
    assert tel_url(f"{LRI}+000 0000 0005{PDI}") == "tel:+00000000005"


def test_real_numbers_are_call_buttons_with_tel_and_copy_actions(tmp_path):
    async def scenario():
        h = await boot(tmp_path, real=True)
        await h.go("/screening/urgent")
        call = keyed(h, "call-emergency-")[0]
        copy = keyed(h, "copy-emergency-")[0]
        assert isinstance(call, ft.Button)
        (open_url,) = actions(call)
        assert isinstance(open_url, ft.OpenUrl) and open_url.url == "tel:+442079460018"
        (to_clipboard,) = actions(copy)
        assert isinstance(to_clipboard, ft.CopyToClipboard) and to_clipboard.data == "+44 20 7946 0018"
        number = keyed(h, "phone-emergency-")[0]
        assert number.value == "+44 20 7946 0018" and number.semantics_label == "+44 20 7946 0018"
        assert not keyed(h, "cannot-call-") and not keyed(h, "demo-directory")
        # Copying says so.
        await h.click(copy)
        shown = [d for d in h.page._dialogs.controls if isinstance(d, ft.SnackBar)]
        assert shown and shown[-1].content.value == "Number copied: +44 20 7946 0018"

    run(scenario())


def test_demonstration_numbers_are_not_callable_and_say_so(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await h.go("/screening/urgent")
        assert not keyed(h, "call-"), "no call action for fictional numbers"
        assert keyed(h, "cannot-call-") and keyed(h, "demo-directory")
        assert keyed(h, "copy-")
        for number in keyed(h, "phone-"):
            assert number.value.startswith("+000")

    run(scenario())


def test_arabic_ui_isolates_numbers_and_english_data(tmp_path):
    async def scenario():
        h = await boot(tmp_path, lang="ar", real=True)
        await h.go("/screening/urgent")
        number = keyed(h, "phone-emergency-")[0]
        assert number.value == f"{LRI}+44 20 7946 0018{PDI}"
        assert number.semantics_label == "+44 20 7946 0018"  # read out in logical order
        hours = keyed(h, "hours-emergency-")[0]
        assert hours.value.endswith(f"{LRI}24 hours{PDI}")
        await h.click(keyed(h, "copy-emergency-")[0])
        snack = [d for d in h.page._dialogs.controls if isinstance(d, ft.SnackBar)][-1]
        assert f"{LRI}+44 20 7946 0018{PDI}" in snack.content.value

    run(scenario())


def test_choices_are_48dp_and_radio_labels_select(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        await h.go("/settings")
        chips = find_all(h.page.views[0], lambda c: isinstance(c, ft.Chip))
        assert chips and all(c.height == theme.TAP for c in chips)
        rows = keyed(h, "ui-language-")
        assert rows, "language rows"
        # Tapping a language's label selects it, as a tap on its radio does.
        row = h.find("ui-language-fr-row")
        await h.click(row)
        assert h.page.rtl is False and Settings(h.page.data.db).get("ui_language") == "fr"
        row = h.find("ui-language-ar-row")
        await h.click(row)
        assert h.page.rtl is True and Settings(h.page.data.db).get("ui_language") == "ar"

    run(scenario())


def test_theme_gives_every_button_kind_a_48dp_minimum():
    light, dark = theme.themes("ar")
    for t in (light, dark):
        assert t.visual_density == ft.VisualDensity.STANDARD
        for sub in (t.button_theme, t.filled_button_theme, t.outlined_button_theme, t.text_button_theme, t.icon_button_theme, t.segmented_button_theme):
            assert sub.style.minimum_size == ft.Size(theme.TAP, theme.TAP)


def test_radio_labels_select_after_the_screen_rebuilt_the_group(tmp_path):
    """New screening: changing the instrument rebuilds the profile and language groups (same
    keys); a tap on a label of the rebuilt group must still select it."""
    from .test_screening import set_pin

    async def scenario():
        h = await boot(tmp_path)
        await set_pin(h)
        await h.click(h.find("new-screening"))
        await h.click(h.find("instrument-ilo-ec-delphi-2009"))  # a full-width tile (issue 10)
        assert h.find("profile-adults-sexual-row") is not None  # the Delphi profiles are offered
        await h.click(h.find("language-ar-row"))
        assert not h.conn.crashed
        assert h.find("choose-language").value == "ar"
        await h.click(h.find("profile-adults-sexual-row"))
        assert h.find("choose-profile").value == "adults-sexual"
        assert not h.conn.crashed

    run(scenario())
