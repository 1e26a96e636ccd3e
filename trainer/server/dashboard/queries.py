"""What the dashboard pages and exports show, computed from the summary tables.

Every function takes a `Scope` (the cohorts the signed-in account may see) and never returns
anything outside it: access control is part of the query, not a check after it. Nothing here
reads screening data; it never reaches the server.

Definitions used throughout (and in the tests' hand-computed figures):
- an attempt is *finished* when its passed/failed statement has arrived;
- a learner's module is *passed* once any attempt passed; *failed* (not passed) when at least
  one attempt finished and none passed, shown with the best score and the attempts used;
  *in progress* when attempts began but none finished yet; *not started* otherwise. An attempt
  is known to have finished by its score (only passed/failed statements carry one), so the
  unfiltered matrix reads it from the maintained best score without touching attempts;
- pass rate = passed attempts / finished attempts; average score over finished attempts;
- attempts to pass = the number of the learner's first passing attempt, averaged over the
  learners who passed.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable, Mapping

import sqlite_utils

from .modules import ModuleInfo

NOT_STARTED, IN_PROGRESS, FAILED, PASSED = "not_started", "in_progress", "failed", "passed"
STATES = (PASSED, FAILED, IN_PROGRESS, NOT_STARTED)
PAGE_SIZE = 50
SORTS = ("name", "cohort", "passed", "attempts", "last")
RESPONSE_SEPARATOR = "[,]"


class NotVisible(LookupError):
    """The thing asked for does not exist or is outside the account's cohorts (both look alike)."""


@dataclass(frozen=True)
class Scope:
    """The cohorts an account may see; `cohorts=None` means all of them (administrators)."""

    cohorts: tuple[int, ...] | None

    def allows(self, cohort_id: int | None) -> bool:
        return self.cohorts is None or cohort_id in self.cohorts


@dataclass(frozen=True)
class Filters:
    cohort: int | None = None
    language: str | None = None
    audience: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "name"
    descending: bool = False
    page: int = 1
    archived: bool = False

    @property
    def by_attempt(self) -> bool:
        """Language and dates select attempts, so cells are counted from attempts, not from the totals."""
        return bool(self.language or self.date_from or self.date_to)

    def as_params(self, **override: Any) -> dict[str, str]:
        """The query string that reproduces these filters (for links that change one thing)."""
        values = {
            "cohort": self.cohort, "language": self.language, "audience": self.audience,
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "sort": None if self.sort == "name" else self.sort, "desc": "1" if self.descending else None,
            "page": None if self.page == 1 else self.page, "archived": "1" if self.archived else None,
        }
        values.update(override)
        return {k: str(v) for k, v in values.items() if v not in (None, "")}


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isascii() and text.isdigit() and len(text) < 10 else None  # not "¹"


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def parse_filters(params: Mapping[str, str], *, languages: Iterable[str] = (), module_ids: Iterable[str] = ()) -> tuple[Filters, list[str]]:
    """Filters from a query string, and the names of parameters that were ignored as invalid."""
    bad = []
    cohort = _int(params.get("cohort"))
    if params.get("cohort") and cohort is None:
        bad.append("cohort")
    language = params.get("language") or None
    if language is not None and len(language) > 35:
        bad.append("language")
        language = None
    audience = params.get("audience") or None
    if audience not in (None, "all", "labour-inspection", "border"):
        bad.append("audience")
        audience = None
    d_from, d_to = _date(params.get("from")), _date(params.get("to"))
    for name, value in (("from", d_from), ("to", d_to)):
        if params.get(name) and value is None:
            bad.append(name)
    if d_from and d_to and d_from > d_to:
        d_from, d_to = d_to, d_from
    sort = params.get("sort") or "name"
    modules = set(module_ids)
    if sort not in SORTS and not (sort.startswith("module:") and sort[7:] in modules):
        if not sort.startswith("module:") or not modules:
            bad.append("sort")
            sort = "name"
    page = _int(params.get("page")) or 1
    return (
        Filters(cohort, language, audience, d_from, d_to, sort, params.get("desc") == "1", max(1, page),
                params.get("archived") == "1"),
        bad,
    )


