"""The result: per-element status with its explanation, the outcome worded with care, what it
means, next steps and referral contacts; then pause, close or delete."""

from __future__ import annotations

import flet as ft

from ...core.checklist import explain, outcome_wording
from ...core.checklist.report import verification_counts
from ...core.checklist.store import ABANDONED, COMPLETE, IN_PROGRESS, NOTES_MAX
from ...core.checklist.verification import is_unverified, verification_note
from .. import theme, widgets
from . import lock
from .chrome import go, screening_view, show_dialog, small, status_colour
from .questions import element_summary
from .contacts import contacts_section
from .summary import summary_section

LEVEL_COLOURS = {
    "refer": ft.Colors.TERTIARY_CONTAINER,
    "look-further": ft.Colors.SECONDARY_CONTAINER,
    "none-noted": ft.Colors.SURFACE_CONTAINER_HIGHEST,
}


def combination_words(app, label: str | None) -> str:
    """'1S + 1M|W' -> '1 strong indicator + 1 medium or weak indicator' (in the UI language)."""
    return explain.combination_words(label, app._, app.ngettext)


def build(app, params) -> ft.View:
    sid = params["sid"]
    route = f"/screening/s/{sid}/results"
    locked, state, s, iset = lock.open_screening(app, sid, route)
    if locked:
        return locked
    _ = app._
    officer, _fb = iset.officer_text(app.ui_language)
    outcome = state.outcome()
    words = outcome_wording(iset, outcome, app.ui_language)
    scale = app.text_scale
    profile = iset.profiles[s.profile_id]

    summary = ft.Container(
        key="outcome-box",
        bgcolor=LEVEL_COLOURS[words.level],
        border_radius=10,
        padding=16,
        content=ft.Column(
            [
                ft.Text(words.title, key="outcome-title", size=theme.size(20, scale), weight=ft.FontWeight.BOLD),
                ft.Text(words.meaning, key="outcome-meaning", size=theme.size(16, scale)),
            ],
            spacing=8,
        ),
    )
    notes_line = [small(_("Indicators are not proof. This result supports a referral decision; it does not decide anyone's status."), app, key="not-proof")]
    if outcome.practice:
        notes_line.insert(0, widgets.notice(explain.practice_words(_), tone="warn", key="practice-only"))
    if is_unverified(iset, s.profile_id):
        note = verification_note(iset, s.profile_id, _)
        notes_line.append(widgets.notice(_("About the grades used: %(note)s") % {"note": note}, tone="warn", key="unverified-grades"))
    counts = explain.verification_lines(verification_counts(iset, s.profile_id), _)
    notes_line.append(small("\n".join(counts), app, key="verification-counts"))
    if words.needs_review or words.fell_back:
        notes_line.append(small(_("This wording is not yet reviewed in your language."), app))
    if not outcome.complete:
        open_n = outcome.total - outcome.answered
        notes_line.append(small(app.ngettext("%(n)d indicator was not answered.", "%(n)d indicators were not answered.", open_n) % {"n": open_n}, app, key="unanswered"))

    # First screen: the outcome, what it means, and the present elements with the indicators
    # behind each. Everything else (next steps, contacts, the other elements) follows.
    present: list[ft.Control] = []
    elements: list[ft.Control] = []
    for r in outcome.elements:
        name = officer.elements[r.element][0]
        if r.present:
            because = "; ".join(officer.indicators[i].label for i in r.because)
            present.append(
                ft.Container(
                    ft.Row(
                        [
                            ft.Icon(ft.Icons.CHECK_CIRCLE_OUTLINE, size=22),
                            ft.Column(
                                [
                                    ft.Text(name, weight=ft.FontWeight.BOLD, size=theme.size(16, scale), key=f"present-{r.element}"),
                                    ft.Text(_("Present because of: %(list)s (%(how)s).") % {"list": because, "how": combination_words(app, r.combination)}, size=theme.size(15, scale), key=f"because-{r.element}"),
                                ],
                                spacing=2,
                                expand=True,
                            ),
                        ],
                        vertical_alignment=ft.CrossAxisAlignment.START,
                    ),
                    bgcolor=status_colour(r.status),
                    border_radius=8,
                    padding=10,
                    key=f"present-box-{r.element}",
                )
            )
        lines: list[ft.Control] = [
            ft.Text(name, weight=ft.FontWeight.BOLD, size=theme.size(16, scale)),
            ft.Text(element_summary(app, r), key=f"status-{r.element}", size=theme.size(15, scale)),
        ]
        others = [officer.indicators[i].label for i, _g in r.yes if i not in r.because]
        if others:
            lines.append(small(_("Also answered Yes: %(list)s.") % {"list": "; ".join(others)}, app))
        elements.append(ft.Container(ft.Column(lines, spacing=4), bgcolor=status_colour(r.status), border_radius=8, padding=12, key=f"element-{r.element}"))
    if not present:
        present.append(ft.Text(_("No element is present."), size=theme.size(15, scale), key="no-element-present"))

    steps = [ft.Row([ft.Text("•", size=theme.size(16, scale)), ft.Text(step, expand=True, size=theme.size(15, scale))], vertical_alignment=ft.CrossAxisAlignment.START) for step in words.next_steps]
    kinds = explain.contact_kinds(profile.age)

    notes = ft.TextField(key="notes", label=_("Short note (optional, no names)"), value=s.notes, multiline=True, max_length=NOTES_MAX, disabled=s.status != IN_PROGRESS, expand=True)
    saved = ft.Text("", key="notes-saved", size=theme.size(13, scale))

    def save_notes(e):
        state.update(notes=(notes.value or "")[:NOTES_MAX])
        saved.value = _("Note saved.")

    def close(status: str):
        def handler(e):
            state.store.close(sid, status)
            state.screening = None
            go(app, "/screening")

        return handler

    def delete(e):
        def really(ev):
            e.page.pop_dialog()
            state.store.delete(sid)
            state.screening = None
            go(app, "/screening")

        show_dialog(
            app,
            ft.AlertDialog(
                key="delete-dialog",
                modal=True,
                title=ft.Text(_("Delete this screening now?")),
                content=ft.Text(_("Its answers and note are erased from this device. This cannot be undone.")),
                actions=[
                    widgets.dialog_button(_("Cancel"), lambda ev: e.page.pop_dialog(), key="delete-cancel"),
                    widgets.destructive(_("Delete now"), really, key="delete-confirm"),
                ],
            )
        )

    actions: list[ft.Control] = []
    if s.status == IN_PROGRESS:
        actions += [
            ft.Row([notes], vertical_alignment=ft.CrossAxisAlignment.START),
            ft.Row([widgets.secondary(_("Save note"), save_notes, key="save-notes"), saved]),
            widgets.secondary(_("Back to the questions"), lambda e: go(app, f"/screening/s/{sid}/step/1"), icon=ft.Icons.EDIT, key="back-to-questions"),
            widgets.secondary(_("Pause and leave"), lambda e: go(app, "/screening"), icon=ft.Icons.PAUSE, key="pause"),
            widgets.primary(_("Close as complete"), close(COMPLETE), icon=ft.Icons.DONE_ALL, key="close-complete"),
            widgets.secondary(_("Close as abandoned"), close(ABANDONED), icon=ft.Icons.CLOSE, key="close-abandoned"),
        ]
    else:
        actions.append(small(_("This screening is closed (%(status)s).") % {"status": _("complete") if s.status == COMPLETE else _("abandoned")}, app, key="closed"))
    actions.append(widgets.secondary(_("Delete now"), delete, icon=ft.Icons.DELETE_OUTLINE, key="delete-now"))

    controls = [
        summary,
        widgets.heading(_("Elements present"), scale, level=3),
        *present,
        *notes_line,
        small(f"{_('Case reference: %(ref)s') % {'ref': app.tr.ltr(s.case_ref)}} · {officer.profiles[s.profile_id][0]}", app, key="result-case"),
        widgets.heading(_("Next steps"), scale, level=2),
        *steps,
        widgets.heading(_("Referral contacts"), scale, level=2),
        *contacts_section(app, kinds),
        *([] if outcome.practice else summary_section(app)),
        widgets.heading(_("All elements"), scale, level=2),
        *elements,
        *actions,
    ]
    return screening_view(app, route, _("Result"), controls)
