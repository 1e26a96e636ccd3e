"""The dashboard in every UI language: translated strings keep their placeholders, untranslated
ones are shown in English, languages below the threshold are reachable but clearly labelled,
Arabic right to left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from tests.unit.dashboard_support import login, make_seeded
from tests.unit.partial_locale import LANG, make_partial_locales
from trainer.core.i18n import known_languages, locales_dir

DASHBOARD = Path(__file__).resolve().parents[2] / "trainer" / "server" / "dashboard"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def dashboard_messages() -> list:
    found = extract_from_dir(
        str(DASHBOARD),
        method_map=[("**.py", "python"), ("templates/**.html", "jinja2")],
        keywords={**DEFAULT_KEYWORDS, "N_": None},
    )
    return [m[2] for m in found]


@pytest.mark.parametrize("lang", [lang for lang in known_languages() if lang != "en"])
def test_translated_dashboard_strings_keep_their_placeholders(lang):
    """No language has to be complete (the threshold in locales/languages.toml decides what is
    offered); what a catalogue does translate must fill exactly the placeholders the code fills."""
    catalogue = read_po(open(locales_dir() / lang / "LC_MESSAGES" / "messages.po", "rb"), locale=lang)
    messages = dashboard_messages()
    assert len(messages) > 150
    for msgid in messages:
        entry = catalogue.get(msgid if isinstance(msgid, str) else msgid[0])
        if entry is None or entry.fuzzy:
            continue  # untranslated: shown in English (see the Swahili test below)
        forms = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        source = set(PLACEHOLDER.findall(msgid if isinstance(msgid, str) else msgid[1]))
        for form in forms:
            if not form:
                continue
            used = set(PLACEHOLDER.findall(form))
            assert used <= source, (lang, msgid, form)  # never a placeholder the code does not fill
            if isinstance(msgid, str):
                assert used == source, (lang, msgid, form)


def test_a_partly_translated_language_is_reachable_labelled_and_falls_back_to_english(tmp_path, monkeypatch):
    made = make_partial_locales(tmp_path / "locales")
    monkeypatch.setenv("WAYMARK_LOCALES", str(made["locales"]))
    seeded = make_seeded(tmp_path / "server")
    share = f"{len(made['translated']) * 100 // made['total']}%"  # Babel's English percent, e.g. '10%'
    with TestClient(seeded.app) as client:
        # Not offered by default: a Swahili browser gets English...
        page = client.get("/dashboard/login", headers={"Accept-Language": "sw-KE,sw;q=0.9"}).text
        assert '<html lang="en"' in page
        main_links, partial = page.split('<details class="partial-langs"')
        assert 'hreflang="sw"' not in main_links and 'hreflang="fr"' in main_links
        assert "<summary>Languages still being translated</summary>" in partial
        assert f'hreflang="sw" >Kiswahili <span dir="ltr">({share} translated)</span>' in partial
        assert "<details class=\"partial-langs\" open" not in page
        # ...but it can be chosen, and then the page is in Swahili where it is translated.
        client.get("/dashboard/language/sw")
        login(client, "admin")
        page = client.get("/dashboard/").text
        assert '<html lang="sw" dir="ltr">' in page
        assert "Toka" in page  # "Sign out", translated
        assert ">Cohorts</a>" in page and ">Completion</a>" in page  # untranslated: English
        assert "Trainer dashboard" in page  # fuzzy: English
        assert '<details class="partial-langs" open>' in page  # the current language is shown where it is
        # Another partial-language page in French shows the share in French.
        client.get("/dashboard/language/fr")
        page = client.get("/dashboard/").text
        assert "Kiswahili" in page and '<html lang="fr"' in page


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return make_seeded(tmp_path_factory.mktemp("i18n"))


def test_arabic_pages_are_right_to_left_and_translated(seeded):
    with TestClient(seeded.app) as client:
        login(client, "admin")
        r = client.get("/dashboard/language/ar?next=/dashboard/completion", follow_redirects=False)
        assert r.headers["location"] == "/dashboard/completion"
        for url in ("/dashboard/", "/dashboard/completion", "/dashboard/questions?module=understanding-trafficking",
                    f"/dashboard/cohorts/{seeded.cohort_a}", "/dashboard/accounts"):
            page = client.get(url).text
            assert '<html lang="ar" dir="rtl">' in page, url
            assert "تسجيل الخروج" in page, url  # "Sign out"


def test_language_follows_the_browser_until_one_is_chosen(seeded):
    with TestClient(seeded.app) as client:
        page = client.get("/dashboard/login", headers={"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}).text
        assert '<html lang="fr" dir="ltr">' in page and "Se connecter" in page
        client.get("/dashboard/language/ru")
        page = client.get("/dashboard/login", headers={"Accept-Language": "fr"}).text
        assert '<html lang="ru" dir="ltr">' in page
        client.get("/dashboard/language/xx")  # unknown: English
        assert '<html lang="en"' in client.get("/dashboard/login").text


def test_language_links_never_leave_the_dashboard(seeded):
    with TestClient(seeded.app) as client:
        r = client.get("/dashboard/language/fr?next=https://evil.example/", follow_redirects=False)
        assert r.headers["location"] == "/dashboard/"