# --- cohorts --------------------------------------------------------------------------------


def cohorts(db: sqlite_utils.Database, scope: Scope, *, archived: bool = True) -> list[dict]:
    sql = "SELECT id, name, created_at, archived_at FROM cohort"
    args: list = []
    where = []
    if scope.cohorts is not None:
        where.append(f"id IN ({','.join('?' * len(scope.cohorts))})")
        args += scope.cohorts
    if not archived:
        where.append("archived_at IS NULL")
    if where:
        sql += " WHERE " + " AND ".join(where)
    return list(db.query(sql + " ORDER BY archived_at IS NOT NULL, name COLLATE NOCASE", args))


def cohort(db: sqlite_utils.Database, scope: Scope, cohort_id: int) -> dict:
    if not scope.allows(cohort_id):
        raise NotVisible(f"cohort {cohort_id}")
    rows = list(db.query("SELECT id, name, created_at, archived_at FROM cohort WHERE id = ?", [cohort_id]))
    if not rows:
        raise NotVisible(f"cohort {cohort_id}")
    return rows[0]


def selected_cohorts(db: sqlite_utils.Database, scope: Scope, filters: Filters) -> list[int]:
    """The cohorts a page covers: the chosen one (if visible) or every visible one."""
    if filters.cohort is not None:
        return [cohort(db, scope, filters.cohort)["id"]]
    return [c["id"] for c in cohorts(db, scope, archived=filters.archived)]


def _in(ids: Iterable[Any]) -> tuple[str, list]:
    ids = list(ids)
    return "(" + ",".join("?" * len(ids)) + ")" if ids else "(NULL)", ids


def cohort_counts(db: sqlite_utils.Database, cohort_ids: list[int]) -> dict[int, dict]:
    """Learners and devices per cohort, for the overview."""
    marks, args = _in(cohort_ids)
    out: dict[int, dict] = {c: {"learners": 0, "devices": 0} for c in cohort_ids}
    for cid, n in db.execute(f"SELECT cohort_id, COUNT(*) FROM learner WHERE cohort_id IN {marks} GROUP BY cohort_id", args):
        out[cid]["learners"] = n
    for cid, n in db.execute(
        f"SELECT cohort_id, COUNT(*) FROM device WHERE cohort_id IN {marks} AND revoked_at IS NULL GROUP BY cohort_id", args
    ):
        out[cid]["devices"] = n
    return out


# --- devices and codes -------------------------------------------------------------------------


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


def is_stale(device: Mapping[str, Any], now: datetime, days: float) -> bool:
    """A live device that has not synced for `days` (counted from enrolment if it never did)."""
    if device.get("revoked_at"):
        return False
    last = _parse_time(device.get("last_sync_at")) or _parse_time(device.get("enrolled_at"))
    return last is None or now - last > timedelta(days=days)


def devices(db: sqlite_utils.Database, cohort_id: int, *, now: datetime, stale_days: float) -> list[dict]:
    from ..enrolment import list_devices

    out = []
    for d in list_devices(db, cohort_id):
        d = dict(d)
        d["stale"] = is_stale(d, now, stale_days)
        out.append(d)
    out.sort(key=lambda d: (bool(d["revoked_at"]), not d["stale"], d["last_sync_at"] or ""))
    return out


def code_state(code: Mapping[str, Any], now: datetime) -> str:
    """active | expired | withdrawn | used (all uses taken)."""
    if code.get("revoked_at"):
        return "withdrawn"
    expires = _parse_time(code.get("expires_at"))
    if expires is not None and now >= expires:
        return "expired"
    if code.get("max_uses") is not None and code.get("uses", 0) >= code["max_uses"]:
        return "used"
    return "active"


# --- completion matrix ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    status: str
    attempts: int = 0
    best_score: float | None = None
    passed_at: str | None = None
    last_at: str | None = None


EMPTY = Cell(NOT_STARTED)


@dataclass
class LearnerRow:
    actor_key: str
    name: str
    pseudonym: str
    cohort_id: int
    cohort_name: str
    passed: int
    attempts: int
    last_at: str | None
    cells: dict[str, Cell] = field(default_factory=dict)


