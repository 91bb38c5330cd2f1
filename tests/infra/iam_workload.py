"""The two components' real code on moto, doing what a deployment does, for the IAM test.

The backend runs as the instance runs it: the settings are those the host script writes from
the template (``/etc/rdrive.env``), the HTTP API is the app's own (``create_api``), and the
browser's part (PUTs and GETs on presigned URLs) goes to moto over HTTP. The Lambda runs its
handler with the function's environment from the template, fed by the SQS queue the bucket
notifies, as its event source mapping would feed it. Every resource is called by its template
logical id on moto (``Names.physical``), so the template's tokens resolve to what was used.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
import httpx
from fastapi.testclient import TestClient

from rdrive_app.core.domain import utcnow
from rdrive_app.core.keys import original_key
from rdrive_app.core.settings import Settings
from rdrive_app.services.upkeep.fsck import fsck
from rdrive_app.services.upkeep.housekeeping import reconcile, sweep
from rdrive_app.services.wiring import Services
from tests import media_factory
from tests.infra.aws_calls import Recorder
from tests.security.hostile import files as hostile_files
from tests.security.hostile import png_bomb
from tests.security.support import PHOTO, VIDEO

PASSWORD = "correct horse battery"
MIB = 1024 * 1024
MULTIPART_THRESHOLD = 5 * MIB  # the smallest the settings allow: parts of 8 MiB
JWT_SECRET = "iam-test-" + "k" * 40


def env_file(script: str, path: str) -> dict[str, str]:
    """The ``VAR=value`` lines a shell script writes to ``path`` with a quoted heredoc."""
    match = re.search(rf"cat > {re.escape(path)} <<'(\w+)'\n(.*?)\n\1\n", script, re.S)
    assert match, f"the script writes no {path}"
    return dict(line.split("=", 1) for line in match.group(2).splitlines() if "=" in line)


def app_settings(env: dict[str, str], data_dir: Path, **extra: Any) -> Settings:
    """Settings as the app reads them from ``env`` (RDRIVE_ variables) plus test-only values."""
    fields = {
        k.removeprefix("RDRIVE_").lower(): v for k, v in env.items() if k.startswith("RDRIVE_")
    }
    fields["data_dir"] = str(data_dir)  # /tmp/rdrive when deployed
    return Settings.model_validate({**fields, **extra})


@dataclass
class Browser:
    """The API in-process; storage URLs (moto) over HTTP, as a browser would reach them."""

    api: TestClient
    auth: dict[str, str] = field(default_factory=dict)

    def call(self, method: str, url: str, expect: int = 200, **kwargs: Any) -> httpx.Response:
        if url.startswith("/"):
            r = self.api.request(method, url, headers=self.auth, follow_redirects=False, **kwargs)
        else:
            r = httpx.request(method, url, **kwargs)
        assert r.status_code == expect, (method, url, r.status_code, r.text[:300])
        return r

    def follow(self, url: str) -> bytes:
        """GET an API URL that redirects to storage, and the signed URL it names."""
        location = self.call("GET", url, expect=302).headers["location"]
        return self.call("GET", location).content

    def start(self, name: str, size: int, content_type: str, folder: str = "/") -> dict[str, Any]:
        body = {
            "name": name,
            "size": size,
            "content_type": content_type,
            "folder": folder,
            "fingerprint": f"{name}|{size}|1",
        }
        return self.call("POST", "/api/uploads", expect=201, json=body).json()

    def put_single(self, ticket: dict[str, Any], data: bytes) -> None:
        self.call("PUT", ticket["upload_url"], content=data, headers=ticket["headers"])

    def put_parts(self, ticket: dict[str, Any], data: bytes, numbers: list[int]) -> None:
        item_id, size = ticket["item"]["id"], ticket["part_size"]
        urls = self.call("POST", f"/api/uploads/{item_id}/parts", json={"numbers": numbers})
        for n, url in urls.json()["urls"].items():
            self.call("PUT", url, content=data[(int(n) - 1) * size : int(n) * size])

    def complete(self, item_id: str, expect: int = 200) -> dict[str, Any]:
        return self.call("POST", f"/api/uploads/{item_id}/complete", expect=expect).json()


def padded(data: bytes, size: int) -> bytes:
    """A real file made ``size`` bytes long (decoders ignore what follows the end marker)."""
    return data + b"\0" * (size - len(data))


@dataclass
class Uploaded:
    """What the backend workload left for the Lambda and for the later steps."""

    photo: str = ""
    video: str = ""
    big: str = ""
    live: tuple[str, str] = ("", "")  # a Live Photo's still and video half (HEVC: a rendition)
    refused: dict[str, str] = field(default_factory=dict)  # refusal → item id (Lambda's)


def backend_uploads(browser: Browser, services: Services) -> Uploaded:
    """Sign up, sign in, folders, and every way an upload starts, goes on and ends."""
    out = Uploaded()
    services.accounts.add_user("alice", PASSWORD)  # `rdrive add-user` in the container
    token = browser.call(
        "POST", "/api/auth/login", json={"username": "alice", "password": PASSWORD}
    ).json()
    browser.auth = {"Authorization": f"Bearer {token['access_token']}"}
    browser.call("GET", "/api/me")
    for path in ("/trip", "/trip/day1", "/old", "/empty"):
        browser.call("POST", "/api/folders", expect=201, json={"path": path})
    browser.call("GET", "/api/folders", params={"path": "/trip"})

    photo = PHOTO.read_bytes()
    ticket = browser.start("photo.jpg", len(photo), "image/jpeg", "/trip")
    browser.put_single(ticket, photo)
    out.photo = browser.complete(ticket["item"]["id"])["id"]

    video = VIDEO.read_bytes()
    ticket = browser.start("clip.mp4", len(video), "video/mp4", "/trip")
    browser.put_single(ticket, video)
    out.video = browser.complete(ticket["item"]["id"])["id"]

    still, motion = live_photo()
    ids = []
    for name, data, content_type in (
        ("IMG_0001.MOV", motion, "video/quicktime"),
        ("IMG_0001.JPG", still, "image/jpeg"),
    ):
        ticket = browser.start(name, len(data), content_type, "/trip")
        browser.put_single(ticket, data)
        ids.append(browser.complete(ticket["item"]["id"])["id"])
    out.live = (ids[1], ids[0])

    big = padded(photo, 2 * 8 * MIB + 1234)  # three parts, the last one short
    ticket = browser.start("big.jpg", len(big), "image/jpeg", "/trip/day1")
    assert ticket["multipart"] and ticket["part_count"] == 3
    browser.put_parts(ticket, big, [1])
    again = browser.start("big.jpg", len(big), "image/jpeg", "/trip/day1")  # resumed: ListParts
    assert again["done_parts"] == [1]
    browser.put_parts(again, big, [2, 3])
    out.big = browser.complete(again["item"]["id"])["id"]

    cancelled = browser.start("gone.jpg", len(big), "image/jpeg")
    browser.put_parts(cancelled, big, [1])
    browser.call("DELETE", f"/api/uploads/{cancelled['item']['id']}", expect=204)
    refused = browser.start("short.jpg", len(photo) + 10, "image/jpeg")
    browser.put_single(refused, photo)
    browser.complete(refused["item"]["id"], expect=400)  # the backend refuses, and discards

    files = {"files": ("api.jpg", photo, "image/jpeg")}
    browser.call("POST", "/api/media", expect=201, params={"folder": "/old"}, files=files)
    browser.call("POST", "/api/media/exists", json={"sha256": ["0" * 64]})

    browser.start("abandoned.jpg", len(photo), "image/jpeg")  # the sweep removes these
    browser.put_parts(browser.start("abandoned.bin", len(big), "image/jpeg"), big, [1])
    return out


def live_photo() -> tuple[bytes, bytes]:
    """An iPhone Live Photo's halves: a JPEG and an HEVC MOV sharing Apple's identifier (the
    Lambda makes the video's rendition, then the still takes the video in)."""
    import tempfile

    content_id = "9C1D2E3F-4A5B-4C6D-8E7F-0A1B2C3D4E5F"
    with tempfile.TemporaryDirectory() as tmp:
        still = media_factory.live_photo_jpeg(Path(tmp) / "s.jpg", content_id).read_bytes()
        video = media_factory.hevc_mov(
            Path(tmp) / "v.mov",
            rotate=0,
            metadata={"com.apple.quicktime.content.identifier": content_id},
            container_options={"movflags": "use_metadata_tags"},
        ).read_bytes()
    return still, video


# The uploads the Lambda completes itself and must refuse: the browser PUT the bytes and
# never asked the app to complete (closed the tab), so the S3 event's handler completes.
def lambda_refusals() -> dict[str, tuple[str, bytes, int]]:
    """refusal → (content type, bytes, declared size)."""
    photo = PHOTO.read_bytes()
    [polyglot] = [f for f in hostile_files() if f.label == "polyglot JPEG + HTML"]
    return {
        "wrong size": ("image/jpeg", photo, len(photo) + 100),
        "not media": ("image/jpeg", b"just some text, not a photo\n" * 50, 1400),
        "polyglot": ("image/jpeg", polyglot.data, len(polyglot.data)),
        "pixel bomb": ("image/png", png_bomb(), len(png_bomb())),
    }


def abandoned_uploads(browser: Browser, services: Services) -> dict[str, str]:
    """Start each refusal's upload and PUT its bytes, without completing; plus a multipart
    pixel bomb whose parts were joined by a backend that died before recording it."""
    ids = {}
    for label, (content_type, data, declared) in lambda_refusals().items():
        ticket = browser.start(f"{label}.bin", declared, content_type)
        browser.put_single(ticket, data[:declared])
        ids[label] = ticket["item"]["id"]
    bomb = padded(png_bomb(), 2 * 8 * MIB + 77)
    ticket = browser.start("bomb-in-parts.png", len(bomb), "image/png")
    browser.put_parts(ticket, bomb, [1, 2, 3])
    key, blobs = original_key(ticket["item"]["id"]), services.storage.blobs
    parts = blobs.list_parts(key, ticket["upload_id"])
    blobs.complete_multipart(key, ticket["upload_id"], [(p.number, p.etag) for p in parts])
    ids["pixel bomb, joined in parts"] = ticket["item"]["id"]
    return ids


def backend_after_processing(browser: Browser, services: Services, up: Uploaded) -> None:
    """What a signed-in user does with processed items, then the host's housekeeping."""
    listed = browser.call("GET", "/api/media", params={"folder": "/trip"}).json()["items"]
    live = next(i for i in listed if i["id"] == up.live[0])
    assert live["live"] and up.live[1] not in {i["id"] for i in listed}, listed
    browser.call("GET", live["motion_url"])
    item = browser.call("GET", f"/api/media/{up.photo}").json()
    for url in (item["url"], item["thumbnail_url"], item["preview_url"]):
        browser.call("GET", url)
    assert browser.follow(f"/api/media/{up.photo}/download") == PHOTO.read_bytes()
    browser.follow(f"/api/media/{up.photo}/rendition?w=1600")  # made on demand, then signed
    browser.follow(f"/api/media/{up.video}/rendition?w=1600")
    browser.call("GET", "/api/media/download", params={"ids": f"{up.photo},{up.video}"})
    browser.call("GET", "/api/folders/download", params={"path": "/trip"})
    link = services.zip_tickets.issue([up.photo])  # the web page's ZIP link
    browser.call("GET", urlsplit(link).path)

    browser.call("PATCH", f"/api/media/{up.photo}", json={"name": "renamed.jpg"})
    browser.call("PATCH", f"/api/media/{up.photo}", json={"folder": "/old"})
    browser.call("PATCH", "/api/folders", json={"path": "/trip", "new_path": "/old/trip"})
    browser.call("DELETE", "/api/folders", expect=204, params={"path": "/empty"})
    browser.call("DELETE", f"/api/media/{up.photo}")
    browser.call("GET", "/api/trash")
    browser.call("POST", f"/api/trash/{up.photo}/restore")
    browser.call("DELETE", f"/api/media/{up.big}")
    browser.call("DELETE", f"/api/trash/{up.big}", expect=204)  # purged for good
    browser.call("DELETE", f"/api/media/{up.video}")  # the sweep empties it from the trash

    later = utcnow() + timedelta(days=services.settings.trash_retention_days + 1)
    report = sweep(services.storage, services.items, services.settings, now=later)
    assert report.stale_uploads >= 2 and report.trash_purged == 1, report
    reconcile(services)  # the hourly fsck with repair
    browser.call("POST", "/api/auth/logout", expect=204)
    backend_cli(services)


def backend_cli(services: Services) -> None:
    """What `docker exec rdrive rdrive …` does on the host, with the instance's role: the
    service calls of `users add/list/passwd/remove/ensure-first`, `info` and `fsck`."""
    accounts = services.accounts
    accounts.add_user("bob", PASSWORD)
    assert accounts.ensure_first_user() is None
    assert {u.name for u in accounts.list_users()} == {"alice", "bob"}
    accounts.change_password("bob", PASSWORD + "!")
    accounts.remove_user("bob")
    assert services.storage.catalog.count()[0] > 0
    assert fsck(services.storage).clean


# ---- the Lambda's event source --------------------------------------------------------------


@dataclass
class EventSource:
    """The SQS queue the bucket notifies, read as Lambda's event source mapping reads it
    (with the function's role: its receive and delete are the processing role's calls)."""

    queue_url: str
    region: str

    @classmethod
    def create(cls, queue_name: str, bucket: str, region: str, prefix: str) -> EventSource:
        sqs = boto3.client("sqs", region_name=region)
        url = sqs.create_queue(QueueName=queue_name)["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])
        rule = {"Name": "prefix", "Value": prefix}
        boto3.client("s3", region_name=region).put_bucket_notification_configuration(
            Bucket=bucket,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {
                        "QueueArn": arn["Attributes"]["QueueArn"],
                        "Events": ["s3:ObjectCreated:*"],
                        "Filter": {"Key": {"FilterRules": [rule]}},
                    }
                ]
            },
        )
        return cls(url, region)

    def drain(self, recorder: Recorder, handler: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
        """Deliver every message, one per invocation (batch size 1), deleting the handled
        ones; returns how many were delivered."""
        sqs = boto3.client("sqs", region_name=self.region)
        delivered = 0
        for message in self._receive(sqs, recorder):
            event = {
                "Records": [
                    {
                        "messageId": message["MessageId"],
                        "receiptHandle": message["ReceiptHandle"],
                        "body": message["Body"],
                        "attributes": message.get("Attributes", {}),
                        "eventSource": "aws:sqs",
                        "awsRegion": self.region,
                    }
                ]
            }
            for _ in range(2):  # S3 events are at-least-once: every one comes twice here
                assert handler(event) == {"batchItemFailures": []}
            delivered += 1
            with recorder.acting_as("processing"):
                sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return delivered

    def _receive(self, sqs: Any, recorder: Recorder) -> Iterator[dict[str, Any]]:
        while True:
            with recorder.acting_as("processing"):
                got = sqs.receive_message(
                    QueueUrl=self.queue_url,
                    MaxNumberOfMessages=10,
                    WaitTimeSeconds=0,
                    AttributeNames=["ApproximateReceiveCount"],
                ).get("Messages", [])
            if not got:
                return
            yield from got
