"""Sidecars: the small files beside a photo or video that describe it, kept as plain files and
attached to it by name, so what they say reaches the photo and they go where it goes.

A sidecar belongs to the item in the same folder whose name it extends or whose stem it shares:
``IMG_1.JPG`` ← ``IMG_1.JPG.xmp`` (darktable), ``IMG_1.xmp`` (Lightroom), ``IMG_1.AAE`` (an
iPhone's edits), ``IMG_1.JPG.json`` or ``IMG_1.JPG.supplemental-metadata.json`` (Google
Takeout), ``IMG_1.THM`` (GoPro, camcorders). Either half may arrive first: each, once
processed, looks for the other, and the photo records its sidecars' ids (``MediaItem.sidecars``).

What a sidecar says (media/sidecars.py) fills what the photo's own metadata lacks: the date
taken (never over one the user fixed), the position (and so the place), the description, the
rating; its keywords join the tags, a Takeout favourite makes a favourite. Processing the photo
again reads its sidecars again, so the facts stay. A move or rename takes the sidecars still
beside the photo along (renamed to keep the stem), the trash takes and gives them back together.
"""

from __future__ import annotations

import logging
import re
import threading
from datetime import timedelta
from typing import Any

from rdrive_app.core.domain import Kind, MediaItem, Status
from rdrive_app.core.errors import Conflict, InvalidInput, NotFound
from rdrive_app.core.keys import original_key
from rdrive_app.core.tags import MAX_DESCRIPTION_CHARS, check_tags
from rdrive_app.media.places import place_of
from rdrive_app.media.sidecars import MAX_SIDECAR_BYTES, SidecarFacts, read_sidecar
from rdrive_app.storage.protocols import BlobStore, Catalog

log = logging.getLogger(__name__)

SIDECAR_EXTENSIONS = frozenset({"xmp", "aae", "json", "thm"})
# The photo and video extensions a stem-named sidecar (IMG_1.xmp) is looked up with.
MEDIA_EXTENSIONS = (
    "jpg", "jpeg", "heic", "heif", "png", "tif", "tiff", "dng", "cr2", "cr3", "nef", "arw",
    "raf", "orf", "rw2", "avif", "webp", "mov", "mp4", "m4v",
)  # fmt: skip
_TAKEOUT = re.compile(r"\.(supplemental-metadata|supplemental-metadat|supplemen|suppl)$", re.I)
TRASHED_TOGETHER = timedelta(minutes=1)  # sidecars trashed this close to their photo return
_linking = threading.Lock()  # two sidecars of one photo attaching at once keep both ids


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[1].lower() if "." in name.strip(".") else ""


def is_sidecar_name(name: str) -> bool:
    return _extension(name) in SIDECAR_EXTENSIONS


def media_names_for(sidecar: str) -> list[str]:
    """The names of the photo or video ``sidecar`` may describe, in the order to try."""
    base = sidecar[: sidecar.rfind(".")]
    if _extension(sidecar) == "json":
        return [_TAKEOUT.sub("", base)]
    if _extension(base) in MEDIA_EXTENSIONS:
        return [base]
    return [f"{base}.{ext}" for e in MEDIA_EXTENSIONS for ext in (e, e.upper())]


def sidecar_names_for(media: str) -> list[str]:
    """The names a sidecar of ``media`` may have."""
    stem = media[: media.rfind(".")] if "." in media.strip(".") else media
    names = [f"{media}.xmp", f"{media}.XMP", f"{stem}.xmp", f"{stem}.XMP", f"{stem}.AAE"]
    names += [f"{stem}.aae", f"{media}.json", f"{media}.supplemental-metadata.json"]
    names += [f"{stem}.THM", f"{stem}.thm"]
    return list(dict.fromkeys(names))


def attach_sidecars(catalog: Catalog, blobs: BlobStore, item: MediaItem) -> MediaItem:
    """Once ``item`` is processed, or renamed: join it to its sidecars (a photo or video) or
    to its photo (a sidecar), and let what they say reach the photo. Returns ``item`` as it
    now is."""
    if item.status is not Status.READY:
        return item  # its processing will (a photo read now would lose the facts to it)
    if item.kind is Kind.FILE:
        if is_sidecar_name(item.name):
            for name in media_names_for(item.name):
                media = catalog.item_named(item.folder, name)
                if media is not None and media.kind is not Kind.FILE:
                    if media.status is Status.READY:
                        _link(catalog, blobs, media, item)
                    break  # still processing: its own end will find this sidecar
        return item
    for name in sidecar_names_for(item.name):
        sidecar = catalog.item_named(item.folder, name)
        if sidecar is not None and sidecar.kind is Kind.FILE and sidecar.status is Status.READY:
            item = _link(catalog, blobs, item, sidecar)
    return item