@dataclass
class Matrix:
    modules: list[ModuleInfo]
    rows: list[LearnerRow]
    total: int
    page: int
    pages: int
    summary: dict[str, dict[str, int]]


def pseudonym(account_name: str | None, actor_key: str) -> str:
    """A short stable label for a learner whose device sent no name (learners are pseudonymous)."""
    base = account_name or actor_key.rsplit("|", 1)[-1]
    return base[:8]


def learner_name(display_name: str | None, account_name: str | None, actor_key: str) -> str:
    return display_name or pseudonym(account_name, actor_key)


def _cell(attempts: int, passed: int, finished: int, best: float | None, passed_at: str | None, last_at: str | None) -> Cell:
    if passed:
        status = PASSED
    elif attempts and finished:
        status = FAILED
    elif attempts:
        status = IN_PROGRESS
    else:
        status = NOT_STARTED
    return Cell(status, attempts, best, passed_at, last_at)


def _cells_sql(filters: Filters, where: str, args: list) -> tuple[str, list]:
    """Per learner-and-module cells: from the totals, or counted from attempts when filtered."""
    if not filters.by_attempt:
        return (
            "SELECT actor_key, module_id, attempts, passed, best_score IS NOT NULL AS finished, best_score, "
            f"first_passed_at, last_at FROM dash_progress WHERE attempts > 0 AND {where}",
            args,
        )
    conds = [where]
    args = list(args)
    if filters.language:
        conds.append("language = ?")
        args.append(filters.language)
    began = "COALESCE(started_at, finished_at, last_at)"  # the expression dash_attempt_began indexes
    if filters.date_from:
        conds.append(f"{began} >= ?")
        args.append(filters.date_from.isoformat())
    if filters.date_to:
        conds.append(f"{began} < ?")
        args.append((filters.date_to + timedelta(days=1)).isoformat())
    return (
        "SELECT actor_key, module_id, COUNT(*) AS attempts, COALESCE(MAX(passed = 1), 0) AS passed, "
        "COUNT(passed) AS finished, MAX(score) AS best_score, MIN(CASE WHEN passed = 1 THEN finished_at END) AS first_passed_at, "
        f"MAX(last_at) AS last_at FROM dash_attempt WHERE {' AND '.join(conds)} GROUP BY actor_key, module_id",
        args,
    )


def matrix_modules(catalogue: list[ModuleInfo], filters: Filters) -> list[ModuleInfo]:
    return [m for m in catalogue if m.matches_audience(filters.audience)]


def _order_by(filters: Filters) -> str:
    d = "DESC" if filters.descending else "ASC"
    name = "COALESCE(l.display_name, l.account_name) COLLATE NOCASE"
    if filters.sort == "cohort":
        return f"c.name COLLATE NOCASE {d}, {name}, l.actor_key"
    if filters.sort == "passed":
        return f"n_passed {d}, n_attempts {d}, {name}, l.actor_key"
    if filters.sort == "attempts":
        return f"n_attempts {d}, {name}, l.actor_key"
    if filters.sort == "last":
        return f"last_at IS NULL, last_at {d}, {name}, l.actor_key"
    if filters.sort.startswith("module:"):
        return f"m_rank {d}, m_attempts {d}, {name}, l.actor_key"
    return f"{name} {d}, l.actor_key"


# Sorting by a module: not started, in progress, failed, passed (a score means an attempt finished).
_MODULE_RANK = ("COALESCE(CASE WHEN sm.passed = 1 THEN 3 WHEN sm.best_score IS NOT NULL THEN 2 "
                "WHEN sm.attempts > 0 THEN 1 END, 0) AS m_rank, "
                "COALESCE(sm.attempts, 0) AS m_attempts")


