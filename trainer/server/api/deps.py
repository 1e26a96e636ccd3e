"""FastAPI dependencies shared by the device-facing routes.

Each either returns what the route needs (the device, the request body) or raises
`Refused`, which the app's one exception handler turns into a 4xx with a reason. A route
lists them in the order they are checked: version, credentials, content type, back-pressure,
then the body, so a request is refused by the cheapest check that applies.
"""

from __future__ import annotations

import base64
import binascii
import random
import zlib
from typing import Annotated

from fastapi import Depends, Request

from ..clientaddr import client_address
from ..config import SUPPORTED_VERSIONS, XAPI_VERSION, ServerConfig
from ..db import ServerDB
from ..enrolment import Authenticator, AuthError, Device
from ..refusals import Refused

VERSION_HEADER = "X-Experience-API-Version"
_CHALLENGE = {"WWW-Authenticate": 'Basic realm="waymark"'}


def config_of(request: Request) -> ServerConfig:
    return request.app.state.config


def db_of(request: Request) -> ServerDB:
    return request.app.state.db


Config = Annotated[ServerConfig, Depends(config_of)]
DB = Annotated[ServerDB, Depends(db_of)]


def client_address_of(request: Request) -> str:
    """The address to throttle by: X-Forwarded-For is believed only from `--trusted-proxy`."""
    config = getattr(request.app.state, "config", None)
    proxies = getattr(config, "trusted_proxies", ())
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.get("X-Forwarded-For"), proxies)


async def xapi_version(request: Request) -> None:
    """Every xAPI request names the version it speaks (xAPI-Communication 3.3)."""
    v = request.headers.get(VERSION_HEADER)
    if v is None:
        raise Refused(400, f"the {VERSION_HEADER} header is missing; send {XAPI_VERSION}")
    if v.strip() not in SUPPORTED_VERSIONS and not v.strip().startswith("1.0."):
        raise Refused(400, f"{VERSION_HEADER} {v!r} is not supported; send {XAPI_VERSION}")


def basic_credentials(request: Request) -> tuple[str, str]:
    """(key, secret) from an HTTP Basic header, or 401."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic" or not value:
        raise Refused(401, "this request needs the device's key and secret (HTTP Basic)", headers=_CHALLENGE)
    try:
        key, sep, secret = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        sep = ""
    if not sep:
        raise Refused(401, "the Authorization header is not valid HTTP Basic", headers=_CHALLENGE)
    return key, secret


def device_credentials(request: Request, sdb: DB) -> Device:
    """The enrolled, not revoked device these credentials belong to, or 401.

    Usually already settled by `CredentialGate`; otherwise checked here (a plain `def`:
    FastAPI runs it in the thread pool).
    """
    checked = getattr(request.state, "device", None)
    if checked is not None:
        return checked
    key, secret = basic_credentials(request)
    auth: Authenticator = request.app.state.auth
    try:
        return auth.check(sdb.get(), key, secret)
    except AuthError as e:
        raise Refused(401, str(e), headers=_CHALLENGE) from None


AuthenticatedDevice = Annotated[Device, Depends(device_credentials)]


async def json_content(request: Request) -> None:
    ctype = request.headers.get("Content-Type", "application/json").split(";")[0].strip().lower()
    if ctype == "multipart/mixed":
        raise Refused(400, "statements with attachment content (multipart/mixed) are not accepted here")
    if ctype != "application/json":
        raise Refused(415, f"Content-Type {ctype!r} is not accepted; send application/json")


async def not_busy(sdb: DB, config: Config) -> None:
    """Ask devices to come back later when writes queue up (a whole class syncing at once)."""
    if sdb.writers_waiting >= config.max_waiting_writers:
        wait = config.retry_after_seconds + random.randint(0, config.retry_after_seconds)
        raise Refused(503, "the server is busy; try again later", headers={"Retry-After": str(wait)})


async def request_body(request: Request, config: Config) -> bytes:
    """The request body, inflated, within the limits; or the 4xx that explains why not."""
    length = request.headers.get("Content-Length")
    if length is not None:
        if not (length.isascii() and length.isdigit()):
            raise Refused(400, "the Content-Length header is not a number")
        if len(length) > 12 or int(length) > config.max_body_bytes:
            raise Refused(413, f"the request body is {length[:20]} bytes; the limit is {config.max_body_bytes}")
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > config.max_body_bytes:
            raise Refused(413, f"the request body is over the limit of {config.max_body_bytes} bytes")
        chunks.append(chunk)
    raw = b"".join(chunks)
    encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
    if encoding in ("identity", ""):
        return raw
    if encoding != "gzip":
        raise Refused(415, f"Content-Encoding {encoding!r} is not supported; use gzip or none")
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(raw, config.max_inflated_bytes + 1)
    except zlib.error:
        raise Refused(400, "the request body is not valid gzip") from None
    if len(out) > config.max_inflated_bytes or inflater.unconsumed_tail:
        raise Refused(413, f"the request body inflates to more than {config.max_inflated_bytes} bytes")
    if not inflater.eof:
        raise Refused(400, "the gzip request body is cut short")
    return out


Body = Annotated[bytes, Depends(request_body)]


_GATED = ("/xapi/statements", "/api/device")
_REFUSED_BODY = b'{"error":"These device credentials are not known. Enrol the device again."}'


class CredentialGate:
    """Settles device credentials before the framework runs (a plain ASGI middleware).

    A flood of made-up credentials must cost the server next to nothing: a request that
    carries HTTP Basic credentials on a device route is checked here (one SQLite lookup and
    an HMAC, microseconds) and, when they are not a device's, answered 401 at once, without
    routing, dependencies or reading the body. Good credentials are handed on in the request
    state. Requests without credentials, or with other problems, take the normal path, so
    every other answer is unchanged.
    """

    def __init__(self, app, *, sdb: ServerDB, auth: Authenticator):
        self.app = app
        self.sdb = sdb
        self.auth = auth

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"].startswith(_GATED):
            header = next((v for k, v in scope["headers"] if k == b"authorization"), None)
            if header is not None and header[:6].lower() == b"basic ":
                try:
                    key, sep, secret = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8").partition(":")
                except (binascii.Error, UnicodeDecodeError, ValueError):
                    sep = ""
                if sep:
                    try:
                        device = self.auth.check(self.sdb.get(), key, secret)
                    except AuthError as e:
                        if "withdrawn" in str(e):  # a revoked device: the normal path says so
                            return await self.app(scope, receive, send)
                        return await _refuse(send)
                    scope.setdefault("state", {})["device"] = device
        await self.app(scope, receive, send)


async def _refuse(send) -> None:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(_REFUSED_BODY)).encode()),
        (b"www-authenticate", b'Basic realm="waymark"'),
    ]
    await send({"type": "http.response.start", "status": 401, "headers": headers})
    await send({"type": "http.response.body", "body": _REFUSED_BODY})
