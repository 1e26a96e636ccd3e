"""Loading and validating indicator sets (`curricula/indicators/<set-id>.toml`).

Every problem is reported as `path:line: message`, all of them in one pass, so that a
content author (or whoever checks the grades against the ILO brochure) can fix a file at
once. The rules in the file (element rules, profile rules, outcome conditions) are checked
for consistency here, so the engine can trust what it is given.
"""

from __future__ import annotations

import dataclasses

import re
import string
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from ..errors import DataError, DataErrors, rel
from ..tomllines import read_toml
from ._check import Checker, ID_RE, is_language, is_rtl
from .model import (
    EXPLOITATION_KINDS,
    GRADES,
    ORIGINS,
    SCOPES,
    TRANSLATION_STATES,
    AllOf,
    AnyOf,
    Answer,
    Check,
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
from .wording import VERDICT_WORDS, verdict_word  # noqa: F401  (VERDICT_WORDS: re-exported)

FORMAT_VERSION = 1
TOP_KEYS = {"format", "id", "version", "source_language", "verification", "source", "element_rules", "elements", "profiles", "indicators", "outcomes", "text"}
RULE_KINDS = ("graded", "any")
AGES = ("adult", "child", "any")
OUTCOME_LEVELS = ("refer", "look-further", "none-noted")
CONDITION_WORDS = ("profile", "any-yes", "always")
# Placeholders outcome texts may use; {indicator_count} also works in a set's description.
# Counts come from the data, so adding an indicator never leaves a text saying "eleven".
PLACEHOLDERS = {"purpose", "indicator_count", "missing"}  # missing: the elements the profile rule still lacks
NAVIGATION_LABELS = ("start", "previous", "finish")
QUESTION_KINDS = ("spoken", "yes-no")
# Private-answer mode, read by the person screened (see docs: indicator-text contract).
PRIVATE_LABELS = ("title", "danger", "danger_message", "quick_exit", "spoken", "next", "skip", "give_back")


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


def parse_check(c: Checker, raw: dict, path: tuple, what: str, prefix: str = "") -> Check | None:
    """`verified = { source, section }` or `unverified = { from, where }` (keys may carry a
    prefix, e.g. `rule_verified` on a profile). Exactly one of the two is required."""
    vk, uk = f"{prefix}verified", f"{prefix}unverified"
    if (vk in raw) == (uk in raw):
        how = "both" if vk in raw else "neither"
        c.err(
            f"{what} needs exactly one of '{vk} = {{ source = \"...\", section = \"...\" }}' (the primary source and the page or "
            f"section it was checked against) or '{uk} = {{ from = \"secondary\" | \"project\", where = \"...\" }}' (where it came from); it has {how}",
            *path,
        )
        return None
    key = vk if vk in raw else uk
    table = raw[key]
    if not isinstance(table, dict):
        c.err(f"'{key}' must be a table, e.g. {{ source = \"...\", section = \"...\" }}" if key == vk else f"'{key}' must be a table, e.g. {{ from = \"secondary\", where = \"...\" }}", *path, key)
        return None
    if key == vk:
        c.keys(table, {"source", "section"}, *path, key)
        source, section = c.text(table, "source", *path, key), c.text(table, "section", *path, key)
        return Check(True, source=source, section=section) if source and section else None
    c.keys(table, {"from", "where"}, *path, key)
    origin, where = c.text(table, "from", *path, key), c.text(table, "where", *path, key)
    if origin is not None and origin not in ORIGINS:
        c.err(f"'from' must be \"secondary\" (a cited secondary source reports it) or \"project\" (composed by this project, no source lists it)", *path, key, "from")
        return None
    return Check(False, origin=origin, where=where) if origin and where else None


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
        c.keys(raw, {"kind", "combinations", "source", "verified", "unverified"}, *path)
        kind = c.text(raw, "kind", *path)
        source = c.text(raw, "source", *path)
        check = parse_check(c, raw, path, f"element rule '{rid}'")
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
        if kind is None or source is None or check is None:
            continue
        rules[rid] = ElementRule(rid, kind, tuple(combos), source, check)
    return rules


# --- the structure ------------------------------------------------------------------------


def _own_kind_ok(c: Checker, pid: str, kind: str, members: dict, elements: list[Element], indicators: dict[str, Indicator]) -> bool:
    """A profile for one form of exploitation (say sexual) must describe that form where the
    indicators describe the exploitation itself (`purpose_specific` elements): at least one
    indicator of its own kind there, and none of another kind. Otherwise a person could
    answer every question honestly and the element could never be present."""
    ok = True
    for e in elements:
        if not e.purpose_specific or e.id not in members:
            continue
        ids = [i for i, _g in members[e.id]]
        own = [i for i in ids if indicators[i].exploitation == kind]
        other = [i for i in ids if indicators[i].exploitation not in (None, kind)]
        if not own:
            only = f" (it lists only other indicators: {', '.join(ids[:4])}{', ...' if len(ids) > 4 else ''})" if ids else ""
            c.err(f"profile '{pid}' is for {kind} exploitation, but its element '{e.id}' holds no indicator with exploitation = \"{kind}\"{only}; give the profile indicators of its own kind", "profiles", pid)
            ok = False
        elif other:
            c.err(f"profile '{pid}' is for {kind} exploitation, but its element '{e.id}' lists indicators of another kind: {', '.join(other)}", "profiles", pid)
            ok = False
    return ok



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
    c.keys(raw, {"id", "question_kinds", "element", "grades", "profiles", "observed_only", "exploitation", "source", "verified", "unverified", "grade_checks"}, *path)
    iid = c.ident(raw, "id", *path)
    element = c.text(raw, "element", *path)
    src = c.text(raw, "source", *path)
    check = parse_check(c, raw, path, f"indicator '{iid}'")
    exploitation = raw.get("exploitation")
    if exploitation is not None and exploitation not in EXPLOITATION_KINDS:
        c.err(f"'exploitation' must be one of {', '.join(EXPLOITATION_KINDS)} (leave it out when the indicator fits any form of exploitation)", *path, "exploitation")
        return False
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
    if not (iid and element and src and check):
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
    grade_checks: dict[str, Check] = {pid: check for pid in in_profiles}
    raw_checks = raw.get("grade_checks", {})
    if not isinstance(raw_checks, dict):
        c.err("'grade_checks' must be a table: profile id -> { verified = ... } or { unverified = ... }", *path, "grade_checks")
        return False
    for pid, rc in raw_checks.items():
        if pid not in in_profiles:
            first = (next(iter(rc)),) if isinstance(rc, dict) and rc else ()
            c.err(f"grade_checks: '{pid}' is not a profile that lists this indicator", *path, "grade_checks", pid, *first)
            return False
        if not isinstance(rc, dict):
            c.err(f"grade_checks: '{pid}' must be a table holding verified = ... or unverified = ...", *path, "grade_checks", pid)
            return False
        c.keys(rc, {"verified", "unverified"}, *path, "grade_checks", pid)
        gc = parse_check(c, rc, path + ("grade_checks", pid), f"the grade of '{iid}' in profile '{pid}'")
        if gc is None:
            return False
        grade_checks[pid] = gc
    indicators[iid] = Indicator(
        id=iid,
        element=element,
        observed_only=observed_only,
        question_kinds=tuple(kinds),
        grades=MappingProxyType(grades),
        profiles=in_profiles,
        source=src,
        check=check,
        grade_checks=MappingProxyType(grade_checks),
        exploitation=exploitation,
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
        c.keys(raw, {"id", "rule", "source", "purpose_specific"}, *path)
        eid = c.ident(raw, "id", *path)
        purpose_specific = raw.get("purpose_specific", False)
        if not isinstance(purpose_specific, bool):
            c.err("'purpose_specific' must be true or false", *path, "purpose_specific")
            continue
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
            elements.append(Element(eid, rule, src, purpose_specific, c.at(*path)))
    kind_of = {e.id: element_rules[e.rule].kind for e in elements}

    profiles_raw: dict[str, dict] = {}
    rules: dict[str, RuleExpr] = {}
    rule_checks: dict[str, Check] = {}
    for pid, raw in (c.table(data, "profiles") or {}).items():
        path = ("profiles", pid)
        if not ID_RE.match(pid):
            c.err(f"profile id '{pid}' may only use lower-case letters, digits and single hyphens", *path)
            continue
        if not isinstance(raw, dict):
            c.err(f"profile '{pid}' must be a table", *path)
            continue
        c.keys(raw, {"age", "source", "verification", "rule", "rule_verified", "rule_unverified", "exploitation", "practice"}, *path)
        age = c.text(raw, "age", *path)
        if age is not None and age not in AGES:
            c.err(f"age must be one of {', '.join(AGES)}", *path, "age")
        c.text(raw, "source", *path)
        c.text(raw, "verification", *path)
        c.text(raw, "practice", *path, required=False)
        if raw.get("exploitation") is not None and raw["exploitation"] not in EXPLOITATION_KINDS:
            c.err(f"'exploitation' must be one of {', '.join(EXPLOITATION_KINDS)} (leave it out for any form)", *path, "exploitation")
            continue
        rule_check = parse_check(c, raw, path, f"the rule of profile '{pid}'", prefix="rule_")
        if rule_check is None:
            continue
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
        rule_checks[pid] = rule_check
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
        kind = raw.get("exploitation")
        if kind is not None and not _own_kind_ok(c, pid, kind, members, elements, indicators):
            continue
        composed = [i for items in members.values() for i, _g in items if indicators[i].grade_checks[pid].from_project]
        practice = raw.get("practice", "").strip() or None
        if (composed or rule_checks[pid].from_project) and practice is None:
            what = f"{len(composed)} indicator(s) whose place or grade in this list no source reports (from = \"project\"), e.g. {', '.join(composed[:3])}" if composed else "a rule no source reports (from = \"project\")"
            c.err(f"profile '{pid}' rests on {what}: it can only be used for practice; add practice = \"<why>\"", "profiles", pid)
            continue
        profiles[pid] = Profile(
            id=pid,
            age=raw["age"],
            rule=rules[pid],
            verification=raw["verification"].strip(),
            source=raw["source"].strip(),
            members=MappingProxyType(members),
            rule_check=rule_checks[pid],
            exploitation=kind,
            practice=practice,
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

# What the person screened reads or hears (see the indicator-text contract): an
# interviewee-scope language holds only these. Indicators hold only `questions` there.
INTERVIEWEE_KEYS = {"consent", "handover", "handback", "answers", "navigation", "private", "indicators"}
OFFICER_KEYS = {"title", "description", "elements", "profiles", "outcomes"}
META_KEYS = {"translation", "reviewed_by", "scope"}
SIDECAR_RE = re.compile(r"^(?P<set>[a-z0-9]+(?:-[a-z0-9]+)*)\.(?P<lang>[a-z]{2,3}(?:_[A-Z]{2})?)\.toml$")


def _placeholders(value: str) -> set[str]:
    try:
        return {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
    except ValueError:
        return {"<malformed braces>"}


class _LangChecker:
    """A Checker whose messages name the language (`fr: ...`) and whose paths start at the
    language's table: `[text.fr]` inline, or the top of a sidecar file."""

    def __init__(self, c: Checker, lang: str, base: tuple):
        self.c, self.lang, self.base = c, lang, base

    @property
    def errors(self) -> list[DataError]:
        return self.c.errors

    def err(self, message: str, *path) -> None:
        self.c.err(f"{self.lang}: {message}", *self.base, *path)

    def _wrap(self, fn, *args, **kw):
        n = len(self.c.errors)
        out = fn(*args, **kw)
        for i in range(n, len(self.c.errors)):
            e = self.c.errors[i]
            self.c.errors[i] = DataError(e.path, e.line, f"{self.lang}: {e.message}")
        return out

    def keys(self, table, allowed, *path):
        return self._wrap(self.c.keys, table, allowed, *self.base, *path)

    def text(self, table, key, *path, required=True):
        return self._wrap(self.c.text, table, key, *self.base, *path, required=required)

    def text_list(self, table, key, *path, required=True, allow_empty=False):
        return self._wrap(self.c.text_list, table, key, *self.base, *path, required=required, allow_empty=allow_empty)

    def table(self, data, key, *path, required=True):
        return self._wrap(self.c.table, data, key, *self.base, *path, required=required)


def _parse_text(c: Checker, lang: str, raw: Any, s: dict[str, Any], base: tuple, src: SetText | None, file: str) -> SetText | None:
    """One language's texts. `src` is None for the source language, which must be complete;
    a translation may leave any text out, key by key: the source text fills the gap and the
    key is listed in `fallbacks` (shown to the officer, counted by the report)."""
    if not isinstance(raw, dict):
        c.err(f"{lang}: [text.{lang}] must be a table", *base)
        return None
    if not is_language(lang):
        c.err(f"'{lang}' is not a language code (e.g. en, ar, fr)", *base)
        return None
    lc = _LangChecker(c, lang, base)
    n_errors = len(c.errors)
    is_source = src is None
    scope = raw.get("scope", "full")
    if scope not in SCOPES:
        lc.err(f"scope must be one of {', '.join(SCOPES)} (\"interviewee\": only what the person screened reads)", "scope")
        return None
    if is_source and scope != "full":
        lc.err("the source language needs scope = \"full\" (officer and interviewee text)", "scope")
        return None
    allowed = META_KEYS | INTERVIEWEE_KEYS | (OFFICER_KEYS if scope == "full" else set())
    for key in raw:
        if key in OFFICER_KEYS and scope == "interviewee":
            lc.err(f"'{key}' is officer text, but this language has scope = \"interviewee\" (only what the person reads: {', '.join(sorted(INTERVIEWEE_KEYS))})", key)
        elif key not in allowed:
            lc.err(f"unknown field '{key}' (allowed: {', '.join(sorted(allowed))})", key)
    translation = lc.text(raw, "translation")
    if translation is not None:
        if translation not in TRANSLATION_STATES:
            lc.err(f"translation must be one of {', '.join(TRANSLATION_STATES)}", "translation")
        elif (translation == "source") != is_source:
            lc.err(f"only the source language ({s['source_language']}) says translation = \"source\"; a translation says \"unreviewed\" or \"reviewed\"", "translation")
        elif translation == "reviewed" and not raw.get("reviewed_by"):
            lc.err("a reviewed translation needs 'reviewed_by' (who reviewed it, and when)", "translation")
    reviewed_by = lc.text(raw, "reviewed_by", required=False)
    fallbacks: set[str] = set()
    officer_side = scope == "full"

    def scalar(key: str, officer: bool):
        if officer and not officer_side:
            return getattr(src, key)
        value = lc.text(raw, key, required=is_source)
        if value is None and not is_source:
            fallbacks.add(key)
            return getattr(src, key)
        return value

    title = scalar("title", True)
    description = scalar("description", True)
    handover = scalar("handover", False)
    handback = scalar("handback", False)
    consent = lc.text_list(raw, "consent", required=is_source)
    if consent is None and not is_source and "consent" not in raw:
        fallbacks.add("consent")
        consent = list(src.consent)
    elif consent is not None and not is_source and len(consent) != len(src.consent):
        lc.err(f"consent has {len(consent)} paragraph(s) but the source has {len(src.consent)}; keep them aligned", "consent")

    def labels(name: str, wanted: tuple[str, ...]) -> dict[str, str] | None:
        table = lc.table(raw, name, required=is_source)
        out: dict[str, str] = {}
        if table is None:
            if is_source or name in raw:
                return None
            table = {}
        lc.keys(table, set(wanted), name)
        for a in wanted:
            if a not in table:
                if is_source:
                    lc.err(f"{name}: missing the label for '{a}'" if name != "private" else f"missing required field '{a}'", name)
                else:
                    fallbacks.add(f"{name}.{a}")
                    out[a] = getattr(src, name)[a]
                continue
            value = lc.text(table, a, name)
            if value is not None:
                out[a] = value
        return out

    answers = labels("answers", tuple(a.value for a in Answer))
    navigation = labels("navigation", NAVIGATION_LABELS)
    private = labels("private", PRIVATE_LABELS)

    def section(name: str) -> dict:
        table = lc.table(raw, name, required=is_source and (officer_side or name == "indicators")) or {}
        for key in table:
            if key not in s["declared"][name]:
                lc.err(f"{name}: '{key}' is not defined in the set", name, key)
        return table

    def item_fields(name: str, iid: str, t: Any, fields: tuple[str, ...], lists: tuple[str, ...] = ()) -> dict[str, Any] | None:
        """The fields of one element/profile/indicator/outcome text, each falling back alone."""
        p = (name, iid)
        if t is None:
            if is_source:
                lc.err(f"{name}: missing the text for '{iid}'", name)
                return None
            t = {}
        if not isinstance(t, dict):
            lc.err(f"{name}: '{iid}' must be a table", *p)
            return None
        lc.keys(t, set(fields) | set(lists), *p)
        out: dict[str, Any] = {}
        for f in fields + lists:
            if f not in t and not is_source:
                out[f] = None  # filled by the caller from the source
                continue
            out[f] = lc.text_list(t, f, *p, allow_empty=(name == "indicators")) if f in lists else lc.text(t, f, *p)
        return out

    elements: dict[str, tuple[str, str]] = {}
    profiles: dict[str, tuple[str, str, str]] = {}
    outcomes: dict[str, OutcomeText] = {}
    if officer_side:
        table = section("elements")
        for e in s["elements"]:
            got = item_fields("elements", e.id, table.get(e.id), ("name", "description"))
            if got is None:
                continue
            for i, f in enumerate(("name", "description")):
                if got[f] is None and not is_source:
                    fallbacks.add(f"elements.{e.id}.{f}")
                    got[f] = src.elements[e.id][i]
            if got["name"] and got["description"]:
                elements[e.id] = (got["name"], got["description"])
        table = section("profiles")
        for pid in s["profiles"]:
            got = item_fields("profiles", pid, table.get(pid), ("name", "description", "purpose"))
            if got is None:
                continue
            for i, f in enumerate(("name", "description", "purpose")):
                if got[f] is None and not is_source:
                    fallbacks.add(f"profiles.{pid}.{f}")
                    got[f] = src.profiles[pid][i]
            if all(got.values()):
                profiles[pid] = (got["name"], got["description"], got["purpose"])
        table = section("outcomes")
        for o in s["outcomes"]:
            got = item_fields("outcomes", o.id, table.get(o.id), ("title", "meaning"), ("next_steps",))
            if got is None:
                continue
            p = ("outcomes", o.id)
            for f in ("title", "meaning"):
                if got[f] is None:
                    continue
                unknown = _placeholders(got[f]) - PLACEHOLDERS
                if unknown:
                    lc.err(f"{f}: unknown placeholder(s) {', '.join(sorted(unknown))} (allowed: {{purpose}}, {{indicator_count}}, {{missing}})", *p, f)
                elif src is not None and _placeholders(got[f]) != _placeholders(getattr(src.outcomes[o.id], f)):
                    lc.err(f"{f} of '{o.id}' must use the same placeholders as the source", *p, f)
            own = [got[f] for f in ("title", "meaning") if got[f]] + list(got["next_steps"] or [])
            try:
                word = verdict_word(lang, own)
            except KeyError:
                if own:
                    lc.err(f"outcomes: there is no list of verdict words for '{lang}' in trainer/core/checklist/wording.py (VERDICT_WORDS); add one before writing outcome texts in this language", *p)
                word = None
            if word:
                field = next((f for f in ("title", "meaning") if got[f] and word in got[f]), "next_steps")
                lc.err(f"{field}: an outcome describes indicators, never the person: do not use the word '{word}' (checked in the title, the meaning and every next step)", *p, field)
            for i, f in enumerate(("title", "meaning", "next_steps")):
                if got[f] is None and not is_source:
                    fallbacks.add(f"outcomes.{o.id}.{f}")
                    got[f] = getattr(src.outcomes[o.id], f)
            if got["title"] and got["meaning"] and got["next_steps"]:
                outcomes[o.id] = OutcomeText(got["title"], got["meaning"], tuple(got["next_steps"]))

    indicators: dict[str, IndicatorText] = {}
    table = section("indicators")
    ind_fields = ("label", "officer", "observe") if officer_side else ()
    for iid, ind in s["indicators"].items():
        raw_t = table.get(iid)
        got = item_fields("indicators", iid, raw_t, ind_fields, ("questions",))
        if got is None:
            continue
        p = ("indicators", iid)
        questions = got["questions"]
        if questions is not None:
            if ind.observed_only and questions:
                lc.err(f"'{iid}' is observed_only: it must have no questions (questions = [])", *p, "questions")
            elif not ind.observed_only and not questions:
                lc.err(f"'{iid}' needs at least one question to put to the person (or observed_only = true)", *p, "questions")
            elif is_source and len(questions) != len(ind.question_kinds):
                lc.err(f"'{iid}' has {len(questions)} question(s) in {lang} but question_kinds (line {ind.line}) lists {len(ind.question_kinds)}; one kind per question, same order in every language", *p, "questions")
            elif src is not None and len(questions) != len(src.indicators[iid].questions):
                lc.err(f"'{iid}' has {len(questions)} question(s) in {lang} but {len(src.indicators[iid].questions)} in {src.lang}; questions must line up across languages", *p, "questions")
        if is_source:
            if all(got[f] for f in ind_fields) and questions is not None:
                indicators[iid] = IndicatorText(got["label"], got["officer"], tuple(questions), got["observe"])
            continue
        base_t = src.indicators[iid]
        values = {}
        for f in ("label", "officer", "observe", "questions"):
            v = got.get(f)
            if v is None:
                if officer_side or f == "questions":
                    if not (f == "questions" and ind.observed_only):
                        fallbacks.add(f"indicators.{iid}.{f}")
                v = getattr(base_t, f)
            values[f] = tuple(v) if f == "questions" else v
        indicators[iid] = IndicatorText(values["label"], values["officer"], values["questions"], values["observe"])

    if not officer_side:
        elements, profiles, outcomes = dict(src.elements), dict(src.profiles), dict(src.outcomes)
    if len(c.errors) > n_errors or None in (translation, title, description, consent, handover, handback, answers, navigation, private):
        return None
    return SetText(
        lang=lang,
        translation=translation,
        reviewed_by=reviewed_by,
        title=title,
        description=description,
        consent=tuple(consent),
        answers=MappingProxyType(answers),
        navigation=MappingProxyType(navigation),
        private=MappingProxyType(private),
        handover=handover,
        handback=handback,
        elements=MappingProxyType(elements),
        profiles=MappingProxyType(profiles),
        indicators=MappingProxyType(indicators),
        outcomes=MappingProxyType(outcomes),
        rtl=is_rtl(lang),
        scope=scope,
        fallbacks=frozenset(fallbacks),
        file=file,
    )


def sidecar_files(set_path: Path) -> dict[str, Path]:
    """The sidecars of one set file: language -> `<set-id>.<lang>.toml` next to it."""
    set_path = Path(set_path)
    out: dict[str, Path] = {}
    for p in sorted(set_path.parent.glob(f"{set_path.stem}.*.toml")):
        m = SIDECAR_RE.match(p.name)
        if m and m.group("set") == set_path.stem:
            out[m.group("lang")] = p
    return out


# --- entry points -------------------------------------------------------------------------


def parse_indicator_set(path: Path) -> tuple[IndicatorSet | None, list[DataError]]:
    """Parse and validate one indicator-set file and its language sidecars."""
    path = Path(path)
    data, text, errors = read_toml(path)
    if data is None:
        return None, errors
    c = Checker(path, text)
    s = _parse_structure(c, data, path.stem)
    raw_texts = c.table(data, "text", required=False) or {}
    # (language, raw table, checker, base path, file) for every text, inline or sidecar
    sources: dict[str, tuple[Any, Checker, tuple, str]] = {}
    for lang, raw in raw_texts.items():
        sources[lang] = (raw, c, ("text", lang), rel(path))
    side_errors: list[DataError] = []
    for lang, side in sidecar_files(path).items():
        sdata, stext, serrs = read_toml(side)
        if sdata is None:
            side_errors.extend(serrs)
            continue
        sc = Checker(side, stext)
        if lang in sources:
            sc.err(f"{lang}: this language is also written inline in {rel(path)} as [text.{lang}]; keep one of the two")
            side_errors.extend(sc.errors)
            continue
        sources[lang] = (sdata, sc, (), rel(side))
    texts: dict[str, SetText] = {}
    src_lang = s["source_language"]
    if src_lang is not None and src_lang not in sources:
        c.err(f"no text for the source language: add [text.{src_lang}] or {path.stem}.{src_lang}.toml", "source_language")
    elif src_lang is not None:
        raw, checker, base, file = sources[src_lang]
        source_text = _parse_text(checker, src_lang, raw, s, base, None, file)
        if source_text is not None:
            texts[src_lang] = source_text
            for lang, (raw, checker, base, file) in sources.items():
                if lang == src_lang:
                    continue
                t = _parse_text(checker, lang, raw, s, base, source_text, file)
                if t is not None:
                    texts[lang] = t
    errors = list(c.errors) + side_errors
    for _lang, (_raw, checker, _base, _file) in sources.items():
        if checker is not c:
            errors.extend(checker.errors)
    if errors:
        return None, sorted(set(errors))
    texts = {lang: _with_counts(t, len(s["indicators"])) for lang, t in texts.items()}
    return (
        IndicatorSet(
            id=s["id"],
            version=s["version"],
            source_language=src_lang,
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


def _with_counts(text, count: int):
    """The set's description with {indicator_count} filled in (digits of the text's language)."""
    if "{indicator_count}" not in text.description:
        return text
    return dataclasses.replace(text, description=text.description.replace("{indicator_count}", format_count(count, text.lang)))


def format_count(n: int, lang: str) -> str:
    from babel.numbers import format_decimal

    from ..i18n import normalise

    try:
        return format_decimal(n, locale=normalise(lang))
    except (ValueError, LookupError):
        return str(n)


def _set_files(root: Path) -> list[Path]:
    """Set files only: `<set-id>.toml` (a sidecar has a language between two dots)."""
    d = indicators_dir(root)
    return sorted(p for p in d.glob("*.toml") if p.is_file() and "." not in p.stem) if d.is_dir() else []


def _orphan_sidecars(root: Path) -> list[DataError]:
    d = indicators_dir(root)
    sets = {p.stem for p in _set_files(root)}
    errors = []
    for p in sorted(d.glob("*.*.toml")) if d.is_dir() else []:
        m = SIDECAR_RE.match(p.name)
        if not m:
            errors.append(DataError(rel(p), 1, "a language file is named <set-id>.<lang>.toml, e.g. ilo-ec-delphi-2009.fr.toml"))
        elif m.group("set") not in sets:
            errors.append(DataError(rel(p), 1, f"{m.group('lang')}: there is no indicator set '{m.group('set')}' ({m.group('set')}.toml) for this language file"))
    return errors


def check_indicators(root: Path) -> list[DataError]:
    """Validate every indicator set under `root/indicators/` (root is the curricula folder)."""
    root = Path(root)
    files = _set_files(root)
    if not files:
        return [DataError(rel(indicators_dir(root)), 1, "no indicator sets found (expected indicators/<set-id>.toml)")]
    errors: list[DataError] = _orphan_sidecars(root)
    for f in files:
        errors.extend(parse_indicator_set(f)[1])
    return sorted(set(errors))


def load_indicator_sets(root: Path) -> Mapping[str, IndicatorSet]:
    """All indicator sets, by id; raises DataErrors listing every problem."""
    errors: list[DataError] = _orphan_sidecars(Path(root))
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
