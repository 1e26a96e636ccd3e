"""Storing statements exactly once, and reading them back with xAPI's filters.

The rules that make retries safe live here (xAPI-Communication 2.1, Data 2.3):
- the same id with the same content is accepted and changes nothing;
- the same id with different content refuses the whole request (409), names the ids, and
  keeps the refused copy in `statement_conflict` for a trainer to look at;
- the same id twice in one request is refused (400);
- a request is stored whole or not at all (one transaction).
Every refusal carries, per statement, its index, id, field and reason.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from ..core import jsonbounds
from ..core.xapi_validation import Invalid, agent_key, batch_memo, check_agent, check_iri, check_timestamp, check_uuid, validate_statement
from .canonical import body_hash, index_row, utc_text
from .dashboard.summary import update_dashboard
from .db import ServerDB, now_text
from .enrolment import Device
from .refusals import ItemProblem, Refused

STATEMENT_COLUMNS = (
    "seq", "id", "stored", "device_id", "cohort_id", "actor_key", "verb_id",
    "object_type", "activity_id", "object_agent_key", "object_statement_id", "is_voiding",
    "parent_id", "registration", "language", "timestamp", "score_scaled", "success",
    "completion", "response", "statement",
)
_INSERT = f"INSERT INTO statement ({', '.join(STATEMENT_COLUMNS)}) VALUES ({', '.join('?' * len(STATEMENT_COLUMNS))})"


@dataclass
class Prepared:
    """A validated statement with its id settled and its index columns extracted.

    `text` is the statement exactly as the device sent it, when it can be stored as sent
    (it has its own lower-case id and none of the properties the server sets).
    """

    index: int
    statement: dict
    id: str
    row: dict
    text: str | None = None


@dataclass
class Timings:
    """Where the time of one request went (reported in the Server-Timing header)."""

    parse: float = 0.0
    validate: float = 0.0
    db: float = 0.0
    extra: dict = field(default_factory=dict)

    def header(self) -> str:
        return ", ".join(
            f"{name};dur={value * 1000:.2f}"
            for name, value in (("parse", self.parse), ("validate", self.validate), ("db", self.db))
        )


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_WS = re.compile(r"[ \t\n\r]*")


_DECODER = jsonbounds.DECODER  # bounded numbers, no NaN/Infinity


def _not_json(e: Exception) -> Refused:
    msg = getattr(e, "msg", None) or "the text ends too early"
    pos = getattr(e, "pos", None)
    where = f" at character {pos}" if pos is not None else ""
    return Refused(400, f"the request body is not valid JSON: {msg}{where}")


def _check_text(raw: bytes, body: Any) -> None:
    if _SURROGATE_ESCAPE.search(raw):
        # JSON can spell half of a UTF-16 pair (\\ud800) that no text encoding can store.
        try:
            json.dumps(body, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise Refused(400, "the request body holds an unpaired \\u surrogate escape, which is not text") from None


def _out_of_bounds(e: jsonbounds.JsonLimit) -> Refused:
    return Refused(400, f"the request body is refused: {e}")


def parse_body(raw: bytes) -> list[Any] | dict:
    """A small JSON body (enrolment, status report) within the JSON bounds."""
    try:
        body = jsonbounds.loads(raw)
    except jsonbounds.JsonLimit as e:
        raise _out_of_bounds(e) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _not_json(e) from None
    _check_text(raw, body)
    return body


def parse_statements(raw: bytes) -> tuple[Any, list[str] | None]:
    """Parse a statements body, keeping each array element's own text as well.

    Storing what the device sent, rather than serialising it again, saves a JSON encode per
    statement and keeps the stored statement byte for byte as sent.
    """
    try:
        text = raw.decode("utf-8")
        jsonbounds.check_text(text)  # before parsing: depth is what overflows the parser's stack
        i = _WS.match(text).end()
        if not text.startswith("[", i):
            body, end = _DECODER.raw_decode(text, i)
            texts = [text[i:end]]
        else:
            body, texts = [], []
            i = _WS.match(text, i + 1).end()
            if text.startswith("]", i):
                end = i + 1
            else:
                while True:
                    item, end = _DECODER.raw_decode(text, i)
                    body.append(item)
                    texts.append(text[i:end])
                    i = _WS.match(text, end).end()
                    if text.startswith(",", i):
                        i = _WS.match(text, i + 1).end()
                        continue
                    if text.startswith("]", i):
                        end = i + 1
                        break
                    raise json.JSONDecodeError("expected , or ]", text, i)
        if _WS.match(text, end).end() != len(text):
            raise json.JSONDecodeError("extra data after the JSON value", text, end)
    except jsonbounds.JsonLimit as e:
        raise _out_of_bounds(e) from None
    except (UnicodeDecodeError, json.JSONDecodeError, IndexError) as e:
        raise _not_json(e) from None
    _check_text(raw, body)
    return body, texts


_SERVER_SET = ("stored", "authority", "version")


def prepare(statements: list[Any], texts: list[str] | None = None) -> list[Prepared]:
    """Validate every statement; refuse the request with all problems found, one per item."""
    with batch_memo():
        return _prepare(statements, texts)


def _prepare(statements: list[Any], texts: list[str] | None) -> list[Prepared]:
    problems: list[ItemProblem] = []
    prepared: list[Prepared] = []
    seen: dict[str, int] = {}
    for i, s in enumerate(statements):
        given = s.get("id") if isinstance(s, dict) and isinstance(s.get("id"), str) else None
        sid = given
        try:
            validate_statement(s)
            sid = (given or str(uuid.uuid4())).lower()
            s["id"] = sid
            if sid in seen:
                raise Invalid("id", f"repeats the id of statement {seen[sid]} in this request")
            seen[sid] = i
            text = None
            if texts is not None and given == sid and not any(k in s for k in _SERVER_SET):
                text = texts[i]
            prepared.append(Prepared(i, s, sid, index_row(s), text))
        except Invalid as e:
            problems.append(ItemProblem(i, sid, e.path, e.reason))
    if problems:
        n = len(problems)
        raise Refused(
            400,
            f"{n} statement{'s' if n != 1 else ''} in this request {'are' if n != 1 else 'is'} not valid xAPI 1.0.3; nothing was stored",
            problems,
        )
    return prepared


def authority_for(device: Device, home_page: str) -> dict:
    return {
        "objectType": "Agent",
        "name": device.label or device.id,
        "account": {"homePage": home_page, "name": device.id},
    }


def store(sdb: ServerDB, device: Device, batch: list[Prepared], *, home_page: str) -> list[str]:
    """Store a validated batch in one transaction; returns the ids in request order."""
    ids = [p.id for p in batch]
    conflicts: list[tuple[Prepared, str]] = []
    with sdb.writer() as db:
        existing = _existing(db, ids)
        new = []
        for p in batch:
            found = existing.get(p.id)
            if found is None:
                new.append(p)
            elif not same_statement(found, p.statement):
                conflicts.append((p, found))
        if conflicts:
            stored_at = now_text()
            db["statement_conflict"].insert_all(
                [
                    {
                        "statement_id": p.id,
                        "received_at": stored_at,
                        "device_id": device.id,
                        "statement": json.dumps(p.statement, ensure_ascii=False, separators=(",", ":")),
                    }
                    for p, _ in conflicts
                ]
            )
        else:
            _check_voiding(db, device, new, existing)
            _bind_actors(db, device, new)
            _insert(db, device, new, home_page=home_page)
    if conflicts:
        raise Refused(
            409,
            "statements with these ids are already stored with different content; nothing was stored",
            [ItemProblem(p.index, p.id, "id", "already stored with different content") for p, _ in conflicts],
        )
    return ids


def same_statement(stored_text: str, received: dict) -> bool:
    """Is a resent statement the one already stored? (Only resends pay for this check.)"""
    return body_hash(json.loads(stored_text)) == body_hash(received)


def _existing(db: sqlite_utils.Database, ids: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        q = f"SELECT id, statement FROM statement WHERE id IN ({','.join('?' * len(chunk))})"
        for sid, text in db.execute(q, chunk):
            out[sid] = text
    return out


def _bind_actors(db: sqlite_utils.Database, device: Device, new: list[Prepared]) -> None:
    """Refuse (403) statements whose actor belongs to another device; bind new actors to this one.

    An actor is bound to the device that first sent a statement for it. A device of the same
    cohort may take it over only when that device is revoked (the learner enrolled again);
    any other device, and every device of another cohort, is refused, so results can never
    be forged into, or a learner moved out of, another cohort by ingest.
    """
    by_actor: dict[str, list[Prepared]] = {}
    for p in new:
        if p.row["actor_key"]:
            by_actor.setdefault(p.row["actor_key"], []).append(p)
    if not by_actor:
        return
    keys = list(by_actor)
    bound: dict[str, tuple] = {}
    for start in range(0, len(keys), 900):
        chunk = keys[start : start + 900]
        q = (
            "SELECT b.actor_key, b.device_id, b.cohort_id, d.revoked_at FROM actor_binding b "
            f"LEFT JOIN device d ON d.id = b.device_id WHERE b.actor_key IN ({','.join('?' * len(chunk))})"
        )
        for key, dev, cohort, revoked in db.execute(q, chunk):
            bound[key] = (dev, cohort, revoked)
    problems = []
    takeovers = []
    for key, (dev, cohort, revoked) in bound.items():
        if dev == device.id:
            continue
        if cohort == device.cohort_id and revoked:
            takeovers.append(key)
            continue
        reason = (
            "this learner belongs to another cohort; a trainer can move a learner, a device cannot"
            if cohort != device.cohort_id
            else "this learner's results come from another device of the cohort"
        )
        problems += [ItemProblem(p.index, p.id, "actor", reason) for p in by_actor[key]]
    if problems:
        problems.sort(key=lambda p: p.index)
        raise Refused(403, "some statements are for learners this device may not write for; nothing was stored", problems)
    now = now_text()
    db.conn.executemany(
        "INSERT INTO actor_binding (actor_key, device_id, cohort_id, bound_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(actor_key) DO UPDATE SET device_id = excluded.device_id, bound_at = excluded.bound_at",
        [(k, device.id, device.cohort_id, now) for k in keys if k not in bound or k in takeovers],
    )


def _check_voiding(db: sqlite_utils.Database, device: Device, new: list[Prepared], existing: dict) -> None:
    targets = {p.row["object_statement_id"]: p for p in new if p.row["is_voiding"]}
    if not targets:
        return
    keys = list(targets)
    q = f"SELECT id, device_id, is_voiding FROM statement WHERE id IN ({','.join('?' * len(keys))})"
    problems = []
    for tid, dev, is_voiding in db.execute(q, keys):
        p = targets[tid]
        if dev != device.id:
            problems.append(ItemProblem(p.index, p.id, "object.id", "a device may only void statements it sent"))
        elif is_voiding:
            problems.append(ItemProblem(p.index, p.id, "object.id", "a voiding statement cannot itself be voided"))
    if problems:
        raise Refused(400, "some voiding statements are not allowed; nothing was stored", problems)


def _insert(db: sqlite_utils.Database, device: Device, new: list[Prepared], *, home_page: str) -> None:
    if not new:
        db.execute("UPDATE device SET last_sync_at = ?, last_seen_at = ? WHERE id = ?", [now_text()] * 2 + [device.id])
        return
    stored = now_text()
    authority = authority_for(device, home_page)
    # What the server adds, spliced in front of a statement stored as sent.
    head = '{"stored":' + json.dumps(stored) + ',"authority":' + json.dumps(authority, ensure_ascii=False)
    seq0 = db.execute("SELECT COALESCE(MAX(seq), 0) FROM statement").fetchone()[0]
    rows = []
    related = []
    learners: dict[str, tuple] = {}
    for n, p in enumerate(new, start=seq0 + 1):
        s = p.statement
        s["stored"] = stored
        s["authority"] = authority
        if p.text is not None:
            text = head + ',"version":"1.0.0",' + p.text[1:]
            s["version"] = "1.0.0"
        else:
            s.setdefault("version", "1.0.0")
            text = json.dumps(s, ensure_ascii=False, separators=(",", ":"))
        r = p.row
        rows.append(
            (
                n, p.id, stored, device.id, device.cohort_id, r["actor_key"], r["verb_id"],
                r["object_type"], r["activity_id"], r["object_agent_key"], r["object_statement_id"],
                r["is_voiding"], r["parent_id"], r["registration"], r["language"], r["timestamp"],
                r["score_scaled"], r["success"], r["completion"], r["response"], text,
            )
        )
        related.extend((kind, key, n) for kind, key in r["related"])
        actor = s["actor"]
        if r["actor_key"] and "account" in actor:
            known = learners.get(r["actor_key"])
            name = actor.get("name") or (known[2] if known else None)
            learners[r["actor_key"]] = (r["actor_key"], actor["account"]["name"], name)
    conn = db.conn
    conn.executemany(_INSERT, rows)
    if related:
        conn.executemany("INSERT OR IGNORE INTO statement_related (kind, key, seq) VALUES (?, ?, ?)", related)
    voiding_targets = [p.row["object_statement_id"] for p in new if p.row["is_voiding"]]
    if voiding_targets:
        q = ",".join("?" * len(voiding_targets))
        conn.execute(
            f"UPDATE statement SET voided = 1 WHERE id IN ({q}) AND is_voiding = 0 AND device_id = ?",
            [*voiding_targets, device.id],
        )
    # Statements that arrive after the statement voiding them are voided on arrival. The
    # partial index holds only statements that point at another, so this stays cheap.
    new_ids = [p.id for p in new if not p.row["is_voiding"]]
    for start in range(0, len(new_ids), 900):
        chunk = new_ids[start : start + 900]
        late = [
            target
            for target, dev in conn.execute(
                "SELECT object_statement_id, device_id FROM statement "
                f"WHERE object_statement_id IN ({','.join('?' * len(chunk))}) AND is_voiding = 1",
                chunk,
            )
            if dev == device.id
        ]
        if late:
            conn.execute(
                f"UPDATE statement SET voided = 1 WHERE id IN ({','.join('?' * len(late))}) AND device_id = ?",
                [*late, device.id],
            )
    conn.executemany(
        "INSERT INTO learner (actor_key, account_name, display_name, cohort_id, device_id, first_seen_at, last_seen_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(actor_key) DO UPDATE SET last_seen_at = excluded.last_seen_at, "
        "device_id = excluded.device_id, "  # a learner's cohort never changes through ingest
        "display_name = COALESCE(excluded.display_name, learner.display_name)",
        [(k, name, display, device.cohort_id, device.id, stored, stored) for k, name, display in learners.values()],
    )
    conn.execute(
        "UPDATE device SET last_sync_at = ?, last_seen_at = ?, statements_received = statements_received + ? "
        "WHERE id = ?",
        [stored, stored, len(new), device.id],
    )
    update_dashboard(conn, device.cohort_id, new)  # the dashboard's summaries, in this same transaction


# --- reading -------------------------------------------------------------------------

QUERY_PARAMS = frozenset(
    {"statementId", "voidedStatementId", "agent", "verb", "activity", "registration",
     "related_activities", "related_agents", "since", "until", "limit", "format",
     "attachments", "ascending"}
)
SINGLE_ALLOWED = frozenset({"statementId", "voidedStatementId", "format", "attachments"})
FORMATS = ("exact", "ids", "canonical")


def _bool_param(params: dict, name: str) -> bool:
    v = params.get(name, "false")
    if v not in ("true", "false"):
        raise Refused(400, f"the parameter {name} must be true or false")
    return v == "true"


def normalise_query(params: dict[str, str]) -> dict[str, Any]:
    """Check GET /statements parameters; refuse unknown ones, as xAPI requires."""
    unknown = sorted(set(params) - QUERY_PARAMS - {"more"})
    if unknown:
        raise Refused(400, f"unknown parameter {unknown[0]}; see xAPI-Communication 2.1.3")
    q: dict[str, Any] = {}
    fmt = params.get("format", "exact")
    if fmt not in FORMATS:
        raise Refused(400, "the parameter format must be exact, ids or canonical")
    q["format"] = fmt
    q["attachments"] = _bool_param(params, "attachments")
    single = [k for k in ("statementId", "voidedStatementId") if k in params]
    if single:
        if len(single) == 2 or set(params) - SINGLE_ALLOWED:
            raise Refused(400, f"{single[0]} cannot be combined with other filters")
        try:
            q[single[0]] = check_uuid(params[single[0]], single[0]).lower()
        except Invalid as e:
            raise Refused(400, str(e)) from None
        return q
    try:
        if "agent" in params:
            try:
                agent = jsonbounds.loads(params["agent"])
            except jsonbounds.JsonLimit as e:
                raise Invalid("agent", e.reason) from None
            except json.JSONDecodeError:
                raise Invalid("agent", "must be an Agent or Group as JSON") from None
            check_agent(agent, "agent")
            key = agent_key(agent)
            if key is None:
                raise Invalid("agent", "must identify an agent (mbox, mbox_sha1sum, openid or account)")
            q["agent"] = key
        if "verb" in params:
            q["verb"] = check_iri(params["verb"], "verb")
        if "activity" in params:
            q["activity"] = check_iri(params["activity"], "activity")
        if "registration" in params:
            q["registration"] = check_uuid(params["registration"], "registration").lower()
        for name in ("since", "until"):
            if name in params:
                check_timestamp(params[name], name)
                q[name] = utc_text(params[name])
    except Invalid as e:
        raise Refused(400, str(e)) from None
    q["related_activities"] = _bool_param(params, "related_activities")
    q["related_agents"] = _bool_param(params, "related_agents")
    q["ascending"] = _bool_param(params, "ascending")
    limit = params.get("limit", "0")
    if not (limit.isascii() and limit.isdigit()) or len(limit) > 9:
        raise Refused(400, "the parameter limit must be a whole number (0 means the server's maximum)")
    q["limit"] = int(limit)
    q["params"] = {k: v for k, v in params.items() if k != "more"}
    return q


def encode_more(query: dict, device_id: str, cursor: int, ceiling: int) -> str:
    """The `more` token carries the request's own parameters (checked again when it returns)."""
    raw = json.dumps({"p": query["params"], "d": device_id, "c": cursor, "m": ceiling}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_more(token: str, device_id: str) -> tuple[dict, int, int]:
    try:
        if len(token) > 8192:
            raise ValueError("too long")
        data = jsonbounds.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        params, dev, cursor, ceiling = data["p"], data["d"], data["c"], data["m"]
        if not (isinstance(params, dict) and all(isinstance(v, str) for v in params.values())):
            raise TypeError("parameters")
        if any(isinstance(n, bool) or not isinstance(n, int) for n in (cursor, ceiling)):
            raise TypeError("cursor")
    except (ValueError, KeyError, TypeError):
        raise Refused(400, "the more token is not one this server issued") from None
    if dev != device_id:
        raise Refused(400, "the more token belongs to other credentials")
    return normalise_query(params), cursor, ceiling


def get_one(db: sqlite_utils.Database, device: Device, statement_id: str, *, voided: bool) -> str | None:
    row = db.execute(
        "SELECT statement FROM statement WHERE id = ? AND device_id = ? AND voided = ?",
        [statement_id, device.id, 1 if voided else 0],
    ).fetchone()
    return row[0] if row else None


def find(
    db: sqlite_utils.Database, device: Device, q: dict, *, max_page: int, cursor: int | None = None,
    ceiling: int | None = None,
) -> tuple[list[str], int | None, int]:
    """One page of statements matching `q`; returns (json texts, next cursor or None, ceiling).

    A device sees only what it sent itself (xAPI's statements/read/mine scope).
    """
    if ceiling is None:
        ceiling = db.execute("SELECT COALESCE(MAX(seq), 0) FROM statement").fetchone()[0]
    where = ["s.device_id = ?", "s.voided = 0", "s.seq <= ?"]
    args: list[Any] = [device.id, ceiling]
    if "agent" in q:
        cond = "(s.actor_key = ? OR s.object_agent_key = ?"
        args += [q["agent"], q["agent"]]
        if q.get("related_agents"):
            cond += " OR s.seq IN (SELECT seq FROM statement_related WHERE kind = 'agent' AND key = ?)"
            args.append(q["agent"])
        where.append(cond + ")")
    if "verb" in q:
        where.append("s.verb_id = ?")
        args.append(q["verb"])
    if "activity" in q:
        cond = "(s.activity_id = ?"
        args.append(q["activity"])
        if q.get("related_activities"):
            cond += " OR s.seq IN (SELECT seq FROM statement_related WHERE kind = 'activity' AND key = ?)"
            args.append(q["activity"])
        where.append(cond + ")")
    if "registration" in q:
        where.append("s.registration = ?")
        args.append(q["registration"])
    if "since" in q:
        where.append("s.stored > ?")
        args.append(q["since"])
    if "until" in q:
        where.append("s.stored <= ?")
        args.append(q["until"])
    ascending = q.get("ascending", False)
    if cursor is not None:
        where.append("s.seq > ?" if ascending else "s.seq < ?")
        args.append(cursor)
    limit = q.get("limit") or max_page
    limit = min(limit, max_page)
    sql = (
        f"SELECT s.seq, s.statement FROM statement s WHERE {' AND '.join(where)} "
        f"ORDER BY s.seq {'ASC' if ascending else 'DESC'} LIMIT ?"
    )
    rows = db.execute(sql, [*args, limit + 1]).fetchall()
    more = rows[limit - 1][0] if len(rows) > limit else None
    return [r[1] for r in rows[:limit]], more, ceiling


def _ids_agent(a: dict) -> dict:
    out = {k: a[k] for k in ("objectType", "mbox", "mbox_sha1sum", "openid", "account") if k in a}
    if "member" in a and not any(k in a for k in ("mbox", "mbox_sha1sum", "openid", "account")):
        out["member"] = [_ids_agent(m) for m in a["member"]]
    return out


def _ids_activity(a: dict) -> dict:
    return {k: a[k] for k in ("objectType", "id") if k in a}


def _reformat_body(s: dict, fmt: str, langs: list[str]) -> dict:
    out = dict(s)
    if fmt == "ids":
        out["actor"] = _ids_agent(s["actor"])
        if "authority" in s:
            out["authority"] = _ids_agent(s["authority"])
        out["verb"] = {"id": s["verb"]["id"]}
        obj = s["object"]
        kind = obj.get("objectType", "Activity")
        if kind == "Activity":
            out["object"] = _ids_activity(obj)
        elif kind in ("Agent", "Group"):
            out["object"] = _ids_agent(obj)
        elif kind == "SubStatement":
            out["object"] = _reformat_body(obj, fmt, langs)
        ctx = s.get("context")
        if ctx and "contextActivities" in ctx:
            out["context"] = {
                **ctx,
                "contextActivities": {
                    k: [_ids_activity(a) for a in (v if isinstance(v, list) else [v])]
                    for k, v in ctx["contextActivities"].items()
                },
            }
    elif fmt == "canonical":
        out = _canonical_maps(out, langs)
    return out


def _canonical_maps(v: Any, langs: list[str], key: str = "") -> Any:
    """Reduce every language map to the one language the reader prefers."""
    if isinstance(v, dict):
        if key in ("display", "name", "description") and v and all(isinstance(x, str) for x in v.values()):
            for lang in langs:
                for tag in v:
                    if tag.lower() == lang.lower() or tag.lower().split("-")[0] == lang.lower():
                        return {tag: v[tag]}
            first = next(iter(v))
            return {first: v[first]}
        if key == "extensions":
            return v
        return {k: _canonical_maps(x, langs, k) for k, x in v.items()}
    if isinstance(v, list):
        return [_canonical_maps(x, langs, key) for x in v]
    return v


def render(texts: list[str], fmt: str, langs: list[str]) -> list[Any]:
    if fmt == "exact":
        return [json.loads(t) for t in texts]
    return [_reformat_body(json.loads(t), fmt, langs) for t in texts]


