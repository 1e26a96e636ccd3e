"""The app shell: one WaymarkApp per session (browser tab or phone), routing and language.

Screens are plain functions `build(app, params) -> ft.View` (see routes.py); they read from
the core through `app` and never touch SQLite or the curricula files themselves.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import flet as ft

from ..core import catalogues
from ..core.curricula import Curriculum
from ..core.i18n import Translator, is_rtl, known_languages, negotiate, ui_languages
from ..core.settings import Settings
from ..core.storage import default_data_dir, open_db
from . import theme

log = logging.getLogger("waymark.ui")
PRELOAD_DELAY_SECONDS = 1.0  # after the first view, before the other screens load in the background


@lru_cache(maxsize=4)
def cached_curriculum(root: str | None, cache_dir: str | None = None) -> Curriculum:
    """Load once per process (and from the on-device cache when nothing changed). A broken
    file must not stop a learner from reading the rest: the valid modules are shown and
    each problem is logged with its file and line."""
    from ..core.curricula.cache import load_with_cache

    curriculum, errors = load_with_cache(root, cache_dir)
    for error in errors:
        log.warning("curricula: %s", error)
    return curriculum or Curriculum(modules=(), root=str(root))


def content_root(curricula_dir: str | None, data_dir: Path) -> str | None:
    """The curricula to show: the folder given, else an installed content pack, else the
    bundled curricula (None)."""
    if curricula_dir:
        return curricula_dir
    from ..core.packs import ContentStore

    store = ContentStore(data_dir)
    return str(store.root()) if store.active else None


def flutter_locale(lang: str) -> ft.Locale:
    """Babel's 'pt_BR' / 'sr_Latn' as Flutter's language, country and script codes."""
    from babel import Locale

    try:
        loc = Locale.parse(lang)
    except (ValueError, TypeError):
        return ft.Locale(lang.split("_")[0])
    return ft.Locale(loc.language, loc.territory, loc.script)


def match(pattern: str, route: str) -> dict[str, str] | None:
    """'/module/:module_id' matches '/module/abc' -> {'module_id': 'abc'}."""
    p_parts = [p for p in pattern.split("/") if p]
    r_parts = [r for r in route.split("?")[0].split("/") if r]
    if len(p_parts) != len(r_parts):
        return None
    params: dict[str, str] = {}
    for p, r in zip(p_parts, r_parts):
        if p.startswith(":"):
            params[p[1:]] = r
        elif p != r:
            return None
    return params


class WaymarkApp:
    """Session state and navigation. Everything a screen needs is reached from here."""

    def __init__(self, page: ft.Page, db, curriculum: Curriculum):
        self.page = page
        self.db = db
        self.curriculum = curriculum
        self.settings = Settings(db)
        self.session: dict[str, Any] = {}  # per-session scratch (e.g. acknowledged warnings)
        self.services: dict[str, Any] = {}  # strong references to Flet services
        self.on_language_change: list[Callable[[], None]] = []
        self.tr = Translator(self.settings.get("ui_language") or "en")

    # --- language -------------------------------------------------------------------
    def _(self, message: str) -> str:
        return self.tr.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.tr.ngettext(singular, plural, n)

    @property
    def ui_language(self) -> str:
        return self.tr.lang

    @property
    def content_language(self) -> str:
        return self.settings.get("content_language") or self.ui_language

    @property
    def text_scale(self) -> float:
        return float(self.settings.get("text_scale") or 1.0)

    def set_languages(self, ui: str | None = None, content: str | None = None) -> None:
        if ui is not None:
            self.settings.set("ui_language", ui)
        if content is not None:
            self.settings.set("content_language", content)
        self.tr = Translator(self.settings.get("ui_language") or "en")
        self.apply_page_settings()

    def first_start_languages(self, device_locales: list[str]) -> None:
        """At first start both languages follow the device locale (negotiated by Babel)."""
        if self.settings.get("ui_language"):
            return
        ui = negotiate(device_locales)  # only languages offered by default (locales/languages.toml)
        content = negotiate(device_locales, self.curriculum.languages or ui_languages())
        self.settings.set("ui_language", ui)
        self.settings.set("content_language", content)
        self.tr = Translator(ui)

    def apply_page_settings(self) -> None:
        page = self.page
        page.title = "Waymark"
        page.rtl = is_rtl(self.ui_language)
        # The bundled Arabic font is a few hundred KB the web client loads before it draws:
        # registered with the first view only when that view needs it (an Arabic-script UI or
        # content language), otherwise just after it (register_fonts, from make_main).
        if self.session.get("fonts") or theme.font_for(self.ui_language) or theme.font_for(self.content_language):
            self.register_fonts(update=False)
        page.theme, page.dark_theme = theme.themes(self.ui_language)
        mode = self.settings.get("theme") or "system"
        page.theme_mode = {"light": ft.ThemeMode.LIGHT, "dark": ft.ThemeMode.DARK}.get(mode, ft.ThemeMode.SYSTEM)
        locales = [flutter_locale(lang) for lang in known_languages()]
        page.locale_configuration = ft.LocaleConfiguration(
            supported_locales=locales, current_locale=flutter_locale(self.ui_language)
        )

    def register_fonts(self, update: bool = True) -> None:
        self.session["fonts"] = True
        if self.page.fonts != theme.FONTS:
            self.page.fonts = theme.FONTS
            if update:
                self.page.update()

    # --- navigation -----------------------------------------------------------------
    def go(self, route: str) -> None:
        self.page.navigate(route)

    def views_for(self, route: str) -> list[ft.View]:
        from . import routes

        path = route.split("?")[0] or "/"
        ROUTES = routes.first_view_routes() if path == "/" else routes.route_table()
        parts = [p for p in path.split("/") if p]
        prefixes = ["/"] + ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]
        stack: list[tuple[Callable, dict[str, str]]] = []
        for prefix in prefixes:
            best = None
            for pattern, builder in ROUTES:
                params = match(pattern, prefix)
                if params is None:
                    continue
                literal = sum(1 for s in pattern.split("/") if s and not s.startswith(":"))
                if best is None or literal > best[0]:
                    best = (literal, builder, params)
            if best is not None:
                if stack and stack[-1][0] is best[1]:
                    stack.pop()  # the same screen deeper in (a section of a module): one View
                stack.append((best[1], best[2]))
        views = [builder(self, params) for builder, params in stack]
        if not any(match(pattern, path) is not None for pattern, _ in ROUTES):
            from .views import home  # unknown route: back to the start, never a blank screen

            return [home.build(self, {})]
        return views

    def show_route(self, route: str) -> None:
        self.page.views.clear()
        self.page.views.extend(self.views_for(route))
        self.page.update()

    def refresh(self) -> None:
        """Rebuild the current screens (after a language or text-size change)."""
        self.apply_page_settings()
        self.show_route(self.page.route or "/")

    async def on_route_change(self, e: ft.RouteChangeEvent) -> None:
        self.show_route(e.route)

    async def on_view_pop(self, e: ft.ViewPopEvent) -> None:
        if len(self.page.views) > 1:
            self.page.views.pop()
            await self.page.push_route(self.page.views[-1].route or "/")


def make_main(data_dir: str | Path | None = None, curricula_dir: str | None = None):
    """The Flet entry point, bound to a data directory and curricula folder."""

    async def main(page: ft.Page) -> None:
        base = Path(data_dir) if data_dir else default_data_dir()
        catalogues.use_cache_dir(base / "cache")  # UI language completeness, counted once per change
        try:
            db = open_db(base / "waymark.db")
        except (OSError, sqlite3.Error) as exc:
            log.error("cannot open the device database in %s: %s", base, exc)
            await show_start_error(page, base, exc)
            return
        app = WaymarkApp(page, db, cached_curriculum(content_root(curricula_dir, base), str(base / "cache")))
        page.data = app
        if not app.settings.get("ui_language"):
            app.first_start_languages(await device_locales(page))
        app.apply_page_settings()
        page.on_route_change = app.on_route_change
        page.on_view_pop = app.on_view_pop
        app.show_route(page.route or "/")
        await asyncio.sleep(0)  # let the first view go out before anything else is imported
        app.register_fonts()  # (a no-op when the first view had them)
        # Every other screen and the checklist's indicator sets load in the background, so
        # that their first open is quick; the first view imported only what it shows.
        app.services["preload"] = asyncio.ensure_future(preload_after(app, PRELOAD_DELAY_SECONDS))
        # Quiz results leave the device whenever a connection allows (never screening data).
        from .views.sync import start_background

        start_background(app)
        # Screenings past their retention are deleted at start and daily, unlocked or not.
        page.run_task(retention_loop, base / "waymark.db")

    return main


async def retention_loop(db_path: Path, every: float = 24 * 3600) -> None:
    """Run the screening retention sweep now and then every day, off the event loop."""
    import asyncio

    from ..core.checklist.store import run_retention

    # First pass a few seconds after start: not while the first screen is opening the database.
    await asyncio.sleep(5)
    while True:
        try:
            await asyncio.to_thread(run_retention, db_path)
        except (OSError, sqlite3.Error):
            log.warning("retention sweep failed; trying again in an hour", exc_info=True)
            await asyncio.sleep(3600)
            continue
        await asyncio.sleep(every)


async def device_locales(page: ft.Page) -> list[str]:
    """The device's or browser's preferred languages, most preferred first ([] if unknown)."""
    locales: list[str] = []
    try:
        info = await page.get_device_info()
        if info is not None:
            locales = list(getattr(info, "languages", None) or [])
            locales += [str(getattr(loc, "language_code", loc)) for loc in (getattr(info, "locales", None) or [])]
    except Exception:  # device info is a nicety; English is a safe default
        log.debug("device info unavailable", exc_info=True)
    return [loc for loc in locales if loc]


async def show_start_error(page: ft.Page, folder: Path, exc: Exception) -> None:
    """A readable page instead of Flet's "Error running app": what failed, where, what to do."""
    t = Translator(negotiate(await device_locales(page)))
    page.title = "Waymark"
    page.rtl = t.rtl
    page.views.clear()
    page.views.append(
        ft.View(
            route="/",
            padding=24,
            controls=[
                ft.Icon(ft.Icons.ERROR_OUTLINE, size=48, color=ft.Colors.ERROR, semantics_label=t.gettext("Error")),
                ft.Text(t.gettext("Waymark cannot open its data folder"), size=22, weight=ft.FontWeight.BOLD),
                ft.Text(t.gettext("Folder: %(path)s") % {"path": f"\u2066{folder}\u2069"}, selectable=True),
                ft.Text(t.gettext("Reason: %(reason)s") % {"reason": getattr(exc, "strerror", None) or str(exc)}, selectable=True),
                ft.Text(
                    t.gettext(
                        "Nothing was lost. Stop Waymark, then start it again with a folder you can write to, "
                        "for example: trainer --data-dir ~/waymark-data"
                    )
                ),
            ],
        )
    )
    page.update()


async def preload_after(app: WaymarkApp, delay: float) -> None:
    """Start the preload once the client has had time to draw the first view (on a phone,
    Flutter and Python share the same few cores); an earlier first open does the work itself."""
    await asyncio.sleep(delay)
    await asyncio.get_running_loop().run_in_executor(None, preload_quietly, app)


def preload_quietly(app: WaymarkApp) -> None:
    """routes.preload on a background thread: a failure there only means a slower first open."""
    try:
        from .routes import preload

        preload(app)
    except Exception:
        log.warning("background preload failed; screens load when opened", exc_info=True)


def warm_up(curricula_dir: str | None = None, data_dir: str | Path | None = None) -> None:
    """Before the first visitor arrives (called in a background thread by `trainer app`):
    load the curricula and import what the first view needs (its screens and the theme), so
    that the session only builds it."""
    base = Path(data_dir) if data_dir else default_data_dir()
    cached_curriculum(content_root(curricula_dir, base), str(base / "cache"))
    catalogues.use_cache_dir(base / "cache")
    ui_languages()  # count the UI catalogues (or read the counts from the cache) before the first visitor
    from . import routes  # noqa: F401  (the first view's screens)

    theme.themes("en")
