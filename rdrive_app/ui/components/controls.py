"""Small building blocks the components and pages share: buttons named by their label, the
frame of a dialog, an error line, and a column that may shrink.

Every control keeps an accessible name: a labelled button is named by its text, an icon
button by its ``aria_label`` (browser tests find them by these names).
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars import ArrayVar, Var


def labelled_button(label: Any, *, icon: str | None = None, **props: Any) -> rx.Component:
    """A button named by ``label``, with a leading 16 px icon when ``icon`` is given."""
    if icon is None:
        return rx.button(label, **props)
    return rx.button(rx.icon(icon, size=16), label, **props)


def soft_button(label: Any, on_click: Any = None, **props: Any) -> rx.Component:
    """A secondary ("soft") action button (without ``on_click``: a dialog's trigger)."""
    if on_click is not None:
        props["on_click"] = on_click
    return labelled_button(label, variant="soft", **props)


def gray_button(label: Any, **props: Any) -> rx.Component:
    """A soft gray button: Cancel, Close, Sign out."""
    return labelled_button(label, variant="soft", color_scheme="gray", **props)


def icon_button(
    icon: str, label: Any, on_click: Any = None, *, icon_size: int | None = None, **props: Any
) -> rx.Component:
    """A button that shows only an icon; ``label`` is its accessible name."""
    glyph = rx.icon(icon) if icon_size is None else rx.icon(icon, size=icon_size)
    if on_click is not None:
        props["on_click"] = on_click
    return rx.icon_button(glyph, aria_label=label, **props)


def dismiss_button(label: Any, on_click: Any, **props: Any) -> rx.Component:
    """A small "x" that dismisses or cancels something; ``label`` says what."""
    return icon_button("x", label, on_click, icon_size=14, size="1", variant="ghost", **props)


def nav_link(label: str, href: str, icon: str) -> rx.Component:
    """A link to another page (Photos, Albums, Folders…), named by ``label``."""
    return rx.link(
        rx.hstack(rx.icon(icon, size=16), label, align="center", spacing="1"), href=href, size="2"
    )


def hidden_bridge(element_id: str, on_change: Any) -> rx.Component:
    """A hidden input a browser script writes its messages to (a JSON text each);
    ``on_change`` is the state's handler that reads them (the upload, passkey and share
    scripts' bridges)."""
    return rx.el.input(
        id=element_id,
        type="text",
        aria_hidden="true",
        tab_index=-1,
        on_change=on_change,
        style={"display": "none"},
    )


def wrapping_row(*children: Any, **props: Any) -> rx.Component:
    """A row of controls, centred on one line, that wraps on a narrow screen."""
    return rx.hstack(*children, align="center", wrap="wrap", **props)


def select_menu(
    label: str, options: dict[str, str], *, value: Var[str], on_change: Any
) -> rx.Component:
    """A drop-down named ``label`` choosing one of ``options`` (value → what it shows)."""
    return rx.select.root(
        rx.select.trigger(aria_label=label),
        rx.select.content(*(rx.select.item(text, value=key) for key, text in options.items())),
        value=value,
        on_change=on_change,
    )


def error_line(message: Var[str]) -> rx.Component:
    """The error a dialog shows under its fields, announced when it appears."""
    return rx.cond(message != "", rx.text(message, color_scheme="red", size="2", role="alert"))


def dialog_buttons(*buttons: rx.Component) -> rx.Component:
    """The row of buttons at the bottom right of a dialog."""
    return rx.hstack(*buttons, justify="end", width="100%")


def dialog_frame(
    title: str,
    body: rx.Component,
    *,
    is_open: Var[bool],
    on_open_change: Any,
    max_width: str = "440px",
    trigger: rx.Component | None = None,
) -> rx.Component:
    """A dialog titled ``title`` whose open state lives in the state (``is_open``)."""
    content = rx.dialog.content(rx.dialog.title(title), body, max_width=max_width)
    parts = [content] if trigger is None else [rx.dialog.trigger(trigger), content]
    return rx.dialog.root(*parts, open=is_open, on_open_change=on_open_change)


def name_form(
    label: str,
    input_id: str,
    submit: str,
    *,
    error: Var[str],
    on_submit: Any,
    **input_props: Any,
) -> rx.Component:
    """A form with one required "name" field labelled ``label``, its error, Cancel and
    ``submit``."""
    return rx.form(
        rx.vstack(
            rx.el.label(label, html_for=input_id),
            rx.input(id=input_id, name="name", width="100%", required=True, **input_props),
            error_line(error),
            dialog_buttons(
                rx.dialog.close(gray_button("Cancel", type="button")),
                rx.button(submit, type="submit"),
            ),
            spacing="3",
        ),
        on_submit=on_submit,
        reset_on_submit=False,
    )


def name_dialog(
    title: str,
    label: str,
    input_id: str,
    submit: str,
    *,
    error: Var[str],
    on_submit: Any,
    is_open: Var[bool],
    on_open_change: Any,
    trigger: rx.Component | None = None,
    max_width: str = "440px",
    **input_props: Any,
) -> rx.Component:
    """A dialog asking for one name (new folder, new album, rename): ``name_form`` framed."""
    form = name_form(label, input_id, submit, error=error, on_submit=on_submit, **input_props)
    return dialog_frame(
        title, form, is_open=is_open, on_open_change=on_open_change, trigger=trigger,
        max_width=max_width,
    )  # fmt: skip


def choice_row(icon: str, label: Any, on_click: Any, name: Any, *after: Any) -> rx.Component:
    """One choice of a dialog's list (a folder to move to, an album to add to), named ``name``."""
    return rx.button(
        rx.icon(icon, size=16), label, *after,
        variant="ghost", justify="start", width="100%", on_click=on_click, aria_label=name,
    )  # fmt: skip


def choice_list(rows: ArrayVar, render: Any, empty: str) -> rx.Component:
    """A dialog's scrolling list of choices, or ``empty`` said when there is none."""
    return rx.scroll_area(
        rx.vstack(
            rx.foreach(rows, render),
            rx.cond(rows.length() == 0, rx.text(empty, size="2", color_scheme="gray")),
            spacing="1",
            width="100%",
        ),
        max_height="300px",
        type="auto",
        scrollbars="vertical",
    )


def card_link(body: rx.Component, href: Any, name: Any) -> rx.Component:
    """A card that opens a page (a folder's, an album's), named ``name``."""
    return rx.link(
        rx.card(body, width="100%"), href=href, underline="none", color_scheme="gray",
        high_contrast=True, aria_label=name, min_width="0",
    )  # fmt: skip


def card_grid(rows: ArrayVar, render: Any, min_width: str, **props: Any) -> rx.Component:
    """Cards (folders, albums) in as many columns of at least ``min_width`` as fit."""
    return listing(
        rows, render, container=rx.grid, columns=f"repeat(auto-fill, minmax({min_width}, 1fr))",
        width="100%", **props,
    )  # fmt: skip


def toggle_button(icon: rx.Component, label: str, pressed: Var[bool], **props: Any) -> rx.Component:
    """A button that stays pressed while ``pressed`` (aria-pressed): Live, Favourite."""
    return rx.button(
        icon,
        label,
        variant=rx.cond(pressed, "solid", "outline"),
        aria_pressed=pressed,
        type="button",
        **props,
    )


def form_dialog(
    title: str, label: str, input_id: str, state: Any, field: str, **input_props: Any
) -> rx.Component:
    """``name_dialog`` over ``state``'s fields named by ``field``: ``<field>_open``,
    ``_error``, ``_value``, ``set_<field>_open`` and ``submit_<field>`` (Rename, Date taken,
    Shift dates); the input starts afresh whenever the value it starts from changes."""
    value = getattr(state, f"{field}_value")
    return name_dialog(
        title, label, input_id, "Save",
        error=getattr(state, f"{field}_error"), on_submit=getattr(state, f"submit_{field}"),
        is_open=getattr(state, f"{field}_open"), on_open_change=getattr(state, f"set_{field}_open"),
        default_value=value, key=value, **input_props,
    )  # fmt: skip


def shrinking(*children: rx.Component, stack: Any = rx.vstack, **props: Any) -> rx.Component:
    """A stack that takes the room left in its row and may shrink below its content's width
    (so long names truncate instead of pushing the buttons out)."""
    return stack(*children, flex="1", min_width="0", **props)


def listing(
    rows: ArrayVar,
    render: Any,
    *,
    container: Any = rx.vstack,
    empty: rx.Component | None = None,
    **props: Any,
) -> rx.Component:
    """``render`` of every row in ``container`` while there are rows; else ``empty`` (if any)."""
    shown = container(rx.foreach(rows, render), **props)
    if empty is None:
        return rx.cond(rows.length() > 0, shown)
    return rx.cond(rows.length() > 0, shown, empty)


def corner_badge(*children: Any, **place: str) -> rx.Component:
    """A small solid label over a picture's corner (a video's length, "Live")."""
    return rx.badge(
        *children, variant="solid", color_scheme="gray", position="absolute", high_contrast=True,
        pointer_events="none", **place,
    )  # fmt: skip
