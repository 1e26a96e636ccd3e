"""Command-line entry points the top-level `trainer` command picks up (`trainer serve`, `trainer admin`)."""

from __future__ import annotations

from .admin import add_cli as add_admin_cli
from .admin import add_serve_cli, serve_main

__all__ = ["add_cli", "serve_main"]


def add_cli(subparsers) -> None:
    add_serve_cli(subparsers)
    admin = add_admin_cli(subparsers)
    from .dashboard.cli import add_admin_commands  # create-trainer, assign-trainer, ...

    add_admin_commands(admin)
