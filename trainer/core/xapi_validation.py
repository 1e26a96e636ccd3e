"""xAPI 1.0.3 statement validation: pure functions, one clear reason per bad statement.

The one validator of the app: the sync server checks what devices send with it, and the
device checks what it queues with it (through `trainer.core.xapi.validate_statement`), so
whatever a device accepts the server accepts too. Standard library only.

A device that sends something wrong must learn *what* is wrong (field path and reason), so
the client can mark that one statement rejected and carry on with the rest. Checks follow
xAPI-Data.md part 2; unknown properties are refused, as the specification requires.
"""

from __future__ import annotations

import math
import re
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterator

from .jsonbounds import JsonLimit, check_value

VOIDED = "http://adlnet.gov/expapi/verbs/voided"

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$")
_SHA1 = re.compile(r"^[0-9a-fA-F]{40}$")
_VERSION = re.compile(r"^1\.0(\.\d+)?$")
# RFC 5646 language tag (langtag | privateuse | the irregular grandfathered tags).
_LANGTAG = re.compile(
    r"^(?:(?:[A-Za-z]{2,3}(?:-[A-Za-z]{3}){0,3}|[A-Za-z]{4,8})"
    r"(?:-[A-Za-z]{4})?"
    r"(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
    r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*"
    r"(?:-[0-9A-WY-Za-wy-z](?:-[A-Za-z0-9]{2,8})+)*"
    r"(?:-[xX](?:-[A-Za-z0-9]{1,8})+)?"
    r"|[xX](?:-[A-Za-z0-9]{1,8})+"
    r"|en-GB-oed|i-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)"
    r"|sgn-(?:BE-FR|BE-NL|CH-DE))$"
)
# ISO 8601 durations; a week count stands alone (PnW is not combined with other units).
_DURATION = re.compile(
    r"^P(?=\d|T\d)(?:\d+(?:\.\d+)?Y)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?D)?"
    r"(?:T(?=\d)(?:\d+(?:\.\d+)?H)?(?:\d+(?:\.\d+)?M)?(?:\d+(?:\.\d+)?S)?)?$"
    r"|^P\d+(?:\.\d+)?W$"
)
INTERACTION_TYPES = frozenset(
    {"true-false", "choice", "fill-in", "long-fill-in", "matching", "performance",
     "sequencing", "likert", "numeric", "other"}
)
# The interaction component lists, and the interaction types that have each (xAPI-Data 2.4.4.1).
_COMPONENT_LISTS = {
    "choices": frozenset({"choice", "sequencing"}),
    "scale": frozenset({"likert"}),
    "source": frozenset({"matching"}),
    "target": frozenset({"matching"}),
    "steps": frozenset({"performance"}),
}

STATEMENT_KEYS = frozenset(
    {"id", "actor", "verb", "object", "result", "context", "timestamp", "stored",
     "authority", "version", "attachments"}
)
SUBSTATEMENT_KEYS = frozenset({"objectType", "actor", "verb", "object", "result", "context", "timestamp", "attachments"})
AGENT_KEYS = frozenset({"objectType", "name", "mbox", "mbox_sha1sum", "openid", "account"})
GROUP_KEYS = AGENT_KEYS | {"member"}
IFI_KEYS = ("mbox", "mbox_sha1sum", "openid", "account")
VERB_KEYS = frozenset({"id", "display"})
ACTIVITY_KEYS = frozenset({"objectType", "id", "definition"})
DEFINITION_KEYS = frozenset(
    {"name", "description", "type", "moreInfo", "extensions", "interactionType",
     "correctResponsesPattern", *_COMPONENT_LISTS}
)
RESULT_KEYS = frozenset({"score", "success", "completion", "response", "duration", "extensions"})
SCORE_KEYS = frozenset({"scaled", "raw", "min", "max"})
CONTEXT_KEYS = frozenset(
    {"registration", "instructor", "team", "contextActivities", "revision", "platform",
     "language", "statement", "extensions"}
)
CONTEXT_ACTIVITY_KEYS = frozenset({"parent", "grouping", "category", "other"})
ATTACHMENT_KEYS = frozenset({"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"})


