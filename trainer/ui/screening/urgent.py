"""Urgent action: what to do now, and the emergency contacts of the chosen directory.

Deliberately not behind the PIN: emergency numbers are not sensitive, and nobody should have
to type a PIN to find them."""

from __future__ import annotations

import flet as ft

from .. import theme, widgets
from .chrome import go, screening_view
from .contacts import contacts_section
from .state import checklist_state


def build(app, params) -> ft.View:
    _ = app._
    state = checklist_state(app)
    scale = app.text_scale
    steps = [
        _("If someone's life or safety is at risk now, call the emergency number."),
        _("Do not confront anyone you suspect. Keep yourself and the person safe."),
        _("If you can, move the person to a safe, private place and stay with them."),
        _("A child in danger: call child protection, and do not leave the child with the people who may be exploiting them."),
        _("Respect the person's own view of their safety, and tell them what you are going to do."),
    ]
    back = state.return_route if state.return_route and state.return_route != "/screening/urgent" else "/screening"
    controls = [
        widgets.heading(_("Immediate danger"), scale, key="urgent-heading"),
        *[ft.Row([ft.Text("•", size=theme.size(17, scale)), ft.Text(s, expand=True, size=theme.size(17, scale))], vertical_alignment=ft.CrossAxisAlignment.START) for s in steps],
        widgets.heading(_("Emergency contacts"), scale, level=2),
        *contacts_section(app, ("emergency", "child-protection", "hotline")),
        widgets.secondary(_("Back to the checklist"), lambda e: go(app, back), icon=ft.Icons.ARROW_BACK, key="urgent-back"),
    ]
    return screening_view(app, "/screening/urgent", _("Immediate danger"), controls, danger=False)
