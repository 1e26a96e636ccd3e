"""The xAPI 1.0.3 Statement Resource (`/xapi/about`, `/xapi/statements`).

The slow parts (JSON, validation, SQLite) run in the thread pool so one big batch never
stalls the event loop. Storing goes through `request.app.state.store_batch`, the storing
step the app was composed with.
"""

from __future__ import annotations

import json
import time
from typing import Annotated, Any, Callable

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ...core.xapi_validation import Invalid, check_uuid
from ..config import EXT_MAX_BATCH, EXT_MAX_BODY, EXT_SERVER, SUPPORTED_VERSIONS, ServerConfig
from ..db import ServerDB, now_text
from ..enrolment import Device
from ..refusals import Refused
from ..store import (
    Timings,
    decode_more,
    encode_more,
    find,
    get_one,
    normalise_query,
    parse_statements,
    prepare,
    render,
)
from .deps import DB, AuthenticatedDevice, Body, Config, json_content, not_busy, xapi_version

router = APIRouter(prefix="/xapi")
CONSISTENT = "X-Experience-API-Consistent-Through"


async def no_query_params(request: Request) -> None:
    if request.query_params:
        raise Refused(400, "POST /statements takes no query parameters here (no alternate request syntax)")


async def statement_id_param(request: Request) -> str:
    params = dict(request.query_params)
    if set(params) != {"statementId"}:
        raise Refused(400, "PUT /statements needs exactly the statementId parameter")
    try:
        return check_uuid(params["statementId"], "statementId").lower()
    except Invalid as e:
        raise Refused(400, str(e)) from None


async def write_ready(
    _content: Annotated[None, Depends(json_content)], _busy: Annotated[None, Depends(not_busy)]
) -> None:
    """A write's checks after its credentials: JSON content, and room in the write queue."""


WriteReady = Annotated[None, Depends(write_ready)]


def ingest(
    raw: bytes, device: Device, config: ServerConfig, store_batch: Callable, sdb: ServerDB, *, put_id: str | None
) -> tuple[list[str], Timings]:
    """Parse, validate and store one request's statements (`put_id`: a PUT of one statement)."""
    t = Timings()
    t0 = time.perf_counter()
    body, texts = parse_statements(raw)
    t1 = time.perf_counter()
    t.parse = t1 - t0
    statements = _statements_of(body, put_id)
    if put_id is not None:
        texts = None
    if not statements:
        raise Refused(400, "the request holds no statements")
    if len(statements) > config.max_batch:
        raise Refused(413, f"the request holds {len(statements)} statements; the limit is {config.max_batch} per request")
    prepared = prepare(statements, texts)
    t2 = time.perf_counter()
    t.validate = t2 - t1
    ids = store_batch(sdb, device, prepared, home_page=config.home_page)
    t.db = time.perf_counter() - t2
    return ids, t


def _statements_of(body: Any, put_id: str | None) -> list:
    if put_id is not None:
        if not isinstance(body, dict):
            raise Refused(400, "PUT takes one statement (a JSON object)")
        if "id" in body and isinstance(body["id"], str) and body["id"].lower() != put_id:
            raise Refused(400, "the statement's id differs from the statementId parameter")
        body["id"] = put_id
        return [body]
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        return [body]
    raise Refused(400, "the body must be a statement (JSON object) or an array of statements")


async def _write(request: Request, raw: bytes, device: Device, sdb: ServerDB, config: ServerConfig, put_id: str | None):
    store_batch = request.app.state.store_batch
    return await run_in_threadpool(lambda: ingest(raw, device, config, store_batch, sdb, put_id=put_id))


@router.get("/about")
async def about(config: Config) -> JSONResponse:
    return JSONResponse(
        {
            "version": list(SUPPORTED_VERSIONS),
            "extensions": {EXT_SERVER: "waymark", EXT_MAX_BATCH: config.max_batch, EXT_MAX_BODY: config.max_body_bytes},
        }
    )


@router.post("/statements", dependencies=[Depends(no_query_params), Depends(xapi_version)])
async def post_statements(
    request: Request, device: AuthenticatedDevice, _ready: WriteReady, raw: Body, sdb: DB, config: Config
) -> Response:
    ids, timings = await _write(request, raw, device, sdb, config, None)
    return JSONResponse(ids, headers={"Server-Timing": timings.header()})


@router.put("/statements")
async def put_statement(
    request: Request,
    put_id: Annotated[str, Depends(statement_id_param)],
    _version: Annotated[None, Depends(xapi_version)],
    device: AuthenticatedDevice,
    _ready: WriteReady,
    raw: Body,
    sdb: DB,
    config: Config,
) -> Response:
    _ids, timings = await _write(request, raw, device, sdb, config, put_id)
    return Response(status_code=204, headers={"Server-Timing": timings.header()})


@router.get("/statements", dependencies=[Depends(xapi_version)])
async def get_statements(request: Request, device: AuthenticatedDevice, sdb: DB, config: Config) -> Response:
    params = dict(request.query_params)
    langs = [
        part.split(";")[0].strip()
        for part in request.headers.get("Accept-Language", "").split(",")
        if part.strip() and part.strip() != "*"
    ]
    return await run_in_threadpool(read_statements, sdb, device, params, langs, config.max_page)


def read_statements(sdb: ServerDB, device: Device, params: dict[str, str], langs: list[str], max_page: int) -> Response:
    """One statement (statementId / voidedStatementId) or one page of a query, as this device may see."""
    db = sdb.get()
    consistent = now_text()
    headers = {CONSISTENT: consistent}
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
                    raise Refused(404, f"no statement with {key} {q[key]} is visible to this device")
                body = text if q["format"] == "exact" else json.dumps(render([text], q["format"], langs)[0])
                return Response(body, media_type="application/json", headers=headers)
    texts, next_cursor, ceiling = find(db, device, q, max_page=max_page, cursor=cursor, ceiling=ceiling)
    more = ""
    if next_cursor is not None:
        more = "/xapi/statements?more=" + encode_more(q, device.id, next_cursor, ceiling)
    if q["format"] == "exact":
        statements = "[" + ",".join(texts) + "]"
    else:
        statements = json.dumps(render(texts, q["format"], langs), ensure_ascii=False)
    body = '{"statements":' + statements + ',"more":' + json.dumps(more) + "}"
    return Response(body, media_type="application/json", headers=headers)