class Invalid(ValueError):
    """A statement broke a rule: `path` names the field (e.g. `result.score.scaled`)."""

    def __init__(self, path: str, reason: str):
        self.path = path or "statement"
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _obj(v: Any, path: str, allowed: frozenset[str]) -> dict:
    if not isinstance(v, dict):
        raise Invalid(path, f"must be a JSON object, not {_kind(v)}")
    extra = v.keys() - allowed
    if extra:
        raise Invalid(_join(path, sorted(extra)[0]), "is not an xAPI property here")
    return v


def _kind(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, (int, float)):
        return "a number"
    if isinstance(v, str):
        return "a string"
    if isinstance(v, list):
        return "an array"
    return "an object"


def _str(v: Any, path: str) -> str:
    if not isinstance(v, str):
        raise Invalid(path, f"must be a string, not {_kind(v)}")
    return v


def _bool(v: Any, path: str) -> None:
    if not isinstance(v, bool):
        raise Invalid(path, f"must be true or false, not {_kind(v)}")


def _num(v: Any, path: str) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise Invalid(path, f"must be a number, not {_kind(v)}")
    return v


def _matching(pattern: re.Pattern, v: Any, path: str, expected: str) -> str:
    """`v` if it is a string of the form `pattern`; otherwise Invalid saying what is expected."""
    if not isinstance(v, str) or not pattern.match(v):
        raise Invalid(path, f"must be {expected}")
    return v


def check_uuid(v: Any, path: str) -> str:
    return _matching(_UUID, v, path, "a UUID like 3f2504e0-4f89-41d3-9a0c-0305e82c3301")


def check_iri(v: Any, path: str) -> str:
    return _matching(_IRI, v, path, "an absolute IRI such as https://example.org/activities/1")


def check_language_tag(v: Any, path: str) -> str:
    return _matching(_LANGTAG, v, path, "an RFC 5646 language tag such as en, ar or pt-BR")


def check_duration(v: Any, path: str) -> str:
    return _matching(_DURATION, v, path, "an ISO 8601 duration such as PT1M30S")


def check_timestamp(v: Any, path: str) -> datetime:
    """ISO 8601 date and time; the offset -00:00 is refused, as xAPI requires."""
    if not isinstance(v, str) or "T" not in v and "t" not in v:
        raise Invalid(path, "must be an ISO 8601 date and time such as 2025-03-01T09:30:00Z")
    if v.endswith("-00:00") or v.endswith("-0000") or v.endswith("-00"):
        raise Invalid(path, "must not use the offset -00:00")
    if len(v) > 64:
        raise Invalid(path, "must be an ISO 8601 date and time such as 2025-03-01T09:30:00Z")
    try:
        t = datetime.fromisoformat(v)
    except ValueError:
        raise Invalid(path, "must be an ISO 8601 date and time such as 2025-03-01T09:30:00Z") from None
    t = t if t.tzinfo else t.replace(tzinfo=timezone.utc)
    try:
        t.astimezone(timezone.utc)  # 0001-01-01T00:00:00+14:00 is in year 0 in UTC
    except OverflowError:
        raise Invalid(path, "must fall between the years 1 and 9999 in UTC") from None
    return t


def _language_map(v: Any, path: str) -> None:
    if not isinstance(v, dict):
        raise Invalid(path, f"must be a language map (object of language tag to text), not {_kind(v)}")
    for tag, text in v.items():
        check_language_tag(tag, _join(path, tag))
        _str(text, _join(path, tag))


def _extensions(v: Any, path: str) -> None:
    if not isinstance(v, dict):
        raise Invalid(path, f"must be an object keyed by IRIs, not {_kind(v)}")
    for key in v:
        check_iri(key, _join(path, key))


def check_agent(v: Any, path: str, *, group_allowed: bool = True) -> None:
    if isinstance(v, dict) and v.get("objectType") == "Group":
        if not group_allowed:
            raise Invalid(_join(path, "objectType"), "must be Agent here (a group member cannot be a group)")
        _check_group(v, path)
        return
    _obj(v, path, AGENT_KEYS)
    if v.get("objectType", "Agent") != "Agent":
        raise Invalid(_join(path, "objectType"), "must be Agent or Group")
    if "name" in v:
        _str(v["name"], _join(path, "name"))
    ifis = [k for k in IFI_KEYS if k in v]
    if len(ifis) != 1:
        raise Invalid(path, "an agent needs exactly one of mbox, mbox_sha1sum, openid or account")
    _check_ifi(v, ifis[0], path)


