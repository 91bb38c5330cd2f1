"""What the viewer shows of an item besides its picture: the info panel's rows, the player's
sources, the signed URLs it keeps for the open item and its neighbours, and the image a zoom
switches to.

The neighbours' URLs are kept (``Looks``) because a signature changes every second: the
preview the page fetched and decoded ahead for the next item must be the very URL the viewer
shows when → is pressed, or the browser would fetch it again.
"""

from __future__ import annotations

import dataclasses
import time

from rdrive_app.core.domain import Kind, MediaItem, Status
from rdrive_app.core.errors import RDriveError
from rdrive_app.services.image_renditions import RENDITION_WIDTHS, rendition_url
from rdrive_app.services.presenter import item_urls
from rdrive_app.services.wiring import Services
from rdrive_app.ui.state.labels import duration_label, size_label, status_label

# Stills every browser decodes as they are: zooming shows the original itself.
BROWSER_STILLS = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif", "image/avif"})
PREVIEW_LONG_SIDE = 1600  # the preview rendition's box (media/types.SIZES)
ZOOM_WIDTH = max(RENDITION_WIDTHS)

Urls = dict[str, str | None]


@dataclasses.dataclass
class InfoRow:
    """One line of the info panel; ``href`` is set for the place's map link."""

    label: str = ""
    value: str = ""
    href: str = ""


def map_url(lat: float, lon: float) -> str:
    return (
        f"https://www.openstreetmap.org/?mlat={lat:.6f}&mlon={lon:.6f}#map=15/{lat:.6f}/{lon:.6f}"
    )


def info_rows(item: MediaItem, albums: list[str] | None = None) -> list[InfoRow]:
    """The info panel: the date, the camera and lens, the place in words (its map link beside
    it, never the raw numbers), the size, the albums it is in."""
    rows = [InfoRow("Name", item.name)]
    if item.taken_at:
        rows.append(InfoRow("Taken", item.taken_at.strftime("%a %Y-%m-%d %H:%M")))
    if item.camera:
        rows.append(InfoRow("Camera", item.camera))
    if item.lens:
        rows.append(InfoRow("Lens", item.lens))
    if item.place is not None or item.gps:
        href = map_url(item.gps.lat, item.gps.lon) if item.gps else ""
        rows.append(InfoRow("Place", item.place.label if item.place else "", href))
    width, height = item.shown_size
    size = size_label(item.size)
    if width and height:
        size = f"{width} × {height} · {width * height / 1e6:.1f} MP · {size}"
    rows.append(InfoRow("Size", size))
    if item.duration is not None:
        rows.append(InfoRow("Duration", duration_label(item.duration)))
    if item.rating is not None:
        rows.append(InfoRow("Rating", f"{'★' * item.rating}{'☆' * (5 - item.rating)}"))
    if albums:
        rows.append(InfoRow("Albums", ", ".join(albums)))
    rows.append(InfoRow("Uploaded by", item.uploaded_by))
    rows.append(InfoRow("Uploaded", item.uploaded_at.strftime("%Y-%m-%d %H:%M UTC")))
    if item.status != Status.READY:
        rows.append(InfoRow("Status", status_label(item)))
    return rows


def album_names(svc: Services, item: MediaItem) -> list[str]:
    """The names of the albums ``item`` is in (one gone meanwhile is left out)."""
    names = []
    for album_id in item.albums:
        try:
            names.append(svc.albums.album(album_id).name)
        except RDriveError:
            continue
    return sorted(names, key=str.casefold)


@dataclasses.dataclass
class VideoSource:
    """One ``<source>`` of the player: the browser plays the first whose type it can."""

    src: str = ""
    type: str = ""


def video_sources(item: MediaItem, urls: Urls) -> list[VideoSource]:
    """The original first when a rendition exists too (Safari plays an iPhone's HEVC as it
    is; Chrome and Firefox answer "" for its type and take the rendition), else what plays."""
    original = VideoSource(urls["url"] or "", urls["url_type"] or item.content_type)
    playing = urls["playback_url"]
    if not original.src:
        return []
    if not playing or playing == original.src:
        return [VideoSource(playing or original.src, urls["playback_type"] or original.type)]
    return [original, VideoSource(playing, urls["playback_type"] or "video/mp4")]


def player_key(item_id: str, sources: list[VideoSource]) -> str:
    """Which files a player plays, without their signatures (they change at every look)."""
    files = "|".join(source.src.split("?", 1)[0] for source in sources)
    return f"{item_id}:{files}"


def _files_of(item: MediaItem) -> str:
    """What an item's URLs are signed for: when this changes, kept URLs are stale."""
    playback = item.playback.state.value if item.playback else ""
    motion = item.motion.play_key if item.motion else ""
    previews = ",".join(f"{k}={v}" for k, v in sorted(item.thumbnails.items()))
    return f"{item.status.value}|{item.turn}|{previews}|{playback}|{motion}"


Looks = dict[str, tuple[float, str, Urls]]  # item id → (signed at, files, URLs)


def signed_urls(svc: Services, item: MediaItem, looks: Looks, now: float | None = None) -> Urls:
    """``item``'s URLs, the ones signed before while they are fresh (half their lifetime) and
    name the same files; a fresh look is added to ``looks``."""
    now = time.time() if now is None else now
    lifetime = svc.settings.signed_url_lifetime_s
    files = _files_of(item)
    kept = looks.get(item.id)
    if kept is not None and kept[1] == files and now - kept[0] < lifetime / 2:
        return kept[2]
    urls = item_urls(item, svc.storage.blobs, lifetime)
    looks[item.id] = (now, files, urls)
    return urls


def get_items(svc: Services, item_ids: list[str]) -> list[MediaItem | None]:
    """Each of ``item_ids`` ("" or gone: None), in one trip to a worker thread."""
    found: list[MediaItem | None] = []
    for item_id in item_ids:
        try:
            found.append(svc.items.get(item_id) if item_id else None)
        except RDriveError:
            found.append(None)
    return found


def zoom_url(svc: Services, item_id: str) -> str:
    """The image a zoom shows: the original when a browser shows it as it is (and it is not
    turned), else the largest rendition when the original is wider than the preview; "" when
    the preview is already the original's resolution."""
    item = svc.items.get(item_id)
    if item.kind != Kind.IMAGE or item.status != Status.READY:
        return ""
    if item.content_type in BROWSER_STILLS and item.turn == 0:
        lifetime = svc.settings.signed_url_lifetime_s
        return svc.storage.blobs.signed_get_url(
            item.original_key, expires_in=lifetime, content_type=item.content_type
        )
    if max(item.shown_size[0] or 0, item.shown_size[1] or 0) > PREVIEW_LONG_SIDE:
        return rendition_url(svc.storage, svc.settings, item.id, ZOOM_WIDTH)
    return ""
