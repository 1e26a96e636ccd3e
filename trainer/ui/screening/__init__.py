"""The screening screens: the indicator checklist (see trainer/core/checklist for the rules).

Importing this package adds the checklist to the home screen and its options to settings.
It is light on purpose: the screens (and the checklist core behind them) are imported when
first shown, or earlier by `preload` in the background, never before the app's first view.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import import_module

import flet as ft

from .. import widgets
from ..views import home, settings


@lru_cache(maxsize=None)
def _screen(module: str, attr: str = "build"):
    """A route builder that imports its screen module on first use (one object per screen)."""

    def builder(app, params):
        return getattr(import_module(f"{__name__}.{module}"), attr)(app, params)

    builder.__qualname__ = builder.__name__ = f"{module}.{attr}"
    return builder


ROUTES = [
    ("/screening", _screen("start", "build_list")),
    ("/screening/new", _screen("start", "build_new")),
    ("/screening/urgent", _screen("urgent")),
    ("/screening/consent", _screen("consent")),
    ("/screening/s/:sid/consent", _screen("consent")),
    ("/screening/s/:sid/step/:n", _screen("questions")),
    ("/screening/s/:sid/private", _screen("private")),
    ("/screening/s/:sid/results", _screen("results")),
]
SCREENS = ("start", "urgent", "consent", "questions", "private", "results", "summary", "contacts", "lock")


def preload(app) -> None:
    """Import the checklist screens and load the indicator sets once (their parsed, cached
    form), so that the first open is quick. Called on a background thread after the first
    view; safe to call again or never (the first open then does the same work)."""
    for module in SCREENS:
        import_module(f"{__name__}.{module}")
    from ...core.errors import DataErrors
    from .state import indicator_sets

    try:
        indicator_sets(str(app.curriculum.root))
    except DataErrors:  # not cached: the checklist screen reports the broken set when opened
        pass


def settings_entry(app) -> ft.Control | None:
    """The checklist's options in settings (imported when settings is first shown)."""
    from .settings_section import section

    return section(app)


def home_entry(app) -> ft.Control:
    _ = app._
    return widgets.tappable_card(
        _("Indicator checklist. Screen a person for indicators of trafficking or forced labour."),
        lambda e: app.go("/screening"),
        ft.Row(
            [
                ft.Icon(ft.Icons.FACT_CHECK_OUTLINED),
                ft.Column(
                    [
                        ft.Text(_("Indicator checklist"), weight=ft.FontWeight.BOLD),
                        ft.Text(_("Screen a person for indicators of trafficking or forced labour.")),
                    ],
                    expand=True,
                    spacing=2,
                ),
            ]
        ),
        key="open-checklist",
    )


def home_action(app) -> ft.Control:
    """The checklist one tap from the top of the training home, whatever the scroll position."""
    return widgets.icon_button(ft.Icons.FACT_CHECK_OUTLINED, app._("Indicator checklist"), lambda e: app.go("/screening"), key="appbar-checklist")


if home_action not in home.APPBAR_ACTIONS:
    home.APPBAR_ACTIONS.append(home_action)
if home_entry not in home.EXTRA_SECTIONS and not any(getattr(f, "__module__", "") == __name__ for f in home.EXTRA_SECTIONS):
    home.EXTRA_SECTIONS.append(home_entry)
if settings_entry not in settings.EXTRA_SECTIONS:
    settings.EXTRA_SECTIONS.append(settings_entry)
