"""Loading and validating indicator sets (`curricula/indicators/<set-id>.toml`).

Every problem is reported as `path:line: message`, all of them in one pass, so that a
content author (or whoever checks the grades against the ILO brochure) can fix a file at
once. The rules in the file (element rules, profile rules, outcome conditions) are checked
for consistency here, so the engine can trust what it is given.
"""

from __future__ import annotations

import re
import string
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ..errors import DataError, DataErrors, rel
from ..tomllines import read_toml
from ._check import Checker, ID_RE, is_language, is_rtl
from .model import (
    GRADES,
    TRANSLATION_STATES,
    AllOf,
    AnyOf,
    Answer,
    Combination,
    Condition,
    Element,
    ElementRule,
    Indicator,
    IndicatorSet,
    IndicatorText,
    OutcomeDef,
    OutcomeText,
    Profile,
    Ref,
    RuleExpr,
    SetText,
    SourceRef,
)

FORMAT_VERSION = 1
TOP_KEYS = {"format", "id", "version", "source_language", "verification", "source", "element_rules", "elements", "profiles", "indicators", "outcomes", "text"}
RULE_KINDS = ("graded", "any")
AGES = ("adult", "child", "any")
OUTCOME_LEVELS = ("refer", "look-further", "none-noted")
CONDITION_WORDS = ("profile", "any-yes", "always")
PLACEHOLDERS = {"purpose"}
NAVIGATION_LABELS = ("start", "previous", "finish")
QUESTION_KINDS = ("spoken", "yes-no")
# Private-answer mode, read by the person screened (see docs: indicator-text contract).
PRIVATE_LABELS = ("title", "danger", "danger_message", "quick_exit", "spoken", "next", "skip", "give_back")
# An outcome describes indicators, never a person's status: these words may not appear in an
# outcome's title or meaning, in any language the app ships.
VERDICT_WORDS = {
    "en": re.compile(r"\bvictim", re.IGNORECASE),
    "fr": re.compile(r"\bvictime", re.IGNORECASE),
    "es": re.compile(r"\bv[ií]ctima", re.IGNORECASE),
    "ar": re.compile(r"ضحي|ضحاي"),
}


def indicators_dir(root: Path) -> Path:
    return Path(root) / "indicators"


# --- rules --------------------------------------------------------------------------------


def _parse_expr(c: Checker, value: Any, path: tuple) -> RuleExpr | None:
    if isinstance(value, str):
        return Ref(value)
    if isinstance(value, dict) and len(value) == 1:
        (op, items), = value.items()
        if op in ("all_of", "any_of") and isinstance(items, list) and items:
            parsed = [_parse_expr(c, item, path) for item in items]
            if any(p is None for p in parsed):
                return None
            return (AllOf if op == "all_of" else AnyOf)(tuple(parsed))  # type: ignore[arg-type]
    c.err("a rule is an element id, or a table with one key 'all_of' or 'any_of' holding a non-empty list of rules", *path)
    return None


def expr_elements(expr: RuleExpr) -> set[str]:
    if isinstance(expr, Ref):
        return {expr.element}
    return set().union(*(expr_elements(i) for i in expr.items))


def _parse_combination(c: Checker, raw: Any, path: tuple) -> Combination | None:
    if not isinstance(raw, dict) or not raw:
        c.err("a combination is a table of grade classes and counts, e.g. { S = 1, \"M|W\" = 1 }", *path)
        return None
    needs = []
    seen: set[str] = set()
    for cls, count in raw.items():
        grades = cls.split("|")
        if not grades or any(g not in GRADES for g in grades) or len(set(grades)) != len(grades):
            c.err(f"'{cls}' is not a grade class: use S, M, W or several joined by '|', e.g. \"M|W\"", *path)
            return None
        if seen & set(grades):
            c.err(f"grade class '{cls}' overlaps another class in the same combination", *path)
            return None
        seen |= set(grades)
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            c.err(f"the count for '{cls}' must be a whole number of at least 1", *path)
            return None
        needs.append((frozenset(grades), count))
    return Combination(tuple(needs))


