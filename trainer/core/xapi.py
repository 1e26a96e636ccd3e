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

`validate_statement` checks a statement with the same rules the sync server applies
(trainer/core/xapi_validation.py), so nothing is queued that the server would refuse.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping, Sequence

from .xapi_validation import (
    Invalid,
    check_duration,
    check_iri,
    check_language_tag,
    check_timestamp,
    check_uuid,
)
from .xapi_validation import validate_statement as _validate

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
# Validation (xAPI 1.0.3): the rules live in xapi_validation, shared with the sync server.


def validate_statement(stmt: Any) -> list[str]:
    """What is wrong with `stmt` as 'where: what' messages; an empty list means it is valid.

    The server's own validator decides, so a statement the device queues is one the server
    will take. It stops at the first problem, so the list holds at most one message.
    """
    try:
        _validate(stmt)
    except Invalid as exc:
        return [f"{exc.path}: {exc.reason}"]
    return []


def _passes(check: Callable[[Any, str], Any], value: Any) -> bool:
    try:
        check(value, "value")
    except Invalid:
        return False
    return True


def is_language_tag(tag: Any) -> bool:
    return _passes(check_language_tag, tag)


def is_uuid(value: Any) -> bool:
    return _passes(check_uuid, value)


def is_iri(value: Any) -> bool:
    return _passes(check_iri, value)


def is_timestamp(value: Any) -> bool:
    return _passes(check_timestamp, value)


def is_duration(value: Any) -> bool:
    return _passes(check_duration, value)
