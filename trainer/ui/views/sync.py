"""Sync: what waits to be sent, when it last worked, what went wrong; "Sync now"; set-up.

The screen only talks to the sync service (trainer/sync), which does all its SQLite and
network work off the event loop, so nothing here blocks the UI. One service per app
session, kept (with the Connectivity service) in `app.services` so Flet does not drop it;
its background loop sends whenever the device has a link and retries at once when a
link comes back.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import flet as ft
from babel.dates import format_timedelta

from ... import __version__
from ...sync.outbox import rejected_rows
from ...sync.enrol_link import parse_enrol_link
from ...sync.service import SyncService, SyncSetupError, read_status
from ...sync.settings import SyncSettings
from ...sync.status import SyncStatus
from .. import theme, widgets
from . import settings as settings_view

log = logging.getLogger("waymark.sync")
ROUTE = "/settings/sync"


# --- the service, per app session ----------------------------------------------------------


def _db_path(app) -> str:
    return app.db.execute("PRAGMA database_list").fetchone()[2]


def service_for(app) -> SyncService:
    svc = app.services.get("sync")
    if svc is None:
        svc = install_service(app, SyncService(_db_path(app), app_version=__version__))
    return svc


def install_service(app, svc: SyncService) -> SyncService:
    """Make `svc` this session's sync service (tests pass one with an in-process transport)."""
    svc.listeners.append(lambda status: _show_status(app, status))
    app.services["sync"] = svc
    return svc


def _linked(types) -> bool:
    return not types or any(t != ft.ConnectivityType.NONE for t in types)


def start_background(app) -> None:
    """Start draining in the background and follow connectivity (once per session)."""
    if "sync-task" in app.services:
        return
    svc = service_for(app)

    def on_change(e) -> None:
        svc.notify_link(_linked(getattr(e, "connectivity", None)))

    try:
        connectivity = ft.Connectivity(on_change=on_change)
    except RuntimeError:  # no page context (a view built outside a session)
        return
    app.services["connectivity"] = connectivity

    async def loop() -> None:
        try:
            svc.notify_link(_linked(await connectivity.get_connectivity()))
        except Exception:  # not offered on this platform: the reachability probe decides
            log.debug("connectivity unavailable", exc_info=True)
        await svc.run()

    app.services["sync-task"] = app.page.run_task(loop)


def notify_new_results(app) -> None:
    """Call after writing statements to the outbox: they go out soon if there is a link."""
    svc = app.services.get("sync")
    if svc is not None:
        svc.poke()


def _show_status(app, status: SyncStatus) -> None:
    refresh = app.session.get("sync-view-refresh")
    if refresh is not None:
        refresh(status)


# --- wording ----------------------------------------------------------------------------------


def when_text(app, iso: str | None) -> str:
    if not iso:
        return app._("Never")
    try:
        at = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    ago = format_timedelta(at - datetime.now(timezone.utc), add_direction=True, locale=app.ui_language)
    return f"{app.tr.datetime(at.astimezone())} ({ago})"


def waiting_text(app, n: int) -> str:
    if n == 0:
        return app._("Nothing waiting: every result has been sent.")
    return app.ngettext("%(n)d result waiting to be sent", "%(n)d results waiting to be sent", n) % {"n": n}


# --- the screen ---------------------------------------------------------------------------------


