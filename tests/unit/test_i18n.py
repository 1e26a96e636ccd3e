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


# --- two directions in one line -------------------------------------------------------------

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"


def test_direction_of_uses_the_first_strong_character():
    assert i18n.direction_of("24 hours") == "ltr"
    assert i18n.direction_of("24 ساعة") == "rtl"
    assert i18n.direction_of("«الخط الساخن» hotline") == "rtl"
    assert i18n.direction_of("+000 0000 0005") is None  # digits and signs only
    assert i18n.direction_of("") is None


def test_isolate_wraps_in_the_requested_isolate():
    assert i18n.isolate("+000 0000 0005") == f"{LRI}+000 0000 0005{PDI}"
    assert i18n.isolate("ساعة", "rtl") == f"{RLI}ساعة{PDI}"
    assert i18n.isolate("x", "auto") == f"{FSI}x{PDI}"
    assert i18n.isolate("") == ""
    with pytest.raises(KeyError):
        i18n.isolate("x", "sideways")


def test_strip_bidi_gives_the_logical_order_back():
    marked = f"الهاتف: {LRI}+000 0000 0005{PDI}\u200f"
    assert i18n.strip_bidi(marked) == "الهاتف: +000 0000 0005"


def test_arabic_ui_isolates_phone_numbers_and_english_data_text():
    ar = i18n.Translator("ar")
    assert ar.rtl and ar.direction == "rtl"
    # The two bugs seen in the Arabic UI: reversed digit groups, "hours 24".
    assert ar.ltr("+000 0000 0005") == f"{LRI}+000 0000 0005{PDI}"
    assert ar.embed("24 hours") == f"{LRI}24 hours{PDI}"
    assert ar.embed("Monday to Friday, 09:00 to 17:00").startswith(LRI)
    assert ar.embed("09:00-17:00") == f"{LRI}09:00-17:00{PDI}"  # no letters: left to right
    assert ar.embed("على مدار الساعة") == "على مدار الساعة"  # same direction: untouched


def test_left_to_right_ui_leaves_its_own_text_alone_and_isolates_arabic():
    en = i18n.Translator("en")
    assert not en.rtl and en.direction == "ltr"
    assert en.ltr("+000 0000 0005") == "+000 0000 0005"
    assert en.embed("24 hours") == "24 hours"
    assert en.embed("خط المساعدة") == f"{RLI}خط المساعدة{PDI}"


def test_numbers_and_dates_go_through_babel_in_the_ui_locale():
    ar, fr, en = i18n.Translator("ar"), i18n.Translator("fr"), i18n.Translator("en")
    assert i18n.strip_bidi(ar.number(1234.5)) == "1,234.5"  # CLDR 'ar': Latin digits
    assert ar.number(5).startswith(LRI)
    assert fr.number(1234.5) == "1\u202f234,5"
    assert en.percent(0.85) == "85%" and i18n.strip_bidi(ar.percent(0.85)).startswith("85")
    assert "يناير" in ar.iso_date("2025-01-01") and "2025" in ar.iso_date("2025-01-01")
    assert en.iso_date("2025-01-31") == "January 31, 2025"
    assert en.iso_date("not a date") == "not a date"
    assert ar.iso_date("not a date") == f"{LRI}not a date{PDI}"


def test_lists_follow_the_ui_language():
    assert i18n.Translator("en").list(["English", "Arabic", "French"]) == "English, Arabic, and French"
    assert i18n.Translator("ar").list(["الإنجليزية", "العربية"]) == "الإنجليزية والعربية"
    assert i18n.Translator("fr").list([]) == ""


def test_isolate_html_escapes_and_sets_the_direction():
    assert i18n.isolate_html("<+000>") == '<bdi dir="ltr">&lt;+000&gt;</bdi>'
    assert i18n.isolate_html("24 hours", "auto") == '<bdi dir="auto">24 hours</bdi>'
