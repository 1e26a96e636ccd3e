"""On a phone (412x915): read a module, take its quiz, fail, read the feedback, retry, pass,
and see home's progress update. Once in English and once in Arabic (right to left)."""

from __future__ import annotations

import re

import pytest

from trainer.core.curricula import load_curricula
from trainer.core.i18n import Translator

from .conftest import PHONE, click_settled, open_app, shot

pytestmark = pytest.mark.browser

MODULE = "understanding-trafficking"
TIMEOUT = 30_000


def click_button(page, name: str) -> None:
    click_settled(page, page.get_by_role("button", name=name, exact=True), TIMEOUT)


def wheel_until(page, locator, max_turns: int = 40, delta: int = 500) -> None:
    """Scroll the (canvas-drawn) screen until `locator` is in the accessibility tree."""
    for _ in range(max_turns):
        if locator.count() and locator.first.is_visible():
            return
        page.mouse.move(PHONE["width"] / 2, PHONE["height"] / 2)
        page.mouse.wheel(0, delta)
        page.wait_for_timeout(150)
    locator.first.wait_for(timeout=TIMEOUT)


def visible_question(page, quiz):
    for q in quiz.questions:
        if page.get_by_text(q.text, exact=True).count():
            return q
    raise AssertionError("no quiz question on screen")


def take_quiz(page, quiz, tr, right: bool, name: str) -> None:
    n = len(quiz.questions)
    for i in range(n):
        try:
            page.get_by_text(tr("Question %(i)d of %(n)d") % {"i": i + 1, "n": n}, exact=True).wait_for(timeout=TIMEOUT)
        except Exception:
            shot(page, f"{name}-stuck-before-question-{i + 1}")
            raise
        q = visible_question(page, quiz)
        picks = [o for o in q.options if o.correct == right]
        if q.type != "multiple":
            picks = picks[:1]
        for o in picks:
            page.get_by_role("checkbox", name=o.text, exact=True).first.click(timeout=TIMEOUT)
            page.get_by_role("checkbox", name=o.text, exact=True, checked=True).first.wait_for(timeout=TIMEOUT)
        if i == 0:
            shot(page, f"{name}-question-1")
        click_button(page, tr("Check your answers") if i == n - 1 else tr("Next"))
    page.get_by_role("button", name=tr("Submit answers")).wait_for(timeout=TIMEOUT)
    shot(page, f"{name}-check-answers")
    click_button(page, tr("Submit answers"))


def module_card(page, title: str, state: str):
    return page.get_by_role("button", name=re.compile(re.escape(title) + r".*" + re.escape(state)))


def run_flow(page, lang: str) -> None:
    tr = Translator(lang).gettext
    module = load_curricula().module(MODULE)
    text, fell_back = module.text(lang)
    quiz = module.quizzes[lang]
    assert not fell_back and quiz.lang == lang
    n_modules = len(load_curricula().modules)

    module_card(page, text.title, tr("Not started")).first.wait_for(timeout=TIMEOUT)
    module_card(page, text.title, tr("Not started")).first.click()
    page.get_by_text(text.content_warning).wait_for(timeout=TIMEOUT)
    click_button(page, tr("Continue"))
    for i in range(1, len(text.sections)):
        page.get_by_text(tr("Section %(i)d of %(n)d") % {"i": i, "n": len(text.sections)}).wait_for(timeout=TIMEOUT)
        click_button(page, tr("Next"))
    take = page.get_by_role("button", name=tr("Take the quiz"))
    wheel_until(page, take)
    take.first.click()
    click_button(page, tr("Start the quiz"))

    # 1. fail it
    take_quiz(page, quiz, tr, right=False, name=f"quiz-{lang}-fail")
    page.get_by_text(tr("Not there yet"), exact=True).wait_for(timeout=TIMEOUT)
    assert page.get_by_text(re.compile("FAILED", re.I)).count() == 0
    shot(page, f"quiz-{lang}-review-not-yet")
    # 2. read the feedback: every question's explanation is on the review screen
    first = quiz.question(quiz.question_ids[0])
    wrong = next(o for o in first.options if not o.correct)
    wheel_until(page, page.get_by_text(wrong.feedback))  # a card reads as one node: substring
    shot(page, f"quiz-{lang}-review-feedback")
    page.mouse.wheel(0, -20000)
    page.wait_for_timeout(300)

    # 3. retry (a new shuffle) and pass
    click_button(page, tr("Try again"))
    take_quiz(page, quiz, tr, right=True, name=f"quiz-{lang}-pass")
    page.get_by_text(tr("Well done: you passed"), exact=True).wait_for(timeout=TIMEOUT)
    page.get_by_text(tr("You have completed this module.")).wait_for(timeout=TIMEOUT)
    shot(page, f"quiz-{lang}-review-passed")

    # 4. home shows the module passed and the overall progress moved
    click_button(page, tr("Back to modules"))
    module_card(page, text.title, tr("Passed")).first.wait_for(timeout=TIMEOUT)
    overall = Translator(lang).ngettext("%(done)d of %(n)d module finished", "%(done)d of %(n)d modules finished", n_modules) % {"done": 1, "n": n_modules}
    page.get_by_text(overall).wait_for(timeout=TIMEOUT)
    shot(page, f"quiz-{lang}-home-progress")


def test_quiz_on_phone_english(app_url, new_page):
    page = new_page(viewport=PHONE)
    open_app(page, app_url)
    run_flow(page, "en")


def test_quiz_on_phone_arabic(app_url, new_page):
    ar = Translator("ar").gettext
    page = new_page(viewport=PHONE)
    open_app(page, app_url)
    page.get_by_role("button", name="Settings").click()
    page.get_by_role("radio", name="العربية").first.click()
    page.get_by_text(ar("Training content language")).wait_for(timeout=TIMEOUT)
    page.get_by_role("radio", name="العربية").nth(1).click()
    page.go_back()  # the browser's back button returns to the module list
    run_flow(page, "ar")
    # mirrored layout: the overall progress line starts at the right edge
    n_modules = len(load_curricula().modules)
    box = page.get_by_text(Translator("ar").ngettext("%(done)d of %(n)d module finished", "%(done)d of %(n)d modules finished", n_modules) % {"done": 1, "n": n_modules}).bounding_box()
    assert box["x"] + box["width"] > PHONE["width"] * 0.6, box
