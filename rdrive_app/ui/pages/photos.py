"""The Photos page (and Favourites): the timeline's grid, the scrubber, the selection's actions.

Everything a folder's tile offers works here too: the viewer steps across the whole timeline,
and the rename/move/delete dialogs take this grid's selection (``state/grids.py``).
"""

from __future__ import annotations

import reflex as rx

from rdrive_app.ui.components.albums import add_to_album_dialog
from rdrive_app.ui.components.controls import wrapping_row
from rdrive_app.ui.components.dialogs import (
    move_dialog,
    rename_dialog,
    selection_bar,
    undo_notice,
)
from rdrive_app.ui.components.layout import page_frame
from rdrive_app.ui.components.timeline import TimelineGrid, TimelineScrubber
from rdrive_app.ui.components.viewer import viewer
from rdrive_app.ui.state.organize import OrganizeState
from rdrive_app.ui.state.timeline import TimelineState
from rdrive_app.ui.state.viewer import ViewerState

SCRUBBER_ROOM = "76px"
PLACE = rx.cond(TimelineState.favorites, "Favourites", "Photos")  # one page, two places


def header() -> rx.Component:
    return wrapping_row(
        rx.heading(PLACE, size="6"),
        width="100%",
        spacing="4",
    )


def timeline_grid() -> rx.Component:
    """The window's sections; a new window (``generation``) mounts a new grid."""
    return TimelineGrid.create(
        key=TimelineState.generation,
        **{
            "sections": TimelineState.sections,
            "first_item_index": TimelineState.first_index,
            "initial_index": TimelineState.initial_index,
            "selected": TimelineState.selected,
            "generation": TimelineState.generation,  # named when the grid asks for more
            "on_start_reached": TimelineState.load_newer,  # newer above, older below
            "on_end_reached": TimelineState.load_older,
            "on_open": ViewerState.open_item,
            "on_toggle": TimelineState.toggle_select,
            "on_favorite": ViewerState.favorite_tile,
            "on_select_many": OrganizeState.select_tiles,  # the tiles a band crossed
        },
    )


def photos_page() -> rx.Component:
    return page_frame(
        rx.el.span(custom_attrs={"data-rdrive-timeline-page": "1"}, hidden=True),
        selection_bar(TimelineState),
        rx.vstack(
            header(),
            rx.cond(
                TimelineState.empty,
                rx.callout(
                    rx.cond(
                        TimelineState.favorites,
                        "No favourites yet: press the heart on a photo to keep it here.",
                        "No photos yet. Upload some in Folders and they show up here by date.",
                    ),
                    icon="images",
                    width="100%",
                ),
            ),
            rx.box(
                timeline_grid(),
                width="100%",
            ),
            spacing="3",
            width="100%",
            padding_right=SCRUBBER_ROOM,
        ),
        TimelineScrubber.create(
            marks=TimelineState.marks,
            current=TimelineState.position,
            on_jump=TimelineState.jump,
        ),
        undo_notice(),
        viewer(),
        rename_dialog(),
        move_dialog(),
        add_to_album_dialog(),
        current=PLACE,
    )
