"""What makes two statements "the same", and the columns the server indexes a statement by.

xAPI lets a client resend a statement safely: the same id with the same content is a no-op,
different content is a conflict. "Same" ignores what the record store itself sets (stored,
authority, version) and what the specification lists as exceptions to immutability (activity
definitions, verb display, the serialisation of a timestamp). Only a resend of a known id pays
for the comparison; a new statement is stored without it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timezone
from typing import Any

from ..core.xapi_validation import VOIDED, agent_key, check_timestamp

_SERVER_SET = ("stored", "authority", "version")


def _strip_activity(a: Any) -> Any:
    if isinstance(a, dict) and "definition" in a:
        return {k: v for k, v in a.items() if k != "definition"}
    return a


def _strip_context(ctx: dict) -> dict:
    ca = ctx.get("contextActivities")
    if not isinstance(ca, dict):
        return ctx
    stripped = {
        k: [_strip_activity(a) for a in v] if isinstance(v, list) else [_strip_activity(v)]
        for k, v in ca.items()
    }
    return {**ctx, "contextActivities": stripped}


def _comparable_body(s: dict) -> dict:
    out = {k: v for k, v in s.items() if k not in _SERVER_SET}
    verb = out.get("verb")
    if isinstance(verb, dict):
        out["verb"] = {"id": verb.get("id")}
    obj = out.get("object")
    if isinstance(obj, dict):
        if obj.get("objectType") == "SubStatement":
            out["object"] = _comparable_body(obj)
        else:
            out["object"] = _strip_activity(obj)
    if isinstance(out.get("context"), dict):
        out["context"] = _strip_context(out["context"])
    if "timestamp" in out:
        t = check_timestamp(out["timestamp"], "timestamp").astimezone(timezone.utc)
        out["timestamp"] = t.isoformat(timespec="microseconds")
    return out


def utc_text(timestamp: str) -> str:
    """A timestamp as sortable UTC text with milliseconds (`2025-03-01T09:30:00.000Z`)."""
    t = check_timestamp(timestamp, "timestamp").astimezone(timezone.utc)
    return t.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def comparable(statement: dict) -> dict:
    """The part of a validated statement that must match for a resend to be "the same"."""
    out = _comparable_body(statement)
    if "id" in out:
        out["id"] = out["id"].lower()
    return out


def body_hash(statement: dict) -> str:
    text = json.dumps(comparable(statement), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _activities(ctx: dict) -> list[str]:
    ca = ctx.get("contextActivities") or {}
    out = []
    for value in ca.values():
        for a in value if isinstance(value, list) else [value]:
            out.append(a["id"])
    return out


def _agents(ctx: dict) -> list[str]:
    out = []
    for key in ("instructor", "team"):
        a = ctx.get(key)
        if a:
            out.extend(_agent_and_members(a))
    return out


def _agent_and_members(a: dict) -> list[str]:
    keys = [agent_key(a)]
    keys.extend(agent_key(m) for m in a.get("member") or ())
    return [k for k in keys if k]


def index_row(s: dict) -> dict:
    """Columns the server queries by, so filters and the trainer dashboard never parse JSON.

    Includes the related activities and agents (`related` pairs) that xAPI's
    `related_activities` / `related_agents` filters search.
    """
    obj = s["object"]
    kind = obj.get("objectType", "Activity")
    ctx = s.get("context") or {}
    result = s.get("result") or {}
    score = result.get("score") or {}
    parents = (ctx.get("contextActivities") or {}).get("parent")
    if isinstance(parents, dict):
        parents = [parents]
    actor = s["actor"]
    related: list[tuple[str, str]] = []
    related_agents = [k for k in map(agent_key, actor.get("member") or ()) if k] + _agents(ctx)
    related_activities = _activities(ctx)
    if kind == "SubStatement":
        sub_obj = obj["object"]
        if sub_obj.get("objectType", "Activity") == "Activity":
            related_activities.append(sub_obj["id"])
        else:
            related_agents.extend(_agent_and_members(sub_obj) if "objectType" in sub_obj else [])
        related_agents.extend(_agent_and_members(obj["actor"]))
        related_activities.extend(_activities(obj.get("context") or {}))
    for a in dict.fromkeys(related_activities):
        related.append(("activity", a))
    for a in dict.fromkeys(related_agents):
        related.append(("agent", a))
    success = result.get("success")
    completion = result.get("completion")
    return {
        "actor_key": agent_key(actor),
        "verb_id": s["verb"]["id"],
        "object_type": kind,
        "activity_id": obj["id"] if kind == "Activity" else None,
        "object_agent_key": agent_key(obj) if kind in ("Agent", "Group") else None,
        "object_statement_id": obj["id"].lower() if kind == "StatementRef" else None,
        "is_voiding": 1 if s["verb"]["id"] == VOIDED else 0,
        "parent_id": parents[0]["id"] if parents else None,
        "registration": ctx.get("registration", "").lower() or None,
        "language": ctx.get("language"),
        "timestamp": utc_text(s["timestamp"]) if "timestamp" in s else None,
        "score_scaled": score.get("scaled"),
        "success": None if success is None else int(success),
        "completion": None if completion is None else int(completion),
        "response": result.get("response"),
        "related": related,
    }
