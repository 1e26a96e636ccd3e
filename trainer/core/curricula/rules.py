"""Editorial rules for training modules, configured in `curricula/curricula.toml`.

The format (fields, sections, links, quiz structure) is checked by the loaders. These are the
rules a content reviewer would apply on top: which languages every module needs, how long the
source text is, which sections it must have, how big a quiz is, whether every answer's
feedback sends the learner to a section, that case stories are labelled as fictional, that no
phone number is hard-coded and that "victim" is never used as a verdict.

Every rule is off unless `curricula.toml` sets it, so a small programme's own folder needs no
configuration; the bundled curricula set all of them (see FORMAT.md, "curricula.toml").
Each error names the file and line at fault and where the rule was set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import DataError, rel
from ..tomllines import TomlLines, read_toml

CONFIG_FILE = "curricula.toml"

# name -> (type, what it means); the documentation in FORMAT.md follows this table.
RULES: dict[str, tuple[type, str]] = {
    "min_words": (int, "fewest words in the body of the source-language text"),
    "max_words": (int, "most words in the body of the source-language text"),
    "required_sections": (list, "section ids every language version must have"),
    "last_section": (str, "section id every language version must end with"),
    "case_story_label": (str, "phrase (source language) that labels case stories as fictional"),
    "min_questions": (int, "fewest questions in each quiz"),
    "min_scenario_questions": (int, "fewest questions that follow a scenario"),
    "feedback_names_section": (bool, "every option's feedback names a section title; correct ones name their own section"),
    "no_phone_numbers": (bool, "no phone-like numbers anywhere in module texts and quizzes"),
    "no_victim_verdict": (bool, "'victim' never used as a verdict in English text"),
}


@dataclass(frozen=True)
class ContentRules:
    """What `curricula.toml` asks of every module, and where each rule was set."""

    required_languages: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)
    where: dict[str, str] = field(default_factory=dict)  # rule -> "curricula/curricula.toml:7"

    def get(self, name: str, default: Any = None) -> Any:
        return self.values.get(name, default)

    def set_at(self, name: str) -> str:
        return f"rule '{name}' set in {self.where.get(name, CONFIG_FILE)}"


def read_rules(root: Path, errors: list[DataError]) -> ContentRules:
    """Parse `root/curricula.toml`; problems in it are reported like any other data error."""
    cfg = root / CONFIG_FILE
    if not cfg.is_file():
        return ContentRules()
    data, text, problems = read_toml(cfg)
    errors.extend(problems)
    if data is None:
        return ContentRules()
    shown = rel(cfg)
    lines = TomlLines(text)
    for key in data:
        if key not in {"required_languages", "rules"}:
            errors.append(DataError(shown, lines.line((key,)), f"unknown field '{key}' (known: required_languages, [rules])"))
    where: dict[str, str] = {}
    langs = data.get("required_languages", [])
    if not isinstance(langs, list) or not all(isinstance(x, str) for x in langs):
        errors.append(DataError(shown, lines.line(("required_languages",)), "required_languages must be a list of language codes"))
        langs = []
    else:
        where["required_languages"] = f"{shown}:{lines.line(('required_languages',))}"
    values: dict[str, Any] = {}
    table = data.get("rules", {})
    if not isinstance(table, dict):
        errors.append(DataError(shown, lines.line(("rules",)), "[rules] must be a table"))
        table = {}
    for name, value in table.items():
        line = lines.line(("rules", name))
        if name not in RULES:
            errors.append(DataError(shown, line, f"unknown rule '{name}' (known: {', '.join(RULES)})"))
            continue
        kind, _ = RULES[name]
        ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
        if ok and kind is list:
            ok = all(isinstance(x, str) for x in value)
        if not ok:
            errors.append(DataError(shown, line, f"rule '{name}' must be {'a list of section ids' if kind is list else kind.__name__}"))
            continue
        values[name] = value
        where[name] = f"{shown}:{line}"
    if values.get("min_words", 0) > values.get("max_words", float("inf")):
        errors.append(DataError(shown, lines.line(("rules", "max_words")), "max_words is smaller than min_words"))
    return ContentRules(required_languages=tuple(langs), values=values, where=where)


# --- text measures (used by the rules and by the readability report) --------------------------

_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def count_words(markdown: str) -> int:
    """Words in a Markdown text: link and image targets are dropped, their text is kept."""
    return len(_WORD.findall(_LINK.sub(r"\1", markdown)))


def body_words(text) -> int:
    """The body of a module text: every section heading and section body (no metadata)."""
    return sum(count_words(s.title) + count_words(s.markdown) for s in text.sections)


# A phone number: 7 or more digits, possibly split by spaces, dots, dashes, slashes or brackets.
_PHONE_CANDIDATE = re.compile(r"(?<!\w)\+?\(?\d[\d\s().\-/]{5,}\d(?!\w)")
# Any run of 5 or more digits (no year, article or paragraph number is that long; SMS short
# codes and hotline numbers are).
_LONG_NUMBER = re.compile(r"\d{5,}")
# Emergency numbers that must not be hard-coded (they differ between countries).
_EMERGENCY = re.compile(r"(?<![\w.])(?:112|911|999)(?![\w])")


def phone_like(text: str) -> list[str]:
    """Phone-like strings in `text` (numbers belong in referral directories, not in modules)."""
    digits = sum(text.count(d) for d in "0123456789")  # C-speed pre-filter: most texts have few
    if digits < 3:
        return []
    if digits < 5:
        return _EMERGENCY.findall(text) if any(n in text for n in ("112", "911", "999")) else []
    found = [m.group(0) for m in _PHONE_CANDIDATE.finditer(text) if len(re.sub(r"\D", "", m.group(0))) >= 7]
    found += _LONG_NUMBER.findall(text)
    found += _EMERGENCY.findall(text)
    return found


# "Victim" as a verdict: "is a victim", "are victims", "is certainly a victim", "the victim".
# Quoted speech is removed first, so that a phrase the learner is told to avoid
# ("You are a victim of trafficking.") can still be shown as an example.
_QUOTED = re.compile(r'"[^"\n]*"|“[^”\n]*”')
_FILLER = r"(?:not|certainly|clearly|definitely|obviously|probably|likely|really|surely|now|all|both|also|a|an|the|real|true|genuine|actual)"
_VERDICT = re.compile(rf"\b(?:am|is|are|was|were|be|been|being)\b[\s,]+(?:{_FILLER}[\s,]+)*victims?\b", re.I)
_LABEL = re.compile(r"\bthe\s+victims?\b", re.I)


def verdict_uses(text: str) -> list[str]:
    """English phrases that call someone a victim as a verdict."""
    if "victim" not in text.lower():
        return []
    unquoted = _QUOTED.sub(" ", text)
    return [m.group(0) for rx in (_VERDICT, _LABEL) for m in rx.finditer(unquoted)]


# --- the rules ---------------------------------------------------------------------------------


def _strings(text, quiz):
    """(path, line, where, string) for everything a learner reads in one language. `line` is a
    function: quiz lines are found by scanning the file, which is only worth it for an error."""
    yield text.path, lambda: 1, "title", text.title
    yield text.path, lambda: 1, "summary", text.summary
    if text.content_warning:
        yield text.path, lambda: 1, "content_warning", text.content_warning
    for s in text.sections:
        yield text.path, lambda s=s: s.line, f"section '{s.id}'", f"{s.title}\n{s.markdown}"
    if quiz is None:
        return
    for sc in quiz.scenarios:
        yield quiz.path, lambda sc=sc: sc.line, f"scenario '{sc.id}'", f"{sc.title}\n{sc.story}"
    for q in quiz.questions:
        yield quiz.path, lambda q=q: q.line, f"question '{q.id}'", q.text
        for o in q.options:
            yield quiz.path, lambda o=o: o.line, f"option '{q.id}/{o.id}'", o.text
            yield quiz.path, lambda o=o: o.line, f"feedback of '{q.id}/{o.id}'", o.feedback


def check_module_rules(module, rules: ContentRules, all_titles: dict[str, set[str]]) -> list[DataError]:
    """Every configured rule, for one loaded module. `all_titles`: per language, the section
    titles of every module (feedback may send the learner to another module)."""
    errors: list[DataError] = []
    src = module.source_language
    source = module.texts.get(src)
    if source is None:
        return errors

    def err(path: str, line: int, message: str, rule: str) -> None:
        errors.append(DataError(path, line, f"{message} ({rules.set_at(rule)})"))

    lo, hi = rules.get("min_words"), rules.get("max_words")
    if lo is not None or hi is not None:
        words = body_words(source)
        if (lo is not None and words < lo) or (hi is not None and words > hi):
            rule = "min_words" if lo is not None and words < lo else "max_words"
            err(source.path, 1, f"the body has {words} words; between {lo or 0} and {hi or 'any number'} are wanted", rule)

    for lang, text in sorted(module.texts.items()):
        ids = text.section_ids
        for needed in rules.get("required_sections", []):
            if needed not in ids:
                err(text.path, 1, f"no section with id '{needed}' (add '## Title {{#{needed}}}')", "required_sections")
        last = rules.get("last_section")
        if last and ids and ids[-1] != last:
            err(text.path, text.sections[-1].line, f"the last section is '{ids[-1]}'; it must be '{last}'", "last_section")
        if last and last in ids and not text.section(last).markdown.strip():
            err(text.path, text.section(last).line, f"section '{last}' is empty", "last_section")

    label = rules.get("case_story_label")
    if label:
        low = label.lower()
        if not any(low in s.markdown.lower() for s in source.sections):
            err(source.path, 1, f"no section says '{label}' (label the case story)", "case_story_label")
        for s in source.sections:
            if "case" in s.id and low not in s.markdown.lower():
                err(source.path, s.line, f"case story '{s.id}' does not say '{label}'", "case_story_label")
        quiz = module.quizzes.get(src)
        for sc in quiz.scenarios if quiz else ():
            if low not in sc.story.lower():
                err(quiz.path, sc.line, f"scenario '{sc.id}' does not say '{label}'", "case_story_label")

    quiz = module.quizzes.get(src)
    if quiz is not None:
        n = rules.get("min_questions")
        if n is not None and len(quiz.questions) < n:
            err(quiz.path, 1, f"the quiz has {len(quiz.questions)} questions; at least {n} are wanted", "min_questions")
        n = rules.get("min_scenario_questions")
        with_scenario = [q for q in quiz.questions if q.scenario]
        if n is not None and len(with_scenario) < n:
            err(quiz.path, 1, f"{len(with_scenario)} questions follow a scenario; at least {n} are wanted", "min_scenario_questions")

    if rules.get("feedback_names_section"):
        for lang, q_file in sorted(module.quizzes.items()):
            text = module.texts.get(lang)
            titles = all_titles.get(lang, set())
            if text is None:
                continue
            for q in q_file.questions:
                own = text.section(q.section)
                for o in q.options:
                    if not any(t in o.feedback for t in titles):
                        err(q_file.path, o.line, f"the feedback of '{q.id}/{o.id}' names no section title", "feedback_names_section")
                    elif o.correct and own is not None and own.title not in o.feedback:
                        err(q_file.path, o.line, f"the feedback of correct option '{q.id}/{o.id}' does not name its section '{own.title}'", "feedback_names_section")

    if rules.get("no_phone_numbers"):
        for lang, text in sorted(module.texts.items()):
            for path, line, where, s in _strings(text, module.quizzes.get(lang)):
                hits = phone_like(s)
                if hits:
                    err(path, line(), f"phone-like number in {where}: {', '.join(hits)} (numbers belong in a referral directory)", "no_phone_numbers")

    if rules.get("no_victim_verdict") and "en" in module.texts:
        quiz = module.quizzes.get("en")
        for path, line, where, s in _strings(module.texts["en"], quiz):
            if where.startswith("option ") and quiz is not None:
                # A wrong option may voice a verdict on purpose; its feedback explains why not.
                qid, oid = where.split("'")[1].split("/")
                if not quiz.question(qid).option(oid).correct:
                    continue
            for hit in verdict_uses(s):
                err(path, line(), f"'{hit}' in {where} uses 'victim' as a verdict (say 'a person who may have been trafficked')", "no_victim_verdict")
    return errors
