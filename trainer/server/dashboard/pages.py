"""The dashboard's pages and exports: each takes the request context and returns a response."""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.responses import Response

from ...core.i18n import N_
from . import charts, queries
from .accounts import list_accounts, trainers_of
from .exports import to_csv
from .modules import module_catalogue
from .queries import FAILED, IN_PROGRESS, NOT_STARTED, PASSED, Filters
from .render import SECURITY_HEADERS
from .web import Ctx

STATUS_LABELS = {
    PASSED: N_("Passed"),
    FAILED: N_("Not passed"),
    IN_PROGRESS: N_("In progress"),
    NOT_STARTED: N_("Not started"),
}
CODE_STATES = {
    "active": N_("Active"),
    "expired": N_("Expired"),
    "withdrawn": N_("Withdrawn"),
    "used": N_("All uses taken"),
}
AUDIENCES = {
    "all": N_("Everyone"),
    "labour-inspection": N_("Labour inspection"),
    "border": N_("Border"),
}
DONE = {
    "created": N_("The cohort was created."),
    "renamed": N_("The cohort was renamed."),
    "archived": N_("The cohort was archived. Its devices can still send results; no new device can enrol."),
    "restored": N_("The cohort is active again."),
    "code-withdrawn": N_("The enrolment code was withdrawn. Devices already enrolled keep working."),
    "device-revoked": N_("The device can no longer send results. What it sent stays on the server."),
    "trainer-added": N_("The trainer can now see this cohort."),
    "trainer-removed": N_("The trainer no longer sees this cohort."),
    "account-created": N_("The account was created."),
    "account-disabled": N_("The account was disabled and signed out."),
    "account-enabled": N_("The account can sign in again."),
}
ACCOUNT_ERRORS = {
    "username": N_("A user name is 2 to 64 letters, digits, dots, dashes, underscores or @."),
    "role": N_("Choose a role: administrator or trainer."),
    "password": N_("A password needs at least 10 characters."),
    "exists": N_("There is already an account with that user name."),
    "unknown": N_("There is no account with that user name."),
}
MAX_CHART_COHORTS = 8


def account_error(ctx: Ctx, reason: str) -> str:
    return ctx._(ACCOUNT_ERRORS.get(reason, ACCOUNT_ERRORS["unknown"]))


def done_message(ctx: Ctx) -> str | None:
    key = ctx.request.query_params.get("done")
    return ctx._(DONE[key]) if key in DONE else None


def _catalogue(ctx: Ctx):
    return module_catalogue(ctx.db, ctx.settings.curricula_root)


def _timeline(ctx: Ctx, cohort_rows: list[dict], module_ids: list[str], counts: dict[int, dict],
              daily: dict[int, list] | None = None) -> str | None:
    """Completion over time, one line per cohort (the largest few when there are many)."""
    shown = sorted(cohort_rows, key=lambda c: -counts.get(c["id"], {}).get("learners", 0))[:MAX_CHART_COHORTS]
    shown = [c for c in shown if counts.get(c["id"], {}).get("learners")]
    if not shown or not module_ids:
        return None
    if daily is None:
        daily = queries.passes_by_day(ctx.db, [c["id"] for c in shown], module_ids)
    series = []
    for c in shown:
        denominator = counts[c["id"]]["learners"] * len(module_ids)
        points = [(date.fromisoformat(d), v) for d, v in queries.cumulative_share(daily.get(c["id"], []), denominator)
                  if _is_day(d)]
        series.append((c["name"], points))
    if not any(points for _, points in series):
        return None
    return charts.line_chart(
        series,
        title=ctx._("Completion over time"),
        desc=ctx._("Share of learner and module pairs passed, by the date of the first pass, one line per cohort."),
        date_label=ctx.fmt.day,
        percent_label=ctx.fmt.pct,
        today=ctx.now.date(),
    )


def _is_day(text: str | None) -> bool:
    try:
        date.fromisoformat(text or "")
        return True
    except ValueError:
        return False


# --- overview ---------------------------------------------------------------------------------


def overview(ctx: Ctx) -> Response:
    archived = ctx.request.query_params.get("archived") == "1"
    rows = queries.cohorts(ctx.db, ctx.scope, archived=archived)
    ids = [c["id"] for c in rows]
    counts = queries.cohort_counts(ctx.db, ids)
    modules = _catalogue(ctx)
    module_ids = [m.id for m in modules]
    daily = queries.passes_by_day(ctx.db, ids, module_ids) if ids else {}
    stale = queries.silent_devices(ctx.db, ids, now=ctx.now, days=ctx.settings.stale_days)
    for c in rows:
        n = counts[c["id"]]
        c.update(n)
        c["stale"] = stale.get(c["id"], 0)
        pairs = n["learners"] * len(module_ids)
        c["passed_share"] = (sum(v for _, v in daily.get(c["id"], [])) / pairs) if pairs else None
    return ctx.page(
        "overview.html",
        title=ctx._("Overview"),
        cohorts=rows,
        archived=archived,
        chart=_timeline(ctx, [c for c in rows if not c["archived_at"]] or rows, module_ids, counts, daily),
        stale_days=ctx.settings.stale_days,
        done=done_message(ctx),
    )


