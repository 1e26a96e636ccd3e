"""Enrolment and the device's own endpoints: `/api/enrol`, `/api/device`, `/api/device/status`."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from .. import throttle
from ..enrolment import EnrolmentError, check_report, enrol_device, record_report
from ..hashing import normalise_code
from ..refusals import Refused
from ..store import parse_body
from .deps import DB, AuthenticatedDevice, Body, Config, client_address_of

router = APIRouter(prefix="/api")
_CODE_SHAPE = "{\"code\": \"XXXX-XXXX-XXXX\"}"


def _json(raw: bytes, message: str):
    try:
        return parse_body(raw)
    except Refused:
        raise Refused(400, message) from None


@router.post("/enrol")
async def enrol(request: Request, raw: Body, sdb: DB, config: Config) -> Response:
    body = _json(raw, f"the request body must be JSON: {_CODE_SHAPE}")
    if not isinstance(body, dict) or not isinstance(body.get("code"), str):
        raise Refused(400, f"the request needs a code: {_CODE_SHAPE}")
    label = body.get("label") if isinstance(body.get("label"), str) else None
    app_version = body.get("app_version") if isinstance(body.get("app_version"), str) else None
    keys = throttle.enrol_keys(normalise_code(body["code"][:64])[:4], client_address_of(request))
    e = await run_in_threadpool(_enrol_throttled, sdb, keys, body["code"][:64], label, app_version)
    return JSONResponse(
        {
            "key": e.device_id,
            "secret": e.secret,
            "cohort": {"id": e.cohort_id, "name": e.cohort_name},
            "xapi_endpoint": config.public_url.rstrip("/") + "/xapi/",
        },
        status_code=201,
    )


def _enrol_throttled(sdb, keys: dict, code: str, label: str | None, app_version: str | None):
    """Enrol, counting the attempt first: code guesses are throttled per address and per code id."""
    with sdb.writer() as w:
        verdict = throttle.charge(w.conn, keys)
    if not verdict.allowed:
        wait = max(1, round(verdict.retry_after))
        raise Refused(429, f"too many enrolment attempts; try again in {wait} seconds", headers={"Retry-After": str(wait)})
    try:
        e = enrol_device(sdb.get(), code, label=label, app_version=app_version)
    except EnrolmentError as err:
        raise Refused(403, str(err)) from None
    with sdb.writer() as w:
        throttle.forgive(w.conn, list(keys))
    return e


@router.get("/device")
async def whoami(device: AuthenticatedDevice) -> Response:
    return JSONResponse({"key": device.id, "cohort_id": device.cohort_id, "label": device.label})


@router.put("/device/status")
async def device_status(device: AuthenticatedDevice, raw: Body, sdb: DB) -> Response:
    """What the device says about its own queue, shown to trainers "as last reported"."""
    body = _json(raw, "the request body must be JSON")
    try:
        report = check_report(body)
    except ValueError as e:
        raise Refused(400, str(e)) from None

    def save() -> None:
        with sdb.writer() as db:
            record_report(db, device.id, **report)

    await run_in_threadpool(save)
    return Response(status_code=204)
