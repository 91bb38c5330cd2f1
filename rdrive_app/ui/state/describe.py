"""The open item's own words in the viewer's info panel: its description and its tags.

``ViewerState._show`` hands every item it opens to ``_load``; the handlers here change that item
only (``item_id``), through the services, which normalise and check the words (core/tags.py) and
whose refusal is shown as they word it, with nothing changed.
"""

from __future__ import annotations

import dataclasses

import reflex as rx

from rdrive_app.core.domain import MediaItem
from rdrive_app.ui.state.search import search_href
from rdrive_app.ui.state.session import SessionState, attempt, form_field, protected, services


@dataclasses.dataclass
class TagChip:
    """One of the open item's tags."""

    tag: str = ""
    href: str = ""


class DescribeState(SessionState):
    """The description and tags of the item the viewer shows."""

    item_id: rx.Field[str] = rx.field("")
    description: rx.Field[str] = rx.field("")
    tags: rx.Field[list[str]] = rx.field(default_factory=list)
    error: rx.Field[str] = rx.field("")  # why a description or tag was refused
    saved: rx.Field[bool] = rx.field(False)  # "Saved" shows after the description is
    tag_input: rx.Field[int] = rx.field(0)  # a new "Add tag" input after each tag added

    @rx.var
    def chips(self) -> list[TagChip]:
        """The tags as chips, each a link to its search."""
        return [TagChip(tag, search_href(tag=tag)) for tag in self.tags]

    def _load(self, item: MediaItem) -> None:
        """The viewer opened ``item`` (or showed it afresh)."""
        if item.id != self.item_id:
            self.error, self.saved = "", False
        self.item_id, self.description, self.tags = item.id, item.description, list(item.tags)

    async def _apply(self, item: MediaItem | None, error: str) -> bool:
        if item is None:
            self.error = error
            return False
        self._load(item)
        self.error = ""
        return True

    @protected
    async def save_description(self, text: str) -> None:
        """The text area lost focus: keep what it holds, if that changed."""
        if not self.item_id or not isinstance(text, str) or text.strip() == self.description:
            return
        self.saved = await self._apply(
            *await attempt(services().items.describe, self.item_id, text)
        )

    @protected
    async def submit_description(self, form_data: dict) -> None:
        """ "Save description"."""
        text = form_field(form_data, "description")
        if self.item_id:
            self.saved = await self._apply(
                *await attempt(services().items.describe, self.item_id, text)
            )

    @protected
    async def add_tag(self, form_data: dict) -> None:
        """The "Add tag" input's Enter: the tag joins the item's (once)."""
        tag = form_field(form_data, "tag")
        if not self.item_id or tag in ("", None):
            return
        tags = [*self.tags, tag]
        if await self._apply(*await attempt(services().items.set_tags, self.item_id, tags)):
            self.tag_input += 1

    @protected
    async def remove_tag(self, tag: str) -> None:
        """A chip's "Remove tag <t>"."""
        if self.item_id and tag in self.tags:
            rest = [t for t in self.tags if t != tag]
            await self._apply(*await attempt(services().items.set_tags, self.item_id, rest))
