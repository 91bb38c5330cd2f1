"""Tags and the description on the page: the viewer's panel (a Description text area, the tags
as chips that can be removed, "Add tag"), "Add tag" / "Remove tag" on a selection, and a card of
the Tags page."""

from __future__ import annotations

import reflex as rx
from reflex.vars import ObjectVar

from rdrive_app.ui.components import controls
from rdrive_app.ui.state.describe import DescribeState, TagChip
from rdrive_app.ui.state.tags import TagRow, TagsState


def _chip(chip: ObjectVar[TagChip]) -> rx.Component:
    return rx.badge(
        rx.link(chip.tag, href=chip.href, size="1", underline="none"),
        controls.dismiss_button(
            "Remove tag " + chip.tag.to(str), DescribeState.remove_tag(chip.tag)
        ),
        variant="soft",
        size="2",
        radius="full",
    )


def describe_panel() -> rx.Component:
    """The open item's description (saved when it loses focus, or with its button) and tags."""
    description = rx.form(
        rx.vstack(
            rx.el.label("Description", html_for="rdrive-description", size="1"),
            rx.text_area(
                id="rdrive-description",
                name="description",
                default_value=DescribeState.description,
                key=DescribeState.item_id + ":" + DescribeState.description,
                placeholder="Add a description",
                rows="3",
                resize="vertical",
                width="100%",
                on_blur=DescribeState.save_description,
            ),
            rx.hstack(
                rx.button("Save description", size="1", variant="soft", type="submit"),
                rx.cond(DescribeState.saved, rx.text("Saved", size="1", color_scheme="green")),
                align="center",
            ),
            spacing="1",
            width="100%",
        ),
        on_submit=DescribeState.submit_description,
        reset_on_submit=False,
        width="100%",
    )
    add = rx.form(
        rx.input(
            name="tag",
            aria_label="Add tag",
            placeholder="Add tag",
            size="1",
            key=DescribeState.tag_input.to_string(),
            auto_complete="off",
        ),
        on_submit=DescribeState.add_tag,
        reset_on_submit=True,
        width="100%",
    )
    tags = rx.hstack(
        rx.foreach(DescribeState.chips, _chip),
        wrap="wrap",
        spacing="1",
        role="list",
        aria_label="Tags",
    )
    return rx.vstack(
        description,
        rx.text("Tags", size="1", color_scheme="gray"),
        tags,
        add,
        controls.error_line(DescribeState.error),
        spacing="2",
        width="100%",
    )


def tag_selection_buttons() -> rx.Component:
    """ "Add tag" and "Remove tag" for the selected tiles, and their dialogs."""
    return rx.fragment(
        controls.soft_button("Add tag", TagsState.set_add_tag_open(True), icon="tag"),
        controls.soft_button("Remove tag", TagsState.set_remove_tag_open(True)),
        controls.form_dialog(
            "Add a tag", "Tag", "add-tag-input", TagsState, "add_tag", auto_focus=True
        ),
        controls.form_dialog(
            "Remove a tag", "Tag", "remove-tag-input", TagsState, "remove_tag", auto_focus=True
        ),
    )


def tag_card(row: ObjectVar[TagRow]) -> rx.Component:
    """A tag and its count, a link to its search."""
    body = rx.hstack(
        rx.icon("tag", size=16, color="var(--accent-9)"),
        rx.text(row.tag, weight="medium", truncate=True),
        rx.spacer(),
        rx.text(row.count, size="1", color_scheme="gray"),
        align="center",
    )
    return controls.card_link(body, row.href, row.tag)