# --- one cohort ----------------------------------------------------------------------------------


def cohort_page(ctx: Ctx, cohort_id: int, *, new_code: str | None = None, link: str | None = None,
                error: str | None = None, status: int = 200) -> Response:
    from ..enrolment import list_codes

    c = queries.cohort(ctx.db, ctx.scope, cohort_id)
    stale_days = ctx.settings.stale_days
    raw = ctx.request.query_params.get("stale")
    if raw and raw.isascii() and raw.replace(".", "", 1).isdigit():
        stale_days = max(0.5, min(float(raw), 365.0))
    devs = queries.devices(ctx.db, cohort_id, now=ctx.now, stale_days=stale_days)
    codes = [dict(code, state=queries.code_state(code, ctx.now)) for code in list_codes(ctx.db, cohort_id)]
    codes.sort(key=lambda code: (code["state"] != "active", code["created_at"]), reverse=False)
    counts = queries.cohort_counts(ctx.db, [cohort_id])
    modules = _catalogue(ctx)
    chart = _timeline(ctx, [c], [m.id for m in modules], counts)
    return ctx.page(
        "cohort.html",
        status=status,
        title=c["name"],
        cohort=c,
        learners=counts[cohort_id]["learners"],
        devices=devs,
        stale_count=sum(1 for d in devs if d["stale"]),
        stale_days=stale_days,
        codes=codes,
        code_states=CODE_STATES,
        trainers=trainers_of(ctx.db, cohort_id) if ctx.account and ctx.account.is_admin else None,
        new_code=new_code,
        link=link,
        error=error,
        chart=chart,
        done=done_message(ctx),
    )


# --- completion ------------------------------------------------------------------------------------


def _filters(ctx: Ctx, modules) -> tuple[Filters, list[str]]:
    return queries.parse_filters(ctx.params(), module_ids=[m.id for m in modules])


def completion_page(ctx: Ctx) -> Response:
    modules = _catalogue(ctx)
    filters, bad = _filters(ctx, modules)
    matrix = queries.completion(ctx.db, ctx.scope, filters, modules)
    bars = charts.stacked_bars(
        [(m.title(ctx.t.lang), matrix.summary.get(m.id, {})) for m in matrix.modules],
        title=ctx._("Progress per module"),
        desc=ctx._("For each module, the share of the learners shown who passed, did not pass, are in progress, or have not started."),
        labels={k: ctx._(v) for k, v in STATUS_LABELS.items()},
        count_label=lambda n: ctx.fmt.num(n, 0),
    ) if matrix.modules and matrix.total else None
    return ctx.page(
        "completion.html",
        title=ctx._("Completion"),
        matrix=matrix,
        filters=filters,
        bad=bad,
        cohorts=queries.cohorts(ctx.db, ctx.scope, archived=True),
        languages=queries.languages_seen(ctx.db, ctx.scope),
        audiences=AUDIENCES,
        status_labels=STATUS_LABELS,
        status_icons=charts.STATUS_ICONS,
        bars=bars,
    )


def completion_csv(ctx: Ctx) -> Response:
    modules = _catalogue(ctx)
    filters, _ = _filters(ctx, modules)
    matrix = queries.completion(ctx.db, ctx.scope, filters, modules, page_size=None)
    _ = ctx._
    lang = ctx.t.lang
    header = [_("Learner"), _("Learner id"), _("Cohort"), _("Modules passed"), _("Attempts"), _("Last activity (UTC)")]
    for m in matrix.modules:
        title = m.title(lang)
        header += [
            _("{module}: status").format(module=title),
            _("{module}: attempts").format(module=title),
            _("{module}: best score (%)").format(module=title),
            _("{module}: passed on (UTC)").format(module=title),
        ]
    status = {k: _(v) for k, v in STATUS_LABELS.items()}
    fmt = ctx.fmt
    rows = []
    # Dates in the page's one style (isolated in Arabic); counts and scores stay plain numbers
    # so that a spreadsheet in any locale can sum them.
    for r in matrix.rows:
        row: list[Any] = [r.name, r.pseudonym, r.cohort_name, r.passed, r.attempts, fmt.when(r.last_at, empty="")]
        for m in matrix.modules:
            cell = r.cells.get(m.id, queries.EMPTY)
            row += [status[cell.status], cell.attempts,
                    None if cell.best_score is None else round(cell.best_score * 100, 1), fmt.when(cell.passed_at, empty="")]
        rows.append(row)
    return _csv(to_csv(header, rows), f"completion-{ctx.now.date().isoformat()}.csv")


