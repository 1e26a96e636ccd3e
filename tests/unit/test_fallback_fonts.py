"""The bundled fallback fonts the server gives the web engine cover the letters of their languages."""

from __future__ import annotations

import unicodedata

import pytest

from trainer.ui.serve import FALLBACK_FONTS

fontTools = pytest.importorskip("fontTools.ttLib")


def letters(first: int, last: int) -> str:
    """Every assigned letter, mark and digit of a Unicode block."""
    return "".join(chr(c) for c in range(first, last + 1) if unicodedata.category(chr(c))[0] in "LMN")


URDU_PERSIAN = "ٹڈڑںےۓپچژگیکھہۂۃۀءآأؤإئ۰۱۲۳۴۵۶۷۸۹؟،۔"
NEEDS = {
    "/assets/fonts/notosansarabic/": URDU_PERSIAN + letters(0x0621, 0x064A),
    "/assets/fonts/notonaskharabic/": URDU_PERSIAN + letters(0x0621, 0x064A),
    "/assets/fonts/notosansbengali/": letters(0x0980, 0x09FF) + "।॥",
    "/assets/fonts/notosansdevanagari/": letters(0x0900, 0x097F) + "।॥",
    "/assets/fonts/notosans/": letters(0x0900, 0x097F) + "।॥",
    "/assets/fonts/notosansethiopic/": letters(0x1200, 0x137F) + "።፣፤፧",
}


def test_every_engine_request_has_a_font():
    assert set(FALLBACK_FONTS) == set(NEEDS)


@pytest.mark.parametrize("prefix", sorted(NEEDS))
def test_fallback_font_covers_its_script(prefix):
    path = FALLBACK_FONTS[prefix]
    assert path.is_file(), path
    cmap = fontTools.TTFont(str(path)).getBestCmap()
    missing = [f"U+{ord(c):04X}" for c in NEEDS[prefix] if ord(c) not in cmap]
    assert not missing, f"{path.name} lacks {missing}"


def test_fonts_stay_small():
    """A cheap phone downloads these on first use: subsets, not whole font families."""
    for path in set(FALLBACK_FONTS.values()):
        assert path.stat().st_size < 200_000, path
