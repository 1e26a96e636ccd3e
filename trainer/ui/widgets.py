"""Small shared widgets: notices, headings, buttons with proper tap targets and labels."""

from __future__ import annotations

import inspect
from types import SimpleNamespace

import flet as ft

from . import theme


def notice(text: str, *, icon: ft.IconData = ft.Icons.INFO_OUTLINE, key: str | None = None, tone: str = "info") -> ft.Control:
    """A calm, readable banner (no alarming red): fallback language, unreviewed translation..."""
    colour = ft.Colors.AMBER_100 if tone == "warn" else ft.Colors.SECONDARY_CONTAINER
    return ft.Container(
        key=key,
        bgcolor=colour,
        border_radius=8,
        padding=12,
        content=ft.Row(
            [ft.Icon(icon, color=ft.Colors.ON_SECONDARY_CONTAINER if tone != "warn" else ft.Colors.BROWN_800), ft.Text(text, expand=True, color=ft.Colors.BROWN_900 if tone == "warn" else None)],
            vertical_alignment=ft.CrossAxisAlignment.START,
        ),
    )


def heading(text: str, scale: float = 1.0, *, level: int = 1, key: str | None = None) -> ft.Control:
    sizes = {1: 24, 2: 20, 3: 17}
    return ft.Semantics(
        header=True,
        content=ft.Text(text, size=theme.size(sizes.get(level, 17), scale), weight=ft.FontWeight.BOLD, key=key),
    )


def primary(label: str, on_click, *, icon: ft.IconData | None = None, key: str | None = None, expand: bool = False) -> ft.Control:
    return ft.FilledButton(label, icon=icon, on_click=on_click, key=key, height=theme.TAP, expand=expand)


def secondary(label: str, on_click, *, icon: ft.IconData | None = None, key: str | None = None, expand: bool = False) -> ft.Control:
    return ft.OutlinedButton(label, icon=icon, on_click=on_click, key=key, height=theme.TAP, expand=expand)


def column_page(controls: list[ft.Control], *, key: str | None = None) -> ft.Control:
    """A centred reading column: full width on a phone, narrower on a laptop."""
    return ft.ResponsiveRow(
        [
            ft.Container(
                col={"xs": 12, "md": 10, "lg": 8, "xl": 6},
                content=ft.Column(controls, spacing=14, horizontal_alignment=ft.CrossAxisAlignment.STRETCH),
                padding=ft.Padding.symmetric(horizontal=16, vertical=12),
            )
        ],
        alignment=ft.MainAxisAlignment.CENTER,
        key=key,
    )


def icon_button(icon: ft.IconData, label: str, on_click, *, key: str | None = None) -> ft.Control:
    """An icon button that screen readers (and browser tests) know by its name."""
    return ft.Semantics(
        label=label,
        button=True,
        container=True,
        exclude_semantics=True,
        on_tap=on_click,
        content=ft.IconButton(icon, tooltip=label, on_click=on_click, key=key, width=theme.TAP, height=theme.TAP),
    )


def tappable_card(label: str, on_click, content: ft.Control, *, key: str | None = None) -> ft.Control:
    """A card that is one button for assistive technology, labelled with its whole text."""
    return ft.Semantics(
        label=label,
        button=True,
        container=True,
        exclude_semantics=True,
        on_tap=on_click,
        content=ft.Card(key=key, content=ft.Container(padding=16, on_click=on_click, content=content)),
    )


# --- choices with 48 dp targets -------------------------------------------------------------
# Flutter pads radios, checkboxes and chips to 48 dp only on phones, and their themes have no
# minimum size: so each is given the 48 dp height here (see theme.py for buttons).


