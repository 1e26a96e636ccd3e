"""Private-answer mode: the officer hands the phone over; the person reads each question in
their own language and answers it themselves; then they hand the phone back and the officer
sees what was recorded. Everything the person sees comes from the indicator set's texts in
their language (questions, answer labels, navigation), none from the officer's language."""

from __future__ import annotations

import flet as ft

from ...core.checklist import Answer
from ...core.i18n import is_rtl
from .. import theme
from . import lock
from .chrome import go, interviewee_text, screening_view


def build(app, params) -> ft.View:
    sid = params["sid"]
    route = f"/screening/s/{sid}/private"
    locked, state, s, iset = lock.open_screening(app, sid, route)
    if locked:
        return locked
    person, _fb = iset.text(s.interviewee_lang)
    lang = person.lang
    scale = app.text_scale
    askable = state.askable()
    index = min(max(state.private_index, 0), len(askable))
    state.private_index = index
    stage = {"started": False}  # the hand-over message first, every time
    body = ft.Column(spacing=18, rtl=is_rtl(lang), horizontal_alignment=ft.CrossAxisAlignment.STRETCH, key="private-body")
    progress = ft.ProgressBar(value=0, key="private-progress")

    def big_button(label: str, on_click, key: str, filled: bool = False) -> ft.Control:
        text = ft.Text(label, size=theme.size(20, scale), font_family=theme.font_for(lang), text_align=ft.TextAlign.CENTER)
        cls = ft.FilledButton if filled else ft.OutlinedButton
        return cls(content=text, on_click=on_click, key=key, height=64, rtl=is_rtl(lang))

    def show():
        i = state.private_index
        progress.value = i / len(askable) if askable else 1
        if not stage["started"]:
            body.controls = [
                interviewee_text(person.handover, lang, size=theme.size(24, scale), key="private-handover"),
                big_button(person.navigation["start"], start, "private-start", filled=True),
            ]
            return
        if i >= len(askable):
            body.controls = [
                interviewee_text(person.handback, lang, size=theme.size(26, scale), weight=ft.FontWeight.BOLD, key="private-handback"),
                big_button(person.navigation["finish"], finish, "private-finish", filled=True),
            ]
            return
        iid = askable[i]
        current = state.screening.answers.get(iid)
        items: list[ft.Control] = [
            interviewee_text(q, lang, size=theme.size(26, scale), weight=ft.FontWeight.W_500, key=f"private-question-{qi}")
            for qi, q in enumerate(person.indicators[iid].questions)
        ]
        for a in Answer:
            label = person.answers[a.value]
            if current is a:
                label = "✓ " + label
            items.append(big_button(label, lambda e, v=a.value: answer(v), f"private-answer-{a.value}", filled=current is a))
        if i > 0:
            items.append(ft.TextButton(content=ft.Text(person.navigation["previous"], font_family=theme.font_for(lang), size=theme.size(16, scale)), on_click=previous, key="private-previous", height=theme.TAP))
        body.controls = items

    def start(e):
        stage["started"] = True
        state.touch()
        show()

    def answer(value: str):
        state.answer(askable[state.private_index], value)
        state.private_index += 1
        show()

    def previous(e):
        state.touch()
        state.private_index = max(0, state.private_index - 1)
        show()

    def finish(e):
        done = sum(1 for iid in askable if iid in state.screening.answers)
        state.private_done = done
        state.private_index = 0
        go(app, f"/screening/s/{sid}/step/1")

    show()
    # Quick exit and the immediate-danger bar stay, as on every checklist screen.
    return screening_view(app, route, "", [progress, body])
