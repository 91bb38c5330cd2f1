"""What the security tests share: a small seeded library, a snapshot of everything stored, and
the bad tokens every protected entry point must refuse.

A snapshot holds every folder, every item record (trashed ones included, every field), every
account and every blob with its size, so "nothing changed" is checked on the whole deployment,
not on what one route happens to touch.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path

import jwt

from rdrive_app.auth.challenges import issue_challenge
from rdrive_app.core.albums import Album
from rdrive_app.core.domain import Kind, MediaItem, Status, new_id
from rdrive_app.core.keys import thumbnail_key
from rdrive_app.services.accounts import Caller
from rdrive_app.services.wiring import Services
from rdrive_app.storage import Storage

MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "media"
PHOTO = MEDIA / "photos" / "Canon_40D.jpg"
VIDEO = MEDIA / "videos" / "sample.mp4"
PASSWORD = "correct horse battery"


class NullQueue:
    """A processing queue that only remembers what it was given (no decoding in these tests)."""

    def __init__(self) -> None:
        self.submitted: list[str] = []

    def submit(self, item_id: str) -> None:
        self.submitted.append(item_id)

    def recover(self) -> int:
        return 0

    def shutdown(self, wait: bool = True) -> None:
        pass


@dataclass(frozen=True)
class Seeded:
    """One item in each state a route can act on, in the folder ``/trip``; ``/empty`` is empty."""

    ready: MediaItem
    trashed: MediaItem
    uploading: MediaItem
    album: Album  # "Trip", holding the ready photo
    other_session: str  # a session of alice's on another device (make_sessions made her)


def _add(storage: Storage, name: str, status: Status, data: bytes) -> MediaItem:
    item = MediaItem(
        id=new_id(),
        folder="/trip",
        name=name,
        kind=Kind.IMAGE,
        content_type="image/jpeg",
        size=len(data),
        uploaded_by="alice",
        status=status,
        width=100,
        height=68,
    )
    storage.blobs.put(item.original_key, data, "image/jpeg")
    if status is Status.READY:
        thumbs = {}
        for size in ("thumb", "preview"):
            thumbs[size] = thumbnail_key(item.id, size)
            storage.blobs.put(thumbs[size], data, "image/webp")
        item = item.with_changes(thumbnails=thumbs)
    return storage.catalog.add_item(item)


def seed(services: Services) -> Seeded:
    """Folders ``/trip`` and ``/empty``; in ``/trip`` a ready photo, a trashed one and an
    unfinished upload whose bytes have arrived (so completing it would succeed)."""
    storage = services.storage
    services.folders.create_folder("/trip")
    services.folders.create_folder("/empty")
    data = PHOTO.read_bytes()
    ready = _add(storage, "a.jpg", Status.READY, data)
    trashed = storage.catalog.trash_item(_add(storage, "t.jpg", Status.READY, data).id)
    uploading = _add(storage, "u.jpg", Status.UPLOADING, data)
    album = services.albums.create("Trip")
    services.albums.add(album.id, [ready.id])
    other = services.accounts.sign_in("alice", PASSWORD, Caller("192.0.2.9", None, "Firefox/140.0"))
    return Seeded(ready, trashed, uploading, album, other.session_id)


def _walk_folders(storage: Storage) -> list[str]:
    found, todo = [], ["/"]
    while todo:
        path = todo.pop()
        found.append(path)
        todo.extend(f.path for f in storage.catalog.list_folders(path))
    return sorted(found)


def snapshot(storage: Storage) -> tuple:
    """Everything stored, in a form that compares equal exactly when nothing changed."""
    catalog, blobs = storage.catalog, storage.blobs
    items = sorted(
        repr(sorted(dataclasses.asdict(item).items()))
        for status in Status
        for item in catalog.items_with_status(status.value)
    )
    users = [(u.name, u.password_hash, u.token_version) for u in catalog.list_users()]
    blob_sizes = sorted((key, blobs.size(key)) for key in blobs.list_keys(""))
    albums = [(s, catalog.album_items(s.album.id, limit=1000).items) for s in catalog.list_albums()]
    return (_walk_folders(storage), items, users, blob_sizes, repr(albums))


@dataclass(frozen=True)
class Sessions:
    """A valid token for alice, and the nine kinds of token no entry point may accept."""

    valid: str
    bad: dict[str, str]


def make_sessions(services: Services) -> Sessions:
    """Accounts alice (whose password has changed once) and a removed bob, and their tokens.

    The revoked tokens are real ones the app issued: bob's before his account was removed,
    alice's before her password change, and one of a session of hers that was ended (from
    another session's list). "none" is the empty string: send no credentials.
    """
    accounts = services.accounts
    accounts.add_user("alice", "alice's first password")
    accounts.add_user("bob", "bob's password 1")
    before_change = accounts.sign_in("alice", "alice's first password").token
    removed = accounts.sign_in("bob", "bob's password 1").token
    accounts.change_password("alice", PASSWORD)
    accounts.remove_user("bob")
    alice = services.storage.catalog.get_user("alice")
    assert alice is not None
    ended = accounts.sign_in("alice", PASSWORD)
    accounts.sessions.end(alice, ended.session_id)
    secret = services.settings.resolved_jwt_secret()
    now = int(time.time())
    claims = {
        "sub": "alice",
        "aid": alice.account_id,
        "ver": alice.token_version,
        "sid": ended.session_id,
        "iat": now,
        "exp": now + 600,
    }
    bad = {
        "none": "",
        "garbage": "not.a.token",
        "expired": jwt.encode({**claims, "iat": now - 700, "exp": now - 100}, secret),
        "other key": jwt.encode(claims, "another-key-" + "k" * 40),
        "alg none": jwt.encode(claims, None, algorithm="none"),
        "removed user": removed,
        "before password change": before_change,
        "ended session": ended.token,
        "second-step challenge": issue_challenge(
            "alice", alice.account_id, alice.token_version, secret
        ),
    }
    return Sessions(valid=accounts.sign_in("alice", PASSWORD).token, bad=bad)