def _parse_element_rules(c: Checker, data: dict) -> dict[str, ElementRule]:
    rules: dict[str, ElementRule] = {}
    table = c.table(data, "element_rules") or {}
    for rid, raw in table.items():
        path = ("element_rules", rid)
        if not ID_RE.match(rid):
            c.err(f"element rule id '{rid}' may only use lower-case letters, digits and single hyphens", *path)
            continue
        if not isinstance(raw, dict):
            c.err(f"element rule '{rid}' must be a table", *path)
            continue
        c.keys(raw, {"kind", "combinations", "source", "verification"}, *path)
        kind = c.text(raw, "kind", *path)
        source = c.text(raw, "source", *path)
        verification = c.text(raw, "verification", *path, required=False)
        if kind is not None and kind not in RULE_KINDS:
            c.err(f"kind must be one of {', '.join(RULE_KINDS)}", *path, "kind")
            continue
        combos: list[Combination] = []
        if kind == "graded":
            raw_combos = raw.get("combinations")
            if not isinstance(raw_combos, list) or not raw_combos:
                c.err("a graded rule needs a non-empty list 'combinations'", *path, "combinations")
                continue
            for item in raw_combos:
                combo = _parse_combination(c, item, path + ("combinations",))
                if combo is not None:
                    combos.append(combo)
            if len(combos) != len(raw_combos):
                continue
        elif kind == "any" and "combinations" in raw:
            c.err("a rule of kind 'any' takes no combinations (one Yes is enough)", *path, "combinations")
            continue
        if kind is None or source is None:
            continue
        rules[rid] = ElementRule(rid, kind, tuple(combos), source, verification)
    return rules


# --- the structure ------------------------------------------------------------------------


def _parse_indicator(
    c: Checker,
    raw: dict,
    path: tuple,
    declared: dict[str, set[str]],
    seen: set[str],
    profiles_raw: dict,
    kind_of: dict[str, str],
    indicators: dict[str, Indicator],
) -> bool:
    """One [[indicators]] entry; True when it was built. References to entries that have
    their own error are skipped silently (`declared`), so one mistake gives one message."""
    c.keys(raw, {"id", "question_kinds", "element", "grades", "profiles", "observed_only", "source", "verification"}, *path)
    iid = c.ident(raw, "id", *path)
    element = c.text(raw, "element", *path)
    src = c.text(raw, "source", *path)
    verification = c.text(raw, "verification", *path, required=False)
    observed_only = raw.get("observed_only", False)
    if not isinstance(observed_only, bool):
        c.err("'observed_only' must be true or false", *path, "observed_only")
        return False
    if iid in seen:
        c.err(f"duplicate indicator id '{iid}'", *path, "id")
        return False
    seen.add(iid)
    kinds = raw.get("question_kinds")
    if kinds is None:
        c.err(f"missing required field 'question_kinds' (one of {', '.join(repr(k) for k in QUESTION_KINDS)} per question, [] for observed_only)", *path)
        return False
    if not isinstance(kinds, list) or not all(k in QUESTION_KINDS for k in kinds):
        c.err(f"'question_kinds' must be a list of {' or '.join(repr(k) for k in QUESTION_KINDS)}, one per question", *path, "question_kinds")
        return False
    if element is not None and element not in kind_of:
        if element not in declared["elements"]:
            c.err(f"element '{element}' is not defined under [[elements]]", *path, "element")
        return False
    if not (iid and element and src):
        return False

    def known_profiles(listed: list[str], key: str) -> bool:
        unknown = [p for p in listed if p not in declared["profiles"]]
        if unknown:
            c.err(f"unknown profile(s) {', '.join(repr(p) for p in unknown)}", *path, key)
        return not unknown and all(p in profiles_raw for p in listed)

    grades: dict[str, str] = {}
    if kind_of[element] == "graded":
        if "profiles" in raw:
            c.err("an indicator of a graded element lists its profiles through 'grades', not 'profiles'", *path, "profiles")
            return False
        raw_grades = raw.get("grades")
        if not isinstance(raw_grades, dict) or not raw_grades:
            c.err(f"element '{element}' uses a graded rule: 'grades' must give a grade (S, M or W) per profile", *path, "grades")
            return False
        bad = [f"'{pid}'" for pid, g in raw_grades.items() if g not in GRADES]
        if bad:
            c.err(f"the grade for {', '.join(bad)} must be S, M or W", *path, "grades")
            return False
        if not known_profiles(list(raw_grades), "grades"):
            return False
        grades = dict(raw_grades)
        in_profiles = tuple(p for p in profiles_raw if p in grades)
    else:
        if "grades" in raw:
            c.err(f"element '{element}' uses a rule of kind 'any': its indicators take no grades", *path, "grades")
            return False
        listed = raw.get("profiles", sorted(declared["profiles"]))
        if not isinstance(listed, list) or not listed or not all(isinstance(p, str) for p in listed):
            c.err("'profiles' must be a non-empty list of profile ids", *path, "profiles")
            return False
        if not known_profiles(listed, "profiles"):
            return False
        in_profiles = tuple(p for p in profiles_raw if p in listed)
    indicators[iid] = Indicator(
        id=iid,
        element=element,
        observed_only=observed_only,
        question_kinds=tuple(kinds),
        grades=MappingProxyType(grades),
        profiles=in_profiles,
        source=src,
        verification=verification,
        line=c.at(*path),
    )
    return True


