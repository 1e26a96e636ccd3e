"""Server-rendered HTML: Jinja2 templates with autoescaping, the UI language, strict headers.

Pages carry no script at all, so the Content-Security-Policy can forbid scripts outright;
styles and fonts come only from this server.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.responses import HTMLResponse, Response

from ...core.i18n import Translator, known_languages, language_name, negotiate, ui_status

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"
FONTS = HERE.parents[1] / "assets" / "fonts"

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    # Learners' progress is personal data: never kept by a shared browser's cache.
    "Cache-Control": "no-store",
}

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


def pick_language(cookie: str | None, accept_language: str | None) -> str:
    """The UI language: the one chosen on the dashboard (any language with a catalogue, also one
    still being translated), else the browser's preference among the languages offered by default."""
    if cookie and cookie in known_languages():
        return cookie
    prefs = [p.split(";")[0].strip() for p in (accept_language or "").split(",") if p.strip() and p.strip() != "*"]
    return negotiate(prefs)


def parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=timezone.utc)


class Formats:
    """Numbers, percentages and dates in the page's language (Babel)."""

    def __init__(self, t: Translator):
        self.t = t

    def pct(self, value: float | None) -> str:
        return "—" if value is None else self.t.percent(value)

    def num(self, value: float | None, digits: int = 1) -> str:
        return "—" if value is None else self.t.number(round(value, digits))

    def when(self, text: str | None) -> str:
        t = parse_time(text)
        return "—" if t is None else self.t.datetime(t.astimezone(timezone.utc), "short")

    def day(self, value: str | date | None) -> str:
        if value is None or value == "":
            return "—"
        if isinstance(value, str):
            t = parse_time(value)
            if t is None:
                return value
            value = t.date()
        return self.t.date(value, "medium")


def languages(status=None) -> list[tuple[str, str]]:
    """The language links offered by default (locales/languages.toml), in display order."""
    return [(code, language_name(code)) for code in (status or ui_status()).offered]


def partial_languages(t: Translator, status=None) -> list[tuple[str, str, str]]:
    """Languages still being translated, each with how much of it is translated ('10 %')."""
    status = status or ui_status()
    return [(s.code, language_name(s.code), t.percent(s.translated / s.total if s.total else 1.0))
            for s in status.statuses if s.code in status.partial]


def render(template: str, t: Translator, context: dict[str, Any], *, status: int = 200, headers: dict | None = None) -> Response:
    languages_now = ui_status()
    page = _env.get_template(template).render(
        _=t.gettext,
        gettext=t.gettext,
        ngettext=t.ngettext,
        lang=t.lang,
        rtl=t.rtl,
        fmt=Formats(t),
        ui_languages=languages(languages_now),
        partial_languages=partial_languages(t, languages_now),
        language_name=language_name,
        **context,
    )
    return HTMLResponse(page, status_code=status, headers={**SECURITY_HEADERS, **(headers or {})})
