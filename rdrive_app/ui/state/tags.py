"""Tags in the app: the Tags page (every tag with its count, each a link to its search) and
"Add tag" / "Remove tag" on a selection of any grid.

A tag is normalised and checked by the service (core/tags.py); what it refuses is shown in the
dialog as the service words it, and nothing changes.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import reflex as rx

from rdrive_app.core.errors import RDriveError
from rdrive_app.core.listing import TagCount
from rdrive_app.core.tags import normalize_tag
from rdrive_app.ui.routes import SEARCH_ROUTE
from rdrive_app.ui.state.albums import count_label
from rdrive_app.ui.state.grids import showing_grid
from rdrive_app.ui.state.search import SearchState, search_href
from rdrive_app.ui.state.session import (
    SessionState,
    attempt,
    form_field,
    protected,
    services,
    toast,
)


@dataclasses.dataclass
class TagRow:
    """One tag on the Tags page."""

    tag: str = ""
    count: str = ""
    href: str = ""


def tag_row(counted: TagCount) -> TagRow:
    return TagRow(counted.tag, count_label(counted.count), search_href(tag=counted.tag))


class TagsState(SessionState):
    """The Tags page's list and the selection's "Add tag" and "Remove tag" dialogs."""

    tags: rx.Field[list[TagRow]] = rx.field(default_factory=list)
    loaded: rx.Field[bool] = rx.field(False)
    add_tag_open: rx.Field[bool] = rx.field(False)
    add_tag_error: rx.Field[str] = rx.field("")
    remove_tag_open: rx.Field[bool] = rx.field(False)
    remove_tag_error: rx.Field[str] = rx.field("")
    # What the dialogs' inputs start from (form_dialog): always empty, a tag is typed afresh.
    add_tag_value: str = ""
    remove_tag_value: str = ""

    @protected
    async def load_tags(self) -> None:
        """on_load of the Tags page."""
        try:
            counted = await asyncio.to_thread(services().search.tags)
        except RDriveError:
            counted = []
        self.tags = [tag_row(c) for c in counted]
        self.loaded = True

    @protected
    async def set_add_tag_open(self, is_open: bool) -> None:
        self.add_tag_open, self.add_tag_error = is_open is True, ""

    @protected
    async def set_remove_tag_open(self, is_open: bool) -> None:
        self.remove_tag_open, self.remove_tag_error = is_open is True, ""

    @protected
    async def submit_add_tag(self, form_data: dict) -> Any:
        """Tag every selected tile with the tag typed."""
        return await self._edit(form_field(form_data, "name"), adding=True)

    @protected
    async def submit_remove_tag(self, form_data: dict) -> Any:
        """Take the tag typed off every selected tile that has it."""
        return await self._edit(form_field(form_data, "name"), adding=False)

    async def _edit(self, tag: Any, *, adding: bool) -> Any:
        ids = list((await showing_grid(self)).selected)
        change = ([tag], []) if adding else ([], [tag])
        items, error = await attempt(services().items.edit_tags, ids, *change)
        if items is None:
            if adding:
                self.add_tag_error = error
            else:
                self.remove_tag_error = error
            return None
        self.add_tag_open = self.remove_tag_open = False
        said = normalize_tag(tag)
        done = toast(
            "success",
            f"Tagged {count_label(len(items))} “{said}”"
            if adding
            else f"Removed “{said}” from {count_label(len(items))}",
            3000,
        )
        if (self.router.url.path or "").rstrip("/") == SEARCH_ROUTE:
            return [done, SearchState.load_search]  # a search by tag may have changed
        return done
