"""Module reader: one section at a time, next/previous, progress, resume where left off."""

from __future__ import annotations

import flet as ft

from ...core.progress import record_section_read
from ...core.reading import get_reading
from .. import theme, widgets

# Features add actions at the end of a module (e.g. "Take the quiz"): (app, module) -> control | None
END_ACTIONS: list = []


def markdown_styles(scale: float, font: str | None) -> ft.MarkdownStyleSheet:
    body = ft.TextStyle(size=theme.size(16, scale), height=1.5, font_family=font)
    return ft.MarkdownStyleSheet(
        p_text_style=body,
        list_bullet_text_style=body,
        h3_text_style=ft.TextStyle(size=theme.size(18, scale), weight=ft.FontWeight.BOLD, font_family=font),
        strong_text_style=ft.TextStyle(weight=ft.FontWeight.BOLD, font_family=font),
        em_text_style=ft.TextStyle(italic=True, font_family=font),
        blockquote_text_style=body,
        table_body_text_style=body,
        table_head_text_style=ft.TextStyle(size=theme.size(16, scale), weight=ft.FontWeight.BOLD, font_family=font),
    )


def warning_view(app, module, text) -> ft.View:
    _ = app._
    route = f"/module/{module.id}"

    def proceed(e):
        app.session.setdefault("acknowledged", set()).add(module.id)
        app.show_route(app.page.route or route)

    def skip(e):
        app.session.setdefault("acknowledged", set()).add(module.id)
        reading = get_reading(app.db, module.id)
        nxt = min(reading.section_index + 1, len(text.sections) - 1)
        app.go(f"{route}/section/{text.sections[nxt].id}")

    body = [
        widgets.heading(_("Before you start"), app.text_scale),
        ft.Text(text.content_warning, size=theme.size(16, app.text_scale), font_family=theme.font_for(text.lang), key="content-warning"),
        ft.Text(_("You can stop at any time. If this brings up difficult feelings, take a break and talk to someone you trust."), size=theme.size(15, app.text_scale)),
        widgets.primary(_("Continue"), proceed, key="warning-continue"),
        widgets.secondary(_("Skip this section"), skip, key="warning-skip"),
        ft.TextButton(_("Come back later"), on_click=lambda e: app.go("/"), key="warning-later", height=theme.TAP),
    ]
    return ft.View(route=route, scroll=ft.ScrollMode.AUTO, appbar=ft.AppBar(title=ft.Text(text.title, font_family=theme.font_for(text.lang))), controls=[widgets.column_page(body)])


def build(app, params) -> ft.View:
    _ = app._
    module = app.curriculum.module(params.get("module_id", ""))
    if module is None:
        return ft.View(route="/missing", appbar=ft.AppBar(title=ft.Text(_("Not found"))), controls=[ft.Text(_("This module is not available."))])
    text, fell_back = module.text(app.content_language)
    route = f"/module/{module.id}"
    if text.content_warning and module.id not in app.session.get("acknowledged", set()):
        return warning_view(app, module, text)

    reading = get_reading(app.db, module.id)
    ids = list(text.section_ids)
    sid = params.get("section_id") or reading.section_id
    index = ids.index(sid) if sid in ids else min(reading.section_index, len(ids) - 1)
    section = text.sections[index]
    record_section_read(app.db, module, section.id, lang=text.lang)  # also completes the module if the quiz is passed
    font = theme.font_for(text.lang)
    content_rtl = app.page.rtl if text.lang == app.ui_language else text.lang.split("_")[0] in ("ar", "fa", "ur", "he")

    def open_section(i: int):
        app.go(f"{route}/section/{ids[i]}")

    def on_link(e):
        href = (e.data or "").strip()
        if href.startswith("#") and href[1:] in ids:
            open_section(ids.index(href[1:]))
        elif "#" in href and not href.startswith("http"):
            mod, _, sec = href.partition("#")
            if app.curriculum.module(mod):
                app.go(f"/module/{mod}/section/{sec}" if sec else f"/module/{mod}")
        elif href.startswith("app://"):
            app.go("/" + href.removeprefix("app://"))

    notices: list[ft.Control] = []
    if fell_back:
        notices.append(widgets.notice(_("This module is not yet available in your language. It is shown in its original language."), key="fallback-notice", tone="warn"))
    elif text.needs_review:
        notices.append(widgets.notice(_("This translation has not yet been checked by a fluent reviewer."), key="unreviewed-notice"))

    position = _("Section %(i)d of %(n)d") % {"i": index + 1, "n": len(ids)}
    nav: list[ft.Control] = []
    if index > 0:
        nav.append(widgets.secondary(_("Previous"), lambda e: open_section(index - 1), icon=ft.Icons.ARROW_BACK, key="prev-section", expand=True))
    if index < len(ids) - 1:
        nav.append(widgets.primary(_("Next"), lambda e: open_section(index + 1), icon=ft.Icons.ARROW_FORWARD, key="next-section", expand=True))
    end: list[ft.Control] = []
    if index == len(ids) - 1:
        for action in END_ACTIONS:
            c = action(app, module)
            if c is not None:
                end.append(c)
        end.append(widgets.secondary(_("Back to modules"), lambda e: app.go("/"), key="back-home"))

    def show_contents(e):
        def pick(i):
            def handler(ev):
                app.page.pop_dialog()
                open_section(i)
            return handler

        dlg = ft.AlertDialog(
            title=ft.Text(_("Contents")),
            content=ft.Column(
                [ft.ListTile(title=ft.Text(s.title, font_family=font), selected=i == index, on_click=pick(i), key=f"toc-{s.id}") for i, s in enumerate(text.sections)],
                scroll=ft.ScrollMode.AUTO,
                tight=True,
            ),
            actions=[ft.TextButton(_("Close"), on_click=lambda ev: app.page.pop_dialog())],
        )
        app.page.show_dialog(dlg)

    body = ft.Column(
        [
            ft.Text(position, key="section-position", size=theme.size(13, app.text_scale)),
            ft.ProgressBar(value=(index + 1) / len(ids), semantics_label=_("Reading progress"), semantics_value=round((index + 1) / len(ids) * 100)),
            *notices,
            ft.Semantics(header=True, content=ft.Text(section.title, size=theme.size(22, app.text_scale), weight=ft.FontWeight.BOLD, font_family=font, key="section-title")),
            ft.Markdown(
                section.markdown,
                key="section-body",
                extension_set=ft.MarkdownExtensionSet.GITHUB_FLAVORED,
                md_style_sheet=markdown_styles(app.text_scale, font),
                on_tap_link=on_link,
                selectable=False,
            ),
        ],
        spacing=12,
        rtl=content_rtl,
        horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
    )
    return ft.View(
        route=f"{route}/section/{section.id}" if params.get("section_id") else route,
        scroll=ft.ScrollMode.AUTO,
        appbar=ft.AppBar(
            title=ft.Text(text.title, font_family=font, max_lines=1, overflow=ft.TextOverflow.ELLIPSIS),
            actions=[widgets.icon_button(ft.Icons.LIST, _("Contents"), show_contents, key="open-contents")],
        ),
        controls=[widgets.column_page([body, ft.Row(nav, spacing=12), *end])],
    )
