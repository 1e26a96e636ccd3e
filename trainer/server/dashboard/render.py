"""Server-rendered HTML: Jinja2 templates with autoescaping, the UI language, strict headers.

Pages carry no script at all, so the Content-Security-Policy can forbid scripts outright;
styles and fonts come only from this server.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Callable

from babel.dates import format_date, format_skeleton, get_datetime_format
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


LRI, PDI = "\u2066", "\u2069"  # Unicode LEFT-TO-RIGHT ISOLATE ... POP DIRECTIONAL ISOLATE
_BIDI_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u2066\u2067\u2068\u2069"), None)  # LRM, RLM, ALM and isolates (never nested twice)


def isolate_ltr(text: str, rtl: bool) -> str:
    """A date or number as one left-to-right unit inside right-to-left text.

    Babel's Arabic dates carry right-to-left marks (`03<RLM>/12<RLM>/2026`); next to Arabic
    words, or in an SVG label, the bidi algorithm then scatters the parts ("032026/12/").
    Inside a left-to-right isolate, without those marks, the value reads 03/12/2026 wherever
    it stands: in a page, a chart, a tooltip or a CSV cell. Left-to-right pages need nothing.
    """
    if not rtl or not text:
        return text
    return LRI + text.translate(_BIDI_MARKS) + PDI


class Formats:
    """Numbers, percentages and dates in the page's language (Babel), one style per locale.

    A day is Babel's medium date; a moment is that same date and a 24-hour time (the
    dashboard shows UTC, where a 12-hour clock helps nobody) joined by the locale's own
    date-time pattern. In right-to-left pages each value is a left-to-right isolate.
    """

    def __init__(self, t: Translator):
        self.t = t
        self.rtl = t.rtl
        # A page repeats the same few values (attempts 1-3, a handful of scores) hundreds of
        # times in the completion matrix; Babel takes ~50 us per call, so each is formatted once.
        self._memo: dict[tuple, str] = {}

    def _once(self, key: tuple, make: Callable[[], str]) -> str:
        got = self._memo.get(key)
        if got is None:
            got = self._memo[key] = make()
        return got

    def ltr(self, text: str) -> str:
        return isolate_ltr(text, self.rtl)

    def pct(self, value: float | None) -> str:
        return "—" if value is None else self._once(("%", value), lambda: self.ltr(self.t.percent(value)))

    def num(self, value: float | None, digits: int = 1) -> str:
        if value is None:
            return "—"
        value = round(value, digits)
        return self._once(("n", value), lambda: self.ltr(self.t.number(value)))

    def ratio(self, part: float, whole: float) -> str:
        """"3 / 10" as one unit (in Arabic it would otherwise read 10 / 3)."""
        return self.ltr(f"{self.t.number(part)} / {self.t.number(whole)}")

    def _date(self, value: date) -> str:
        return self._once(("d", value), lambda: format_date(value, "medium", locale=self.t.lang))

    def _moment(self, t: datetime) -> str:
        t = t.astimezone(timezone.utc)
        pattern = get_datetime_format("medium", locale=self.t.lang)
        clock = self._once(("t", t.hour, t.minute), lambda: format_skeleton("Hm", t, locale=self.t.lang))
        return pattern.replace("{1}", self.ltr(self._date(t.date()))).replace("{0}", self.ltr(clock))

    def when(self, text: str | datetime | None, empty: str = "—") -> str:
        t = text if isinstance(text, datetime) else parse_time(text)
        return empty if t is None else self._moment(t)

    def day(self, value: str | date | None, empty: str = "—") -> str:
        if value is None or value == "":
            return empty
        if isinstance(value, str):
            t = parse_time(value)
            if t is None:
                return value
            value = t.astimezone(timezone.utc).date()
        elif isinstance(value, datetime):
            value = value.astimezone(timezone.utc).date()
        return self.ltr(self._date(value))


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
