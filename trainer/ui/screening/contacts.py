"""Referral contacts from the chosen directory, shown the same way on every screen."""

from __future__ import annotations

import flet as ft

from ...core.checklist import explain
from .. import theme, widgets
from .chrome import language_in_ui, small
from .state import checklist_state


def kind_label(app, kind: str) -> str:
    return explain.kind_label(kind, app._)


def contact_card(app, c) -> ft.Control:
    scale = app.text_scale
    langs = ", ".join(language_in_ui(app, code) for code in c.languages)
    return ft.Card(
        key=f"contact-{c.kind}-{c.line}",
        content=ft.Container(
            padding=14,
            content=ft.Column(
                [
                    ft.Text(f"{kind_label(app, c.kind)}: {c.organisation}", weight=ft.FontWeight.BOLD, size=theme.size(16, scale)),
                    # Phone numbers read left to right in every language.
                    ft.Text(c.phone, size=theme.size(22, scale), rtl=False, key=f"phone-{c.kind}-{c.line}"),
                    ft.Text(f"{app._('Hours')}: {c.hours}", size=theme.size(14, scale)),
                    ft.Text(f"{app._('Languages')}: {langs}", size=theme.size(14, scale)),
                    *([small(c.notes, app)] if c.notes else []),
                ],
                spacing=4,
            ),
        ),
    )


def contacts_section(app, kinds: tuple[str, ...]) -> list[ft.Control]:
    """Contacts of these kinds (in this order) for the chosen directory and country."""
    _ = app._
    state = checklist_state(app)
    directory, country = state.directory(), state.country()
    if directory is None or country is None:
        return [ft.Text(_("No referral directory is installed. Ask your supervisor for one."), key="no-directory")]
    out: list[ft.Control] = []
    if directory.demonstration:
        out.append(widgets.notice(directory.notice or _("Demonstration directory: these contacts are fictional."), tone="warn", key="demo-directory"))
    out.append(small(f"{directory.title} · {country.name} · {_('checked on')} {directory.updated}", app))
    for kind in kinds:
        out += [contact_card(app, c) for c in country.of_kind(kind)]
    return out
