"""Command-line entry points the top-level `trainer` command picks up (`trainer serve`, `trainer admin`)."""

from __future__ import annotations

import argparse

from .admin import add_cli as add_admin_cli
from .admin import add_serve_cli, guarded, serve_main

__all__ = ["add_cli", "serve_main"]

# Commands that read an existing database only: --create makes no sense for them.
NO_CREATE = {"backup"}


def add_cli(subparsers) -> None:
    add_serve_cli(subparsers)
    admin = add_admin_cli(subparsers)
    from .dashboard.cli import add_admin_commands  # create-trainer, assign-trainer, ...

    add_admin_commands(admin)
    # Every admin command: a --db that does not exist is refused unless --create is given,
    # and every error ends in one line on stderr, never a traceback.
    sub = next(a for a in admin._actions if isinstance(a, argparse._SubParsersAction))
    for name, p in sub.choices.items():
        if name not in NO_CREATE:
            p.add_argument("--create", action="store_true",
                           help="create the server database if --db names a file that does not exist yet")
        p.set_defaults(func=guarded(p.get_default("func")))
