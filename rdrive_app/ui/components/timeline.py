"""Every grid's tiles, the timeline's grid and its scrubber: react-photo-album and
react-virtuoso, wrapped for Reflex.

Reflex has no virtualised grid. ``assets/rdrive_timeline.jsx`` is a small local React module
that composes two well-kept libraries — react-virtuoso (only the sections near the viewport
are in the DOM; ``firstItemIndex`` keeps the position as sections come or go at the top) and
react-photo-album's ``RowsPhotoAlbum`` (justified rows keeping each photo's aspect ratio) —
because both take render functions, which props set from Python cannot be. A folder's and a
search's grid (``TileGrid``, ``assets/rdrive_grid.jsx``) are the same justified rows and tiles
without the virtualising: they hold the pages loaded so far. The classes here declare their
props and events, and the npm packages Reflex installs for them. (An event's
``rx.EventHandler[spec]`` is how Reflex reads its arguments; mypy knows no such generic.)
"""

from __future__ import annotations

import reflex as rx
from reflex.event import passthrough_event_spec

TIMELINE_MODULE = "$/public/rdrive_timeline.jsx"  # assets/ is the bundle's public/
GRID_MODULE = "$/public/rdrive_grid.jsx"
PACKAGES = ["react-virtuoso@4.18.21", "react-photo-album@3.6.1"]
IdsSpec = passthrough_event_spec(list[str])
MoveSpec = passthrough_event_spec(list[str], str)


class TileGrid(rx.Component):
    """A folder's or a search's tiles in justified rows; selecting them, dragging them."""

    library = GRID_MODULE
    tag = "TileGrid"
    lib_dependencies: list[str] = PACKAGES

    tiles: rx.Var[list]
    selected: rx.Var[list[str]]
    label: rx.Var[str]  # the group's accessible name
    on_open: rx.EventHandler[passthrough_event_spec(str)]  # type: ignore[type-arg,valid-type]
    on_toggle: rx.EventHandler[passthrough_event_spec(str, bool)]  # type: ignore[type-arg,valid-type]
    on_favorite: rx.EventHandler[passthrough_event_spec(str, bool)]  # type: ignore[type-arg,valid-type]
    on_select_many: rx.EventHandler[IdsSpec]  # type: ignore[type-arg,valid-type]
    # the tiles dropped on a folder: their ids, its path
    on_move_to: rx.EventHandler[MoveSpec]  # type: ignore[type-arg,valid-type]


class TimelineGrid(rx.Component):
    """The sections of the timeline's window, each a day's justified rows of tiles."""

    library = TIMELINE_MODULE
    tag = "TimelineGrid"
    lib_dependencies: list[str] = PACKAGES

    sections: rx.Var[list]
    first_item_index: rx.Var[int]
    initial_index: rx.Var[int]  # read when the grid mounts (its key changes with each window)
    selected: rx.Var[list[str]]
    generation: rx.Var[int]  # the window's: the grid names it when it asks for more
    on_start_reached: rx.EventHandler[passthrough_event_spec(int)]  # type: ignore[type-arg,valid-type]
    on_end_reached: rx.EventHandler[passthrough_event_spec(int)]  # type: ignore[type-arg,valid-type]
    on_open: rx.EventHandler[passthrough_event_spec(str)]  # type: ignore[type-arg,valid-type]
    on_toggle: rx.EventHandler[passthrough_event_spec(str, bool)]  # type: ignore[type-arg,valid-type]
    on_favorite: rx.EventHandler[passthrough_event_spec(str, bool)]  # type: ignore[type-arg,valid-type]
    on_select_many: rx.EventHandler[IdsSpec]  # type: ignore[type-arg,valid-type]


class TimelineScrubber(rx.Component):
    """Months along the right edge in proportion to their counts; press or drag to jump."""

    library = TIMELINE_MODULE
    tag = "TimelineScrubber"

    marks: rx.Var[list]
    current: rx.Var[str]
    on_jump: rx.EventHandler[passthrough_event_spec(str)]  # type: ignore[type-arg,valid-type]
