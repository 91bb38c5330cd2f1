"""WebDAV at /dav/ on both backends: PROPFIND, GET with Range, names in NFD, PUT (a replaced
version to the trash), MKCOL, MOVE, COPY, DELETE (to the trash), and who may use it (an app
password over Basic auth; never the account's password or a session token), with rclone
listing, copying down and syncing a tree up over real HTTP."""

from __future__ import annotations

import base64
import shutil
import subprocess
import time
import unicodedata
from pathlib import Path
from urllib.parse import quote

import pytest
from defusedxml import ElementTree as ET

from rdrive_app.api import create_api
from tests.api.conftest import PASSWORD
from tests.api.loopback_proxy import LoopbackProxy
from tests.security.live import LiveApi

MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "media"
CANON, NIKON = MEDIA / "photos" / "Canon_40D.jpg", MEDIA / "photos" / "Nikon_D70.jpg"
DAV = "{DAV:}"


@pytest.fixture
def services(services_on_both):
    return services_on_both


@pytest.fixture
def library(services):
    """/Crémieux with two photos (processed), and /Crémieux/empty."""
    services.folders.create_folder("/Crémieux")
    services.folders.create_folder("/Crémieux/empty")
    items = []
    for path in (CANON, NIKON):
        with path.open("rb") as f:
            items.append(
                services.uploads.upload_stream(
                    "alice", "/Crémieux", path.name, f, path.stat().st_size, "image/jpeg"
                )
            )
    deadline = time.time() + 60
    catalog = services.storage.catalog
    while any(catalog.get_item(i.id).status.value == "processing" for i in items):
        assert time.time() < deadline
        time.sleep(0.1)
    return [catalog.get_item(i.id) for i in items]


def _app_password(services, scope: str = "read") -> str:
    alice = services.storage.catalog.get_user("alice")
    return services.accounts.app_passwords.create(alice, f"dav {scope}", scope).password


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def _propfind(client, path: str, headers: dict[str, str], depth: str = "1"):
    answer = client.request("PROPFIND", path, headers={**headers, "Depth": depth})
    assert answer.status_code == 207, answer.text
    found = {}
    for response in ET.fromstring(answer.content).iter(f"{DAV}response"):
        href = response.findtext(f"{DAV}href")
        prop = response.find(f"{DAV}propstat/{DAV}prop")
        found[href] = {child.tag.removeprefix(DAV): (child.text or "") for child in prop}
        found[href]["collection"] = prop.find(f"{DAV}resourcetype/{DAV}collection") is not None
    return found


def test_propfind_lists_folders_and_originals(client, services, library):
    auth = _basic("alice", _app_password(services))
    root = _propfind(client, "/dav/", auth)
    folder_href = "/dav/" + quote("Crémieux") + "/"
    assert set(root) == {"/dav/", folder_href}
    assert root[folder_href]["collection"]
    listed = _propfind(client, folder_href, auth)
    canon = library[0]
    entry = listed[folder_href + "Canon_40D.jpg"]
    assert not entry["collection"]
    assert entry["getcontentlength"] == str(CANON.stat().st_size)
    assert entry["getcontenttype"] == "image/jpeg"
    assert entry["getetag"].strip('"') == canon.sha256
    assert entry["getlastmodified"] == canon.taken_at.strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert listed[folder_href + "empty/"]["collection"]
    assert set(listed) == {
        folder_href,
        folder_href + "empty/",
        folder_href + "Canon_40D.jpg",
        folder_href + "Nikon_D70.jpg",
    }


