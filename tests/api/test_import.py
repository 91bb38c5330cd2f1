"""`rdrive import` against a running rDrive over HTTP (the API's TestClient stands in for the
network), and the command itself on the local backend with real processing."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from rdrive_app.client.http import ApiError, HttpTarget, RDriveClient
from rdrive_app.client.importer import Importer
from rdrive_app.client.part_sender import HttpSink
from rdrive_app.entrypoints.cli import app

MEDIA = Path(__file__).resolve().parents[2].parent / "shared" / "testdata" / "media"


def make_disk(root: Path) -> Path:
    root.mkdir()
    shutil.copy(MEDIA / "photos" / "Canon_40D.jpg", root / "a.jpg")
    (root / "trip" / "day 1").mkdir(parents=True)
    shutil.copy(MEDIA / "photos" / "Nikon_D70.jpg", root / "trip" / "day 1" / "b.jpg")
    shutil.copy(MEDIA / "videos" / "sample.mp4", root / "trip" / "clip.mp4")
    shutil.copy(MEDIA / "photos" / "Canon_40D.jpg", root / "trip" / "same as a.jpg")
    (root / "trip" / "notes.txt").write_text("not media")
    return root


def test_import_over_http_twice(client, token, tmp_path):
    disk = make_disk(tmp_path / "disk")
    target = HttpTarget(RDriveClient("http://testserver", token, client), HttpSink(client))
    first = Importer(target).run(disk, "/From disk")
    assert first.ok, first.failed
    assert first.uploaded == ["a.jpg", "trip/clip.mp4", "trip/day 1/b.jpg"]
    assert first.duplicates == [("trip/same as a.jpg", "same as a.jpg")]
    assert first.not_media == ["trip/notes.txt"]
    auth = {"Authorization": f"Bearer {token}"}
    listed = client.get("/api/media", params={"folder": "/From disk/trip/day 1"}, headers=auth)
    assert [i["name"] for i in listed.json()["items"]] == ["b.jpg"]
    again = Importer(target).run(disk, "/From disk")
    assert again.ok and again.uploaded == [] and len(again.duplicates) == 4


def test_http_errors_carry_the_servers_reason(client, tmp_path):
    api = RDriveClient("http://testserver", "not-a-token", client)
    try:
        api.call("GET", "/api/me")
    except ApiError as exc:
        assert exc.status_code == 401 and "sign in" in exc.detail
    else:
        raise AssertionError("expected a 401")


def test_the_import_command(tmp_path, monkeypatch):
    monkeypatch.setenv("RDRIVE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RDRIVE_JWT_SECRET", "j" * 48)
    monkeypatch.setenv("RDRIVE_BCRYPT_ROUNDS", "4")
    runner = CliRunner()
    disk = make_disk(tmp_path / "disk")
    empty = runner.invoke(app, ["import", str(disk)])
    assert empty.exit_code == 1 and "no account" in empty.output
    added = runner.invoke(
        app, ["users", "add", "bob", "--password-stdin"], input="a long import phrase\n"
    )
    assert added.exit_code == 0, added.output

    dry = runner.invoke(app, ["import", str(disk), "--folder", "/Disk", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would upload 3 files" in dry.output

    done = runner.invoke(app, ["import", str(disk), "--folder", "/Disk"])
    assert done.exit_code == 0, done.output
    assert "uploaded 3 files" in done.output and "trip/notes.txt" in done.output
    again = runner.invoke(app, ["import", str(disk), "--folder", "/Disk"])
    assert again.exit_code == 0 and "uploaded 0 files" in again.output
    assert "4 already there" in again.output

    (disk / "bad\x01.jpg").write_bytes((disk / "a.jpg").read_bytes())
    failed = runner.invoke(app, ["import", str(disk), "--folder", "/Disk", "--as", "bob"])
    assert failed.exit_code == 1 and "1 failed" in failed.output
    assert "control characters" in failed.output
    info = runner.invoke(app, ["info"])
    assert "items:    3" in info.output
