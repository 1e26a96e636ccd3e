"""Small helpers shared by the indicator-set and referral-directory validators.

A `Checker` holds one file's text positions and collects `DataError`s, so each validator
reads as a list of rules rather than bookkeeping. Positions come from the app's one TOML
line locator (trainer/core/tomllines.py), which scans the file only once an error needs a line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Hashable

from babel import Locale, UnknownLocaleError

from ..errors import DataError, rel
from ..tomllines import KeyLine, TomlLines

ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LANG_RE = re.compile(r"^[a-z]{2,3}(_[A-Z]{2})?$")


def is_language(code: str) -> bool:
    """A language code Babel (CLDR) knows, e.g. `en`, `ar`, `fr_CA`."""
    if not isinstance(code, str) or not LANG_RE.match(code):
        return False
    try:
        Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return False
    return True


def is_rtl(code: str) -> bool:
    """Whether a language is written right to left, from CLDR rather than a hand list."""
    try:
        return Locale.parse(code).character_order == "right-to-left"
    except (UnknownLocaleError, ValueError):
        return False


class Checker:
    def __init__(self, path: Path, text: str):
        self.where = rel(path)
        self._lines = TomlLines(text)
        self.errors: list[DataError] = []

    def line(self, *path: Hashable) -> int:
        """The line of `path`, or of its nearest written ancestor."""
        return self._lines.line(path) if path else 1

    def at(self, *path: Hashable) -> KeyLine:
        """Where `path` is written, for a model's `line` field: looked up only when read."""
        return self._lines.at(*path)

    def err(self, message: str, *path: Hashable) -> None:
        self.errors.append(DataError(self.where, self.line(*path), message))

    def keys(self, table: dict, allowed: set[str], *path: Hashable) -> None:
        for key in table:
            if key not in allowed:
                self.err(f"unknown field '{key}' (allowed: {', '.join(sorted(allowed))})", *path, key)

    def text(self, table: dict, key: str, *path: Hashable, required: bool = True) -> str | None:
        """A non-empty string field."""
        if key not in table:
            if required:
                self.err(f"missing required field '{key}'", *path)
            return None
        value = table[key]
        if not isinstance(value, str) or not value.strip():
            self.err(f"'{key}' must be non-empty text", *path, key)
            return None
        return value.strip()

    def text_list(self, table: dict, key: str, *path: Hashable, required: bool = True, allow_empty: bool = False) -> list[str] | None:
        if key not in table:
            if required:
                self.err(f"missing required field '{key}'", *path)
            return None
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.err(f"'{key}' must be a list of non-empty texts", *path, key)
            return None
        if not value and not allow_empty:
            self.err(f"'{key}' must not be empty", *path, key)
            return None
        return [v.strip() for v in value]

    def table(self, data: dict, key: str, *path: Hashable, required: bool = True) -> dict | None:
        if key not in data:
            if required:
                self.err(f"missing required table '{key}'", *path)
            return None
        value = data[key]
        if not isinstance(value, dict):
            self.err(f"'{key}' must be a table", *path, key)
            return None
        return value

    def array_of_tables(self, data: dict, key: str, *path: Hashable) -> list[dict]:
        if key not in data:
            self.err(f"missing required '[[{key}]]' entries", *path)
            return []
        value = data[key]
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.err(f"'{key}' must be written as '[[{key}]]' tables", *path, key)
            return []
        if not value:
            self.err(f"'{key}' must not be empty", *path, key)
        return value

    def ident(self, table: dict, key: str, *path: Hashable) -> str | None:
        value = self.text(table, key, *path)
        if value is not None and not ID_RE.match(value):
            self.err(f"'{key}' '{value}' may only use lower-case letters, digits and single hyphens", *path, key)
            return None
        return value

