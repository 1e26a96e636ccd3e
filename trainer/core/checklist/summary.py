"""A printable summary of one screening, for a referral: made only when the officer asks.

This is the one way screening data leaves the protected store, so the page carries only
what a referral service needs and nothing that identifies the person:

* the case reference (random), the dates, the instrument and profile;
* the outcome in the data's careful wording, what it means, the next steps;
* each element's status and the indicators answered Yes with their grades (never the No
  answers, which say nothing to the service and a lot to anyone who finds the page);
* the referral contacts, marked DEMONSTRATION when the directory is the demonstration one;
* the caveat that indicators are not proof and that only the competent authority
  identifies anyone.

There is no name field: a screening has none. The officer's free-text note is left out
unless `include_notes` is set. The page is self-contained (inline CSS, no scripts, no
images, no links), prints on A4 or Letter, and is right to left for right-to-left languages.
"""

from __future__ import annotations

import html
from datetime import date, datetime
from typing import Iterable

from babel import Locale, UnknownLocaleError

from ..i18n import Translator, is_rtl, isolate_html, normalise
from .engine import PracticeOnly, evaluate
from .explain import combination_words, contact_kinds, grade_word, kind_label, status_words, verification_lines
from .model import Country, IndicatorSet, ReferralDirectory, SetText
from .store import Screening
from .report import verification_counts
from .verification import verification_note
from .wording import outcome_wording

IMMEDIATE_DANGER = "immediate-danger"  # the flag the urgent-action screen sets

