"""xAPI 1.0.3 statements for quiz attempts and module completion, and a statement validator.

Why xAPI: results are kept on the phone first and synced later; statements carry their own
UUID (safe retries), their own timestamp (late uploads keep the true time) and language
maps, and any learning record store understands them.

Identifiers (documented here, configured in the `settings` table):
- `xapi_iri_base` (default DEFAULT_IRI_BASE, "https://waymark.invalid/xapi/activities/"):
  activity ids are `<base>modules/<module-id>`, `<base>modules/<module-id>/quiz` and
  `<base>modules/<module-id>/quiz/questions/<question-id>`. The `.invalid` top-level
  domain is reserved (RFC 2606) and never resolves, so the default can never collide with
  someone else's activities; an organisation that runs its own record store sets its own base.
- `xapi_account_homepage` (default "https://waymark.invalid/learners"): the actor is
  `{"account": {"homePage": <this>, "name": <local learner UUID>}}`. Never an e-mail
  address: learners stay pseudonymous.
Verbs and activity types are the ADL vocabulary (as used by cmi5).

`validate_statement` is pure and uses only the standard library so that the sync server can
reuse it to check what it receives.
"""

from __future__ import annotations

import math
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping, Sequence

DEFAULT_IRI_BASE = "https://waymark.invalid/xapi/activities/"
DEFAULT_ACCOUNT_HOMEPAGE = "https://waymark.invalid/learners"
PLATFORM = "Waymark"

VERBS = {
    "attempted": "http://adlnet.gov/expapi/verbs/attempted",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
}
ACTIVITY_TYPES = {
    "module": "http://adlnet.gov/expapi/activities/module",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "interaction": "http://adlnet.gov/expapi/activities/cmi.interaction",
}


@dataclass(frozen=True)
class XapiConfig:
    iri_base: str = DEFAULT_IRI_BASE
    account_homepage: str = DEFAULT_ACCOUNT_HOMEPAGE
    platform: str = PLATFORM

    @classmethod
    def from_settings(cls, settings: Mapping[str, str]) -> "XapiConfig":
        base = (settings.get("xapi_iri_base") or DEFAULT_IRI_BASE).strip()
        home = (settings.get("xapi_account_homepage") or DEFAULT_ACCOUNT_HOMEPAGE).strip()
        return cls(iri_base=base if base.endswith("/") else base + "/", account_homepage=home)

    def module_iri(self, module_id: str) -> str:
        return f"{self.iri_base}modules/{module_id}"

    def quiz_iri(self, module_id: str) -> str:
        return f"{self.module_iri(module_id)}/quiz"

    def question_iri(self, module_id: str, question_id: str) -> str:
        return f"{self.quiz_iri(module_id)}/questions/{question_id}"


# ---------------------------------------------------------------------------------------
# Building statements


