"""HDR (PQ, HLG) to BT.709 SDR as a 3D LUT, because the bundled FFmpeg has no zscale.

The reference is what Debian's ffmpeg does with
``zscale=t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,tonemap=hable:desat=0,
zscale=t=bt709:m=bt709:r=tv``: decode the transfer to linear light (100 nits = 1.0; HLG with
its inverse OETF and the BT.2100 OOTF for a 1000-nit display), convert BT.2020 primaries to
BT.709 in linear light, compress with Hable's curve applied to max(R, G, B) (so hues do not
shift) against the signal peak (tonemap's default: 10, i.e. 1000 nits, for an untagged
source), then back to BT.709 R'G'B' (zimg's display-referred BT.709: BT.1886's 1/2.4
power). Every step is a function of the pixel's own R'G'B', so the whole is one table from
BT.2020 R'G'B' (which swscale makes) to BT.709 R'G'B' (which swscale turns back into YUV):
FFmpeg's ``lut3d`` filter applies it with tetrahedral interpolation.
The table is computed in plain Python once per process and kept in the temp directory.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

PQ, HLG = 16, 18  # FFmpeg's AVCOL_TRC_SMPTE2084 and AVCOL_TRC_ARIB_STD_B67
HDR_TRANSFERS = frozenset({PQ, HLG})
LUT_SIZE = 33  # measured against ffmpeg's chain: see tests/unit/media/test_playback.py
DEFAULT_PEAK = 10.0  # tonemap's peak for an untagged source after linearisation (1000 nits)
_VERSION = 2  # part of the cached table's name: raise it when the maths changes
_NPL = 100.0  # nits that linear 1.0 stands for (zscale's npl)
_KR, _KB = 0.2627, 0.0593  # BT.2020 luma weights (the HLG OOTF's Y)


def _matrix_2020_to_709() -> list[list[float]]:
    """Linear-light BT.2020 → BT.709 RGB, from the primaries' chromaticities (D65 white)."""

    def rgb_to_xyz(prim: tuple[tuple[float, float], ...]) -> list[list[float]]:
        white = (0.3127, 0.3290)
        cols = [(x / y, 1.0, (1 - x - y) / y) for x, y in prim]
        wx, wy, wz = white[0] / white[1], 1.0, (1 - white[0] - white[1]) / white[1]
        m = [[cols[j][i] for j in range(3)] for i in range(3)]
        s = _solve(m, [wx, wy, wz])
        return [[m[i][j] * s[j] for j in range(3)] for i in range(3)]

    bt2020 = rgb_to_xyz(((0.708, 0.292), (0.170, 0.797), (0.131, 0.046)))
    bt709 = rgb_to_xyz(((0.640, 0.330), (0.300, 0.600), (0.150, 0.060)))
    inv709 = [_solve(bt709, [1.0 if i == j else 0.0 for i in range(3)]) for j in range(3)]
    inv = [[inv709[j][i] for j in range(3)] for i in range(3)]
    return [[sum(inv[i][k] * bt2020[k][j] for k in range(3)) for j in range(3)] for i in range(3)]


def _solve(m: list[list[float]], v: list[float]) -> list[float]:
    """x with m·x = v (Cramer's rule; 3×3)."""

    def det(a: list[list[float]]) -> float:
        return (
            a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1])
            - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0])
            + a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0])
        )

    d = det(m)
    return [
        det([[v[i] if j == c else m[i][j] for j in range(3)] for i in range(3)]) / d
        for c in range(3)
    ]


_M = _matrix_2020_to_709()


def pq_eotf(e: float) -> float:
    """SMPTE ST 2084 code value → linear light, 1.0 = 100 nits."""
    m1, m2, c1, c2, c3 = 0.1593017578125, 78.84375, 0.8359375, 18.8515625, 18.6875
    p = max(e, 0.0) ** (1 / m2)
    return (max(p - c1, 0.0) / max(c2 - c3 * p, 1e-30)) ** (1 / m1) * (10000.0 / _NPL)


def hlg_inverse_oetf(e: float) -> float:
    """ARIB STD-B67 code value → scene light in [0, 1] (zimg's scaling)."""
    a, b, c = 0.17883277, 0.28466892, 0.55991073
    e = max(e, 0.0)
    return e * e / 3 if e <= 0.5 else (math.exp((e - c) / a) + b) / 12


def hable(x: float) -> float:
    a, b, c, d, e, f = 0.15, 0.50, 0.10, 0.20, 0.02, 0.30
    return (x * (x * a + b * c) + d * e) / (x * (x * a + b) + d * f) - e / f


def bt709_encode(x: float) -> float:
    """Linear display light → BT.709 R'G'B' as zimg 3 does for display-referred light: the
    inverse of the BT.1886 EOTF (a pure 1/2.4 power), not the camera OETF (measured: Debian's
    zscale gives 80, not 58, for linear 0.052)."""
    return min(1.0, max(x, 0.0) ** (1 / 2.4))


def to_sdr(
    rgb: tuple[float, float, float], trc: int, peak: float = DEFAULT_PEAK
) -> tuple[float, ...]:
    """One BT.2020 R'G'B' (PQ or HLG) → BT.709 R'G'B', the chain in the module docstring."""
    if trc == PQ:
        lin = [pq_eotf(c) for c in rgb]
    else:
        scene = [hlg_inverse_oetf(c) for c in rgb]
        ys = _KR * scene[0] + (1 - _KR - _KB) * scene[1] + _KB * scene[2]
        gain = ys**0.2 if ys > 0 else 0.0  # the OOTF: system gamma 1.2
        lin = [s * gain * (1000.0 / _NPL) for s in scene]
    r, g, b = (sum(_M[i][j] * lin[j] for j in range(3)) for i in range(3))
    sig = max(r, g, b, 1e-6)
    k = hable(sig) / hable(peak) / sig
    return (bt709_encode(r * k), bt709_encode(g * k), bt709_encode(b * k))


def cube_file(trc: int, peak: float = DEFAULT_PEAK, size: int = LUT_SIZE) -> str:
    """The path of a .cube LUT for ``trc`` (made on first use, then reused)."""
    if trc not in HDR_TRANSFERS:
        raise ValueError(f"not an HDR transfer: {trc}")
    path = Path(tempfile.gettempdir()) / f"rdrive-tonemap-v{_VERSION}-{trc}-{peak:g}-{size}.cube"
    if path.exists():
        return str(path)
    steps = [i / (size - 1) for i in range(size)]
    lines = [f"LUT_3D_SIZE {size}"]
    for b in steps:  # .cube order: red changes fastest
        for g in steps:
            for r in steps:
                lines.append("{:.6f} {:.6f} {:.6f}".format(*to_sdr((r, g, b), trc, peak)))
    part = path.with_suffix(f".{os.getpid()}.part")
    part.write_text("\n".join(lines) + "\n")
    os.replace(part, path)  # atomic: a parallel child never reads half a table
    return str(path)
