"""fsck's backfill on both backends: items processed before places and search existed get
their place and their search terms from ``--repair``, and nothing else changes."""

from __future__ import annotations

from typing import Any

import pytest
from typer.testing import CliRunner

from rdrive_app.core.domain import GPS, Kind, MediaItem, Place, Status, new_id
from rdrive_app.core.settings import Settings
from rdrive_app.services.upkeep.fsck import fsck
from rdrive_app.storage import Storage

AREZZO = Place("Arezzo", "Tuscany", "Italy", "IT")


def _item(storage: Storage, name: str, gps: GPS | None, **fields: Any) -> MediaItem:
    item = MediaItem(
        id=new_id(), folder="/", name=name, kind=Kind.IMAGE, content_type="image/jpeg",
        size=10, uploaded_by="alice", status=Status.READY, gps=gps, **fields,
    )  # fmt: skip
    storage.blobs.put(item.original_key, b"0123456789", "image/jpeg")
    return storage.catalog.add_item(item)


def _terms(storage: Storage, item_id: str) -> str | None:
    catalog: Any = storage.catalog
    rec = catalog._item_record(item_id, consistent=True)
    return rec.get("search_terms")


def _as_before_search(storage: Storage, settings: Settings, items: list[MediaItem]) -> None:
    """Strip the search terms, as a version before search wrote its records."""
    catalog: Any = storage.catalog
    if settings.backend.value == "local":
        catalog._db().execute("UPDATE entries SET search_terms = NULL")
        return
    for item in items:
        rec = catalog._item_record(item.id, consistent=True)
        catalog.table.model(rec).update(actions=[catalog.Item.search_terms.remove()])


@pytest.fixture
def older(storage: Storage, storage_settings: Settings) -> dict[str, MediaItem]:
    """A library as processing left it before places and search."""
    items = {
        "arezzo": _item(storage, "DSCN0010.jpg", GPS(43.46745, 11.88513), camera="NIKON"),
        "no gps": _item(storage, "scan.jpg", None, description="grandma's kitchen"),
        "null island": _item(storage, "nofix.jpg", GPS(0.0, 0.0)),
        "at sea": _item(storage, "pacific.jpg", GPS(-30.0, -130.0)),
        "named": _item(storage, "sydney.jpg", GPS(-33.8688, 151.2093), place=AREZZO),
    }
    _as_before_search(storage, storage_settings, list(items.values()))
    return items


def test_report_finds_places_and_terms_and_changes_nothing(
    storage: Storage, older: dict[str, MediaItem]
) -> None:
    report = fsck(storage)
    assert report.missing_places == {older["arezzo"].id: AREZZO}
    assert sorted(report.unindexed) == sorted(i.id for i in older.values())
    assert not report.clean
    assert any(
        line == f"found: item {older['arezzo'].id} has no place for its position "
        "(now Arezzo, Tuscany, Italy)"
        for line in report.lines()
    )
    assert any("was not in the search index" in line for line in report.lines())
    assert storage.catalog.get_item(older["arezzo"].id).place is None
    assert _terms(storage, older["arezzo"].id) is None


def test_repair_names_the_places_and_indexes_every_item(
    storage: Storage, older: dict[str, MediaItem]
) -> None:
    fsck(storage, repair=True)
    arezzo = storage.catalog.get_item(older["arezzo"].id)
    assert arezzo.place == AREZZO
    # nothing else changed but the CRC-32 an item from before stored CRCs is given
    assert arezzo == older["arezzo"].with_changes(place=AREZZO, crc32=arezzo.crc32)
    assert arezzo.crc32 is not None
    terms = set((_terms(storage, arezzo.id) or "").split())
    assert terms >= {"arezzo", "tuscany", "italy", "nikon"}
    assert "kitchen" in (_terms(storage, older["no gps"].id) or "").split()
    for name in ("null island", "at sea"):  # no place to give: left without one, not reported
        assert storage.catalog.get_item(older[name].id).place is None
    named = storage.catalog.get_item(older["named"].id)
    assert named.place == AREZZO  # a place already set is not replaced
    assert fsck(storage).clean


def test_an_item_in_the_trash_gets_its_place_but_stays_unsearchable(storage: Storage) -> None:
    item = _item(storage, "DSCN0010.jpg", GPS(43.46745, 11.88513))
    storage.catalog.trash_item(item.id)
    assert fsck(storage).unindexed == []  # off the timeline: no terms is right
    fsck(storage, repair=True)
    assert storage.catalog.get_item(item.id).place == AREZZO
    assert _terms(storage, item.id) is None
    assert fsck(storage).clean


def test_the_cli_backfills(
    storage: Storage,
    storage_settings: Settings,
    older: dict[str, MediaItem],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rdrive_app.entrypoints.cli import app

    for name in ("backend", "data_dir", "bucket", "items_table", "users_table", "jwt_secret"):
        monkeypatch.setenv(f"RDRIVE_{name.upper()}", str(getattr(storage_settings, name)))
    runner = CliRunner()
    found = runner.invoke(app, ["fsck"])
    assert found.exit_code == 1, found.output
    assert "has no place for its position (now Arezzo, Tuscany, Italy)" in found.output
    fixed = runner.invoke(app, ["fsck", "--repair"])
    assert fixed.exit_code == 0, fixed.output
    assert storage.catalog.get_item(older["arezzo"].id).place == AREZZO
    assert runner.invoke(app, ["fsck"]).exit_code == 0
