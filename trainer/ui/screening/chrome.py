"""The frame every checklist screen shares: quick exit and immediate danger, always on screen.

Both controls live outside the scrolling body (quick exit in the app bar, immediate danger in
the bottom bar), so no amount of scrolling or banner can hide them; quick exit comes first in
reading and keyboard order, before any sensitive content (GOV.UK "Exit this page" pattern).
"""

from __future__ import annotations

import asyncio

import flet as ft

from ...core.checklist import explain
from ...core.i18n import is_rtl
from .. import theme, widgets
from .state import checklist_state

IDLE_POLL_SECONDS = 5.0


def go(app, route: str) -> None:
    """Navigate from a checklist control: a tap is activity, so it resets the idle timer.
    (Rebuilding a screen is not: a background refresh must never keep the checklist open.)"""
    checklist_state(app).touch()
    app.go(route)


def close_dialogs(page) -> None:
    """Close every open dialog (quick exit, idle lock): nothing of the checklist stays up."""
    try:
        while page.pop_dialog() is not None:
            pass
    except Exception:  # no page mounted (a view built outside a session)
        pass


def quick_exit(app) -> None:
    """One tap: close any dialog, lock the checklist and show the training home."""
    close_dialogs(app.page)
    checklist_state(app).lock()
    app.show_route("/")
    app.go("/")


def show_dialog(app, dialog: ft.AlertDialog) -> None:
    """Open a checklist dialog with its own quick exit: a modal barrier covers the app bar's."""
    dialog.actions = [
        ft.FilledButton(
            app._("Quick exit"),
            icon=ft.Icons.EXIT_TO_APP,
            key="dialog-quick-exit",
            height=theme.TAP,
            on_click=lambda e: quick_exit(app),
            style=ft.ButtonStyle(bgcolor=ft.Colors.INVERSE_SURFACE, color=ft.Colors.ON_INVERSE_SURFACE),
        ),
        *(dialog.actions or []),
    ]
    dialog.actions_alignment = ft.MainAxisAlignment.END
    app.page.show_dialog(dialog)


def quick_exit_button(app) -> ft.Control:
    _ = app._
    return ft.Container(
        padding=ft.Padding.symmetric(horizontal=8),
        content=ft.Semantics(
            label=_("Quick exit"),
            hint_text=_("Hides the checklist, locks it and shows the training home"),
            button=True,
            container=True,
            exclude_semantics=True,
            on_tap=lambda e: quick_exit(app),
            content=ft.FilledButton(
                _("Quick exit"),
                icon=ft.Icons.EXIT_TO_APP,
                key="quick-exit",
                height=theme.TAP,
                on_click=lambda e: quick_exit(app),
                style=ft.ButtonStyle(bgcolor=ft.Colors.INVERSE_SURFACE, color=ft.Colors.ON_INVERSE_SURFACE),
            ),
        ),
    )


def danger_bar(app) -> ft.BottomAppBar:
    _ = app._

    def open_urgent(e):
        state = checklist_state(app)
        state.return_route = app.page.route
        state.flag_danger()
        go(app, "/screening/urgent")

    return ft.BottomAppBar(
        height=theme.TAP + 24,
        padding=ft.Padding.symmetric(horizontal=12, vertical=8),
        content=ft.Row(
            [
                ft.Semantics(
                    label=_("Immediate danger"),
                    button=True,
                    container=True,
                    exclude_semantics=True,
                    on_tap=open_urgent,
                    content=ft.FilledButton(
                        _("Immediate danger"),
                        icon=ft.Icons.WARNING_AMBER,
                        key="immediate-danger",
                        height=theme.TAP,
                        on_click=open_urgent,
                        style=ft.ButtonStyle(bgcolor=ft.Colors.ERROR, color=ft.Colors.ON_ERROR),
                    ),
                )
            ],
            alignment=ft.MainAxisAlignment.CENTER,
        ),
    )


