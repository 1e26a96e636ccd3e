"""Benchmark: the trainer dashboard with 1,000 and then 10,000 learners.

Seeds a server database with bulk SQL in one transaction (not through HTTP): cohorts of
500 learners, one device per learner, 10 modules x 3 attempts per learner, each attempt an
`attempted`, one `answered` per question and a `passed`/`failed` (plus `completed` after the
first pass), built by trainer/core/xapi.py with the index columns the server extracts. With
the default 2 questions per quiz that is about 1.3 million statements at 10,000 learners.
The dashboard's summaries are then derived with `summary.rebuild` (timed: it is also what a
server that existed before the dashboard runs once).

Each page is requested through the ASGI app in-process, signed in as an administrator (who
sees every cohort: the largest queries), warm-up first, then the median of --runs requests.
Targets: every page <= 300 ms; the completion CSV for 10,000 learners <= 2 s.
Also measured: the ingest hook's cost per 500-statement batch.

    python tests/bench/bench_dashboard.py [--learners 1000 10000] [--questions 2] [--runs 5]
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from fastapi.testclient import TestClient  # noqa: E402

from trainer.core.xapi import AnswerFacts, XapiConfig, attempt_statements, completion_statement  # noqa: E402
from trainer.server.app import create_app  # noqa: E402
from trainer.server.canonical import index_row  # noqa: E402
from trainer.server.config import ServerConfig  # noqa: E402
from trainer.server.dashboard import accounts  # noqa: E402
from trainer.server.dashboard.summary import rebuild, update_dashboard  # noqa: E402
from trainer.server.db import open_server_db  # noqa: E402
from trainer.server.store import STATEMENT_COLUMNS, prepare  # noqa: E402

MODULES = (
    "understanding-trafficking", "indicators-identification", "trauma-informed-communication",
    "labour-inspection", "border-identification", "referral-protection", "data-protection", "self-care",
    "debt-bondage", "recruitment-fees",
)
LANGS = ("en", "fr", "es", "ar", "pt", "ru")
COHORT_SIZE = 500
PASSWORD = "benchmark password"
CONFIG = XapiConfig()
HOME = "http://127.0.0.1:8765/devices"
T0 = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)


def statements_for(learner_no: int, rng: random.Random, questions: int) -> list[dict]:
    """What one learner's device sends: 3 attempts at each module, a pass more likely each time."""
    learner_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    lang = LANGS[learner_no % len(LANGS)]
    name = f"Learner {learner_no}" if learner_no % 3 else f"متدرب {learner_no}"
    out = []
    day = T0 + timedelta(hours=learner_no % 2000)
    for m, module_id in enumerate(MODULES):
        passed_once = False
        for k in range(3):
            answers = []
            for q in range(questions):
                correct = rng.random() < 0.55 + 0.15 * k
                chosen = ["a"] if correct else [rng.choice("bcd")]
                answers.append(AnswerFacts(f"q{q + 1}", f"Question {q + 1} of {module_id}", [("a", "Right"), ("b", "Wrong b"), ("c", "Wrong c"), ("d", "Wrong d")],
                                           ["a"], chosen, 1.0 if correct else 0.0, correct))
            score = sum(a.score for a in answers) / max(1, len(answers))
            start = day + timedelta(days=m * 3 + k, minutes=rng.randint(0, 600))
            batch = attempt_statements(
                config=CONFIG, learner_id=learner_id, module_id=module_id, module_version="1.0.0",
                module_names={lang: module_id.replace("-", " ").capitalize()}, lang=lang,
                attempt_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)), answers=answers, score=score,
                passed=score >= 0.8, started_at=start, submitted_at=start + timedelta(minutes=12),
                new_id=lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            )
            if score >= 0.8 and not passed_once:
                passed_once = True
                batch.append(completion_statement(
                    config=CONFIG, learner_id=learner_id, module_id=module_id, module_version="1.0.0",
                    module_names={lang: module_id}, lang=lang, completed_at=start + timedelta(minutes=13),
                    new_id=lambda: str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                ))
            for s in batch:
                s["actor"]["name"] = name
            out.extend(batch)
    return out