def build(app, params) -> ft.View:
    _ = app._
    scale = app.text_scale
    svc = service_for(app)
    start_background(app)
    s = SyncSettings(app.db)
    target = s.target()

    state = ft.Text(key="sync-state", size=theme.size(20, scale), weight=ft.FontWeight.BOLD)
    waiting = ft.Text(key="sync-waiting", size=theme.size(16, scale))
    last = ft.Text(key="sync-last-success", size=theme.size(15, scale))
    problem = ft.Text(key="sync-problem", size=theme.size(15, scale), visible=False)
    rejected = ft.Text(key="sync-rejected", size=theme.size(14, scale), visible=False)
    held = ft.Text(key="sync-held", size=theme.size(14, scale), visible=False, selectable=True)
    target_text = ft.Text(key="sync-target", size=theme.size(14, scale))
    busy = ft.ProgressRing(width=24, height=24, visible=False, key="sync-busy")

    async def sync_now(e) -> None:
        sync_btn.disabled = True
        busy.visible = True
        state.value = _("Sending…")
        _update(status_box)
        try:
            await svc.sync_now()
        finally:
            sync_btn.disabled = False
            busy.visible = False
        refresh(await svc.status())

    sync_btn = widgets.primary(_("Sync now"), sync_now, icon=ft.Icons.SYNC, key="sync-now", expand=True)

    refused = ft.Column(key="sync-refused-list", spacing=4, visible=False)

    async def send_again(e) -> None:
        await svc.resend_rejected()
        await sync_now(e)

    resend_btn = widgets.secondary(_("Send refused results again"), send_again, icon=ft.Icons.REPLAY, key="sync-resend", expand=True)

    def show_refused() -> None:
        rows = rejected_rows(app.db, limit=5)
        refused.controls = [
            ft.Text(f"• {r['last_error'] or _('no reason given')}", size=theme.size(13, scale), selectable=True)
            for r in rows
        ] + [ft.Row([resend_btn])]
        refused.visible = bool(rows)

    def refresh(st: SyncStatus) -> None:
        state.value = _(st.label)
        waiting.value = waiting_text(app, st.waiting)
        last.value = _("Last successful sync: {when}").format(when=when_text(app, st.last_success_at))
        show_problem = st.problem is not None and st.problem.code != "not_set_up"
        problem.value = st.problem.message(_) if show_problem else ""
        problem.visible = show_problem
        rejected.visible = st.rejected > 0
        show_refused()
        rejected.value = app.ngettext(
            "%(n)d result was refused by the server and will not be sent again.",
            "%(n)d results were refused by the server and will not be sent again.",
            st.rejected,
        ) % {"n": st.rejected}
        held.visible = st.held > 0
        held.value = app.ngettext(
            "%(n)d result could not be sent: %(reason)s",
            "%(n)d results could not be sent: %(reason)s",
            st.held,
        ) % {"n": st.held, "reason": st.held_reason or _("no reason given")}
        target_text.value = _("Results go to {address}").format(address=app.tr.ltr(st.target)) if st.target else _("Results stay on this device until sync is set up.")
        sync_btn.disabled = st.target is None or st.state == "syncing"
        busy.visible = st.state == "syncing"
        _update(status_box)

    status_box = ft.Container(
        key="sync-status",
        padding=16,
        border_radius=12,
        bgcolor=ft.Colors.SECONDARY_CONTAINER,
        content=ft.Column(
            [ft.Row([state, busy], alignment=ft.MainAxisAlignment.SPACE_BETWEEN), waiting, last, problem, rejected, held, refused, target_text],
            spacing=8,
        ),
    )

    # -- set-up: the trainer server (enrolment code) or another record store ----------------
    server_url = ft.TextField(
        key="sync-server-url",
        label=_("Server address"),
        hint_text="http://192.168.1.10:8765",
        value=(target.server_url if target and target.mode == "server" else "") or "",
        keyboard_type=ft.KeyboardType.URL,
        autocorrect=False,
    )
    def split_link(e) -> None:
        # The whole enrolment link pasted here (or in the server field): show its two parts.
        found = parse_enrol_link(e.control.value)
        if found:
            server_url.value, code.value = found
            server_url.error = code.error = None  # auto-update shows the change

    code = ft.TextField(
        key="sync-code",
        label=_("Enrolment code or link"),
        hint_text="ABCD-EFGH-JKMN",
        capitalization=ft.TextCapitalization.CHARACTERS,
        autocorrect=False,
        on_change=split_link,
    )
    server_url.on_change = split_link
    enrolled = ft.Text(key="sync-enrolled", size=theme.size(14, scale), visible=bool(target and target.mode == "server"))
    if target and target.mode == "server":
        enrolled.value = _("This device is enrolled in {cohort}.").format(cohort=app.tr.embed(target.cohort or "—"))

    async def enrol(e) -> None:
        code.error = None
        server_url.error = None
        try:
            await svc.enrol(server_url.value or "", code.value or "")
        except SyncSetupError as err:
            p = err.problem
            on_code = p.code == "enrol_failed" or p.params.get("field") == "code"
            (code if on_code else server_url).error = p.message(_)
            return
        code.value = ""
        t = SyncSettings(app.db).target()
        enrolled.value = _("This device is enrolled in {cohort}.").format(cohort=app.tr.embed((t.cohort if t else None) or "—"))
        enrolled.visible = True
        await sync_now(e)

    enrol_btn = widgets.primary(_("Enrol this device"), enrol, icon=ft.Icons.HOW_TO_REG, key="sync-enrol", expand=True)
    server_form = ft.Column(
        [
            ft.Text(_("Type the server address and the enrolment code your trainer gave you, or paste the enrolment link."), size=theme.size(14, scale)),
            server_url,
            code,
            ft.Row([enrol_btn]),
            enrolled,
        ],
        spacing=10,
        key="sync-server-form",
    )

    endpoint = ft.TextField(key="sync-lrs-endpoint", label=_("Record store endpoint"), hint_text="https://lrs.example.org/xapi/",
                            value=target.endpoint if target and target.mode == "lrs" else "", keyboard_type=ft.KeyboardType.URL, autocorrect=False)
    key = ft.TextField(key="sync-lrs-key", label=_("Key"), value=target.key if target and target.mode == "lrs" else "", autocorrect=False)
    secret = ft.TextField(key="sync-lrs-secret", label=_("Secret"), password=True, can_reveal_password=True, autocorrect=False)
    lrs_saved = ft.Text(key="sync-lrs-saved", size=theme.size(14, scale), visible=False)

    async def save_lrs(e) -> None:
        endpoint.error = None
        try:
            await svc.configure_lrs(endpoint.value or "", key.value or "", secret.value or "")
        except SyncSetupError as err:
            endpoint.error = err.problem.message(_)
            return
        secret.value = ""
        lrs_saved.value = _("Saved. Results will go to this record store.")
        lrs_saved.visible = True
        await sync_now(e)

    lrs_form = ft.Column(
        [
            ft.Text(_("Any xAPI 1.0.3 learning record store: its administrator gives you the endpoint, a key and a secret."), size=theme.size(14, scale)),
            endpoint,
            key,
            secret,
            ft.Row([widgets.primary(_("Save"), save_lrs, icon=ft.Icons.SAVE, key="sync-lrs-save", expand=True)]),
            lrs_saved,
        ],
        spacing=10,
        key="sync-lrs-form",
    )

    def set_mode(e) -> None:
        server_form.visible = e.control.value == "server"
        lrs_form.visible = e.control.value == "lrs"

    mode_value = target.mode if target else "server"
    server_form.visible = mode_value == "server"
    lrs_form.visible = mode_value == "lrs"
    mode = widgets.radio_group(
        "sync-mode",
        mode_value,
        [
            ("server", _("The programme's trainer server"), "sync-mode-server"),
            ("lrs", _("Another learning record store (xAPI)"), "sync-mode-lrs"),
        ],
        set_mode,
    )

    refresh(read_status(app.db, syncing=svc.syncing))
    app.session["sync-view-refresh"] = refresh
    controls = [
        status_box,
        ft.Row([sync_btn]),
        ft.Text(_("Results are sent by themselves whenever there is a connection. Nothing is deleted from this device until the server confirms it has it."), size=theme.size(13, scale)),
        widgets.heading(_("Where results go"), scale, level=2),
        mode,
        server_form,
        lrs_form,
    ]
    return ft.View(
        route=ROUTE,
        scroll=ft.ScrollMode.AUTO,
        appbar=ft.AppBar(title=ft.Text(_("Sync"))),
        controls=[widgets.column_page(controls)],
    )


def _update(control: ft.Control) -> None:
    """Push a change now (mid-handler), if the control is on screen."""
    try:
        control.update()
    except (RuntimeError, AssertionError):
        pass


# --- the entry in Settings ------------------------------------------------------------------------


def settings_section(app) -> ft.Control:
    _ = app._
    st = read_status(app.db)
    return ft.Column(
        [
            widgets.heading(_("Sync"), app.text_scale, level=2),
            ft.Text(f"{_(st.label)} · {waiting_text(app, st.waiting)}", key="settings-sync-summary", size=theme.size(14, app.text_scale)),
            ft.Row([widgets.secondary(_("Sync and enrolment"), lambda e: app.go(ROUTE), icon=ft.Icons.SYNC, key="settings-open-sync", expand=True)]),
        ],
        spacing=8,
    )


if settings_section not in settings_view.EXTRA_SECTIONS:
    settings_view.EXTRA_SECTIONS.append(settings_section)

ROUTES = [(ROUTE, build)]
