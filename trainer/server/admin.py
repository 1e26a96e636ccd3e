"""`trainer admin ...` and `trainer serve`: what a training programme's administrator runs.

The functions take parsed argparse arguments and print plain text; `add_cli(subparsers)`
registers them, so the top-level `trainer` command only has to call it.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from pathlib import Path

from .clientaddr import parse_proxies
from .config import ServerConfig
from .db import default_db_path, open_server_db
from .enrolment import (
    CodeLimitError,
    create_code,
    create_cohort,
    enrol_link,
    list_codes,
    list_cohorts,
    list_devices,
    revoke_code,
    revoke_device,
)
from .hashing import key_path, server_key

DEFAULT_SERVER_URL = "http://127.0.0.1:8765"  # `trainer serve` with its default --host and --port


class CliError(Exception):
    """A problem the person at the terminal can fix: the message is one line saying what and how."""


def db_path_of(args: argparse.Namespace) -> Path:
    return Path(args.db) if getattr(args, "db", None) else default_db_path()


def open_admin_db(args: argparse.Namespace):
    """The server database an admin command works on. A path that does not exist is most often
    a typo: it is refused unless `--create` asks for a new database."""
    path = db_path_of(args)
    if not path.exists() and not getattr(args, "create", False):
        raise CliError(
            f"there is no server database at {path}; check --db (or $WAYMARK_SERVER_DB), "
            "or add --create to start a new one there"
        )
    if path.is_dir():
        raise CliError(f"{path} is a folder; give --db the database file inside it, e.g. {path / 'waymark-server.db'}")
    try:
        return open_server_db(path)
    except sqlite3.DatabaseError as e:
        raise CliError(f"{path} is not a Waymark server database ({e}); check --db") from None


_db = open_admin_db


def server_url_of(args: argparse.Namespace) -> str:
    """The address people use to reach the server: --server-url, $WAYMARK_PUBLIC_URL, or serve's default."""
    return (getattr(args, "server_url", None) or os.getenv("WAYMARK_PUBLIC_URL") or DEFAULT_SERVER_URL).rstrip("/")


def guarded(func):
    """An admin command that ends in one line on stderr and a non-zero exit, never a traceback."""

    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except CliError as e:
            print(f"error: {e}", file=sys.stderr)
        except KeyboardInterrupt:
            print("error: interrupted; nothing more was changed", file=sys.stderr)
            return 130
        except sqlite3.OperationalError as e:
            print(f"error: the server database could not be used ({e}); check --db, its folder's permissions "
                  "and free disk space", file=sys.stderr)
        except sqlite3.DatabaseError as e:
            print(f"error: {db_path_of(args)} is not a usable Waymark server database ({e}); check --db", file=sys.stderr)
        except OSError as e:
            where = f" {e.filename}" if getattr(e, "filename", None) else ""
            print(f"error: cannot use{where}: {e.strerror or e}; check the path and its permissions", file=sys.stderr)
        return 2

    run.__wrapped__ = func
    run.__doc__ = func.__doc__
    return run


