"""Find the line of a key or table in a TOML text.

`tomllib` returns plain dicts without positions, so semantic errors ("option b has no
feedback") would otherwise have no line to point at. This scanner reads the text once and
maps every table header and every `key =` line to its 1-based line number, keyed by the
concrete path the parsed data uses: ("questions", 3, "options", 1, "feedback").
It understands comments, basic and literal strings, multi-line strings and multi-line
arrays / inline tables, so text inside a story never looks like a header.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

KeyPath = tuple  # of str (keys) and int (array-of-tables indexes)

_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_key_path(text: str) -> KeyPath:
    """'questions[3].options[1].feedback' -> ('questions', 3, 'options', 1, 'feedback')."""
    parts: list = []
    for name, index in _PATH_PART.findall(text):
        parts.append(int(index) if index else name)
    return tuple(parts)


def format_key_path(path: Iterable) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _split_key(text: str) -> list[str]:
    """Split a (possibly dotted, possibly quoted) TOML key into its parts."""
    parts, buf, i = [], "", 0
    while i < len(text):
        c = text[i]
        if c in "\"'":
            end = i + 1
            while end < len(text) and text[end] != c:
                end += 2 if (c == '"' and text[end] == "\\") else 1
            buf += text[i + 1 : end]
            i = end + 1
            continue
        if c == ".":
            parts.append(buf.strip())
            buf = ""
        else:
            buf += c
        i += 1
    parts.append(buf.strip())
    return parts


class _ValueScanner:
    """Tracks whether we are inside a multi-line string or an open array/inline table."""

    def __init__(self) -> None:
        self.open_string: str | None = None  # '"""' or "'''"
        self.depth = 0

    @property
    def busy(self) -> bool:
        return self.open_string is not None or self.depth > 0

    def scan(self, s: str) -> None:
        i = 0
        while i < len(s):
            if self.open_string:
                end = s.find(self.open_string, i)
                if self.open_string == '"""':
                    while end > 0 and _escaped(s, end):
                        end = s.find('"""', end + 1)
                if end < 0:
                    return
                i = end + 3
                while i < len(s) and s[i] == self.open_string[0]:  # """"" closes with quotes
                    i += 1
                self.open_string = None
                continue
            c = s[i]
            if s.startswith('"""', i) or s.startswith("'''", i):
                self.open_string = s[i : i + 3]
                i += 3
            elif c == '"':
                i += 1
                while i < len(s) and s[i] != '"':
                    i += 2 if s[i] == "\\" else 1
                i += 1
            elif c == "'":
                end = s.find("'", i + 1)
                i = len(s) if end < 0 else end + 1
            elif c == "#":
                return
            elif c in "[{":
                self.depth += 1
                i += 1
            elif c in "]}":
                self.depth = max(0, self.depth - 1)
                i += 1
            else:
                i += 1


def _escaped(s: str, pos: int) -> bool:
    backslashes = 0
    while pos - 1 - backslashes >= 0 and s[pos - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _key_end(s: str) -> int:
    """Index of the `=` that ends the key on this line, or -1."""
    i = 0
    while i < len(s):
        c = s[i]
        if c in "\"'":
            end = i + 1
            while end < len(s) and s[end] != c:
                end += 2 if (c == '"' and s[end] == "\\") else 1
            i = end + 1
        elif c == "=":
            return i
        elif c == "#":
            return -1
        else:
            i += 1
    return -1


def key_lines(text: str) -> dict[KeyPath, int]:
    """Every table header and key in `text`, by concrete key path, to its 1-based line."""
    index: dict[KeyPath, int] = {}
    aot_count: dict[KeyPath, int] = {}  # array-of-tables path -> last index used
    table: KeyPath = ()
    values = _ValueScanner()
    for lineno, raw in enumerate(text.splitlines(), start=1):
        if values.busy:
            values.scan(raw)
            continue
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            is_aot = line.startswith("[[")
            close = line.find("]]" if is_aot else "]")
            name = line[2 if is_aot else 1 : close if close >= 0 else len(line)]
            parts = _split_key(name)
            concrete: KeyPath = ()
            for i, part in enumerate(parts):
                concrete += (part,)
                last = i == len(parts) - 1
                if last and is_aot:
                    n = aot_count.get(concrete, -1) + 1
                    aot_count[concrete] = n
                    concrete += (n,)
                elif not last and concrete in aot_count:
                    concrete += (aot_count[concrete],)
            table = concrete
            index.setdefault(table, lineno)
            continue
        eq = _key_end(line)
        if eq <= 0:
            continue
        path = table + tuple(_split_key(line[:eq]))
        index.setdefault(path, lineno)
        values.scan(line[eq + 1 :])
    return index


def line_for(index: Mapping[KeyPath, int], path: KeyPath | str) -> int:
    """The line of `path`, or of its nearest written ancestor (a missing key -> its table)."""
    if isinstance(path, str):
        path = parse_key_path(path)
    path = tuple(path)
    while path:
        if path in index:
            return index[path]
        path = path[:-1]
    return 1
