"""Requests in, pages out: sign-in, sessions, CSRF checks and access control for every route.

Every route goes through `handle`, which decides before any page code runs:
- nobody signed in: a page redirects to the sign-in form, a form post gets 401;
- a form post without this session's CSRF token (or from another origin) gets 403;
- an administrator-only page asked for by a trainer gets 403;
- a cohort, learner or device outside the account's cohorts is 404 (it looks the same as
  one that does not exist, so ids cannot be probed).
Page code runs in the thread pool (SQLite and scrypt block).
"""

from __future__ import annotations

import os
import secrets
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable
from urllib.parse import parse_qsl, urlencode, urlparse

import sqlite_utils
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ...core.i18n import Translator, known_languages
from .accounts import Account, session_account, visible_cohorts
from .queries import NotVisible, Scope
from .render import Formats, pick_language, render

SESSION_COOKIE = "waymark_session"
LANG_COOKIE = "waymark_lang"
LOGIN_COOKIE = "waymark_login"
MAX_FORM_BYTES = 64 * 1024
BASE = "/dashboard"


class Forbidden(Exception):
    """Signed in, but this account may not do this (e.g. a trainer on an administrator page)."""


@dataclass
class Settings:
    """Dashboard settings, from the environment: WAYMARK_STALE_DAYS (a device is silent after
    this many days without a sync; default 7) and WAYMARK_CURRICULA (module titles, order and
    audience tags; default: the bundled curricula)."""

    stale_days: float = 7.0
    curricula_root: str | None = None


@dataclass
class Throttle:
    """An in-process counter of failures per key (`limit` per `window` seconds).

    Sign-in no longer uses it: its count is per worker process and read before the slow
    check, so parallel guesses got past it. `trainer/server/throttle.py` counts in the
    database instead; this stays for in-process uses that need no persistence."""

    limit: int = 5
    window: float = 15 * 60
    _failures: dict[str, list[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _recent(self, key: str, now: float) -> list[float]:
        return [t for t in self._failures.get(key, []) if now - t < self.window]

    def blocked(self, keys: list[str], now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            return any(len(self._recent(k, now)) >= self.limit for k in keys)

    def failed(self, keys: list[str], now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._failures) > 10_000:  # made-up user names must not fill the memory
                self._failures = {k: v for k, v in self._failures.items() if self._recent(k, now)}
            for k in keys:
                self._failures[k] = [*self._recent(k, now), now]

    def succeeded(self, keys: list[str]) -> None:
        with self._lock:
            for k in keys:
                self._failures.pop(k, None)


@dataclass
class Ctx:
    """Everything page code needs for one request."""

    request: Request
    db: sqlite_utils.Database
    sdb: Any
    t: Translator
    account: Account | None
    csrf: str | None
    scope: Scope
    form: dict[str, str]
    settings: Settings
    now: datetime

    @property
    def _(self) -> Callable[[str], str]:
        return self.t.gettext

    @property
    def fmt(self) -> Formats:
        """Dates and numbers in the page's language, isolated in right-to-left pages."""
        return Formats(self.t)

    def params(self) -> dict[str, str]:
        return dict(self.request.query_params)

    def page(self, template: str, status: int = 200, **context: Any) -> Response:
        return render(
            template, self.t,
            {"account": self.account, "csrf": self.csrf, "path": self.request.url.path,
             "query": self.request.url.query, "base": BASE, **context},
            status=status,
        )

    def public_url(self) -> str:
        config = getattr(self.request.app.state, "config", None)
        return getattr(config, "public_url", "") or str(self.request.base_url).rstrip("/")


def settings_of(request: Request) -> Settings:
    state = request.app.state
    s = getattr(state, "dashboard_settings", None)
    if s is None:
        try:
            stale_days = max(0.5, float(os.getenv("WAYMARK_STALE_DAYS") or 7))
        except ValueError:
            stale_days = 7.0
        s = Settings(stale_days=stale_days, curricula_root=os.getenv("WAYMARK_CURRICULA") or None)
        state.dashboard_settings = s
    return s


def translator(request: Request) -> Translator:
    return Translator(pick_language(request.cookies.get(LANG_COOKIE), request.headers.get("Accept-Language")))


def safe_next(target: str | None) -> str:
    """Only a path inside the dashboard: a sign-in link must not send anyone elsewhere."""
    if not target:
        return BASE + "/"
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not parsed.path.startswith(BASE) or target.startswith("//") or "\\" in target:
        return BASE + "/"
    return target


def redirect(url: str, **params: Any) -> RedirectResponse:
    clean = {k: v for k, v in params.items() if v is not None}
    return RedirectResponse(url + ("?" + urlencode(clean) if clean else ""), status_code=303)


async def read_form(request: Request) -> dict[str, str] | None:
    """An urlencoded form (the only kind these pages send); None when too large."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            return None
    try:
        return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    except UnicodeDecodeError:
        return {}


def same_origin(request: Request) -> bool:
    """A browser sends Origin with every form post; it must be this server."""
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        return origin is None
    o = urlparse(origin)
    return o.netloc == request.headers.get("Host", request.url.netloc)


def error_page(ctx: Ctx, status: int, message: str) -> Response:
    return ctx.page("error.html", status=status, title=message, message=message)


async def handle(
    request: Request, work: Callable[[Ctx], Response], *, admin: bool = False, public: bool = False
) -> Response:
    form: dict[str, str] = {}
    if request.method == "POST":
        got = await read_form(request)
        if got is None:
            return Response("form too large", status_code=413)
        form = got
    sdb = request.app.state.db

    def run() -> Response:
        db = sdb.get()
        t = translator(request)
        session = session_account(db, request.cookies.get(SESSION_COOKIE))
        account, csrf = session if session else (None, None)
        scope = Scope(None)
        if account is not None:
            visible = visible_cohorts(db, account)
            scope = Scope(None if visible is None else tuple(visible))
        ctx = Ctx(request, db, sdb, t, account, csrf, scope, form, settings_of(request), datetime.now(timezone.utc))
        if not public:
            if account is None:
                if request.method == "GET":
                    target = request.url.path + ("?" + request.url.query if request.url.query else "")
                    return redirect(BASE + "/login", next=target)
                return error_page(ctx, 401, t.gettext("Please sign in again."))
            if request.method == "POST":
                sent = form.get("csrf", "")
                if not same_origin(request) or not secrets.compare_digest(sent.encode(), (csrf or "").encode()):
                    return error_page(ctx, 403, t.gettext("This form has expired. Go back, reload the page and try again."))
            if admin and not account.is_admin:
                return error_page(ctx, 403, t.gettext("Only an administrator can open this page."))
        try:
            return work(ctx)
        except NotVisible:
            return error_page(ctx, 404, t.gettext("There is nothing here, or it belongs to a cohort you do not train."))
        except Forbidden:
            return error_page(ctx, 403, t.gettext("Only an administrator can do this."))

    return await run_in_threadpool(run)


def set_language_cookie(response: Response, lang: str, secure: bool) -> None:
    if lang in known_languages():
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, path=BASE, httponly=True, samesite="strict", secure=secure)


def is_https(request: Request) -> bool:
    """Cookies are marked Secure over HTTPS; a plain-HTTP LAN server cannot set Secure cookies."""
    return request.url.scheme == "https"
