"""Glossaries (curricula/glossary/<lang>.toml): one term list per language, same ids everywhere.

Translators keep terminology consistent with these lists; the validator checks that every
language has every term the English list has, with the fields filled in.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import DataError, rel
from ..tomllines import TomlLines, read_toml

TOP_KEYS = {"language", "translation", "terms"}
TERM_KEYS = {"id", "term", "definition", "source"}
SOURCE_LANGUAGE = "en"


def check_glossaries(root: Path) -> list[DataError]:
    folder = root / "glossary"
    if not folder.is_dir():
        return []
    errors: list[DataError] = []
    ids: dict[str, tuple[str, list[str]]] = {}
    for path in sorted(folder.glob("*.toml")):
        data, text, problems = read_toml(path)
        errors.extend(problems)
        if data is None:
            continue
        where, lang = rel(path), path.stem
        lines = TomlLines(text)
        for key in data:
            if key not in TOP_KEYS:
                errors.append(DataError(where, lines.line((key,)), f"unknown field '{key}'"))
        if data.get("language") != lang:
            errors.append(DataError(where, lines.line(("language",)), f"language must be '{lang}' (the file name)"))
        expected_state = "source" if lang == SOURCE_LANGUAGE else None
        state = data.get("translation")
        if state not in ("source", "unreviewed", "reviewed") or (expected_state and state != expected_state):
            errors.append(DataError(where, lines.line(("translation",)), "translation must be source (English), unreviewed or reviewed"))
        seen: list[str] = []
        for i, term in enumerate(data.get("terms", [])):
            at = lines.at("terms", i)  # its [[terms]] header, looked up only for an error
            for key in term:
                if key not in TERM_KEYS:
                    errors.append(DataError(where, at.line, f"term {i + 1}: unknown field '{key}'"))
            for key in sorted(TERM_KEYS):
                if not str(term.get(key, "")).strip():
                    errors.append(DataError(where, at.line, f"term {i + 1} ({term.get('id', '?')}): '{key}' is missing or empty"))
            if term.get("id") in seen:
                errors.append(DataError(where, at.line, f"duplicate term id '{term.get('id')}'"))
            seen.append(term.get("id"))
        ids[lang] = (where, seen)
    if SOURCE_LANGUAGE in ids:
        source = set(ids[SOURCE_LANGUAGE][1])
        for lang, (where, seen) in ids.items():
            missing = sorted(source - set(seen))
            extra = sorted(set(seen) - source)
            if missing:
                errors.append(DataError(where, 1, f"missing terms (in {SOURCE_LANGUAGE}.toml): {', '.join(missing)}"))
            if extra:
                errors.append(DataError(where, 1, f"terms not in {SOURCE_LANGUAGE}.toml: {', '.join(extra)}"))
    return errors
