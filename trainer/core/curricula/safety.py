"""Curricula are content, not code: what a module's Markdown may not contain.

A module is written by trainers and translators and shown in the app and printed. It must
not be able to run anything or reach outside its folder, so the validator refuses, each with
file:line:
- raw HTML (tags and comments), which would include `<script>` and `<img onerror=...>`;
- event-handler attributes given through Markdown's `{: ...}` attribute lists;
- `javascript:`, `vbscript:` and `data:` link or image targets;
- images outside the module folder (`../`, absolute paths, or any URL: the app is offline);
- nesting deeper than `MAX_NESTING` (block quotes or list indentation), which can exhaust
  the Markdown parser's stack.
The printable page escapes whatever gets past (see `render.py`). Standard library only.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import DataError

MAX_NESTING = 16
_TAG = re.compile(r"<\s*/?\s*[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>|<!--|<!\[CDATA\[|<![A-Za-z]|<\?")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_ATTR_LIST = re.compile(r"\{:?[^{}]*\}")
_EVENT_ATTR = re.compile(r"(?:^|[\s{:])on[a-z]+\s*=", re.I)
_TARGET = re.compile(r"(!?)\[[^\]]*\]\(([^)]*)\)")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)")
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*)\s*:", re.I)
_BAD_SCHEMES = {"javascript", "vbscript", "data"}


def _scheme(target: str) -> str | None:
    # Browsers ignore tabs, newlines and some escapes inside a scheme ("java\tscript:").
    cleaned = re.sub(r"[\s\x00-\x1f]|&#?\w+;?", "", target)
    m = _SCHEME.match(cleaned)
    return m.group(1).lower() if m else None


def _inside(module_dir: Path, target: str) -> bool:
    if target.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", target):
        return False
    try:
        (module_dir / target).resolve().relative_to(module_dir.resolve())
    except ValueError:
        return False
    return True


def check_markdown(module_dir: Path, where: str, text: str, errors: list[DataError]) -> None:
    """Append a DataError (file:line) for everything in `text` that is code, not content."""
    fence = None
    for i, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip()
        marker = re.match(r"(`{3,}|~{3,})", stripped)
        if fence is not None:
            if marker and marker.group(1)[0] == fence[0] and len(marker.group(1)) >= len(fence):
                fence = None
            continue  # fenced code is shown as text, never run
        if marker:
            fence = marker.group(1)
            continue
        quote_depth = len(re.match(r"^(?:\s*>)*", line).group(0).replace(" ", ""))
        indent = len(line) - len(line.lstrip(" \t"))
        if quote_depth > MAX_NESTING or indent > 4 * MAX_NESTING:
            errors.append(DataError(where, i, f"nested more than {MAX_NESTING} levels deep (block quotes or lists)"))
            continue
        prose = _INLINE_CODE.sub("", line)
        tag = _TAG.search(prose)
        if tag:
            errors.append(DataError(where, i, f"raw HTML is not allowed ({tag.group(0)[:40]!r}); write it in Markdown"))
        for attrs in _ATTR_LIST.findall(prose):
            if _EVENT_ATTR.search(attrs):
                errors.append(DataError(where, i, f"event-handler attributes are not allowed ({attrs[:40]!r})"))
        targets = [(m.group(1) == "!", m.group(2)) for m in _TARGET.finditer(prose)]
        ref = _REF_DEF.match(prose)
        if ref:
            targets.append((False, ref.group(1)))
        for is_image, raw_target in targets:
            scheme = _scheme(raw_target)  # the whole target: "java\tscript:" is javascript: to a browser
            target = (raw_target.strip().split() or [""])[0].strip("<>")
            if scheme in _BAD_SCHEMES:
                errors.append(DataError(where, i, f"'{scheme}:' links are not allowed ({target[:40]!r})"))
            elif is_image and (scheme is not None or not _inside(module_dir, target)):
                errors.append(DataError(where, i, f"image '{target[:60]}' must be a file inside the module folder"))
        if any(_scheme(v) in _BAD_SCHEMES for v in re.findall(r"=\s*[\"']?([^\"'\s}]+)", " ".join(_ATTR_LIST.findall(prose)))):
            errors.append(DataError(where, i, "script URLs are not allowed in attributes"))
