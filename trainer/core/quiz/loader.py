"""Read and check `modules/<id>/quiz.<lang>.toml` files (see curricula/FORMAT.md).

Reports every problem, not just the first, each as a DataError carrying the file and the
line of the offending key or table, so whoever writes a quiz can fix it without guessing.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Sequence

from trainer.core.errors import DataError, rel
from trainer.core.tomllines import KeyLine, KeyPath, TomlLines, syntax_error_at, undecodable_line

from .model import QUESTION_TYPES, TRUE_FALSE_OPTION_IDS, Option, Question, Quiz, Scenario

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
TOP_KEYS = {"scenarios", "questions"}
SCENARIO_KEYS = {"id", "title", "story"}
QUESTION_KEYS = {"id", "type", "scenario", "section", "text", "options"}
OPTION_KEYS = {"id", "text", "correct", "feedback"}


class _Checker:
    """Collects errors for one file and turns key paths into lines (scanning only on need)."""

    def __init__(self, path: str, text: str):
        self.path = path
        self.lines = TomlLines(text)
        self.errors: list[DataError] = []

    def line(self, key_path: KeyPath) -> int:
        return self.lines.line(key_path)

    def at(self, key_path: KeyPath) -> KeyLine:
        return self.lines.at(*key_path)

    def err(self, key_path: KeyPath, message: str) -> None:
        self.errors.append(DataError(self.path, self.line(key_path), message))

    def unknown_keys(self, table: dict, allowed: set[str], at: KeyPath, what: str) -> None:
        for key in table:
            if key not in allowed:
                self.err(at + (key,), f"unknown key {key!r} in {what} (allowed: {', '.join(sorted(allowed))})")

    def text_value(self, table: dict, key: str, at: KeyPath, what: str) -> str:
        value = table.get(key)
        if value is None:
            self.err(at, f"{what} has no {key!r}")
            return ""
        if not isinstance(value, str):
            self.err(at + (key,), f"{what}: {key!r} must be text")
            return ""
        if not value.strip():
            self.err(at + (key,), f"{what}: {key!r} must not be empty")
        return value.strip()

    def id_value(self, table: dict, at: KeyPath, what: str) -> str:
        value = self.text_value(table, "id", at, what)
        if value and not ID_PATTERN.match(value):
            self.err(at + ("id",), f"{what}: id {value!r} must use lowercase letters, digits, '-' and '_'")
        return value

    def tables(self, data: dict, key: str, at: KeyPath) -> list[tuple[KeyPath, dict]]:
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            header = ".".join([p for p in at if isinstance(p, str)] + [key])
            self.err(at + (key,), f"{key!r} must be a list of tables, each written [[{header}]]")
            return []
        return [(at + (key, i), v) for i, v in enumerate(value)]


def parse_quiz_file(
    path: Path, lang: str, section_ids: Sequence[str]
) -> tuple[Quiz | None, list[DataError]]:
    """Read one quiz file; returns the quiz (None when it has errors) and every error found."""
    shown = rel(path)
    try:
        raw = Path(path).read_bytes()
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [DataError(shown, undecodable_line(raw, exc), "file is not valid UTF-8")]
    except OSError as exc:
        return None, [DataError(shown, 1, f"cannot read the quiz: {exc.strerror or exc}")]
    return parse_quiz_text(text, shown, lang, section_ids)


def parse_quiz_text(
    text: str, shown_path: str, lang: str, section_ids: Sequence[str]
) -> tuple[Quiz | None, list[DataError]]:
    """As parse_quiz_file, for text already read (tests, and files inside bundles)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, message = syntax_error_at(exc, text)
        return None, [DataError(shown_path, line, f"TOML syntax error: {message}")]
    c = _Checker(shown_path, text)
    c.unknown_keys(data, TOP_KEYS, (), "a quiz file (top level)")

    scenarios = _scenarios(c, data)
    scenario_ids = {s.id for s in scenarios}
    questions = _questions(c, data, scenario_ids, set(section_ids))

    used = {q.scenario for q in questions if q.scenario}
    for s in scenarios:
        if s.id and s.id not in used:
            c.errors.append(DataError(shown_path, s.line, f"scenario {s.id!r} has no questions"))

    if c.errors:
        return None, sorted(c.errors)
    return Quiz(lang=lang, path=shown_path, scenarios=tuple(scenarios), questions=tuple(questions)), []


def _scenarios(c: _Checker, data: dict) -> list[Scenario]:
    out: list[Scenario] = []
    seen: dict[str, KeyLine] = {}
    for at, table in c.tables(data, "scenarios", ()):
        c.unknown_keys(table, SCENARIO_KEYS, at, "a scenario")
        sid = c.id_value(table, at, "scenario")
        what = f"scenario {sid!r}" if sid else "scenario"
        title = c.text_value(table, "title", at, what)
        story = c.text_value(table, "story", at, what)
        if sid in seen:
            c.err(at + ("id",), f"scenario id {sid!r} is used twice (first on line {seen[sid].line})")
        elif sid:
            seen[sid] = c.at(at + ("id",))
        out.append(Scenario(id=sid, title=title, story=story, line=c.at(at)))
    return out


