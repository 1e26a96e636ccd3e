"""Referral contacts from the chosen directory, shown the same way on every screen.

Every number is something an officer may have to use in an emergency, so it is:

* shown left to right in every language (isolated: no reordered digit groups in Arabic);
* a tap target of at least 48x48 dp that opens the phone's dialer (`tel:`), performed by the
  client inside the tap (a browser only lets a page open a link while handling the tap);
* copyable, with a confirmation;
* read out by screen readers as the digits in order.

A demonstration directory's numbers are fictional (+000, unassigned): they are shown with a
plain "cannot be called" line, and no call action is offered for them.
"""

from __future__ import annotations

import flet as ft

from ...core.checklist import explain
from ...core.i18n import strip_bidi
from .. import theme, widgets
from .chrome import language_in_ui, small
from .state import checklist_state


def kind_label(app, kind: str) -> str:
    return explain.kind_label(kind, app._)


def tel_url(phone: str) -> str:
    """'+44 20 7946 0018' -> 'tel:+442079460018' (RFC 3966: global number, no spaces)."""
    return "tel:" + "".join(ch for ch in strip_bidi(phone) if ch.isdigit() or ch == "+")


def _action(factory):
    """A client action needs a page; a view built outside a session gets none."""
    try:
        return factory()
    except RuntimeError:
        return None


def copied_message(app, phone: str) -> str:
    return app._("Number copied: %(phone)s") % {"phone": app.tr.ltr(phone)}


def phone_number(app, phone: str, *, callable_: bool, key: str) -> ft.Control:
    """The number, a Call tap target (real directories only) and a Copy button."""
    _ = app._
    scale = app.text_scale
    number_text = ft.Text(
        app.tr.ltr(phone),
        key=f"phone-{key}",
        size=theme.size(22, scale),
        weight=ft.FontWeight.BOLD,
        semantics_label=phone,  # the digits in order, without direction marks
        no_wrap=True,
    )

    def confirm_copy(e):
        checklist_state(app).touch()
        e.page.show_dialog(ft.SnackBar(ft.Text(copied_message(app, phone)), key="copied", duration=4000))

    # A labelled button (not a bare icon): its name is what a screen reader says, and a
    # tooltip-only icon has none in Flutter's accessibility tree.
    copy = ft.TextButton(
        _("Copy the number"),
        icon=ft.Icons.CONTENT_COPY,
        key=f"copy-{key}",
        action=_action(lambda: ft.CopyToClipboard(phone)),
        on_click=confirm_copy,
    )
    if callable_:
        call = ft.Button(
            content=number_text,
            icon=ft.Icons.CALL,
            key=f"call-{key}",
            tooltip=_("Call this number"),
            action=_action(lambda: ft.OpenUrl(tel_url(phone))),
            on_click=lambda e: checklist_state(app).touch(),
            style=theme.tap_style(padding=ft.Padding.symmetric(horizontal=16, vertical=8)),
        )
        return ft.Row([call, copy], spacing=4, wrap=True, vertical_alignment=ft.CrossAxisAlignment.CENTER)
    return ft.Column(
        [
            ft.Row([number_text, copy], spacing=4, vertical_alignment=ft.CrossAxisAlignment.CENTER, wrap=True),
            ft.Row(
                [
                    ft.Icon(ft.Icons.PHONE_DISABLED, size=theme.size(18, scale), color=ft.Colors.ON_SURFACE_VARIANT),
                    ft.Text(_("Fictional number: it cannot be called."), key=f"cannot-call-{key}", size=theme.size(14, scale), expand=True),
                ],
                spacing=6,
            ),
        ],
        spacing=2,
    )


def contact_card(app, c, *, demonstration: bool = False) -> ft.Control:
    scale = app.text_scale
    tr = app.tr
    langs = tr.list(language_in_ui(app, code) for code in c.languages)
    key = f"{c.kind}-{c.line}"
    return ft.Card(
        key=f"contact-{key}",
        content=ft.Container(
            padding=14,
            content=ft.Column(
                [
                    ft.Text(f"{kind_label(app, c.kind)}: {tr.embed(c.organisation)}", weight=ft.FontWeight.BOLD, size=theme.size(16, scale)),
                    phone_number(app, c.phone, callable_=not demonstration, key=key),
                    ft.Text(f"{app._('Hours')}: {tr.embed(c.hours)}", size=theme.size(14, scale), key=f"hours-{key}"),
                    ft.Text(f"{app._('Languages')}: {langs}", size=theme.size(14, scale)),
                    *([small(tr.embed(c.notes), app)] if c.notes else []),
                ],
                spacing=4,
            ),
        ),
    )


def contacts_section(app, kinds: tuple[str, ...]) -> list[ft.Control]:
    """Contacts of these kinds (in this order) for the chosen directory and country."""
    _ = app._
    tr = app.tr
    state = checklist_state(app)
    directory, country = state.directory(), state.country()
    if directory is None or country is None:
        return [ft.Text(_("No referral directory is installed. Ask your supervisor for one."), key="no-directory")]
    out: list[ft.Control] = []
    if directory.demonstration:
        out.append(
            widgets.notice(
                _("Demonstration directory: these contacts are fictional and their numbers cannot be called. Ask your supervisor for your country's referral directory."),
                tone="warn",
                icon=ft.Icons.PHONE_DISABLED,
                key="demo-directory",
            )
        )
    out.append(small(f"{tr.embed(directory.title)} · {tr.embed(country.name)} · {_('checked on')} {tr.iso_date(directory.updated)}", app, key="directory-line"))
    for kind in kinds:
        out += [contact_card(app, c, demonstration=directory.demonstration) for c in country.of_kind(kind)]
    return out