def _link(catalog: Catalog, blobs: BlobStore, media: MediaItem, sidecar: MediaItem) -> MediaItem:
    data = blobs.read_range(original_key(sidecar.id), 0, MAX_SIDECAR_BYTES + 1)
    facts = read_sidecar(sidecar.name, data)
    with _linking:
        try:
            media = catalog.get_item(media.id)
        except NotFound:
            return media
        changes = _filled(media, facts)
        if sidecar.id not in media.sidecars:
            changes["sidecars"] = (*media.sidecars, sidecar.id)
        if not changes:
            return media
        return catalog.update_item(media.id, **changes)


def _filled(media: MediaItem, facts: SidecarFacts) -> dict[str, Any]:
    """What ``facts`` add to ``media``: only what it lacks (tags: the new ones)."""
    changes: dict[str, Any] = {}
    if facts.taken_at and media.taken_at is None and not media.date_fixed:
        changes["taken_at"] = facts.taken_at
    if facts.gps and media.gps is None:
        changes.update(gps=facts.gps, place=place_of(facts.gps))
    if facts.description and not media.description:
        changes["description"] = facts.description[:MAX_DESCRIPTION_CHARS]
    if facts.rating is not None and media.rating is None:
        changes["rating"] = facts.rating
    if facts.favorite and not media.favorite:
        changes["favorite"] = True
    for keyword in facts.keywords:  # each on its own: one the tag rules refuse leaves the rest
        try:
            tags = check_tags([*changes.get("tags", media.tags), keyword])
        except InvalidInput:
            continue
        if tags != media.tags:
            changes["tags"] = tags
    return changes


# following the photo


def sidecars_beside(catalog: Catalog, media: MediaItem) -> list[MediaItem]:
    """Its sidecars still in its folder (one the user moved away stays where it was put)."""
    found = []
    for sidecar_id in media.sidecars:
        try:
            sidecar = catalog.get_item(sidecar_id)
        except NotFound:
            continue
        if sidecar.deleted_at is None and sidecar.folder == media.folder:
            found.append(sidecar)
    return found


def renamed(sidecar: str, old: str, new: str) -> str:
    """``sidecar``'s name for its photo renamed from ``old`` to ``new`` (same stem rule)."""
    old_stem, new_stem = (n[: n.rfind(".")] if "." in n.strip(".") else n for n in (old, new))
    if sidecar.startswith(old + "."):
        return new + sidecar[len(old) :]
    if sidecar.startswith(old_stem + "."):
        return new_stem + sidecar[len(old_stem) :]
    return sidecar


def move_sidecars(catalog: Catalog, before: MediaItem, after: MediaItem) -> None:
    """Take the sidecars beside ``before`` to where ``after`` is (a name taken there: it stays)."""
    for sidecar in sidecars_beside(catalog, before):
        name = renamed(sidecar.name, before.name, after.name)
        try:
            if not catalog.name_taken(after.folder, name):
                catalog.rename_item(sidecar.id, after.folder, name)
        except (Conflict, NotFound):
            log.info("sidecar %s stays at %s", sidecar.id, sidecar.path)


def trash_sidecars(catalog: Catalog, media: MediaItem) -> None:
    for sidecar in sidecars_beside(catalog, media):
        try:
            catalog.trash_item(sidecar.id)
        except (Conflict, NotFound):
            continue


def trashed_with(catalog: Catalog, media: MediaItem) -> list[str]:
    """The ids of ``media``'s sidecars that went to the trash with it (and are still there)."""
    back: list[str] = []
    for sidecar_id in media.sidecars:
        try:
            sidecar = catalog.get_item(sidecar_id)
        except NotFound:
            continue
        when, gone = sidecar.deleted_at, media.deleted_at
        if when is not None and gone is not None and abs(when - gone) <= TRASHED_TOGETHER:
            back.append(sidecar.id)
    return back
