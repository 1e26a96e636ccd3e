"""Internationalisation through Babel: catalogues, negotiation, plurals, dates, direction.

UI strings live in gettext catalogues under locales/<lang>/LC_MESSAGES/messages.po.
Compiled .mo files are used when present and up to date; otherwise the .po is compiled in
memory when the language is first used, so a fresh checkout runs without a manual
`pybabel compile` step. A catalogue is loaded again when its file changes.

Which languages exist and which are offered by default is decided by the catalogues
themselves and locales/languages.toml (see core/catalogues.py): `ui_languages()` are offered,
`partial_languages()` are still being translated (reachable, clearly labelled), and any
string a catalogue does not translate is shown in English.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
import html
import logging
import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.dates import format_date as _format_date
from babel.dates import format_datetime as _format_datetime
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from . import catalogues

log = logging.getLogger("waymark.i18n")

DEFAULT_LANGUAGE = catalogues.SOURCE_LANGUAGE
DOMAIN = catalogues.DOMAIN


def locales_dir() -> Path:
    env = os.getenv("WAYMARK_LOCALES")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "locales", here.parents[1] / "locales"):
        if candidate.is_dir():
            return candidate
    return here.parents[2] / "locales"


def ui_status() -> catalogues.UiLanguages:
    """Every UI language with its completeness (counted once per change of the catalogues)."""
    return catalogues.ui_languages(locales_dir())


def ui_languages() -> tuple[str, ...]:
    """The languages offered by default (English and every catalogue at or above the
    threshold in locales/languages.toml), in display order."""
    return ui_status().offered


def partial_languages() -> tuple[str, ...]:
    """Languages still being translated: offered only behind a clearly labelled choice."""
    return ui_status().partial


def known_languages() -> tuple[str, ...]:
    """Every UI language that can be chosen (English and every catalogue); no counting."""
    return catalogues.discover(locales_dir())


def normalise(tag: str) -> str:
    """'ar-EG', 'ar_EG', 'AR' -> 'ar_EG' / 'ar' (Babel's form)."""
    try:
        return str(Locale.parse(tag.replace("-", "_")))
    except (ValueError, UnknownLocaleError):
        return tag.split("-")[0].split("_")[0].lower()


def negotiate(preferred: list[str] | tuple[str, ...], available: tuple[str, ...] | None = None) -> str:
    """Pick the best available language for a device's preferred list (e.g. ['ar-EG', 'fr']);
    by default among the languages offered by default (never one still being translated)."""
    if available is None:
        available = ui_languages()
    prefs = [p.replace("-", "_") for p in preferred if p]
    # Babel matches 'ar_EG' to 'ar' only via aliases; also offer each bare language.
    expanded: list[str] = []
    for p in prefs:
        expanded.append(p)
        base = p.split("_")[0].lower()
        if base not in expanded:
            expanded.append(base)
    found = negotiate_locale(expanded, list(available), sep="_")
    # Babel matches case-insensitively but echoes the preferred spelling; answer with ours.
    return next((a for a in available if found and a.lower() == found.lower()), DEFAULT_LANGUAGE)


def is_rtl(lang: str) -> bool:
    try:
        return Locale.parse(normalise(lang)).text_direction == "rtl"
    except (ValueError, UnknownLocaleError):
        return False


# --- two directions in one line ----------------------------------------------------------
#
# A phone number, a time, a duration from a data file ("24 hours"), a case reference or a
# number inside right-to-left text is reordered by the Unicode bidirectional algorithm:
# "+000 0000 0005" shows as "0005 0000 000+" and "24 hours" as "hours 24". Isolating such a
# run (Unicode 6.3 isolates, honoured by Flutter's text engine and by every browser) gives it
# its own direction without disturbing the sentence around it.

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def direction_of(text: str) -> str | None:
    """'ltr' or 'rtl' from the first strong character (the rule of FSI and dir=auto); None
    for text without any (digits, punctuation, a phone number)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return None


def isolate(text: str, direction: str = "ltr") -> str:
    """Wrap `text` in a directional isolate: 'ltr' (LRI), 'rtl' (RLI) or 'auto' (FSI)."""
    if not text:
        return text
    opener = {"ltr": LRI, "rtl": RLI, "auto": FSI}[direction]
    return f"{opener}{text}{PDI}"


def strip_bidi(text: str) -> str:
    """The text without direction marks and isolates: what a screen reader should say, and
    what a test compares (the logical order, which is also the order of the digits)."""
    return _BIDI_CONTROLS.sub("", text)


def isolate_html(text: str, direction: str = "ltr") -> str:
    """The HTML form of `isolate` for printable pages: escaped text in <bdi dir=...>."""
    return f'<bdi dir="{direction}">{html.escape(text, quote=True)}</bdi>'


def language_name(lang: str) -> str:
    """The language's name in its own script (e.g. 'العربية', 'français')."""
    try:
        name = Locale.parse(normalise(lang)).get_display_name(normalise(lang)) or lang
    except (ValueError, UnknownLocaleError):
        return lang
    return name[:1].upper() + name[1:]


def translations(lang: str) -> gettext.NullTranslations:
    """The gettext catalogue for a language (NullTranslations for English / unknown). Strings
    it does not translate come back as the English msgid. Reloaded when its files change."""
    base = locales_dir() / lang / "LC_MESSAGES"
    stamps = []
    for path in (base / f"{DOMAIN}.po", base / f"{DOMAIN}.mo"):
        try:
            st = path.stat()
            stamps.append((st.st_size, st.st_mtime_ns))
        except OSError:
            stamps.append(None)
    return _load_translations(str(base), lang, tuple(stamps))


@lru_cache(maxsize=32)
def _load_translations(base_dir: str, lang: str, stamps: tuple) -> gettext.NullTranslations:
    base = Path(base_dir)
    po, mo = base / f"{DOMAIN}.po", base / f"{DOMAIN}.mo"
    po_stamp, mo_stamp = stamps
    if mo_stamp and (not po_stamp or mo_stamp[1] >= po_stamp[1]):
        try:
            with mo.open("rb") as fh:
                return gettext.GNUTranslations(fh)
        except Exception:  # a damaged .mo: fall back to its .po
            log.error("compiled UI catalogue %s cannot be read; using the .po", mo, exc_info=True)
    if po_stamp:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        try:
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=lang)
            buf = io.BytesIO()
            write_mo(buf, catalog)  # fuzzy and empty entries are left out: gettext shows English
            buf.seek(0)
            return gettext.GNUTranslations(buf)
        except Exception:  # a broken catalogue must not stop the app: English, and say why
            log.error("UI catalogue %s cannot be read; showing English (run `trainer i18n status`)", po, exc_info=True)
    return gettext.NullTranslations()