def _check_group(v: dict, path: str) -> None:
    _obj(v, path, GROUP_KEYS)
    if "name" in v:
        _str(v["name"], _join(path, "name"))
    ifis = [k for k in IFI_KEYS if k in v]
    if len(ifis) > 1:
        raise Invalid(path, "a group has at most one of mbox, mbox_sha1sum, openid or account")
    if ifis:
        _check_ifi(v, ifis[0], path)
    members = v.get("member")
    if members is None:
        if not ifis:
            raise Invalid(_join(path, "member"), "an anonymous group must list its members")
        return
    if not isinstance(members, list):
        raise Invalid(_join(path, "member"), f"must be an array of agents, not {_kind(members)}")
    if not ifis and not members:
        raise Invalid(_join(path, "member"), "an anonymous group must list its members")
    for i, m in enumerate(members):
        check_agent(m, _join(_join(path, "member"), i), group_allowed=False)


def _check_ifi(v: dict, key: str, path: str) -> None:
    p = _join(path, key)
    value = v[key]
    if key == "mbox":
        if not isinstance(value, str) or not value.startswith("mailto:") or "@" not in value:
            raise Invalid(p, "must be a mailto: address such as mailto:name@example.org")
    elif key == "mbox_sha1sum":
        if not isinstance(value, str) or not _SHA1.match(value):
            raise Invalid(p, "must be 40 hexadecimal digits (SHA-1 of the mailto: address)")
    elif key == "openid":
        check_iri(value, p)
    else:
        _obj(value, p, frozenset({"homePage", "name"}))
        if "homePage" not in value or "name" not in value:
            raise Invalid(p, "an account needs both homePage and name")
        check_iri(value["homePage"], _join(p, "homePage"))
        _str(value["name"], _join(p, "name"))


def _check_verb(v: Any, path: str) -> None:
    _obj(v, path, VERB_KEYS)
    if "id" not in v:
        raise Invalid(_join(path, "id"), "is required")
    check_iri(v["id"], _join(path, "id"))
    if "display" in v:
        _language_map(v["display"], _join(path, "display"))


_batch = threading.local()


@contextmanager
def batch_memo() -> Iterator[None]:
    """Within one request, an activity equal to one already found valid is not checked again.

    A batch repeats the same quiz, module and question activities (with their definitions,
    the costliest part to check) for every attempt; a deep equality test is much cheaper.
    """
    _batch.activities = {}
    try:
        yield
    finally:
        _batch.activities = None


def check_activity(v: Any, path: str) -> None:
    memo = getattr(_batch, "activities", None)
    key = v.get("id") if memo is not None and isinstance(v, dict) else None
    if isinstance(key, str):
        for seen in memo.get(key, ()):
            if seen == v:
                return
    _check_activity(v, path)
    if isinstance(key, str):
        memo.setdefault(key, []).append(v)


def _check_activity(v: Any, path: str) -> None:
    _obj(v, path, ACTIVITY_KEYS)
    if v.get("objectType", "Activity") != "Activity":
        raise Invalid(_join(path, "objectType"), "must be Activity")
    if "id" not in v:
        raise Invalid(_join(path, "id"), "is required")
    check_iri(v["id"], _join(path, "id"))
    if "definition" in v:
        _check_definition(v["definition"], _join(path, "definition"))


