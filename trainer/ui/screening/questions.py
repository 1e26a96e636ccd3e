"""The answering view, made for an interview on a phone: one part (element) per screen, one
compact card per indicator, each answered with one tap on a segmented Yes / No / Not sure /
Declined control ("observe, do not ask" indicators have no Declined).

* Each card shows the indicator, its grade for this profile (S/M/W with the word) and the
  control; the questions, what the officer may observe and the interviewee's wording open
  under the card (the next unanswered card is open, the others are folded).
* The element's status is re-evaluated after every answer, in place, worded so that it
  cannot be misread ("2 of 10 answered · not present so far").
* Per-part progress (a bar of the parts with their answered counts, each a tap target) and
  "Next unanswered" (the next card here, or the next part with open indicators).
* Answers the person gave privately are shown on their cards beside the officer's answer;
  they never replace it: the officer reads them and chooses.
"""

from __future__ import annotations

from dataclasses import replace

import flet as ft

from ...core.checklist import Answer
from ...core.checklist.explain import grade_word
from ...core.checklist.store import IN_PROGRESS
from .. import theme, widgets
from . import lock
from ...core.checklist.explain import draft_translation_words, practice_words, untranslated_words
from .chrome import go, interviewee_text, language_in_ui, officer_text, screening_view, small, status_colour

GRADE_COLOURS = {"S": ft.Colors.TERTIARY_CONTAINER, "M": ft.Colors.SECONDARY_CONTAINER, "W": ft.Colors.SURFACE_CONTAINER_HIGHEST}
LTR_ISOLATE, POP_ISOLATE = "\u2066", "\u2069"


def answer_labels(app) -> dict[str, str]:
    """Short labels for the segmented control (the officer's language)."""
    _ = app._
    return {
        Answer.YES.value: _("Yes"),
        Answer.NO.value: _("No"),
        Answer.NOT_SURE.value: _("Not sure"),
        Answer.DECLINED.value: _("Declined"),
    }


def element_summary(app, result) -> str:
    """'4 of 10 answered · not present so far': the count first, then a status that cannot be
    read as a count of what is left."""
    _ = app._
    answered = result.total - result.unanswered
    count = app.ngettext("%(done)d of %(n)d answered", "%(done)d of %(n)d answered", result.total) % {"done": answered, "n": result.total}
    words = {
        "present": _("element present"),
        "open": _("not present so far"),
        "not-present": _("not present"),
    }[result.status]
    return f"{count} · {words}"


def segmented(app, iid: str, name: str, choices: list[str], current: str | None, on_pick, enabled: bool) -> tuple[ft.Control, dict]:
    """A one-tap segmented control; returns it and {value: (box, text, semantics)} to restyle."""
    labels = answer_labels(app)
    parts: dict[str, tuple] = {}
    row: list[ft.Control] = []
    for a in choices:
        text = ft.Text(labels[a], size=theme.size(15, app.text_scale), text_align=ft.TextAlign.CENTER, max_lines=2)
        box = ft.Container(
            content=text,
            key=f"answer-{iid}-{a}",
            data=a,
            height=max(theme.TAP, theme.size(theme.TAP, app.text_scale)),
            alignment=ft.Alignment.CENTER,
            padding=ft.Padding.symmetric(horizontal=4),
            border=ft.Border.all(1, ft.Colors.OUTLINE),
            border_radius=8,
            ink=True,
            on_click=(lambda e, v=a: on_pick(v)) if enabled else None,
        )
        sem = ft.Semantics(
            label=f"{labels[a]}: {name}",
            button=True,
            checked=False,  # one of a group: read out as checked / not checked
            container=True,
            exclude_semantics=True,
            on_tap=(lambda e, v=a: on_pick(v)) if enabled else None,
            content=box,
            expand=1,
        )
        parts[a] = (box, text, sem)
        row.append(sem)
    style_segments(parts, current)
    return ft.Row(row, spacing=4, key=f"answer-{iid}"), parts


