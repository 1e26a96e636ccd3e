"""PIN set-up (first use) and unlock. The slow key derivation runs off the event loop."""

from __future__ import annotations

import flet as ft

from ...core.crypto import InvalidPin, PinLocked, WrongPin
from .. import theme, widgets
from .chrome import screening_view, small
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
    message = ft.Text("", key="pin-message", color=ft.Colors.ERROR, size=theme.size(15, app.text_scale))
    busy = ft.ProgressRing(visible=False, width=24, height=24)

    async def unlocked(key) -> None:
        state.unlocked_with(key)
        app.show_route(route)

    if not vault.is_set_up():
        first = _pin_field(app, "pin-new", _("New PIN (6 to 12 digits)"))
        second = _pin_field(app, "pin-repeat", _("Repeat the PIN"))

        async def set_pin(e):
            if (first.value or "") != (second.value or ""):
                message.value = _("The two PINs are different. Please type them again.")
                return
            busy.visible = True
            e.page.update()
            try:
                key = await vault.set_up_async(first.value or "")
            except InvalidPin:
                message.value = _("A PIN is 6 to 12 digits.")
                busy.visible = False
                return
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
        busy.visible = True
        message.value = ""
        e.page.update()
        try:
            key = await vault.unlock_async(pin.value or "")
        except WrongPin as exc:
            pin.value = ""
            message.value = _("Wrong PIN.") if not exc.retry_after else _("Wrong PIN. Try again in %(s)d seconds.") % {"s": round(exc.retry_after)}
            busy.visible = False
            return
        except PinLocked as exc:
            message.value = _("Too many wrong PINs. Try again in %(s)d seconds.") % {"s": round(exc.retry_after)}
            busy.visible = False
            return
        await unlocked(key)

    pin.on_submit = try_unlock

    def forgot(e):
        def erase(ev):
            e.page.pop_dialog()
            state.lock()
            state.store.reset_pin_and_erase()
            app.show_route(route)

        e.page.show_dialog(
            ft.AlertDialog(
                key="forgot-dialog",
                modal=True,
                title=ft.Text(_("Reset the PIN?")),
                content=ft.Text(_("Without the PIN the screenings cannot be opened. Resetting deletes every screening on this device and lets you set a new PIN.")),
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
