"""The offline reverse geocoder: GPS positions to place names, and the positions it refuses."""

from __future__ import annotations

import math
import threading

import pytest

from rdrive_app.core.domain import GPS, Place
from rdrive_app.media import places
from rdrive_app.media.places import distance_km, place_of, valid_position


@pytest.mark.parametrize(
    ("lat", "lon", "label", "code"),
    [
        (43.46745, 11.88513, "Arezzo, Tuscany, Italy", "IT"),  # DSCN0010.jpg
        (-33.8688, 151.2093, "Sydney, New South Wales, Australia", "AU"),
        (-22.9519, -43.2105, "Rio de Janeiro, Brazil", "BR"),  # city = state: said once
        (64.84, -147.72, "Fairbanks, Alaska, United States", "US"),
        (51.4779, 0.0, "Blackheath, England", "GB"),  # on the prime meridian: a real position
        (0.3476, 32.5825, "Kampala", "UG"),  # near the equator: a real position
    ],
)
def test_positions_get_their_places(lat: float, lon: float, label: str, code: str) -> None:
    place = place_of(GPS(lat, lon))
    assert place is not None
    assert place.label.startswith(label)
    assert place.country_code == code


def test_arezzo_in_full() -> None:
    assert place_of(GPS(43.46745, 11.88513)) == Place("Arezzo", "Tuscany", "Italy", "IT")


@pytest.mark.parametrize(
    "gps",
    [
        GPS(0.0, 0.0),  # null island: a phone without a fix
        GPS(math.nan, 11.0),
        GPS(43.0, math.inf),
        GPS(91.0, 0.5),
        GPS(-90.5, 0.5),
        GPS(10.0, 180.5),
        GPS(10.0, -181.0),
    ],
)
def test_positions_that_are_not_ones_get_no_place(gps: GPS) -> None:
    assert not valid_position(gps)
    assert place_of(gps) is None


@pytest.mark.parametrize(
    "gps",
    [GPS(-30.0, -130.0), GPS(-89.9, 45.0)],  # the South Pacific, the South Pole
)
def test_far_from_every_locality_no_place(gps: GPS) -> None:
    assert valid_position(gps)
    assert place_of(gps) is None


def test_no_position_no_place() -> None:
    assert place_of(None) is None


def test_distance() -> None:
    assert distance_km(43.46745, 11.88513, 43.46745, 11.88513) == 0
    # Arezzo to Florence, about 62 km as the crow flies
    assert distance_km(43.46745, 11.88513, 43.7696, 11.2558) == pytest.approx(60, abs=5)
    assert distance_km(0, 179.9, 0, -179.9) == pytest.approx(22.2, abs=0.5)


def test_loaded_once_however_many_threads_ask() -> None:
    seen: list[object] = []
    barrier = threading.Barrier(8)

    def ask() -> None:
        barrier.wait()
        seen.append(places._loaded())

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8 and all(s is seen[0] for s in seen)
