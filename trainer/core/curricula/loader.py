"""Loading and validating curricula (see curricula/FORMAT.md).

The loader reports *every* problem it finds, each as `path:line: message`, so a content
author can fix a whole folder in one pass. `load_curricula` raises when anything is wrong;
`check_curricula` returns what it could build plus the list of problems.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable

import markdown

from ..errors import DataError, DataErrors, rel
from ..tomllines import TomlLines, read_toml
from .rules import check_module_rules, read_rules
from .model import AUDIENCES, TRANSLATION_STATES, Curriculum, Module, ModuleText, Section
from .paths import default_curricula_dir  # noqa: F401  (part of this module's API)
from .safety import check_markdown

MODULE_KEYS = {
    "id": str,
    "version": str,
    "order": int,
    "estimated_minutes": int,
    "audience": list,
    "source_language": str,
    "pass_mark": float,
    "shuffle_questions": bool,
    "shuffle_options": bool,
}
REQUIRED_MODULE_KEYS = {"id", "version", "order", "estimated_minutes", "audience", "source_language"}
TEXT_KEYS = {"title", "summary", "content_warning", "translation", "reviewed_by"}
REQUIRED_TEXT_KEYS = {"title", "summary", "translation"}
ID_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
LANG_FILE_RE = re.compile(r"^([a-z]{2,3}(?:_[A-Z]{2})?)\.md$")
QUIZ_FILE_RE = re.compile(r"^quiz\.([a-z]{2,3}(?:_[A-Z]{2})?)\.toml$")
HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
FENCE_RE = re.compile(r"^\s*(```|~~~)")
LINK_RE = re.compile(r"(!?)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")

# Validators for the other data kinds under curricula/ (indicator sets, referral directories,
# glossaries) plug in here, so that `trainer curricula check` covers all of it.
EXTRA_CHECKS: list[Callable[[Path], list[DataError]]] = []


def _register_extra_checks() -> None:
    """Validators that live with their features; imported lazily to keep the core light."""
    if EXTRA_CHECKS:
        return
    from .glossary import check_glossaries

    from ..checklist import check_indicators, check_referrals

    EXTRA_CHECKS.append(check_glossaries)
    # A curricula folder may hold modules only; indicator sets and referral directories are
    # checked when their folders exist (the app itself needs them for the checklist).
    EXTRA_CHECKS.append(lambda root: check_indicators(root) if (root / "indicators").is_dir() else [])
    EXTRA_CHECKS.append(lambda root: check_referrals(root) if (root / "referrals").is_dir() else [])


def _key_line(path: Path, key: str) -> int:
    """The line of a top-level key in a TOML file already read once (for a later error)."""
    return TomlLines(path.read_text(encoding="utf-8")).line((key,))


def _type_name(t: type) -> str:
    return {str: "text", int: "a whole number", float: "a number", bool: "true or false", list: "a list"}[t]


def parse_module_toml(path: Path, folder_id: str, errors: list[DataError]) -> dict[str, Any] | None:
    data, text, problems = read_toml(path)
    errors.extend(problems)
    if data is None:
        return None
    where = rel(path)
    lines = TomlLines(text)
    line = lambda k: lines.line((k,))  # noqa: E731
    ok = True
    for key in data:
        if key not in MODULE_KEYS:
            errors.append(DataError(where, line(key), f"unknown field '{key}' (allowed: {', '.join(MODULE_KEYS)})"))
            ok = False
    for key in sorted(REQUIRED_MODULE_KEYS - set(data)):
        errors.append(DataError(where, 1, f"missing required field '{key}'"))
        ok = False
    for key, typ in MODULE_KEYS.items():
        if key not in data:
            continue
        value = data[key]
        good = isinstance(value, typ) and not (typ is int and isinstance(value, bool))
        if typ is float and isinstance(value, int) and not isinstance(value, bool):
            good = True
        if not good:
            errors.append(DataError(where, line(key), f"'{key}' must be {_type_name(typ)}"))
            ok = False
    if not ok:
        return None
    if data["id"] != folder_id:
        errors.append(DataError(where, line("id"), f"id '{data['id']}' must equal the folder name '{folder_id}'"))
        ok = False
    if not ID_RE.match(data["id"]):
        errors.append(DataError(where, line("id"), "id may only use lower-case letters, digits and single hyphens"))
        ok = False
    if data["estimated_minutes"] <= 0:
        errors.append(DataError(where, line("estimated_minutes"), "estimated_minutes must be positive"))
        ok = False
    bad = [a for a in data["audience"] if a not in AUDIENCES]
    if bad or not data["audience"]:
        errors.append(DataError(where, line("audience"), f"audience must be a non-empty list of {', '.join(AUDIENCES)}; got {bad or 'an empty list'}"))
        ok = False
    pm = float(data.get("pass_mark", 0.8))
    if not 0 < pm <= 1:
        errors.append(DataError(where, line("pass_mark"), "pass_mark must be above 0 and at most 1 (e.g. 0.8 for 80 %)"))
        ok = False
    return data if ok else None


def parse_module_text(path: Path, lang: str, errors: list[DataError]) -> ModuleText | None:
    """Parse one language file: metadata header, then one section per `##` heading."""
    where = rel(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        errors.append(DataError(where, 1, f"not valid UTF-8 ({exc.reason})"))
        return None
    lines = text.splitlines()
    # Python-Markdown's meta extension reads the header; only the header is converted here
    # (the body is rendered on demand: by the Flutter client, or render.py for print).
    head = text.split("\n\n", 1)[0] if not text.startswith("\n") else ""
    md = markdown.Markdown(extensions=["meta"])
    md.convert(head)
    meta: dict[str, list[str]] = getattr(md, "Meta", {})
    # The header ends at the first blank line (Python-Markdown's meta rule).
    header_end = 0
    meta_lines: dict[str, int] = {}
    if meta:
        for i, line in enumerate(lines, 1):
            if not line.strip():
                header_end = i
                break
            m = re.match(r"^([A-Za-z0-9_-]+):", line)
            if m:
                meta_lines.setdefault(m.group(1).lower(), i)
        else:
            header_end = len(lines)
    ok = True
    for key, line in meta_lines.items():
        if key not in TEXT_KEYS:
            errors.append(DataError(where, line, f"unknown header field '{key}' (allowed: {', '.join(sorted(TEXT_KEYS))})"))
            ok = False
    for key in sorted(REQUIRED_TEXT_KEYS - set(meta)):
        errors.append(DataError(where, 1, f"missing header field '{key}:' (the file must start with a metadata header)"))
        ok = False
    value = {k: " ".join(v).strip() for k, v in meta.items()}
    for key in REQUIRED_TEXT_KEYS & set(meta):
        if not value[key]:
            errors.append(DataError(where, meta_lines.get(key, 1), f"header field '{key}' is empty"))
            ok = False
    translation = value.get("translation", "")
    if translation and translation not in TRANSLATION_STATES:
        errors.append(DataError(where, meta_lines.get("translation", 1), f"translation must be one of {', '.join(TRANSLATION_STATES)}"))
        ok = False
    if translation == "reviewed" and not value.get("reviewed_by"):
        errors.append(DataError(where, meta_lines.get("translation", 1), "a reviewed translation needs 'reviewed_by:' (who reviewed it, and when)"))
        ok = False

    # Section headings with their source lines (skipping fenced code).
    headings: list[tuple[int, int, str]] = []  # (line, level, raw)
    in_fence = False
    for i, line in enumerate(lines[header_end:], header_end + 1):
        if FENCE_RE.match(line):
            in_fence = not in_fence
            continue
        m = None if in_fence else HEADING_RE.match(line)
        if m:
            headings.append((i, len(m.group(1)), m.group(2)))
    body_start = header_end + 1
    first_h2 = next((h for h in headings if h[1] == 2), None)
    if first_h2 is None:
        errors.append(DataError(where, body_start, "no sections: every section starts with '## Title {#section-id}'"))
        return None
    stray = "\n".join(lines[header_end : first_h2[0] - 1]).strip()
    if stray:
        line_no = next(i for i in range(header_end + 1, first_h2[0]) if lines[i - 1].strip())
        errors.append(DataError(where, line_no, "text before the first '##' section heading; put it inside a section"))
        ok = False
    for line_no, level, raw in headings:
        if level == 1:
            errors.append(DataError(where, line_no, "use '##' for sections and '###' inside them; the title comes from the header"))
            ok = False
    h2 = [h for h in headings if h[1] == 2]
    sections: list[Section] = []
    seen: dict[str, int] = {}
    for idx, (line_no, _level, raw) in enumerate(h2):
        m = re.search(r"\{\s*#([^\s}]+)\s*\}\s*$", raw)
        if not m:
            errors.append(DataError(where, line_no, "section heading needs an explicit id, e.g. '## Title {#section-id}'"))
            ok = False
            continue
        sid = m.group(1)
        title = raw[: m.start()].strip()
        if not ID_RE.match(sid):
            errors.append(DataError(where, line_no, f"section id '{sid}' may only use lower-case letters, digits and hyphens"))
            ok = False
        if sid in seen:
            errors.append(DataError(where, line_no, f"duplicate section id '{sid}' (first at line {seen[sid]})"))
            ok = False
            continue
        seen[sid] = line_no
        end = h2[idx + 1][0] - 1 if idx + 1 < len(h2) else len(lines)
        body = "\n".join(lines[line_no:end]).strip()
        if not body:
            errors.append(DataError(where, line_no, f"section '{sid}' is empty"))
            ok = False
        if not title:
            errors.append(DataError(where, line_no, f"section '{sid}' has no title"))
            ok = False
        sections.append(Section(id=sid, title=title, markdown=body, line=line_no))
    if not ok:
        return None
    return ModuleText(
        lang=lang,
        title=value["title"],
        summary=value["summary"],
        content_warning=value.get("content_warning") or None,
        translation=translation,
        reviewed_by=value.get("reviewed_by") or None,
        sections=tuple(sections),
        path=where,
    )


def check_links(module_dir: Path, text: ModuleText, module_sections: dict[str, set[str]], errors: list[DataError]) -> None:
    """Internal links must point at existing sections; images at existing files."""
    path = module_dir / f"{text.lang}.md"
    lines = path.read_text(encoding="utf-8").splitlines()
    own = set(text.section_ids)
    for i, line in enumerate(lines, 1):
        for m in LINK_RE.finditer(line):
            is_image, target = m.group(1) == "!", m.group(2)
            if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, mailto:, tel:, app:
                continue
            if is_image:
                if not (module_dir / target).is_file():
                    errors.append(DataError(text.path, i, f"image '{target}' does not exist (looked in {rel(module_dir / target)})"))
                continue
            if target.startswith("#"):
                if target[1:] not in own:
                    errors.append(DataError(text.path, i, f"broken link '{target}': no section with that id in this module"))
                continue
            mod, _, sec = target.partition("#")
            if mod not in module_sections:
                errors.append(DataError(text.path, i, f"broken link '{target}': no module '{mod}'"))
            elif sec and sec not in module_sections[mod]:
                errors.append(DataError(text.path, i, f"broken link '{target}': module '{mod}' has no section '{sec}'"))


def check_curricula(root: Path | str | None = None) -> tuple[Curriculum | None, list[DataError]]:
    """Load everything under `root`, collecting every problem. Returns (curriculum, errors)."""
    root = Path(root) if root is not None else default_curricula_dir()
    errors: list[DataError] = []
    if not root.is_dir():
        return None, [DataError(rel(root), 1, "curricula folder does not exist")]
    rules = read_rules(root, errors)
    required = rules.required_languages
    modules_dir = root / "modules"
    folders = sorted(p for p in modules_dir.iterdir() if p.is_dir()) if modules_dir.is_dir() else []
    if not folders:
        errors.append(DataError(rel(modules_dir), 1, "no modules found"))
    # The quiz format lives with the quiz feature (imported here, not at start-up).
    from ..quiz.loader import compare_quiz_translation, parse_quiz_file

    staged: list[tuple[Path, dict[str, Any], dict[str, ModuleText]]] = []
    seen_ids: dict[str, str] = {}
    orders: dict[int, str] = {}
    for folder in folders:
        meta_path = folder / "module.toml"
        if not meta_path.is_file():
            errors.append(DataError(rel(folder), 1, "module folder has no module.toml"))
            continue
        meta = parse_module_toml(meta_path, folder.name, errors)
        if meta is None:
            continue
        if meta["id"] in seen_ids:
            errors.append(DataError(rel(meta_path), 1, f"duplicate module id '{meta['id']}' (also in {seen_ids[meta['id']]})"))
            continue
        seen_ids[meta["id"]] = rel(meta_path)
        if meta["order"] in orders:
            errors.append(DataError(rel(meta_path), _key_line(meta_path, "order"), f"order {meta['order']} is also used by module '{orders[meta['order']]}'"))
        orders[meta["order"]] = meta["id"]
        texts: dict[str, ModuleText] = {}
        for f in sorted(folder.iterdir()):
            m = LANG_FILE_RE.match(f.name)
            if m:
                t = parse_module_text(f, m.group(1), errors)
                if t is not None:
                    texts[t.lang] = t
        src = meta["source_language"]
        if not (folder / f"{src}.md").is_file():
            errors.append(DataError(rel(meta_path), _key_line(meta_path, "source_language"), f"source language '{src}' has no text file {src}.md"))
            continue
        if src not in texts:
            continue  # its errors are reported already
        source = texts[src]
        if source.translation != "source":
            errors.append(DataError(source.path, 1, "the source-language text must say 'translation: source'"))
        for lang, t in texts.items():
            if lang == src:
                continue
            if t.translation == "source":
                errors.append(DataError(t.path, 1, f"only the source language ({src}) may say 'translation: source'"))
            if t.section_ids != source.section_ids:
                missing = [s for s in source.section_ids if s not in t.section_ids]
                extra = [s for s in t.section_ids if s not in source.section_ids]
                detail = []
                if missing:
                    detail.append(f"missing {', '.join(missing)}")
                if extra:
                    detail.append(f"not in the source: {', '.join(extra)}")
                if not detail:
                    detail.append("same sections in a different order")
                errors.append(DataError(t.path, t.sections[0].line if t.sections else 1, f"sections differ from {source.path}: {'; '.join(detail)}"))
            if source.content_warning and not t.content_warning:
                errors.append(DataError(t.path, 1, "the source has a content_warning; this translation needs one too"))
        for lang in required:
            if not (folder / f"{lang}.md").is_file():
                errors.append(DataError(rel(meta_path), 1, f"missing translation: {lang}.md ({rules.set_at('required_languages')})"))
        staged.append((folder, meta, texts))

    module_sections = {meta["id"]: set(texts[meta["source_language"]].section_ids) for _f, meta, texts in staged}
    modules: list[Module] = []
    for folder, meta, texts in staged:
        for t in texts.values():
            check_links(folder, t, module_sections, errors)
            check_markdown(folder, t.path, (folder / f"{t.lang}.md").read_text(encoding="utf-8"), errors)
        quizzes: dict[str, Any] = {}
        src = meta["source_language"]
        quiz_files = {QUIZ_FILE_RE.match(f.name).group(1): f for f in folder.iterdir() if QUIZ_FILE_RE.match(f.name)}
        for lang, f in sorted(quiz_files.items()):
            if lang not in texts and not (folder / f"{lang}.md").is_file():
                errors.append(DataError(rel(f), 1, f"quiz in '{lang}' but the module has no {lang}.md"))
                continue
            quiz, qerrors = parse_quiz_file(f, lang, texts[src].section_ids)
            errors.extend(qerrors)
            if quiz is not None:
                quizzes[lang] = quiz
        if quiz_files and src not in quiz_files:
            errors.append(DataError(rel(folder / "module.toml"), 1, f"quiz translations exist but the source quiz quiz.{src}.toml is missing"))
        if src in quizzes:
            for lang in texts:
                if lang != src and lang not in quiz_files:
                    errors.append(DataError(texts[lang].path, 1, f"missing translation: quiz.{lang}.toml"))
            for lang, q in quizzes.items():
                if lang != src:
                    errors.extend(compare_quiz_translation(quizzes[src], q))
        modules.append(
            Module(
                id=meta["id"],
                version=meta["version"],
                order=meta["order"],
                estimated_minutes=meta["estimated_minutes"],
                audience=tuple(meta["audience"]),
                source_language=meta["source_language"],
                pass_mark=float(meta.get("pass_mark", 0.8)),
                shuffle_questions=meta.get("shuffle_questions", True),
                shuffle_options=meta.get("shuffle_options", True),
                path=rel(folder),
                texts=MappingProxyType(dict(texts)),
                quizzes=MappingProxyType(quizzes),
            )
        )
    titles: dict[str, set[str]] = {}
    for m in modules:
        for lang, t in m.texts.items():
            titles.setdefault(lang, set()).update(sec.title for sec in t.sections)
    for m in modules:
        errors.extend(check_module_rules(m, rules, titles))
    _register_extra_checks()
    for check in EXTRA_CHECKS:
        errors.extend(check(root))
    modules.sort(key=lambda m: (m.order, m.id))
    return Curriculum(modules=tuple(modules), root=str(root)), sorted(set(errors))


def load_curricula(root: Path | str | None = None) -> Curriculum:
    """Load the curricula or raise DataErrors listing every problem."""
    curriculum, errors = check_curricula(root)
    if errors:
        raise DataErrors(errors)
    assert curriculum is not None
    return curriculum


def translation_report(curriculum: Curriculum, languages: list[str] | None = None) -> dict[str, dict[str, list[str]]]:
    """Per language: which modules are complete (text + quiz), which need a fluent reviewer,
    and which are missing (the app falls back to the source language for those)."""
    langs = languages or sorted({lang for m in curriculum.modules for lang in m.texts})
    report: dict[str, dict[str, list[str]]] = {}
    for lang in langs:
        r = {"complete": [], "unreviewed": [], "missing": []}
        for m in curriculum.modules:
            t = m.texts.get(lang)
            has_quiz = lang in m.quizzes or not m.quizzes
            if t is None or not has_quiz:
                r["missing"].append(m.id)
            else:
                r["complete"].append(m.id)
                if t.needs_review:
                    r["unreviewed"].append(m.id)
        report[lang] = r
    return report
