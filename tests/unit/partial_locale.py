"""A made-up, 10 %-translated UI language in a temporary copy of locales/ (what a content author
adding Swahili would have after an afternoon): some strings translated, one fuzzy, one empty.

The "translations" are marked "[sw]" except for a few real Swahili words the tests look for;
they exist to be counted and shown, not to be read.
"""

from __future__ import annotations

import contextlib
import io
import math
import shutil
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
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
EMPTY = "Dashboard"  # left as `pybabel init` made it: an empty msgstr


def make_partial_locales(dest: Path, share: float = 0.10) -> dict:
    """Copy locales/ to `dest` and add Swahili the way README's "Adding a UI language" says
    (`pybabel init` from messages.pot), with `share` of the template translated.
    Returns what was written: {'locales', 'translated', 'total', 'ids'}."""
    src = locales_dir()
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("*.mo"))
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        CommandLineInterface().run(["pybabel", "init", "-i", str(dest / "messages.pot"), "-d", str(dest), "-l", LANG])
    po = dest / LANG / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=LANG)
    catalog.header_comment = "# Waymark UI, Swahili. Made up for the tests: machine-assisted, NOT YET REVIEWED."
    ids = [m.id for m in catalog if m.id]
    total = len(ids)
    wanted = math.ceil(total * share)
    translated: list = []
    for msgid in [*REAL, *[i for i in ids if i not in REAL]]:
        if msgid not in ids or msgid in KEEP_ENGLISH or msgid in (FUZZY, EMPTY) or len(translated) >= wanted:
            continue
        key = msgid[0] if isinstance(msgid, tuple) else msgid
        if isinstance(msgid, tuple):
            catalog[key].string = (f"[sw] {msgid[0]}", f"[sw] {msgid[1]}")
        else:
            catalog[key].string = REAL.get(msgid, f"[sw] {msgid}")
        translated.append(msgid)
    catalog[FUZZY].string = "Dashibodi ya mkufunzi"
    catalog[FUZZY].flags.add("fuzzy")
    with po.open("wb") as fh:
        write_po(fh, catalog)
    return {"locales": dest, "translated": translated, "total": total, "ids": ids}
