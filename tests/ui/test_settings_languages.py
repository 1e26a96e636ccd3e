"""Settings → App language with a partly translated language (in-process, no browser)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import flet as ft

from tests.unit.partial_locale import LANG, make_partial_locales
from trainer.ui import app as app_module
from trainer.core.i18n import strip_bidi
from trainer.ui.app import make_main

from .harness import find_all, start

FIXTURE = str(Path(__file__).resolve().parents[1] / "fixtures" / "curricula_small")


async def boot(data_dir, monkeypatch, route="/settings", languages=("sw-KE",)):
    async def device_locales(page):
        return list(languages)

    monkeypatch.setattr(app_module, "device_locales", device_locales)
    return await start(make_main(data_dir=data_dir, curricula_dir=FIXTURE), route=route,
                       answers={"get_device_info": lambda args: None})


def has(h, key: str) -> bool:
    try:
        h.find(key)
    except LookupError:
        return False
    return True


def test_a_language_below_the_threshold_is_behind_a_labelled_switch_and_falls_back_to_english(tmp_path, monkeypatch):
    made = make_partial_locales(tmp_path / "locales")
    monkeypatch.setenv("WAYMARK_LOCALES", str(made["locales"]))

    async def scenario():
        h = await boot(tmp_path / "data", monkeypatch)
        # First start on a Swahili device: Swahili is not offered by default, so English.
        assert h.page.data.ui_language == "en"
        assert has(h, "ui-language-fr") and not has(h, f"ui-language-{LANG}")
        switch = h.find("show-partial-languages")
        assert switch.label == "Show languages still being translated" and switch.value is False
        assert switch.height >= 48
        await h.set_value(switch, True)
        assert h.find(f"ui-language-{LANG}")  # the radio; its label is the text of its row
        row = h.find(f"ui-language-{LANG}-row")
        label = strip_bidi(" ".join(t.value for t in find_all(row, lambda c: isinstance(c, ft.Text))))
        assert label.startswith("Kiswahili · ") and label.endswith("% translated")
        assert h.find("ui-language-partial-note").value == "Whatever is not yet translated is shown in English."
        group = h.find("ui-language")
        await h.set_value(group, LANG)
        assert h.page.data.ui_language == LANG
        title = h.view.appbar.title.value
        assert title == "Mipangilio"  # "Settings", translated
        assert "App language" in h.texts()  # untranslated: shown in English
        # The language in use stays listed (and the switch on) on the next visit.
        await h.go("/")
        await h.go("/settings")
        assert has(h, f"ui-language-{LANG}") and h.find("show-partial-languages").value is True
        assert not h.conn.crashed

    asyncio.run(scenario())


def test_no_switch_when_every_language_meets_the_threshold(tmp_path, monkeypatch):
    async def scenario():
        h = await boot(tmp_path, monkeypatch, languages=("fr-FR",))
        assert h.page.data.ui_language == "fr"
        assert not has(h, "show-partial-languages")
        assert all(has(h, f"ui-language-{code}") for code in ("en", "fr", "es", "ar", "ru", "pt"))

    asyncio.run(scenario())
