"""What a learner puts in the enrolment form, turned into (server address, code). Pure.

Accepted, in either field (a link pasted into the code field is as good as one pasted into
the server field):
- the link `trainer admin create-code --server-url` and the enrolment sheet print:
  `waymark://enrol?server=http%3A%2F%2F192.168.1.10%3A8765&code=7C4P-8XGM-02TP`
  (scheme and host in any case; `waymark:enrol?...` without slashes too);
- the same link inside a longer pasted message ("Enrol with waymark://enrol?... today.");
- its web form, `http(s)://HOST[:PORT][/PREFIX]/enrol?code=...`: the server is the address
  before `/enrol` (unless a `server` parameter names it);
- otherwise, the server address and the code as typed.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

_LINK = re.compile(r"waymark:(?://)?enrol/?\?[^\s<>\"']+", re.IGNORECASE)
_WEB = re.compile(r"https?://[^\s<>\"'?#]+/enrol/?\?[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}>\"'»”’"


def _query(text: str) -> dict[str, str]:
    q = parse_qs(text.split("?", 1)[1] if "?" in text else "", keep_blank_values=True)
    return {k.lower(): v[0].strip() for k, v in q.items() if v}


def parse_enrol_link(text: str | None) -> tuple[str, str] | None:
    """(server, code) from an enrolment link anywhere in `text`, or None if there is none."""
    text = (text or "").strip()
    if not text:
        return None
    m = _LINK.search(text)
    if m:
        link = m.group(0).rstrip(_TRAILING)
        q = _query(link)
        server, code = q.get("server", ""), q.get("code", "").rstrip(_TRAILING)
        return (server, code) if server and code else None
    m = _WEB.search(text)
    if m:
        link = m.group(0).rstrip(_TRAILING)
        parts = urlsplit(link)
        q = _query(link)
        code = q.get("code", "").rstrip(_TRAILING)
        base = parts.path.rstrip("/")
        base = base[: -len("/enrol")] if base.lower().endswith("/enrol") else base
        server = q.get("server") or f"{parts.scheme.lower()}://{parts.netloc}{base}"
        return (server, code) if code else None
    return None


def enrolment_input(server_text: str | None, code_text: str | None) -> tuple[str, str]:
    """The (server, code) to enrol with, from the two fields of the form as the person filled them.

    A link in either field wins over what was typed beside it: it is what the trainer printed.
    """
    for field in (code_text, server_text):
        found = parse_enrol_link(field)
        if found:
            return found
    return (server_text or "").strip(), (code_text or "").strip()
