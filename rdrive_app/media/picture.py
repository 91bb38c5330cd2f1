"""The rendition's pictures: one FFmpeg filter graph from decoded frames to 8-bit BT.709.

swscale does the scaling and every YUV/RGB conversion (with the source's matrix and range said
explicitly, since an untagged HD video is BT.709 though FFmpeg assumes BT.601); PQ and HLG go
through the tone-mapping LUT (media/tonemap.py) between two swscale passes; the rotation is
applied last, on the smaller picture.
"""

from __future__ import annotations

import itertools
import sys
from fractions import Fraction
from typing import Any

import av

from rdrive_app.media import tonemap

_TRANSPOSE = {90: ["transpose=clock"], 270: ["transpose=cclock"], 180: ["hflip", "vflip"]}
_MATRIX = {1: "bt709", 5: "bt601", 6: "bt601", 7: "smpte240m", 9: "bt2020", 10: "bt2020"}


def fit_even(width: int, height: int, long_side: int) -> tuple[int, int]:
    """The size fitting ``long_side`` (never larger than the source), both sides even."""
    scale = min(1.0, long_side / max(width, height))
    return max(2, round(width * scale / 2) * 2), max(2, round(height * scale / 2) * 2)


def _filters(frame: Any, w: int, h: int) -> list[str]:
    """scale (+ the tone-mapping LUT for PQ/HLG) to BT.709 limited-range yuv420p."""
    pix = frame.format.name
    full = frame.color_range == 2 or pix.startswith("yuvj")
    matrix = _MATRIX.get(frame.colorspace) or ("bt709" if frame.height >= 720 else "bt601")
    source = f"in_color_matrix={matrix}:in_range={'pc' if full else 'tv'}"
    to_709 = "out_color_matrix=bt709:out_range=tv"
    trc = frame.color_trc
    if trc in tonemap.HDR_TRANSFERS:
        lut = tonemap.cube_file(trc, _signal_peak(frame))
        return [
            f"scale=w={w}:h={h}:flags=bicubic:{source}",
            "format=gbrp16le",
            f"lut3d=file='{lut}':interp=tetrahedral",
            f"scale={to_709}",
            "format=yuv420p",
        ]
    return [f"scale=w={w}:h={h}:flags=bicubic:{source}:{to_709}", "format=yuv420p"]


def _signal_peak(frame: Any) -> float:
    """tonemap's peak: the stream's MaxCLL (nits / 100) when it has one, else 1000 nits.

    (FFmpeg would next try the mastering display's peak; phones that write one write MaxCLL
    too.)"""
    for data in frame.side_data:
        if "CONTENT_LIGHT" in str(getattr(data, "type", "")).upper():
            max_cll = int.from_bytes(bytes(data)[:4], sys.byteorder)  # AVContentLightMetadata
            if max_cll:
                return max_cll / 100
    return tonemap.DEFAULT_PEAK


def picture_graph(frame: Any, time_base: Fraction, size: tuple[int, int], rotation: int) -> Any:
    """A configured graph taking frames like ``frame`` to upright BT.709 yuv420p at ``size``
    (the stored orientation's size: the turn comes last, on the small picture)."""
    return _graph(frame, time_base, _filters(frame, *size) + _TRANSPOSE.get(rotation, []))


def _graph(frame: Any, time_base: Fraction, chain: list[str]) -> Any:
    graph = av.filter.Graph()
    nodes = [
        graph.add_buffer(
            width=frame.width, height=frame.height, format=frame.format.name, time_base=time_base
        )
    ]
    for spec in chain:
        name, _, args = spec.partition("=")
        nodes.append(graph.add(name, args or None))
    nodes.append(graph.add("buffersink"))
    for a, b in itertools.pairwise(nodes):
        a.link_to(b)
    graph.configure()
    return graph
