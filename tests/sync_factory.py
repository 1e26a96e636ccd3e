"""Realistic quiz xAPI statements for sync tests and benchmarks.

The quiz feature builds the real statements (trainer/core/xapi.py); sync must not depend on
its details, so tests make statements of the same shape here: one `attempted`, one `answered`
per question and one `passed`/`failed` (plus `completed`) per module attempt, an
account actor (homePage + opaque learner uuid), ADL verbs, activity ids under an IRI base,
`result.score.scaled`, `context.language` and a device `timestamp`.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import datetime, timedelta, timezone

IRI_BASE = "https://waymark.invalid/xapi/activities/"
HOME_PAGE = "https://waymark.invalid/learners"
ADL = "http://adlnet.gov/expapi/verbs/"
TYPES = "http://adlnet.gov/expapi/activities/"
VERB_NAMES = ("attempted", "answered", "passed", "failed", "completed")
LANGS = ("en", "fr", "es", "ar", "pt", "ru")
MODULES = (
    "understanding-trafficking",
    "forced-labour-indicators",
    "interviewing-safely",
    "referral-pathways",
    "border-screening",
    "labour-inspection-visits",
    "debt-bondage",
    "child-labour",
    "recruitment-fees",
    "victim-rights",
)
QUESTIONS = (
    ("Which three elements make up the crime of trafficking in persons?",
     ("Act, means and purpose", "Crossing a border, payment and a lie", "Violence, a weapon and a group")),
    ("A worker's passport is kept by the employer 'for safety'. Which indicator is this?",
     ("Retention of identity documents", "Excessive overtime", "Isolation")),
    ("True or false: consent of the victim is relevant once coercion is shown.", ("False", "True")),
    ("Which of these are indicators of forced labour? Choose all that apply.",
     ("Debt bondage", "Withheld wages", "A written contract", "Threats against family")),
    ("What is the first thing to do when a person discloses exploitation?",
     ("Make sure they are safe now", "Ask for proof", "Call the employer")),
    ("Which agency should receive a referral for a child found working at night?",
     ("Child protection services", "The tax office", "No one")),
)


def verb(name: str) -> dict:
    return {"id": ADL + name, "display": {"en": name}}


def actor(learner_id: str) -> dict:
    return {"objectType": "Agent", "account": {"homePage": HOME_PAGE, "name": learner_id}}


def _ref(iri: str, kind: str) -> dict:
    return {"objectType": "Activity", "id": iri, "definition": {"type": TYPES + kind}}


def quiz_activity(module_id: str, lang: str) -> dict:
    return {
        "objectType": "Activity",
        "id": f"{IRI_BASE}modules/{module_id}/quiz",
        "definition": {"type": TYPES + "assessment", "name": {lang: module_id.replace("-", " ").capitalize()}},
    }


def question_activity(module_id: str, qid: str, lang: str, text: str, options: tuple[str, ...]) -> dict:
    return {
        "objectType": "Activity",
        "id": f"{IRI_BASE}modules/{module_id}/quiz/questions/{qid}",
        "definition": {
            "type": TYPES + "cmi.interaction",
            "name": {lang: text},
            "interactionType": "choice",
            "correctResponsesPattern": ["a"],
            "choices": [{"id": "abcd"[i], "description": {lang: t}} for i, t in enumerate(options)],
        },
    }


def attempt_statements(
    learner_id: str,
    module_id: str,
    *,
    lang: str = "en",
    n_questions: int = 10,
    start: datetime | None = None,
    rng: random.Random | None = None,
    pass_mark: float = 0.8,
) -> list[dict]:
    """The statements one module attempt produces, in the order the device writes them:
    attempted, one answered per question, passed or failed, and completed when passed
    (the shapes trainer/core/xapi.py builds)."""
    rng = rng or random.Random()
    start = start or datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
    registration = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    module_iri = f"{IRI_BASE}modules/{module_id}"
    quiz_iri = f"{module_iri}/quiz"

    def context(parent: str, parent_kind: str, grouping: bool) -> dict:
        acts = {"parent": [_ref(parent, parent_kind)]}
        if grouping:
            acts["grouping"] = [_ref(module_iri, "module")]
        return {
            "registration": registration,
            "language": lang,
            "platform": "Waymark",
            "revision": "1.0.0",
            "contextActivities": acts,
        }

    def stamp(seconds: float) -> str:
        return (start + timedelta(seconds=seconds)).isoformat(timespec="milliseconds")

    def sid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    out = [
        {
            "id": sid(),
            "actor": actor(learner_id),
            "verb": verb("attempted"),
            "object": quiz_activity(module_id, lang),
            "context": context(module_iri, "module", False),
            "timestamp": stamp(0),
        }
    ]
    correct = 0
    end = 30.0 * (n_questions + 1) + rng.randint(0, 30)
    for i in range(n_questions):
        ok = rng.random() < 0.75
        correct += ok
        text, options = QUESTIONS[i % len(QUESTIONS)]
        out.append(
            {
                "id": sid(),
                "actor": actor(learner_id),
                "verb": verb("answered"),
                "object": question_activity(module_id, f"q{i + 1}", lang, text, options),
                "result": {
                    "response": "a" if ok else rng.choice(["b", "c", "b[,]c"][: len(options) - 1]),
                    "success": ok,
                    "score": {"scaled": 1.0 if ok else 0.0, "raw": 1.0 if ok else 0.0, "min": 0.0, "max": 1.0},
                },
                "context": context(quiz_iri, "assessment", True),
                "timestamp": stamp(end),
            }
        )
    scaled = round(correct / n_questions, 6) if n_questions else 0.0
    passed = scaled >= pass_mark
    out.append(
        {
            "id": sid(),
            "actor": actor(learner_id),
            "verb": verb("passed" if passed else "failed"),
            "object": quiz_activity(module_id, lang),
            "result": {
                "score": {"scaled": scaled, "raw": float(correct), "min": 0.0, "max": float(n_questions)},
                "success": passed,
                "completion": True,
                "duration": f"PT{end:.2f}S",
            },
            "context": context(module_iri, "module", False),
            "timestamp": stamp(end),
        }
    )
    if passed:
        out.append(
            {
                "id": sid(),
                "actor": actor(learner_id),
                "verb": verb("completed"),
                "object": {
                    "objectType": "Activity",
                    "id": module_iri,
                    "definition": {"type": TYPES + "module", "name": {lang: module_id.replace("-", " ").capitalize()}},
                },
                "result": {"completion": True, "success": True},
                "context": {"registration": registration, "language": lang, "platform": "Waymark", "revision": "1.0.0"},
                "timestamp": stamp(end + 1),
            }
        )
    return out


def device_statements(n: int, *, seed: int = 1, learners: int = 1, lang: str | None = None) -> list[dict]:
    """`n` statements as one device would queue them: whole attempts, cut to length `n`."""
    rng = random.Random(seed)
    learner_ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(learners)]
    start = datetime(2025, 3, 1, 9, 0, tzinfo=timezone.utc)
    out: list[dict] = []
    k = 0
    while len(out) < n:
        learner = learner_ids[k % learners]
        module = MODULES[(k // learners) % len(MODULES)]
        out.extend(
            attempt_statements(
                learner,
                module,
                lang=lang or LANGS[k % len(LANGS)],
                start=start + timedelta(hours=k),
                rng=rng,
            )
        )
        k += 1
    return out[:n]


def outbox_rows(statements: list[dict], created_at: str = "2025-03-01T09:00:00Z") -> list[dict]:
    """Rows for the device outbox table, as the quiz feature writes them."""
    return [
        {
            "id": s["id"],
            "kind": "xapi-statement",
            "payload": json.dumps(s, ensure_ascii=False, separators=(",", ":")),
            "created_at": created_at,
            "status": "pending",
            "attempts": 0,
        }
        for s in statements
    ]
