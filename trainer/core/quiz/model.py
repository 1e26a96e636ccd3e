"""Immutable model of one quiz file (`quiz.<lang>.toml`).

Built once by the loader and shared read-only by scoring, shuffling, the xAPI builder and the
UI. Every element keeps the line it was written on so that later checks (translation
comparison) can still point a person at the right place in the file.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

QUESTION_TYPES = ("single", "multiple", "true_false")
TRUE_FALSE_OPTION_IDS = ("true", "false")


def _no_lines() -> Mapping[str, int]:
    return MappingProxyType({})


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool
    feedback: str
    line: int  # line of its [[questions.options]] header


@dataclass(frozen=True)
class Scenario:
    """A short case story that several questions follow."""

    id: str
    title: str
    story: str
    line: int


@dataclass(frozen=True)
class Question:
    id: str
    type: str  # single | multiple | true_false
    text: str
    section: str  # id of the module section that supports the answer
    scenario: str | None
    options: tuple[Option, ...]
    line: int  # line of its [[questions]] header
    key_lines: Mapping[str, int] = None  # type: ignore[assignment]  # key -> line of `key =`

    def __post_init__(self) -> None:
        if self.key_lines is None:
            object.__setattr__(self, "key_lines", _no_lines())

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)

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
