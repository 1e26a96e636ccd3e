"""The dashboard in the six UI languages: every string translated, placeholders kept, Arabic right to left."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from tests.unit.dashboard_support import login, make_seeded
from trainer.core.i18n import UI_LANGUAGES, locales_dir

DASHBOARD = Path(__file__).resolve().parents[2] / "trainer" / "server" / "dashboard"
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def dashboard_messages() -> list:
    found = extract_from_dir(
        str(DASHBOARD),
        method_map=[("**.py", "python"), ("templates/**.html", "jinja2")],
        keywords={**DEFAULT_KEYWORDS, "N_": None},
    )
    return [m[2] for m in found]


@pytest.mark.parametrize("lang", [lang for lang in UI_LANGUAGES if lang != "en"])
def test_every_dashboard_string_is_translated_with_its_placeholders(lang):
    catalogue = read_po(open(locales_dir() / lang / "LC_MESSAGES" / "messages.po", "rb"), locale=lang)
    messages = dashboard_messages()
    assert len(messages) > 150
    for msgid in messages:
        key = msgid if isinstance(msgid, str) else msgid
        entry = catalogue.get(key if isinstance(key, str) else key[0])
        assert entry is not None and entry.string, (lang, msgid)
        assert "fuzzy" not in entry.flags, (lang, msgid)
        forms = [entry.string] if isinstance(entry.string, str) else list(entry.string)
        assert all(forms), (lang, msgid)
        source = set(PLACEHOLDER.findall(msgid if isinstance(msgid, str) else msgid[1]))
        for form in forms:
            used = set(PLACEHOLDER.findall(form))
            assert used <= source, (lang, msgid, form)  # never a placeholder the code does not fill
            if isinstance(msgid, str):
                assert used == source, (lang, msgid, form)


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
