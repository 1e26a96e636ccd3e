"""Immutable model of the bundled curricula. Built once by the loader, shared read-only."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping

AUDIENCES = ("all", "labour-inspection", "border")
TRANSLATION_STATES = ("source", "unreviewed", "reviewed")


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    markdown: str  # the section body, without its heading
    line: int  # line of the heading in the source file


@dataclass(frozen=True)
class ModuleText:
    """One language version of a module's text."""

    lang: str
    title: str
    summary: str
    content_warning: str | None
    translation: str  # source | unreviewed | reviewed
    reviewed_by: str | None
    sections: tuple[Section, ...]
    path: str

    @property
    def section_ids(self) -> tuple[str, ...]:
        return tuple(s.id for s in self.sections)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)

    @property
    def needs_review(self) -> bool:
        return self.translation == "unreviewed"


@dataclass(frozen=True)
class Module:
    id: str
    version: str
    order: int
    estimated_minutes: int
    audience: tuple[str, ...]
    source_language: str
    pass_mark: float
    shuffle_questions: bool
    shuffle_options: bool
    path: str
    texts: Mapping[str, ModuleText] = field(default_factory=lambda: MappingProxyType({}))
    quizzes: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(self.texts))

    def text(self, lang: str) -> tuple[ModuleText, bool]:
        """The module text in `lang`, or in the source language. The flag says it fell back."""
        if lang in self.texts:
            return self.texts[lang], False
        base = lang.split("_")[0].split("-")[0]
        if base in self.texts:
            return self.texts[base], False
        return self.texts[self.source_language], True

    def quiz(self, lang: str) -> tuple[Any | None, bool]:
        """The quiz in `lang`, or in the source language. The flag says it fell back."""
        base = lang.split("_")[0].split("-")[0]
        for key in (lang, base):
            if key in self.quizzes:
                return self.quizzes[key], False
        q = self.quizzes.get(self.source_language)
        return q, q is not None

    def matches_audience(self, audience: str | None) -> bool:
        return not audience or audience == "all" or "all" in self.audience or audience in self.audience


@dataclass(frozen=True)
class Curriculum:
    modules: tuple[Module, ...]
    root: str

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({lang for m in self.modules for lang in m.texts}))
