"""A UI language added while the app runs: no restart, offered behind a labelled switch until it
reaches the threshold, its untranslated strings in English (phone size, real Chromium)."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.unit.partial_locale import LANG, make_partial_locales

from .conftest import PHONE, click_settled, open_app, shot, start_app

pytestmark = pytest.mark.browser


def test_a_new_partial_language_appears_without_a_restart(tmp_path, new_page):
    made = make_partial_locales(tmp_path / "locales")
    share = f"{len(made['translated']) * 100 // made['total']}%"
    away = tmp_path / "sw-not-yet"
    shutil.move(str(made["locales"] / LANG), away)  # the app starts without Swahili
    data = tmp_path / "data"
    data.mkdir()
    proc, url = start_app(data, extra_env={"WAYMARK_LOCALES": str(made["locales"])})
    try:
        page = new_page(viewport=PHONE, locale="sw-KE")
        open_app(page, url)
        page.get_by_text("Training modules").wait_for()  # Swahili is not offered: English
        page.get_by_role("button", name="Settings").click()
        page.get_by_text("App language").wait_for()
        assert page.get_by_role("switch", name="Show languages still being translated").count() == 0

        shutil.move(str(away), made["locales"] / LANG)  # a translator adds the catalogue
        page.go_back()
        page.get_by_text("Training modules").wait_for()
        click_settled(page, page.get_by_role("button", name="Settings"))
        switch = page.get_by_role("switch", name="Show languages still being translated")
        switch.wait_for()
        box = switch.bounding_box()
        assert box["height"] >= 48, box
        switch.click()
        radio = page.get_by_role("radio", name=f"Kiswahili · {share} translated")
        radio.wait_for()
        shot(page, "settings-languages-still-being-translated")
        radio.click()
        page.get_by_text("Mipangilio").first.wait_for()  # "Settings", translated
        page.get_by_text("App language").first.wait_for()  # not translated: English
        shot(page, "settings-in-swahili-with-english-fallback")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
