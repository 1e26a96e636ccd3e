"""Home: the module list with time, progress and an audience filter."""

from __future__ import annotations

import flet as ft

from ...core.i18n import N_
from ...core.progress import ModuleProgress, ModuleState, overall_progress
from .. import theme, widgets

STATE_LABELS = {  # marked for extraction, translated when shown
    ModuleState.NOT_STARTED: N_("Not started"),
    ModuleState.IN_PROGRESS: N_("In progress"),
    ModuleState.PASSED: N_("Passed"),
}

AUDIENCE_LABELS = {
    "all": N_("Everyone"),
    "labour-inspection": N_("Labour inspection"),
    "border": N_("Border"),
}

# Features add entries to the home screen (e.g. the checklist, sync status) through these hooks:
# each is a function (app) -> ft.Control | None, shown below the module list.
EXTRA_SECTIONS: list = []
# Actions in the top bar, always one tap away (e.g. the checklist during an interview):
# each is (app) -> ft.Control | None.
APPBAR_ACTIONS: list = []
def module_card(app, module, progress: ModuleProgress) -> ft.Control:
    _ = app._
    scale = app.text_scale
    text, fell_back = module.text(app.content_language)
    label, fraction = _(STATE_LABELS[progress.state]), progress.fraction
    minutes = app.ngettext("%(n)d minute", "%(n)d minutes", module.estimated_minutes) % {"n": module.estimated_minutes}
    details = [minutes, label]
    if fell_back:
        details.append(_("Not yet in your language"))
    elif text.needs_review:
        details.append(_("Translation not yet reviewed"))
    content_font = theme.font_for(text.lang)
    body = ft.Column(
        [
            ft.Text(text.title, size=theme.size(18, scale), weight=ft.FontWeight.BOLD, font_family=content_font),
            ft.Text(text.summary, size=theme.size(14, scale), font_family=content_font),
            ft.Text(" · ".join(details), size=theme.size(13, scale), color=ft.Colors.ON_SURFACE_VARIANT),
            ft.ProgressBar(value=fraction, semantics_label=_("Progress"), semantics_value=round(fraction * 100)),
        ],
        spacing=8,
    )
    return widgets.tappable_card(
        f"{text.title}. {' · '.join(details)}",
        lambda e, mid=module.id: app.go(f"/module/{mid}"),
        body,
        key=f"module-{module.id}",
    )


def build(app, params) -> ft.View:
    _ = app._
    audience = app.settings.get("audience") or "all"
    # One read of reading progress, attempts and completions for the whole screen.
    progress = overall_progress(app.db, app.curriculum.modules)
    modules = [m for m in app.curriculum.modules if m.matches_audience(audience)]

    def pick_audience(value: str):
        def handler(e):
            app.settings.set("audience", value)
            app.show_route("/")

        return handler

    # Chips wrap onto a second line in long languages instead of running off a phone screen.
    filter_row = ft.Row(
        [
            widgets.chip(_(label), selected=a == audience, on_select=pick_audience(a), key=f"audience-{a}")
            for a, label in AUDIENCE_LABELS.items()
        ],
        key="audience-filter",
        wrap=True,
        spacing=8,
        run_spacing=4,
    )
    total = progress.total
    overall = ft.Text(  # finished = every section read and the quiz passed
        app.ngettext("%(done)d of %(n)d module finished", "%(done)d of %(n)d modules finished", total) % {"done": progress.completed, "n": total},
        key="overall-progress",
        size=theme.size(14, app.text_scale),
    )
    controls: list[ft.Control] = [
        widgets.heading(_("Training modules"), app.text_scale),
        overall,
        filter_row,
    ]
    if modules:
        controls += [module_card(app, m, progress.module(m.id)) for m in modules]
    else:
        controls.append(ft.Text(_("No modules for this audience yet.")))
    for extra in EXTRA_SECTIONS:
        c = extra(app)
        if c is not None:
            controls.append(c)
    return ft.View(
        route="/",
        scroll=ft.ScrollMode.AUTO,
        appbar=ft.AppBar(
            title=ft.Text("Waymark"),
            actions=[
                *[c for c in (action(app) for action in APPBAR_ACTIONS) if c is not None],
                widgets.icon_button(ft.Icons.SETTINGS_OUTLINED, _("Settings"), lambda e: app.go("/settings"), key="open-settings"),
            ],
        ),
        controls=[widgets.column_page(controls)],
    )