def iso_timestamp(moment: datetime) -> str:
    """ISO 8601 with milliseconds and the time zone (xAPI requires ms precision)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("xAPI timestamps need a time zone; use an aware datetime")
    return moment.isoformat(timespec="milliseconds")


def iso_duration(seconds: float) -> str:
    """Seconds as an ISO 8601 duration with 0.01 s precision, e.g. PT83.45S."""
    seconds = max(0.0, seconds)
    return f"PT{seconds:.2f}S"


def choice_response(option_ids: Iterable[str]) -> str:
    """xAPI 'choice' response pattern: ids joined by [,], no delimiter for a single id."""
    return "[,]".join(option_ids)


def new_statement_id() -> str:
    return str(uuid.uuid4())


def actor(config: XapiConfig, learner_id: str) -> dict:
    return {"objectType": "Agent", "account": {"homePage": config.account_homepage, "name": learner_id}}


def verb(name: str) -> dict:
    return {"id": VERBS[name], "display": {"en": name}}


def _activity(iri: str, type_key: str, names: Mapping[str, str], **definition: Any) -> dict:
    d = {"type": ACTIVITY_TYPES[type_key]}
    if names:
        d["name"] = dict(names)
    d.update(definition)
    return {"objectType": "Activity", "id": iri, "definition": d}


def _ref(iri: str, type_key: str) -> dict:
    return {"objectType": "Activity", "id": iri, "definition": {"type": ACTIVITY_TYPES[type_key]}}


def _score(raw: float, max_: float, min_: float = 0.0) -> dict:
    scaled = 0.0 if max_ == min_ else (raw - min_) / (max_ - min_)
    return {"scaled": round(scaled, 6), "raw": round(raw, 6), "min": min_, "max": max_}


@dataclass(frozen=True)
class AnswerFacts:
    """What the statement builder needs to know about one answered question."""

    question_id: str
    text: str  # the question in the attempt language
    option_texts: Sequence[tuple[str, str]]  # (option id, text) in presentation order
    correct_ids: Sequence[str]  # in written order
    chosen: Sequence[str]
    score: float  # 0..1
    correct: bool


def attempt_statements(
    *,
    config: XapiConfig,
    learner_id: str,
    module_id: str,
    module_version: str,
    module_names: Mapping[str, str],
    lang: str,
    attempt_id: str,
    answers: Sequence[AnswerFacts],
    score: float,
    passed: bool,
    started_at: datetime,
    submitted_at: datetime,
    new_id: Callable[[], str] = new_statement_id,
) -> list[dict]:
    """attempted, one answered per question (presentation order), then passed or failed."""
    who = actor(config, learner_id)
    quiz_iri = config.quiz_iri(module_id)
    module_ref = _ref(config.module_iri(module_id), "module")
    quiz_ref = _ref(quiz_iri, "assessment")

    def context(parents: list[dict], grouping: list[dict]) -> dict:
        ctx: dict[str, Any] = {
            "registration": attempt_id,
            "language": lang,
            "platform": config.platform,
            "revision": module_version,
        }
        acts: dict[str, list] = {}
        if parents:
            acts["parent"] = parents
        if grouping:
            acts["grouping"] = grouping
        if acts:
            ctx["contextActivities"] = acts
        return ctx

    quiz_activity = _activity(quiz_iri, "assessment", module_names)
    out = [
        {
            "id": new_id(),
            "actor": who,
            "verb": verb("attempted"),
            "object": quiz_activity,
            "context": context([module_ref], []),
            "timestamp": iso_timestamp(started_at),
        }
    ]
    for a in answers:
        question = _activity(
            config.question_iri(module_id, a.question_id),
            "interaction",
            {lang: a.text},
            interactionType="choice",
            correctResponsesPattern=[choice_response(a.correct_ids)],
            choices=[{"id": oid, "description": {lang: text}} for oid, text in a.option_texts],
        )
        out.append(
            {
                "id": new_id(),
                "actor": who,
                "verb": verb("answered"),
                "object": question,
                "result": {
                    "response": choice_response(a.chosen),
                    "success": bool(a.correct),
                    "score": _score(a.score, 1.0),
                },
                "context": context([quiz_ref], [module_ref]),
                "timestamp": iso_timestamp(submitted_at),
            }
        )
    n = len(answers)
    out.append(
        {
            "id": new_id(),
            "actor": who,
            "verb": verb("passed" if passed else "failed"),
            "object": quiz_activity,
            "result": {
                "score": {**_score(score * n, float(n)), "scaled": round(score, 6)},
                "success": bool(passed),
                "completion": True,
                "duration": iso_duration((submitted_at - started_at).total_seconds()),
            },
            "context": context([module_ref], []),
            "timestamp": iso_timestamp(submitted_at),
        }
    )
    return out


def completion_statement(
    *,
    config: XapiConfig,
    learner_id: str,
    module_id: str,
    module_version: str,
    module_names: Mapping[str, str],
    lang: str,
    completed_at: datetime,
    attempt_id: str | None = None,
    new_id: Callable[[], str] = new_statement_id,
) -> dict:
    """`completed` for the module: every section read and the quiz passed."""
    ctx: dict[str, Any] = {"language": lang, "platform": config.platform, "revision": module_version}
    if attempt_id:
        ctx["registration"] = attempt_id
    return {
        "id": new_id(),
        "actor": actor(config, learner_id),
        "verb": verb("completed"),
        "object": _activity(config.module_iri(module_id), "module", module_names),
        "result": {"completion": True, "success": True},
        "context": ctx,
        "timestamp": iso_timestamp(completed_at),
    }


# ---------------------------------------------------------------------------------------
# Validation (xAPI 1.0.3, xAPI-Data.md part 2)

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", re.I)
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|\\^`]+$")
_IRL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://[^\s<>\"{}|\\^`]+$")
_SHA1 = re.compile(r"^[0-9a-f]{40}$", re.I)
_TIMESTAMP = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_NUM = r"\d+(?:[.,]\d+)?"
_DURATION = re.compile(
    rf"^P(?=\d|T\d)(?:{_NUM}Y)?(?:{_NUM}M)?(?:{_NUM}D)?(?:T(?=\d)(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?$"
    rf"|^P{_NUM}W$"
)
_VERSION = re.compile(r"^1\.0\.\d+$")
_GRANDFATHERED = (
    "en-gb-oed i-ami i-bnn i-default i-enochian i-hak i-klingon i-lux i-mingo i-navajo i-pwn "
    "i-tao i-tay i-tsu sgn-be-fr sgn-be-nl sgn-ch-de art-lojban cel-gaulish no-bok no-nyn "
    "zh-guoyu zh-hakka zh-min zh-min-nan zh-xiang"
).split()
# RFC 5646 section 2.1 ABNF, as a regex (well-formedness, not registry validity).
_LANGTAG = re.compile(
    r"^(?:"
    r"(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})"  # language (+ extlang)
    r"(?:-[a-z]{4})?"  # script
    r"(?:-(?:[a-z]{2}|\d{3}))?"  # region
    r"(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*"  # variants
    r"(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*"  # extensions
    r"(?:-x(?:-[a-z\d]{1,8})+)?"  # private use
    r"|x(?:-[a-z\d]{1,8})+"
    r")$",
    re.I,
)
INTERACTION_TYPES = {
    "true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
    "sequencing", "likert", "numeric", "other",
}
_COMPONENT_LISTS = {
    "choices": {"choice", "sequencing"},
    "scale": {"likert"},
    "source": {"matching"},
    "target": {"matching"},
    "steps": {"performance"},
}
STATEMENT_KEYS = {
    "id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
    "authority", "version", "attachments",
}
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def is_language_tag(tag: Any) -> bool:
    return isinstance(tag, str) and (bool(_LANGTAG.match(tag)) or tag.lower() in _GRANDFATHERED)


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(_UUID.match(value))


def is_iri(value: Any) -> bool:
    return isinstance(value, str) and bool(_IRI.match(value))


def is_timestamp(value: Any) -> bool:
    if not isinstance(value, str) or not _TIMESTAMP.match(value):
        return False
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def is_duration(value: Any) -> bool:
    return isinstance(value, str) and bool(_DURATION.match(value))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


class _V:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def err(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def obj(self, value: Any, where: str) -> bool:
        if not isinstance(value, dict):
            self.err(where, "must be a JSON object")
            return False
        return True

    def keys(self, value: dict, allowed: Iterable[str], where: str) -> None:
        allowed = set(allowed)
        for key in value:
            if key not in allowed:
                self.err(where, f"unknown property {key!r}")

    def string(self, value: Any, where: str) -> None:
        if not isinstance(value, str):
            self.err(where, "must be a string")

    def boolean(self, value: Any, where: str) -> None:
        if not isinstance(value, bool):
            self.err(where, "must be true or false")

    def iri(self, value: Any, where: str) -> None:
        if not is_iri(value):
            self.err(where, f"must be an absolute IRI, got {value!r}")

    def irl(self, value: Any, where: str) -> None:
        if not (isinstance(value, str) and _IRL.match(value)):
            self.err(where, f"must be an IRL (scheme://...), got {value!r}")

    def uuid(self, value: Any, where: str) -> None:
        if not is_uuid(value):
            self.err(where, f"must be a UUID in standard string form, got {value!r}")

    def lang_map(self, value: Any, where: str) -> None:
        if not self.obj(value, where):
            return
        for tag, text in value.items():
            if not is_language_tag(tag):
                self.err(where, f"{tag!r} is not an RFC 5646 language tag")
            if not isinstance(text, str):
                self.err(f"{where}.{tag}", "must be a string")

    def extensions(self, value: Any, where: str) -> None:
        if not self.obj(value, where):
            return
        for key in value:
            if not is_iri(key):
                self.err(where, f"extension key {key!r} must be an IRI")

    # -- actors ---------------------------------------------------------------------

    def agent(self, value: Any, where: str, *, object_type_required: bool = False) -> None:
        if not self.obj(value, where):
            return
        kind = value.get("objectType", "Agent")
        if object_type_required and "objectType" not in value:
            self.err(where, "an Agent or Group used as an object must have 'objectType'")
        if kind == "Group":
            self.group(value, where)
            return
        if kind != "Agent":
            self.err(f"{where}.objectType", f"must be 'Agent' or 'Group', got {kind!r}")
            return
        self.keys(value, {"objectType", "name", *_IFIS}, where)
        if "name" in value:
            self.string(value["name"], f"{where}.name")
        self.ifis(value, where, required=True)

    def group(self, value: dict, where: str) -> None:
        self.keys(value, {"objectType", "name", "member", *_IFIS}, where)
        if "name" in value:
            self.string(value["name"], f"{where}.name")
        identified = any(k in value for k in _IFIS)
        if identified:
            self.ifis(value, where, required=True)
        elif "member" not in value:
            self.err(where, "an anonymous Group must list its 'member' agents")
        if "member" in value:
            members = value["member"]
            if not isinstance(members, list):
                self.err(f"{where}.member", "must be an array of Agents")
                return
            for i, m in enumerate(members):
                if isinstance(m, dict) and m.get("objectType") == "Group":
                    self.err(f"{where}.member[{i}]", "a Group must not contain Groups")
                else:
                    self.agent(m, f"{where}.member[{i}]")

    def ifis(self, value: dict, where: str, *, required: bool) -> None:
        present = [k for k in _IFIS if k in value]
        if len(present) != 1:
            if present or required:
                self.err(where, f"must have exactly one inverse functional identifier "
                                f"({', '.join(_IFIS)}), has {len(present)}")
        if "mbox" in value and not (isinstance(value["mbox"], str) and value["mbox"].startswith("mailto:")
                                    and "@" in value["mbox"]):
            self.err(f"{where}.mbox", "must be a mailto: IRI")
        if "mbox_sha1sum" in value and not (isinstance(value["mbox_sha1sum"], str)
                                            and _SHA1.match(value["mbox_sha1sum"])):
            self.err(f"{where}.mbox_sha1sum", "must be a hex SHA-1")
        if "openid" in value:
            self.iri(value["openid"], f"{where}.openid")
        if "account" in value:
            acc = value["account"]
            if self.obj(acc, f"{where}.account"):
                self.keys(acc, {"homePage", "name"}, f"{where}.account")
                if "homePage" not in acc:
                    self.err(f"{where}.account", "missing 'homePage'")
                else:
                    self.irl(acc["homePage"], f"{where}.account.homePage")
                if "name" not in acc:
                    self.err(f"{where}.account", "missing 'name'")
                else:
                    self.string(acc["name"], f"{where}.account.name")

    # -- verb, object ------------------------------------------------------------------

    def verb(self, value: Any, where: str) -> None:
        if not self.obj(value, where):
            return
        self.keys(value, {"id", "display"}, where)
        if "id" not in value:
            self.err(where, "missing 'id'")
        else:
            self.iri(value["id"], f"{where}.id")
        if "display" in value:
            self.lang_map(value["display"], f"{where}.display")

    def activity(self, value: Any, where: str) -> None:
        if not self.obj(value, where):
            return
        self.keys(value, {"objectType", "id", "definition"}, where)
        if value.get("objectType", "Activity") != "Activity":
            self.err(f"{where}.objectType", "must be 'Activity'")
        if "id" not in value:
            self.err(where, "missing 'id'")
        else:
            self.iri(value["id"], f"{where}.id")
        if "definition" in value:
            self.definition(value["definition"], f"{where}.definition")

    def definition(self, d: Any, where: str) -> None:
        if not self.obj(d, where):
            return
        self.keys(d, {"name", "description", "type", "moreInfo", "extensions", "interactionType",
                      "correctResponsesPattern", *_COMPONENT_LISTS}, where)
        for key in ("name", "description"):
            if key in d:
                self.lang_map(d[key], f"{where}.{key}")
        if "type" in d:
            self.iri(d["type"], f"{where}.type")
        if "moreInfo" in d:
            self.irl(d["moreInfo"], f"{where}.moreInfo")
        if "extensions" in d:
            self.extensions(d["extensions"], f"{where}.extensions")
        itype = d.get("interactionType")
        if itype is None:
            for key in ("correctResponsesPattern", *_COMPONENT_LISTS):
                if key in d:
                    self.err(f"{where}.{key}", "is only allowed with an 'interactionType'")
            return
        if itype not in INTERACTION_TYPES:
            self.err(f"{where}.interactionType", f"{itype!r} is not an xAPI interaction type")
            return
        if "correctResponsesPattern" in d:
            crp = d["correctResponsesPattern"]
            if not isinstance(crp, list) or not all(isinstance(p, str) for p in crp):
                self.err(f"{where}.correctResponsesPattern", "must be an array of strings")
        for key, types in _COMPONENT_LISTS.items():
            if key not in d:
                continue
            if itype not in types:
                self.err(f"{where}.{key}", f"is not allowed for interactionType {itype!r}")
                continue
            comps = d[key]
            if not isinstance(comps, list):
                self.err(f"{where}.{key}", "must be an array of interaction components")
                continue
            ids: set = set()
            for i, comp in enumerate(comps):
                cw = f"{where}.{key}[{i}]"
                if not self.obj(comp, cw):
                    continue
                self.keys(comp, {"id", "description"}, cw)
                cid = comp.get("id")
                if not isinstance(cid, str):
                    self.err(cw, "missing string 'id'")
                elif cid in ids:
                    self.err(cw, f"id {cid!r} is not distinct")
                ids.add(cid)
                if "description" in comp:
                    self.lang_map(comp["description"], f"{cw}.description")

    def statement_ref(self, value: dict, where: str) -> None:
        self.keys(value, {"objectType", "id"}, where)
        if value.get("objectType") != "StatementRef":
            self.err(f"{where}.objectType", "must be 'StatementRef'")
        self.uuid(value.get("id"), f"{where}.id")

    def object(self, value: Any, where: str, *, sub: bool) -> None:
        if not self.obj(value, where):
            return
        kind = value.get("objectType", "Activity")
        if kind == "Activity":
            self.activity(value, where)
        elif kind in ("Agent", "Group"):
            self.agent(value, where, object_type_required=True)
        elif kind == "StatementRef":
            self.statement_ref(value, where)
        elif kind == "SubStatement":
            if sub:
                self.err(where, "a SubStatement must not contain a SubStatement")
                return
            for key in ("id", "stored", "version", "authority"):
                if key in value:
                    self.err(where, f"a SubStatement must not have {key!r}")
            self.statement(value, where, sub=True)
        else:
            self.err(f"{where}.objectType", f"unknown objectType {kind!r}")

    # -- result, context -----------------------------------------------------------------

    def result(self, value: Any, where: str) -> None:
        if not self.obj(value, where):
            return
        self.keys(value, {"score", "success", "completion", "response", "duration", "extensions"}, where)
        for key in ("success", "completion"):
            if key in value:
                self.boolean(value[key], f"{where}.{key}")
        if "response" in value:
            self.string(value["response"], f"{where}.response")
        if "duration" in value and not is_duration(value["duration"]):
            self.err(f"{where}.duration", f"must be an ISO 8601 duration, got {value['duration']!r}")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{where}.extensions")
        if "score" in value:
            self.score(value["score"], f"{where}.score")

    def score(self, s: Any, where: str) -> None:
        if not self.obj(s, where):
            return
        self.keys(s, {"scaled", "raw", "min", "max"}, where)
        for key in ("scaled", "raw", "min", "max"):
            if key in s and not _is_number(s[key]):
                self.err(f"{where}.{key}", "must be a number")
        num = {k: s[k] for k in ("scaled", "raw", "min", "max") if k in s and _is_number(s[k])}
        if "scaled" in num and not -1 <= num["scaled"] <= 1:
            self.err(f"{where}.scaled", f"must be between -1 and 1, got {num['scaled']}")
        if "min" in num and "max" in num and not num["min"] < num["max"]:
            self.err(where, "'min' must be less than 'max'")
        if "raw" in num:
            if "min" in num and num["raw"] < num["min"]:
                self.err(f"{where}.raw", f"{num['raw']} is below min {num['min']}")
            if "max" in num and num["raw"] > num["max"]:
                self.err(f"{where}.raw", f"{num['raw']} is above max {num['max']}")

    def context(self, value: Any, where: str, object_is_activity: bool) -> None:
        if not self.obj(value, where):
            return
        self.keys(value, {"registration", "instructor", "team", "contextActivities", "revision",
                          "platform", "language", "statement", "extensions"}, where)
        if "registration" in value:
            self.uuid(value["registration"], f"{where}.registration")
        if "instructor" in value:
            self.agent(value["instructor"], f"{where}.instructor")
        if "team" in value:
            team = value["team"]
            if isinstance(team, dict) and team.get("objectType") != "Group":
                self.err(f"{where}.team", "must be a Group")
            else:
                self.agent(team, f"{where}.team")
        for key in ("revision", "platform"):
            if key in value:
                self.string(value[key], f"{where}.{key}")
                if not object_is_activity:
                    self.err(f"{where}.{key}", "may only be used when the object is an Activity")
        if "language" in value and not is_language_tag(value["language"]):
            self.err(f"{where}.language", f"{value['language']!r} is not an RFC 5646 language tag")
        if "statement" in value:
            if self.obj(value["statement"], f"{where}.statement"):
                self.statement_ref(value["statement"], f"{where}.statement")
        if "extensions" in value:
            self.extensions(value["extensions"], f"{where}.extensions")
        if "contextActivities" in value:
            ca = value["contextActivities"]
            cw = f"{where}.contextActivities"
            if self.obj(ca, cw):
                self.keys(ca, {"parent", "grouping", "category", "other"}, cw)
                for key, acts in ca.items():
                    items = acts if isinstance(acts, list) else [acts]
                    for i, act in enumerate(items):
                        self.activity(act, f"{cw}.{key}[{i}]")

    def attachments(self, value: Any, where: str) -> None:
        if not isinstance(value, list):
            self.err(where, "must be an array")
            return
        for i, a in enumerate(value):
            aw = f"{where}[{i}]"
            if not self.obj(a, aw):
                continue
            self.keys(a, {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}, aw)
            for key in ("usageType", "display", "contentType", "length", "sha2"):
                if key not in a:
                    self.err(aw, f"missing {key!r}")
            if "usageType" in a:
                self.iri(a["usageType"], f"{aw}.usageType")
            for key in ("display", "description"):
                if key in a:
                    self.lang_map(a[key], f"{aw}.{key}")
            if "length" in a and (not isinstance(a["length"], int) or isinstance(a["length"], bool)):
                self.err(f"{aw}.length", "must be an integer")
            if "fileUrl" in a:
                self.irl(a["fileUrl"], f"{aw}.fileUrl")

    # -- statement --------------------------------------------------------------------

    def statement(self, s: dict, where: str, *, sub: bool = False) -> None:
        allowed = STATEMENT_KEYS | ({"objectType"} if sub else set())
        self.keys(s, allowed, where)
        for key in ("actor", "verb", "object"):
            if key not in s:
                self.err(where, f"missing required property {key!r}")
        if "id" in s:
            self.uuid(s["id"], f"{where}.id")
        if "actor" in s:
            self.agent(s["actor"], f"{where}.actor")
        if "verb" in s:
            self.verb(s["verb"], f"{where}.verb")
        if "object" in s:
            self.object(s["object"], f"{where}.object", sub=sub)
        if "result" in s:
            self.result(s["result"], f"{where}.result")
        if "context" in s:
            obj = s.get("object")
            is_activity = isinstance(obj, dict) and obj.get("objectType", "Activity") == "Activity"
            self.context(s["context"], f"{where}.context", is_activity)
        for key in ("timestamp", "stored"):
            if key in s and not is_timestamp(s[key]):
                self.err(f"{where}.{key}", f"must be an ISO 8601 timestamp, got {s[key]!r}")
        if "version" in s and not (isinstance(s["version"], str) and _VERSION.match(s["version"])):
            self.err(f"{where}.version", "must start with '1.0.'")
        if "authority" in s:
            self.agent(s["authority"], f"{where}.authority")
        if "attachments" in s:
            self.attachments(s["attachments"], f"{where}.attachments")


def validate_statement(stmt: Any) -> list[str]:
    """Every way `stmt` breaks the xAPI 1.0.3 statement rules, as 'where: what' messages.

    An empty list means the statement is valid. Checks required properties, UUID and IRI
    formats, the actor's single inverse functional identifier, object types, interaction
    definitions, score ranges, ISO 8601 timestamps and durations, RFC 5646 language tags
    and rejects unknown properties at every level.
    """
    v = _V()
    if v.obj(stmt, "statement"):
        v.statement(stmt, "statement")
    return v.errors
