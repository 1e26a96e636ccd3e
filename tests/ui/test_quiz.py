"""In-process tests of the quiz screens: take, fail, read feedback, retry, pass, certificate."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from trainer.core.curricula import check_curricula
from trainer.core.settings import Settings
from trainer.core.storage import open_db
from trainer.ui.app import make_main

from .harness import find_all, start

FIXTURE = str(Path(__file__).resolve().parents[1] / "fixtures" / "curricula_quiz")
MODULE = "trafficking-basics"


def run(coro):
    return asyncio.run(coro)


async def boot(data_dir, route="/"):
    return await start(make_main(data_dir=data_dir, curricula_dir=FIXTURE), route=route,
                       answers={"get_device_info": lambda args: None})


def fixture_module():
    # The fixture holds modules only (no indicator sets): take the modules, ignore the rest.
    curriculum, _errors = check_curricula(FIXTURE)
    return curriculum.module(MODULE)


def quiz_model(lang="en"):
    return fixture_module().quizzes[lang]


def current_question(h, quiz):
    """The question on screen, found through its option keys."""
    for q in quiz.questions:
        try:
            h.find(f"option-{q.id}-{q.options[0].id}")
            return q
        except LookupError:
            continue
    raise AssertionError("no question on screen")


async def answer_all(h, quiz, right: bool):
    for _ in quiz.questions:
        q = current_question(h, quiz)
        picks = [o.id for o in q.options if o.correct == right]
        if q.type != "multiple":
            picks = picks[:1]
        for oid in picks:
            await h.click(h.find(f"option-{q.id}-{oid}"))
        await h.click(h.find("quiz-next"))


async def read_everything(h):
    module = fixture_module()
    for s in module.texts["en"].sections:
        await h.go(f"/module/{MODULE}/section/{s.id}")


def test_fail_read_feedback_retry_pass_and_certificate(tmp_path):
    async def scenario():
        h = await boot(tmp_path)
        quiz = quiz_model()
        assert "Not started" in " ".join(h.texts())
        await read_everything(h)
        # the last section offers the quiz
        await h.click(h.find("take-quiz"))
        assert h.view.route == f"/quiz/{MODULE}"
        assert h.find("quiz-intro-count").value == "5 questions, one at a time."
        await h.click(h.find("quiz-start"))
        assert h.find("quiz-position").value == "Question 1 of 5"

        await answer_all(h, quiz, right=False)
        assert "Check your answers" in h.texts()
        await h.click(h.find("quiz-submit"))
        assert h.view.route == f"/quiz/{MODULE}/review"
        texts = " ".join(h.texts())
        assert h.find("review-heading").value == "Not there yet"
        assert "FAILED" not in texts.upper().replace("NOT THERE YET", "")
        assert h.find("review-score").value.startswith("Your score: 0%")
        # what to revisit, and every question's feedback for the chosen and the right options
        h.find("revisit-elements"), h.find("revisit-indicators"), h.find("revisit-intro")
        q2 = quiz.question("q2")
        for o in q2.options:
            assert h.find(f"feedback-q2-{o.id}").value == o.feedback
        # a red banner would be an error colour: none on this screen
        assert not find_all(h.view, lambda c: "error" in str(getattr(c, "bgcolor", "") or "").lower())

        await h.click(h.find("quiz-retry"))
        assert h.view.route == f"/quiz/{MODULE}"
        assert h.find("quiz-position").value == "Question 1 of 5"
        await answer_all(h, quiz, right=True)
        await h.click(h.find("quiz-submit"))
        assert h.find("review-heading").value == "Well done: you passed"
        assert h.find("review-score").value.startswith("Your score: 100%")
        h.find("module-complete")
        await h.click(h.find("view-certificate"))
        assert h.view.route == f"/certificate/{MODULE}"
        assert h.find("certificate-module").value == "Trafficking basics"
        assert h.find("certificate-date").value.startswith("on ")

        await h.go("/")
        texts = " ".join(h.texts())
        assert "Passed" in texts
        assert h.find("overall-progress").value == "1 of 1 module finished"
        h.find(f"certificate-{MODULE}")
        assert not h.conn.crashed

        db = open_db(tmp_path / "waymark.db")
        verbs = [json.loads(r["payload"])["verb"]["id"].rsplit("/", 1)[1] for r in db.query("SELECT payload FROM outbox ORDER BY rowid")]
        assert verbs == ["attempted"] + ["answered"] * 5 + ["failed", "attempted"] + ["answered"] * 5 + ["passed", "completed"]

    run(scenario())


def test_answers_can_be_changed_before_submitting(tmp_path):
    async def scenario():
        h = await boot(tmp_path, route=f"/quiz/{MODULE}")
        quiz = quiz_model()
        await h.click(h.find("quiz-start"))
        q = current_question(h, quiz)
        first, second = q.options[0].id, q.options[1].id
        await h.click(h.find(f"option-{q.id}-{first}"))
        await h.click(h.find(f"option-{q.id}-{second}"))
        tiles = {o.id: h.find(f"option-{q.id}-{o.id}") for o in q.options}
        selected = {oid for oid, t in tiles.items() if t.bgcolor is not None}
        if q.type == "multiple":
            assert selected == {first, second}
        else:
            assert selected == {second}  # one answer: the new choice replaces the old
        # go forward and back: the choice is still there
        await h.click(h.find("quiz-next"))
        await h.click(h.find("quiz-prev"))
        assert current_question(h, quiz).id == q.id
        assert h.find(f"option-{q.id}-{second}").bgcolor is not None
        # jump to the end, see the unanswered count, jump back to a question from the overview
        for _ in range(len(quiz.questions)):
            await h.click(h.find("quiz-next"))
        assert "4 questions have no answer yet" in h.find("quiz-unanswered").content.controls[1].value
        await h.click(h.find(f"quiz-overview-{q.id}").content)  # the card's tappable container
        assert current_question(h, quiz).id == q.id

    run(scenario())


def test_arabic_quiz_is_rtl_and_in_arabic(tmp_path):
    async def scenario():
        db = open_db(tmp_path / "waymark.db")
        Settings(db).set("ui_language", "ar")
        Settings(db).set("content_language", "ar")
        h = await boot(tmp_path, route=f"/quiz/{MODULE}")
        assert h.page.rtl is True
        quiz = quiz_model("ar")
        await h.click(h.find("quiz-start"))
        q = current_question(h, quiz)
        assert h.find("quiz-question").value == q.text
        await answer_all(h, quiz, right=False)
        await h.click(h.find("quiz-submit"))
        h.find("review-heading")
        row = list(open_db(tmp_path / "waymark.db").query("SELECT lang FROM quiz_attempt"))
        assert row == [{"lang": "ar"}]
        assert not h.conn.crashed

    run(scenario())


def test_module_without_quiz_and_missing_certificate(tmp_path):
    async def scenario():
        h = await boot(tmp_path, route="/quiz/no-such-module")
        h.find("quiz-missing")
        await h.go(f"/certificate/{MODULE}")
        assert "Complete the module" in h.find("quiz-missing").value
        await h.go("/certificates")
        assert h.find("curriculum-progress").value.endswith("0 of 1 done so far.")

    run(scenario())
