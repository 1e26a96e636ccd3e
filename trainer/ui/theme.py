"""Colours, fonts and sizes shared by every screen.

Tap targets: every button, radio, checkbox, chip and segment is at least 48x48 dp (WCAG 2.5.5,
Material's minimum) on every platform. Flutter only pads controls to 48 dp by default on
phones; in a desktop browser (including a narrow window) it uses a compact density with 32 px
buttons. So the theme fixes it once for all buttons:

* visual density STANDARD everywhere (never the compact desktop density);
* a 48x48 minimum size for every kind of button (filled, outlined, text, icon, segmented,
  and so the AppBar's back arrow and dialog actions too).

Radios, checkboxes and chips have no minimum size in the theme; they are made 48 dp tall
where they are built (`widgets.radio_group`, `widgets.checkbox`, `widgets.chip`).
"""

from __future__ import annotations

from typing import Optional

import flet as ft
from flet.controls.value_types import value

SEED = ft.Colors.TEAL
ARABIC_FONT = "Naskh"
FONTS = {
    ARABIC_FONT: "fonts/NotoNaskhArabic-Regular.ttf",
    f"{ARABIC_FONT} Bold": "fonts/NotoNaskhArabic-Bold.ttf",
}
TAP = 48  # minimum tap target, in logical pixels
MAX_WIDTH = 720  # reading column on wide screens
DENSITY = ft.VisualDensity.STANDARD


@value
class TapStyle(ft.ButtonStyle):
    """A ButtonStyle with Flutter's `minimumSize`. Flet 1.0.5's client reads `minimum_size`
    from every ButtonStyle (it maps to ButtonStyle.minimumSize), but the Python class does not
    declare the field; this subclass sends it."""

    minimum_size: Optional[ft.Size] = None


def tap_style(**kwargs) -> TapStyle:
    """A button style with the 48x48 dp minimum (and the standard density, which does not
    shrink it), plus any other ButtonStyle properties."""
    return TapStyle(minimum_size=ft.Size(TAP, TAP), visual_density=DENSITY, **kwargs)


def font_for(lang: str | None) -> str | None:
    """Scripts the bundled web client cannot draw need a bundled font (offline, no CDN)."""
    if lang and lang.split("_")[0] in ("ar", "fa", "ur"):
        return ARABIC_FONT
    return None


def _theme(family: str | None) -> ft.Theme:
    return ft.Theme(
        color_scheme_seed=SEED,
        font_family=family,
        visual_density=DENSITY,
        button_theme=ft.ButtonTheme(style=tap_style()),
        filled_button_theme=ft.FilledButtonTheme(style=tap_style()),
        outlined_button_theme=ft.OutlinedButtonTheme(style=tap_style()),
        text_button_theme=ft.TextButtonTheme(style=tap_style()),
        icon_button_theme=ft.IconButtonTheme(style=tap_style()),
        segmented_button_theme=ft.SegmentedButtonTheme(style=tap_style()),
        radio_theme=ft.RadioTheme(visual_density=DENSITY),
        checkbox_theme=ft.CheckboxTheme(visual_density=DENSITY),
        list_tile_theme=ft.ListTileTheme(visual_density=DENSITY),
    )


def themes(lang: str) -> tuple[ft.Theme, ft.Theme]:
    family = font_for(lang)
    # Flutter derives the dark colour scheme from the same seed.
    return _theme(family), _theme(family)


def size(base: float, scale: float) -> float:
    return round(base * scale, 1)