def seed(db, first: int, last: int, questions: int, rng: random.Random) -> int:
    """Learners first..last-1 with their cohorts, devices and statements, in one transaction."""
    conn = db.conn
    stored = "2026-03-01T12:00:00.000Z"
    n = 0
    seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM statement").fetchone()[0]
    insert = f"INSERT INTO statement ({', '.join(STATEMENT_COLUMNS)}) VALUES ({', '.join('?' * len(STATEMENT_COLUMNS))})"
    conn.execute("BEGIN")
    for learner_no in range(first, last):
        cohort_id = learner_no // COHORT_SIZE + 1
        if learner_no % COHORT_SIZE == 0:
            conn.execute("INSERT INTO cohort (id, name, created_at) VALUES (?, ?, ?)",
                         [cohort_id, f"Cohort {cohort_id}", "2026-01-01T00:00:00Z"])
        device = f"d-{learner_no:08d}"
        recent = learner_no % 10 != 0  # every tenth device has gone silent
        conn.execute(
            "INSERT INTO device (id, cohort_id, label, secret_hash, enrolled_at, last_sync_at, last_seen_at, "
            "statements_received, pending_count, rejected_count, reported_at) VALUES (?, ?, ?, 'x', ?, ?, ?, 0, ?, 0, ?)",
            [device, cohort_id, f"phone {learner_no}", "2026-01-02T00:00:00Z",
             (datetime.now(timezone.utc) - timedelta(days=1 if recent else 30)).isoformat(), stored,
             learner_no % 7, stored],
        )
        rows = []
        for s in statements_for(learner_no, rng, questions):
            seq += 1
            r = index_row(s)
            s["stored"] = stored
            rows.append((seq, s["id"], stored, device, cohort_id, r["actor_key"], r["verb_id"], r["object_type"],
                         r["activity_id"], r["object_agent_key"], r["object_statement_id"], r["is_voiding"],
                         r["parent_id"], r["registration"], r["language"], r["timestamp"], r["score_scaled"],
                         r["success"], r["completion"], r["response"],
                         json.dumps(s, ensure_ascii=False, separators=(",", ":"))))
        conn.executemany(insert, rows)
        s = rows[0]
        conn.execute(
            "INSERT INTO learner (actor_key, account_name, display_name, cohort_id, device_id, first_seen_at, last_seen_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [s[5], s[5].rsplit("|", 1)[1], json.loads(s[20])["actor"]["name"], cohort_id, device, stored, stored],
        )
        n += len(rows)
    conn.execute("COMMIT")
    return n


def timed(client: TestClient, url: str, runs: int) -> tuple[float, int]:
    r = client.get(url)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        r = client.get(url)
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000, len(r.content)


def pages(first_learner_key: str) -> list[tuple[str, str]]:
    from urllib.parse import quote

    return [
        ("overview (all cohorts)", "/dashboard/"),
        ("cohort page (500 devices)", "/dashboard/cohorts/1"),
        ("completion, all learners", "/dashboard/completion"),
        ("completion, sorted by passed", "/dashboard/completion?sort=passed&desc=1"),
        ("completion, sorted by a module", "/dashboard/completion?sort=module:labour-inspection&desc=1"),
        ("completion, page 20", "/dashboard/completion?page=20"),
        ("completion, one cohort", "/dashboard/completion?cohort=1"),
        ("completion, language fr", "/dashboard/completion?language=fr"),
        ("completion, date range", "/dashboard/completion?from=2026-01-10&to=2026-01-20"),
        ("completion, audience border", "/dashboard/completion?audience=border"),
        ("learner detail", "/dashboard/learner?key=" + quote(first_learner_key, safe="")),
        ("questions, all modules", "/dashboard/questions"),
        ("questions, one module", "/dashboard/questions?module=labour-inspection"),
        ("questions, module + language", "/dashboard/questions?module=labour-inspection&language=ar"),
        ("questions CSV, one module", "/dashboard/questions.csv?module=labour-inspection"),
        ("completion CSV, everyone", "/dashboard/completion.csv"),
    ]


