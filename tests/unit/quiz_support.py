"""Shared builders for the quiz, progress and xAPI tests (not collected: no test_ prefix)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType

from trainer.core.curricula.model import Module, ModuleText, Section
from trainer.core.quiz.loader import parse_quiz_file
from trainer.core.quiz.model import Quiz

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
QUIZ_DIR = FIXTURES / "quizzes"
BROKEN_DIR = FIXTURES / "broken_quizzes"
SECTION_IDS = ("intro", "elements", "indicators", "sources")
T0 = datetime(2025, 3, 3, 9, 30, tzinfo=timezone.utc)


def load_quiz(lang: str = "en") -> Quiz:
    quiz, errors = parse_quiz_file(QUIZ_DIR / f"quiz.{lang}.toml", lang, SECTION_IDS)
    assert not errors, errors
    return quiz


def make_module(module_id: str = "understanding-trafficking", *, langs=("en", "ar"), with_quiz: bool = True,
                pass_mark: float = 0.8) -> Module:
    titles = {"en": "Understanding trafficking", "ar": "فهم الاتجار بالبشر"}
    texts = {
        lang: ModuleText(
            lang=lang,
            title=titles.get(lang, f"title {lang}"),
            summary="summary",
            content_warning=None,
            translation="source" if lang == "en" else "unreviewed",
            reviewed_by=None,
            sections=tuple(Section(sid, sid.title(), f"Body of {sid}.", i * 4 + 1) for i, sid in enumerate(SECTION_IDS)),
            path=f"curricula/modules/{module_id}/{lang}.md",
        )
        for lang in langs
    }
    quizzes = {lang: load_quiz(lang) for lang in langs} if with_quiz else {}
    return Module(
        id=module_id,
        version="1.0.0",
        order=1,
        estimated_minutes=15,
        audience=("all",),
        source_language="en",
        pass_mark=pass_mark,
        shuffle_questions=True,
        shuffle_options=True,
        path=f"curricula/modules/{module_id}",
        texts=MappingProxyType(texts),
        quizzes=MappingProxyType(quizzes),
    )


def all_correct(quiz: Quiz) -> dict[str, list[str]]:
    return {q.id: [o.id for o in q.options if o.correct] for q in quiz.questions}


def all_wrong(quiz: Quiz) -> dict[str, list[str]]:
    return {q.id: [next(o.id for o in q.options if not o.correct)] for q in quiz.questions}


def later(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)
