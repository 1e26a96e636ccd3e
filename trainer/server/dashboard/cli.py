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

from ..admin import DEFAULT_SERVER_URL, CliError, open_admin_db, server_url_of
from . import accounts
from .summary import rebuild

_db = open_admin_db


def _password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CliError("--password-stdin found nothing on standard input; pipe the password in, "
                           "e.g. printf '%s\\n' \"$PASSWORD\" | trainer admin ...")
        return line.rstrip("\r\n")
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CliError("there is no terminal to ask for the password; pipe it in with --password-stdin, "
                       "e.g. printf '%s\\n' \"$PASSWORD\" | trainer admin ... --password-stdin")
    try:
        first = getpass.getpass("Password (at least %d characters): " % accounts.MIN_PASSWORD)
        again = getpass.getpass("The same password again: ")
    except EOFError:
        raise CliError("the password prompt was closed; run the command again, or use --password-stdin") from None
    if first != again:
        raise CliError("the two passwords differ; run the command again")
    return first


def _account_problem(e: accounts.AccountError) -> str:
    hint = {
        "password": "choose a longer one",
        "username": "choose another user name",
        "exists": "choose another user name",
        "unknown": "see `trainer admin list-trainers`",
    }.get(e.reason, "")
    return f"{e}; {hint}" if hint else str(e)


def cmd_create_trainer(args: argparse.Namespace) -> int:
    db = _db(args)
    role = args.role or ("administrator" if accounts.count_accounts(db) == 0 else "trainer")
    for cohort_id in args.cohort or []:
        if not db.execute("SELECT 1 FROM cohort WHERE id = ?", [cohort_id]).fetchone():
            raise CliError(f"there is no cohort {cohort_id}; see `trainer admin list-cohorts`")
    # Everything that can be checked without the password is checked before asking for it.
    username = args.username.strip()
    if not accounts.USERNAME_RULE.match(username):
        raise CliError(f"{username!r} cannot be a user name: use 2-64 letters, digits, dots, dashes, "
                       "underscores or @, starting with a letter or digit")
    existing = accounts.get_account(db, username)
    if existing is not None:
        raise CliError(f"there is already an account {existing.username!r}; choose another user name, or change its "
                       f"password with `trainer admin set-password {existing.username}`")
    password = _password(args)
    try:
        account = accounts.create_account(db, username, password, role=role, display_name=args.name)
    except accounts.AccountError as e:
        raise CliError(_account_problem(e)) from None
    for cohort_id in args.cohort or []:
        accounts.assign(db, account.id, cohort_id)
    cohorts = f"; cohorts {', '.join(map(str, args.cohort))}" if args.cohort else ""
    print(f"{role} account {account.username!r} created{cohorts}. Sign in at {server_url_of(args)}/dashboard/")
    return 0


def cmd_set_password(args: argparse.Namespace) -> int:
    db = _db(args)
    if accounts.get_account(db, args.username) is None:
        raise CliError(f"there is no account {args.username!r}; see `trainer admin list-trainers`")
    password = _password(args)
    try:
        accounts.set_password(db, args.username, password)
    except accounts.AccountError as e:
        raise CliError(_account_problem(e)) from None
    print(f"password of {args.username!r} changed; its sessions were signed out")
    return 0


def cmd_assign_trainer(args: argparse.Namespace) -> int:
    db = _db(args)
    account = accounts.get_account(db, args.username)
    if account is None:
        raise CliError(f"there is no account {args.username!r}; see `trainer admin list-trainers`")
    if not db.execute("SELECT 1 FROM cohort WHERE id = ?", [args.cohort]).fetchone():
        raise CliError(f"there is no cohort {args.cohort}; see `trainer admin list-cohorts`")
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


