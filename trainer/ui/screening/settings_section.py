"""The checklist's settings: referral directory and country, retention, idle lock."""

from __future__ import annotations

import flet as ft

from .. import theme, widgets
from .state import COUNTRY_KEY, DIRECTORY_KEY, IDLE_CHOICES, IDLE_KEY, checklist_state

RETENTION_CHOICES = (7, 14, 30, 60, 90)


def section(app) -> ft.Control:
    _ = app._
    state = checklist_state(app)
    directories = state.directories()
    directory = state.directory()
    country = state.country()

    def pick_directory(e):
        app.settings.set(DIRECTORY_KEY, e.control.value)
        app.settings.set(COUNTRY_KEY, None)
        app.refresh()

    def pick_country(e):
        app.settings.set(COUNTRY_KEY, e.control.value)

    def pick_idle(e):
        app.settings.set(IDLE_KEY, int(next(iter(e.control.selected))))

    def pick_retention(e):
        state.store.set_retention_days(int(next(iter(e.control.selected))))

    def radios(key, value, items, on_change):
        return widgets.radio_group(key, value, [(v, app.tr.embed(label), f"{key}-{v}") for v, label in items], on_change)

    controls: list[ft.Control] = [widgets.heading(_("Indicator checklist"), app.text_scale, level=2)]
    if directory is not None:
        controls += [
            ft.Text(_("Referral directory"), weight=ft.FontWeight.W_500),
            radios("referral-directory", directory.id, [(d.id, d.title) for d in directories.values()], pick_directory),
            ft.Text(_("Country"), weight=ft.FontWeight.W_500),
            radios("referral-country", country.code if country else None, [(c.code, c.name) for c in directory.countries.values()], pick_country),
        ]
    controls += [
        ft.Text(_("Lock the checklist after this many minutes without use"), weight=ft.FontWeight.W_500),
        ft.Row(
            [
                widgets.segmented(
                    "idle-minutes",
                    [str(state.idle_minutes)],
                    [ft.Segment(value=str(m), label=ft.Text(app.tr.number(m))) for m in IDLE_CHOICES],
                    pick_idle,
                )
            ],
            scroll=ft.ScrollMode.AUTO,
        ),
        ft.Text(_("Delete screenings this many days after their last change"), weight=ft.FontWeight.W_500),
        ft.Row(
            [
                widgets.segmented(
                    "retention-days",
                    [str(state.store.retention_days())] if state.store.retention_days() in RETENTION_CHOICES else [],
                    [ft.Segment(value=str(d), label=ft.Text(app.tr.number(d))) for d in RETENTION_CHOICES],
                    pick_retention,
                    allow_empty=True,
                )
            ],
            scroll=ft.ScrollMode.AUTO,
        ),
        ft.Text(_("To add a directory: %(command)s") % {"command": app.tr.ltr("trainer referrals import FILE")}, size=theme.size(13, app.text_scale)),
    ]
    return ft.Column(controls, spacing=8, key="checklist-settings")
