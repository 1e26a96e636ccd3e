"""Enrolment and the device's own endpoints: `/api/enrol`, `/api/device`, `/api/device/status`."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from ..enrolment import EnrolmentError, check_report, enrol_device, record_report
from ..refusals import Refused
from ..store import parse_body
from .deps import DB, AuthenticatedDevice, Body, Config

router = APIRouter(prefix="/api")
_CODE_SHAPE = "{\"code\": \"XXXX-XXXX-XXXX\"}"


def _json(raw: bytes, message: str):
    try:
        return parse_body(raw)
    except Refused:
        raise Refused(400, message) from None


@router.post("/enrol")
async def enrol(raw: Body, sdb: DB, config: Config) -> Response:
    body = _json(raw, f"the request body must be JSON: {_CODE_SHAPE}")
    if not isinstance(body, dict) or not isinstance(body.get("code"), str):
        raise Refused(400, f"the request needs a code: {_CODE_SHAPE}")
    label = body.get("label") if isinstance(body.get("label"), str) else None
    app_version = body.get("app_version") if isinstance(body.get("app_version"), str) else None
    try:
        e = await run_in_threadpool(lambda: enrol_device(sdb.get(), body["code"], label=label, app_version=app_version))
    except EnrolmentError as err:
        raise Refused(403, str(err)) from None
    return JSONResponse(
        {
            "key": e.device_id,
            "secret": e.secret,
            "cohort": {"id": e.cohort_id, "name": e.cohort_name},
            "xapi_endpoint": config.public_url.rstrip("/") + "/xapi/",
        },
        status_code=201,
    )


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