def screening_view(app, route: str, title: str, controls: list[ft.Control], *, danger: bool = True, actions: list[ft.Control] | None = None) -> ft.View:
    """A checklist screen: title, (actions,) quick exit, scrolling body, immediate-danger bar."""
    ensure_idle_watch(app)
    return ft.View(
        route=route,
        scroll=ft.ScrollMode.AUTO,
        appbar=ft.AppBar(title=ft.Text(title), actions=[*(actions or []), quick_exit_button(app)]),
        bottom_appbar=danger_bar(app) if danger else None,
        controls=[widgets.column_page(controls)],
    )


def isolate(text: str, lang: str) -> str:
    """The text as one directional isolate of its language (LRI/RLI ... PDI): inside a
    paragraph of the other direction its punctuation stays at its own end."""
    return ("\u2067" if is_rtl(lang) else "\u2066") + text + "\u2069"


def interviewee_text(text: str, lang: str, *, size: float, key: str | None = None, weight=None) -> ft.Control:
    """Text in the interviewee's language, whatever the UI's direction: its own direction (an
    isolate, since a control's rtl=False does not undo an ambient right-to-left), aligned to
    its own start edge (physically: left for English inside the Arabic UI), in a font that
    can draw it."""
    rtl = is_rtl(lang)
    return ft.Row(
        [
            ft.Text(
                isolate(text, lang),
                key=key,
                size=size,
                weight=weight,
                font_family=theme.font_for(lang),
                rtl=rtl,
                text_align=ft.TextAlign.RIGHT if rtl else ft.TextAlign.LEFT,
                expand=True,
            )
        ],
        rtl=rtl,
    )


def officer_text(text: str, app, *, key: str | None = None, weight=None, italic: bool = False) -> ft.Control:
    """Officer-side text in a screening: readable (16 sp at least), in the UI's direction."""
    rtl = is_rtl(app.ui_language)
    return ft.Row(
        [ft.Text(text, key=key, size=theme.size(16, app.text_scale), weight=weight, italic=italic, rtl=rtl, text_align=ft.TextAlign.START, expand=True)],
        rtl=rtl,
    )


def side_by_side(officer: ft.Control, interviewee: ft.Control, interviewee_lang: str) -> ft.Control:
    """Officer's language (small) beside the interviewee's (large, right to left if needed)."""
    return ft.Row(
        [
            ft.Container(officer, expand=2),
            ft.VerticalDivider(width=1),
            ft.Container(interviewee, expand=3, rtl=is_rtl(interviewee_lang)),
        ],
        vertical_alignment=ft.CrossAxisAlignment.START,
        spacing=10,
    )


# --- idle lock -------------------------------------------------------------------------------


def idle_tick(app) -> bool:
    """Lock after the configured idle time; if a checklist screen is showing, replace it with
    the lock screen. Returns True when it locked."""
    state = checklist_state(app)
    if not state.lock_if_idle():
        return False
    close_dialogs(app.page)
    route = app.page.route or "/"
    if route.startswith("/screening"):
        app.show_route(route)
    return True


def ensure_idle_watch(app) -> None:
    state = checklist_state(app)
    if state.idle_task_running or not state.unlocked:
        return
    state.idle_task_running = True

    async def watch():
        try:
            while state.unlocked:
                await asyncio.sleep(IDLE_POLL_SECONDS)
                idle_tick(app)
        finally:
            state.idle_task_running = False

    try:
        app.page.run_task(watch)
    except Exception:  # no running page (view built outside a session): no watcher needed
        state.idle_task_running = False


def status_words(app, status: str) -> str:
    return explain.status_words(status, app._)


def status_colour(status: str):
    return {
        "present": ft.Colors.TERTIARY_CONTAINER,
        "open": ft.Colors.SURFACE_CONTAINER_HIGHEST,
        "not-present": ft.Colors.SURFACE_CONTAINER_LOW,
    }[status]


def language_in_ui(app, code: str) -> str:
    """A language's name in the officer's language ('Arabic'), for use inside a sentence: a
    name in its own script could need a font the sentence is not drawn with."""
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(app.ui_language) or code
    except (ValueError, UnknownLocaleError):
        return code


def small(text: str, app, *, key: str | None = None, italic: bool = False) -> ft.Control:
    return ft.Text(text, key=key, size=theme.size(13, app.text_scale), italic=italic, color=ft.Colors.ON_SURFACE_VARIANT)