def completion(
    db: sqlite_utils.Database, scope: Scope, filters: Filters, catalogue: list[ModuleInfo], *,
    page_size: int | None = PAGE_SIZE,
) -> Matrix:
    """The completion matrix: one page of learners (all of them with page_size=None), sorted.

    Without filters on attempts it reads the maintained totals (dash_learner, and
    dash_progress by cohort): index ranges only. Filters on language or dates count the
    matching attempts. "Last activity" is the learner's latest activity in any module
    unless the attempts are filtered.
    """
    cohort_ids = selected_cohorts(db, scope, filters)
    modules = matrix_modules(catalogue, filters)
    module_ids = [m.id for m in modules]
    c_marks, c_args = _in(cohort_ids)
    m_marks, m_args = _in(module_ids)
    sort_module = filters.sort[7:] if filters.sort.startswith("module:") else None
    sort_args = [sort_module] if sort_module else []
    limit, limit_args = ("LIMIT ? OFFSET ?", [page_size, (filters.page - 1) * page_size]) if page_size else ("", [])
    if not filters.by_attempt:
        # Totals per learner are maintained; modules hidden by the audience filter are
        # subtracted (there are few of them), so this reads index ranges only.
        hidden = [m.id for m in catalogue if m.id not in set(module_ids)]
        cells_sql, cells_args = _cells_sql(filters, f"cohort_id IN {c_marks} AND module_id IN {m_marks}", [*c_args, *m_args])
        rank_cols = _MODULE_RANK if sort_module else "0 AS m_rank, 0 AS m_attempts"
        join = "LEFT JOIN dash_progress sm ON sm.actor_key = l.actor_key AND sm.module_id = ?" if sort_module else ""
        h_marks, h_args = _in(hidden)
        minus = (
            f"LEFT JOIN (SELECT actor_key, SUM(passed) AS passed, SUM(attempts) AS attempts FROM dash_progress "
            f"WHERE cohort_id IN {c_marks} AND module_id IN {h_marks} GROUP BY actor_key) x ON x.actor_key = l.actor_key"
            if hidden else ""
        )
        sql = f"""
            SELECT l.actor_key, l.display_name, l.account_name, l.cohort_id, c.name,
                   COALESCE(t.passed, 0) - {'COALESCE(x.passed, 0)' if hidden else '0'} AS n_passed,
                   COALESCE(t.attempts, 0) - {'COALESCE(x.attempts, 0)' if hidden else '0'} AS n_attempts,
                   t.last_at AS last_at, {rank_cols}
            FROM learner l JOIN cohort c ON c.id = l.cohort_id
            LEFT JOIN dash_learner t ON t.actor_key = l.actor_key {minus} {join}
            WHERE l.cohort_id IN {c_marks}
            ORDER BY {_order_by(filters)} {limit}
        """
        args = [*(c_args + h_args if hidden else []), *sort_args, *c_args, *limit_args]
        rows = db.execute(sql, args).fetchall()
        total = _count(db, f"SELECT COUNT(*) FROM learner WHERE cohort_id IN {c_marks}", c_args)
        return _matrix(db, filters, modules, rows, total, cells_sql, cells_args, page_size)
    # Count the matching attempts once into a temporary table; the page, the
    # totals and the per-module summary all read it. DDL keeps the connection in autocommit.
    if _all_cohorts(db, cohort_ids):
        in_cohorts, in_args = "1", []
    else:
        in_cohorts, in_args = f"actor_key IN (SELECT actor_key FROM learner WHERE cohort_id IN {c_marks})", c_args
    source_sql, source_args = _cells_sql(filters, f"{in_cohorts} AND module_id IN {m_marks}", [*in_args, *m_args])
    db.execute("DROP TABLE IF EXISTS temp.dash_cells")
    db.execute(f"CREATE TEMP TABLE dash_cells AS {source_sql}", source_args)
    try:
        return _from_cells(db, filters, modules, cohort_ids, sort_module, limit, limit_args, page_size)
    finally:
        db.execute("DROP TABLE IF EXISTS temp.dash_cells")


