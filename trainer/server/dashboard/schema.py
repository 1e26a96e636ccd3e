"""The dashboard's tables: trainer accounts and sessions, and summaries derived from statements.

Its own migration set ("waymark-dashboard"), applied whenever the server database is opened,
next to the server's set. Migrations only ever add.

The summary tables are derived data: `summary.rebuild` can always recreate them from the
statements, so the statements stay the single source of truth.
"""

from __future__ import annotations

from sqlite_utils.migrations import Migrations

dashboard_migrations = Migrations("waymark-dashboard")


@dashboard_migrations()
def m001_accounts(db):
    db.execute(
        """
        CREATE TABLE dash_account (
            id INTEGER PRIMARY KEY,
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            display_name TEXT,
            password_hash TEXT NOT NULL,       -- scrypt$n$r$p$salt$hash
            role TEXT NOT NULL CHECK (role IN ('administrator', 'trainer')),
            created_at TEXT NOT NULL,
            disabled_at TEXT
        )
        """
    )
    # Which cohorts a trainer may see; administrators see every cohort without rows here.
    db.execute(
        """
        CREATE TABLE dash_cohort_trainer (
            cohort_id INTEGER NOT NULL REFERENCES cohort(id),
            account_id INTEGER NOT NULL REFERENCES dash_account(id),
            PRIMARY KEY (cohort_id, account_id)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX dash_cohort_trainer_account ON dash_cohort_trainer(account_id)")
    # Only a hash of the session token is stored: a copy of the database opens no session.
    db.execute(
        """
        CREATE TABLE dash_session (
            token_hash TEXT PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES dash_account(id),
            csrf TEXT NOT NULL,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX dash_session_account ON dash_session(account_id)")


@dashboard_migrations()
def m002_summaries(db):
    # One row per quiz attempt (xAPI context.registration), from its attempted, answered
    # and passed/failed statements, whichever arrive first. The *_id columns name the
    # statement each fact came from, so voiding that statement can take the fact back.
    db.execute(
        """
        CREATE TABLE dash_attempt (
            actor_key TEXT NOT NULL,
            module_id TEXT NOT NULL,
            registration TEXT NOT NULL,
            cohort_id INTEGER,
            language TEXT,
            started_at TEXT,
            started_id TEXT,
            finished_at TEXT,
            result_id TEXT,
            passed INTEGER,                    -- NULL while in progress
            score REAL,                        -- 0..1
            last_at TEXT,
            attempt_no INTEGER,                -- 1 = the learner's first attempt at the module
            first_pass INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (actor_key, module_id, registration)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        "CREATE INDEX dash_attempt_module ON dash_attempt"
        "(module_id, language, cohort_id, passed, score, attempt_no, first_pass)"
    )
    # One row per answered question in an attempt; the index covers the question report.
    db.execute(
        """
        CREATE TABLE dash_answer (
            registration TEXT NOT NULL,
            question_id TEXT NOT NULL,
            statement_id TEXT NOT NULL,
            actor_key TEXT NOT NULL,
            module_id TEXT NOT NULL,
            language TEXT,
            cohort_id INTEGER,
            correct INTEGER,
            response TEXT,                     -- chosen option ids joined by [,]
            answered_at TEXT,
            PRIMARY KEY (registration, question_id)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        "CREATE INDEX dash_answer_question ON dash_answer"
        "(module_id, language, cohort_id, question_id, correct, response)"
    )
    # One row per learner and module: what the completion matrix shows without filters.
    db.execute(
        """
        CREATE TABLE dash_progress (
            actor_key TEXT NOT NULL,
            module_id TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            passed INTEGER NOT NULL DEFAULT 0,
            best_score REAL,
            first_passed_at TEXT,
            attempts_to_pass INTEGER,
            last_at TEXT,
            completed_at TEXT,
            completed_id TEXT,
            PRIMARY KEY (actor_key, module_id)
        ) WITHOUT ROWID
        """
    )
    # Question and option wording as the devices last sent it (the server has no quiz files).
    db.execute(
        """
        CREATE TABLE dash_question (
            module_id TEXT NOT NULL,
            question_id TEXT NOT NULL,
            language TEXT NOT NULL,
            text TEXT,
            options TEXT,                      -- JSON [[id, text], ...]
            correct TEXT,                      -- the correct response pattern
            PRIMARY KEY (module_id, question_id, language)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE dash_module_name (
            module_id TEXT NOT NULL,
            language TEXT NOT NULL,
            name TEXT NOT NULL,
            PRIMARY KEY (module_id, language)
        ) WITHOUT ROWID
        """
    )


@dashboard_migrations()
def m003_backfill(db):
    """Superseded by m005_backfill, which runs after the tables m004 adds (kept: databases record it)."""


@dashboard_migrations()
def m004_fast_pages(db):
    # The learner's current cohort on each learner-and-module row, and one row of totals per
    # learner: the unfiltered completion matrix, its per-module summary and the overview then
    # read only index ranges, however many statements there are.
    db.execute("ALTER TABLE dash_progress ADD COLUMN cohort_id INTEGER")
    db.execute(
        "UPDATE dash_progress SET cohort_id = (SELECT l.cohort_id FROM learner l WHERE l.actor_key = dash_progress.actor_key)"
    )
    db.execute(
        "CREATE INDEX dash_progress_cohort ON dash_progress(cohort_id, module_id, passed, attempts, first_passed_at)"
    )
    db.execute(
        """
        CREATE TABLE dash_learner (
            actor_key TEXT PRIMARY KEY,
            cohort_id INTEGER,
            passed INTEGER NOT NULL DEFAULT 0,     -- modules passed
            attempts INTEGER NOT NULL DEFAULT 0,
            last_at TEXT
        ) WITHOUT ROWID
        """
    )
    db.execute(
        "INSERT INTO dash_learner (actor_key, cohort_id, passed, attempts, last_at) "
        "SELECT actor_key, MAX(cohort_id), SUM(passed), SUM(attempts), MAX(last_at) FROM dash_progress GROUP BY actor_key"
    )
    # Filtering the matrix by quiz language or by dates reads only the matching attempts.
    db.execute(
        "CREATE INDEX dash_attempt_language ON dash_attempt"
        "(language, actor_key, module_id, passed, score, finished_at, last_at)"
    )
    db.execute(
        "CREATE INDEX dash_attempt_began ON dash_attempt"
        "(COALESCE(started_at, finished_at, last_at), actor_key, module_id, passed, score, finished_at, last_at)"
    )


@dashboard_migrations()
def m005_backfill(db):
    """A server that stored statements before the dashboard existed gets its summaries now."""
    from .summary import rebuild

    if db.execute("SELECT 1 FROM dash_attempt LIMIT 1").fetchone() is None:
        rebuild(db)


@dashboard_migrations()
def m006_answers_by_learner(db):
    """Answers keyed by learner first: one device's batch then writes a few pages, not hundreds.

    SQLite cannot change a primary key in place; the rows are copied into the new table
    before the old one is dropped (the usual table rebuild, as sqlite-utils' transform does).
    """
    db.execute(
        """
        CREATE TABLE dash_answer_by_learner (
            registration TEXT NOT NULL,
            question_id TEXT NOT NULL,
            statement_id TEXT NOT NULL,
            actor_key TEXT NOT NULL,
            module_id TEXT NOT NULL,
            language TEXT,
            cohort_id INTEGER,
            correct INTEGER,
            response TEXT,
            answered_at TEXT,
            PRIMARY KEY (actor_key, module_id, registration, question_id)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        "INSERT INTO dash_answer_by_learner SELECT registration, question_id, statement_id, actor_key, module_id, "
        "language, cohort_id, correct, response, answered_at FROM dash_answer"
    )
    db.execute("DROP TABLE dash_answer")
    db.execute("ALTER TABLE dash_answer_by_learner RENAME TO dash_answer")
    db.execute(
        "CREATE INDEX dash_answer_question ON dash_answer"
        "(module_id, language, cohort_id, question_id, correct, response)"
    )