def radio_group(key: str, value: str | None, options, on_change, *, size: float | None = None) -> ft.RadioGroup:
    """A radio group whose rows are one 48 dp target each, label included, and whose labels
    wrap: a long label (an instrument's name in Arabic at 412 px) takes a second line instead
    of pushing the radio off the screen, which a Radio's built-in label cannot do.

    `options`: (value, label, control key[, font family]) per row, or a control shown as it
    is between the rows (a note, a switch). Tapping a label selects its row and calls
    `on_change` as a tap on the radio would (e.control is the group)."""
    column = ft.Column(spacing=0)
    group = ft.RadioGroup(content=column, key=key, value=value, on_change=on_change)

    def pick(v: str):
        async def handler(e):
            # The group on screen, found from the tapped row: when a screen rebuilds a group
            # with the same key, Flet keeps the first instance live and freezes the new one,
            # so the `group` of this closure may no longer be the one shown.
            live = e.control
            while live is not None and not isinstance(live, ft.RadioGroup):
                live = live.parent
            live = live or group
            if live.value == v:
                return
            # A screen that rebuilds a keyed group in place (e.g. new screening: the language
            # list after the instrument changes) leaves the new instance marked frozen by
            # Flet's reconciliation, which then refuses any change. The group's value is
            # ours to set, as a tap on its radio would (Flet's own use_dialog does the same).
            if hasattr(live, "_frozen"):
                del live._frozen
            live.value = v
            if live.on_change is not None:
                result = live.on_change(SimpleNamespace(control=live, page=e.page, data=v, name="change"))
                if inspect.isawaitable(result):
                    await result

        return handler

    rows: list[ft.Control] = []
    for option in options:
        if isinstance(option, ft.Control):
            rows.append(option)
            continue
        v, label, rkey, font = (*option, None)[:4]
        rows.append(
            ft.MergeSemantics(
                content=ft.Container(
                    key=f"{rkey}-row",
                    on_click=pick(v),
                    border_radius=8,
                    padding=ft.Padding.symmetric(vertical=4),
                    content=ft.Row(
                        [
                            ft.Radio(value=v, key=rkey, visual_density=theme.DENSITY),
                            ft.Text(label, expand=True, size=size, font_family=font),
                        ],
                        spacing=4,
                        vertical_alignment=ft.CrossAxisAlignment.CENTER,
                    ),
                )
            )
        )
    column.controls = rows
    return group


def checkbox(label: str, *, value: bool = False, key: str | None = None, on_change=None) -> ft.Control:
    return ft.Checkbox(label=label, value=value, key=key, on_change=on_change, height=theme.TAP, visual_density=theme.DENSITY)


def chip(label: str, *, selected: bool, on_select, key: str | None = None) -> ft.Control:
    return ft.Chip(
        label=ft.Text(label),
        selected=selected,
        show_checkmark=True,
        on_select=on_select,
        key=key,
        height=theme.TAP,
        visual_density=theme.DENSITY,
    )


def segmented(key: str, selected: list[str], segments: list[ft.Segment], on_change, *, allow_empty: bool = False) -> ft.Control:
    """A segmented button whose segments are 48 dp tall (minimum size from the theme)."""
    return ft.SegmentedButton(
        key=key,
        selected=selected,
        allow_empty_selection=allow_empty,
        show_selected_icon=False,
        on_change=on_change,
        segments=segments,
        # The segments' height comes from their content and padding (their minimum size is
        # 40 dp whatever the style says): 14 dp above and below a line of text makes 48.
        style=theme.tap_style(padding=ft.Padding.symmetric(horizontal=12, vertical=14)),
    )


def destructive(label: str, on_click, *, key: str | None = None, icon: ft.IconData | None = ft.Icons.DELETE_FOREVER) -> ft.Control:
    """An action that deletes: red, with a delete icon, never styled like Cancel."""
    return ft.FilledButton(
        label,
        icon=icon,
        on_click=on_click,
        key=key,
        style=theme.tap_style(bgcolor=ft.Colors.ERROR, color=ft.Colors.ON_ERROR, icon_color=ft.Colors.ON_ERROR),
    )


def dialog_button(label: str, on_click, *, key: str | None = None) -> ft.Control:
    """A dialog's neutral action (Cancel, Close): 48 dp tall."""
    return ft.TextButton(label, on_click=on_click, key=key, style=theme.tap_style())
