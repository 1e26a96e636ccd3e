"""Which modules the dashboard shows as columns, in what order, with what titles.

The curricula (when the server has them) give order, titles, audience tags and pass marks;
statements give the names devices sent for modules the server's curricula lack (an older or
newer curriculum on some devices), so no module with results is ever hidden.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import sqlite_utils


@dataclass(frozen=True)
class ModuleInfo:
    id: str
    order: int
    audience: tuple[str, ...] = ("all",)
    titles: dict[str, str] = field(default_factory=dict)
    pass_mark: float | None = None

    def title(self, lang: str) -> str:
        """The title in `lang` (or a regional variant of it, e.g. fr-CA), else English, else any."""
        for wanted in (lang, "en"):
            for tag, title in sorted(self.titles.items()):
                if tag == wanted or tag.split("-")[0].split("_")[0] == wanted:
                    return title
        return next(iter(sorted(self.titles.items())), (None, self.id))[1]

    def matches_audience(self, audience: str | None) -> bool:
        return not audience or audience == "all" or "all" in self.audience or audience in self.audience


@lru_cache(maxsize=4)
def curriculum_modules(root: str | None) -> tuple[ModuleInfo, ...]:
    """Modules from the curricula folder; empty if it cannot be loaded (the dashboard still works)."""
    try:
        from ...core.curricula.loader import load_curricula

        curriculum: Any = load_curricula(root)
    except Exception:  # a server without curricula, or broken ones: fall back to statements
        return ()
    out = []
    for m in curriculum.modules:
        titles = {lang: text.title for lang, text in m.texts.items()}
        out.append(ModuleInfo(m.id, m.order, tuple(m.audience), titles, m.pass_mark))
    return tuple(out)


def curricula_root() -> str | None:
    return os.getenv("WAYMARK_CURRICULA") or None


def module_catalogue(db: sqlite_utils.Database, root: str | None = None) -> list[ModuleInfo]:
    """Curriculum modules in order, then any module seen only in statements (alphabetically)."""
    known = list(curriculum_modules(root if root is not None else curricula_root()))
    ids = {m.id for m in known}
    sent: dict[str, dict[str, str]] = {}
    for module_id, lang, name in db.execute("SELECT module_id, language, name FROM dash_module_name"):
        sent.setdefault(module_id, {})[lang] = name
    for module_id in db.execute("SELECT DISTINCT module_id FROM dash_question").fetchall():
        sent.setdefault(module_id[0], {})
    out = []
    for m in known:
        extra = {lang: name for lang, name in sent.get(m.id, {}).items() if lang not in m.titles}
        out.append(ModuleInfo(m.id, m.order, m.audience, {**extra, **m.titles}, m.pass_mark))
    base = max((m.order for m in known), default=0)
    for n, module_id in enumerate(sorted(set(sent) - ids), start=1):
        out.append(ModuleInfo(module_id, base + n, ("all",), sent[module_id]))
    return out
