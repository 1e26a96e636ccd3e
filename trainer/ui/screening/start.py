"""The checklist's start: screenings on this device, and a new screening (instrument, profile,
the person's language)."""

from __future__ import annotations

from datetime import datetime

import flet as ft

from ...core.checklist.explain import practice_words
from ...core.i18n import language_name
from ...core.checklist.store import ABANDONED, COMPLETE, IN_PROGRESS
from ...core.checklist.verification import is_unverified
from .. import theme, widgets
from . import lock
from .chrome import go, screening_view, small
from .state import checklist_state


def _when(app, iso: str) -> str:
    try:
        return app.tr.datetime(datetime.fromisoformat(iso), "short")
    except Exception:
        return iso


def build_list(app, params) -> ft.View:
    route = "/screening"
    locked = lock.guard(app, route)
    if locked:
        return locked
    _ = app._
    state = checklist_state(app)
    status_name = {IN_PROGRESS: _("In progress"), COMPLETE: _("Complete"), ABANDONED: _("Abandoned")}

    def open_one(sid: str, status: str):
        def handler(e):
            state.open(sid)
            if status == IN_PROGRESS and state.screening.consent is None:
                go(app, f"/screening/s/{sid}/consent")
            elif status == IN_PROGRESS:  # where it was left
                go(app, f"/screening/s/{sid}/step/{state.screening.step or 1}")
            else:
                go(app, f"/screening/s/{sid}/results")

        return handler

    def lock_now(e):
        state.lock()
        app.show_route(route)

    cards: list[ft.Control] = []
    for s in state.store.list():
        ref = app.tr.ltr(s.case_ref)  # e.g. WM-7K3F-Q9XD: left to right in every language
        label = f"{ref}. {status_name[s.status]}. {_('Last changed')} {_when(app, s.updated_at)}"
        cards.append(
            widgets.tappable_card(
                label,
                open_one(s.id, s.status),
                ft.Column(
                    [
                        ft.Text(ref, size=theme.size(18, app.text_scale), weight=ft.FontWeight.BOLD, semantics_label=s.case_ref),
                        ft.Text(f"{status_name[s.status]} · {_('Last changed')} {_when(app, s.updated_at)}", size=theme.size(14, app.text_scale)),
                    ],
                    spacing=4,
                ),
                key=f"screening-{s.case_ref}",
            )
        )
    controls: list[ft.Control] = [
        widgets.heading(_("Indicator checklist"), app.text_scale),
        ft.Text(_("A structured, careful way to notice indicators of trafficking or forced labour, record them safely and decide on a referral. It never decides whether someone is a victim.")),
        widgets.primary(_("New screening"), lambda e: go(app, "/screening/new"), icon=ft.Icons.ADD, key="new-screening"),
        widgets.heading(_("Screenings on this device"), app.text_scale, level=2),
        *(cards or [ft.Text(_("No screenings on this device."), key="no-screenings")]),
        small(
            app.ngettext(
                "Screenings stay on this device, encrypted, and are deleted %(n)d day after their last change. They are never synced.",
                "Screenings stay on this device, encrypted, and are deleted %(n)d days after their last change. They are never synced.",
                state.store.retention_days(),
            )
            % {"n": state.store.retention_days()},
            app,
        ),
        small(_("Quick exit hides the checklist and locks it. It cannot erase the browser's history or protect against monitoring software on the device."), app),
        widgets.secondary(_("Lock now"), lock_now, icon=ft.Icons.LOCK, key="lock-now"),
    ]
    return screening_view(app, route, _("Indicator checklist"), controls)