def _declared(data: dict, key: str) -> set[str]:
    """Ids written in the file, valid or not: references to an entry that has its own error
    are not reported again, so one mistake gives one message."""
    value = data.get(key)
    if isinstance(value, dict):
        return set(value)
    if isinstance(value, list):
        return {v["id"] for v in value if isinstance(v, dict) and isinstance(v.get("id"), str)}
    return set()


def _parse_structure(c: Checker, data: dict, file_id: str) -> dict[str, Any]:
    c.keys(data, TOP_KEYS)
    declared = {k: _declared(data, k) for k in ("element_rules", "elements", "profiles", "indicators", "outcomes")}
    if data.get("format") != FORMAT_VERSION:
        c.err(f"'format' must be {FORMAT_VERSION}", "format")
    set_id = c.ident(data, "id")
    if set_id is not None and set_id != file_id:
        c.err(f"id '{set_id}' must equal the file name '{file_id}'", "id")
    version = c.text(data, "version")
    source_language = c.text(data, "source_language")
    verification = c.text(data, "verification")
    source_t = c.table(data, "source")
    source = None
    if source_t is not None:
        c.keys(source_t, {"citation", "url"}, "source")
        citation = c.text(source_t, "citation", "source")
        url = c.text(source_t, "url", "source", required=False)
        if citation:
            source = SourceRef(citation, url)

    element_rules = _parse_element_rules(c, data)

    elements: list[Element] = []
    for i, raw in enumerate(c.array_of_tables(data, "elements")):
        path = ("elements", i)
        c.keys(raw, {"id", "rule", "source"}, *path)
        eid = c.ident(raw, "id", *path)
        rule = c.text(raw, "rule", *path)
        src = c.text(raw, "source", *path)
        if eid and any(e.id == eid for e in elements):
            c.err(f"duplicate element id '{eid}'", *path, "id")
            continue
        if eid in CONDITION_WORDS:
            c.err(f"'{eid}' is a reserved word in outcome conditions; choose another element id", *path, "id")
            continue
        if rule is not None and rule not in element_rules:
            if rule not in declared["element_rules"]:
                c.err(f"element rule '{rule}' is not defined under [element_rules]", *path, "rule")
            continue
        if eid and rule and src:
            elements.append(Element(eid, rule, src, c.at(*path)))
    kind_of = {e.id: element_rules[e.rule].kind for e in elements}

    profiles_raw: dict[str, dict] = {}
    rules: dict[str, RuleExpr] = {}
    for pid, raw in (c.table(data, "profiles") or {}).items():
        path = ("profiles", pid)
        if not ID_RE.match(pid):
            c.err(f"profile id '{pid}' may only use lower-case letters, digits and single hyphens", *path)
            continue
        if not isinstance(raw, dict):
            c.err(f"profile '{pid}' must be a table", *path)
            continue
        c.keys(raw, {"age", "source", "verification", "rule"}, *path)
        age = c.text(raw, "age", *path)
        if age is not None and age not in AGES:
            c.err(f"age must be one of {', '.join(AGES)}", *path, "age")
        c.text(raw, "source", *path)
        c.text(raw, "verification", *path)
        if "rule" not in raw:
            c.err("missing required table 'rule' (the combination of elements for this profile)", *path)
            continue
        rule_raw = raw["rule"]
        rule_path = path + ("rule",) + ((next(iter(rule_raw)),) if isinstance(rule_raw, dict) and rule_raw else ())
        expr = _parse_expr(c, rule_raw, rule_path)
        if expr is None:
            continue
        unknown = sorted(expr_elements(expr) - declared["elements"])
        if unknown:
            c.err(f"the rule names unknown elements: {', '.join(unknown)}", *rule_path)
            continue
        profiles_raw[pid] = raw
        rules[pid] = expr
    if isinstance(data.get("profiles"), dict) and not data["profiles"]:
        c.err("no profile defined", "profiles")
    indicators_ok = True
    seen_indicators: set[str] = set()

    indicators: dict[str, Indicator] = {}
    for i, raw in enumerate(c.array_of_tables(data, "indicators")):
        path = ("indicators", i)
        indicators_ok &= _parse_indicator(c, raw, path, declared, seen_indicators, profiles_raw, kind_of, indicators)

    profiles: dict[str, Profile] = {}
    for pid, raw in profiles_raw.items():
        if not indicators_ok:
            break  # membership is unknown while an indicator is invalid: no knock-on errors
        members = {
            e.id: tuple((ind.id, ind.grades.get(pid)) for ind in indicators.values() if ind.element == e.id and pid in ind.profiles)
            for e in elements
        }
        members = {k: v for k, v in members.items() if v}
        if not members:
            c.err(f"profile '{pid}' has no indicators", "profiles", pid)
            continue
        empty = sorted(expr_elements(rules[pid]) - set(members))
        if empty:
            c.err(f"the rule of profile '{pid}' needs elements that have no indicator in this profile: {', '.join(empty)}", "profiles", pid, "rule")
            continue
        if not all(k in raw for k in ("age", "source", "verification")):
            continue
        profiles[pid] = Profile(
            id=pid,
            age=raw["age"],
            rule=rules[pid],
            verification=raw["verification"].strip(),
            source=raw["source"].strip(),
            members=MappingProxyType(members),
            line=c.at("profiles", pid),
        )

    outcomes: list[OutcomeDef] = []
    n_before = len(c.errors)
    raw_outcomes = c.array_of_tables(data, "outcomes")
    for i, raw in enumerate(raw_outcomes):
        path = ("outcomes", i)
        c.keys(raw, {"id", "level", "when", "profiles"}, *path)
        oid = c.ident(raw, "id", *path)
        level = c.text(raw, "level", *path)
        if level is not None and level not in OUTCOME_LEVELS:
            c.err(f"level must be one of {', '.join(OUTCOME_LEVELS)}", *path, "level")
            continue
        if oid and any(o.id == oid for o in outcomes):
            c.err(f"duplicate outcome id '{oid}'", *path, "id")
            continue
        if "when" not in raw:
            c.err("missing required field 'when' (profile, any-yes, always, or an element rule)", *path)
            continue
        when_raw = raw["when"]
        if isinstance(when_raw, str) and when_raw in CONDITION_WORDS:
            when = Condition(when_raw)
        else:
            expr = _parse_expr(c, when_raw, path + ("when",))
            if expr is None:
                continue
            unknown = sorted(expr_elements(expr) - declared["elements"])
            if unknown:
                c.err(f"'when' names unknown elements: {', '.join(unknown)}", *path, "when")
                continue
            when = Condition("elements", expr)
        listed = raw.get("profiles")
        if listed is not None:
            if not isinstance(listed, list) or not listed or not all(isinstance(p, str) for p in listed):
                c.err("'profiles' must be a non-empty list of profile ids", *path, "profiles")
                continue
            unknown = [p for p in listed if p not in declared["profiles"]]
            if unknown:
                c.err(f"unknown profile(s) {', '.join(repr(p) for p in unknown)}", *path, "profiles")
                continue
        if oid and level:
            outcomes.append(OutcomeDef(oid, level, when, tuple(listed) if listed else None, c.at(*path)))
    for pid in profiles if len(c.errors) == n_before else ():
        applicable = [i for i, o in enumerate(outcomes) if o.profiles is None or pid in o.profiles]
        where = ("outcomes", applicable[-1] if applicable else 0)
        if not any(outcomes[i].when.kind == "always" for i in applicable):
            c.err(f"profile '{pid}' has no outcome with when = \"always\": every screening must end with some outcome", *where)
        elif outcomes[applicable[-1]].when.kind != "always":
            c.err(f"for profile '{pid}' the last applicable outcome must be when = \"always\"; outcomes after it can never apply", *where)

    return {
        "id": set_id,
        "version": version,
        "source_language": source_language,
        "verification": verification,
        "source": source,
        "element_rules": element_rules,
        "elements": elements,
        "indicators": indicators,
        "profiles": profiles,
        "outcomes": outcomes,
        "declared": declared,
    }


