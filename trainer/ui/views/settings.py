"""Settings: UI language, content language, text size, theme."""

from __future__ import annotations

import flet as ft

from ...core.i18n import UI_LANGUAGES, language_name
from ...core.settings import TEXT_SCALES
from .. import theme, widgets

# Features add their own settings sections: (app) -> ft.Control | None
EXTRA_SECTIONS: list = []


def build(app, params) -> ft.View:
    _ = app._
    content_langs = app.curriculum.languages or UI_LANGUAGES

    def set_ui(e):
        app.set_languages(ui=e.control.value)
        app.refresh()

    def set_content(e):
        app.set_languages(content=e.control.value)
        app.refresh()

    def set_scale(e):
        app.settings.set("text_scale", float(next(iter(e.control.selected))))
        app.refresh()

    def set_theme(e):
        app.settings.set("theme", next(iter(e.control.selected)))
        app.refresh()

    def language_choice(key: str, label: str, codes, value, on_change) -> ft.Control:
        """Each language by its own name, in its own script; big radio rows, not a dropdown."""
        radios = [
            ft.Radio(
                value=code,
                label=language_name(code),
                label_style=ft.TextStyle(size=theme.size(16, app.text_scale), font_family=theme.font_for(code)),
                key=f"{key}-{code}",
            )
            for code in codes
        ]
        return ft.Column(
            [
                ft.Text(label, weight=ft.FontWeight.W_500, size=theme.size(15, app.text_scale)),
                ft.RadioGroup(key=key, value=value, on_change=on_change, content=ft.Column(radios, spacing=0)),
            ],
            spacing=4,
        )

    ui_dd = language_choice("ui-language", _("App language"), UI_LANGUAGES, app.ui_language, set_ui)
    content_dd = language_choice(
        "content-language",
        _("Training content language"),
        content_langs,
        app.content_language if app.content_language in content_langs else None,
        set_content,
    )
    scale = ft.SegmentedButton(
        key="text-size",
        selected=[str(min(TEXT_SCALES, key=lambda s: abs(s - app.text_scale)))],
        show_selected_icon=False,
        on_change=set_scale,
        segments=[ft.Segment(value=str(s), label=ft.Text("A", size=round(14 * s)), tooltip=f"{round(s * 100)}%") for s in TEXT_SCALES],
    )
    mode = app.settings.get("theme") or "system"
    theme_btn = ft.SegmentedButton(
        key="theme-mode",
        selected=[mode],
        show_selected_icon=False,
        on_change=set_theme,
        segments=[
            ft.Segment(value="system", label=ft.Text(_("Automatic"))),
            ft.Segment(value="light", label=ft.Text(_("Light"))),
            ft.Segment(value="dark", label=ft.Text(_("Dark"))),
        ],
    )
    controls: list[ft.Control] = [
        widgets.heading(_("Language"), app.text_scale, level=2),
        ui_dd,
        content_dd,
        ft.Text(_("Training modules not yet translated are shown in their original language, with a notice."), size=theme.size(13, app.text_scale)),
        widgets.heading(_("Text size"), app.text_scale, level=2),
        ft.Row([scale], scroll=ft.ScrollMode.AUTO),
        widgets.heading(_("Appearance"), app.text_scale, level=2),
        ft.Row([theme_btn], scroll=ft.ScrollMode.AUTO),
    ]
    for extra in EXTRA_SECTIONS:
        c = extra(app)
        if c is not None:
            controls.append(c)
    return ft.View(route="/settings", scroll=ft.ScrollMode.AUTO, appbar=ft.AppBar(title=ft.Text(_("Settings"))), controls=[widgets.column_page(controls)])
