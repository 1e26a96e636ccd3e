"""`trainer admin create-trainer` and friends: dashboard accounts from the command line.

The first account has to come from here (nobody can sign in to create it). Passwords are
asked for twice without echo, or read from standard input with --password-stdin (for
scripts), never taken as a command-line argument where `ps` and shell history would show it.
"""

from __future__ import annotations

import argparse
import getpass
import sys
import time
from pathlib import Path

from ..db import default_db_path, open_server_db
from . import accounts
from .summary import rebuild


def _db(args: argparse.Namespace):
    return open_server_db(Path(args.db) if args.db else default_db_path())


def _password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password (at least %d characters): " % accounts.MIN_PASSWORD)
    if first != getpass.getpass("The same password again: "):
        print("error: the two passwords differ", file=sys.stderr)
        return None
    return first


def cmd_create_trainer(args: argparse.Namespace) -> int:
    db = _db(args)
    role = args.role or ("administrator" if accounts.count_accounts(db) == 0 else "trainer")
    for cohort_id in args.cohort or []:
        if not db.execute("SELECT 1 FROM cohort WHERE id = ?", [cohort_id]).fetchone():
            print(f"error: there is no cohort {cohort_id}", file=sys.stderr)
            return 2
    password = _password(args)
    if password is None:
        return 2
    try:
        account = accounts.create_account(db, args.username, password, role=role, display_name=args.name)
    except accounts.AccountError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for cohort_id in args.cohort or []:
        accounts.assign(db, account.id, cohort_id)
    cohorts = f"; cohorts {', '.join(map(str, args.cohort))}" if args.cohort else ""
    print(f"{role} account {account.username!r} created{cohorts}. Sign in at <server>/dashboard/")
    return 0


def cmd_set_password(args: argparse.Namespace) -> int:
    password = _password(args)
    if password is None:
        return 2
    try:
        accounts.set_password(_db(args), args.username, password)
    except accounts.AccountError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"password of {args.username!r} changed; its sessions were signed out")
    return 0


def cmd_assign_trainer(args: argparse.Namespace) -> int:
    db = _db(args)
    account = accounts.get_account(db, args.username)
    if account is None:
        print(f"error: there is no account {args.username!r}", file=sys.stderr)
        return 2
    if not db.execute("SELECT 1 FROM cohort WHERE id = ?", [args.cohort]).fetchone():
        print(f"error: there is no cohort {args.cohort}", file=sys.stderr)
        return 2
    if args.remove:
        accounts.unassign(db, account.id, args.cohort)
        print(f"{account.username} no longer sees cohort {args.cohort}")
    else:
        accounts.assign(db, account.id, args.cohort)
        print(f"{account.username} now sees cohort {args.cohort}")
    return 0


def cmd_list_trainers(args: argparse.Namespace) -> int:
    rows = accounts.list_accounts(_db(args))
    if not rows:
        print("(none)")
    for r in rows:
        state = " (disabled)" if r["disabled_at"] else ""
        print(f"{r['username']}\t{r['role']}{state}\t{r['display_name'] or ''}\t{r['cohorts'] or ''}")
    return 0


def cmd_rebuild(args: argparse.Namespace) -> int:
    db = _db(args)
    t0 = time.perf_counter()
    with db.atomic():
        n = rebuild(db)
    print(f"dashboard summaries rebuilt from {n} quiz statements in {time.perf_counter() - t0:.1f} s")
    return 0


def _db_option(p: argparse.ArgumentParser) -> None:
    import os

    p.add_argument("--db", default=os.getenv("WAYMARK_SERVER_DB"),
                   help="server database file (default: $WAYMARK_SERVER_DB or ./waymark-server.db)")


def add_admin_commands(admin: argparse.ArgumentParser) -> None:
    """Add the dashboard's sub-commands to `trainer admin` (the parser the server's CLI built)."""
    sub = next(a for a in admin._actions if isinstance(a, argparse._SubParsersAction))

    p = sub.add_parser("create-trainer", help="create a dashboard account (the first one is an administrator)")
    _db_option(p)
    p.add_argument("username", help="the sign-in name of the new account")
    p.add_argument("--name", default=None, help="the name shown on the dashboard (default: the username)")
    p.add_argument("--role", choices=accounts.ROLES, default=None,
                   help="administrator sees everything; trainer sees own cohorts (default: administrator for the first account, else trainer)")
    p.add_argument("--cohort", type=int, action="append", help="a cohort this trainer sees (repeat for more; default: none)")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input instead of asking at the terminal")
    p.set_defaults(func=cmd_create_trainer)

    p = sub.add_parser("set-password", help="change a dashboard account's password")
    _db_option(p)
    p.add_argument("username", help="the account whose password changes")
    p.add_argument("--password-stdin", action="store_true", help="read the new password from standard input instead of asking at the terminal")
    p.set_defaults(func=cmd_set_password)

    p = sub.add_parser("assign-trainer", help="let a trainer see a cohort (or --remove)")
    _db_option(p)
    p.add_argument("username", help="the trainer's account")
    p.add_argument("cohort", type=int, help="cohort id (see list-cohorts)")
    p.add_argument("--remove", action="store_true", help="take the cohort away from the trainer instead")
    p.set_defaults(func=cmd_assign_trainer)

    p = sub.add_parser("list-trainers", help="list dashboard accounts and their cohorts")
    _db_option(p)
    p.set_defaults(func=cmd_list_trainers)

    p = sub.add_parser("rebuild-dashboard", help="recreate the dashboard's summaries from the stored statements")
    _db_option(p)
    p.set_defaults(func=cmd_rebuild)
