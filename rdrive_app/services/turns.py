"""A photo turned by its user in quarter turns, the original untouched.

Turning makes the thumb and preview again from the original with the turn (one sandboxed
decode, the same images processing would make, so processing again changes nothing), stores
them under keys that name the turn (core/keys.py: their URLs change, so no browser or CDN shows
a cached copy turned the old way) and records them in the same catalog write as the turn. Only
then are the old turn's images deleted (thumb, preview, renditions, full-size JPEG): a failure
before leaves the item as it was, with its old images. Renditions and the turned download are
made on request, turned likewise.

Videos are not turned yet: their playback would have to turn too.
"""

from __future__ import annotations

import logging
from typing import Any

from rdrive_app.core.domain import Kind, MediaItem, Status
from rdrive_app.core.edits import check_turn, turned_name
from rdrive_app.core.errors import Conflict, InvalidInput, UnsupportedMedia
from rdrive_app.core.keys import original_key, thumbnail_key, turned_download_key
from rdrive_app.core.settings import Settings
from rdrive_app.media.types import MediaError
from rdrive_app.services.decoding import decoder_pool, in_sandbox
from rdrive_app.services.image_renditions import RENDITION_WIDTHS, WEBP, rendition_key
from rdrive_app.services.items import ItemService
from rdrive_app.services.presenter import download_url
from rdrive_app.storage import Storage

log = logging.getLogger(__name__)

JPEG = "image/jpeg"
NOT_VIDEOS = "videos cannot be turned yet"


class TurnService:
    """Turn photos, and download them turned."""

    def __init__(self, storage: Storage, settings: Settings, items: ItemService) -> None:
        self._storage = storage
        self._settings = settings
        self._items = items

    def turn(self, item_id: object, rotation: object) -> MediaItem:
        """Show a photo turned ``rotation`` degrees clockwise (0, 90, 180, 270) from how its
        camera had it. UnsupportedMedia when its images cannot be made (nothing changes)."""
        turn = check_turn(rotation)
        item = self._items.get(item_id)
        if turn == item.turn:  # as it is (a video's 0 too)
            return item
        self._check_turnable(item)
        images = self._decode("render_sizes", item, turn)
        keys = {name: thumbnail_key(item.id, name, turn) for name in images}
        blobs = self._storage.blobs
        for name, data in images.items():
            blobs.put(keys[name], data, WEBP)
        try:
            turned = self._storage.catalog.update_item(item.id, turn=turn, thumbnails=keys)
        except Exception:
            self._unless_recorded(item.id, turn, list(keys.values()))
            raise
        self._forget_turn(item)
        return turned

    def download_url(self, item_id: object, *, turned: bool) -> str:
        """A signed URL downloading the original, or with ``turned`` a photo the user turned
        as a full-size JPEG named 'NAME (rotated).jpg' (made on the first request, kept).
        An upright photo's turned download is its original: it needs no turn."""
        item = self._items.get(item_id)
        if item.status == Status.UPLOADING:
            raise InvalidInput("that file has not finished uploading")
        blobs, lifetime = self._storage.blobs, self._settings.signed_url_lifetime_s
        if not turned or not item.turn:
            return download_url(item, blobs, lifetime)
        key = turned_download_key(item.id, item.turn)
        if blobs.size(key) is None:
            blobs.put(key, self._decode("render_jpeg", item, item.turn), JPEG)
        return blobs.signed_get_url(
            key, expires_in=lifetime, content_type=JPEG, download_name=turned_name(item.name)
        )

    @staticmethod
    def _check_turnable(item: MediaItem) -> None:
        if item.kind == Kind.VIDEO:
            raise InvalidInput(NOT_VIDEOS)
        if item.status == Status.FAILED:
            raise Conflict(f"“{item.name}” could not be processed, so it cannot be turned")
        if item.status != Status.READY:
            raise Conflict(f"“{item.name}” is still being processed; try again in a moment")

    def _decode(self, op: str, item: MediaItem, turn: int) -> Any:
        """``op`` on the original in a sandbox; UnsupportedMedia saying why it failed."""
        key = original_key(item.id)
        size = self._storage.blobs.size(key)
        if size is None:
            raise Conflict("the photo's original is missing")
        pool = decoder_pool("renditions", self._settings)
        kwargs = {"content_type": item.content_type, "turn": turn}
        try:
            return in_sandbox(pool, self._settings, self._storage, key, size, op, kwargs)
        except MediaError as exc:
            raise UnsupportedMedia(f"cannot turn the photo: {exc.reason}") from None

    def _forget_turn(self, item: MediaItem) -> None:
        """Delete the images of ``item`` as it was turned (its new ones have other keys)."""
        old = [*item.thumbnails.values()]
        old += [rendition_key(item.id, w, item.turn) for w in RENDITION_WIDTHS]
        if item.turn:
            old.append(turned_download_key(item.id, item.turn))
        in_use = set(self._storage.catalog.get_item(item.id).thumbnails.values())
        for key in old:
            if key not in in_use:  # turned back meanwhile, by another request
                self._storage.blobs.delete(key)

    def _unless_recorded(self, item_id: str, turn: int, keys: list[str]) -> None:
        """After a failed write: delete the new images unless the write happened after all."""
        try:
            if self._storage.catalog.get_item(item_id).turn == turn:
                return
            for key in keys:
                self._storage.blobs.delete(key)
        except Exception:  # storage is away: the files stay for fsck's sweep
            log.warning("item %s: images of an unrecorded turn kept", item_id, exc_info=True)
