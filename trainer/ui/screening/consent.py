"""The introduction and consent script, read to the person in both languages.

A new screening is only a draft (instrument, profile, languages, in memory) until the officer
confirms that the person agrees: only then is the encrypted record created. Going back or
declining leaves nothing behind."""

from __future__ import annotations

from dataclasses import replace

import flet as ft

from ...core.checklist.store import ABANDONED
from .. import theme, widgets
from . import lock
from ...core.checklist.explain import draft_translation_words, practice_words, untranslated_words
from .chrome import go, interviewee_text, language_in_ui, officer_text, screening_view, small
from .state import checklist_state


def build(app, params) -> ft.View:
    sid = params.get("sid")
    route = f"/screening/s/{sid}/consent" if sid else "/screening/consent"
    _ = app._
    if sid:  # a screening saved before consent by an earlier version
        locked, state, s, iset = lock.open_screening(app, sid, route)
        if locked:
            return locked
        person_lang = s.interviewee_lang
        case_ref = s.case_ref
        practice = s.practice
    else:
        locked = lock.guard(app, route)
        if locked:
            return locked
        state = checklist_state(app)
        draft = state.draft
        if draft is None or draft["set_id"] not in state.sets:
            return screening_view(app, route, _("Introduction"), [ft.Text(_("No screening is being started."), key="no-draft"), widgets.primary(_("New screening"), lambda e: go(app, "/screening/new"), icon=ft.Icons.ADD, key="new-screening")])
        iset = state.sets[draft["set_id"]]
        person_lang = draft["interviewee_lang"]
        case_ref = None
        practice = draft["practice"]
    officer, officer_fb = iset.officer_text(app.ui_language)
    person, person_fb = iset.text(person_lang)
    bilingual = person.lang != officer.lang
    scale = app.text_scale

    paragraphs: list[ft.Control] = []
    for i, para in enumerate(officer.consent):
        block: list[ft.Control] = [officer_text(para, app, key=f"consent-officer-{i}")] if bilingual else [ft.Text(para, size=theme.size(18, scale), key=f"consent-officer-{i}")]
        if bilingual:
            block.append(interviewee_text(person.consent[i], person.lang, size=theme.size(21, scale), key=f"consent-person-{i}"))
        paragraphs.append(ft.Container(ft.Column(block, spacing=4), padding=ft.Padding.symmetric(vertical=4), border=ft.Border.only(bottom=ft.BorderSide(1, ft.Colors.OUTLINE_VARIANT))))

    def agree(e):
        if sid:
            state.update(consent=True)
            go(app, f"/screening/s/{sid}/step/1")
            return
        s = state.store.create(state.key, **{k: draft[k] for k in ("set_id", "set_version", "profile_id", "officer_lang", "interviewee_lang", "practice")})
        state.screening = state.store.save(state.key, replace(s, consent=True, step=1))
        state.draft = None
        go(app, f"/screening/s/{s.id}/step/1")

    def decline(e):
        if sid:
            state.update(consent=False)
            state.store.close(sid, ABANDONED)
            state.screening = None
        state.draft = None
        go(app, "/screening")

    notices: list[ft.Control] = []
    if practice:
        notices.append(widgets.notice(practice_words(_), tone="warn", key="practice-only"))
    if person_fb:
        notices.append(widgets.notice(_("This instrument has no text in %(lang)s yet; an interpreter is needed.") % {"lang": language_in_ui(app, person_lang)}, tone="warn"))
    if person.translation == "unreviewed":
        notices.append(small(_("The %(lang)s text is a draft translation not yet checked by a fluent reviewer.") % {"lang": language_in_ui(app, person.lang)}, app, key="translation-unreviewed"))
        notices.append(small(draft_translation_words(_), app, key="translation-draft"))
    if not person_fb and person.fell_back("consent"):
        notices.append(small(untranslated_words(language_in_ui(app, iset.source_language), _), app, key="consent-untranslated"))

    controls = [
        widgets.heading(_("Introduction and consent"), scale),
        *([small(_("Case reference: %(ref)s") % {"ref": app.tr.ltr(case_ref)}, app, key="case-ref")] if case_ref else []),
        officer_text(_("Before you start: find a private place, offer water and a break, and check that the person is comfortable with you and with any interpreter. Read this to the person:"), app),
        *notices,
        *paragraphs,
        widgets.primary(_("The person agrees to continue"), agree, icon=ft.Icons.CHECK, key="consent-yes"),
        widgets.secondary(_("The person does not agree"), decline, icon=ft.Icons.CLOSE, key="consent-no"),
        small(_("Nothing is recorded until the person agrees. If they do not agree, you can still give them the referral contacts."), app),
    ]
    return screening_view(app, route, _("Introduction"), controls)
