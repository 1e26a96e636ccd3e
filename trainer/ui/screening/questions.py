"""Indicators grouped by element, one element per screen; each answered Yes, No, Not sure or
Declined. The element's status is re-evaluated after every answer, in place (the screen is
not rebuilt, so the officer keeps their place)."""

from __future__ import annotations

import flet as ft

from ...core.checklist import Answer
from ...core.checklist.store import IN_PROGRESS
from .. import theme, widgets
from . import lock
from ...core.checklist.explain import draft_translation_words, practice_words, untranslated_words
from .chrome import go, interviewee_text, language_in_ui, screening_view, side_by_side, small, status_colour, status_words


def answer_labels(app) -> dict[str, str]:
    _ = app._
    return {
        Answer.YES.value: _("Yes"),
        Answer.NO.value: _("No"),
        Answer.NOT_SURE.value: _("Not sure"),
        Answer.DECLINED.value: _("Declined to answer"),
    }


def element_summary(app, result) -> str:
    text = status_words(app, result.status)
    if result.present:
        return text
    open_n = result.unanswered + result.not_sure + result.declined
    if open_n:
        return text + " · " + app.ngettext("%(n)d indicator still open", "%(n)d indicators still open", open_n) % {"n": open_n}
    return text


def build(app, params) -> ft.View:
    sid = params["sid"]
    route = f"/screening/s/{sid}/step/{params['n']}"
    locked, state, s, iset = lock.open_screening(app, sid, route)
    if locked:
        return locked
    _ = app._
    profile = iset.profiles[s.profile_id]
    elements = list(profile.members)
    try:
        n = min(max(int(params["n"]), 1), len(elements))
    except ValueError:
        n = 1
    element_id = elements[n - 1]
    officer, _fb = iset.officer_text(app.ui_language)
    person, _pfb = iset.text(s.interviewee_lang)
    bilingual = person.lang != officer.lang
    editable = s.status == IN_PROGRESS
    scale = app.text_scale
    labels = answer_labels(app)
    outcome = state.outcome()
    result = outcome.element(element_id)

    status = ft.Text(element_summary(app, result), key="element-status", weight=ft.FontWeight.W_600, size=theme.size(15, scale))
    status_box = ft.Container(status, bgcolor=status_colour(result.status), padding=12, border_radius=8, key="element-status-box")
    answered = ft.Text("", key="answered-count", size=theme.size(13, scale))

    def show_counts(out):
        answered.value = app.ngettext("%(done)d of %(n)d indicator answered", "%(done)d of %(n)d indicators answered", out.total) % {"done": out.answered, "n": out.total}

    show_counts(outcome)

    def on_answer(e):
        out = state.answer(e.control.data, e.control.value)
        r = out.element(element_id)
        status.value = element_summary(app, r)
        status_box.bgcolor = status_colour(r.status)
        show_counts(out)

    cards: list[ft.Control] = []
    for iid, _grade in profile.members[element_id]:
        ind = iset.indicators[iid]
        t = officer.indicators[iid]
        pt = person.indicators[iid]
        head: list[ft.Control] = [ft.Text(t.label, weight=ft.FontWeight.BOLD, size=theme.size(17, scale), expand=True)]
        if ind.observed_only:
            head.append(
                ft.Container(
                    ft.Row([ft.Icon(ft.Icons.VISIBILITY_OUTLINED, size=18), ft.Text(_("Observe, do not ask"), size=theme.size(13, scale))], spacing=4),
                    bgcolor=ft.Colors.SECONDARY_CONTAINER,
                    padding=ft.Padding.symmetric(horizontal=8, vertical=4),
                    border_radius=12,
                    key=f"observed-only-{iid}",
                )
            )
        body: list[ft.Control] = [ft.Row(head, vertical_alignment=ft.CrossAxisAlignment.START), small(t.officer, app)]
        for qi, q in enumerate(t.questions):
            if bilingual:
                theirs: ft.Control = interviewee_text(pt.questions[qi], person.lang, size=theme.size(22, scale), weight=ft.FontWeight.W_500, key=f"question-person-{iid}-{qi}")
                if person.questions_fell_back(iid):
                    theirs = ft.Column([theirs, small(untranslated_words(language_in_ui(app, iset.source_language), _), app, key=f"question-untranslated-{iid}-{qi}")], spacing=2)
                elif person.needs_review:
                    theirs = ft.Column([theirs, small(draft_translation_words(_), app, key=f"question-draft-{iid}-{qi}")], spacing=2)
                body.append(side_by_side(ft.Text(q, size=theme.size(14, scale), key=f"question-officer-{iid}-{qi}"), theirs, person.lang))
            else:
                body.append(ft.Text(q, size=theme.size(19, scale), weight=ft.FontWeight.W_500, key=f"question-officer-{iid}-{qi}"))
        body.append(small(_("You may see: %(what)s") % {"what": t.observe}, app, italic=True))
        choices = [a for a in labels if not (ind.observed_only and a == Answer.DECLINED.value)]
        current = s.answers.get(iid)
        body.append(
            ft.RadioGroup(
                key=f"answer-{iid}",
                data=iid,
                value=current.value if current else None,
                on_change=on_answer,
                disabled=not editable,
                content=ft.Row(
                    [
                        ft.Radio(value=a, label=labels[a], key=f"answer-{iid}-{a}", label_style=ft.TextStyle(size=theme.size(15, scale)), height=theme.TAP)
                        for a in choices
                    ],
                    wrap=True,
                    spacing=4,
                    run_spacing=0,
                ),
            )
        )
        cards.append(ft.Card(ft.Container(ft.Column(body, spacing=8), padding=14), key=f"indicator-{iid}"))

    nav: list[ft.Control] = []
    if n > 1:
        nav.append(widgets.secondary(_("Previous part"), lambda e: go(app, f"/screening/s/{sid}/step/{n - 1}"), icon=ft.Icons.ARROW_BACK, key="step-previous", expand=True))
    if n < len(elements):
        nav.append(widgets.primary(_("Next part"), lambda e: go(app, f"/screening/s/{sid}/step/{n + 1}"), icon=ft.Icons.ARROW_FORWARD, key="step-next", expand=True))
    else:
        nav.append(widgets.primary(_("See the result"), lambda e: go(app, f"/screening/s/{sid}/results"), icon=ft.Icons.ASSIGNMENT_OUTLINED, key="see-result", expand=True))

    def hand_over(e):
        askable = state.askable()
        first_here = next((i for i, iid in enumerate(askable) if iset.indicators[iid].element == element_id), 0)
        state.private_index = first_here
        state.private_done = None
        go(app, f"/screening/s/{sid}/private")

    top: list[ft.Control] = [
        widgets.heading(officer.elements[element_id][0], scale, key="element-name"),
        small(_("Part %(i)d of %(n)d") % {"i": n, "n": len(elements)} + " · " + _("Case reference: %(ref)s") % {"ref": app.tr.ltr(s.case_ref)}, app, key="step-position"),
        ft.Text(officer.elements[element_id][1], size=theme.size(14, scale)),
        status_box,
        answered,
    ]
    if s.practice:
        top.insert(0, widgets.notice(practice_words(_), tone="warn", key="practice-only"))
    if state.private_done is not None:
        top.append(
            widgets.notice(
                app.ngettext("The person answered %(n)d question privately. Their answers are shown below.", "The person answered %(n)d questions privately. Their answers are shown below.", state.private_done)
                % {"n": state.private_done},
                key="private-done",
            )
        )
        state.private_done = None
    if editable:
        top.append(widgets.secondary(_("Hand the phone over (private answers)"), hand_over, icon=ft.Icons.PHONE_ANDROID, key="hand-over"))
    controls = [*top, *cards, ft.Row(nav, spacing=12), widgets.secondary(_("Pause and leave"), lambda e: go(app, "/screening"), icon=ft.Icons.PAUSE, key="pause")]
    return screening_view(app, route, officer.elements[element_id][0], controls)