def _csv(body: bytes, filename: str) -> Response:
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


# --- one learner ---------------------------------------------------------------------------------


def learner_page(ctx: Ctx) -> Response:
    key = ctx.request.query_params.get("key") or ""
    who, progress, attempts = queries.learner_detail(ctx.db, ctx.scope, key)
    modules = _catalogue(ctx)
    titles = {m.id: m.title(ctx.t.lang) for m in modules}
    shown = [m for m in modules if m.id in progress] + [m for m in modules if m.id not in progress]
    return ctx.page(
        "learner.html",
        title=who["name"],
        who=who,
        modules=shown,
        progress=progress,
        attempts=attempts,
        titles=titles,
        status_labels=STATUS_LABELS,
        status_icons=charts.STATUS_ICONS,
    )


# --- modules and questions ---------------------------------------------------------------------------


def _question_context(ctx: Ctx):
    modules = _catalogue(ctx)
    params = ctx.params()
    filters, bad = _filters(ctx, modules)
    cohort_ids = queries.stats_cohorts(ctx.db, ctx.scope, filters)
    module_id = params.get("module") or None
    if module_id is not None and module_id not in {m.id for m in modules}:
        module_id = None
        bad.append("module")
    return modules, filters, bad, cohort_ids, module_id, filters.language


def questions_page(ctx: Ctx) -> Response:
    modules, filters, bad, cohort_ids, module_id, language = _question_context(ctx)
    stats = queries.module_stats(ctx.db, cohort_ids)
    order = {m.id: i for i, m in enumerate(modules)}
    stats.sort(key=lambda s: (order.get(s.module_id, 10**6), s.language or ""))
    totals = queries.module_totals(stats)
    groups = [(totals[m], [s for s in stats if s.module_id == m]) for m in dict.fromkeys(s.module_id for s in stats)]
    questions = histogram = None
    module = next((m for m in modules if m.id == module_id), None)
    if module is not None:
        questions = queries.question_stats(ctx.db, cohort_ids, module.id, language)
        counts = queries.score_histogram(ctx.db, cohort_ids, module.id, language)
        if sum(counts):
            histogram = charts.histogram(
                counts,
                title=ctx._("Score distribution: {module}").format(module=module.title(ctx.t.lang)),
                desc=ctx._("Number of finished attempts in each score band of ten percentage points."),
                bin_labels=[ctx.fmt.ltr(f"{ctx.t.number(i * 10)}–{ctx.t.number((i + 1) * 10)}") for i in range(10)],
                count_label=lambda n: ctx.fmt.num(n, 0),
                marker=module.pass_mark,
                marker_label=ctx._("pass mark") if module.pass_mark is not None else "",
            )
    return ctx.page(
        "questions.html",
        title=ctx._("Questions"),
        modules=modules,
        titles={m.id: m.title(ctx.t.lang) for m in modules},
        groups=groups,
        module=module,
        language=language,
        filters=filters,
        bad=bad,
        questions=questions,
        histogram=histogram,
        cohorts=queries.cohorts(ctx.db, ctx.scope, archived=True),
        languages=queries.languages_seen(ctx.db, ctx.scope),
    )


def questions_csv(ctx: Ctx) -> Response:
    modules, filters, _bad, cohort_ids, module_id, language = _question_context(ctx)
    _ = ctx._
    header = [_("Module"), _("Language"), _("Question id"), _("Question"), _("Answers"), _("Answered wrong"),
              _("Wrong (%)"), _("Wrong options chosen")]
    rows = []
    chosen = [m for m in modules if module_id in (None, m.id)]
    for m in chosen:
        langs = [language] if language else sorted({s.language for s in queries.module_stats(ctx.db, cohort_ids, module_id=m.id) if s.language})
        for lang in langs:
            for q in queries.question_stats(ctx.db, cohort_ids, m.id, lang):
                options = "; ".join(f"{o}{' (' + text + ')' if text else ''}: {n}" for o, text, n in q.wrong_options)
                rows.append([m.id, lang, q.question_id, q.text, q.answered, q.wrong, round(q.wrong_share * 100, 1), options])
    return _csv(to_csv(header, rows), f"questions-{ctx.now.date().isoformat()}.csv")


# --- accounts (administrators) -----------------------------------------------------------------------


def accounts_page(ctx: Ctx, *, error: str | None = None, status: int = 200) -> Response:
    return ctx.page(
        "accounts.html",
        status=status,
        title=ctx._("Accounts"),
        accounts=list_accounts(ctx.db),
        error=error,
        done=done_message(ctx),
        form=ctx.form,
    )


def login_page(ctx: Ctx, *, next_url: str, login_token: str, error: str | None = None, status: int = 200) -> Response:
    return ctx.page("login.html", status=status, title=ctx._("Sign in"), next_url=next_url,
                    login_token=login_token, error=error)

