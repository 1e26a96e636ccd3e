"""Locale negotiation, direction, names in their own script, plurals and dates (Babel)."""

from __future__ import annotations

import datetime as dt

import pytest
from babel import Locale

from trainer.core import i18n


@pytest.mark.parametrize(
    "preferred, expected",
    [
        (["ar-EG", "en"], "ar"),
        (["fr-CA"], "fr"),
        (["pt_BR"], "pt"),
        (["de-DE", "es-MX"], "es"),
        (["zz"], "en"),
        ([], "en"),
        (["RU"], "ru"),
    ],
)
def test_negotiation(preferred, expected):
    assert i18n.negotiate(preferred) == expected


def test_rtl_detection():
    assert i18n.is_rtl("ar") and i18n.is_rtl("ar-EG") and i18n.is_rtl("fa")
    assert not any(i18n.is_rtl(lang) for lang in ("en", "fr", "es", "ru", "pt"))
    assert not i18n.is_rtl("not-a-language")


def test_language_names_in_own_script():
    names = {lang: i18n.language_name(lang) for lang in i18n.UI_LANGUAGES}
    assert names["ar"] == "العربية"
    assert names["ru"] == "Русский"
    assert names["fr"] == "Français"


def test_arabic_has_six_plural_categories_and_catalogue_uses_them():
    forms = {Locale.parse("ar").plural_form(n) for n in (0, 1, 2, 3, 11, 100)}
    assert forms == {"zero", "one", "two", "few", "many", "other"}


def test_dates_and_numbers_follow_ui_language():
    d = dt.date(2026, 11, 26)
    assert i18n.Translator("fr").date(d) == "26 novembre 2026"
    assert "نوفمبر" in i18n.Translator("ar").date(d)
    assert i18n.Translator("en").percent(0.85) == "85%"


def test_every_ui_language_has_a_compiled_catalogue_at_run_time():
    """Catalogues are compiled in memory from the .po when no .mo exists (fresh checkout)."""
    for lang in i18n.UI_LANGUAGES:
        if lang == "en":
            continue
        t = i18n.translations(lang)
        assert t.gettext("Settings") != "Settings", f"{lang}: 'Settings' is not translated"