def login(client: TestClient, username: str) -> None:
    r = client.get("/dashboard/login")
    token = r.text.split('name="login_token" value="')[1].split('"')[0]
    r = client.post("/dashboard/login", data={"username": username, "password": PASSWORD, "login_token": token},
                    follow_redirects=False)
    assert r.status_code == 303, r.text


def hook_cost(db, questions: int, rng: random.Random, batches: int = 20) -> float:
    """Median time the ingest hook adds to one 500-statement batch (inside a rolled-back transaction)."""
    statements = []
    k = 10**6
    while len(statements) < 500 * batches:
        statements.extend(statements_for(k, rng, questions))
        k += 1
    times = []
    conn = db.conn
    for b in range(batches):
        prepared = prepare(copy.deepcopy(statements[b * 500 : (b + 1) * 500]))
        conn.execute("BEGIN")
        t = time.perf_counter()
        update_dashboard(conn, 1, prepared)
        times.append(time.perf_counter() - t)
        conn.execute("ROLLBACK")
    return statistics.median(times) * 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--learners", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--questions", type=int, default=2, help="questions per quiz (answered statements per attempt)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--dir", default=None, help="where to put the database (default: a temporary folder)")
    args = ap.parse_args()

    folder = Path(args.dir or tempfile.mkdtemp(prefix="waymark-bench-"))
    db_path = folder / "dashboard-bench.db"
    if db_path.exists():
        db_path.unlink()
    db = open_server_db(db_path)
    db.execute("PRAGMA synchronous = NORMAL")
    admin = accounts.create_account(db, "admin", PASSWORD, role="administrator")
    del admin
    rng = random.Random(20260301)
    results: dict[int, dict[str, float]] = {}
    seeded = 0
    total_statements = 0
    print(f"database: {db_path}")
    for target in sorted(args.learners):
        t = time.perf_counter()
        total_statements += seed(db, seeded, target, args.questions, rng)
        seeded = target
        t_seed = time.perf_counter() - t
        t = time.perf_counter()
        with db.atomic():
            facts = rebuild(db)
        t_rebuild = time.perf_counter() - t
        db.execute("ANALYZE")
        size = db_path.stat().st_size / 1e6
        print(f"\n{target:,} learners: {total_statements:,} statements (seeded in {t_seed:.1f} s); "
              f"summaries rebuilt from {facts:,} facts in {t_rebuild:.1f} s; database {size:,.0f} MB")
        first_key = db.execute("SELECT actor_key FROM learner ORDER BY rowid LIMIT 1").fetchone()[0]
        app = create_app(ServerConfig(db_path=db_path))
        with TestClient(app) as client:
            login(client, "admin")
            results[target] = {}
            for label, url in pages(first_key):
                ms, size_b = timed(client, url, args.runs)
                results[target][label] = ms
                target_ms = 2000 if "completion CSV" in label else 300
                flag = "ok" if ms <= target_ms else "OVER TARGET"
                print(f"  {label:<34} {ms:8.1f} ms  {size_b / 1024:8.0f} KB  (target {target_ms} ms: {flag})")
        print(f"  ingest hook per 500-statement batch: {hook_cost(db, args.questions, rng):.1f} ms (median of 20)")
    if len(results) > 1:
        lo, hi = min(results), max(results)
        print(f"\ngrowth from {lo:,} to {hi:,} learners (x{hi / lo:.0f} data):")
        for label in results[lo]:
            a, b = results[lo][label], results[hi][label]
            print(f"  {label:<34} {a:8.1f} -> {b:8.1f} ms   x{b / a:.1f}")
    db.conn.close()
    if not args.dir:
        for p in folder.glob("dashboard-bench.db*"):
            p.unlink()


if __name__ == "__main__":
    main()