def style_segments(parts: dict, current: str | None) -> None:
    for a, (box, text, sem) in parts.items():
        on = a == current
        box.bgcolor = ft.Colors.PRIMARY if on else None
        text.color = ft.Colors.ON_PRIMARY if on else None
        text.weight = ft.FontWeight.BOLD if on else ft.FontWeight.NORMAL
        sem.checked = on


def grade_chip(app, grade: str | None, iid: str) -> ft.Control | None:
    if grade is None:
        return None
    return ft.Container(
        ft.Text(f"{grade} · {grade_word(grade, app._)}", size=theme.size(13, app.text_scale), weight=ft.FontWeight.W_600),
        bgcolor=GRADE_COLOURS[grade],
        padding=ft.Padding.symmetric(horizontal=8, vertical=3),
        border_radius=10,
        key=f"grade-{iid}",
    )


def person_answers_block(app, iid: str, officer_questions, given) -> ft.Control:
    """What the person answered privately, in the officer's language, marked as theirs."""
    labels = answer_labels(app)
    lines: list[ft.Control] = [ft.Text(app._("The person answered privately:"), size=theme.size(15, app.text_scale), weight=ft.FontWeight.W_600)]
    for qi, a in sorted(given.items()):
        q = officer_questions[qi] if qi < len(officer_questions) else ""
        lines.append(ft.Text(q, size=theme.size(16, app.text_scale)))
        lines.append(ft.Text(labels[a.value], size=theme.size(16, app.text_scale), weight=ft.FontWeight.BOLD, key=f"person-answer-{iid}-{qi}"))
    return ft.Container(
        ft.Row([ft.Icon(ft.Icons.RECORD_VOICE_OVER_OUTLINED), ft.Column(lines, spacing=2, expand=True)], vertical_alignment=ft.CrossAxisAlignment.START),
        bgcolor=ft.Colors.SECONDARY_CONTAINER,
        border_radius=8,
        padding=8,
        key=f"person-answers-{iid}",
    )


