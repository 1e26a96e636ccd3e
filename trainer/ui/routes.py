"""Route table: pattern -> screen module. A route's View sits on top of the Views of its
parent routes (its path prefixes), so system back and the AppBar back arrow work.

The app's first view is the home screen: `first_view_routes()` imports only it and what it
shows (the checklist's entry and the certificates section register themselves on it). The
full table, with every other screen, is imported on the first navigation, or earlier by
`preload` on a background thread once the first view is on screen.
"""

from __future__ import annotations

import sys
import types
from functools import lru_cache

import flet as ft

from . import screening  # the checklist's entry on home; its screens load on first use
from .views import home
from .views import quiz  # noqa: F401  (its certificates section is part of home)


def first_view_routes() -> list:
    return [("/", home.build)]


@lru_cache(maxsize=1)
def route_table() -> list:
    """(pattern, builder). Builders: build(app, params) -> ft.View. Order does not matter;
    the most specific pattern (most literal segments) wins."""
    from .views import reader, settings, sync

    return [
        ("/", home.build),
        ("/settings", settings.build),
        ("/module/:module_id", reader.build),
        ("/module/:module_id/section/:section_id", reader.build),
        # features append their routes here
        *quiz.ROUTES,  # quiz, review, certificates (trainer/ui/views/quiz.py)
        *screening.ROUTES,  # the indicator checklist (trainer/ui/screening/)
        *sync.ROUTES,  # sync status, "Sync now", enrolment (trainer/ui/views/sync.py)
    ]


def preload(app) -> None:
    """Every screen and the checklist's indicator sets, loaded before they are first opened
    (run on a background thread after the first view)."""
    route_table()
    screening.preload(app)
    resolve_flet_names(m for name, m in sorted(sys.modules.items()) if name.startswith(__package__ + "."))


def resolve_flet_names(modules) -> None:
    """Flet imports each control's module the first time `ft.<Name>` is read; read every name
    these screens' functions use now, so that no first open pays for those imports. Works
    from bytecode alone (names are taken from the functions' code objects)."""
    names: set[str] = set()

    def walk(code: types.CodeType) -> None:
        names.update(code.co_names)
        for const in code.co_consts:
            if isinstance(const, types.CodeType):
                walk(const)

    for module in modules:
        for value in list(vars(module).values()):
            code = getattr(value, "__code__", None)
            if isinstance(code, types.CodeType):
                walk(code)
    lazy = getattr(ft, "_LAZY", {})
    for name in sorted(names):
        if name in lazy and name[:1].isupper():
            getattr(ft, name, None)


def __getattr__(name: str):
    if name == "ROUTES":  # the full table, for code that reads it as a constant
        return route_table()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
