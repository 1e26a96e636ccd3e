"""Private-answer mode: the officer hands the phone over; the person reads each question in
their own language and answers it themselves; then they give the phone back and the officer
sees what they answered.

Everything the person sees is in their language, from the indicator set's texts: the
hand-over message, the questions, the answer buttons, "Exit" (quick exit), "I am in danger
now" and the give-back step (the [private] labels, each falling back to the source language).
Nothing is preselected: the officer's answers are never shown here. Open questions ("What were
you told you would be paid?") ask the person to tell the officer instead of offering buttons.
The person's answers are stored apart from the officer's (Screening.person_answers, inside the
encrypted record) and never overwrite them.
"""

from __future__ import annotations

import flet as ft

from ...core.checklist import Answer
from ...core.i18n import is_rtl
from .. import theme
from . import lock
from .chrome import ensure_idle_watch, go, interviewee_text, quick_exit

HANDOVER, QUESTION, DANGER, HANDBACK = "handover", "question", "danger", "handback"


def sequence(state) -> list[tuple[str, int]]:
    """(indicator id, question index) of every question put to the person, in order."""
    s = state.screening
    iset = state.indicator_set(s)
    return [(iid, qi) for iid in state.askable() for qi in range(len(iset.indicators[iid].question_kinds))]


def start_index(state, element_id: str) -> int:
    """The first question of this element (the part the officer is on)."""
    iset = state.indicator_set()
    return next((n for n, (iid, _q) in enumerate(sequence(state)) if iset.indicators[iid].element == element_id), 0)


