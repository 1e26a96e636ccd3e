"""Summaries the dashboard reads, derived from quiz statements as they are stored.

Why derived tables: with 10,000 learners the server holds about a million statements; a
page must answer in well under a second, so no page may scan or parse them. The ingest
path calls `update_dashboard` inside the transaction that stores a batch, which turns the
batch into per-attempt, per-answer and per-learner-and-module rows.

Statements of one attempt may arrive in any order and across batches (a device syncs
whenever it finds a signal), so merging is order-independent: the earliest `attempted`,
the latest `passed`/`failed`, the latest answer per question. Voiding takes a fact back.
`rebuild` recreates everything from the statements, which stay the source of truth.

Statement shapes (trainer/core/xapi.py): verbs attempted/answered/passed/failed/completed;
object ids `<base>modules/<module>[/quiz[/questions/<question>]]`; `context.registration`
is the attempt id; `context.language`; `result.response` holds the chosen option ids
joined by `[,]`; `result.score.scaled` is the score.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, NamedTuple, Sequence

from ...core.xapi import VERBS

KINDS = {
    VERBS["attempted"]: "attempted",
    VERBS["answered"]: "answered",
    VERBS["passed"]: "result",
    VERBS["failed"]: "result",
    VERBS["completed"]: "completed",
}
_ACTIVITY = re.compile(r"/modules/(?P<module>[^/?#]+)(?:/quiz(?:/(?:questions/)?(?P<question>[^/?#]+))?)?/?$")
DERIVED_TABLES = ("dash_attempt", "dash_answer", "dash_progress", "dash_learner", "dash_question", "dash_module_name")


class Fact(NamedTuple):
    """What one statement says about an attempt, an answer or a module completion.

    (NamedTuples, not dataclasses: the ingest path builds one per statement.)
    """

    kind: str  # attempted | answered | result | completed
    statement_id: str
    actor_key: str
    module_id: str
    registration: str | None
    cohort_id: int | None
    question_id: str | None = None
    language: str | None = None
    at: str | None = None  # the device's timestamp, UTC text
    passed: int | None = None
    score: float | None = None
    correct: int | None = None
    response: str | None = None


class Attempt(NamedTuple):
    actor_key: str
    module_id: str
    registration: str
    cohort_id: int | None = None
    language: str | None = None
    started_at: str | None = None
    started_id: str | None = None
    finished_at: str | None = None
    result_id: str | None = None
    passed: int | None = None
    score: float | None = None
    last_at: str | None = None
    attempt_no: int | None = None
    first_pass: int = 0

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.actor_key, self.module_id, self.registration)

    @property
    def began(self) -> str:
        """When the attempt started, as best known (for ordering a learner's attempts)."""
        return self.started_at or self.finished_at or self.last_at or ""


ATTEMPT_COLUMNS = Attempt._fields


def parse_activity(iri: str | None) -> tuple[str, str | None] | None:
    """(module id, question id or None) from an activity IRI under any base; None if not ours."""
    if not iri:
        return None
    m = _ACTIVITY.search(iri)
    if not m:
        return None
    return m.group("module"), m.group("question")


def fact_of(statement_id: str, row: dict, cohort_id: int | None) -> Fact | None:
    """The dashboard fact in one statement's index columns (canonical.index_row), if any."""
    kind = KINDS.get(row.get("verb_id"))
    actor_key = row.get("actor_key")
    parsed = parse_activity(row.get("activity_id"))
    if kind is None or not actor_key or parsed is None:
        return None
    module_id, question_id = parsed
    registration = row.get("registration")
    if kind == "answered" and (question_id is None or not registration):
        return None
    if kind in ("attempted", "result") and (question_id is not None or not registration):
        return None
    if kind == "completed" and question_id is not None:
        return None
    success = row.get("success")
    return Fact(
        kind=kind,
        statement_id=statement_id,
        actor_key=actor_key,
        module_id=module_id,
        registration=registration,
        cohort_id=cohort_id,
        question_id=question_id if kind == "answered" else None,
        language=row.get("language"),
        at=row.get("timestamp"),
        passed=(1 if row["verb_id"] == VERBS["passed"] else 0) if kind == "result" else None,
        score=row.get("score_scaled") if kind == "result" else None,
        correct=None if kind != "answered" or success is None else int(bool(success)),
        response=row.get("response") if kind == "answered" else None,
    )


def _order(at: str | None, sid: str | None) -> tuple[str, str]:
    return (at or "", sid or "")


def merge_attempt(existing: Attempt | None, facts: Iterable[Fact]) -> Attempt:
    """An attempt row with more of its statements folded in; the order they come in never matters."""
    facts = sorted(facts, key=lambda f: _order(f.at, f.statement_id))
    a = existing or Attempt(facts[0].actor_key, facts[0].module_id, facts[0].registration or "", cohort_id=facts[0].cohort_id)
    cohort_id, language, last_at = a.cohort_id, a.language, a.last_at
    started = (a.started_at, a.started_id)
    result = (a.finished_at, a.result_id, a.passed, a.score)
    for f in facts:
        if cohort_id is None:
            cohort_id = f.cohort_id
        if language is None:
            language = f.language
        if f.at and (last_at is None or f.at > last_at):
            last_at = f.at
        if f.kind == "attempted" and (started[1] is None or _order(f.at, f.statement_id) < _order(*started)):
            started = (f.at, f.statement_id)
        elif f.kind == "result" and (result[1] is None or _order(f.at, f.statement_id) > _order(result[0], result[1])):
            result = (f.at, f.statement_id, f.passed, f.score)
    return Attempt(a.actor_key, a.module_id, a.registration, cohort_id, language, started[0], started[1],
                   result[0], result[1], result[2], result[3], last_at, a.attempt_no, a.first_pass)


@dataclass(frozen=True)
class Progress:
    """One learner's standing in one module, as the completion matrix shows it."""

    attempts: int
    passed: int
    best_score: float | None
    first_passed_at: str | None
    attempts_to_pass: int | None
    last_at: str | None


def summarise_pair(attempts: Sequence[Attempt]) -> tuple[Progress, list[tuple[str, int, int]]]:
    """Progress from a learner's attempts at one module, and each attempt's (registration, number, first pass)."""
    ordered = sorted(attempts, key=lambda a: (a.began, a.registration))
    numbering = []
    first_pass: Attempt | None = None
    for n, a in enumerate(ordered, start=1):
        is_first = first_pass is None and a.passed == 1
        if is_first:
            first_pass = a
        numbering.append((a.registration, n, 1 if is_first else 0))
    scores = [a.score for a in ordered if a.score is not None]
    lasts = [a.last_at for a in ordered if a.last_at]
    progress = Progress(
        attempts=len(ordered),
        passed=1 if first_pass else 0,
        best_score=max(scores) if scores else None,
        first_passed_at=(first_pass.finished_at or first_pass.last_at) if first_pass else None,
        attempts_to_pass=next((n for _, n, fp in numbering if fp), None),
        last_at=max(lasts) if lasts else None,
    )
    return progress, numbering


# --- writing -----------------------------------------------------------------------------

_INSERT_ATTEMPT = (
    f"INSERT OR REPLACE INTO dash_attempt ({', '.join(ATTEMPT_COLUMNS)}) "
    f"VALUES ({', '.join('?' * len(ATTEMPT_COLUMNS))})"
)
_SELECT_ATTEMPT = f"SELECT {', '.join(ATTEMPT_COLUMNS)} FROM dash_attempt"
_UPSERT_ANSWER = (
    "INSERT INTO dash_answer (registration, question_id, statement_id, actor_key, module_id, language, "
    "cohort_id, correct, response, answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (actor_key, module_id, registration, question_id) DO UPDATE SET statement_id = excluded.statement_id, "
    "language = excluded.language, "
    "cohort_id = excluded.cohort_id, correct = excluded.correct, response = excluded.response, "
    "answered_at = excluded.answered_at "
    "WHERE (COALESCE(excluded.answered_at, ''), excluded.statement_id) "
    "> (COALESCE(dash_answer.answered_at, ''), dash_answer.statement_id)"
)
_UPSERT_COMPLETED = (
    "INSERT INTO dash_progress (actor_key, module_id, completed_at, completed_id) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (actor_key, module_id) DO UPDATE SET completed_at = excluded.completed_at, "
    "completed_id = excluded.completed_id WHERE dash_progress.completed_id IS NULL "
    "OR (COALESCE(excluded.completed_at, ''), excluded.completed_id) "
    "< (COALESCE(dash_progress.completed_at, ''), dash_progress.completed_id)"
)
_UPSERT_PROGRESS = (
    "INSERT INTO dash_progress (actor_key, module_id, attempts, passed, best_score, first_passed_at, "
    "attempts_to_pass, last_at, cohort_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (actor_key, module_id) DO UPDATE SET attempts = excluded.attempts, passed = excluded.passed, "
    "best_score = excluded.best_score, first_passed_at = excluded.first_passed_at, "
    "attempts_to_pass = excluded.attempts_to_pass, last_at = excluded.last_at, cohort_id = excluded.cohort_id"
)
_UPSERT_LEARNER = (
    "INSERT INTO dash_learner (actor_key, cohort_id, passed, attempts, last_at) "
    "SELECT actor_key, ?, SUM(passed), SUM(attempts), MAX(last_at) FROM dash_progress WHERE actor_key = ? "
    "GROUP BY actor_key ON CONFLICT (actor_key) DO UPDATE SET cohort_id = excluded.cohort_id, "
    "passed = excluded.passed, attempts = excluded.attempts, last_at = excluded.last_at"
)


def _learner_cohorts(conn: sqlite3.Connection, actor_keys: Iterable[str]) -> dict[str, int | None]:
    """Each learner's current cohort (the server's learner table: the cohort of their latest device)."""
    out = {}
    for a in actor_keys:
        row = conn.execute("SELECT cohort_id FROM learner WHERE actor_key = ?", (a,)).fetchone()
        out[a] = row[0] if row else None
    return out


def _refresh_learners(conn: sqlite3.Connection, cohorts: dict[str, int | None]) -> None:
    """Per-learner totals, and the learner's cohort on all their rows (a learner may change device)."""
    conn.executemany(
        "UPDATE dash_progress SET cohort_id = ? WHERE actor_key = ? AND cohort_id IS NOT ?",
        [(c, a, c) for a, c in cohorts.items()],
    )
    conn.executemany(_UPSERT_LEARNER, [(c, a) for a, c in cohorts.items()])
    conn.executemany(
        "DELETE FROM dash_learner WHERE actor_key = ? AND NOT EXISTS (SELECT 1 FROM dash_progress WHERE actor_key = ?)",
        [(a, a) for a in cohorts],
    )


def _attempt(row: Sequence) -> Attempt:
    return Attempt(*row)


def apply_facts(conn: sqlite3.Connection, facts: Iterable[Fact]) -> set[tuple[str, str]]:
    """Fold facts into the summary rows; returns the (learner, module) pairs to refresh."""
    by_attempt: dict[tuple[str, str, str], list[Fact]] = defaultdict(list)
    answers = []
    completions = []
    for f in facts:
        if f.kind == "completed":
            completions.append((f.actor_key, f.module_id, f.at, f.statement_id))
            continue
        by_attempt[(f.actor_key, f.module_id, f.registration or "")].append(f)
        if f.kind == "answered":
            answers.append(
                (f.registration, f.question_id, f.statement_id, f.actor_key, f.module_id, f.language,
                 f.cohort_id, f.correct, f.response, f.at)
            )
    merged = []
    for key, group in by_attempt.items():
        row = conn.execute(
            _SELECT_ATTEMPT + " WHERE actor_key = ? AND module_id = ? AND registration = ?", key
        ).fetchone()
        merged.append(merge_attempt(_attempt(row) if row else None, group))
    if merged:
        conn.executemany(_INSERT_ATTEMPT, merged)
    if answers:
        conn.executemany(_UPSERT_ANSWER, answers)
    if completions:
        conn.executemany(_UPSERT_COMPLETED, completions)
    return {(a, m) for a, m, _ in by_attempt} | {(a, m) for a, m, _, _ in completions}


def refresh_progress(conn: sqlite3.Connection, pairs: Iterable[tuple[str, str]]) -> None:
    """Recompute the learner-and-module rows (and attempt numbers) for the given pairs, and their learners' totals."""
    pairs = list(pairs)
    cohorts = _learner_cohorts(conn, {a for a, _ in pairs})
    progress_rows = []
    numbering_rows = []
    empty = []
    for actor_key, module_id in pairs:
        attempts = [
            _attempt(r)
            for r in conn.execute(_SELECT_ATTEMPT + " WHERE actor_key = ? AND module_id = ?", (actor_key, module_id))
        ]
        if not attempts:
            empty.append((actor_key, module_id))
            continue
        p, numbering = summarise_pair(attempts)
        progress_rows.append(
            (actor_key, module_id, p.attempts, p.passed, p.best_score, p.first_passed_at, p.attempts_to_pass, p.last_at,
             cohorts[actor_key])
        )
        known = {a.registration: (a.attempt_no, a.first_pass) for a in attempts}
        numbering_rows.extend(
            (n, fp, actor_key, module_id, reg) for reg, n, fp in numbering if known[reg] != (n, fp)
        )
    if progress_rows:
        conn.executemany(_UPSERT_PROGRESS, progress_rows)
    if numbering_rows:
        conn.executemany(
            "UPDATE dash_attempt SET attempt_no = ?, first_pass = ? WHERE actor_key = ? AND module_id = ? "
            "AND registration = ?",
            numbering_rows,
        )
    if empty:
        conn.executemany(
            "UPDATE dash_progress SET attempts = 0, passed = 0, best_score = NULL, first_passed_at = NULL, "
            "attempts_to_pass = NULL, last_at = NULL WHERE actor_key = ? AND module_id = ?",
            empty,
        )
        conn.executemany(
            "DELETE FROM dash_progress WHERE actor_key = ? AND module_id = ? AND completed_id IS NULL", empty
        )
    _refresh_learners(conn, cohorts)


def definitions_of(fact: Fact, statement: dict) -> tuple[str, tuple] | None:
    """Question wording (answered) or module names (attempted/result) carried by a statement."""
    obj = statement.get("object") or {}
    d = obj.get("definition") or {}
    names = d.get("name") or {}
    if fact.kind == "answered":
        lang = fact.language or next(iter(names), "")
        text = names.get(lang) or next(iter(names.values()), None)
        options = []
        for c in d.get("choices") or ():
            desc = c.get("description") or {}
            options.append([c.get("id"), desc.get(lang) or next(iter(desc.values()), "")])
        pattern = d.get("correctResponsesPattern") or [None]
        return "question", (
            fact.module_id, fact.question_id, lang, text,
            json.dumps(options, ensure_ascii=False), pattern[0],
        )
    if fact.kind in ("attempted", "result") and names:
        return "module", tuple((fact.module_id, lang, name) for lang, name in names.items() if isinstance(name, str))
    return None


def save_definitions(conn: sqlite3.Connection, found: Iterable[tuple[str, tuple]]) -> None:
    questions: dict[tuple, tuple] = {}
    modules: dict[tuple, tuple] = {}
    for kind, value in found:
        if kind == "question":
            questions[value[:3]] = value
        else:
            for v in value:
                modules[v[:2]] = v
    if questions:
        conn.executemany(
            "INSERT OR REPLACE INTO dash_question (module_id, question_id, language, text, options, correct) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            questions.values(),
        )
    if modules:
        conn.executemany(
            "INSERT OR REPLACE INTO dash_module_name (module_id, language, name) VALUES (?, ?, ?)", modules.values()
        )


def take_back(conn: sqlite3.Connection, statement_ids: Sequence[str]) -> set[tuple[str, str]]:
    """Remove what voided statements had contributed; returns the pairs to refresh."""
    pairs: set[tuple[str, str]] = set()
    cols = "id, verb_id, actor_key, activity_id, registration, language, timestamp, cohort_id"
    for start in range(0, len(statement_ids), 500):
        chunk = list(statement_ids[start : start + 500])
        q = f"SELECT {cols} FROM statement WHERE id IN ({','.join('?' * len(chunk))})"
        for sid, verb_id, actor_key, activity_id, registration, language, ts, cohort in conn.execute(q, chunk):
            row = {"verb_id": verb_id, "actor_key": actor_key, "activity_id": activity_id,
                   "registration": registration, "language": language, "timestamp": ts}
            f = fact_of(sid, row, cohort)
            if f is None:
                continue
            key = (f.actor_key, f.module_id, f.registration)
            if f.kind == "answered":
                conn.execute(
                    "DELETE FROM dash_answer WHERE actor_key = ? AND module_id = ? AND registration = ? "
                    "AND question_id = ? AND statement_id = ?",
                    (*key, f.question_id, sid),
                )
            elif f.kind == "attempted":
                conn.execute(
                    "UPDATE dash_attempt SET started_at = NULL, started_id = NULL "
                    "WHERE actor_key = ? AND module_id = ? AND registration = ? AND started_id = ?",
                    (*key, sid),
                )
            elif f.kind == "result":
                conn.execute(
                    "UPDATE dash_attempt SET finished_at = NULL, result_id = NULL, passed = NULL, score = NULL "
                    "WHERE actor_key = ? AND module_id = ? AND registration = ? AND result_id = ?",
                    (*key, sid),
                )
            else:
                conn.execute(
                    "UPDATE dash_progress SET completed_at = NULL, completed_id = NULL "
                    "WHERE actor_key = ? AND module_id = ? AND completed_id = ?",
                    (f.actor_key, f.module_id, sid),
                )
            if f.kind != "completed":
                conn.execute(
                    "DELETE FROM dash_attempt WHERE actor_key = ? AND module_id = ? AND registration = ? "
                    "AND started_id IS NULL AND result_id IS NULL AND NOT EXISTS "
                    "(SELECT 1 FROM dash_answer a WHERE a.actor_key = dash_attempt.actor_key "
                    "AND a.module_id = dash_attempt.module_id AND a.registration = dash_attempt.registration)",
                    key,
                )
            pairs.add((f.actor_key, f.module_id))
    return pairs


def _voided_in(conn: sqlite3.Connection, targets: list[str], new_ids: list[str]) -> list[str]:
    """Which statements this batch voided, or which new ones arrived already voided."""
    found = []
    for start in range(0, len(new_ids), 500):
        chunk = new_ids[start : start + 500]
        found += [
            r[0]
            for r in conn.execute(
                "SELECT object_statement_id FROM statement WHERE object_statement_id IN "
                f"({','.join('?' * len(chunk))}) AND is_voiding = 1",
                chunk,
            )
        ]
    candidates = list(dict.fromkeys([*targets, *found]))
    out = []
    for start in range(0, len(candidates), 500):
        chunk = candidates[start : start + 500]
        out += [
            r[0]
            for r in conn.execute(
                f"SELECT id FROM statement WHERE id IN ({','.join('?' * len(chunk))}) AND voided = 1", chunk
            )
        ]
    return out


def update_dashboard(conn: sqlite3.Connection, cohort_id: int | None, batch: Sequence[Any]) -> None:
    """Ingest hook: fold a just-stored batch into the summaries, in the same transaction.

    `batch` holds the store's prepared statements (`.id`, `.row` = canonical.index_row,
    `.statement` = the statement dict); `cohort_id` is the sending device's cohort.
    """
    facts = []
    found = []
    worded: set[tuple] = set()
    targets = []
    new_ids = []
    for p in batch:
        row = p.row
        if row.get("is_voiding"):
            targets.append(row["object_statement_id"])
            continue
        new_ids.append(p.id)
        f = fact_of(p.id, row, cohort_id)
        if f is None:
            continue
        facts.append(f)
        # A batch repeats the same question wording for every learner; keep the first.
        wording_key = (f.module_id, f.question_id, f.language, f.kind == "answered")
        if f.kind != "completed" and wording_key not in worded:
            worded.add(wording_key)
            d = definitions_of(f, p.statement)
            if d:
                found.append(d)
    pairs = apply_facts(conn, facts) if facts else set()
    if found:
        save_definitions(conn, found)
    voided = _voided_in(conn, targets, new_ids)
    if voided:
        pairs |= take_back(conn, voided)
    if pairs:
        refresh_progress(conn, sorted(pairs))


# --- rebuilding from the statements -----------------------------------------------------------


def rebuild(db, *, chunk: int = 20_000) -> int:
    """Recreate every summary from the stored statements; returns how many facts were read.

    For a database that stored statements before the dashboard existed, or after the
    derivation rules change (`trainer admin rebuild-dashboard`).
    """
    conn = db.conn
    for table in DERIVED_TABLES:
        conn.execute(f"DELETE FROM {table}")
    verbs = list(KINDS)
    marks = ",".join("?" * len(verbs))
    cur = conn.execute(
        "SELECT id, cohort_id, verb_id, actor_key, activity_id, registration, language, timestamp, "
        f"score_scaled, success, response FROM statement WHERE voided = 0 AND is_voiding = 0 AND verb_id IN ({marks}) "
        "ORDER BY seq",
        verbs,
    )
    names = ("verb_id", "actor_key", "activity_id", "registration", "language", "timestamp",
             "score_scaled", "success", "response")
    n = 0
    while True:
        rows = cur.fetchmany(chunk)
        if not rows:
            break
        facts = [f for r in rows if (f := fact_of(r[0], dict(zip(names, r[2:])), r[1])) is not None]
        n += len(facts)
        # apply_facts reads attempt rows while `cur` is open; that is fine in SQLite
        apply_facts(conn, facts)
    refresh_all(conn)
    wording = conn.execute(
        "SELECT statement, cohort_id FROM statement WHERE seq IN (SELECT MAX(seq) FROM statement "
        "WHERE voided = 0 AND is_voiding = 0 AND verb_id IN (?, ?, ?, ?) GROUP BY activity_id, language)",
        [VERBS["answered"], VERBS["attempted"], VERBS["passed"], VERBS["failed"]],
    ).fetchall()
    found = []
    from ..canonical import index_row

    for text, cohort in wording:
        s = json.loads(text)
        f = fact_of(s["id"], index_row(s), cohort)
        d = f and definitions_of(f, s)
        if d:
            found.append(d)
    save_definitions(conn, found)
    return n


def refresh_all(conn: sqlite3.Connection, *, learners_per_step: int = 2000) -> None:
    """Recompute every learner-and-module row and learner total, a few thousand learners at a time."""
    last = ""
    while True:
        keys = [r[0] for r in conn.execute(
            "SELECT actor_key FROM (SELECT actor_key FROM dash_attempt UNION SELECT actor_key FROM dash_progress) "
            "WHERE actor_key > ? ORDER BY actor_key LIMIT ?",
            (last, learners_per_step),
        )]
        if not keys:
            return
        cohorts = _learner_cohorts(conn, keys)
        rows = conn.execute(
            _SELECT_ATTEMPT + " WHERE actor_key >= ? AND actor_key <= ? ORDER BY actor_key, module_id",
            (keys[0], keys[-1]),
        ).fetchall()
        group: list[Attempt] = []
        for row in rows:
            a = _attempt(row)
            if group and (group[0].actor_key, group[0].module_id) != (a.actor_key, a.module_id):
                _write_pair(conn, group, cohorts.get(group[0].actor_key))
                group = []
            group.append(a)
        if group:
            _write_pair(conn, group, cohorts.get(group[0].actor_key))
        _refresh_learners(conn, cohorts)
        last = keys[-1]


def _write_pair(conn: sqlite3.Connection, attempts: list[Attempt], cohort_id: int | None) -> None:
    p, numbering = summarise_pair(attempts)
    a0 = attempts[0]
    known = {a.registration: (a.attempt_no, a.first_pass) for a in attempts}
    conn.execute(_UPSERT_PROGRESS, (a0.actor_key, a0.module_id, p.attempts, p.passed, p.best_score,
                                    p.first_passed_at, p.attempts_to_pass, p.last_at, cohort_id))
    conn.executemany(
        "UPDATE dash_attempt SET attempt_no = ?, first_pass = ? WHERE actor_key = ? AND module_id = ? "
        "AND registration = ?",
        [(n, fp, a0.actor_key, a0.module_id, reg) for reg, n, fp in numbering if (n, fp) != known[reg]],
    )

