"""A printable enrolment sheet: cards to cut out, each with a QR code of the enrolment link
and the code in large type, so a whole workshop can enrol by scanning or typing once.

One self-contained HTML page (styles inline, QR codes as inline SVG drawn by `segno`): it
prints the same from the dashboard, from a file written by `trainer admin enrolment-sheet`,
or from a laptop with no internet. A4, eight cards per page, dashed cut lines.

Codes are stored only as hashes, so a sheet can only be made with a code at hand: a new one
(the usual way) or one the trainer just created and still has in front of them.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime
from html import escape
from urllib.parse import urlsplit

import segno

from ...core.i18n import Translator
from ..enrolment import CODE_ID_LEN, CODE_SECRET_LEN
from ..hashing import format_code, normalise_code, verify_secret
from .render import Formats, parse_time

MAX_COPIES = 200
CARDS_PER_PAGE = 8  # 2 columns x 4 rows of 95 x 68 mm on A4 with 10 mm margins

STYLE = """
@font-face { font-family: "Noto Naskh Arabic"; src: url("/dashboard/static/fonts/NotoNaskhArabic-Regular.ttf") format("truetype");
             unicode-range: U+0600-06FF, U+0750-077F, U+08A0-08FF, U+FB50-FDFF, U+FE70-FEFF; }
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
html { font-family: "Noto Sans", "DejaVu Sans", "Noto Naskh Arabic", Arial, sans-serif; color: #000; background: #fff; }
body { margin: 0; }
.screen-only { max-width: 190mm; margin: 8mm auto; font-size: 11pt; }
.screen-only p { margin: 0 0 3mm; }
.warn { border: 2px solid #b42318; padding: 3mm; }
.sheet { display: grid; grid-template-columns: 95mm 95mm; grid-auto-rows: 68mm; width: 190mm; margin: 0 auto; }
.card { border: 0.3mm dashed #666; padding: 3.5mm 4mm; display: grid; grid-template-columns: 34mm 1fr;
        grid-template-rows: auto 34mm auto; column-gap: 4mm; row-gap: 1.5mm; break-inside: avoid; page-break-inside: avoid;
        overflow: hidden; }
.card h2 { grid-column: 1 / 3; font-size: 10pt; margin: 0; line-height: 1.2; }
.card h2 .cohort { display: block; font-weight: 400; font-size: 8.5pt; }
.qr { width: 34mm; height: 34mm; }
.qr svg { width: 34mm; height: 34mm; display: block; shape-rendering: crispEdges; }
.facts { min-width: 0; display: flex; flex-direction: column; gap: 0.8mm; }
.label { font-size: 7.5pt; margin: 0; color: #333; }
.server { font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, monospace; font-size: 8.5pt; margin: 0;
          overflow-wrap: anywhere; }
.codebox { grid-column: 1 / 3; display: flex; align-items: baseline; gap: 3mm; }
.code { font-family: "DejaVu Sans Mono", "Noto Sans Mono", Consolas, monospace; font-size: 19pt; font-weight: 700;
        letter-spacing: .03em; margin: 0; white-space: nowrap; }
.how { font-size: 7.5pt; margin: 0; line-height: 1.25; }
@media print { .screen-only { display: none; } }
@media screen { body { background: #eee; } .sheet { background: #fff; margin-bottom: 8mm; } }
"""


class SheetError(ValueError):
    """The sheet cannot be made as asked; the message says why (translated by the caller)."""


@dataclass(frozen=True)
class Card:
    code: str  # as people read it: XXXX-XXXX-XXXX
    link: str  # waymark://enrol?server=...&code=...
    server_url: str
    cohort_name: str
    expires_at: str | None = None


def style_hash() -> str:
    """The Content-Security-Policy source that allows exactly this sheet's inline styles."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode() + "'"


def qr_svg(link: str) -> str:
    """The enrolment link as an inline SVG QR code (error correction M: survives a smudge)."""
    svg = segno.make(link, error="m", micro=False).svg_inline(scale=1, border=4, omitsize=True, svgclass="qr-code")
    return svg.replace("<svg ", '<svg role="img" aria-hidden="true" ', 1)


def local_only(server_url: str) -> bool:
    """An address phones cannot reach (this computer only, or 'every interface')."""
    host = (urlsplit(server_url).hostname or "").lower()
    return host in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "::") or host.startswith("127.")


def render_sheet(cards: list[Card], t: Translator, *, title: str | None = None) -> str:
    """The whole printable page."""
    _ = t.gettext
    fmt = Formats(t)
    heading = title or _("Enrolment sheet")
    notes = [
        _("Print this page (A4), cut along the dashed lines and give one card to each learner. "
          "Each card works until the code expires or is withdrawn."),
    ]
    warn = ""
    if cards and local_only(cards[0].server_url):
        warn = (
            '<p class="warn" role="alert">'
            + escape(_("The server address {address} only works on this computer. Start the server with "
                       "--public-url and the address phones use, then make a new sheet.").format(address=cards[0].server_url))
            + "</p>"
        )
    out = [
        "<!doctype html>",
        f'<html lang="{escape(t.lang)}" dir="{"rtl" if t.rtl else "ltr"}">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(heading)} · Waymark</title>",
        f"<style>{STYLE}</style></head><body>",
        f'<div class="screen-only"><h1>{escape(heading)}</h1>',
        *(f"<p>{escape(n)}</p>" for n in notes),
        warn,
        "</div>",
    ]
    words = {
        "title": escape(_("Enrol your phone in Waymark")),
        "code": escape(_("Enrolment code")),
        "server": escape(_("Server address")),
        "how": escape(_("In Waymark, open Settings, then Sync: paste the link read from the QR code, or type the "
                        "server address and the code, then tap Enrol.")),
    }
    valid_until = _("Valid until {date}")
    for start in range(0, len(cards), CARDS_PER_PAGE):
        out.append('<main class="sheet">')
        for card in cards[start : start + CARDS_PER_PAGE]:
            expires = parse_time(card.expires_at)
            valid = (
                f'<p class="label">{escape(valid_until.format(date=fmt.day(expires)))}</p>'
                if expires else ""
            )
            out.append(
                f'<section class="card" data-link="{escape(card.link)}">'
                f'<h2>{words["title"]}<span class="cohort" dir="auto">{escape(card.cohort_name)}</span></h2>'
                f'<div class="qr">{qr_svg(card.link)}</div>'
                '<div class="facts">'
                f'<p class="label">{words["server"]}</p>'
                f'<p class="server" dir="ltr">{escape(card.server_url)}</p>'
                f"{valid}"
                f'<p class="how">{words["how"]}</p>'
                "</div>"
                f'<div class="codebox"><p class="label">{words["code"]}</p>'
                f'<p class="code" dir="ltr">{escape(card.code)}</p></div>'
                "</section>"
            )
        out.append("</main>")
    out.append("</body></html>")
    return "\n".join(out)


def cards_for(code: str, link: str, server_url: str, cohort_name: str, expires_at: str | None, copies: int) -> list[Card]:
    """`copies` identical cards of one shared code (one per learner; per-learner codes come with rosters)."""
    if not 1 <= copies <= MAX_COPIES:
        raise SheetError(f"copies must be between 1 and {MAX_COPIES}")
    return [Card(code, link, server_url, cohort_name, expires_at)] * copies


def active_code(db, cohort_id: int, typed: str, now: datetime) -> dict | None:
    """The row of `typed` if it is a code of this cohort that still enrols devices, else None.

    Only the hash is stored, so this checks the whole code against it: knowing a code's
    first group (shown in lists) is not enough to print it.
    """
    from .queries import code_state

    code = normalise_code(typed or "")
    if len(code) != CODE_ID_LEN + CODE_SECRET_LEN:
        return None
    rows = list(db.query(
        "SELECT id, cohort_id, secret_hash, created_at, expires_at, max_uses, uses, revoked_at FROM enrolment_code "
        "WHERE id = ? AND cohort_id = ?", [code[:CODE_ID_LEN], cohort_id],
    ))
    if not rows or not verify_secret(code[CODE_ID_LEN:], rows[0]["secret_hash"]):
        return None
    row = rows[0]
    if code_state(row, now) != "active":
        return None
    row["code"] = format_code(code)
    return row
