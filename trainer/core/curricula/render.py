"""Printable HTML of a module (Python-Markdown with a table of contents).

The output is a single self-contained page: no scripts, no external fonts or styles,
so it can be printed or shared on a laptop with no internet. Content is text, never code:
raw HTML in the Markdown is escaped (shown as written, not interpreted), event-handler
attributes are dropped, and `javascript:`/`vbscript:`/`data:` link targets are removed,
even if the validator (`safety.py`) was bypassed.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from ..i18n import is_rtl, isolate_html
from .model import Module

CSS = """
body{font-family:"Noto Naskh Arabic","Noto Sans",system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.6;color:#1b1b1b}
h1{font-size:1.8rem;margin-bottom:.25rem} h2{margin-top:2rem;border-bottom:1px solid #ccc;padding-bottom:.2rem}
.meta{color:#555} .notice{border:1px solid #b58900;background:#fff8e1;padding:.6rem .8rem;border-radius:.4rem}
.toc ul{list-style:none;padding-inline-start:1rem} table{border-collapse:collapse} td,th{border:1px solid #bbb;padding:.3rem .5rem}
@media print{.toc{page-break-after:always} a{color:inherit;text-decoration:none}}
"""


_BAD_URL = re.compile(r"^\s*(?:javascript|vbscript|data)\s*:", re.I)


class _Defang(Treeprocessor):
    def run(self, root: etree.Element) -> None:
        for el in root.iter():
            for name in list(el.attrib):
                value = el.attrib[name]
                clean = re.sub(r"[\s\x00-\x1f]", "", value)
                if name.lower().startswith("on") or (name.lower() in ("href", "src", "action", "formaction") and _BAD_URL.match(clean)):
                    del el.attrib[name]


class SafeContent(Extension):
    """Escape raw HTML and defang attributes: Markdown as text, never as code."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_Defang(md), "waymark-defang", 0)


def render_section_html(markdown_text: str) -> str:
    return markdown.markdown(markdown_text, extensions=["attr_list", "tables", "sane_lists", SafeContent()])


def render_module_html(module: Module, lang: str, labels: dict[str, str] | None = None) -> str:
    """The whole module as printable HTML, in `lang` (falling back to the source language)."""
    labels = {"contents": "Contents", "minutes": "minutes", "fallback": "This module is not yet translated into your language; it is shown in its original language.", "unreviewed": "This translation has not yet been reviewed by a fluent speaker.", **(labels or {})}
    text, fell_back = module.text(lang)
    body = "\n\n".join(f"## {s.title} {{#{s.id}}}\n\n{s.markdown}" for s in text.sections)
    md = markdown.Markdown(
        extensions=["toc", "attr_list", "tables", "sane_lists", SafeContent()], extension_configs={"toc": {"toc_depth": "2"}}
    )
    content = md.convert(body)
    notices = []
    if fell_back:
        notices.append(labels["fallback"])
    elif text.needs_review:
        notices.append(labels["unreviewed"])
    if text.content_warning:
        notices.append(text.content_warning)
    # Labels may be in the UI language, not the module's: each takes its own direction.
    notice_html = "".join(f'<p class="notice" dir="auto">{html.escape(n)}</p>' for n in notices)
    direction = "rtl" if is_rtl(text.lang) else "ltr"
    duration = labels.get("duration") or f"{module.estimated_minutes} {labels['minutes']}"
    return (
        f'<!doctype html>\n<html lang="{text.lang}" dir="{direction}"><head><meta charset="utf-8">'
        f"<title>{html.escape(text.title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{html.escape(text.title)}</h1>"
        f'<p class="meta">{html.escape(text.summary)} · {isolate_html(duration, "auto")}</p>'
        f"{notice_html}"
        f'<nav class="toc"><h2 dir="auto">{html.escape(labels["contents"])}</h2>{md.toc}</nav>'
        f"{content}</body></html>\n"
    )
