"""Colours, fonts and sizes shared by every screen."""

from __future__ import annotations

import flet as ft

SEED = ft.Colors.TEAL
ARABIC_FONT = "Naskh"
FONTS = {
    ARABIC_FONT: "fonts/NotoNaskhArabic-Regular.ttf",
    f"{ARABIC_FONT} Bold": "fonts/NotoNaskhArabic-Bold.ttf",
}
TAP = 48  # minimum tap target, in logical pixels
MAX_WIDTH = 720  # reading column on wide screens


def font_for(lang: str | None) -> str | None:
    """Scripts the bundled web client cannot draw need a bundled font (offline, no CDN)."""
    if lang and lang.split("_")[0] in ("ar", "fa", "ur"):
        return ARABIC_FONT
    return None


def themes(lang: str) -> tuple[ft.Theme, ft.Theme]:
    family = font_for(lang)
    # Flutter derives the dark colour scheme from the same seed.
    return ft.Theme(color_scheme_seed=SEED, font_family=family), ft.Theme(color_scheme_seed=SEED, font_family=family)


def size(base: float, scale: float) -> float:
    return round(base * scale, 1)