def build(app, params) -> ft.View:
    sid = params["sid"]
    route = f"/screening/s/{sid}/private"
    locked, state, s, iset = lock.open_screening(app, sid, route)
    if locked:
        return locked
    ensure_idle_watch(app)
    person, _fb = iset.text(s.interviewee_lang)
    words = iset.private_text(s.interviewee_lang)
    lang = person.lang
    rtl = is_rtl(lang)
    font = theme.font_for(lang)
    scale = app.text_scale
    items = sequence(state)
    stage = {"now": HANDOVER, "given": 0}  # the hand-over message first, every time
    state.private_index = min(max(state.private_index, 0), len(items))
    body = ft.Column(spacing=18, horizontal_alignment=ft.CrossAxisAlignment.STRETCH, key="private-body")
    progress = ft.ProgressBar(value=0, key="private-progress")

    def label(text: str, size: float = 20, weight=None) -> ft.Text:
        return ft.Text(text, size=theme.size(size, scale), font_family=font, text_align=ft.TextAlign.CENTER, weight=weight)

    def big_button(text: str, on_click, key: str, filled: bool = False) -> ft.Control:
        cls = ft.FilledButton if filled else ft.OutlinedButton
        return cls(content=label(text), on_click=on_click, key=key, height=64)

    def show() -> None:
        i = state.private_index
        progress.value = i / len(items) if items else 1
        now = stage["now"]
        if now == HANDOVER:
            body.controls = [
                interviewee_text(person.handover, lang, size=theme.size(24, scale), key="private-handover"),
                big_button(person.navigation["start"], start, "private-start", filled=True),
            ]
        elif now == DANGER:
            body.controls = [
                ft.Container(
                    interviewee_text(words["danger_message"], lang, size=theme.size(28, scale), weight=ft.FontWeight.BOLD, key="private-danger-message"),
                    bgcolor=ft.Colors.ERROR_CONTAINER,
                    padding=20,
                    border_radius=12,
                ),
                # The officer's step, in the officer's language: the urgent-action screen.
                ft.FilledButton(app._("Officer: open the urgent-action screen"), icon=ft.Icons.WARNING_AMBER, on_click=officer_urgent, key="private-danger-officer", height=theme.TAP),
            ]
        elif now == HANDBACK or i >= len(items):
            stage["now"] = HANDBACK
            body.controls = [
                interviewee_text(person.handback, lang, size=theme.size(26, scale), weight=ft.FontWeight.BOLD, key="private-handback"),
                ft.Divider(),
                # From here on the officer holds the phone: their language.
                ft.FilledButton(app._("I have the phone back: show the answers"), icon=ft.Icons.ASSIGNMENT_RETURN_OUTLINED, on_click=taken_back, key="private-taken-back", height=theme.TAP),
            ]
        else:
            iid, qi = items[i]
            question = person.indicators[iid].questions[qi]
            kind = iset.indicators[iid].question_kinds[qi]
            controls: list[ft.Control] = [interviewee_text(question, lang, size=theme.size(26, scale), weight=ft.FontWeight.W_500, key="private-question")]
            if kind == "spoken":
                controls.append(
                    ft.Container(
                        interviewee_text(words["spoken"], lang, size=theme.size(21, scale), key="private-spoken"),
                        bgcolor=ft.Colors.SECONDARY_CONTAINER,
                        padding=14,
                        border_radius=10,
                    )
                )
                controls.append(big_button(words["next"], lambda e: advance(), "private-next", filled=True))
            else:
                for a in Answer:  # nothing preselected: the officer's answer is never shown here
                    controls.append(big_button(person.answers[a.value], lambda e, v=a: answer(v), f"private-answer-{a.value}"))
                controls.append(ft.TextButton(content=label(words["skip"], 17), on_click=lambda e: advance(), key="private-skip", height=theme.TAP))
            row: list[ft.Control] = []
            if i > 0:
                row.append(ft.TextButton(content=label(person.navigation["previous"], 16), on_click=previous, key="private-previous", height=theme.TAP))
            controls.append(ft.Row(row, alignment=ft.MainAxisAlignment.CENTER, wrap=True))
            controls.append(ft.OutlinedButton(content=label(words["give_back"], 17), on_click=give_back, key="private-give-back", height=theme.TAP))
            body.controls = controls

    def start(e):
        stage["now"] = QUESTION
        state.touch()
        show()

    def advance():
        state.touch()
        state.private_index += 1
        show()

    def answer(value: Answer):
        iid, qi = items[state.private_index]
        state.touch()
        state.screening = state.store.save(state.key, state.screening.with_person_answer(iid, qi, value))
        stage["given"] += 1
        advance()

    def previous(e):
        state.touch()
        state.private_index = max(0, state.private_index - 1)
        show()

    def give_back(e):
        state.touch()
        stage["now"] = HANDBACK
        show()

    def danger(e):
        state.flag_danger()
        stage["now"] = DANGER
        show()

    def officer_urgent(e):
        state.return_route = f"/screening/s/{sid}/step/{state.screening.step or 1}"
        go(app, "/screening/urgent")

    def taken_back(e):
        state.private_done = stage["given"]
        state.private_index = 0
        go(app, f"/screening/s/{sid}/step/{state.screening.step or 1}")

    show()
    exit_button = ft.Semantics(
        label=words["quick_exit"],
        button=True,
        container=True,
        exclude_semantics=True,
        on_tap=lambda e: quick_exit(app),
        content=ft.FilledButton(
            content=ft.Text(words["quick_exit"], font_family=font),
            icon=ft.Icons.EXIT_TO_APP,
            key="quick-exit",
            height=theme.TAP,
            on_click=lambda e: quick_exit(app),
            style=ft.ButtonStyle(bgcolor=ft.Colors.INVERSE_SURFACE, color=ft.Colors.ON_INVERSE_SURFACE),
        ),
    )
    danger_button = ft.Semantics(
        label=words["danger"],
        button=True,
        container=True,
        exclude_semantics=True,
        on_tap=danger,
        content=ft.FilledButton(
            content=ft.Text(words["danger"], font_family=font),
            icon=ft.Icons.WARNING_AMBER,
            key="immediate-danger",
            height=theme.TAP,
            on_click=danger,
            style=ft.ButtonStyle(bgcolor=ft.Colors.ERROR, color=ft.Colors.ON_ERROR),
        ),
    )
    return ft.View(
        route=route,
        rtl=rtl,
        scroll=ft.ScrollMode.AUTO,
        appbar=ft.AppBar(
            title=ft.Text(words["title"], font_family=font),
            automatically_imply_leading=False,  # no back arrow: the way out is "give back"
            actions=[ft.Container(exit_button, padding=ft.Padding.symmetric(horizontal=8))],
        ),
        bottom_appbar=ft.BottomAppBar(
            height=theme.TAP + 24,
            padding=ft.Padding.symmetric(horizontal=12, vertical=8),
            content=ft.Row([danger_button], alignment=ft.MainAxisAlignment.CENTER),
        ),
        controls=[ft.Container(ft.Column([progress, body], spacing=14, horizontal_alignment=ft.CrossAxisAlignment.STRETCH), padding=16)],
    )