_CSS = """
@page { size: auto; margin: 16mm; }
* { box-sizing: border-box; }
body { margin: 0; color: #1d2b28; background: #fff; line-height: 1.45;
       font-family: "Noto Naskh Arabic", "Noto Sans", "DejaVu Sans", system-ui, sans-serif; }
main { max-width: 760px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.6rem; margin: 0 0 12px; color: #2f6f62; }
h2 { font-size: 1.2rem; margin: 24px 0 8px; padding-bottom: 4px; border-bottom: 2px solid #2f6f62; }
h3 { font-size: 1.05rem; margin: 0 0 4px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.facts dt { font-weight: bold; }
dl.facts dd { margin: 0; }
.outcome { border: 2px solid #2f6f62; border-radius: 8px; padding: 12px 16px; background: #eef6f3; }
.outcome .title { font-size: 1.15rem; font-weight: bold; margin: 0 0 6px; }
.caveat, .danger, .demo, .protect { border-radius: 6px; padding: 10px 14px; margin: 12px 0; }
.caveat { background: #fff8e1; border: 1px solid #c9a227; }
.danger { background: #fdecea; border: 2px solid #b3261e; font-weight: bold; }
.demo { background: #fff3cd; border: 2px dashed #8a6d00; }
.demo strong { letter-spacing: .08em; }
.protect { background: #f1f3f2; border: 1px solid #9aa7a3; font-size: .9rem; }
.element { border: 1px solid #cfd8d5; border-radius: 6px; padding: 10px 14px; margin: 8px 0;
           page-break-inside: avoid; break-inside: avoid; }
.element.present { border: 2px solid #2f6f62; }
.status { font-weight: bold; }
.muted { color: #4b5d58; font-size: .9rem; }
ul { margin: 6px 0; padding-inline-start: 22px; }
li { margin: 2px 0; }
.contact { margin: 8px 0; page-break-inside: avoid; break-inside: avoid; }
.phone { font-size: 1.1rem; font-weight: bold; }
.note { white-space: pre-wrap; border-inline-start: 4px solid #9aa7a3; padding-inline-start: 10px; }
footer { margin-top: 28px; font-size: .85rem; color: #4b5d58; }
@media print { main { padding: 0; } }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _ltr(text: str) -> str:
    """Phone numbers and references read left to right inside any paragraph."""
    return isolate_html(text, "ltr")


def _data(text: str) -> str:
    """Text from data files without a language of its own (directory entries, citations,
    the officer's note): isolated, so that its direction comes from its own first letters
    and an English phrase keeps its word order inside an Arabic paragraph."""
    return isolate_html(text, "auto")


def _lang_attrs(text_lang: str, page_lang: str) -> str:
    """Mark text from the indicator set that fell back to another language than the page's."""
    if text_lang == page_lang:
        return ""
    return f' lang="{_e(text_lang)}" dir="{"rtl" if is_rtl(text_lang) else "ltr"}"'


def _language_name(code: str, lang: str) -> str:
    try:
        return Locale.parse(code.replace("-", "_")).get_display_name(normalise(lang)) or code
    except (ValueError, UnknownLocaleError):
        return code


def _date(iso: str, tr: Translator) -> str:
    try:
        return tr.date(datetime.fromisoformat(iso).date())
    except ValueError:
        return iso


def _el(tag: str, text: str, attrs: str = "") -> str:
    """One element holding escaped text. (Translatable strings are never written inside
    f-strings in this module: the catalogue extractor would not see them there.)"""
    return f"<{tag}{attrs}>{_e(text)}</{tag}>"


def _list(items: Iterable[str], attrs: str = "") -> str:
    rows = "".join(f"<li>{item}</li>" for item in items)
    return f"<ul{attrs}>{rows}</ul>" if rows else ""


def _elements(indicator_set: IndicatorSet, text: SetText, outcome, tr: Translator, attrs: str) -> str:
    _ = tr.gettext
    out = []
    for r in outcome.elements:
        parts = [
            f'<section class="element {_e(r.status)}" id="element-{_e(r.element)}">',
            _el("h3", text.elements[r.element][0], attrs),
            _el("p", status_words(r.status, _), ' class="status"'),
        ]
        if r.present:
            because = "; ".join(text.indicators[i].label for i in r.because)
            how = combination_words(r.combination, _, tr.ngettext)
            parts.append(_el("p", _("Present because of: %(list)s (%(how)s).") % {"list": because, "how": how}, attrs))
        if r.yes:
            parts.append(_el("p", _("Indicators answered Yes:")))
            items = []
            for iid, grade in r.yes:
                observed = _("observed") if indicator_set.indicators[iid].observed_only else None
                marks = [m for m in (grade_word(grade, _), observed) if m]
                suffix = " (" + _e(", ".join(marks)) + ")" if marks else ""
                items.append(_el("span", text.indicators[iid].label, attrs) + suffix)
            parts.append(_list(items, ' class="yes"'))
        counts = [
            (_("Not answered"), r.unanswered),
            (_("Not sure"), r.not_sure),
            (_("Declined to answer"), r.declined),
        ]
        shown = [f"{label}: {n}" for label, n in counts if n]
        if shown:
            parts.append(_el("p", " · ".join(shown), ' class="muted"'))
        parts.append("</section>")
        out.append("".join(parts))
    return "\n".join(out)


def _contacts(directory: ReferralDirectory | None, country: Country | None, age: str, tr: Translator) -> str:
    _ = tr.gettext
    heading = _("Referral contacts")
    if directory is None or country is None:
        return _el("h2", heading) + "\n" + _el("p", _("No referral directory is installed. Ask your supervisor for one."))
    parts = []
    if directory.demonstration:
        demo = _("DEMONSTRATION")
        heading += " · " + demo
        # The same plain words as on screen, in the officer's language: these numbers
        # cannot be called.
        line = _("Demonstration directory: these contacts are fictional and their numbers cannot be called. Ask your supervisor for your country's referral directory.")
        parts.append(f'<div class="demo"><strong>{_e(demo)}</strong> — {_e(line)}</div>')
    checked = _("checked on")
    parts.append(f'<p class="muted">{_data(directory.title)} · {_data(country.name)} · {_e(checked)} {_e(tr.iso_date(directory.updated))}</p>')
    hours_label, languages_label = _("Hours"), _("Languages")
    for kind in contact_kinds(age):
        for c in country.of_kind(kind):
            langs = tr.list(_language_name(code, tr.lang) for code in c.languages)
            parts.append(
                '<div class="contact">'
                + f"<h3>{_e(kind_label(c.kind, _))}: {_data(c.organisation)}</h3>"
                + f'<p class="phone">{_ltr(c.phone)}</p>'
                + f"<p>{_e(hours_label)}: {_data(c.hours)}<br>{_e(languages_label)}: {_e(langs)}</p>"
                + (f'<p class="muted">{_data(c.notes)}</p>' if c.notes else "")
                + "</div>"
            )
    return _el("h2", heading) + "\n" + "\n".join(parts)


def referral_summary_html(
    indicator_set: IndicatorSet,
    screening: Screening,
    tr: Translator,
    *,
    directory: ReferralDirectory | None,
    country: Country | None,
    prepared_on: date,
    include_notes: bool = False,
) -> str:
    """The summary page in the officer's language (`tr`), as one self-contained HTML string.

    Pure: the outcome is evaluated here from the screening's answers (so page and rules
    cannot disagree), and the date is passed in. Nothing is written anywhere.
    """
    _ = tr.gettext
    lang = tr.lang
    if screening.practice:
        raise PracticeOnly("a practice screening has no referral summary: its result is not a real screening's")
    outcome = evaluate(indicator_set, screening.profile_id, screening.answers)
    words = outcome_wording(indicator_set, outcome, lang)
    text, _fell_back = indicator_set.officer_text(lang)
    attrs = _lang_attrs(text.lang, lang)
    profile = indicator_set.profiles[screening.profile_id]
    title = _("Referral summary")
    version = _("version %(version)s") % {"version": indicator_set.version}

    facts = [
        (_("Case reference"), _ltr(screening.case_ref)),
        (_("Screening date"), _e(_date(screening.created_at, tr))),
        (_("Summary prepared on"), _e(tr.date(prepared_on))),
        (_("Instrument"), _el("span", text.title, attrs) + " · " + _e(version)),
        (_("Profile"), _el("span", text.profiles[profile.id][0], attrs)),
    ]
    answered = tr.ngettext("%(done)d of %(n)d indicator answered", "%(done)d of %(n)d indicators answered", outcome.total) % {"done": outcome.answered, "n": outcome.total}
    body = [
        _el("h1", title),
        '<dl class="facts">' + "".join(_el("dt", k) + f"<dd>{v}</dd>" for k, v in facts) + "</dl>",
        _el("p", answered, ' class="muted"'),
    ]
    if IMMEDIATE_DANGER in screening.flags:
        body.append(_el("p", _("Immediate danger was flagged during this screening."), ' class="danger"'))
    body += [
        _el("h2", _("Outcome")),
        f'<div class="outcome"{attrs}>' + _el("p", words.title, ' class="title"') + _el("p", words.meaning) + "</div>",
        '<div class="caveat">'
        + _el("p", _("Indicators are not proof. This result supports a referral decision; it does not decide anyone's status."))
        + _el("p", _("Formal identification is made only by the competent authority. This summary is not an identification."))
        + "</div>",
        _el("h2", _("Elements")),
        _elements(indicator_set, text, outcome, tr, attrs),
        _el("h2", _("Next steps")),
        _list((_e(step) for step in words.next_steps), attrs),
        _contacts(directory, country, profile.age, tr),
        _el("h2", _("About the instrument")),
        _el("p", _("About the grades used: %(note)s") % {"note": verification_note(indicator_set, profile.id, _)}),
        _list((_e(line) for line in verification_lines(verification_counts(indicator_set, profile.id), _)), ' class="verification"'),
        '<p class="muted">' + _e(_("Source: %(citation)s")).replace("%(citation)s", _data(indicator_set.source.citation)) + "</p>",
    ]
    if include_notes and screening.notes.strip():
        body += [_el("h2", _("Officer's note")), _el("p", screening.notes.strip(), ' class="note" dir="auto"')]
    protect = _("This summary is not protected by the checklist PIN. Give it only to the referral service, keep it safe, and destroy it when it is no longer needed.")
    body.append("<footer>" + _el("p", protect, ' class="protect"') + "</footer>")
    direction = "rtl" if is_rtl(lang) else "ltr"
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}" dir="{direction}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n<meta name="referrer" content="no-referrer">\n'
        f"<title>{_e(title)} · {_e(screening.case_ref)}</title>\n<style>{_CSS}</style>\n</head>\n"
        "<body>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


def summary_filename(screening: Screening) -> str:
    """E.g. waymark-referral-WM-7K3F-Q9XD.html: the random case reference, nothing else."""
    return f"waymark-referral-{screening.case_ref}.html"