def _matrix(db, filters: Filters, modules: list[ModuleInfo], rows: list, total: int, cells_sql: str, cells_args: list,
            page_size: int | None) -> Matrix:
    """Learner rows with their cells, and the per-module summary, from a cells query."""
    module_ids = [m.id for m in modules]
    out = [
        LearnerRow(r[0], learner_name(r[1], r[2], r[0]), pseudonym(r[2], r[0]), r[3], r[4], r[5], r[6], r[7])
        for r in rows
    ]
    if out:
        by_key = {r.actor_key: r for r in out}
        if page_size:
            k_marks, k_args = _in(by_key)
            page_sql, page_args = f"SELECT * FROM ({cells_sql}) WHERE actor_key IN {k_marks}", [*cells_args, *k_args]
        else:
            page_sql, page_args = cells_sql, cells_args
        for actor_key, module_id, attempts, passed, finished, best, passed_at, last_at in db.execute(page_sql, page_args):
            if actor_key in by_key:
                by_key[actor_key].cells[module_id] = _cell(attempts, passed, finished, best, passed_at, last_at)
    summary = _summary(db, cells_sql, cells_args, module_ids, total)
    pages = max(1, -(-total // page_size)) if page_size else 1
    return Matrix(modules, out, total, min(filters.page, pages), pages, summary)


def _all_cohorts(db, cohort_ids: list[int]) -> bool:
    return len(set(cohort_ids)) == db.execute("SELECT COUNT(*) FROM cohort").fetchone()[0]


def _from_cells(db, filters: Filters, modules: list[ModuleInfo], cohort_ids: list[int], sort_module: str | None,
                limit: str, limit_args: list, page_size: int | None) -> Matrix:
    c_marks, c_args = _in(cohort_ids)
    join = "LEFT JOIN temp.dash_cells sm ON sm.actor_key = l.actor_key AND sm.module_id = ?" if sort_module else ""
    only_active = "AND per.actor_key IS NOT NULL" if filters.by_attempt else ""
    db.execute("CREATE INDEX temp.dash_cells_key ON dash_cells(actor_key, module_id)")
    sql = f"""
        WITH per AS (SELECT actor_key, SUM(passed) AS n_passed, SUM(attempts) AS n_attempts, MAX(last_at) AS last_at
                     FROM temp.dash_cells GROUP BY actor_key)
        SELECT l.actor_key, l.display_name, l.account_name, l.cohort_id, c.name,
               COALESCE(per.n_passed, 0) AS n_passed, COALESCE(per.n_attempts, 0) AS n_attempts,
               per.last_at AS last_at, {_MODULE_RANK if sort_module else "0 AS m_rank, 0 AS m_attempts"}
        FROM learner l JOIN cohort c ON c.id = l.cohort_id
        LEFT JOIN per ON per.actor_key = l.actor_key {join}
        WHERE l.cohort_id IN {c_marks} {only_active}
        ORDER BY {_order_by(filters)} {limit}
    """
    rows = db.execute(sql, [*([sort_module] if sort_module else []), *c_args, *limit_args]).fetchall()
    in_scope = f"actor_key IN (SELECT actor_key FROM learner WHERE cohort_id IN {c_marks})"
    if filters.by_attempt:
        total = _count(db, f"SELECT COUNT(DISTINCT actor_key) FROM temp.dash_cells WHERE {in_scope}", c_args)
    else:
        total = _count(db, f"SELECT COUNT(*) FROM learner WHERE cohort_id IN {c_marks}", c_args)
    return _matrix(db, filters, modules, rows, total, f"SELECT * FROM temp.dash_cells WHERE {in_scope}", c_args, page_size)


def _count(db, sql: str, args: list) -> int:
    return db.execute(sql, args).fetchone()[0]


def _summary(db, cells_sql: str, cells_args: list, module_ids: list[str], total: int) -> dict[str, dict[str, int]]:
    """Passed / failed / in progress / not started per module among the learners counted."""
    out = {m: {PASSED: 0, FAILED: 0, IN_PROGRESS: 0, NOT_STARTED: total} for m in module_ids}
    for module_id, n_passed, n_failed, n_progress in db.execute(
        f"SELECT module_id, SUM(passed = 1), SUM(passed = 0 AND finished > 0), SUM(passed = 0 AND finished = 0) "
        f"FROM ({cells_sql}) GROUP BY module_id", cells_args
    ):
        if module_id in out:
            out[module_id] = {PASSED: n_passed, FAILED: n_failed, IN_PROGRESS: n_progress,
                              NOT_STARTED: total - n_passed - n_failed - n_progress}
    return out


# --- one learner ---------------------------------------------------------------------------------


@dataclass
class AttemptView:
    registration: str
    module_id: str
    number: int | None
    language: str | None
    started_at: str | None
    finished_at: str | None
    passed: int | None
    score: float | None
    answered: int = 0
    wrong: list[dict] = field(default_factory=list)


def learner(db: sqlite_utils.Database, scope: Scope, actor_key: str) -> dict:
    rows = list(
        db.query(
            "SELECT l.actor_key, l.display_name, l.account_name, l.cohort_id, c.name AS cohort_name, "
            "l.first_seen_at, l.last_seen_at FROM learner l JOIN cohort c ON c.id = l.cohort_id WHERE l.actor_key = ?",
            [actor_key],
        )
    )
    if not rows or not scope.allows(rows[0]["cohort_id"]):
        raise NotVisible("learner")
    row = rows[0]
    row["name"] = learner_name(row["display_name"], row["account_name"], actor_key)
    row["pseudonym"] = pseudonym(row["account_name"], actor_key)
    return row


def learner_detail(db: sqlite_utils.Database, scope: Scope, actor_key: str) -> tuple[dict, dict[str, dict], list[AttemptView]]:
    """A learner, their standing per module, and their attempts with the questions they got wrong."""
    who = learner(db, scope, actor_key)
    progress = {
        r["module_id"]: r for r in db.query("SELECT * FROM dash_progress WHERE actor_key = ?", [actor_key])
    }
    attempts = [
        AttemptView(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7])
        for r in db.execute(
            "SELECT registration, module_id, attempt_no, language, started_at, finished_at, passed, score "
            "FROM dash_attempt WHERE actor_key = ? ORDER BY module_id, attempt_no, registration",
            [actor_key],
        )
    ]
    by_reg = {a.registration: a for a in attempts}
    if by_reg:
        wording = _question_texts(db, {(a.module_id, a.language) for a in attempts})
        for reg, qid, correct, response in db.execute(
            "SELECT registration, question_id, correct, response FROM dash_answer WHERE actor_key = ? "
            "ORDER BY module_id, registration, question_id",
            [actor_key],
        ):
            a = by_reg.get(reg)
            if a is None:
                continue
            a.answered += 1
            if correct == 0:
                text, options, _ = wording.get((a.module_id, qid, a.language), (None, {}, None))
                a.wrong.append({"question_id": qid, "text": text, "chosen": _option_labels(response, options)})
    return who, progress, attempts


def _question_texts(db, pairs: set[tuple[str, str | None]]) -> dict[tuple, tuple[str | None, dict, str | None]]:
    out = {}
    for module_id, lang in pairs:
        for qid, text, options, correct in db.execute(
            "SELECT question_id, text, options, correct FROM dash_question WHERE module_id = ? AND language = ?",
            [module_id, lang or ""],
        ):
            out[(module_id, qid, lang)] = (text, dict(json.loads(options or "[]")), correct)
    return out


def split_response(response: str | None) -> list[str]:
    return [o for o in (response or "").split(RESPONSE_SEPARATOR) if o]


def _option_labels(response: str | None, options: dict) -> list[dict]:
    return [{"id": o, "text": options.get(o)} for o in split_response(response)]


# --- modules and questions -----------------------------------------------------------------------


@dataclass
class ModuleStat:
    module_id: str
    language: str | None
    attempts: int
    finished: int
    passed: int
    average_score: float | None
    attempts_to_pass: float | None
    first_passes: int = 0  # learners whose first pass is among these attempts

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.finished if self.finished else None


def _scope_clause(cohort_ids: list[int] | None, column: str = "cohort_id") -> tuple[str, list]:
    if cohort_ids is None:
        return "1", []
    marks, args = _in(cohort_ids)
    return f"{column} IN {marks}", args


def stats_cohorts(db: sqlite_utils.Database, scope: Scope, filters: Filters) -> list[int] | None:
    """Cohorts the question statistics cover; None = every cohort (an administrator, no filter)."""
    if filters.cohort is not None:
        return [cohort(db, scope, filters.cohort)["id"]]
    if scope.cohorts is None and not filters.archived:
        return [c["id"] for c in cohorts(db, scope, archived=False)] if _any_archived(db) else None
    return [c["id"] for c in cohorts(db, scope, archived=filters.archived)]


def _any_archived(db) -> bool:
    return db.execute("SELECT 1 FROM cohort WHERE archived_at IS NOT NULL LIMIT 1").fetchone() is not None


def module_stats(
    db: sqlite_utils.Database, cohort_ids: list[int] | None, *, module_id: str | None = None, by_language: bool = True
) -> list[ModuleStat]:
    """Pass rate, average score and attempts to pass, per module (and language)."""
    where, args = _scope_clause(cohort_ids)
    if module_id:
        where += " AND module_id = ?"
        args.append(module_id)
    lang = "language" if by_language else "NULL"
    sql = (
        f"SELECT module_id, {lang}, COUNT(*), COUNT(passed), COUNT(CASE WHEN passed = 1 THEN 1 END), "
        "AVG(CASE WHEN passed IS NOT NULL THEN score END), AVG(CASE WHEN first_pass = 1 THEN attempt_no END), "
        "COUNT(CASE WHEN first_pass = 1 THEN 1 END) "
        f"FROM dash_attempt WHERE {where} GROUP BY module_id{', language' if by_language else ''}"
    )
    return [ModuleStat(*r) for r in db.execute(sql, args)]


def module_totals(stats: list[ModuleStat]) -> dict[str, ModuleStat]:
    """Per-language figures combined per module (weighted), without a second pass over the attempts."""
    out: dict[str, ModuleStat] = {}
    weights: dict[str, list[float]] = {}
    for s in stats:
        t = out.get(s.module_id) or ModuleStat(s.module_id, None, 0, 0, 0, None, None)
        w = weights.setdefault(s.module_id, [0.0, 0.0, 0.0])
        t.attempts += s.attempts
        t.finished += s.finished
        t.passed += s.passed
        if s.average_score is not None:
            w[0] += s.average_score * s.finished
        if s.attempts_to_pass is not None:
            # every learner who passed has exactly one first pass, counted in `passed` of some language
            w[1] += s.attempts_to_pass * s.first_passes
            w[2] += s.first_passes
        out[s.module_id] = t
    for module_id, t in out.items():
        w = weights[module_id]
        t.average_score = w[0] / t.finished if t.finished else None
        t.attempts_to_pass = w[1] / w[2] if w[2] else None
    return out


@dataclass
class QuestionStat:
    question_id: str
    text: str | None
    answered: int
    wrong: int
    wrong_options: list[tuple[str, str | None, int]]  # (option id, its text, times chosen in wrong answers)
    correct_pattern: str | None = None

    @property
    def wrong_share(self) -> float:
        return self.wrong / self.answered if self.answered else 0.0


def question_stats(
    db: sqlite_utils.Database, cohort_ids: list[int] | None, module_id: str, language: str | None
) -> list[QuestionStat]:
    """Questions of a module, most often answered wrong first, with the wrong options chosen."""
    where, args = _scope_clause(cohort_ids)
    where += " AND module_id = ?"
    args.append(module_id)
    if language:
        where += " AND language = ?"
        args.append(language)
    answered: Counter = Counter()
    wrong: Counter = Counter()
    chosen: dict[str, Counter] = defaultdict(Counter)
    for qid, correct, response, n in db.execute(
        f"SELECT question_id, correct, response, COUNT(*) FROM dash_answer WHERE {where} "
        "GROUP BY question_id, correct, response",
        args,
    ):
        answered[qid] += n
        if correct == 0:
            wrong[qid] += n
            for option in split_response(response):
                chosen[qid][option] += n
    wording = _question_wording(db, module_id, language)
    out = []
    for qid in answered:
        text, options, pattern = wording.get(qid, (None, {}, None))
        # In a wrong answer to a multiple-choice question some chosen options may be right;
        # only the options outside the correct response are the "wrong options chosen".
        right = set(split_response(pattern))
        picks = [(o, n) for o, n in chosen[qid].items() if o not in right]
        out.append(
            QuestionStat(
                qid, text, answered[qid], wrong[qid],
                [(o, options.get(o), n) for o, n in sorted(picks, key=lambda kv: (-kv[1], kv[0]))],
                pattern,
            )
        )
    out.sort(key=lambda q: (-q.wrong_share, -q.answered, q.question_id))
    return out


def _question_wording(db, module_id: str, language: str | None) -> dict[str, tuple[str | None, dict, str | None]]:
    """Wording in the language asked for; with all languages, English or any one language."""
    out: dict[str, tuple] = {}
    rows = db.execute(
        "SELECT question_id, language, text, options, correct FROM dash_question WHERE module_id = ? "
        "ORDER BY language = ? DESC, language = 'en' DESC, language",
        [module_id, language or "en"],
    ).fetchall()
    for qid, lang, text, options, correct in rows:
        if qid not in out and (language is None or lang == language):
            out[qid] = (text, dict(json.loads(options or "[]")), correct)
    return out


def score_histogram(
    db: sqlite_utils.Database, cohort_ids: list[int] | None, module_id: str, language: str | None, bins: int = 10
) -> list[int]:
    """How many finished attempts scored in each tenth (the last bin includes 100 %)."""
    where, args = _scope_clause(cohort_ids)
    where += " AND module_id = ? AND passed IS NOT NULL AND score IS NOT NULL"
    args.append(module_id)
    if language:
        where += " AND language = ?"
        args.append(language)
    counts = [0] * bins
    for b, n in db.execute(
        f"SELECT MIN(MAX(CAST(score * ? AS INTEGER), 0), ?), COUNT(*) FROM dash_attempt WHERE {where} GROUP BY 1",
        [bins, bins - 1, *args],
    ):
        counts[b] += n
    return counts


def languages_seen(db: sqlite_utils.Database, scope: Scope | None = None) -> list[str]:
    """Languages to filter by: for a trainer, only those their cohorts' attempts were made in
    (the list must not tell what other cohorts contain)."""
    if scope is None or scope.cohorts is None:
        return [r[0] for r in db.execute("SELECT DISTINCT language FROM dash_question ORDER BY language") if r[0]]
    marks, args = _in(list(scope.cohorts))
    return [
        r[0]
        for r in db.execute(f"SELECT DISTINCT language FROM dash_attempt WHERE cohort_id IN {marks} ORDER BY language", args)
        if r[0]
    ]


# --- completion over time ----------------------------------------------------------------------------


def passes_by_day(
    db: sqlite_utils.Database, cohort_ids: list[int], module_ids: list[str]
) -> dict[int, list[tuple[str, int]]]:
    """First passes per cohort and day (device dates), in date order."""
    c_marks, c_args = _in(cohort_ids)
    m_marks, m_args = _in(module_ids)
    out: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for cid, day, n in db.execute(
        "SELECT cohort_id, substr(first_passed_at, 1, 10) AS day, COUNT(*) FROM dash_progress "
        f"WHERE cohort_id IN {c_marks} AND module_id IN {m_marks} AND passed = 1 AND first_passed_at IS NOT NULL "
        "GROUP BY 1, 2 ORDER BY 1, 2",
        [*c_args, *m_args],
    ):
        out[cid].append((day, n))
    return dict(out)


def silent_devices(db: sqlite_utils.Database, cohort_ids: list[int], *, now: datetime, days: float) -> dict[int, int]:
    """How many live devices per cohort have not synced for `days` (the same rule as is_stale)."""
    c_marks, c_args = _in(cohort_ids)
    cutoff = (now - timedelta(days=days)).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
    return dict(db.execute(
        f"SELECT cohort_id, COUNT(*) FROM device WHERE cohort_id IN {c_marks} AND revoked_at IS NULL "
        "AND substr(COALESCE(last_sync_at, enrolled_at), 1, 19) < ? GROUP BY cohort_id",
        [*c_args, cutoff],
    ).fetchall())


def cumulative_share(daily: list[tuple[str, int]], denominator: int) -> list[tuple[str, float]]:
    """Running share of learner-module pairs passed, by day (0..1)."""
    out = []
    total = 0
    for day, n in daily:
        total += n
        out.append((day, total / denominator if denominator else 0.0))
    return out
