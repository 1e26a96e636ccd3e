"""Immutable model of one quiz file (`quiz.<lang>.toml`).

Built once by the loader and shared read-only by scoring, shuffling, the xAPI builder and the
UI. Every element keeps the line it was written on so that later checks (translation
comparison) can still point a person at the right place in the file. The loader hands over
where it was written (a `KeyLine`) rather than a number: the file is scanned for line
numbers only if someone reads `line`, which in practice means only when there is an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..tomllines import LineField, line_of

QUESTION_TYPES = ("single", "multiple", "true_false")
TRUE_FALSE_OPTION_IDS = ("true", "false")


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool
    feedback: str
    line: int = LineField()  # line of its [[questions.options]] header


@dataclass(frozen=True)
class Scenario:
    """A short case story that several questions follow."""

    id: str
    title: str
    story: str
    line: int = LineField()


@dataclass(frozen=True)
class Question:
    id: str
    type: str  # single | multiple | true_false
    text: str
    section: str  # id of the module section that supports the answer
    scenario: str | None
    options: tuple[Option, ...]
    line: int = LineField()  # line of its [[questions]] header

    def line_of(self, key: str) -> int:
        """The line of `key = ...` in this question (its header line when not written there)."""
        return line_of(self, "line", key)

    @property
    def option_ids(self) -> tuple[str, ...]:
        return tuple(o.id for o in self.options)

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(o.id for o in self.options if o.correct)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options if o.id == option_id), None)


@dataclass(frozen=True)
class Quiz:
    lang: str
    path: str  # as people should see it (errors.rel)
    scenarios: tuple[Scenario, ...]
    questions: tuple[Question, ...]

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.questions)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def scenario(self, scenario_id: str | None) -> Scenario | None:
        if scenario_id is None:
            return None
        return next((s for s in self.scenarios if s.id == scenario_id), None)