def _questions(c: _Checker, data: dict, scenario_ids: set[str], section_ids: set[str]) -> list[Question]:
    out: list[Question] = []
    seen: dict[str, KeyLine] = {}
    entries = c.tables(data, "questions", ())
    if not entries:
        c.err(("questions",), "the quiz has no questions (add [[questions]] tables)")
    for at, table in entries:
        c.unknown_keys(table, QUESTION_KEYS, at, "a question")
        qid = c.id_value(table, at, "question")
        what = f"question {qid!r}" if qid else "question"
        if qid in seen:
            c.err(at + ("id",), f"question id {qid!r} is used twice (first on line {seen[qid].line})")
        elif qid:
            seen[qid] = c.at(at + ("id",))

        qtype = table.get("type")
        if qtype is None:
            c.err(at, f"{what} has no 'type' (one of: {', '.join(QUESTION_TYPES)})")
        elif qtype not in QUESTION_TYPES:
            c.err(at + ("type",), f"{what}: type {qtype!r} is not one of: {', '.join(QUESTION_TYPES)}")
            qtype = None

        text = c.text_value(table, "text", at, what)
        section = c.text_value(table, "section", at, what)
        if section and section not in section_ids:
            c.err(at + ("section",), f"{what}: section {section!r} is not a section of the module")

        scenario = table.get("scenario")
        if scenario is not None:
            if not isinstance(scenario, str) or not scenario.strip():
                c.err(at + ("scenario",), f"{what}: 'scenario' must name a scenario of this file")
                scenario = None
            elif scenario not in scenario_ids:
                c.err(at + ("scenario",), f"{what}: scenario {scenario!r} is not defined in this file")

        options = _options(c, table, at, what, qtype)
        out.append(
            Question(
                id=qid,
                type=qtype or "",
                text=text,
                section=section,
                scenario=scenario,
                options=tuple(options),
                line=c.at(at),
            )
        )
    return out


def _options(c: _Checker, question: dict, at: KeyPath, what: str, qtype: str | None) -> list[Option]:
    out: list[Option] = []
    seen: set[str] = set()
    entries = c.tables(question, "options", at)
    for oat, table in entries:
        c.unknown_keys(table, OPTION_KEYS, oat, "an option")
        oid = c.id_value(table, oat, f"{what} option")
        owhat = f"{what} option {oid!r}" if oid else f"{what} option"
        if oid in seen:
            c.err(oat + ("id",), f"{what}: option id {oid!r} is used twice")
        seen.add(oid)
        text = c.text_value(table, "text", oat, owhat)
        feedback = c.text_value(table, "feedback", oat, owhat)
        correct: Any = table.get("correct")
        if correct is None:
            c.err(oat, f"{owhat} has no 'correct' (true or false)")
            correct = False
        elif not isinstance(correct, bool):
            c.err(oat + ("correct",), f"{owhat}: 'correct' must be true or false")
            correct = False
        out.append(Option(id=oid, text=text, correct=correct, feedback=feedback, line=c.at(oat)))

    n_correct = sum(o.correct for o in out)
    if len(out) < 2:
        c.err(at, f"{what} needs at least 2 options, it has {len(out)}")
    if qtype in ("single", "true_false") and out and n_correct != 1:
        c.err(at, f"{what} ({qtype}) must have exactly one correct option, it has {n_correct}")
    if qtype == "multiple" and out and n_correct < 1:
        c.err(at, f"{what} (multiple) must have at least one correct option")
    if qtype == "true_false" and out and sorted(o.id for o in out) != sorted(TRUE_FALSE_OPTION_IDS):
        c.err(at, f"{what} (true_false) must have exactly the options 'true' and 'false', "
                  f"it has {', '.join(repr(o.id) for o in out)}")
    return out


def compare_quiz_translation(source: Quiz, translation: Quiz) -> list[DataError]:
    """Check that a translated quiz asks the same questions as the source, with the same answers.

    Texts differ by design; everything that decides scoring and xAPI ids must not.
    Errors point into the translation file.
    """
    path = translation.path
    errors: list[DataError] = []

    def err(line: int, message: str) -> None:
        errors.append(DataError(path, line, f"{message} (source: {source.path})"))

    src_scen = {s.id: s for s in source.scenarios}
    tr_scen = {s.id: s for s in translation.scenarios}
    for sid, s in tr_scen.items():
        if sid not in src_scen:
            err(s.line, f"scenario {sid!r} is not in the source quiz")
    for sid in src_scen:
        if sid not in tr_scen:
            err(1, f"scenario {sid!r} of the source quiz is missing")

    src_q = {q.id: q for q in source.questions}
    tr_q = {q.id: q for q in translation.questions}
    for qid, tq in tr_q.items():
        sq = src_q.get(qid)
        if sq is None:
            err(tq.line, f"question {qid!r} is not in the source quiz")
            continue
        if tq.type != sq.type:
            err(tq.line_of("type"), f"question {qid!r}: type {tq.type!r} differs from the source ({sq.type!r})")
        if tq.scenario != sq.scenario:
            err(tq.line_of("scenario"), f"question {qid!r}: scenario {tq.scenario!r} differs from the source ({sq.scenario!r})")
        if tq.section != sq.section:
            err(tq.line_of("section"), f"question {qid!r}: section {tq.section!r} differs from the source ({sq.section!r})")
        s_opts = {o.id: o for o in sq.options}
        t_opts = {o.id: o for o in tq.options}
        for oid, to in t_opts.items():
            so = s_opts.get(oid)
            if so is None:
                err(to.line, f"question {qid!r}: option {oid!r} is not in the source quiz")
            elif so.correct != to.correct:
                err(to.line, f"question {qid!r}: option {oid!r} is marked correct = "
                             f"{str(to.correct).lower()}, the source says {str(so.correct).lower()}")
        for oid in s_opts:
            if oid not in t_opts:
                err(tq.line, f"question {qid!r}: option {oid!r} of the source quiz is missing")
    for qid in src_q:
        if qid not in tr_q:
            err(1, f"question {qid!r} of the source quiz is missing")
    return sorted(errors)
