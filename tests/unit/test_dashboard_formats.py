"""Dates and numbers on the dashboard: Babel in the page's language, one date style per
locale, and in right-to-left pages every value a left-to-right isolate (pages, SVG charts)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient

from tests.unit.dashboard_support import L1, UT, key_of, login, make_seeded
from trainer.core.i18n import Translator, ui_languages
from trainer.server.dashboard.render import LRI, PDI, Formats, isolate_ltr

RLM = "\u200f"


@pytest.mark.parametrize("lang, day, moment", [
    ("en", "Mar 2, 2026", "Mar 2, 2026, 09:10"),
    ("fr", "2 mars 2026", "2 mars 2026, 09:10"),
    ("es", "2 mar 2026", "2 mar 2026, 9:10"),
    ("pt", "2 de mar. de 2026", "2 de mar. de 2026 09:10"),
    ("ru", "2 мар. 2026\u202fг.", "2 мар. 2026\u202fг., 09:10"),
    ("ar", LRI + "02/03/2026" + PDI, LRI + "02/03/2026" + PDI + "، " + LRI + "09:10" + PDI),
])
def test_one_date_style_per_locale(lang, day, moment):
    fmt = Formats(Translator(lang))
    assert fmt.day("2026-03-02T09:10:00.000Z") == day
    assert fmt.day(date(2026, 3, 2)) == day
    # A moment is the same date with a 24-hour UTC time, joined by the locale's own pattern.
    assert fmt.when("2026-03-02T09:10:00.000Z") == moment
    assert fmt.when(None) == "—" and fmt.when(None, empty="") == ""


def test_numbers_are_isolated_only_in_right_to_left_pages():
    ar, fr = Formats(Translator("ar")), Formats(Translator("fr"))
    assert ar.num(1234.5) == LRI + "1,234.5" + PDI and fr.num(1234.5) == "1\u202f234,5"
    assert ar.pct(0.825) == LRI + "82%" + PDI
    assert ar.ratio(3, 10) == LRI + "3 / 10" + PDI and fr.ratio(3, 10) == "3 / 10"
    assert isolate_ltr("03\u200f/12\u200f/2026", rtl=True) == LRI + "03/12/2026" + PDI  # Babel's marks go
    assert isolate_ltr("x", rtl=False) == "x" and isolate_ltr("", rtl=True) == ""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    return make_seeded(tmp_path_factory.mktemp("formats"))


def _dates(text: str) -> list[str]:
    return re.findall(r"\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4}", text)


def test_arabic_pages_and_charts_hold_dates_as_isolates_in_one_style(seeded):
    with TestClient(seeded.app) as client:
        login(client, "admin")
        client.get("/dashboard/language/ar")
        pages = {
            "overview": client.get("/dashboard/").text,
            "cohort": client.get(f"/dashboard/cohorts/{seeded.cohort_a}").text,
            "completion": client.get("/dashboard/completion").text,
            "learner": client.get("/dashboard/learner", params={"key": key_of(L1)}).text,
            "questions": client.get(f"/dashboard/questions?module={UT}").text,
        }
    for name, page in pages.items():
        assert RLM not in page, name  # Babel's right-to-left marks never reach a page
        found = _dates(page)
        assert found or name == "questions", name  # the questions page shows no dates
        for d in found:
            # every date is dd/mm/yyyy, directly inside a left-to-right isolate
            assert re.fullmatch(r"\d\d/\d\d/\d{4}", d), (name, d)
            assert LRI + d + PDI in page, (name, d)
    # Chart axes: the date ticks and percentages of the timeline, the counts of the histogram.
    svg = pages["overview"][pages["overview"].index("<svg"):pages["overview"].index("</svg>")]
    ticks = re.findall(r'<text class="tick"[^>]*>([^<]*)</text>', svg)
    assert any(re.fullmatch(LRI + r"\d\d/\d\d/\d{4}" + PDI, t) for t in ticks), ticks
    assert LRI + "100%" + PDI in ticks
    hist = pages["questions"][pages["questions"].index('<svg class="chart histogram"'):]
    assert LRI + "0–10" + PDI in hist
    # Attempt lines on the learner page: date and time as two isolates joined by the Arabic comma.
    assert re.search(LRI + r"\d\d/\d\d/\d{4}" + PDI + "، " + LRI + r"\d\d:\d\d" + PDI, pages["learner"])


@pytest.mark.parametrize("lang", [lang for lang in ui_languages() if lang != "ar"])
def test_left_to_right_pages_carry_no_isolates(seeded, lang):
    with TestClient(seeded.app) as client:
        login(client, "admin")
        client.get(f"/dashboard/language/{lang}")
        page = client.get("/dashboard/learner", params={"key": key_of(L1)}).text
    assert LRI not in page and PDI not in page