# --- texts -------------------------------------------------------------------------------


def _placeholders(value: str) -> set[str]:
    try:
        return {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
    except ValueError:
        return {"<malformed braces>"}


def _parse_text(c: Checker, lang: str, raw: Any, s: dict[str, Any]) -> SetText | None:
    base = ("text", lang)
    if not isinstance(raw, dict):
        c.err(f"[text.{lang}] must be a table", *base)
        return None
    if not is_language(lang):
        c.err(f"'{lang}' is not a language code (e.g. en, ar, fr)", *base)
        return None
    c.keys(raw, {"translation", "reviewed_by", "title", "description", "consent", "handover", "handback", "answers", "navigation", "private", "elements", "profiles", "indicators", "outcomes"}, *base)
    n_errors = len(c.errors)
    translation = c.text(raw, "translation", *base)
    if translation is not None:
        if translation not in TRANSLATION_STATES:
            c.err(f"translation must be one of {', '.join(TRANSLATION_STATES)}", *base, "translation")
        elif (translation == "source") != (lang == s["source_language"]):
            c.err(f"only the source language ({s['source_language']}) says translation = \"source\"; a translation says \"unreviewed\" or \"reviewed\"", *base, "translation")
        elif translation == "reviewed" and not raw.get("reviewed_by"):
            c.err("a reviewed translation needs 'reviewed_by' (who reviewed it, and when)", *base, "translation")
    reviewed_by = c.text(raw, "reviewed_by", *base, required=False)
    title = c.text(raw, "title", *base)
    description = c.text(raw, "description", *base)
    consent = c.text_list(raw, "consent", *base)
    handover = c.text(raw, "handover", *base)
    handback = c.text(raw, "handback", *base)
    def labels(name: str, wanted: set[str]) -> dict | None:
        table = c.table(raw, name, *base)
        if table is not None:
            c.keys(table, wanted, *base, name)
            for a in sorted(wanted - set(table)):
                c.err(f"{name}: missing the label for '{a}'", *base, name)
            for a in wanted & set(table):
                c.text(table, a, *base, name)
        return table

    answers = labels("answers", {a.value for a in Answer})
    navigation = labels("navigation", set(NAVIGATION_LABELS))
    # [private]: every key in the source language; a translation may leave keys out (each
    # falls back to the source language's text on its own).
    private: dict[str, str] = {}
    if "private" in raw or lang == s["source_language"]:
        table = c.table(raw, "private", *base)
        if table is not None:
            c.keys(table, set(PRIVATE_LABELS), *base, "private")
            for key in PRIVATE_LABELS:
                value = c.text(table, key, *base, "private", required=lang == s["source_language"])
                if value is not None:
                    private[key] = value.strip()

    def section(name: str, ids: list[str]) -> dict:
        table = c.table(raw, name, *base) or {}
        for key in table:
            if key not in s["declared"][name]:
                c.err(f"{name}: '{key}' is not defined in the set", *base, name, key)
        for key in ids:
            if key not in table:
                c.err(f"{name}: missing the text for '{key}'", *base, name)
        return table

    elements: dict[str, tuple[str, str]] = {}
    for eid, t in section("elements", [e.id for e in s["elements"]]).items():
        p = base + ("elements", eid)
        if isinstance(t, dict) and eid in {e.id for e in s["elements"]}:
            c.keys(t, {"name", "description"}, *p)
            name, desc = c.text(t, "name", *p), c.text(t, "description", *p)
            if name and desc:
                elements[eid] = (name, desc)
    profiles: dict[str, tuple[str, str, str]] = {}
    for pid, t in section("profiles", list(s["profiles"])).items():
        p = base + ("profiles", pid)
        if isinstance(t, dict) and pid in s["profiles"]:
            c.keys(t, {"name", "description", "purpose"}, *p)
            name, desc, purpose = c.text(t, "name", *p), c.text(t, "description", *p), c.text(t, "purpose", *p)
            if name and desc and purpose:
                profiles[pid] = (name, desc, purpose)
    indicators: dict[str, IndicatorText] = {}
    for iid, t in section("indicators", list(s["indicators"])).items():
        p = base + ("indicators", iid)
        ind = s["indicators"].get(iid)
        if not isinstance(t, dict) or ind is None:
            continue
        c.keys(t, {"label", "officer", "questions", "observe"}, *p)
        label, officer, observe = c.text(t, "label", *p), c.text(t, "officer", *p), c.text(t, "observe", *p)
        questions = c.text_list(t, "questions", *p, allow_empty=True)
        if questions is not None:
            if ind.observed_only and questions:
                c.err(f"'{iid}' is observed_only: it must have no questions (questions = [])", *p, "questions")
            elif not ind.observed_only and not questions:
                c.err(f"'{iid}' needs at least one question to put to the person (or observed_only = true)", *p, "questions")
            elif lang == s["source_language"] and len(questions) != len(ind.question_kinds):
                # (a translation's count is held to the source's by _compare_translation)
                c.err(f"'{iid}' has {len(questions)} question(s) in {lang} but question_kinds (line {ind.line}) lists {len(ind.question_kinds)}; one kind per question, same order in every language", *p, "questions")
        if label and officer and observe and questions is not None:
            indicators[iid] = IndicatorText(label, officer, tuple(questions), observe)
    outcomes: dict[str, OutcomeText] = {}
    for oid, t in section("outcomes", [o.id for o in s["outcomes"]]).items():
        p = base + ("outcomes", oid)
        if not isinstance(t, dict) or oid not in {o.id for o in s["outcomes"]}:
            continue
        c.keys(t, {"title", "meaning", "next_steps"}, *p)
        title_o, meaning = c.text(t, "title", *p), c.text(t, "meaning", *p)
        steps = c.text_list(t, "next_steps", *p)
        for key, value in (("title", title_o), ("meaning", meaning)):
            if value is None:
                continue
            unknown = _placeholders(value) - PLACEHOLDERS
            if unknown:
                c.err(f"{key}: unknown placeholder(s) {', '.join(sorted(unknown))} (allowed: {{purpose}})", *p, key)
            verdict = VERDICT_WORDS.get(lang.split("_")[0])
            if verdict and verdict.search(value):
                c.err(f"{key}: an outcome describes indicators, never the person: do not use the word '{verdict.search(value).group(0)}'", *p, key)
        if title_o and meaning and steps:
            outcomes[oid] = OutcomeText(title_o, meaning, tuple(steps))
    if len(c.errors) > n_errors or None in (translation, title, description, consent, handover, handback, answers, navigation):
        return None
    return SetText(
        lang=lang,
        translation=translation,
        reviewed_by=reviewed_by,
        title=title,
        description=description,
        consent=tuple(consent),
        answers=MappingProxyType({k: v.strip() for k, v in answers.items()}),
        navigation=MappingProxyType({k: v.strip() for k, v in navigation.items()}),
        private=MappingProxyType(private),
        handover=handover,
        handback=handback,
        elements=MappingProxyType(elements),
        profiles=MappingProxyType(profiles),
        indicators=MappingProxyType(indicators),
        outcomes=MappingProxyType(outcomes),
        rtl=is_rtl(lang),
    )


def _compare_translation(c: Checker, source: SetText, t: SetText) -> None:
    """Bilingual mode shows question i in both languages side by side, so counts must match."""
    for iid, src in source.indicators.items():
        tr = t.indicators.get(iid)
        if tr is not None and len(tr.questions) != len(src.questions):
            c.err(f"'{iid}' has {len(tr.questions)} question(s) in {t.lang} but {len(src.questions)} in {source.lang}; questions must line up across languages", "text", t.lang, "indicators", iid, "questions")
    for oid, src in source.outcomes.items():
        tr = t.outcomes.get(oid)
        if tr is None:
            continue
        for key in ("title", "meaning"):
            if _placeholders(getattr(tr, key)) != _placeholders(getattr(src, key)):
                c.err(f"{key} of '{oid}' must use the same placeholders as the source", "text", t.lang, "outcomes", oid, key)
    if len(t.consent) != len(source.consent):
        c.err(f"consent has {len(t.consent)} paragraph(s) but the source has {len(source.consent)}; keep them aligned", "text", t.lang, "consent")


# --- entry points -------------------------------------------------------------------------


def parse_indicator_set(path: Path) -> tuple[IndicatorSet | None, list[DataError]]:
    """Parse and validate one indicator-set file."""
    path = Path(path)
    data, text, errors = read_toml(path)
    if data is None:
        return None, errors
    c = Checker(path, text)
    s = _parse_structure(c, data, path.stem)
    texts: dict[str, SetText] = {}
    raw_texts = c.table(data, "text") or {}
    for lang, raw in raw_texts.items():
        t = _parse_text(c, lang, raw, s)
        if t is not None:
            texts[lang] = t
    src = s["source_language"]
    if src is not None and src not in raw_texts:
        c.err(f"no [text.{src}] table for the source language", "source_language")
    elif src in texts:
        for lang, t in texts.items():
            if lang != src:
                _compare_translation(c, texts[src], t)
    if c.errors:
        return None, sorted(set(c.errors))
    return (
        IndicatorSet(
            id=s["id"],
            version=s["version"],
            source_language=src,
            source=s["source"],
            verification=s["verification"],
            element_rules=MappingProxyType(s["element_rules"]),
            elements=tuple(s["elements"]),
            indicators=MappingProxyType(s["indicators"]),
            profiles=MappingProxyType(s["profiles"]),
            outcomes=tuple(s["outcomes"]),
            texts=MappingProxyType(texts),
            path=rel(path),
        ),
        [],
    )


def _set_files(root: Path) -> list[Path]:
    d = indicators_dir(root)
    return sorted(p for p in d.glob("*.toml") if p.is_file()) if d.is_dir() else []


def check_indicators(root: Path) -> list[DataError]:
    """Validate every indicator set under `root/indicators/` (root is the curricula folder)."""
    root = Path(root)
    files = _set_files(root)
    if not files:
        return [DataError(rel(indicators_dir(root)), 1, "no indicator sets found (expected indicators/<set-id>.toml)")]
    errors: list[DataError] = []
    for f in files:
        errors.extend(parse_indicator_set(f)[1])
    return sorted(set(errors))


def load_indicator_sets(root: Path) -> Mapping[str, IndicatorSet]:
    """All indicator sets, by id; raises DataErrors listing every problem."""
    errors: list[DataError] = []
    sets: dict[str, IndicatorSet] = {}
    files = _set_files(Path(root))
    if not files:
        raise DataErrors([DataError(rel(indicators_dir(Path(root))), 1, "no indicator sets found")])
    for f in files:
        s, errs = parse_indicator_set(f)
        errors.extend(errs)
        if s is not None:
            sets[s.id] = s
    if errors:
        raise DataErrors(errors)
    return MappingProxyType(sets)


def load_indicator_set(path: Path) -> IndicatorSet:
    s, errors = parse_indicator_set(Path(path))
    if errors or s is None:
        raise DataErrors(errors)
    return s