def _check_definition(d: Any, path: str) -> None:
    _obj(d, path, DEFINITION_KEYS)
    for key in ("name", "description"):
        if key in d:
            _language_map(d[key], _join(path, key))
    for key in ("type", "moreInfo"):
        if key in d:
            check_iri(d[key], _join(path, key))
    if "extensions" in d:
        _extensions(d["extensions"], _join(path, "extensions"))
    kind = d.get("interactionType")
    if kind is not None and (not isinstance(kind, str) or kind not in INTERACTION_TYPES):
        raise Invalid(_join(path, "interactionType"), f"must be one of {', '.join(sorted(INTERACTION_TYPES))}")
    if "correctResponsesPattern" in d:
        p = _join(path, "correctResponsesPattern")
        if kind is None:
            raise Invalid(p, "needs an interactionType")
        crp = d["correctResponsesPattern"]
        if not isinstance(crp, list):
            raise Invalid(p, f"must be an array of strings, not {_kind(crp)}")
        for i, s in enumerate(crp):
            _str(s, _join(p, i))
    for key in _COMPONENT_LISTS:
        if key not in d:
            continue
        p = _join(path, key)
        if kind is None:
            raise Invalid(p, "needs an interactionType")
        if kind not in _COMPONENT_LISTS[key]:
            raise Invalid(p, f"is not allowed for interactionType {kind!r}")
        comps = d[key]
        if not isinstance(comps, list):
            raise Invalid(p, f"must be an array of interaction components, not {_kind(comps)}")
        seen: set[str] = set()
        for i, c in enumerate(comps):
            cp = _join(p, i)
            _obj(c, cp, frozenset({"id", "description"}))
            cid = _str(c.get("id"), _join(cp, "id"))
            if cid in seen:
                raise Invalid(_join(cp, "id"), f"repeats the id {cid!r}")
            seen.add(cid)
            if "description" in c:
                _language_map(c["description"], _join(cp, "description"))


def _check_object(v: Any, path: str, *, in_substatement: bool) -> str:
    if not isinstance(v, dict):
        raise Invalid(path, f"must be a JSON object, not {_kind(v)}")
    kind = v.get("objectType", "Activity")
    if kind == "Activity":
        check_activity(v, path)
    elif kind in ("Agent", "Group"):
        check_agent(v, path)
    elif kind == "StatementRef":
        _obj(v, path, frozenset({"objectType", "id"}))
        check_uuid(v.get("id"), _join(path, "id"))
    elif kind == "SubStatement":
        if in_substatement:
            raise Invalid(_join(path, "objectType"), "a SubStatement cannot contain another SubStatement")
        _check_body(v, path, SUBSTATEMENT_KEYS, in_substatement=True)
    else:
        raise Invalid(_join(path, "objectType"), "must be Activity, Agent, Group, StatementRef or SubStatement")
    return kind


def _check_result(r: Any, path: str) -> None:
    _obj(r, path, RESULT_KEYS)
    if "score" in r:
        sp = _join(path, "score")
        score = _obj(r["score"], sp, SCORE_KEYS)
        vals = {k: _num(score[k], _join(sp, k)) for k in ("scaled", "raw", "min", "max") if k in score}
        if "scaled" in vals and not -1 <= vals["scaled"] <= 1:
            raise Invalid(_join(sp, "scaled"), "must be between -1 and 1")
        if "min" in vals and "max" in vals and not vals["min"] < vals["max"]:
            raise Invalid(_join(sp, "max"), "must be greater than min")
        if "raw" in vals:
            if "min" in vals and vals["raw"] < vals["min"]:
                raise Invalid(_join(sp, "raw"), "must not be less than min")
            if "max" in vals and vals["raw"] > vals["max"]:
                raise Invalid(_join(sp, "raw"), "must not be greater than max")
    for key in ("success", "completion"):
        if key in r:
            _bool(r[key], _join(path, key))
    if "response" in r:
        _str(r["response"], _join(path, "response"))
    if "duration" in r:
        check_duration(r["duration"], _join(path, "duration"))
    if "extensions" in r:
        _extensions(r["extensions"], _join(path, "extensions"))