def first_open_part(outcome) -> int | None:
    """1-based number of the first part with an unanswered indicator."""
    return next((n for n, r in enumerate(outcome.elements, 1) if r.unanswered), None)


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
    outcome = state.outcome()
    result = outcome.element(element_id)
    if editable and s.step != n:  # reopen here next time (inside the encrypted record)
        state.screening = s = state.store.save(state.key, replace(s, step=n))

    status = ft.Text(element_summary(app, result), key="element-status", size=theme.size(16, scale))
    status_box = ft.Container(
        ft.Column(
            [
                ft.Semantics(header=True, content=ft.Text(officer.elements[element_id][0], key="element-name", weight=ft.FontWeight.BOLD, size=theme.size(17, scale))),
                status,
            ],
            spacing=2,
        ),
        bgcolor=status_colour(result.status),
        padding=ft.Padding.symmetric(horizontal=10, vertical=6),
        border_radius=8,
        key="element-status-box",
    )
    parts_bar = ft.Row(spacing=4, key="parts-bar")
    next_button = ft.OutlinedButton(_("Next unanswered"), icon=ft.Icons.SKIP_NEXT, key="next-unanswered", height=theme.TAP, expand=True)
    view_ref: dict[str, ft.View] = {}

    def show_progress(out) -> None:
        tiles: list[ft.Control] = []
        for i, r in enumerate(out.elements, 1):
            done = r.total - r.unanswered
            here = i == n
            label = _("Part %(i)d of %(n)d") % {"i": i, "n": len(elements)} + f": {officer.elements[r.element][0]}, " + app.ngettext("%(done)d of %(n)d answered", "%(done)d of %(n)d answered", r.total) % {"done": done, "n": r.total}
            tiles.append(
                ft.Semantics(
                    label=label,
                    button=True,
                    selected=here,
                    container=True,
                    exclude_semantics=True,
                    on_tap=(lambda e, i=i: go(app, f"/screening/s/{sid}/step/{i}")) if not here else None,
                    expand=1,
                    content=ft.Container(
                        key=f"part-tile-{i}",
                        height=theme.TAP,
                        border_radius=8,
                        border=ft.Border.all(2 if here else 1, ft.Colors.PRIMARY if here else ft.Colors.OUTLINE_VARIANT),
                        bgcolor=status_colour(r.status),
                        alignment=ft.Alignment.CENTER,
                        on_click=(lambda e, i=i: go(app, f"/screening/s/{sid}/step/{i}")) if not here else None,
                        content=ft.Column(
                            [
                                ft.Text(str(i), size=theme.size(14, scale), weight=ft.FontWeight.BOLD),
                                ft.Text(f"{LTR_ISOLATE}{done}/{r.total}{POP_ISOLATE}", size=theme.size(11, scale)),
                            ],
                            spacing=0,
                            horizontal_alignment=ft.CrossAxisAlignment.CENTER,
                            alignment=ft.MainAxisAlignment.CENTER,
                        ),
                    ),
                )
            )
        parts_bar.controls = tiles
        anything_open = out.answered < out.total
        next_button.content = _("Next unanswered") if anything_open else _("All answered: see the result")
        next_button.icon = ft.Icons.SKIP_NEXT if anything_open else ft.Icons.ASSIGNMENT_OUTLINED

    cards: list[ft.Control] = []
    details: dict[str, ft.Control] = {}
    toggles: dict[str, ft.IconButton] = {}
    segments: dict[str, dict] = {}
    order = [iid for iid, _g in profile.members[element_id]]
    first_unanswered = next((i for i in order if i not in s.answers), None)

    def set_open(iid: str, is_open: bool) -> None:
        details[iid].visible = is_open
        toggles[iid].icon = ft.Icons.EXPAND_LESS if is_open else ft.Icons.EXPAND_MORE
        toggles[iid].tooltip = _("Hide the questions") if is_open else _("Show the questions")

    def pick(iid: str, value: str) -> None:
        if not editable:
            return
        out = state.answer(iid, value)
        style_segments(segments[iid], value)
        r = out.element(element_id)
        status.value = element_summary(app, r)
        status_box.bgcolor = status_colour(r.status)
        show_progress(out)
        # Fold this card and open the next unanswered one: its questions are ready to ask.
        if details[iid].visible:
            set_open(iid, False)
            nxt = next((i for i in order if i not in state.screening.answers), None)
            if nxt is not None:
                set_open(nxt, True)

    for iid, grade in profile.members[element_id]:
        ind = iset.indicators[iid]
        t = officer.indicators[iid]
        pt = person.indicators[iid]
        head: list[ft.Control] = []
        chip = grade_chip(app, grade, iid)
        if chip is not None:
            head.append(chip)
        if ind.observed_only:
            head.append(ft.Icon(ft.Icons.VISIBILITY_OUTLINED, size=20, tooltip=_("Observe, do not ask"), key=f"observed-only-{iid}"))
        head.append(ft.Text(t.label, weight=ft.FontWeight.BOLD, size=theme.size(16, scale), expand=True, key=f"label-{iid}"))
        toggle = ft.IconButton(
            ft.Icons.EXPAND_MORE,
            tooltip=_("Show the questions"),
            key=f"toggle-{iid}",
            width=theme.TAP,
            height=theme.TAP,
            on_click=lambda e, i=iid: set_open(i, not details[i].visible),
        )
        toggles[iid] = toggle
        head.append(toggle)

        more: list[ft.Control] = []
        if ind.observed_only:
            more.append(ft.Text(_("Observe, do not ask"), weight=ft.FontWeight.W_600, size=theme.size(16, scale)))
        more.append(officer_text(t.officer, app, key=f"officer-{iid}"))
        for qi, q in enumerate(t.questions):
            more.append(officer_text(q, app, key=f"question-officer-{iid}-{qi}", weight=ft.FontWeight.W_600))
            if bilingual:
                more.append(interviewee_text(pt.questions[qi], person.lang, size=theme.size(21, scale), weight=ft.FontWeight.W_500, key=f"question-person-{iid}-{qi}"))
                if qi == 0 and person.questions_fell_back(iid):  # said once, under the first
                    more.append(small(untranslated_words(language_in_ui(app, iset.source_language), _), app, key=f"question-untranslated-{iid}-{qi}"))
                elif qi == 0 and person.needs_review:
                    more.append(small(draft_translation_words(_), app, key=f"question-draft-{iid}-{qi}"))
        more.append(officer_text(_("You may see: %(what)s") % {"what": t.observe}, app, italic=True))
        detail = ft.Container(ft.Column(more, spacing=6), padding=ft.Padding.only(bottom=6), visible=False, key=f"details-{iid}")
        details[iid] = detail

        choices = [a for a in answer_labels(app) if not (ind.observed_only and a == Answer.DECLINED.value)]
        current = s.answers.get(iid)
        control, parts = segmented(app, iid, t.label, choices, current.value if current else None, lambda v, i=iid: pick(i, v), editable)
        segments[iid] = parts
        body: list[ft.Control] = [ft.Row(head, spacing=6, vertical_alignment=ft.CrossAxisAlignment.CENTER), detail]
        given = s.person_answers.get(iid)
        if given:
            body.append(ft.Container(person_answers_block(app, iid, t.questions, given), padding=ft.Padding.only(right=6, bottom=6)))
        body.append(control)
        cards.append(
            ft.Container(
                ft.Column(body, spacing=0, key=f"indicator-{iid}"),
                key=ft.ScrollKey(f"card-{iid}"),
                border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
                border_radius=10,
                padding=ft.Padding.only(left=10, right=4, top=0, bottom=6),
            )
        )
        set_open(iid, iid == first_unanswered)

    async def next_unanswered(e) -> None:
        state.touch()
        here = next((i for i in order if i not in state.screening.answers), None)
        if here is not None:
            set_open(here, True)
            view_ref["view"].update()
            await view_ref["view"].scroll_to(scroll_key=f"card-{here}", duration=250)
            return
        part = first_open_part(state.outcome())
        go(app, f"/screening/s/{sid}/step/{part}" if part else f"/screening/s/{sid}/results")

    next_button.on_click = next_unanswered
    show_progress(outcome)

    nav: list[ft.Control] = [widgets.icon_button(ft.Icons.PAUSE, _("Pause and leave"), lambda e: go(app, "/screening"), key="pause"), next_button]
    if n < len(elements):
        nav.append(widgets.primary(_("Next part"), lambda e: go(app, f"/screening/s/{sid}/step/{n + 1}"), icon=ft.Icons.ARROW_FORWARD, key="step-next", expand=True))
    else:
        nav.append(widgets.primary(_("See the result"), lambda e: go(app, f"/screening/s/{sid}/results"), icon=ft.Icons.ASSIGNMENT_OUTLINED, key="see-result", expand=True))

    def hand_over(e):
        from .private import start_index

        state.private_index = start_index(state, element_id)
        state.private_done = None
        go(app, f"/screening/s/{sid}/private")

    # The parts (each a tap target) and this part's status; the case reference is on the
    # list and the result, the part number in the app bar.
    top: list[ft.Control] = [parts_bar, status_box]
    if s.practice:
        top.insert(0, widgets.notice(practice_words(_), tone="warn", key="practice-only"))
    if state.private_done is not None:
        top.append(
            widgets.notice(
                app.ngettext(
                    "The person answered %(n)d question privately. Their answers are marked on the cards; your answers are unchanged: choose what to record.",
                    "The person answered %(n)d questions privately. Their answers are marked on the cards; your answers are unchanged: choose what to record.",
                    state.private_done,
                )
                % {"n": state.private_done},
                key="private-done",
            )
        )
        state.private_done = None
    controls = [ft.Column([*top, ft.Column(cards, spacing=4, key="cards"), ft.Row(nav, spacing=6)], spacing=8, horizontal_alignment=ft.CrossAxisAlignment.STRETCH)]
    actions = [widgets.icon_button(ft.Icons.PHONE_ANDROID, _("Hand the phone over"), hand_over, key="hand-over")] if editable else []
    view = screening_view(app, route, _("Part %(i)d of %(n)d") % {"i": n, "n": len(elements)}, controls, actions=actions)
    view_ref["view"] = view
    return view
