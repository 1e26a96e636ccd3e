"""The trainer server: xAPI 1.0.3 Statement Resource under /xapi/, enrolment under /api/,
and the trainer dashboard under /dashboard/.

`create_app` only composes: the shared state (database, credential checker, the storing
step), the middleware, one exception handler for refusals, and the routers
(`api.xapi`, `api.devices`, `dashboard.routes`).
"""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware

from .api import devices, xapi
from .api.deps import CredentialGate
from .config import XAPI_VERSION, ServerConfig
from .dashboard.routes import router as dashboard_router
from .db import ServerDB
from .enrolment import Authenticator
from .refusals import Refused, refused_response
from .store import store


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


def store_batch(*args, **kwargs):
    """The storing step the statement routes use (looked up at call time: tests wrap `store`)."""
    return store(*args, **kwargs)


def create_app(config: ServerConfig) -> FastAPI:
    sdb = ServerDB(config.db_path)

    @asynccontextmanager
    async def lifespan(_app: FastAPI):
        yield
        sdb.close()

    # The API description and its browser page only with --debug: they map every route for
    # whoever asks, and devices and trainers need neither.
    app = FastAPI(
        title="Waymark trainer server",
        version=XAPI_VERSION,
        docs_url="/docs" if config.debug else None,
        redoc_url=None,
        openapi_url="/openapi.json" if config.debug else None,
        lifespan=lifespan,
    )
    app.state.config = config
    app.state.db = sdb
    app.state.auth = auth = Authenticator()
    app.state.store_batch = store_batch
    app.add_middleware(GZipMiddleware, minimum_size=2048)
    app.add_middleware(XapiVersionHeader)
    app.add_middleware(CredentialGate, sdb=sdb, auth=auth)  # outermost: made-up credentials cost microseconds
    app.add_exception_handler(Refused, refused_response)
    app.include_router(xapi.router)
    app.include_router(devices.router)
    app.include_router(dashboard_router)
    return app


def app_from_env() -> FastAPI:
    """The app as each worker process builds it (`trainer serve --workers N`)."""
    import os
    from pathlib import Path

    from .clientaddr import parse_proxies

    config = ServerConfig(
        db_path=Path(os.environ["WAYMARK_SERVER_DB"]),
        public_url=os.environ.get("WAYMARK_PUBLIC_URL", ServerConfig.public_url),
        max_batch=int(os.environ.get("WAYMARK_MAX_BATCH", ServerConfig.max_batch)),
        max_body_bytes=int(os.environ.get("WAYMARK_MAX_BODY_BYTES", ServerConfig.max_body_bytes)),
        trusted_proxies=parse_proxies([os.environ.get("WAYMARK_TRUSTED_PROXIES", "")]),
        debug=os.environ.get("WAYMARK_SERVER_DEBUG") == "1",
    )
    return create_app(config)
