"""The trainer server: xAPI 1.0.3 Statement Resource under /xapi/, enrolment under /api/.

Every refusal is a 4xx whose JSON body says what was wrong (`error`, and per statement
`statements: [{index, id, field, reason}]`) so a device can mark exactly the bad statements
rejected and send the rest. The slow parts (JSON, validation, SQLite) run in the thread
pool so one big batch never stalls the event loop.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
import time
import zlib
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.middleware.gzip import GZipMiddleware

from .config import EXT_MAX_BATCH, EXT_MAX_BODY, EXT_SERVER, SUPPORTED_VERSIONS, XAPI_VERSION, ServerConfig
from .db import ServerDB, now_text
from .enrolment import Authenticator, AuthError, Device, EnrolmentError, enrol_device, record_report
from .store import (
    Refused,
    Timings,
    decode_more,
    encode_more,
    find,
    get_one,
    normalise_query,
    parse_body,
    parse_statements,
    prepare,
    render,
    store,
)

VERSION_HEADER = "X-Experience-API-Version"


class XapiVersionHeader:
    """Every /xapi/ response names the xAPI version it speaks (a plain ASGI middleware)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/xapi/"):
            return await self.app(scope, receive, send)

        async def send_with_version(message):
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-experience-api-version", XAPI_VERSION.encode())]
            await send(message)

        await self.app(scope, receive, send_with_version)


def _error(status: int, message: str, *, headers: dict | None = None, extra: dict | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": message}
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers)


def _refused(e: Refused, timings: Timings | None = None) -> JSONResponse:
    headers = {"Server-Timing": timings.header()} if timings else None
    return JSONResponse(e.as_json(), status_code=e.status, headers=headers)


