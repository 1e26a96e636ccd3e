"""Refusals: how the server says no, and the one place they become HTTP responses.

Route code, dependencies and the store raise `Refused`; the app's single exception handler
(`refused_response`) turns it into a 4xx whose JSON says what is wrong (`error`, and per
statement `statements: [{index, id, field, reason}]`), so a device can mark exactly the bad
statements rejected and send the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse


@dataclass(frozen=True)
class ItemProblem:
    index: int
    id: str | None
    field: str
    reason: str

    def as_json(self) -> dict:
        return {"index": self.index, "id": self.id, "field": self.field, "reason": self.reason}


class Refused(Exception):
    """The request is refused as a whole; `problems` says which statements and why."""

    def __init__(
        self,
        status: int,
        message: str,
        problems: list[ItemProblem] | None = None,
        *,
        headers: dict[str, str] | None = None,
    ):
        self.status = status
        self.message = message
        self.problems = problems or []
        self.headers = headers
        super().__init__(message)

    def as_json(self) -> dict:
        out: dict[str, Any] = {"error": self.message}
        if self.problems:
            out["statements"] = [p.as_json() for p in self.problems]
        return out


async def refused_response(_request: Request, exc: Exception) -> JSONResponse:
    """The app's exception handler for `Refused` (registered once in `create_app`)."""
    assert isinstance(exc, Refused)
    return JSONResponse(exc.as_json(), status_code=exc.status, headers=exc.headers)