def build_new(app, params) -> ft.View:
    route = "/screening/new"
    locked = lock.guard(app, route)
    if locked:
        return locked
    _ = app._
    state = checklist_state(app)
    sets = state.sets
    officer = app.ui_language
    if not sets:
        return screening_view(app, route, _("New screening"), [ft.Text(_("No indicator set is installed. Run 'trainer curricula check' to see why."), key="no-sets")])
    choice = {"set": next(iter(sets)), "profile": None, "lang": None}
    profile_box = ft.Column(spacing=4)
    lang_box = ft.Column(spacing=4)
    warning = ft.Column()

    def radios(key: str, value, options, on_change) -> ft.Control:
        # Rows whose labels wrap: a long instrument name in Arabic stays on screen at 412 px.
        return widgets.radio_group(key, value, options, on_change, size=theme.size(16, app.text_scale))

    def fill_for_set():
        iset = sets[choice["set"]]
        text, _fb = iset.officer_text(officer)
        choice["profile"] = next(iter(iset.profiles))
        if choice["lang"] not in iset.languages:
            choice["lang"] = officer if officer in iset.languages else iset.source_language
        profile_box.controls = [
            ft.Text(_("Who are you screening?"), weight=ft.FontWeight.W_500),
            radios("choose-profile", choice["profile"], [(pid, text.profiles[pid][0], f"profile-{pid}") for pid in iset.profiles], pick_profile),
        ]
        lang_box.controls = [
            ft.Text(_("The person's language"), weight=ft.FontWeight.W_500),
            radios("choose-language", choice["lang"], [(code, language_name(code), f"language-{code}", theme.font_for(code)) for code in iset.languages], pick_lang),
        ]
        show_warning()

    def show_warning():
        iset = sets[choice["set"]]
        text, _fb = iset.officer_text(officer)
        profile = iset.profiles[choice["profile"]]
        items: list[ft.Control] = [small(text.profiles[profile.id][1], app, key="profile-description")]
        if profile.practice:
            items.append(widgets.notice(practice_words(_), tone="warn", key="profile-practice"))
        elif is_unverified(iset, profile.id):
            items.append(widgets.notice(_("The grades or rule of this profile are not yet checked against the ILO brochure. Say so when you refer."), tone="warn", key="profile-unverified"))
        warning.controls = items
        start_button.content = _("Start a practice screening") if profile.practice else _("Continue to the introduction")

    def pick_profile(e):
        choice["profile"] = e.control.value
        show_warning()

    def pick_lang(e):
        choice["lang"] = e.control.value

    def start(e):
        # Only a draft: the record is created when the person agrees (consent screen).
        iset = sets[choice["set"]]
        state.draft = {
            "set_id": iset.id,
            "set_version": iset.version,
            "profile_id": choice["profile"],
            "officer_lang": officer,
            "interviewee_lang": choice["lang"],
            "practice": iset.profiles[choice["profile"]].practice is not None,
        }
        state.touch()
        go(app, "/screening/consent")

    # Instrument titles are long (in Arabic they do not fit one line at 412 px): each choice
    # is a full-width tile whose text wraps, checked or not, at least 48 dp high.
    instrument_tiles: dict[str, tuple] = {}

    def style_instruments():
        for sid, (box, sem) in instrument_tiles.items():
            on = sid == choice["set"]
            box.border = ft.Border.all(2 if on else 1, ft.Colors.PRIMARY if on else ft.Colors.OUTLINE_VARIANT)
            box.bgcolor = ft.Colors.SECONDARY_CONTAINER if on else None
            box.content.controls[0].icon = ft.Icons.RADIO_BUTTON_CHECKED if on else ft.Icons.RADIO_BUTTON_UNCHECKED
            sem.checked = on

    def choose_instrument(sid: str):
        def handler(e):
            if choice["set"] != sid:
                choice["set"] = sid
                style_instruments()
                fill_for_set()

        return handler

    tiles: list[ft.Control] = []
    for sid, s_ in sets.items():
        title = s_.officer_text(officer)[0].title
        box = ft.Container(
            ft.Row(
                [ft.Icon(ft.Icons.RADIO_BUTTON_UNCHECKED, color=ft.Colors.PRIMARY), ft.Text(title, size=theme.size(16, app.text_scale), expand=True)],
                vertical_alignment=ft.CrossAxisAlignment.CENTER,
            ),
            key=f"instrument-{sid}",
            padding=ft.Padding.symmetric(horizontal=10, vertical=12),  # 48 dp for one line
            border_radius=8,
            ink=True,
            on_click=choose_instrument(sid),
        )
        sem = ft.Semantics(label=title, checked=False, container=True, exclude_semantics=True, on_tap=choose_instrument(sid), content=box)
        instrument_tiles[sid] = (box, sem)
        tiles.append(sem)
    instruments = ft.Column(tiles, spacing=6, key="choose-instrument")
    style_instruments()
    start_button = widgets.primary(_("Continue to the introduction"), start, icon=ft.Icons.ARROW_FORWARD, key="start-screening")
    fill_for_set()
    controls = [
        widgets.heading(_("New screening"), app.text_scale),
        ft.Text(_("Instrument"), weight=ft.FontWeight.W_500),
        instruments,
        profile_box,
        warning,
        lang_box,
        small(_("No name is recorded: the screening gets a case reference."), app),
        start_button,
    ]
    return screening_view(app, route, _("New screening"), controls)
