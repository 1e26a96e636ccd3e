"""The introduction and consent script, read to the person in both languages."""

from __future__ import annotations

import flet as ft

from ...core.checklist.store import ABANDONED
from .. import theme, widgets
from . import lock
from ...core.checklist.explain import draft_translation_words, practice_words, untranslated_words
from .chrome import go, interviewee_text, language_in_ui, screening_view, side_by_side, small


def build(app, params) -> ft.View:
    sid = params["sid"]
    route = f"/screening/s/{sid}/consent"
    locked, state, s, iset = lock.open_screening(app, sid, route)
    if locked:
        return locked
    _ = app._
    officer, officer_fb = iset.officer_text(app.ui_language)
    person, person_fb = iset.text(s.interviewee_lang)
    bilingual = person.lang != officer.lang
    scale = app.text_scale

    paragraphs: list[ft.Control] = []
    for i, para in enumerate(officer.consent):
        mine = ft.Text(para, size=theme.size(15 if bilingual else 18, scale), key=f"consent-officer-{i}")
        if bilingual:
            theirs = interviewee_text(person.consent[i], person.lang, size=theme.size(20, scale), key=f"consent-person-{i}")
            paragraphs.append(side_by_side(mine, theirs, person.lang))
        else:
            paragraphs.append(mine)

    def agree(e):
        state.update(consent=True)
        go(app, f"/screening/s/{sid}/step/1")

    def decline(e):
        state.update(consent=False)
        state.store.close(sid, ABANDONED)
        state.screening = None
        go(app, "/screening")

    notices: list[ft.Control] = []
    if s.practice:
        notices.append(widgets.notice(practice_words(_), tone="warn", key="practice-only"))
    if person_fb:
        notices.append(widgets.notice(_("This instrument has no text in %(lang)s yet; an interpreter is needed.") % {"lang": language_in_ui(app, s.interviewee_lang)}, tone="warn"))
    if person.translation == "unreviewed":
        notices.append(small(_("The %(lang)s text is a draft translation not yet checked by a fluent reviewer.") % {"lang": language_in_ui(app, person.lang)}, app, key="translation-unreviewed"))
        notices.append(small(draft_translation_words(_), app, key="translation-draft"))
    if not person_fb and person.fell_back("consent"):
        notices.append(small(untranslated_words(language_in_ui(app, iset.source_language), _), app, key="consent-untranslated"))

    controls = [
        widgets.heading(_("Introduction and consent"), scale),
        small(_("Case reference: %(ref)s") % {"ref": app.tr.ltr(s.case_ref)}, app, key="case-ref"),
        ft.Text(_("Before you start: find a private place, offer water and a break, and check that the person is comfortable with you and with any interpreter. Read this to the person:"), size=theme.size(14, scale)),
        *notices,
        *paragraphs,
        widgets.primary(_("The person agrees to continue"), agree, icon=ft.Icons.CHECK, key="consent-yes"),
        widgets.secondary(_("The person does not agree"), decline, icon=ft.Icons.CLOSE, key="consent-no"),
        small(_("If the person does not agree, the screening is closed as abandoned. You can still give them the referral contacts."), app),
    ]
    return screening_view(app, route, _("Introduction"), controls)
