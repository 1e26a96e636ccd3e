"""Quiz screens: intro, one question per screen, a check-your-answers step, review with
feedback, and completion certificates.

Tone: supportive. Not passing is "not there yet", never a red FAILED banner; the review
names the sections to read again and offers another try with a new shuffle. Answers can be
changed freely until the attempt is submitted; the submitted attempt is recorded (with its
xAPI statements) by the core in one transaction and never edited.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

import flet as ft

from ...core.certificates import (
    curriculum_certificate,
    curriculum_certificate_html,
    format_certificate_date,
    learner_label,
    module_certificate,
    module_certificate_html,
)
from ...core.progress import ModuleState, get_learner, module_progress, overall_progress, update_learner
from ...core.quiz.attempts import list_attempts, record_attempt
from ...core.quiz.scoring import score_attempt, sections_to_revisit
from ...core.quiz.shuffle import new_seed, option_order, question_order
from .. import theme, widgets
from . import home, reader


@dataclass
class QuizRun:
    """An attempt in progress: lives in the session until it is submitted."""

    module_id: str
    lang: str
    seed: int
    order: tuple[str, ...]
    started_at: datetime
    answers: dict[str, list[str]] = field(default_factory=dict)
    index: int = 0  # 0..len(order)-1 = a question; len(order) = check your answers


def _runs(app) -> dict[str, QuizRun]:
    return app.session.setdefault("quiz_runs", {})


def start_run(app, module, quiz) -> QuizRun:
    seed = new_seed()
    run = QuizRun(module.id, quiz.lang, seed, question_order(quiz, seed, module.shuffle_questions),
                  datetime.now(timezone.utc))
    _runs(app)[module.id] = run
    return run


def _percent(app, value: float) -> str:
    return app.tr.percent(value)


def _quiz_for(app, module):
    quiz, fell_back = module.quiz(app.content_language)
    return quiz, fell_back


def _not_available(app, route: str, message: str) -> ft.View:
    return ft.View(route=route, appbar=ft.AppBar(title=ft.Text(app._("Quiz"))),
                   controls=[widgets.column_page([ft.Text(message, key="quiz-missing")])])


# -- the quiz route: intro, questions, check-your-answers ------------------------------------------


def build(app, params) -> ft.View:
    _ = app._
    module = app.curriculum.module(params.get("module_id", ""))
    route = f"/quiz/{params.get('module_id', '')}"
    if module is None:
        return _not_available(app, route, _("This module is not available."))
    quiz, fell_back = _quiz_for(app, module)
    if quiz is None:
        return _not_available(app, route, _("This module has no quiz yet."))
    text, _unused = module.text(quiz.lang)
    run = _runs(app).get(module.id)
    if run is not None and run.lang != quiz.lang:
        run = None  # the content language changed: start again in the new language
    if run is None:
        body, page_key = _intro(app, module, quiz, fell_back), "intro"
    elif run.index >= len(run.order):
        body, page_key = _check_answers(app, module, quiz, run), "check"
    else:
        body, page_key = _question(app, module, quiz, run), f"question-{run.index}"
    font = theme.font_for(quiz.lang)
    # Each question gets its own scrollable (keyed by position): a new question starts at the
    # top, while choosing an option keeps the scroll where it is.
    return ft.View(
        route=route,
        padding=0,
        appbar=ft.AppBar(title=ft.Text(_("Quiz: %(title)s") % {"title": text.title}, font_family=font,
                                       max_lines=1, overflow=ft.TextOverflow.ELLIPSIS)),
        controls=[ft.Column([widgets.column_page(body)], scroll=ft.ScrollMode.AUTO, expand=True,
                            key=f"quiz-page-{page_key}")],
    )


def _intro(app, module, quiz, fell_back) -> list[ft.Control]:
    _ = app._
    n = len(quiz.questions)
    route = f"/quiz/{module.id}"

    def begin(e):
        start_run(app, module, quiz)
        app.show_route(route)

    controls: list[ft.Control] = [
        widgets.heading(_("Check what you have learned"), app.text_scale),
        ft.Text(app.ngettext("%(n)d question, one at a time.", "%(n)d questions, one at a time.", n) % {"n": n},
                size=theme.size(16, app.text_scale), key="quiz-intro-count"),
        ft.Text(_("You need %(mark)s to pass. You can change your answers until you submit, "
                  "and you can try again as often as you like.") % {"mark": _percent(app, module.pass_mark)},
                size=theme.size(16, app.text_scale)),
    ]
    if fell_back:
        controls.append(widgets.notice(_("This quiz is not yet available in your language. It is shown in its original language."), tone="warn", key="quiz-fallback"))
    history = list_attempts(app.db, module.id)
    if history:
        best = max(a.score for a in history)
        controls.append(ft.Text(_("Your best score so far: %(score)s") % {"score": _percent(app, best)}, key="quiz-best"))
    controls.append(widgets.primary(_("Start the quiz") if not history else _("Start a new attempt"), begin,
                                    icon=ft.Icons.PLAY_ARROW, key="quiz-start"))
    if history:
        controls.append(widgets.secondary(_("See your last results"), lambda e: app.go(f"{route}/review"), key="quiz-last-review"))
    return controls


def _tile_style(tile: ft.Semantics, selected: bool, multiple: bool) -> None:
    box: ft.Container = tile.content
    icon: ft.Icon = box.content.controls[0]
    tile.checked = selected
    box.border = ft.Border.all(2 if selected else 1, ft.Colors.PRIMARY if selected else ft.Colors.OUTLINE_VARIANT)
    box.bgcolor = ft.Colors.PRIMARY_CONTAINER if selected else None
    if multiple:
        icon.icon = ft.Icons.CHECK_BOX if selected else ft.Icons.CHECK_BOX_OUTLINE_BLANK
    else:
        icon.icon = ft.Icons.RADIO_BUTTON_CHECKED if selected else ft.Icons.RADIO_BUTTON_UNCHECKED


def option_tile(label: str, selected: bool, multiple: bool, on_tap, *, key: str, font: str | None) -> ft.Semantics:
    """A whole-row choice (>= 48 px high) that says whether it is chosen, to eyes and screen readers."""
    box = ft.Container(
        key=key,
        on_click=on_tap,
        padding=ft.Padding.symmetric(horizontal=14, vertical=14),
        border_radius=10,
        content=ft.Row(
            [ft.Icon(ft.Icons.CHECK_BOX_OUTLINE_BLANK, color=ft.Colors.PRIMARY),
             ft.Text(label, expand=True, font_family=font, size=16)],
            vertical_alignment=ft.CrossAxisAlignment.CENTER,
            spacing=12,
        ),
    )
    tile = ft.Semantics(label=label, container=True, exclude_semantics=True, on_tap=on_tap, content=box)
    _tile_style(tile, selected, multiple)
    return tile


def _question(app, module, quiz, run: QuizRun) -> list[ft.Control]:
    _ = app._
    route = f"/quiz/{module.id}"
    q = quiz.question(run.order[run.index])
    n = len(run.order)
    font = theme.font_for(quiz.lang)
    multiple = q.type == "multiple"
    scale = app.text_scale

    tiles: dict[str, ft.Semantics] = {}

    def choose(option_id: str):
        # Restyle the tiles in place (no rebuild): quick successive taps are never lost.
        def handler(e):
            chosen = list(run.answers.get(q.id, []))
            if multiple:
                chosen = [o for o in chosen if o != option_id] if option_id in chosen else chosen + [option_id]
            else:
                chosen = [option_id]
            run.answers[q.id] = chosen
            for oid, tile in tiles.items():
                _tile_style(tile, oid in chosen, multiple)
        return handler

    def move(delta: int):
        def handler(e):
            run.index = max(0, min(n, run.index + delta))
            app.show_route(route)
        return handler

    controls: list[ft.Control] = [
        ft.Text(_("Question %(i)d of %(n)d") % {"i": run.index + 1, "n": n}, key="quiz-position", size=theme.size(13, scale)),
        ft.ProgressBar(value=(run.index + 1) / n, semantics_label=_("Quiz progress"), semantics_value=round((run.index + 1) / n * 100)),
    ]
    scenario = quiz.scenario(q.scenario)
    if scenario is not None:
        controls.append(
            ft.Container(
                key="quiz-scenario",
                bgcolor=ft.Colors.SURFACE_CONTAINER_HIGHEST,
                border_radius=10,
                padding=14,
                content=ft.Column(
                    [ft.Text(scenario.title, weight=ft.FontWeight.BOLD, font_family=font, size=theme.size(16, scale)),
                     ft.Text(scenario.story, font_family=font, size=theme.size(15, scale))],
                    spacing=6,
                ),
            )
        )
    controls += [
        ft.Semantics(header=True, content=ft.Text(q.text, key="quiz-question", font_family=font,
                                                   size=theme.size(19, scale), weight=ft.FontWeight.BOLD)),
        ft.Text(_("Choose all that apply.") if multiple else _("Choose one answer."), size=theme.size(14, scale),
                color=ft.Colors.ON_SURFACE_VARIANT),
    ]
    chosen = set(run.answers.get(q.id, []))
    for oid in option_order(q, run.seed, module.shuffle_options):
        tiles[oid] = option_tile(q.option(oid).text, oid in chosen, multiple, choose(oid),
                                 key=f"option-{q.id}-{oid}", font=font)
        controls.append(tiles[oid])
    nav: list[ft.Control] = []
    if run.index > 0:
        nav.append(widgets.secondary(_("Previous"), move(-1), icon=ft.Icons.ARROW_BACK, key="quiz-prev", expand=True))
    last = run.index == n - 1
    nav.append(widgets.primary(_("Check your answers") if last else _("Next"), move(1),
                               icon=ft.Icons.ARROW_FORWARD, key="quiz-next", expand=True))
    controls.append(ft.Row(nav, spacing=12))
    return controls


def _check_answers(app, module, quiz, run: QuizRun) -> list[ft.Control]:
    _ = app._
    route = f"/quiz/{module.id}"
    font = theme.font_for(quiz.lang)
    unanswered = [qid for qid in run.order if not run.answers.get(qid)]

    def jump(i: int):
        def handler(e):
            run.index = i
            app.show_route(route)
        return handler

    def submit(e):
        record_attempt(app.db, module=module, quiz=quiz, answers=run.answers, seed=run.seed,
                       question_order=run.order, started_at=run.started_at)
        from .sync import notify_new_results

        notify_new_results(app)  # the new statements go out soon if there is a connection
        _runs(app).pop(module.id, None)
        app.go(f"{route}/review")

    controls: list[ft.Control] = [
        widgets.heading(_("Check your answers"), app.text_scale),
        ft.Text(_("Tap a question to change your answer. When you are ready, submit."), size=theme.size(15, app.text_scale)),
    ]
    if unanswered:
        controls.append(widgets.notice(
            app.ngettext("%(n)d question has no answer yet. It will count as not answered.",
                         "%(n)d questions have no answer yet. They will count as not answered.", len(unanswered))
            % {"n": len(unanswered)}, key="quiz-unanswered"))
    for i, qid in enumerate(run.order):
        q = quiz.question(qid)
        status = _("Answered") if run.answers.get(qid) else _("Not answered")
        label = f"{i + 1}. {q.text}"
        controls.append(widgets.tappable_card(
            f"{label} · {status}",
            jump(i),
            ft.Column([ft.Text(label, font_family=font, max_lines=2, overflow=ft.TextOverflow.ELLIPSIS),
                       ft.Text(status, color=ft.Colors.ON_SURFACE_VARIANT, size=13)], spacing=4),
            key=f"quiz-overview-{qid}",
        ))
    controls.append(ft.Row([
        widgets.secondary(_("Previous"), jump(len(run.order) - 1), icon=ft.Icons.ARROW_BACK, key="quiz-prev", expand=True),
        widgets.primary(_("Submit answers"), submit, icon=ft.Icons.CHECK, key="quiz-submit", expand=True),
    ], spacing=12))
    return controls


# -- review after submitting -------------------------------------------------------------------


def build_review(app, params) -> ft.View:
    _ = app._
    module = app.curriculum.module(params.get("module_id", ""))
    route = f"/quiz/{params.get('module_id', '')}/review"
    if module is None:
        return _not_available(app, route, _("This module is not available."))
    history = list_attempts(app.db, module.id)
    if not history:
        return _not_available(app, route, _("You have not taken this quiz yet."))
    attempt = history[0]
    quiz = module.quizzes.get(attempt.lang) or module.quiz(app.content_language)[0]
    result = score_attempt(quiz, attempt.answers, module.pass_mark)
    text, _unused = module.text(quiz.lang)
    font = theme.font_for(quiz.lang)
    scale = app.text_scale
    progress = module_progress(app.db, module)

    def retry(e):
        start_run(app, module, quiz)
        app.go(f"/quiz/{module.id}")

    right = result.correct_count
    n = len(quiz.questions)
    score_line = _("Your score: %(score)s (%(right)d of %(n)d questions fully right). Pass mark: %(mark)s.") % {
        "score": _percent(app, float(result.score)), "right": right, "n": n, "mark": _percent(app, module.pass_mark)}
    controls: list[ft.Control] = []
    if result.passed:
        controls += [widgets.heading(_("Well done: you passed"), scale, key="review-heading")]
    else:
        controls += [
            widgets.heading(_("Not there yet"), scale, key="review-heading"),
            ft.Text(_("That is part of learning. Read the feedback below, revisit the sections it points to, "
                      "and try again whenever you are ready."), size=theme.size(16, scale)),
        ]
    controls.append(ft.Text(score_line, key="review-score", size=theme.size(16, scale), weight=ft.FontWeight.BOLD))

    revisit = sections_to_revisit(quiz, result)
    if revisit:
        controls.append(ft.Text(_("Reading these sections again will help:"), size=theme.size(15, scale)))
        for sid in revisit:
            section = text.section(sid)
            title = section.title if section else sid
            controls.append(widgets.secondary(title, lambda e, s=sid: app.go(f"/module/{module.id}/section/{s}"),
                                              icon=ft.Icons.MENU_BOOK_OUTLINED, key=f"revisit-{sid}"))
    if result.passed:
        if progress.state is ModuleState.PASSED:
            controls.append(widgets.notice(_("You have completed this module."), icon=ft.Icons.VERIFIED_OUTLINED, key="module-complete"))
            controls.append(widgets.primary(_("View your certificate"), lambda e: app.go(f"/certificate/{module.id}"),
                                            icon=ft.Icons.WORKSPACE_PREMIUM_OUTLINED, key="view-certificate"))
        else:
            left = progress.sections_total - progress.sections_read
            controls.append(widgets.notice(app.ngettext(
                "Read the %(n)d remaining section to complete this module.",
                "Read the %(n)d remaining sections to complete this module.", left) % {"n": left}, key="sections-left"))
    controls += [
        widgets.primary(_("Try again"), retry, icon=ft.Icons.REFRESH, key="quiz-retry"),
        widgets.secondary(_("Back to modules"), lambda e: app.go("/"), key="review-home"),
    ]

    controls.append(widgets.heading(_("Your answers"), scale, level=2))
    for i, qid in enumerate(attempt.question_order):
        controls.append(_review_card(app, module, quiz, attempt.seed, i, qid, result.result(qid), font))
    return ft.View(
        route=route,
        scroll=ft.ScrollMode.AUTO,
        appbar=ft.AppBar(title=ft.Text(_("Quiz results"))),
        controls=[widgets.column_page(controls)],
    )


def _review_card(app, module, quiz, seed, i, qid, r, font) -> ft.Control:
    _ = app._
    q = quiz.question(qid)
    if r.correct:
        status, icon, colour = _("Right"), ft.Icons.CHECK_CIRCLE_OUTLINE, ft.Colors.PRIMARY
    elif r.score > 0:
        status, icon, colour = _("Partly right"), ft.Icons.ADJUST, ft.Colors.TERTIARY
    elif not r.chosen:
        status, icon, colour = _("Not answered"), ft.Icons.HELP_OUTLINE, ft.Colors.TERTIARY
    else:
        status, icon, colour = _("Not quite"), ft.Icons.INFO_OUTLINE, ft.Colors.TERTIARY
    rows: list[ft.Control] = [
        ft.Row([ft.Icon(icon, color=colour), ft.Text(status, color=colour, weight=ft.FontWeight.BOLD, key=f"review-status-{qid}")]),
        ft.Text(f"{i + 1}. {q.text}", font_family=font, weight=ft.FontWeight.BOLD, size=16),
    ]
    chosen = set(r.chosen)
    for oid in option_order(q, seed, module.shuffle_options):
        o = q.option(oid)
        if oid not in chosen and not o.correct:
            continue
        tags = []
        if oid in chosen:
            tags.append(_("Your answer"))
        if o.correct:
            tags.append(_("Correct answer"))
        rows.append(ft.Container(
            padding=ft.Padding.symmetric(horizontal=10, vertical=8),
            border_radius=8,
            bgcolor=ft.Colors.SURFACE_CONTAINER_HIGH,
            content=ft.Column([
                ft.Text(" · ".join(tags), size=12, color=ft.Colors.ON_SURFACE_VARIANT),
                ft.Text(o.text, font_family=font, weight=ft.FontWeight.W_500),
                ft.Text(o.feedback, font_family=font, key=f"feedback-{qid}-{oid}"),
            ], spacing=4),
        ))
    return ft.Card(key=f"review-{qid}", content=ft.Container(padding=14, content=ft.Column(rows, spacing=8)))


# -- certificates ---------------------------------------------------------------------------------


async def _export(app, filename: str, html: str) -> None:
    picker = app.services.get("file_picker")
    if picker is None:
        picker = app.services["file_picker"] = ft.FilePicker()
    await picker.save_file(file_name=filename, src_bytes=html.encode("utf-8"),
                           file_type=ft.FilePickerFileType.CUSTOM, allowed_extensions=["html"])


def _name_field(app) -> ft.Control:
    _ = app._
    learner = get_learner(app.db)

    def save(e):
        update_learner(app.db, display_name=e.control.value)
        app.show_route(app.page.route or "/")

    return ft.TextField(label=_("Name on your certificates (optional)"), value=learner.display_name or "",
                        on_submit=save, on_blur=save, key="certificate-name", max_length=80)


def build_certificate(app, params) -> ft.View:
    _ = app._
    module = app.curriculum.module(params.get("module_id", ""))
    route = f"/certificate/{params.get('module_id', '')}"
    if module is None:
        return _not_available(app, route, _("This module is not available."))
    cert = module_certificate(app.db, module, app.content_language)
    if cert is None:
        return _not_available(app, route, _("Complete the module (read every section and pass the quiz) to receive its certificate."))
    html = module_certificate_html(cert, app.ui_language, _)
    font = theme.font_for(app.content_language)
    body = [
        ft.Container(
            key="certificate",
            padding=20,
            border_radius=12,
            border=ft.Border.all(3, ft.Colors.PRIMARY),
            content=ft.Column([
                widgets.heading(_("Certificate of completion"), app.text_scale),
                ft.Text(_("This certifies that")),
                ft.Text(app.tr.embed(learner_label(cert.learner, _)), size=22, weight=ft.FontWeight.BOLD, key="certificate-learner"),
                ft.Text(_("completed the training module")),
                ft.Text(cert.module_title, size=18, weight=ft.FontWeight.BOLD, font_family=font, key="certificate-module"),
                ft.Text(_("on {date}").format(date=app.tr.embed(format_certificate_date(cert.completed_at, app.ui_language))), key="certificate-date"),
            ], horizontal_alignment=ft.CrossAxisAlignment.CENTER, spacing=8),
        ),
        _name_field(app),
        widgets.primary(_("Save as a printable page"), lambda e: _export(app, f"waymark-certificate-{module.id}.html", html),
                        icon=ft.Icons.DOWNLOAD, key="certificate-export"),
    ]
    return ft.View(route=route, scroll=ft.ScrollMode.AUTO, appbar=ft.AppBar(title=ft.Text(_("Certificate"))),
                   controls=[widgets.column_page(body)])


def _audience_modules(app):
    audience = app.settings.get("audience") or "all"
    return [m for m in app.curriculum.modules if m.matches_audience(audience)]


def build_curriculum_certificate(app, params) -> ft.View:
    _ = app._
    modules = _audience_modules(app)
    cert = curriculum_certificate(app.db, modules, app.content_language)
    if cert is None:
        overall = overall_progress(app.db, modules)
        body: list[ft.Control] = [
            widgets.heading(_("Certificate for the whole training"), app.text_scale),
            ft.Text(_("Complete every module to receive it: %(done)d of %(n)d done so far.") % {"done": overall.completed, "n": overall.total},
                    key="curriculum-progress"),
        ]
    else:
        html = curriculum_certificate_html(cert, app.ui_language, _)
        body = [
            ft.Container(key="certificate", padding=20, border_radius=12, border=ft.Border.all(3, ft.Colors.PRIMARY),
                         content=ft.Column([
                             widgets.heading(_("Certificate of completion"), app.text_scale),
                             ft.Text(app.tr.embed(learner_label(cert.learner, _)), size=22, weight=ft.FontWeight.BOLD),
                             ft.Text(_("completed every module of the Waymark training")),
                             *[ft.Text(f"{app.tr.embed(m.module_title)} — {app.tr.embed(format_certificate_date(m.completed_at, app.ui_language))}") for m in cert.modules],
                         ], horizontal_alignment=ft.CrossAxisAlignment.CENTER, spacing=8)),
            _name_field(app),
            widgets.primary(_("Save as a printable page"), lambda e: _export(app, "waymark-certificate.html", html),
                            icon=ft.Icons.DOWNLOAD, key="certificate-export"),
        ]
    return ft.View(route="/certificates", scroll=ft.ScrollMode.AUTO, appbar=ft.AppBar(title=ft.Text(_("Certificate"))),
                   controls=[widgets.column_page(body)])


# -- hooks into home and the reader ----------------------------------------------------------------

def certificates_section(app):
    """Home: a way to the certificates once at least one module is complete."""
    _ = app._
    modules = _audience_modules(app)
    overall = overall_progress(app.db, modules)
    done = [m for m in modules if overall.module(m.id).state is ModuleState.PASSED]
    if not done:
        return None
    items: list[ft.Control] = [widgets.heading(_("Your certificates"), app.text_scale, level=2)]
    for m in done:
        title = m.text(app.content_language)[0].title
        items.append(widgets.secondary(title, lambda e, mid=m.id: app.go(f"/certificate/{mid}"),
                                       icon=ft.Icons.WORKSPACE_PREMIUM_OUTLINED, key=f"certificate-{m.id}"))
    items.append(ft.TextButton(_("Certificate for the whole training"), on_click=lambda e: app.go("/certificates"),
                               key="curriculum-certificate", height=theme.TAP))
    return ft.Column(items, spacing=8, key="certificates-section")


def take_quiz_action(app, module):
    """Reader: at the end of a module, the way to its quiz."""
    if not module.quizzes:
        return None
    return widgets.primary(app._("Take the quiz"), lambda e: app.go(f"/quiz/{module.id}"), icon=ft.Icons.QUIZ_OUTLINED, key="take-quiz")


for _hooks, _fn in ((home.EXTRA_SECTIONS, certificates_section),
                    (reader.END_ACTIONS, take_quiz_action)):
    if _fn not in _hooks:
        _hooks.append(_fn)


ROUTES = [
    ("/quiz/:module_id", build),
    ("/quiz/:module_id/review", build_review),
    ("/certificate/:module_id", build_certificate),
    ("/certificates", build_curriculum_certificate),
]
