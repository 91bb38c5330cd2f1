"""EXIF metadata: orientation, when it was taken, camera, lens and position.

Real cameras write broken EXIF often enough (odd dates, zero denominators, padding NULs), so
every field is read on its own and a bad one is dropped, never allowed to fail the photo.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from PIL import ExifTags, Image

from rdrive_app.core.domain import GPS

ORIENTATION = "orientation"

_T = ExifTags.Base
_G = ExifTags.GPS
_DATE = re.compile(r"(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2}):(\d{2})")
_OFFSET = re.compile(r"([+-])(\d{2}):?(\d{2})")


def read_exif(im: Image.Image) -> dict[str, Any]:
    """The MediaInfo fields found in ``im``'s EXIF, plus ``orientation`` (1 to 8) when present."""
    try:
        exif = im.getexif()
    except Exception:  # a broken EXIF block must not fail the photo
        return {}
    found: dict[str, Any] = {}
    orientation = exif.get(_T.Orientation)
    if isinstance(orientation, int) and 1 <= orientation <= 8:
        found[ORIENTATION] = orientation
    for name, tag in (("camera_make", _T.Make), ("camera_model", _T.Model)):
        if text := _text(exif.get(tag)):
            found[name] = text
    detail = _ifd(exif, ExifTags.IFD.Exif)
    if lens := _text(detail.get(_T.LensModel)):
        found["lens"] = lens
    if taken := taken_at(detail):
        found["taken_at"] = taken
    if gps := gps_position(_ifd(exif, ExifTags.IFD.GPSInfo)):
        found["gps"] = gps
    return found


def taken_at(detail: dict[int, Any]) -> datetime | None:
    """DateTimeOriginal (else DateTimeDigitized) with its sub-seconds and offset.

    With an offset the result is that exact instant. Without one, the camera's wall clock is
    kept and labelled UTC, so the photo still shows and sorts by the time the camera said.
    """
    for date_tag, offset_tag, subsec_tag in (
        (_T.DateTimeOriginal, _T.OffsetTimeOriginal, _T.SubsecTimeOriginal),
        (_T.DateTimeDigitized, _T.OffsetTimeDigitized, _T.SubsecTimeDigitized),
    ):
        when = parse_exif_date(
            _text(detail.get(date_tag)),
            _text(detail.get(offset_tag)),
            _text(detail.get(subsec_tag)),
        )
        if when is not None:
            return when
    return None


def parse_exif_date(
    value: str | None, offset: str | None = None, subsec: str | None = None
) -> datetime | None:
    """'2021:04:11 15:47:53' (+ '-05:00', '054') → an aware datetime, or None if unusable."""
    match = _DATE.match(value or "")
    if not match:
        return None
    try:
        year, month, day, hour, minute, second = (int(p) for p in match.groups())
        micro = int((subsec or "0").strip()[:6].ljust(6, "0")) if (subsec or "0").isdigit() else 0
        naive = datetime(year, month, day, hour, minute, second, micro)
    except ValueError:
        return None
    if naive.year < 1900:
        return None
    tz = _offset(offset) or UTC
    return naive.replace(tzinfo=tz)


def gps_position(gps: dict[int, Any]) -> GPS | None:
    """Decimal latitude/longitude from the GPS IFD, or None when missing or nonsensical."""
    lat = _degrees(gps.get(_G.GPSLatitude), gps.get(_G.GPSLatitudeRef), "S")
    lon = _degrees(gps.get(_G.GPSLongitude), gps.get(_G.GPSLongitudeRef), "W")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if lat == 0 and lon == 0:  # what some cameras write when they had no fix
        return None
    return GPS(lat=round(lat, 7), lon=round(lon, 7))


def _degrees(value: Any, ref: Any, negative: str) -> float | None:
    try:
        parts = [float(v) for v in (value if isinstance(value, tuple | list) else (value,))]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not 1 <= len(parts) <= 3 or not all(math.isfinite(p) for p in parts):
        return None
    degrees = sum(p / 60**i for i, p in enumerate(parts))
    sign = -1 if (_text(ref) or "").upper().startswith(negative) else 1
    return sign * degrees


def _offset(value: str | None) -> timezone | None:
    match = _OFFSET.fullmatch((value or "").strip())
    if not match:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign == "-" else delta)


def _ifd(exif: Image.Exif, ifd: int) -> dict[int, Any]:
    try:
        return dict(exif.get_ifd(ifd))
    except Exception:  # a broken sub-IFD loses only its own fields
        return {}


def _text(value: Any) -> str | None:
    """A clean string from an EXIF value: NUL padding and spaces stripped, bytes decoded."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    text = value.replace("\x00", "").strip()
    return text[:200] or None
