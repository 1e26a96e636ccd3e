"""Talking to an xAPI record store over HTTP (async, httpx), and reading its answers.

`interpret` is pure: given the status, headers and body of the answer to a batch, it says
what happened to each statement. Only a 2xx whose body lists exactly the ids sent counts as
an acknowledgement: a captive portal's "200 OK" login page does not.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import json
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from datetime import datetime, timezone

import httpx

XAPI_VERSION = "1.0.3"
EXT = "https://waymark.invalid/xapi/extensions/"
EXT_SERVER, EXT_MAX_BATCH, EXT_MAX_BODY = EXT + "server", EXT + "max-batch", EXT + "max-body-bytes"


@dataclass(frozen=True)
class About:
    versions: tuple[str, ...]
    waymark: bool
    max_batch: int | None
    max_body_bytes: int | None


@dataclass(frozen=True)
class Outcome:
    """What to do with a batch after the record store answered.

    kind: acked | per_item | split | auth | retry | not_lrs | not_found
    """

    kind: str
    rejected: dict[str, str] = field(default_factory=dict)  # per_item: id -> reason
    reason: str = ""
    retry_after: float | None = None
    status: int | None = None


def _body_json(body: bytes):
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None


def _reason(data, body: bytes) -> str:
    if isinstance(data, dict):
        for key in ("error", "message", "detail"):
            v = data.get(key)
            if isinstance(v, str) and v:
                return v[:300]
    text = body[:200].decode("utf-8", "replace").strip()
    return text or "no reason given"


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds: either a number or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - (now or datetime.now(timezone.utc))).total_seconds())


def interpret(status: int, headers: dict[str, str], body: bytes, ids: list[str]) -> Outcome:
    data = _body_json(body)
    if 200 <= status < 300:
        if isinstance(data, list) and [str(x).lower() for x in data] == [i.lower() for i in ids]:
            return Outcome("acked", status=status)
        return Outcome("not_lrs", reason="the answer did not list the statements sent", status=status)
    per_statement = isinstance(data, dict) and isinstance(data.get("statements"), list)
    if status == 401 or (status == 403 and not per_statement):
        return Outcome("auth", reason=_reason(data, body), status=status)
    if status in (429, 503) or status >= 500:
        ra = retry_after_seconds(headers.get("retry-after"))
        return Outcome("retry", reason=_reason(data, body), retry_after=ra, status=status)
    if status in (404, 405):
        return Outcome("not_found", reason=_reason(data, body), status=status)
    if 300 <= status < 400:
        return Outcome("not_lrs", reason=f"redirected ({status})", status=status)
    # 400, 403 naming statements (a learner of another device), 409, 413 and other 4xx:
    # something in the batch is refused.
    if isinstance(data, dict) and isinstance(data.get("statements"), list):
        known = {i.lower(): i for i in ids}
        rejected = {}
        for item in data["statements"]:
            if not isinstance(item, dict):
                continue
            sid = item.get("id")
            idx = item.get("index")
            if not isinstance(sid, str) and isinstance(idx, int) and 0 <= idx < len(ids):
                sid = ids[idx]
            if isinstance(sid, str) and sid.lower() in known:
                where = item.get("field")
                why = item.get("reason") or _reason(data, body)
                rejected[known[sid.lower()]] = f"{where}: {why}" if where else str(why)
        if rejected:
            return Outcome("per_item", rejected=rejected, reason=_reason(data, body), status=status)
    if len(ids) == 1:
        return Outcome("per_item", rejected={ids[0]: _reason(data, body)}, reason=_reason(data, body), status=status)
    return Outcome("split", reason=_reason(data, body), status=status)


def parse_about(status: int, headers: dict[str, str], body: bytes) -> About | None:
    """The answer of GET about, if it really is an xAPI 1.0.x record store's."""
    if status != 200:
        return None
    data = _body_json(body)
    if not isinstance(data, dict) or not isinstance(data.get("version"), list):
        return None
    versions = tuple(v for v in data["version"] if isinstance(v, str))
    if not any(v.startswith("1.0") for v in versions):
        return None
    ext = data.get("extensions") if isinstance(data.get("extensions"), dict) else {}

    def _int(v):
        return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None

    return About(versions, ext.get(EXT_SERVER) == "waymark", _int(ext.get(EXT_MAX_BATCH)), _int(ext.get(EXT_MAX_BODY)))


def batch_body(payloads: list[str], *, level: int = 6) -> bytes:
    """A JSON array of the stored payloads, byte for byte, gzip-compressed."""
    raw = ("[" + ",".join(payloads) + "]").encode("utf-8")
    return gzip.compress(raw, compresslevel=level, mtime=0)


async def within(deadline: float, request):
    """Await a request, giving up (httpx.TimeoutException) unless the whole exchange, from
    connecting to the reply's last byte, ends within `deadline` seconds."""
    try:
        return await asyncio.wait_for(request, deadline)
    except asyncio.TimeoutError:
        raise httpx.TimeoutException(f"no complete answer within {deadline:g} seconds") from None


class Transport:
    """One record store: its xAPI endpoint and the device's Basic credentials."""

    def __init__(self, client: httpx.AsyncClient, endpoint: str, key: str, secret: str, *, deadline: float = 120.0):
        self.client = client
        self.deadline = deadline
        self.endpoint = endpoint if endpoint.endswith("/") else endpoint + "/"
        token = base64.b64encode(f"{key}:{secret}".encode("utf-8")).decode("ascii")
        self.auth_header = {"Authorization": f"Basic {token}"}
        self.headers = {"X-Experience-API-Version": XAPI_VERSION}

    async def _within(self, request):
        return await within(self.deadline, request)

    async def about(self) -> tuple[int, dict, bytes]:
        r = await self._within(self.client.get(self.endpoint + "about", headers=self.headers))
        return r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.content

    async def post_statements(self, body: bytes) -> tuple[int, dict, bytes]:
        r = await self._within(
            self.client.post(
                self.endpoint + "statements",
                content=body,
                headers={
                    **self.headers,
                    **self.auth_header,
                    "Content-Type": "application/json",
                    "Content-Encoding": "gzip",
                },
            )
        )
        return r.status_code, {k.lower(): v for k, v in r.headers.items()}, r.content

    async def get_json(self, url: str) -> tuple[int, object]:
        r = await self._within(self.client.get(url, headers={**self.headers, **self.auth_header}))
        return r.status_code, _body_json(r.content)

    async def put_json(self, url: str, payload: dict) -> int:
        r = await self._within(self.client.put(url, json=payload, headers={**self.headers, **self.auth_header}))
        return r.status_code
