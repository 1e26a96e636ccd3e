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
    names = {lang: i18n.language_name(lang) for lang in i18n.known_languages()}
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
    """Catalogues are compiled in memory from the .po when no .mo exists (fresh checkout); what a
    catalogue translates is shown translated, everything else in English (gettext's fallback)."""
    from babel.messages.pofile import read_po

    for lang in i18n.known_languages():
        if lang == "en":
            continue
        t = i18n.translations(lang)
        with (i18n.locales_dir() / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        for m in catalog:
            if not m.id or not isinstance(m.id, str):
                continue
            expected = m.string if (m.string and not m.fuzzy) else m.id
            assert t.gettext(m.id) == expected, (lang, m.id)