def _table(rows: list[dict], columns: list[str]) -> str:
    if not rows:
        return "(none)"
    cells = [[("" if r.get(c) is None else str(r.get(c))) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in cells]
    return "\n".join(line.rstrip() for line in lines)


def cmd_create_cohort(args: argparse.Namespace) -> int:
    row = create_cohort(_db(args), args.name)
    print(f"cohort {row['id']}: {row['name']}")
    return 0


def cmd_list_cohorts(args: argparse.Namespace) -> int:
    print(_table(list_cohorts(_db(args)), ["id", "name", "created_at", "archived_at"]))
    return 0


def cmd_create_code(args: argparse.Namespace) -> int:
    try:
        code, row = create_code(
            _db(args), args.cohort, valid_days=args.days or None, max_uses=args.uses, note=args.note
        )
    except CodeLimitError as e:
        raise CliError(str(e)) from None
    except ValueError as e:
        raise CliError(f"{e}; see `trainer admin list-cohorts` for the cohorts that take new devices") from None
    print(f"enrolment code: {code}")
    print(f"cohort {row['cohort_id']}; expires {row['expires_at'] or 'never'}; uses {row['max_uses'] or 'unlimited'}")
    if args.server_url:
        print(f"link: {enrol_link(args.server_url, code)}")
    print("The code is shown only now; the server keeps just a hash of it.")
    return 0


def cmd_list_codes(args: argparse.Namespace) -> int:
    print(_table(list_codes(_db(args), args.cohort), ["id", "cohort_id", "created_at", "expires_at", "max_uses", "uses", "revoked_at", "note"]))
    return 0


def cmd_revoke_code(args: argparse.Namespace) -> int:
    if revoke_code(_db(args), args.code):
        print(f"code {args.code} withdrawn; devices already enrolled with it keep working")
        return 0
    print(f"error: no active code {args.code}; see `trainer admin list-codes` for the codes and their state", file=sys.stderr)
    return 1


def cmd_list_devices(args: argparse.Namespace) -> int:
    rows = list_devices(_db(args), args.cohort, silent_days=args.silent_days)
    print(
        _table(
            rows,
            ["id", "cohort", "label", "enrolled_at", "last_sync_at", "statements_received", "pending_count", "reported_at", "revoked_at"],
        )
    )
    return 0


def cmd_revoke_device(args: argparse.Namespace) -> int:
    if revoke_device(_db(args), args.device):
        print(f"device {args.device} can no longer send; its statements stay on the server")
        return 0
    print(f"error: no active device {args.device}; see `trainer admin list-devices` for device ids", file=sys.stderr)
    return 1


def cmd_backup(args: argparse.Namespace) -> int:
    """A consistent copy while the server runs (SQLite's online backup API)."""
    src_path = db_path_of(args)
    if not src_path.is_file():
        raise CliError(f"there is no server database at {src_path}; check --db (or $WAYMARK_SERVER_DB)")
    dest = Path(args.to)
    if dest.is_dir():
        raise CliError(f"{dest} is a folder; give --to a new file name in it, e.g. {dest / 'waymark-backup.db'}")
    if dest.exists():
        raise CliError(f"{dest} already exists; choose a new file name for --to (a backup never overwrites)")
    folder = dest.parent
    if not folder.is_dir():
        raise CliError(f"the folder {folder} does not exist; create it first (mkdir -p {folder}) or choose another --to")
    if not os.access(folder, os.W_OK):
        raise CliError(f"cannot write in the folder {folder}; choose a --to in a folder you may write to")
    src = sqlite3.connect(src_path)
    try:
        src.execute("SELECT 1 FROM sqlite_master LIMIT 1")
        out = sqlite3.connect(dest)
        try:
            src.backup(out)
        finally:
            out.close()
    except sqlite3.DatabaseError as e:
        dest.unlink(missing_ok=True)
        raise CliError(f"{src_path} could not be copied ({e}); check --db names a Waymark server database") from None
    finally:
        src.close()
    print(f"backed up {src_path} to {dest}")
    key = key_path(src_path)
    if key.exists():  # device secrets are checked with it: a database restored without it enrols nobody
        fd = os.open(key_path(dest), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key.read_bytes())
        print(f"and its server key to {key_path(dest)} (keep the two together, readable only by the server's user)")
    return 0


def serve_main(args: argparse.Namespace) -> int:
    """Run the trainer server until interrupted.

    With `--workers N` several processes share the work (JSON, validation) while SQLite
    still takes one writer at a time; one worker is plenty for a class, more help when a
    whole programme syncs at once.
    """
    import gc

    import uvicorn

    from .app import create_app

    db_path = Path(args.db) if args.db else default_db_path()
    public_url = args.public_url or f"http://{args.host}:{args.port}"
    try:
        proxies = parse_proxies(args.trusted_proxy or [])
    except ValueError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    open_server_db(db_path).conn.close()  # migrate once, before any worker starts
    server_key(db_path)  # and create the device-secret key once
    print(f"Waymark trainer server on {public_url} (database {db_path}); xAPI endpoint {public_url.rstrip('/')}/xapi/")
    options = dict(
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        proxy_headers=False,  # X-Forwarded-For is read by the app, from --trusted-proxy only
        timeout_keep_alive=30,
        access_log=args.log_level == "debug",
    )
    # Statements are trees of small dicts without cycles: collecting the young generation
    # after every 700 allocations only costs time while a batch is parsed.
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    if args.workers > 1:
        os.environ.update(
            WAYMARK_SERVER_DB=str(db_path),
            WAYMARK_PUBLIC_URL=public_url,
            WAYMARK_MAX_BATCH=str(args.max_batch),
            WAYMARK_MAX_BODY_BYTES=str(args.max_body_bytes),
            WAYMARK_TRUSTED_PROXIES=",".join(str(p) for p in proxies),
            WAYMARK_SERVER_DEBUG="1" if args.debug else "0",
        )
        uvicorn.run("trainer.server.app:app_from_env", factory=True, workers=args.workers, **options)
        return 0
    config = ServerConfig(
        db_path=db_path,
        public_url=public_url,
        max_body_bytes=args.max_body_bytes,
        max_batch=args.max_batch,
        trusted_proxies=proxies,
        debug=args.debug,
    )
    uvicorn.run(create_app(config), **options)
    return 0


def _db_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--db", default=os.getenv("WAYMARK_SERVER_DB"), help="server database file (default: $WAYMARK_SERVER_DB or ./waymark-server.db)"
    )


