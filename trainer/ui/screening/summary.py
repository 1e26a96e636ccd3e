"""The referral summary, on explicit action only: explain, confirm, then hand the file over.

The summary is the one thing that leaves the protected store, so nothing happens until the
officer has read what it contains and confirmed. It is never written anywhere by the app
itself:

* web: the browser downloads it (FilePicker.save_file: a blob: URL, which the page's
  Content-Security-Policy allows);
* phone: the share sheet receives the bytes (ft.Share), and the officer picks where they go
  (print, save to files, send); if sharing is unavailable, the system save dialog;
* desktop: the save dialog.

A copy in the app's own storage would be a plaintext file outside the PIN and the retention
rule, so the app keeps none. Errors are reported without their message: a failed call's
message can carry its arguments, and those are the summary.
"""

from __future__ import annotations

from datetime import date

import flet as ft

from ...core.checklist.summary import referral_summary_html, summary_filename
from .. import theme, widgets
from .chrome import show_dialog, small
from .state import checklist_state

DONE, CANCELLED, FAILED = "done", "cancelled", "failed"


def _service(app, name: str, factory):
    """Services must be kept referenced, or Flet unregisters them after the event."""
    service = app.services.get(name)
    if service is None:
        service = app.services[name] = factory()
    return service


def channel(page: ft.Page) -> str:
    """download (any browser) | share (Android, iOS app) | save (desktop app)."""
    if page.web:
        return "download"
    platform = page.platform
    if platform is not None and platform.is_mobile():
        return "share"
    return "save"


async def _save(app, filename: str, data: bytes) -> str:
    picker = _service(app, "file_picker", ft.FilePicker)
    path = await picker.save_file(
        file_name=filename,
        src_bytes=data,
        file_type=ft.FilePickerFileType.CUSTOM,
        allowed_extensions=["html"],
    )
    # The browser download reports no path; a cancelled save dialog reports None.
    return DONE if path or app.page.web else CANCELLED


async def deliver(app, filename: str, html: str) -> str:
    """Hand the page to the browser, the share sheet or the save dialog. Returns DONE,
    CANCELLED or FAILED; never raises and never logs the content."""
    data = html.encode("utf-8")
    how = channel(app.page)
    try:
        if how == "share":
            share = _service(app, "share", ft.Share)
            try:
                result = await share.share_files([ft.ShareFile.from_bytes(data, mime_type="text/html", name=filename)], subject=filename)
            except Exception:  # no share sheet on this device: the save dialog instead
                return await _save(app, filename, data)
            return CANCELLED if result.status == ft.ShareResultStatus.DISMISSED else DONE
        return await _save(app, filename, data)
    except Exception:
        return FAILED


def summary_section(app) -> list[ft.Control]:
    """The action on the result screen, and the line that reports what happened."""
    _ = app._
    state = checklist_state(app)
    status = ft.Text("", key="summary-status", size=theme.size(13, app.text_scale), visible=False)

    def report(message: str) -> None:
        status.value = message
        status.visible = True
        try:
            status.update()
        except RuntimeError:  # the screen was replaced meanwhile (quick exit, idle lock)
            pass

    def open_dialog(e):
        state.touch()
        page = e.page
        s = state.screening
        include = widgets.checkbox(_("Include my note in the summary"), value=False, key="summary-include-notes")
        how = channel(page)
        where = {
            "download": _("Your browser will download it as a file."),
            "share": _("Your phone's share menu will open: choose where to save, print or send it."),
            "save": _("You will choose where to save it."),
        }[how]
        content: list[ft.Control] = [
            ft.Text(
                _("A printable page for the referral service, in your language, with: the case reference and dates; the instrument and profile; each element's status with the indicators answered Yes and their grades; the outcome and what it means; next steps; the referral contacts; and the caveat that indicators are not proof."),
                key="summary-contents",
            ),
            ft.Text(_("It contains no names, and your note only if you include it."), key="summary-no-names"),
            ft.Text(
                _("The file leaves the protected store: it is not encrypted, not protected by your PIN, and not deleted by the retention rule. Give it only to the referral service, and delete it when it is no longer needed."),
                key="summary-leaves-store",
                weight=ft.FontWeight.W_600,
            ),
            ft.Text(where, key="summary-where"),
        ]
        if s is not None and s.notes.strip():
            content.append(include)

        async def confirm(ev):
            page.pop_dialog()
            if not state.unlocked or state.screening is None:
                return  # locked while the dialog was open: nothing is prepared
            state.touch()
            screening = state.screening
            html = referral_summary_html(
                state.indicator_set(screening),
                screening,
                app.tr,
                directory=state.directory(),
                country=state.country(),
                prepared_on=date.today(),
                include_notes=bool(include.value),
            )
            filename = summary_filename(screening)
            outcome = await deliver(app, filename, html)
            report(
                {
                    DONE: _("The summary is ready: %(file)s. It is not protected by your PIN: give it only to the referral service and delete it when it is no longer needed.") % {"file": filename},
                    CANCELLED: _("No summary was saved or shared."),
                    FAILED: _("The summary could not be saved or shared on this device."),
                }[outcome]
            )

        show_dialog(
            app,
            ft.AlertDialog(
                modal=False,  # a tap outside cancels: the safe direction
                title=ft.Text(_("Prepare a referral summary?")),
                scrollable=True,  # long in some languages; the actions stay in view
                content=ft.Column(content, tight=True, spacing=10),
                actions=[
                    widgets.dialog_button(_("Cancel"), lambda ev: page.pop_dialog(), key="summary-cancel"),
                    ft.FilledButton(_("Prepare the summary"), on_click=confirm, key="summary-confirm", style=theme.tap_style()),
                ],
            )
        )

    button = ft.FilledTonalButton(
        _("Prepare a referral summary"),
        icon=ft.Icons.PRINT_OUTLINED,
        on_click=open_dialog,
        key="prepare-summary",
        height=theme.TAP,
    )
    return [
        button,
        small(_("Only when you ask: a printable page for the referral service, without names."), app, key="summary-hint"),
        status,
    ]
