"""What a photo's sidecar file says about it: an XMP sidecar (Lightroom, darktable, digiKam,
Capture One) or a Google Takeout ``.json``.

Only facts a photo app keeps are read: when it was taken, its rating, its description and
keywords, where it was taken (and, from Takeout, whether it was a favourite). The XML is parsed
with defusedxml (no entities, no network), and a sidecar is at most ``MAX_SIDECAR_BYTES``:
anything larger, or unreadable, says nothing rather than failing the upload, since the file
itself is kept whatever it holds.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from rdrive_app.core.domain import GPS

MAX_SIDECAR_BYTES = 1024 * 1024
_XMP, _EXIF = "http://ns.adobe.com/xap/1.0/", "http://ns.adobe.com/exif/1.0/"
_PS, _DC = "http://ns.adobe.com/photoshop/1.0/", "http://purl.org/dc/elements/1.1/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Preferred first: when the shutter fired, then when the photo was made (a scan's date).
_DATE_KEYS = (f"{{{_EXIF}}}DateTimeOriginal", f"{{{_PS}}}DateCreated", f"{{{_XMP}}}CreateDate")
_ISO = re.compile(
    r"(\d{4})(?:-(\d\d)(?:-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:\.(\d+))?)?)?)?)?"
    r"\s*(Z|[+-]\d\d:?\d\d)?$"
)
_XMP_GPS = re.compile(r"(\d+),(\d+(?:\.\d+)?)(?:,(\d+(?:\.\d+)?))?([NSEW])$")


@dataclass(frozen=True, slots=True)
class SidecarFacts:
    """What a sidecar says (None or empty: it says nothing of that)."""

    taken_at: datetime | None = None
    rating: int | None = None
    description: str = ""
    keywords: tuple[str, ...] = ()
    gps: GPS | None = None
    favorite: bool = False


def read_sidecar(name: str, data: bytes) -> SidecarFacts:
    """The facts in sidecar ``name`` (its extension says which kind) holding ``data``."""
    if len(data) > MAX_SIDECAR_BYTES:
        return SidecarFacts()
    lower = name.lower()
    if lower.endswith(".xmp"):
        return read_xmp(data)
    if lower.endswith(".json"):
        return read_takeout(data)
    return SidecarFacts()  # .AAE (Apple's edit recipe) and .THM carry nothing a library keeps


def read_xmp(data: bytes) -> SidecarFacts:
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException, ValueError):
        return SidecarFacts()
    values: dict[str, Any] = {}
    for element in root.iter():  # a property is an attribute or an element, in any Description
        for key, value in element.attrib.items():
            values.setdefault(key, value)
        if element.tag not in values and (element.text or "").strip():
            values[element.tag] = element.text.strip() if element.text else ""
    taken = next((d for k in _DATE_KEYS if (d := parse_xmp_date(values.get(k)))), None)
    return SidecarFacts(
        taken_at=taken,
        rating=_rating(values.get(f"{{{_XMP}}}Rating")),
        description=_alt_text(root.find(f".//{{{_DC}}}description")),
        keywords=tuple(_list_items(root.find(f".//{{{_DC}}}subject"))),
        gps=_xmp_gps(values.get(f"{{{_EXIF}}}GPSLatitude"), values.get(f"{{{_EXIF}}}GPSLongitude")),
    )


def read_takeout(data: bytes) -> SidecarFacts:
    """Google Takeout's per-photo JSON: ``photoTakenTime``, ``description``, ``geoData`` (or
    ``geoDataExif``; 0, 0 means none) and ``favorited``."""
    try:
        doc = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return SidecarFacts()
    if not isinstance(doc, dict):
        return SidecarFacts()
    taken = None
    when = doc.get("photoTakenTime")
    stamp = when.get("timestamp") if isinstance(when, dict) else None
    if isinstance(stamp, str | int) and str(stamp).isdigit() and int(stamp) > 0:
        taken = datetime.fromtimestamp(int(stamp), UTC)
    gps = next((g for key in ("geoData", "geoDataExif") if (g := _takeout_gps(doc.get(key)))), None)
    description = doc.get("description")
    return SidecarFacts(
        taken_at=taken,
        description=description.strip() if isinstance(description, str) else "",
        gps=gps,
        favorite=doc.get("favorited") is True,
    )


def parse_xmp_date(value: object) -> datetime | None:
    """An XMP date ('2019-07-14T18:22:05.00+02:00', '2019-07-14', '2019'); without an offset
    the wall clock is labelled UTC, as for EXIF (media/exif.py)."""
    match = _ISO.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        naive = datetime(
            int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0),
            int(second or 0), int((fraction or "0")[:6].ljust(6, "0")),
        )  # fmt: skip
        if naive.year < 1900:
            return None
        if zone in (None, "Z"):
            return naive.replace(tzinfo=UTC)
        return datetime.fromisoformat(naive.isoformat() + zone[:3] + ":" + zone[-2:])
    except ValueError:
        return None


def _rating(value: object) -> int | None:
    try:
        stars = round(float(str(value)))
    except ValueError:
        return None
    return stars if 0 <= stars <= 5 else None  # -1 is Lightroom's "rejected": no rating


def _alt_text(element: Element | None) -> str:
    """An rdf:Alt's text in the default language (else its first), or plain text."""
    if element is None:
        return ""
    items = element.findall(f".//{{{_RDF}}}li")
    default = [i for i in items if i.get(_XML_LANG) == "x-default"]
    chosen = (default or items or [element])[0]
    return (chosen.text or "").strip()


def _list_items(element: Element | None) -> list[str]:
    if element is None:
        return []
    return [t for i in element.findall(f".//{{{_RDF}}}li") if (t := (i.text or "").strip())]


def _xmp_gps(lat: object, lon: object) -> GPS | None:
    """XMP's 'DD,MM.mmmmN' (or 'DD,MM,SSN') pair in decimal degrees."""
    degrees = [_xmp_degrees(v) for v in (lat, lon)]
    if degrees[0] is None or degrees[1] is None:
        return None
    return _position(degrees[0], degrees[1])


def _xmp_degrees(value: object) -> float | None:
    match = _XMP_GPS.match(value.strip()) if isinstance(value, str) else None
    if not match:
        return None
    deg, minutes, seconds, ref = match.groups()
    total = int(deg) + float(minutes) / 60 + float(seconds or 0) / 3600
    return -total if ref in "SW" else total


def _takeout_gps(geo: object) -> GPS | None:
    if not isinstance(geo, dict):
        return None
    lat, lon = geo.get("latitude"), geo.get("longitude")
    if not isinstance(lat, int | float) or not isinstance(lon, int | float) or lat == lon == 0:
        return None
    return _position(float(lat), float(lon))


def _position(lat: float, lon: float) -> GPS | None:
    return GPS(lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None
