"""Where things are written in a TOML text: one locator for every data file the app reads.

`tomllib` returns plain dicts without positions, so semantic errors ("option b has no
feedback") would otherwise have no line to point at. The scanner reads the text once and
maps every table header and every `key =` line to its 1-based line number, keyed by the
concrete path the parsed data uses: ("questions", 3, "options", 1, "feedback").
It understands comments, basic and literal strings, multi-line strings and multi-line
arrays / inline tables, so text inside a story never looks like a header.

Scanning costs about as much as parsing, and a valid file never needs a line: `TomlLines`
therefore keeps the text and scans it only when a line is first asked for, and models keep
a `KeyLine` (text + key path) in their `line` field (see `LineField`) instead of a number.
Quizzes, module metadata, glossaries, indicator sets and referral directories all use it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Hashable, Iterable, Mapping

from .errors import DataError, rel

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


def _quote_end(s: str, i: int) -> int:
    """Index of the quote closing the one-line string that opens at s[i] (>= len(s) if none)."""
    quote, end = s[i], i + 1
    while end < len(s) and s[end] != quote:
        end += 2 if (quote == '"' and s[end] == "\\") else 1
    return end


def _split_key(text: str) -> list[str]:
    """Split a (possibly dotted, possibly quoted) TOML key into its parts."""
    parts, buf, i = [], "", 0
    while i < len(text):
        c = text[i]
        if c in "\"'":
            end = _quote_end(text, i)
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
            i = _quote_end(s, i) + 1
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


# -- lazy lines ----------------------------------------------------------------------------


class TomlLines:
    """Lines of one TOML text, found on demand: the text is scanned on the first lookup only.

    Checking a file costs nothing extra while it is valid; the first error pays for one scan.
    """

    __slots__ = ("text", "_index")

    def __init__(self, text: str):
        self.text = text
        self._index: dict[KeyPath, int] | None = None

    @property
    def index(self) -> dict[KeyPath, int]:
        if self._index is None:
            self._index = key_lines(self.text)
        return self._index

    def line(self, path: KeyPath | str) -> int:
        """The line of `path`, or of its nearest written ancestor (1 when nothing matches)."""
        return line_for(self.index, path)

    def at(self, *path: Hashable) -> KeyLine:
        """`path` in this text, to be turned into a line only if someone needs it."""
        return KeyLine(self, tuple(path))


class KeyLine:
    """A key path in one TOML text; reading `.line` looks the line up.

    Pickles (and copies) as the plain line number, so a cached model never carries the text.
    """

    __slots__ = ("lines", "path")

    def __init__(self, lines: TomlLines, path: KeyPath):
        self.lines = lines
        self.path = path

    @property
    def line(self) -> int:
        return self.lines.line(self.path)

    def child(self, *keys: Hashable) -> KeyLine:
        return KeyLine(self.lines, self.path + keys)

    def __reduce__(self) -> tuple:
        return int, (self.line,)

    def __repr__(self) -> str:
        return f"KeyLine({format_key_path(self.path) or '<top>'!s})"


class LineField:
    """A dataclass field `line: int = LineField()` that may be given a `KeyLine` instead of a number.

    Reading the field always gives an int (looked up on first need), so models stay plain
    immutable values to their users while the loaders never scan a valid file. The field has
    no default: it stays a required constructor argument, positional or `line=`.
    """

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, owner: type | None = None) -> int:
        if obj is None:  # class access: tells dataclasses there is no default
            raise AttributeError(self.name)
        return line_of(obj, self.name)

    def __set__(self, obj: Any, value: int | KeyLine) -> None:
        obj.__dict__[self.name] = value


def line_of(obj: Any, name: str = "line", *keys: Hashable) -> int:
    """The line held in `obj.<name>` (a LineField); with `keys`, the line of that key below it.

    A line given as a plain number has no keys below it: the number itself is the answer.
    """
    at = obj.__dict__[name]
    if isinstance(at, KeyLine):
        return (at.child(*keys) if keys else at).line
    return at


# -- reading -------------------------------------------------------------------------------

_SYNTAX_POSITION = re.compile(r"\s*\(at line (\d+), column \d+\)$|\s*\(at end of document\)$")


def syntax_error_at(exc: tomllib.TOMLDecodeError, text: str) -> tuple[int, str]:
    """The line of a tomllib syntax error (the last line when it is at the end) and its
    message without the position, which the caller shows as `path:line:` instead."""
    message = str(exc)
    m = _SYNTAX_POSITION.search(message)
    line = 1
    if m and m.group(1):
        line = int(m.group(1))
    elif m:
        line = max(1, len(text.splitlines()))
    return line, _SYNTAX_POSITION.sub("", message)


def undecodable_line(raw: bytes, exc: UnicodeDecodeError) -> int:
    """The line holding the first byte that is not UTF-8."""
    return raw[: exc.start].count(b"\n") + 1


MAX_TOML_NESTING = 32
_TOML_BRACKET = re.compile(r"[\[\]{}]")
_TOML_STRING = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'[^\'\n]*\'|#[^\n]*')


def too_deep(text: str) -> int | None:
    """The line where arrays, inline tables or dotted keys nest deeper than MAX_TOML_NESTING
    (the parser recurses once per level), or None. Strings and comments are skipped."""
    if text.count("[") + text.count("{") + text.count(".") <= MAX_TOML_NESTING:
        return None
    code = _TOML_STRING.sub(lambda m: "\n" * m.group(0).count("\n"), text)  # keeps line numbers
    depth = 0
    for m in _TOML_BRACKET.finditer(code):
        depth = depth + 1 if m.group(0) in "[{" else max(0, depth - 1)
        if depth > MAX_TOML_NESTING:
            return code.count("\n", 0, m.start()) + 1
    for n, row in enumerate(code.split("\n"), 1):  # [a.b.c...] headers and a.b.c = keys
        if row.split("=", 1)[0].count(".") >= MAX_TOML_NESTING:
            return n
    return None


def read_toml(path: Path) -> tuple[dict[str, Any] | None, str, list[DataError]]:
    """Parse a TOML file: (data, text, []), or (None, text, [error]) with the error's line."""
    where = rel(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return None, "", [DataError(where, 1, f"cannot read file ({exc.strerror})")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, "", [DataError(where, undecodable_line(raw, exc), f"not valid UTF-8 ({exc.reason})")]
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as a text-mode read gives it
    deep = too_deep(text)
    if deep is not None:
        return None, text, [DataError(where, deep, f"nested more than {MAX_TOML_NESTING} levels deep")]
    import tomllib  # here, not at the top: the models import this module, the app start need not parse TOML

    try:
        return tomllib.loads(text), text, []
    except RecursionError:  # a nesting the pre-scan did not see
        return None, text, [DataError(where, 1, f"nested more than {MAX_TOML_NESTING} levels deep")]
    except tomllib.TOMLDecodeError as exc:
        line, message = syntax_error_at(exc, text)
        return None, text, [DataError(where, line, f"invalid TOML: {message}")]