def create_app(config: ServerConfig) -> FastAPI:
    sdb = ServerDB(config.db_path)
    auth = Authenticator()

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        sdb.close()

    app = FastAPI(
        title="Waymark trainer server", version=XAPI_VERSION, docs_url=None, redoc_url=None, lifespan=lifespan
    )
    app.state.config = config
    app.state.db = sdb
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(XapiVersionHeader)

    def check_version(request: Request) -> JSONResponse | None:
        v = request.headers.get(VERSION_HEADER)
        if v is None:
            return _error(400, f"the {VERSION_HEADER} header is missing; send {XAPI_VERSION}")
        if v.strip() not in SUPPORTED_VERSIONS and not v.strip().startswith("1.0."):
            return _error(400, f"{VERSION_HEADER} {v!r} is not supported; send {XAPI_VERSION}")
        return None

    def authenticate(request: Request) -> Device | JSONResponse:
        header = request.headers.get("Authorization", "")
        scheme, _, value = header.partition(" ")
        challenge = {"WWW-Authenticate": 'Basic realm="waymark"'}
        if scheme.lower() != "basic" or not value:
            return _error(401, "this request needs the device's key and secret (HTTP Basic)", headers=challenge)
        try:
            key, sep, secret = base64.b64decode(value.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            return _error(401, "the Authorization header is not valid HTTP Basic", headers=challenge)
        if not sep:
            return _error(401, "the Authorization header is not valid HTTP Basic", headers=challenge)
        try:
            return auth.check(sdb.get(), key, secret)
        except AuthError as e:
            return _error(401, str(e), headers=challenge)

    async def read_body(request: Request) -> bytes | JSONResponse:
        """The request body, inflated, within the limits; or the 4xx that explains why not."""
        length = request.headers.get("Content-Length")
        if length is not None:
            if not length.isdigit():
                return _error(400, "the Content-Length header is not a number")
            if int(length) > config.max_body_bytes:
                return _error(413, f"the request body is {length} bytes; the limit is {config.max_body_bytes}")
        chunks = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > config.max_body_bytes:
                return _error(413, f"the request body is over the limit of {config.max_body_bytes} bytes")
            chunks.append(chunk)
        raw = b"".join(chunks)
        encoding = request.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding in ("identity", ""):
            return raw
        if encoding != "gzip":
            return _error(415, f"Content-Encoding {encoding!r} is not supported; use gzip or none")
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out = inflater.decompress(raw, config.max_inflated_bytes + 1)
        except zlib.error:
            return _error(400, "the request body is not valid gzip")
        if len(out) > config.max_inflated_bytes or inflater.unconsumed_tail:
            return _error(413, f"the request body inflates to more than {config.max_inflated_bytes} bytes")
        if not inflater.eof:
            return _error(400, "the gzip request body is cut short")
        return out

    def check_content_type(request: Request) -> JSONResponse | None:
        ctype = request.headers.get("Content-Type", "application/json").split(";")[0].strip().lower()
        if ctype == "multipart/mixed":
            return _error(400, "statements with attachment content (multipart/mixed) are not accepted here")
        if ctype != "application/json":
            return _error(415, f"Content-Type {ctype!r} is not accepted; send application/json")
        return None

    def busy() -> JSONResponse | None:
        """Ask devices to come back later when writes queue up (a whole class syncing at once)."""
        if sdb.writers_waiting >= config.max_waiting_writers:
            wait = config.retry_after_seconds + random.randint(0, config.retry_after_seconds)
            return _error(503, "the server is busy; try again later", headers={"Retry-After": str(wait)})
        return None

    def ingest(raw: bytes, device: Device, single: bool, put_id: str | None) -> tuple[list[str], Timings]:
        t = Timings()
        t0 = time.perf_counter()
        body, texts = parse_statements(raw)
        t1 = time.perf_counter()
        t.parse = t1 - t0
        if single:
            if not isinstance(body, dict):
                raise Refused(400, "PUT takes one statement (a JSON object)")
            if put_id is not None and "id" in body and isinstance(body["id"], str) and body["id"].lower() != put_id:
                raise Refused(400, "the statement's id differs from the statementId parameter")
            if put_id is not None:
                body["id"] = put_id
            statements = [body]
            texts = None
        elif isinstance(body, list):
            statements = body
        elif isinstance(body, dict):
            statements = [body]
        else:
            raise Refused(400, "the body must be a statement (JSON object) or an array of statements")
        if not statements:
            raise Refused(400, "the request holds no statements")
        if len(statements) > config.max_batch:
            raise Refused(
                413, f"the request holds {len(statements)} statements; the limit is {config.max_batch} per request"
            )
        prepared = prepare(statements, texts)
        t2 = time.perf_counter()
        t.validate = t2 - t1
        ids = store(sdb, device, prepared, home_page=config.home_page)
        t.db = time.perf_counter() - t2
        return ids, t

    async def write(request: Request, *, single: bool, put_id: str | None) -> Response:
        bad = check_version(request)
        if bad:
            return bad
        device = await run_in_threadpool(authenticate, request)
        if isinstance(device, JSONResponse):
            return device
        bad = check_content_type(request) or busy()
        if bad:
            return bad
        raw = await read_body(request)
        if isinstance(raw, JSONResponse):
            return raw
        try:
            ids, timings = await run_in_threadpool(ingest, raw, device, single, put_id)
        except Refused as e:
            return _refused(e)
        headers = {"Server-Timing": timings.header()}
        if single:
            return Response(status_code=204, headers=headers)
        return JSONResponse(ids, headers=headers)

    @app.get("/xapi/about")
    async def about() -> JSONResponse:
        return JSONResponse(
            {
                "version": list(SUPPORTED_VERSIONS),
                "extensions": {
                    EXT_SERVER: "waymark",
                    EXT_MAX_BATCH: config.max_batch,
                    EXT_MAX_BODY: config.max_body_bytes,
                },
            }
        )

    @app.post("/xapi/statements")
    async def post_statements(request: Request) -> Response:
        if request.query_params:
            return _error(400, "POST /statements takes no query parameters here (no alternate request syntax)")
        return await write(request, single=False, put_id=None)

    @app.put("/xapi/statements")
    async def put_statement(request: Request) -> Response:
        params = dict(request.query_params)
        if set(params) != {"statementId"}:
            return _error(400, "PUT /statements needs exactly the statementId parameter")
        sid = params["statementId"]
        try:
            from ..core.xapi_validation import check_uuid

            sid = check_uuid(sid, "statementId").lower()
        except ValueError as e:
            return _error(400, str(e))
        return await write(request, single=True, put_id=sid)

    @app.get("/xapi/statements")
    async def get_statements(request: Request) -> Response:
        bad = check_version(request)
        if bad:
            return bad
        device = await run_in_threadpool(authenticate, request)
        if isinstance(device, JSONResponse):
            return device
        params = dict(request.query_params)
        langs = [
            part.split(";")[0].strip()
            for part in request.headers.get("Accept-Language", "").split(",")
            if part.strip() and part.strip() != "*"
        ]

        def run() -> Response:
            db = sdb.get()
            consistent = now_text()
            if "more" in params:
                if len(params) != 1:
                    raise Refused(400, "more cannot be combined with other parameters")
                q, cursor, ceiling = decode_more(params["more"], device.id)
            else:
                q = normalise_query(params)
                cursor, ceiling = None, None
                for key in ("statementId", "voidedStatementId"):
                    if key in q:
                        text = get_one(db, device, q[key], voided=key == "voidedStatementId")
                        if text is None:
                            return _error(404, f"no statement with {key} {q[key]} is visible to this device")
                        body = text if q["format"] == "exact" else json.dumps(render([text], q["format"], langs)[0])
                        return Response(
                            body,
                            media_type="application/json",
                            headers={"X-Experience-API-Consistent-Through": consistent},
                        )
            texts, next_cursor, ceiling = find(db, device, q, max_page=config.max_page, cursor=cursor, ceiling=ceiling)
            more = ""
            if next_cursor is not None:
                more = "/xapi/statements?more=" + encode_more(q, device.id, next_cursor, ceiling)
            if q["format"] == "exact":
                statements = "[" + ",".join(texts) + "]"
            else:
                statements = json.dumps(render(texts, q["format"], langs), ensure_ascii=False)
            body = '{"statements":' + statements + ',"more":' + json.dumps(more) + "}"
            return Response(
                body, media_type="application/json", headers={"X-Experience-API-Consistent-Through": consistent}
            )

        try:
            return await run_in_threadpool(run)
        except Refused as e:
            return _refused(e)

    @app.post("/api/enrol")
    async def enrol(request: Request) -> Response:
        raw = await read_body(request)
        if isinstance(raw, JSONResponse):
            return raw
        try:
            body = parse_body(raw)
        except Refused:
            return _error(400, "the request body must be JSON: {\"code\": \"XXXX-XXXX-XXXX\"}")
        if not isinstance(body, dict) or not isinstance(body.get("code"), str):
            return _error(400, "the request needs a code: {\"code\": \"XXXX-XXXX-XXXX\"}")
        label = body.get("label") if isinstance(body.get("label"), str) else None
        app_version = body.get("app_version") if isinstance(body.get("app_version"), str) else None
        try:
            e = await run_in_threadpool(
                lambda: enrol_device(sdb.get(), body["code"], label=label, app_version=app_version)
            )
        except EnrolmentError as err:
            return _error(403, str(err))
        base = config.public_url.rstrip("/")
        return JSONResponse(
            {
                "key": e.device_id,
                "secret": e.secret,
                "cohort": {"id": e.cohort_id, "name": e.cohort_name},
                "xapi_endpoint": base + "/xapi/",
            },
            status_code=201,
        )

    @app.get("/api/device")
    async def whoami(request: Request) -> Response:
        device = await run_in_threadpool(authenticate, request)
        if isinstance(device, JSONResponse):
            return device
        return JSONResponse({"key": device.id, "cohort_id": device.cohort_id, "label": device.label})

    @app.put("/api/device/status")
    async def device_status(request: Request) -> Response:
        device = await run_in_threadpool(authenticate, request)
        if isinstance(device, JSONResponse):
            return device
        raw = await read_body(request)
        if isinstance(raw, JSONResponse):
            return raw
        try:
            body = parse_body(raw)
        except Refused:
            return _error(400, "the request body must be JSON")
        if not isinstance(body, dict):
            return _error(400, "the request body must be a JSON object")
        counts = {}
        for key in ("pending", "rejected"):
            v = body.get(key, 0)
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                return _error(400, f"{key} must be a whole number of statements")
            counts[key] = v
        last = body.get("last_sync_at")
        if last is not None and (not isinstance(last, str) or len(last) > 40):
            return _error(400, "last_sync_at must be a date and time text")
        version = body.get("app_version")
        if version is not None and (not isinstance(version, str) or len(version) > 40):
            return _error(400, "app_version must be a short text")

        def save() -> None:
            with sdb.writer() as db:
                record_report(
                    db, device.id, pending=counts["pending"], rejected=counts["rejected"],
                    device_last_sync_at=last, app_version=version,
                )

        await run_in_threadpool(save)
        return Response(status_code=204)

    from .dashboard.routes import router as dashboard_router  # the trainer dashboard at /dashboard/

    app.include_router(dashboard_router)
    return app


def app_from_env() -> FastAPI:
    """The app as each worker process builds it (`trainer serve --workers N`)."""
    import os
    from pathlib import Path

    config = ServerConfig(
        db_path=Path(os.environ["WAYMARK_SERVER_DB"]),
        public_url=os.environ.get("WAYMARK_PUBLIC_URL", ServerConfig.public_url),
        max_batch=int(os.environ.get("WAYMARK_MAX_BATCH", ServerConfig.max_batch)),
        max_body_bytes=int(os.environ.get("WAYMARK_MAX_BODY_BYTES", ServerConfig.max_body_bytes)),
    )
    return create_app(config)
