"""A made-up, 10 %-translated UI language in a temporary copy of locales/ (what a content author
adding Swahili would have after an afternoon): some strings translated, one fuzzy, one empty.

The "translations" are marked "[sw]" except for a few real Swahili words the tests look for;
they exist to be counted and shown, not to be read.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from trainer.core.i18n import locales_dir

LANG = "sw"
REAL = {
    "Settings": "Mipangilio",
    "Sign out": "Toka",
    "Sign in": "Ingia",
    "Language": "Lugha",
}
# Never translated in the fixture: the tests check that these come back in English.
KEEP_ENGLISH = ("Cohorts", "Completion", "Questions", "App language", "Skip to content")
FUZZY = "Trainer dashboard"  # translated but marked fuzzy: counts as untranslated, shown in English
EMPTY = "Dashboard"  # present with an empty msgstr


def make_partial_locales(dest: Path, share: float = 0.10) -> dict:
    """Copy locales/ to `dest` and add locales/sw with `share` of the template translated.
    Returns what was written: {'locales', 'translated', 'total', 'ids'}."""
    src = locales_dir()
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("*.mo"))
    with (src / "messages.pot").open("rb") as fh:
        template = read_po(fh)
    ids = [m.id for m in template if m.id]
    total = len(ids)
    wanted = math.ceil(total * share)
    catalog = Catalog(locale=LANG, project="Waymark", language_team="none (unreviewed)")
    catalog.header_comment = "# Waymark UI, Swahili. Made up for the tests: machine-assisted, NOT YET REVIEWED."
    translated: list = []
    for msgid in [*REAL, *[i for i in ids if i not in REAL]]:
        if msgid not in ids or msgid in KEEP_ENGLISH or msgid in (FUZZY, EMPTY) or len(translated) >= wanted:
            continue
        if isinstance(msgid, tuple):
            catalog.add(msgid, tuple(f"[sw] {form}" for form in (msgid[0], msgid[1])))
        else:
            catalog.add(msgid, REAL.get(msgid, f"[sw] {msgid}"))
        translated.append(msgid)
    catalog.add(FUZZY, "Dashibodi ya mkufunzi", flags=("fuzzy",))
    catalog.add(EMPTY, "")
    out = dest / LANG / "LC_MESSAGES"
    out.mkdir(parents=True)
    with (out / "messages.po").open("wb") as fh:
        write_po(fh, catalog)
    return {"locales": dest, "translated": translated, "total": total, "ids": ids}
