"""PIN set-up (first use) and unlock. The slow key derivation runs off the event loop."""

from __future__ import annotations

import flet as ft

from ...core.crypto import FREE_ATTEMPTS, PIN_RE, InvalidPin, PinLocked, WrongPin
from .. import theme, widgets
from .chrome import screening_view, show_dialog, small
from .state import checklist_state


def _pin_field(app, key: str, label: str) -> ft.TextField:
    return ft.TextField(
        key=key,
        label=label,
        password=True,
        keyboard_type=ft.KeyboardType.NUMBER,
        max_length=12,
        text_size=theme.size(20, app.text_scale),
    )


def build(app, route: str) -> ft.View:
    """The lock screen for `route`: after unlocking, `route` is shown."""
    _ = app._
    state = checklist_state(app)
    vault = state.vault()
    message = ft.Text("", key="pin-message", color=ft.Colors.ERROR, size=theme.size(16, app.text_scale), visible=False)
    busy = ft.ProgressRing(visible=False, width=24, height=24)

    async def unlocked(key) -> None:
        state.unlocked_with(key)
        # Only if the lock screen is still showing: during the derivation the officer may have
        # opened the immediate-danger screen, which must not be replaced under them.
        if (app.page.route or "/") == route:
            app.show_route(route)

    def refresh(e) -> None:
        # A handler that already called update() gets no automatic one at its end: every
        # path that changed something after the spinner went up must send it itself.
        e.page.update()

    def say(text: str) -> None:
        message.value = text
        message.visible = bool(text)

    if not vault.is_set_up():
        first = _pin_field(app, "pin-new", _("New PIN (6 to 12 digits)"))
        second = _pin_field(app, "pin-repeat", _("Repeat the PIN"))

        async def set_pin(e):
            a, b = first.value or "", second.value or ""
            # Checked at once, before any key derivation: no spinner for a typing mistake.
            if not PIN_RE.match(a):
                say(_("A PIN is 6 to 12 digits."))
                return
            if a != b:
                say(_("The two PINs are different. Please type them again."))
                second.value = ""
                return
            say("")
            busy.visible = True
            refresh(e)
            try:
                key = await vault.set_up_async(a)
            except InvalidPin:
                say(_("A PIN is 6 to 12 digits."))
                return
            finally:
                busy.visible = False
                refresh(e)
            await unlocked(key)

        controls = [
            widgets.heading(_("Protect the checklist with a PIN"), app.text_scale),
            ft.Text(_("Screenings are encrypted on this device with a key protected by your PIN. Nobody, including you, can open them without it: if the PIN is forgotten, the screenings are lost.")),
            first,
            second,
            message,
            ft.Row([widgets.primary(_("Set PIN"), set_pin, icon=ft.Icons.LOCK, key="pin-set"), busy]),
        ]
        return screening_view(app, route, _("Indicator checklist"), controls)

    pin = _pin_field(app, "pin", _("PIN"))

    async def try_unlock(e):
        typed = pin.value or ""
        if not PIN_RE.match(typed):  # cannot be right: no derivation, not counted as a try
            say(_("A PIN is 6 to 12 digits."))
            return
        say("")
        busy.visible = True
        refresh(e)
        try:
            key = await vault.unlock_async(typed)
        except WrongPin as exc:
            pin.value = ""
            if exc.retry_after:
                say(_("Wrong PIN. Wrong tries in a row: %(n)d. Wait %(s)d seconds before the next try.") % {"n": exc.failures, "s": round(exc.retry_after)})
            else:
                say(_("Wrong PIN. Wrong tries in a row: %(n)d. You can try again now; after %(free)d wrong tries, each new try has to wait.") % {"n": exc.failures, "free": FREE_ATTEMPTS})
            return
        except PinLocked as exc:
            pin.value = ""
            say(_("Too many wrong PINs. Try again in %(s)d seconds.") % {"s": round(exc.retry_after)})
            return
        finally:
            busy.visible = False
            refresh(e)
        await unlocked(key)

    pin.on_submit = try_unlock

    def forgot(e):
        n = len(state.store.list())

        def erase(ev):
            e.page.pop_dialog()
            state.lock()
            state.store.reset_pin_and_erase()
            app.show_route(route)

        show_dialog(
            app,
            ft.AlertDialog(
                key="forgot-dialog",
                modal=True,
                title=ft.Text(_("Delete all screenings and the PIN?")),
                content=ft.Text(
                    app.ngettext(
                        "Without the PIN the screenings cannot be opened. This deletes the %(n)d screening on this device (its answers and note) and the PIN, and cannot be undone. Your training progress and settings are kept. Then you set a new PIN.",
                        "Without the PIN the screenings cannot be opened. This deletes all %(n)d screenings on this device (their answers and notes) and the PIN, and cannot be undone. Your training progress and settings are kept. Then you set a new PIN.",
                        n,
                    )
                    % {"n": n},
                    key="forgot-what",
                ),
                actions=[
                    widgets.dialog_button(_("Cancel"), lambda ev: e.page.pop_dialog(), key="forgot-cancel"),
                    widgets.destructive(_("Delete all screenings and reset"), erase, key="forgot-confirm"),
                ],
            )
        )

    controls = [
        widgets.heading(_("The checklist is locked"), app.text_scale),
        pin,
        message,
        ft.Row([widgets.primary(_("Unlock"), try_unlock, icon=ft.Icons.LOCK_OPEN, key="pin-unlock"), busy]),
        ft.TextButton(_("Forgot the PIN?"), on_click=forgot, key="pin-forgot", height=theme.TAP),
        small(_("The checklist locks itself after %(n)d minutes without use, and whenever you use Quick exit.") % {"n": state.idle_minutes}, app),
    ]
    return screening_view(app, route, _("Indicator checklist"), controls)


def guard(app, route: str) -> ft.View | None:
    """The lock screen if the checklist is locked, else None (the screen may be built)."""
    return None if checklist_state(app).unlocked else build(app, route)


def open_screening(app, sid: str, route: str):
    """What every screen of one screening starts with: the lock screen when locked, else the
    session state, the opened screening and its indicator set. Returns (lock_view, None, None,
    None) or (None, state, screening, indicator_set)."""
    locked = guard(app, route)
    if locked:
        return locked, None, None, None
    state = checklist_state(app)
    screening = state.open(sid)
    return None, state, screening, state.indicator_set()
