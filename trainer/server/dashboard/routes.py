"""The dashboard's URLs under /dashboard/ (mounted by the server's app factory).

GET routes show pages and exports; POST routes change something and answer with a redirect
back to the page (so reloading never repeats an action), except when the answer must be
shown once (a new enrolment code).
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response

from ...core.i18n import known_languages
from ..db import now_text
from ..enrolment import (
    CodeLimitError,
    check_code_limits,
    create_code,
    create_cohort,
    enrol_link,
    get_cohort,
    revoke_code,
    revoke_device,
)
from . import accounts, pages, queries, sheet
from .render import FONTS, SECURITY_HEADERS, STATIC
from .web import (
    BASE,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Ctx,
    Forbidden,
    handle,
    is_https,
    redirect,
    safe_next,
    set_language_cookie,
)
from .. import throttle
from ..api.deps import client_address_of
from ..throttle import sign_in_keys

router = APIRouter(prefix=BASE, include_in_schema=False)


# --- static files and language ---------------------------------------------------------------


@router.get("/static/dashboard.css")
async def stylesheet() -> Response:
    return FileResponse(STATIC / "dashboard.css", media_type="text/css", headers={"Cache-Control": "max-age=3600"})


@router.get("/static/fonts/{name}")
async def font(name: str) -> Response:
    if name not in ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf"):
        return Response(status_code=404)
    return FileResponse(FONTS / name, media_type="font/ttf", headers={"Cache-Control": "max-age=86400"})


@router.get("/language/{lang}")
async def choose_language(request: Request, lang: str) -> Response:
    response = redirect(safe_next(request.query_params.get("next")))
    set_language_cookie(response, lang if lang in known_languages() else "en", is_https(request))
    return response


# --- signing in and out ------------------------------------------------------------------------


def _login_cookie(response: Response, token: str, request: Request) -> Response:
    response.set_cookie(LOGIN_COOKIE, token, max_age=3600, path=BASE, httponly=True, samesite="strict",
                        secure=is_https(request))
    return response


@router.get("/login")
async def login_form(request: Request) -> Response:
    def work(ctx: Ctx) -> Response:
        if ctx.account is not None:
            return redirect(safe_next(request.query_params.get("next")))
        token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
        page = pages.login_page(ctx, next_url=safe_next(request.query_params.get("next")), login_token=token)
        return _login_cookie(page, token, request)

    return await handle(request, work, public=True)


@router.post("/login")
async def login(request: Request) -> Response:
    def work(ctx: Ctx) -> Response:
        _ = ctx._
        next_url = safe_next(ctx.form.get("next"))
        token = request.cookies.get(LOGIN_COOKIE) or ""
        sent = ctx.form.get("login_token", "")
        fresh = secrets.token_urlsafe(24)
        if not token or not secrets.compare_digest(sent.encode(), token.encode()):
            page = pages.login_page(ctx, next_url=next_url, login_token=fresh, status=403,
                                    error=_("This form has expired. Please try again."))
            return _login_cookie(page, fresh, request)
        username = ctx.form.get("username", "").strip()[:64]
        password = ctx.form.get("password", "")
        keys = sign_in_keys(username, client_address_of(request))
        with ctx.sdb.writer() as w:  # counted before the check, atomically, for every worker
            verdict = throttle.charge(w.conn, keys)
        if not verdict.allowed:
            page = pages.login_page(ctx, next_url=next_url, login_token=token, status=429,
                                    error=_("Too many failed attempts. Wait 15 minutes and try again."))
            page.headers["Retry-After"] = str(max(1, round(verdict.retry_after)))
            return page
        account = accounts.verify_login(ctx.db, username, password)
        if account is None:
            return pages.login_page(ctx, next_url=next_url, login_token=token, status=401,
                                    error=_("The user name or password is not right."))
        rehashed = accounts.fresh_hash(ctx.db, account, password)  # transparent move to current parameters
        with ctx.sdb.writer() as w:
            throttle.forgive(w.conn, [k for k in keys if not k.startswith("addr:")])
            if rehashed:
                accounts.store_hash(w, account, rehashed)
        with ctx.sdb.write_lock:
            session, _csrf = accounts.start_session(ctx.db, account)
        response = redirect(next_url)
        response.set_cookie(SESSION_COOKIE, session, max_age=accounts.SESSION_HOURS * 3600, path=BASE,
                            httponly=True, samesite="strict", secure=is_https(request))
        response.delete_cookie(LOGIN_COOKIE, path=BASE)
        return response

    return await handle(request, work, public=True)


@router.post("/logout")
async def logout(request: Request) -> Response:
    def work(ctx: Ctx) -> Response:
        with ctx.sdb.write_lock:
            accounts.end_session(ctx.db, request.cookies.get(SESSION_COOKIE))
        response = redirect(BASE + "/login")
        response.delete_cookie(SESSION_COOKIE, path=BASE)
        return response

    return await handle(request, work)


# --- pages -----------------------------------------------------------------------------------------


@router.get("/")
async def overview(request: Request) -> Response:
    return await handle(request, pages.overview)


@router.get("/completion")
async def completion(request: Request) -> Response:
    return await handle(request, pages.completion_page)


@router.get("/completion.csv")
async def completion_csv(request: Request) -> Response:
    return await handle(request, pages.completion_csv)


@router.get("/learner")
async def learner(request: Request) -> Response:
    return await handle(request, pages.learner_page)


@router.get("/questions")
async def questions(request: Request) -> Response:
    return await handle(request, pages.questions_page)


@router.get("/questions.csv")
async def questions_csv(request: Request) -> Response:
    return await handle(request, pages.questions_csv)


@router.get("/cohorts/{cohort_id}")
async def cohort(request: Request, cohort_id: int) -> Response:
    return await handle(request, lambda ctx: pages.cohort_page(ctx, cohort_id))


@router.get("/accounts")
async def accounts_page(request: Request) -> Response:
    return await handle(request, pages.accounts_page, admin=True)


# --- cohort actions --------------------------------------------------------------------------------


def _cohort_url(cohort_id: int) -> str:
    return f"{BASE}/cohorts/{cohort_id}"


@router.post("/cohorts")
async def create(request: Request) -> Response:
    def work(ctx: Ctx) -> Response:
        name = ctx.form.get("name", "").strip()[:120]
        if not name:
            return pages.overview(ctx)
        with ctx.sdb.write_lock:
            row = create_cohort(ctx.db, name)
            if not ctx.account.is_admin:
                accounts.assign(ctx.db, ctx.account.id, row["id"])
        return redirect(_cohort_url(row["id"]), done="created")

    return await handle(request, work)


@router.post("/cohorts/{cohort_id}/rename")
async def rename(request: Request, cohort_id: int) -> Response:
    def work(ctx: Ctx) -> Response:
        queries.cohort(ctx.db, ctx.scope, cohort_id)
        name = ctx.form.get("name", "").strip()[:120]
        if not name:
            return pages.cohort_page(ctx, cohort_id, error=ctx._("A cohort needs a name."), status=400)
        with ctx.sdb.write_lock, ctx.db.atomic():
            ctx.db.execute("UPDATE cohort SET name = ? WHERE id = ?", [name, cohort_id])
        return redirect(_cohort_url(cohort_id), done="renamed")

    return await handle(request, work)


@router.post("/cohorts/{cohort_id}/archive")
async def archive(request: Request, cohort_id: int) -> Response:
    def work(ctx: Ctx) -> Response:
        queries.cohort(ctx.db, ctx.scope, cohort_id)
        restore = ctx.form.get("restore") == "1"
        with ctx.sdb.write_lock, ctx.db.atomic():
            ctx.db.execute(
                "UPDATE cohort SET archived_at = ? WHERE id = ?", [None if restore else now_text(), cohort_id]
            )
        return redirect(_cohort_url(cohort_id), done="restored" if restore else "archived")

    return await handle(request, work)


def _code_options(ctx: Ctx) -> tuple[float, int | None, str | None] | str:
    """Validity, uses and note of a new code from the form, or the error to show."""
    _ = ctx._
    try:
        days = float(ctx.form.get("days") or 14)
        uses = int(ctx.form["uses"]) if ctx.form.get("uses") else None
    except ValueError:
        return _("Days and uses must be numbers.")
    try:
        check_code_limits(days, uses)  # the same limits as `trainer admin create-code`
    except CodeLimitError:
        return _("Choose between 0 and 366 days and between 1 and 10,000 uses.")
    return days, uses, (ctx.form.get("note") or "").strip()[:120] or None


@router.post("/cohorts/{cohort_id}/codes")
async def new_code(request: Request, cohort_id: int) -> Response:
    def work(ctx: Ctx) -> Response:
        c = queries.cohort(ctx.db, ctx.scope, cohort_id)
        _ = ctx._
        if c["archived_at"]:
            return pages.cohort_page(ctx, cohort_id, error=_("An archived cohort cannot take new devices."), status=400)
        options = _code_options(ctx)
        if isinstance(options, str):
            return pages.cohort_page(ctx, cohort_id, error=options, status=400)
        days, uses, note = options
        with ctx.sdb.write_lock:
            code, _row = create_code(ctx.db, cohort_id, valid_days=days or None, max_uses=uses, note=note)
        return pages.cohort_page(ctx, cohort_id, new_code=code, link=enrol_link(ctx.public_url(), code))

    return await handle(request, work)


@router.post("/cohorts/{cohort_id}/sheet")
async def enrolment_sheet(request: Request, cohort_id: int) -> Response:
    """A printable sheet of enrolment cards: with a new code, or with the code just created
    (posted back from the page that showed it once; only an active code of this cohort)."""

    def work(ctx: Ctx) -> Response:
        c = queries.cohort(ctx.db, ctx.scope, cohort_id)
        _ = ctx._
        try:
            copies = int(ctx.form.get("copies") or sheet.CARDS_PER_PAGE)
        except ValueError:
            copies = 0
        if not 1 <= copies <= sheet.MAX_COPIES:
            return pages.cohort_page(ctx, cohort_id, error=_("Choose between 1 and 200 cards."), status=400)
        if c["archived_at"]:
            return pages.cohort_page(ctx, cohort_id, error=_("An archived cohort cannot take new devices."), status=400)
        if ctx.form.get("code"):
            row = sheet.active_code(ctx.db, cohort_id, ctx.form["code"], ctx.now)
            if row is None:
                return pages.cohort_page(ctx, cohort_id, status=400, error=_(
                    "That code cannot enrol devices in this cohort any more. Print a sheet with a new code."))
            code, expires_at = row["code"], row["expires_at"]
        else:
            options = _code_options(ctx)
            if isinstance(options, str):
                return pages.cohort_page(ctx, cohort_id, error=options, status=400)
            days, uses, note = options
            with ctx.sdb.write_lock:
                code, row = create_code(ctx.db, cohort_id, valid_days=days or None, max_uses=uses,
                                        note=note or _("enrolment sheet"))
            expires_at = row["expires_at"]
        server_url = ctx.public_url()
        cards = sheet.cards_for(code, enrol_link(server_url, code), server_url, c["name"], expires_at, copies)
        page = sheet.render_sheet(cards, ctx.t, title=_("Enrolment sheet: {cohort}").format(cohort=c["name"]))
        csp = SECURITY_HEADERS["Content-Security-Policy"].replace("style-src 'self'", "style-src " + sheet.style_hash())
        return HTMLResponse(page, headers={**SECURITY_HEADERS, "Content-Security-Policy": csp})

    return await handle(request, work)


@router.post("/cohorts/{cohort_id}/codes/{code_id}/withdraw")
async def withdraw_code(request: Request, cohort_id: int, code_id: str) -> Response:
    def work(ctx: Ctx) -> Response:
        queries.cohort(ctx.db, ctx.scope, cohort_id)
        row = ctx.db.execute("SELECT cohort_id FROM enrolment_code WHERE id = ?", [code_id]).fetchone()
        if row is None or row[0] != cohort_id:
            raise queries.NotVisible("code")
        with ctx.sdb.write_lock:
            revoke_code(ctx.db, code_id)
        return redirect(_cohort_url(cohort_id), done="code-withdrawn")

    return await handle(request, work)


@router.post("/cohorts/{cohort_id}/devices/{device_id}/revoke")
async def revoke(request: Request, cohort_id: int, device_id: str) -> Response:
    def work(ctx: Ctx) -> Response:
        queries.cohort(ctx.db, ctx.scope, cohort_id)
        row = ctx.db.execute("SELECT cohort_id FROM device WHERE id = ?", [device_id]).fetchone()
        if row is None or row[0] != cohort_id:
            raise queries.NotVisible("device")
        with ctx.sdb.write_lock:
            revoke_device(ctx.db, device_id)
        return redirect(_cohort_url(cohort_id), done="device-revoked")

    return await handle(request, work)


@router.post("/cohorts/{cohort_id}/trainers")
async def add_trainer(request: Request, cohort_id: int) -> Response:
    def work(ctx: Ctx) -> Response:
        if get_cohort(ctx.db, cohort_id) is None:
            raise queries.NotVisible("cohort")
        account = accounts.get_account(ctx.db, ctx.form.get("username", ""))
        if account is None:
            return pages.cohort_page(ctx, cohort_id, error=ctx._("There is no account with that user name."), status=400)
        with ctx.sdb.write_lock:
            accounts.assign(ctx.db, account.id, cohort_id)
        return redirect(_cohort_url(cohort_id), done="trainer-added")

    return await handle(request, work, admin=True)


@router.post("/cohorts/{cohort_id}/trainers/{account_id}/remove")
async def remove_trainer(request: Request, cohort_id: int, account_id: int) -> Response:
    def work(ctx: Ctx) -> Response:
        if get_cohort(ctx.db, cohort_id) is None:
            raise queries.NotVisible("cohort")
        with ctx.sdb.write_lock:
            accounts.unassign(ctx.db, account_id, cohort_id)
        return redirect(_cohort_url(cohort_id), done="trainer-removed")

    return await handle(request, work, admin=True)


# --- accounts ----------------------------------------------------------------------------------------


@router.post("/accounts")
async def create_account(request: Request) -> Response:
    def work(ctx: Ctx) -> Response:
        f = ctx.form
        try:
            with ctx.sdb.write_lock:
                accounts.create_account(ctx.db, f.get("username", ""), f.get("password", ""),
                                        role=f.get("role", "trainer"), display_name=f.get("display_name"))
        except accounts.AccountError as e:
            return pages.accounts_page(ctx, error=pages.account_error(ctx, e.reason), status=400)
        return redirect(BASE + "/accounts", done="account-created")

    return await handle(request, work, admin=True)


@router.post("/accounts/{account_id}/disable")
async def disable_account(request: Request, account_id: int) -> Response:
    def work(ctx: Ctx) -> Response:
        enable = ctx.form.get("enable") == "1"
        if account_id == ctx.account.id and not enable:
            raise Forbidden("an administrator cannot disable their own account")
        with ctx.sdb.write_lock:
            accounts.set_disabled(ctx.db, account_id, not enable)
        return redirect(BASE + "/accounts", done="account-enabled" if enable else "account-disabled")

    return await handle(request, work, admin=True)

