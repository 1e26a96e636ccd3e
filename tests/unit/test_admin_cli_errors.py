"""`trainer admin` mistakes as a person at a terminal (or a script) meets them: each ends in one
line on stderr that names what is wrong and what to do, a non-zero exit, and no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from trainer.server.db import open_server_db
from trainer.server.dashboard import accounts

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "a long enough password"


def admin(*args: str, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """`trainer admin ...` in its own process, with no terminal (stdin is a pipe)."""
    environ = {k: v for k, v in os.environ.items() if k not in ("WAYMARK_SERVER_DB", "WAYMARK_PUBLIC_URL")}
    environ.update(PYTHONPATH=str(ROOT), **(env or {}))
    return subprocess.run([sys.executable, "-m", "trainer", "admin", *args], input=stdin or "", capture_output=True,
                          text=True, timeout=60, env=environ)


def one_line_error(r: subprocess.CompletedProcess, *words: str) -> str:
    assert r.returncode != 0, r.stdout
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    line = lines[0]
    assert line.startswith("error: ")
    for w in words:
        assert w in line, line
    return line


@pytest.fixture
def server_db(tmp_path) -> Path:
    path = tmp_path / "server.db"
    db = open_server_db(path)
    accounts.create_account(db, "root", PASSWORD, role="administrator")
    db.execute("INSERT INTO cohort (name, created_at) VALUES ('North', '2026-12-01T00:00:00Z')")
    db.conn.commit()
    db.conn.close()
    return path


def test_create_trainer_without_a_terminal_says_use_password_stdin(server_db):
    line = one_line_error(admin("create-trainer", "amina", "--db", str(server_db)), "no terminal", "--password-stdin")
    assert "password" in line


def test_create_trainer_with_an_existing_name_refuses_before_any_password_prompt(server_db):
    # No password on stdin and no terminal: had it prompted first, the error would be about the terminal.
    line = one_line_error(admin("create-trainer", "ROOT", "--db", str(server_db)), "already an account", "'root'")
    assert "set-password root" in line


def test_create_trainer_with_an_impossible_name_refuses_before_the_prompt(server_db):
    one_line_error(admin("create-trainer", "a b", "--db", str(server_db)), "cannot be a user name")


def test_password_stdin_with_nothing_piped_in(server_db):
    one_line_error(admin("create-trainer", "amina", "--db", str(server_db), "--password-stdin"), "standard input")


def test_short_password_says_what_to_do(server_db):
    one_line_error(admin("create-trainer", "amina", "--db", str(server_db), "--password-stdin", stdin="short\n"),
                   "at least 10 characters", "longer")


def test_created_account_prints_the_real_server_address(server_db):
    r = admin("create-trainer", "amina", "--db", str(server_db), "--password-stdin", stdin=PASSWORD + "\n",
              env={"WAYMARK_PUBLIC_URL": "http://192.168.1.10:8765/"})
    assert r.returncode == 0, r.stderr
    assert "Sign in at http://192.168.1.10:8765/dashboard/" in r.stdout and "<server>" not in r.stdout
    r = admin("create-trainer", "omar", "--db", str(server_db), "--password-stdin", stdin=PASSWORD + "\n")
    assert "Sign in at http://127.0.0.1:8765/dashboard/" in r.stdout


@pytest.mark.parametrize("command", [
    ["list-cohorts"], ["create-cohort", "South"], ["list-devices"], ["create-trainer", "amina", "--password-stdin"],
    ["rebuild-dashboard"], ["enrolment-sheet", "--cohort", "1", "-o", "sheet.html", "--server-url", "http://192.168.1.10:8765"],
])
def test_a_db_that_does_not_exist_is_refused_unless_create(tmp_path, command):
    typo = tmp_path / "sever.db"
    r = admin(*command, "--db", str(typo), stdin=PASSWORD + "\n")
    one_line_error(r, str(typo), "--create", "--db")
    assert not typo.exists()


def test_create_makes_a_new_database(tmp_path):
    path = tmp_path / "new" / "server.db"
    r = admin("create-cohort", "North", "--db", str(path), "--create")
    assert r.returncode == 0, r.stderr
    assert "cohort 1: North" in r.stdout and path.is_file()


def test_a_file_that_is_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("not sqlite at all " * 100)
    one_line_error(admin("list-cohorts", "--db", str(path)), str(path), "--db")


def test_backup_to_a_missing_folder(server_db, tmp_path):
    dest = tmp_path / "no-such-folder" / "copy.db"
    one_line_error(admin("backup", "--to", str(dest), "--db", str(server_db)), "does not exist", "mkdir -p", str(dest.parent))
    assert not dest.exists()


def test_backup_onto_an_existing_file_or_a_folder(server_db, tmp_path):
    existing = tmp_path / "old.db"
    existing.write_bytes(b"keep me")
    one_line_error(admin("backup", "--to", str(existing), "--db", str(server_db)), "already exists")
    assert existing.read_bytes() == b"keep me"
    one_line_error(admin("backup", "--to", str(tmp_path), "--db", str(server_db)), "is a folder")


def test_backup_of_a_missing_database(tmp_path):
    one_line_error(admin("backup", "--to", str(tmp_path / "b.db"), "--db", str(tmp_path / "none.db")), "no server database")


def test_backup_works(server_db, tmp_path):
    r = admin("backup", "--to", str(tmp_path / "copy.db"), "--db", str(server_db))
    assert r.returncode == 0, r.stderr
    assert accounts.get_account(open_server_db(tmp_path / "copy.db"), "root") is not None


def test_unknown_cohort_account_code_and_device(server_db):
    db = ["--db", str(server_db)]
    one_line_error(admin("create-code", "--cohort", "9", *db), "no cohort 9", "list-cohorts")
    one_line_error(admin("assign-trainer", "nobody", "1", *db), "no account", "list-trainers")
    one_line_error(admin("set-password", "nobody", "--password-stdin", *db, stdin=PASSWORD + "\n"), "no account")
    one_line_error(admin("revoke-code", "ZZZZ", *db), "list-codes")
    one_line_error(admin("revoke-device", "d-nothing", *db), "list-devices")
