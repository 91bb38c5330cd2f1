"""Reading sidecars: XMP as Lightroom, darktable and digiKam write it, Google Takeout's JSON,
and what they must not do (an entity bomb, a huge or broken file: nothing, never an error)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from rdrive_app.core.domain import GPS
from rdrive_app.media.sidecars import (
    MAX_SIDECAR_BYTES,
    SidecarFacts,
    parse_xmp_date,
    read_sidecar,
)

LIGHTROOM = b"""<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Adobe XMP Core 7.0-c000 1.000000">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
   xmp:Rating="4"
   xmp:CreateDate="2019-07-14T18:22:05.12"
   exif:DateTimeOriginal="2019-07-14T18:22:05.12+02:00"
   exif:GPSLatitude="43,28.2218N"
   exif:GPSLongitude="11,52.8702E">
   <dc:description>
    <rdf:Alt>
     <rdf:li xml:lang="it">Tramonto sul porto</rdf:li>
     <rdf:li xml:lang="x-default">Sunset over the harbour</rdf:li>
    </rdf:Alt>
   </dc:description>
   <dc:subject><rdf:Bag><rdf:li>Harbour</rdf:li><rdf:li>sunset</rdf:li></rdf:Bag></dc:subject>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"""

# digiKam and darktable write properties as elements, and one Description per namespace.
ELEMENTS = b"""<?xml version="1.0" encoding="UTF-8"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">
   <xmp:Rating>2</xmp:Rating>
  </rdf:Description>
  <rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">
   <photoshop:DateCreated>2004-03-01</photoshop:DateCreated>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
"""

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<x:xmpmeta xmlns:x="adobe:ns:meta/">&lol2;</x:xmpmeta>
"""
PLUS_TWO = timezone(timedelta(hours=2))


def takeout(**doc: object) -> bytes:
    base = {
        "title": "IMG_20190705_161405.jpg",
        "description": "",
        "imageViews": "12",
        "creationTime": {"timestamp": "1600000000", "formatted": "13 Sept 2020, 12:26:40 UTC"},
        "photoTakenTime": {"timestamp": "1562343245", "formatted": "5 Jul 2019, 16:14:05 UTC"},
        "geoData": {"latitude": 0.0, "longitude": 0.0, "altitude": 0.0},
        "geoDataExif": {"latitude": 46.0037, "longitude": 8.9511, "altitude": 273.0},
        "url": "https://photos.google.com/photo/AF1Qip",
        "googlePhotosOrigin": {"mobileUpload": {"deviceType": "ANDROID_PHONE"}},
    }
    return json.dumps({**base, **doc}).encode()


def test_lightroom_xmp() -> None:
    facts = read_sidecar("IMG_1234.xmp", LIGHTROOM)
    assert facts.taken_at == datetime(2019, 7, 14, 16, 22, 5, 120000, tzinfo=UTC)
    assert facts.rating == 4
    assert facts.description == "Sunset over the harbour"
    assert facts.keywords == ("Harbour", "sunset")
    assert facts.gps is not None
    assert facts.gps.lat == pytest.approx(43.47036, abs=1e-5)
    assert facts.gps.lon == pytest.approx(11.88117, abs=1e-5)


def test_xmp_written_as_elements() -> None:
    facts = read_sidecar("DSC_0001.NEF.XMP", ELEMENTS)
    assert facts.rating == 2
    assert facts.taken_at == datetime(2004, 3, 1, tzinfo=UTC)
    assert facts.description == "" and facts.gps is None


def test_takeout_json() -> None:
    facts = read_sidecar("IMG_20190705_161405.jpg.json", takeout(description="Lake day"))
    assert facts.taken_at == datetime(2019, 7, 5, 16, 14, 5, tzinfo=UTC)
    assert facts.description == "Lake day"
    assert facts.gps == GPS(46.0037, 8.9511)  # geoData 0, 0 means none: geoDataExif's
    assert not facts.favorite
    assert read_sidecar("a.jpg.supplemental-metadata.json", takeout(favorited=True)).favorite


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("IMG_1.xmp", BOMB),
        ("IMG_1.xmp", b"<not xml"),
        ("IMG_1.xmp", LIGHTROOM + b" " * MAX_SIDECAR_BYTES),
        ("IMG_1.jpg.json", b"{not json"),
        ("IMG_1.jpg.json", b"[1, 2]"),
        ("IMG_1.jpg.json", json.dumps({"photoTakenTime": {"timestamp": "-5"}}).encode()),
        ("IMG_1.jpg.json", b"\xff\xfe{"),
        ("IMG_1.AAE", b"<?xml version='1.0'?><plist><dict/></plist>"),
        ("IMG_1.THM", b"\xff\xd8\xff\xe0"),
    ],
)
def test_what_says_nothing(name: str, data: bytes) -> None:
    assert read_sidecar(name, data) == SidecarFacts()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-07-14T18:22:05+02:00", datetime(2019, 7, 14, 18, 22, 5, tzinfo=PLUS_TWO)),
        ("2019-07-14T18:22:05Z", datetime(2019, 7, 14, 18, 22, 5, tzinfo=UTC)),
        ("2019-07-14T18:22", datetime(2019, 7, 14, 18, 22, tzinfo=UTC)),
        ("2019-07", datetime(2019, 7, 1, tzinfo=UTC)),
        ("1850-01-01", None),
        ("2019-13-01", None),
        ("yesterday", None),
        (None, None),
    ],
)
def test_xmp_dates(text: object, expected: datetime | None) -> None:
    assert parse_xmp_date(text) == expected