def test_get_whole_and_ranges_and_nfd_names(client, services, library):
    auth = _basic("alice", _app_password(services))
    data = CANON.read_bytes()
    nfc = "/dav/" + quote("Crémieux") + "/Canon_40D.jpg"
    nfd = "/dav/" + quote(unicodedata.normalize("NFD", "Crémieux")) + "/Canon_40D.jpg"
    whole = client.get(nfc, headers=auth)
    assert whole.status_code == 200 and whole.content == data
    assert client.get(nfd, headers=auth).content == data  # macOS's spelling is the same file
    part = client.get(nfc, headers={**auth, "Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == data[100:200]
    assert part.headers["content-range"] == f"bytes 100-199/{len(data)}"
    tail = client.get(nfc, headers={**auth, "Range": "bytes=-10"})
    assert tail.content == data[-10:]
    missing = client.get("/dav/" + quote("Crémieux") + "/nope.jpg", headers=auth)
    assert missing.status_code == 404


def test_only_an_app_password_opens_it(client, services, library, token):
    app_password = _app_password(services)
    refused = [
        {},
        _basic("alice", PASSWORD),  # the account's own password: never over WebDAV
        _basic("alice", token),  # a session token
        {"Authorization": f"Bearer {token}"},
        {"Authorization": f"Bearer {app_password}"},  # Basic only
        _basic("bob", app_password),  # someone else's name
        _basic("alice", app_password[:-1] + ("b" if app_password.endswith("a") else "a")),
    ]
    for headers in refused:
        answer = client.request("PROPFIND", "/dav/", headers={**headers, "Depth": "0"})
        assert answer.status_code == 401, (headers, answer.status_code)
        assert answer.headers["www-authenticate"].startswith("Basic")
        assert "Crémieux" not in answer.text
    assert client.get("/dav/" + quote("Crémieux") + "/Canon_40D.jpg").status_code == 401


def test_revoked_and_read_only(client, services, library, auth):
    read = _app_password(services, "read")
    alice = services.storage.catalog.get_user("alice")
    headers = _basic("alice", read)
    for method, path in (
        ("PUT", "/dav/new.jpg"),
        ("MKCOL", "/dav/new"),
        ("DELETE", "/dav/" + quote("Crémieux") + "/Canon_40D.jpg"),
    ):
        answer = client.request(method, path, headers=headers, content=b"x")
        assert answer.status_code in (401, 403), (method, answer.status_code)
    assert services.storage.catalog.item_named("/Crémieux", "Canon_40D.jpg") is not None
    made = services.accounts.app_passwords.list(alice)[0]
    services.accounts.app_passwords.revoke(alice, made.id)
    assert client.request("PROPFIND", "/dav/", headers={**headers, "Depth": "0"}).status_code == 401


def test_wrong_passwords_meet_the_sign_in_throttle(client, services, library):
    right = _app_password(services)
    wrong = _basic("alice", "rdap-" + "0" * 32 + "-" + "a" * 32)
    for _ in range(services.settings.login_max_failures):
        assert (
            client.request("PROPFIND", "/dav/", headers={**wrong, "Depth": "0"}).status_code == 401
        )
    held = client.request("PROPFIND", "/dav/", headers={**_basic("alice", right), "Depth": "0"})
    assert held.status_code == 401  # held for a while, even the right one


def test_rclone_lists_and_copies_the_tree_down(services, library, tmp_path):
    live = LiveApi()
    live.app = create_api(services)
    live.start()
    proxy = LoopbackProxy().__enter__()  # on AWS rclone's GETs are redirected to S3 (moto)
    try:
        password = _app_password(services)
        obscured = subprocess.run(
            ["rclone", "obscure", password], capture_output=True, text=True, check=True
        ).stdout.strip()
        remote = f":webdav,url='{live.url}/dav/',vendor=other,user=alice,pass='{obscured}':"
        env = {
            "RCLONE_CONFIG": str(tmp_path / "none.conf"),
            "PATH": "/usr/bin:/bin",
            "HTTP_PROXY": proxy.url,
        }
        listed = subprocess.run(
            ["rclone", "lsf", "-R", remote], capture_output=True, text=True, env=env, timeout=60
        )
        assert listed.returncode == 0, listed.stderr
        assert sorted(listed.stdout.split()) == [
            "Crémieux/",
            "Crémieux/Canon_40D.jpg",
            "Crémieux/Nikon_D70.jpg",
            "Crémieux/empty/",
        ]
        down = tmp_path / "down"
        copied = subprocess.run(
            ["rclone", "copy", remote, str(down)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert copied.returncode == 0, copied.stderr
        assert (down / "Crémieux" / "Canon_40D.jpg").read_bytes() == CANON.read_bytes()
        assert (down / "Crémieux" / "Nikon_D70.jpg").read_bytes() == NIKON.read_bytes()
        # On AWS the originals came from S3 (a redirect to a signed URL), not through the app.
        assert (proxy.forwarded >= 2) == (services.settings.backend.value == "aws")

        # Up: a tree of real photos, checked byte for byte by reading them back.
        writer = subprocess.run(
            ["rclone", "obscure", _app_password(services, "write")],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        up_remote = f":webdav,url='{live.url}/dav/',vendor=other,user=alice,pass='{writer}':Up"
        tree = tmp_path / "up"
        (tree / "2024" / "June").mkdir(parents=True)
        shutil.copy(CANON, tree / "2024" / "a.jpg")
        shutil.copy(NIKON, tree / "2024" / "June" / "b.jpg")
        services.folders.create_folder("/Up")
        for command in (
            ["sync", str(tree), up_remote],
            ["check", "--download", str(tree), up_remote],
        ):
            done = subprocess.run(
                ["rclone", *command], capture_output=True, text=True, env=env, timeout=120
            )
            assert done.returncode == 0, (command, done.stderr)
        uploaded = services.storage.catalog.item_named("/Up/2024/June", "b.jpg")
        assert uploaded is not None

        # A rename and a delete made in the web app (its services) are what rclone sees next.
        services.items.rename_or_move(uploaded.id, name="renamed.jpg")
        services.items.trash(services.storage.catalog.item_named("/Up/2024", "a.jpg").id)
        seen = subprocess.run(
            ["rclone", "lsf", "-R", up_remote], capture_output=True, text=True, env=env, timeout=60
        )
        assert seen.returncode == 0, seen.stderr
        assert sorted(seen.stdout.split()) == ["2024/", "2024/June/", "2024/June/renamed.jpg"]
    finally:
        proxy.__exit__()
        live.stop()


def _write(services) -> dict[str, str]:
    return _basic("alice", _app_password(services, "write"))


def _trash_names(services) -> list[str]:
    return sorted(i.name for i in services.items.list_trash(limit=100).items)


def test_put_mkcol_move_copy_delete(client, services, library):
    auth, catalog = _write(services), services.storage.catalog
    base = "/dav/" + quote("Crémieux")
    assert client.request("MKCOL", f"{base}/Rome", headers=auth).status_code == 201
    assert client.request("MKCOL", f"{base}/Rome", headers=auth).status_code == 405
    assert client.request("MKCOL", "/dav/no/such/parent", headers=auth).status_code == 409

    data = CANON.read_bytes()
    made = client.put(f"{base}/Rome/day1.jpg", content=data, headers=auth)
    assert made.status_code == 201, made.text
    item = catalog.item_named("/Crémieux/Rome", "day1.jpg")
    assert item is not None and item.size == len(data)
    assert client.get(f"{base}/Rome/day1.jpg", headers=auth).content == data

    # A new version over it: the old one goes to the trash, never away.
    newer = NIKON.read_bytes()
    replaced = client.put(f"{base}/Rome/day1.jpg", content=newer, headers=auth)
    assert replaced.status_code == 204, replaced.text
    assert client.get(f"{base}/Rome/day1.jpg", headers=auth).content == newer
    assert _trash_names(services) == ["day1.jpg"]

    # Not a photo: refused with its reason, nothing kept.
    fake = client.put(f"{base}/Rome/notes.jpg", content=b"not a photo\n" * 100, headers=auth)
    assert fake.status_code == 415, fake.text
    assert "not a photo or video" in fake.text  # the body says why
    assert catalog.item_named("/Crémieux/Rome", "notes.jpg") is None

    moved = client.request(
        "MOVE", f"{base}/Rome/day1.jpg", headers={**auth, "Destination": f"{base}/Rome/best.jpg"}
    )
    assert moved.status_code == 201, moved.text
    assert catalog.item_named("/Crémieux/Rome", "best.jpg").id != item.id  # the newer version
    clash = client.request(
        "MOVE",
        f"{base}/Rome/best.jpg",
        headers={**auth, "Destination": f"{base}/Canon_40D.jpg", "Overwrite": "F"},
    )
    assert clash.status_code == 412, clash.text
    copied = client.request(
        "COPY", f"{base}/Rome/best.jpg", headers={**auth, "Destination": f"{base}/Rome/copy.jpg"}
    )
    assert copied.status_code == 201, copied.text
    assert client.get(f"{base}/Rome/copy.jpg", headers=auth).content == newer

    folder_moved = client.request(
        "MOVE", f"{base}/Rome/", headers={**auth, "Destination": f"{base}/Roma/"}
    )
    assert folder_moved.status_code == 201, folder_moved.text
    assert catalog.item_named("/Crémieux/Roma", "copy.jpg") is not None

    gone = client.request("DELETE", f"{base}/Roma/", headers=auth)
    assert gone.status_code == 204, gone.text
    assert _trash_names(services) == ["best.jpg", "copy.jpg", "day1.jpg"]
    assert (
        client.request("PROPFIND", f"{base}/Roma/", headers={**auth, "Depth": "0"}).status_code
        == 404
    )


def test_a_big_put_with_basic_auth_passes_the_body_limit(client, services, library):
    data = CANON.read_bytes()
    padded = data + b"\0" * (3 * 1024 * 1024 - len(data))  # decoders ignore what follows the end
    base = "/dav/" + quote("Crémieux")
    stranger = client.put(f"{base}/big.jpg", content=padded)
    assert stranger.status_code == 401
    made = client.put(f"{base}/big.jpg", content=padded, headers=_write(services))
    assert made.status_code == 201, made.text
    assert services.storage.catalog.item_named("/Crémieux", "big.jpg").size == len(padded)


def test_a_client_that_follows_redirects_gets_the_store_s_url_on_aws(client, services, library):
    auth = _basic("alice", _app_password(services))
    path = "/dav/" + quote("Crémieux") + "/Canon_40D.jpg"
    rclone = {**auth, "User-Agent": "rclone/v1.60.1-DEV", "Range": "bytes=0-99"}
    answer = client.get(path, headers=rclone, follow_redirects=False)
    if services.settings.backend.value == "local":  # this process serves the bytes anyway
        assert answer.status_code == 206 and answer.content == CANON.read_bytes()[:100]
        return
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert "X-Amz-Signature=" in location and "/originals/" in location
    fetched = client.get(location, headers={"Range": "bytes=0-99"})  # moto, as S3 answers it
    assert fetched.status_code == 206 and fetched.content == CANON.read_bytes()[:100]
    etag = client.head(path, headers=rclone).headers["etag"]  # HEAD is answered here
    unchanged = client.get(path, headers={**rclone, "If-None-Match": etag}, follow_redirects=False)
    assert unchanged.status_code == 304, (unchanged.status_code, etag, unchanged.headers)
    others = {**auth, "User-Agent": "Microsoft-WebDAV-MiniRedir/10.0.19045"}
    streamed = client.get(path, headers=others, follow_redirects=False)
    assert streamed.status_code == 200 and streamed.content == CANON.read_bytes()


QUOTA = (
    '<?xml version="1.0"?><propfind xmlns="DAV:">'
    "<prop><quota-used-bytes/><quota-available-bytes/></prop></propfind>"
)


def test_quota_properties_where_the_backend_measures_space(client, services, library):
    auth = _basic("alice", _app_password(services))
    answer = client.request(
        "PROPFIND", "/dav/", headers={**auth, "Depth": "1"}, content=QUOTA.encode()
    )
    assert answer.status_code == 207, answer.text
    found = {}
    for response in ET.fromstring(answer.content).iter(f"{DAV}response"):
        for propstat in response.iter(f"{DAV}propstat"):
            if "200" in propstat.findtext(f"{DAV}status"):
                for prop in propstat.find(f"{DAV}prop"):
                    found.setdefault(response.findtext(f"{DAV}href"), {})[prop.tag] = prop.text
    if services.settings.backend.value == "aws":  # S3 has no limit to report
        assert found == {}
        return
    used = sum(i.size for i in library)
    assert found["/dav/"][f"{DAV}quota-used-bytes"] == str(used)
    assert int(found["/dav/"][f"{DAV}quota-available-bytes"]) > 0
    assert found["/dav/" + quote("Crémieux") + "/"][f"{DAV}quota-used-bytes"] == str(used)


@pytest.mark.parametrize("storage_settings", ["local"], indirect=True)  # above the catalog
def test_a_big_folder_is_listed_whole_entry_by_entry(client, services):
    """A depth-1 PROPFIND is written an entry at a time (api/dav/propfind.py): every page of
    the folder, each entry with its own properties, dead ones in their own namespace included.
    (Local only: the code is above the catalog, and 510 records on moto take a minute.)"""
    from rdrive_app.core.domain import Kind, MediaItem, Status, new_id

    catalog = services.storage.catalog
    catalog.create_folder("/Big")
    for n in range(510):  # more than one page of the catalog's (500)
        catalog.add_item(
            MediaItem(
                id=new_id(), folder="/Big", name=f"IMG_{n:04d}.XMP", kind=Kind.FILE,
                content_type="application/octet-stream", size=100 + n, uploaded_by="alice",
                status=Status.READY, sha256=f"{n:064x}",
            )
        )  # fmt: skip
    auth = _basic("alice", _app_password(services, "write"))
    patch = (
        '<?xml version="1.0"?><propertyupdate xmlns="DAV:" xmlns:x="urn:rdrive-test">'
        "<set><prop><x:colour>teal</x:colour></prop></set></propertyupdate>"
    )
    patched = client.request("PROPPATCH", "/dav/Big/IMG_0007.XMP", headers=auth, content=patch)
    assert patched.status_code == 207, patched.text
    answer = client.request("PROPFIND", "/dav/Big/", headers={**auth, "Depth": "1"})
    assert answer.status_code == 207
    assert int(answer.headers["content-length"]) == len(answer.content)
    responses = ET.fromstring(answer.content).findall(f"{DAV}response")
    assert len(responses) == 511
    sizes = {
        r.findtext(f"{DAV}href"): r.findtext(f"{DAV}propstat/{DAV}prop/{DAV}getcontentlength")
        for r in responses
    }
    assert sizes["/dav/Big/IMG_0509.XMP"] == "609" and sizes["/dav/Big/"] is None
    (seventh,) = [r for r in responses if r.findtext(f"{DAV}href") == "/dav/Big/IMG_0007.XMP"]
    assert seventh.findtext(f"{DAV}propstat/{DAV}prop/{{urn:rdrive-test}}colour") == "teal"
    named = client.request(
        "PROPFIND",
        "/dav/Big/",
        headers={**auth, "Depth": "1"},
        content=b'<propfind xmlns="DAV:"><prop><getetag/></prop></propfind>',
    )
    etags = ET.fromstring(named.content).findall(
        f"{DAV}response/{DAV}propstat/{DAV}prop/{DAV}getetag"
    )
    assert len([e for e in etags if e.text]) == 510  # every file; the folder has none (404)
    bad = client.request(
        "PROPFIND",
        "/dav/Big/",
        headers={**auth, "Depth": "1"},
        content=b'<propfind xmlns="DAV:"><allprop/><propname/></propfind>',
    )
    assert bad.status_code in (207, 400)
