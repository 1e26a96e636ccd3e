"""Settings: UI language, content language, text size, theme."""

from __future__ import annotations

import flet as ft

from ...core.i18n import language_name, ui_status
from ...core.settings import TEXT_SCALES
from .. import theme, widgets

# Features add their own settings sections: (app) -> ft.Control | None
EXTRA_SECTIONS: list = []


def build(app, params) -> ft.View:
    _ = app._
    languages = ui_status()  # offered by default, and still being translated (locales/languages.toml)
    content_langs = app.curriculum.languages or languages.offered
    show_partial = bool(languages.partial) and (
        app.session.get("show_partial_languages", False) or app.ui_language in languages.partial
    )

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

    def toggle_partial(e):
        app.session["show_partial_languages"] = bool(e.control.value)
        app.refresh()

    def partial_label(code: str) -> str:
        s = languages.status(code)
        share = app.tr.percent(s.translated / s.total if s.total else 1.0)
        return f"{language_name(code)} · {_('{percent} translated').format(percent=share)}"

    def language_choice(key: str, label: str, codes, value, on_change, partial=(), switch=None) -> ft.Control:
        """Each language by its own name, in its own script; big radio rows, not a dropdown.
        Languages still being translated follow the switch that reveals them, with their share."""
        rows: list = [(code, language_name(code), f"{key}-{code}", theme.font_for(code)) for code in codes]
        if switch is not None:
            rows.append(switch)
        if partial:
            rows.append(ft.Text(_("Whatever is not yet translated is shown in English."), key=f"{key}-partial-note",
                                size=theme.size(13, app.text_scale)))
            rows += [(code, partial_label(code), f"{key}-{code}", theme.font_for(code)) for code in partial]
        return ft.Column(
            [
                ft.Text(label, weight=ft.FontWeight.W_500, size=theme.size(15, app.text_scale)),
                widgets.radio_group(key, value, rows, on_change, size=theme.size(16, app.text_scale)),
            ],
            spacing=4,
        )

    partial_switch = (
        ft.Switch(
            key="show-partial-languages",
            label=_("Show languages still being translated"),
            value=show_partial,
            on_change=toggle_partial,
            height=48,
        )
        if languages.partial
        else None
    )
    ui_dd = language_choice("ui-language", _("App language"), languages.offered, app.ui_language, set_ui,
                            partial=languages.partial if show_partial else (), switch=partial_switch)
    content_dd = language_choice(
        "content-language",
        _("Training content language"),
        content_langs,
        app.content_language if app.content_language in content_langs else None,
        set_content,
    )
    scale = widgets.segmented(
        "text-size",
        [str(min(TEXT_SCALES, key=lambda s: abs(s - app.text_scale)))],
        [ft.Segment(value=str(s), label=ft.Text("A", size=round(14 * s)), tooltip=app.tr.percent(s)) for s in TEXT_SCALES],
        set_scale,
    )
    mode = app.settings.get("theme") or "system"
    theme_btn = widgets.segmented(
        "theme-mode",
        [mode],
        [
            ft.Segment(value="system", label=ft.Text(_("Automatic"))),
            ft.Segment(value="light", label=ft.Text(_("Light"))),
            ft.Segment(value="dark", label=ft.Text(_("Dark"))),
        ],
        set_theme,
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