def _check_context(c: Any, path: str, object_kind: str) -> None:
    _obj(c, path, CONTEXT_KEYS)
    if "registration" in c:
        check_uuid(c["registration"], _join(path, "registration"))
    if "instructor" in c:
        check_agent(c["instructor"], _join(path, "instructor"))
    if "team" in c:
        team = c["team"]
        if not isinstance(team, dict) or team.get("objectType") != "Group":
            raise Invalid(_join(path, "team"), "must be a Group")
        check_agent(team, _join(path, "team"))
    if "contextActivities" in c:
        cp = _join(path, "contextActivities")
        ca = _obj(c["contextActivities"], cp, CONTEXT_ACTIVITY_KEYS)
        for key, value in ca.items():
            kp = _join(cp, key)
            if isinstance(value, list):
                for i, a in enumerate(value):
                    check_activity(a, _join(kp, i))
            else:
                check_activity(value, kp)
    for key in ("revision", "platform"):
        if key in c:
            _str(c[key], _join(path, key))
            if object_kind != "Activity":
                raise Invalid(_join(path, key), "may only be used when the object is an Activity")
    if "language" in c:
        check_language_tag(c["language"], _join(path, "language"))
    if "statement" in c:
        sp = _join(path, "statement")
        ref = _obj(c["statement"], sp, frozenset({"objectType", "id"}))
        if ref.get("objectType") != "StatementRef":
            raise Invalid(_join(sp, "objectType"), "must be StatementRef")
        check_uuid(ref.get("id"), _join(sp, "id"))
    if "extensions" in c:
        _extensions(c["extensions"], _join(path, "extensions"))


def _check_body(s: dict, path: str, allowed: frozenset[str], *, in_substatement: bool) -> None:
    _obj(s, path, allowed)
    for key in ("actor", "verb", "object"):
        if key not in s:
            raise Invalid(_join(path, key), "is required")
    check_agent(s["actor"], _join(path, "actor"))
    _check_verb(s["verb"], _join(path, "verb"))
    kind = _check_object(s["object"], _join(path, "object"), in_substatement=in_substatement)
    if s["verb"]["id"] == VOIDED and kind != "StatementRef" and not in_substatement:
        raise Invalid(_join(path, "object"), "a voiding statement's object must be a StatementRef")
    if "result" in s:
        _check_result(s["result"], _join(path, "result"))
    if "context" in s:
        _check_context(s["context"], _join(path, "context"), kind)
    if "timestamp" in s:
        check_timestamp(s["timestamp"], _join(path, "timestamp"))
    if "attachments" in s:
        _check_attachments(s["attachments"], _join(path, "attachments"))


def _check_attachments(v: Any, path: str) -> None:
    if not isinstance(v, list):
        raise Invalid(path, f"must be an array, not {_kind(v)}")
    for i, a in enumerate(v):
        p = _join(path, i)
        _obj(a, p, ATTACHMENT_KEYS)
        for key in ("usageType", "display", "contentType", "length", "sha2"):
            if key not in a:
                raise Invalid(_join(p, key), "is required")
        if "fileUrl" not in a:
            raise Invalid(p, "this server accepts attachments only by fileUrl, not as multipart content")


def validate_statement(s: Any, path: str = "") -> None:
    """Raise `Invalid` with the first problem found in one statement (as received)."""
    if not isinstance(s, dict):
        raise Invalid(path, f"a statement must be a JSON object, not {_kind(s)}")
    try:
        check_value(s, path)  # the JSON bounds the server applies before parsing
    except JsonLimit as e:
        raise Invalid(e.path, e.reason) from None
    _check_body(s, path, STATEMENT_KEYS, in_substatement=False)
    if "id" in s:
        check_uuid(s["id"], _join(path, "id"))
    if "version" in s:
        if not isinstance(s["version"], str) or not _VERSION.match(s["version"]):
            raise Invalid(_join(path, "version"), "must be an xAPI 1.0.x version such as 1.0.3")
    if "stored" in s:
        check_timestamp(s["stored"], _join(path, "stored"))
    if "authority" in s:
        check_agent(s["authority"], _join(path, "authority"))


def agent_key(agent: dict) -> str | None:
    """A stable key for an agent's identity (its inverse functional identifier), or None."""
    if "account" in agent:
        a = agent["account"]
        return f"account:{a['homePage']}|{a['name']}"
    if "mbox" in agent:
        local, _, domain = agent["mbox"].partition("@")
        return f"mbox:{local}@{domain.lower()}"
    if "mbox_sha1sum" in agent:
        return f"sha1:{agent['mbox_sha1sum'].lower()}"
    if "openid" in agent:
        return f"openid:{agent['openid']}"
    return None
