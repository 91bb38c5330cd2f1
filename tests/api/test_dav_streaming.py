"""A WebDAV PUT streams to storage as it arrives (no spool for a body of known length; S3
parts on AWS): what an interrupted PUT sent leaves nothing behind, a chunked body of unknown
length is still stored, and a body refused before it is read changes nothing."""

from __future__ import annotations

import socket
import time
from urllib.parse import quote

import httpx
import pytest

from rdrive_app.api import create_api
from tests.api.test_dav import CANON, _basic, _write, library  # noqa: F401
from tests.security.live import LiveApi

MiB = 1024 * 1024


@pytest.fixture
def services(services_on_both):
    return services_on_both


@pytest.fixture
def live(services):
    server = LiveApi()
    server.app = create_api(services)
    server.start()
    yield server
    server.stop()


def _originals(services) -> list[str]:
    return sorted(services.storage.blobs.list_keys("originals/"))


def test_an_interrupted_put_leaves_nothing(services, library, live):  # noqa: F811
    before = _originals(services)
    auth = _write(services)["Authorization"]
    path = "/dav/" + quote("Crémieux") + "/cut.mov"
    head = (
        f"PUT {path} HTTP/1.1\r\nHost: {live.host}:{live.port}\r\nAuthorization: {auth}\r\n"
        f"Content-Type: video/quicktime\r\nContent-Length: {40 * MiB}\r\n\r\n"
    )
    with socket.create_connection(live.address) as sock:
        sock.sendall(head.encode())
        for _ in range(12):  # 12 MiB of 40: past the first S3 part
            sock.sendall(b"\0" * MiB)
        while live.body_read < 12 * MiB:  # the server has it all before the line drops
            time.sleep(0.05)
    catalog = services.storage.catalog
    deadline = time.time() + 30
    while catalog.item_named("/Crémieux", "cut.mov") is not None:
        assert time.time() < deadline, "the cut-off upload was not forgotten"
        time.sleep(0.1)
    assert _originals(services) == before
    names = [i.name for i in services.items.list_page("/Crémieux", limit=50).items]
    assert names == ["Canon_40D.jpg", "Nikon_D70.jpg"]


def test_a_chunked_put_is_stored(services, library, live):  # noqa: F811
    data = CANON.read_bytes()

    def chunks():
        for start in range(0, len(data), 4096):
            yield data[start : start + 4096]

    url = live.url + "/dav/" + quote("Crémieux") + "/chunked.jpg"
    made = httpx.put(url, content=chunks(), headers=_write(services), timeout=60)
    assert made.status_code == 201, made.text
    stored = services.storage.catalog.item_named("/Crémieux", "chunked.jpg")
    assert stored.size == len(data)
    assert stored.kind.value == "image"


def test_a_refused_put_reads_no_body_and_keeps_the_old_version(services, library, live):  # noqa: F811
    text = b"not a photo at all " * 50_000  # ~1 MiB claiming to be a JPEG
    url = live.url + "/dav/" + quote("Crémieux") + "/Canon_40D.jpg"
    refused = httpx.put(url, content=text, headers=_write(services), timeout=60)
    assert refused.status_code == 415, refused.text
    kept = services.storage.catalog.item_named("/Crémieux", "Canon_40D.jpg")
    assert kept.size == CANON.stat().st_size
    assert services.items.list_trash(limit=10).items == []
    missing = httpx.put(
        live.url + "/dav/nowhere/x.jpg", content=CANON.read_bytes(), headers=_write(services)
    )
    assert missing.status_code == 409
    assert live.body_read < 2 * MiB  # refused from its name, before the body was read
