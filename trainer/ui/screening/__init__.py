"""The screening screens: the indicator checklist (see trainer/core/checklist for the rules).

Importing this package adds the checklist to the home screen and its options to settings.
"""

from __future__ import annotations

import flet as ft

from .. import widgets
from ..views import home, settings
from . import consent, private, questions, results, settings_section, start, urgent

ROUTES = [
    ("/screening", start.build_list),
    ("/screening/new", start.build_new),
    ("/screening/urgent", urgent.build),
    ("/screening/s/:sid/consent", consent.build),
    ("/screening/s/:sid/step/:n", questions.build),
    ("/screening/s/:sid/private", private.build),
    ("/screening/s/:sid/results", results.build),
]


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
if settings_section.section not in settings.EXTRA_SECTIONS:
    settings.EXTRA_SECTIONS.append(settings_section.section)