def cmd_enrolment_sheet(args: argparse.Namespace) -> int:
    """A printable page of enrolment cards (QR code of the link, the code in large type)."""
    import os
    from datetime import datetime, timezone
    from pathlib import Path

    from ...core.i18n import Translator, known_languages
    from ..admin import enrol_link
    from ..enrolment import create_code, get_cohort
    from . import sheet

    server_url = (args.server_url or os.getenv("WAYMARK_PUBLIC_URL") or "").rstrip("/")
    if not server_url:
        raise CliError("the cards need the address phones use to reach the server; give --server-url, "
                       "e.g. --server-url http://192.168.1.10:8765 (the --public-url of `trainer serve`)")
    if args.lang not in known_languages():
        raise CliError(f"--lang must be one of {', '.join(known_languages())}")
    if not 1 <= args.copies <= sheet.MAX_COPIES:
        raise CliError(f"--copies must be between 1 and {sheet.MAX_COPIES}")
    out = Path(args.output)
    if out.is_dir():
        raise CliError(f"{out} is a folder; give -o a file name, e.g. {out / 'enrolment-sheet.html'}")
    if not out.parent.is_dir():
        raise CliError(f"the folder {out.parent} does not exist; create it first or choose another -o")
    db = _db(args)
    cohort = get_cohort(db, args.cohort)
    if cohort is None:
        raise CliError(f"there is no cohort {args.cohort}; see `trainer admin list-cohorts`")
    if cohort["archived_at"]:
        raise CliError(f"cohort {args.cohort} is archived and takes no new devices; see `trainer admin list-cohorts`")
    if args.code:
        row = sheet.active_code(db, args.cohort, args.code, datetime.now(timezone.utc))
        if row is None:
            raise CliError(f"{args.code} is not an active enrolment code of cohort {args.cohort}; "
                           "leave out --code to print the sheet with a new code")
        code, expires_at, made = row["code"], row["expires_at"], False
    else:
        code, row = create_code(db, args.cohort, valid_days=args.days or None, max_uses=args.uses,
                                note=args.note or "enrolment sheet")
        expires_at, made = row["expires_at"], True
    t = Translator(args.lang)
    cards = sheet.cards_for(code, enrol_link(server_url, code), server_url, cohort["name"], expires_at, args.copies)
    html = sheet.render_sheet(cards, t, title=t.gettext("Enrolment sheet: {cohort}").format(cohort=cohort["name"]))
    out.write_text(html, encoding="utf-8")
    print(f"wrote {out}: {args.copies} card{'s' if args.copies != 1 else ''} for cohort {cohort['id']} "
          f"({cohort['name']}), code {code}{' (new)' if made else ''}, server {server_url}; "
          f"expires {expires_at or 'never'}. Open it in a browser and print it (A4).")
    if sheet.local_only(server_url):
        print(f"warning: {server_url} only works on this computer; phones need the address from `trainer serve --public-url`",
              file=sys.stderr)
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
    p.add_argument("--server-url", default=None,
                   help="the server's address, for the sign-in link printed at the end "
                        f"(default: $WAYMARK_PUBLIC_URL, else {DEFAULT_SERVER_URL})")
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

    p = sub.add_parser("enrolment-sheet", help="write a printable page of enrolment cards (QR code and code) for a cohort")
    _db_option(p)
    p.add_argument("--cohort", type=int, required=True, help="cohort id (see list-cohorts)")
    p.add_argument("-o", "--output", required=True, help="HTML file to write, e.g. sheet.html")
    p.add_argument("--server-url", default=None,
                   help="the address phones use, e.g. http://192.168.1.10:8765 (default: $WAYMARK_PUBLIC_URL)")
    p.add_argument("--copies", type=int, default=8, help="how many cards (eight fit on an A4 page)")
    p.add_argument("--code", default=None,
                   help="print an existing active code of the cohort instead of creating a new one")
    p.add_argument("--days", type=float, default=14, help="a new code is valid for this many days (0: no expiry)")
    p.add_argument("--uses", type=int, default=None, help="how many devices may enrol with a new code (default: no limit)")
    p.add_argument("--note", default=None, help="a note on the new code for trainers (default: enrolment sheet)")
    p.add_argument("--lang", default="en", help="language of the cards (a UI language, e.g. en, fr, es, ar, ru, pt)")
    p.set_defaults(func=cmd_enrolment_sheet)

    p = sub.add_parser("rebuild-dashboard", help="recreate the dashboard's summaries from the stored statements")
    _db_option(p)
    p.set_defaults(func=cmd_rebuild)
