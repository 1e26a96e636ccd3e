"""Completion certificates: per module and for the whole curriculum, as data and as HTML.

The data comes from module_completion (written once, when a module first became complete),
so a certificate never changes after the fact. The HTML is a single self-contained page
(no external fonts, images or scripts) that prints cleanly on A4/Letter and works offline;
right-to-left languages get dir="rtl".
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Sequence

import sqlite_utils
from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_percent

from trainer.core.curricula.model import Module
from trainer.core.i18n import is_rtl, isolate, isolate_html, normalise
from trainer.core.progress import Learner, get_learner

Gettext = Callable[[str], str]


@dataclass(frozen=True)
class ModuleCertificate:
    certificate_id: str  # the completion record id (uuid5 of module and learner)
    module_id: str
    module_title: str
    module_version: str
    completed_at: datetime
    best_score: float | None  # best passing quiz score, 0..1
    learner: Learner


@dataclass(frozen=True)
class CurriculumCertificate:
    learner: Learner
    completed_at: datetime  # when the last module was completed
    modules: tuple[ModuleCertificate, ...]


def _babel_locale(lang: str) -> Locale:
    try:
        return Locale.parse(normalise(lang))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def format_certificate_date(moment: datetime, lang: str) -> str:
    """A long, localised date (Babel/CLDR), e.g. '3 March 2025' or '٣ مارس ٢٠٢٥'."""
    return format_date(moment.date(), format="long", locale=_babel_locale(lang))


def _completion_rows(db: sqlite_utils.Database, learner_id: str) -> dict[str, dict]:
    return {
        r["module_id"]: r
        for r in db.query(
            "SELECT c.*, (SELECT max(score) FROM quiz_attempt a WHERE a.learner_id = c.learner_id "
            "AND a.module_id = c.module_id AND a.passed = 1) AS best_score "
            "FROM module_completion c WHERE c.learner_id = ?",
            [learner_id],
        )
    }


def _certificate(module: Module, row: dict, learner: Learner, lang: str) -> ModuleCertificate:
    text, _ = module.text(lang)
    return ModuleCertificate(
        certificate_id=row["id"],
        module_id=module.id,
        module_title=text.title,
        module_version=row["module_version"] or module.version,
        completed_at=datetime.fromisoformat(row["completed_at"]),
        best_score=row["best_score"],
        learner=learner,
    )


def module_certificate(db: sqlite_utils.Database, module: Module, lang: str) -> ModuleCertificate | None:
    """The certificate for one module, or None if the learner has not completed it."""
    learner = get_learner(db)
    row = _completion_rows(db, learner.id).get(module.id)
    return _certificate(module, row, learner, lang) if row else None


def curriculum_certificate(
    db: sqlite_utils.Database, modules: Sequence[Module], lang: str
) -> CurriculumCertificate | None:
    """The whole-curriculum certificate: only when every given module is complete.

    Pass the modules that apply to the learner (e.g. those matching their audience).
    """
    if not modules:
        return None
    learner = get_learner(db)
    rows = _completion_rows(db, learner.id)
    if any(m.id not in rows for m in modules):
        return None
    certs = tuple(_certificate(m, rows[m.id], learner, lang) for m in modules)
    return CurriculumCertificate(learner, max(c.completed_at for c in certs), certs)


def learner_label(learner: Learner, _: Gettext = lambda s: s) -> str:
    # The id reads left to right in every language (isolated: no reordering in Arabic).
    return learner.display_name or _("Learner {id}").format(id=isolate(learner.id[:8]))


_CSS = """
@page { size: auto; margin: 18mm; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f6f5; color: #1d2b28;
       font-family: "Noto Naskh Arabic", "Noto Sans", "DejaVu Sans", system-ui, sans-serif; }
main { max-width: 720px; margin: 24px auto; padding: 40px 48px; background: #fff;
       border: 6px double #2f6f62; text-align: center; }
h1 { font-size: 1.9rem; margin: 0 0 8px; color: #2f6f62; letter-spacing: .02em; }
.lead { margin: 24px 0 4px; font-size: 1rem; }
.name { font-size: 1.6rem; font-weight: bold; margin: 4px 0 16px; }
.what { font-size: 1.25rem; font-weight: bold; margin: 8px 0; }
ul { list-style: none; padding: 0; margin: 16px 0; }
li { padding: 6px 0; border-bottom: 1px solid #dfe7e4; }
.meta { margin-top: 28px; font-size: .85rem; color: #4b5d58; }
@media print { body { background: #fff; } main { margin: 0 auto; } }
"""


def _page(lang: str, title: str, body: str) -> str:
    direction = "rtl" if is_rtl(lang) else "ltr"
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}" dir="{direction}">\n<head>\n'
        f'<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def module_certificate_html(cert: ModuleCertificate, lang: str, _: Gettext = lambda s: s) -> str:
    e = html.escape
    title = _("Certificate of completion")
    score = ""
    if cert.best_score is not None:
        score = e(_("Quiz score: {score}")).format(score=isolate_html(format_percent(cert.best_score, locale=_babel_locale(lang))))
    body = (
        f"<h1>{e(title)}</h1>\n"
        f'<p class="lead">{e(_("This certifies that"))}</p>\n'
        f'<p class="name">{isolate_html(learner_label(cert.learner, _), "auto")}</p>\n'
        f'<p class="lead">{e(_("completed the training module"))}</p>\n'
        f'<p class="what">{isolate_html(cert.module_title, "auto")}</p>\n'
        f'<p>{e(_("on {date}")).format(date=isolate_html(format_certificate_date(cert.completed_at, lang), "auto"))}</p>\n'
        f'<p>{score}</p>\n'
        f'<p class="meta">{e(_("Certificate {id}")).format(id=isolate_html(cert.certificate_id))} · '
        f'{e(_("Module version {version}")).format(version=isolate_html(cert.module_version))}</p>'
    )
    return _page(lang, f"{title}: {cert.module_title}", body)


def curriculum_certificate_html(cert: CurriculumCertificate, lang: str, _: Gettext = lambda s: s) -> str:
    e = html.escape
    title = _("Certificate of completion")
    items = "\n".join(
        f"<li>{isolate_html(m.module_title, 'auto')} — {isolate_html(format_certificate_date(m.completed_at, lang), 'auto')}</li>" for m in cert.modules
    )
    body = (
        f"<h1>{e(title)}</h1>\n"
        f'<p class="lead">{e(_("This certifies that"))}</p>\n'
        f'<p class="name">{isolate_html(learner_label(cert.learner, _), "auto")}</p>\n'
        f'<p class="lead">{e(_("completed every module of the Waymark training"))}</p>\n'
        f"<ul>\n{items}\n</ul>\n"
        f'<p>{e(_("on {date}")).format(date=isolate_html(format_certificate_date(cert.completed_at, lang), "auto"))}</p>\n'
        f'<p class="meta">{e(_("Learner {id}")).format(id=isolate_html(cert.learner.id))}</p>'
    )
    return _page(lang, title, body)