def add_serve_cli(subparsers) -> argparse.ArgumentParser:
    p = subparsers.add_parser("serve", help="run the trainer server (xAPI statements, enrolment)")
    _db_option(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0 for the whole LAN)")
    p.add_argument("--port", type=int, default=8765, help="TCP port to listen on")
    p.add_argument("--public-url", default=None, help="the address devices use, e.g. http://192.168.1.10:8765 (default: http://HOST:PORT)")
    p.add_argument("--max-batch", type=int, default=1000, help="statements per request")
    p.add_argument("--max-body-bytes", type=int, default=2 * 1024 * 1024, help="request body limit")
    p.add_argument("--workers", type=int, default=1, help="server processes (SQLite still writes one at a time)")
    p.add_argument(
        "--trusted-proxy", action="append", default=None, metavar="ADDRESS",
        help="a reverse proxy (address or network) whose X-Forwarded-For names the client; repeatable (default: none)",
    )
    p.add_argument("--debug", action="store_true", help="also serve /openapi.json and /docs (off by default)")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"], help="how much the server logs")
    p.set_defaults(func=serve_main)
    return p


def add_cli(subparsers) -> argparse.ArgumentParser:
    """Register `admin` and its sub-commands on the top-level parser's subparsers."""
    admin = subparsers.add_parser("admin", help="manage cohorts, enrolment codes and devices")
    sub = admin.add_subparsers(dest="admin_command", required=True)

    p = sub.add_parser("create-cohort", help="create a cohort of learners")
    _db_option(p)
    p.add_argument("name", help="the cohort's name, e.g. \"Labour inspectors, spring\"")
    p.set_defaults(func=cmd_create_cohort)

    p = sub.add_parser("list-cohorts", help="list cohorts")
    _db_option(p)
    p.set_defaults(func=cmd_list_cohorts)

    p = sub.add_parser("create-code", help="create an enrolment code for a cohort")
    _db_option(p)
    p.add_argument("--cohort", type=int, required=True, help="cohort id")
    p.add_argument("--days", type=float, default=14, help="valid for this many days (0: no expiry; at most 366)")
    p.add_argument("--uses", type=int, default=None, help="how many devices may enrol with it (1 to 10000; default: no limit)")
    p.add_argument("--note", default=None, help="a note for trainers (shown in list-codes)")
    p.add_argument("--server-url", default=None, help="also print an enrolment link for this server address")
    p.set_defaults(func=cmd_create_code)

    p = sub.add_parser("list-codes", help="list enrolment codes (not their secrets)")
    _db_option(p)
    p.add_argument("--cohort", type=int, default=None, help="only this cohort's codes (default: all)")
    p.set_defaults(func=cmd_list_codes)

    p = sub.add_parser("revoke-code", help="withdraw an enrolment code")
    _db_option(p)
    p.add_argument("code", help="the code or its first group")
    p.set_defaults(func=cmd_revoke_code)

    p = sub.add_parser("list-devices", help="list enrolled devices with their last sync")
    _db_option(p)
    p.add_argument("--cohort", type=int, default=None, help="only this cohort's devices (default: all)")
    p.add_argument("--silent-days", type=float, default=None, help="only devices not synced for this many days (default: all devices)")
    p.set_defaults(func=cmd_list_devices)

    p = sub.add_parser("revoke-device", help="stop a device from sending (lost or stolen)")
    _db_option(p)
    p.add_argument("device", help="device id (its key), from list-devices")
    p.set_defaults(func=cmd_revoke_device)

    p = sub.add_parser("backup", help="copy the server database safely, even while it runs")
    _db_option(p)
    p.add_argument("--to", required=True, help="new file to write")
    p.set_defaults(func=cmd_backup)
    return admin