class Translator:
    """Bound gettext/ngettext plus Babel formatting for one UI language."""

    def __init__(self, lang: str):
        self.lang = lang if lang in known_languages() else DEFAULT_LANGUAGE
        self._t = translations(self.lang)
        self.rtl = is_rtl(self.lang)
        self.direction = "rtl" if self.rtl else "ltr"

    def gettext(self, message: str) -> str:
        return self._t.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._t.ngettext(singular, plural, n)

    # Directions. Use these for every value placed inside a translated sentence.
    def ltr(self, text: str) -> str:
        """Text that always reads left to right (phone numbers, times, case references,
        codes, addresses, version numbers): isolated as LTR inside right-to-left UI text."""
        return isolate(text, "ltr") if self.rtl and text else text

    def embed(self, text: str) -> str:
        """Text of its own direction inside a UI sentence (a data-file value such as
        "24 hours", an organisation's name, a learner's name): isolated with its own
        direction when that is not the UI's; text without letters reads left to right."""
        own = direction_of(text) or "ltr"
        return isolate(text, own) if text and own != self.direction else text

    # Babel formats in the UI locale; the result is isolated so that it keeps its order.
    def date(self, value: dt.date | dt.datetime, format: str = "long") -> str:
        return self.embed(_format_date(value, format=format, locale=self.lang))

    def datetime(self, value: dt.datetime, format: str = "medium") -> str:
        return self.embed(_format_datetime(value, format=format, locale=self.lang))

    def number(self, value: float) -> str:
        return self.ltr(format_decimal(value, locale=self.lang))

    def percent(self, value: float) -> str:
        return self.ltr(format_percent(value, locale=self.lang))

    def list(self, items) -> str:
        """'English, Arabic and French' in the UI language's own way (CLDR list patterns)."""
        items = [str(i) for i in items]
        return format_list(items, locale=self.lang) if items else ""

    def iso_date(self, value: str, format: str = "long") -> str:
        """An ISO date from a data file ('2025-01-31') in the UI locale; kept as given (and
        isolated) if it is not a date."""
        try:
            return self.date(dt.date.fromisoformat(value), format)
        except (TypeError, ValueError):
            return self.ltr(value)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message
